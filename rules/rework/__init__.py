"""Denial rework: match a remittance (835 CLP loop) to its claim, explain each denial, suggest the fix.

Pure: no I/O beyond the packaged tables read once, no clock (deadlines come from the dates in the input).
Entry point: `analyze(remit, claim, ruleset, *, policy=DeadlinePolicy(), remit_date=None, source_event_id="")`.

Modules, one concern each: `matching` (remittance line -> claim line), `classify` (which adjustments are
denials, of what kind), `bundling` (CO-97/236/231/234: the PTP pair), `global_surgery` (E/M with procedures,
global periods), `addons` (B15 + N122), `units` (MUE), `modifiers` (CO-4), `missing_info` (CO-16),
`duplicates` (CO-18), `other` (review), `actions` (item, rework id, corrected claim), `deadlines`,
`priority`, `carc` (CARC/RARC texts), `analyze` (the orchestration).

Decision table (denial kind x what the chart says -> action):

| denial | chart / claim | action |
|---|---|---|
| CO-45, PR-*, CO-253, OA-23, CARC 59 reduction | - | no item (not a denial) |
| CO-97/236/231/234 (B15+M80), PTP pair | indicator 0 | write_off |
| same | same lesion (lesion_id) | write_off (never a modifier to pass the edit) |
| same | different lesion/site, no distinct modifier billed | resubmit_with_modifier (profile: XS or 59), column 2 |
| same | different lesion/site, distinct modifier billed | appeal, attach the chart note (payer dropped it: reopening) |
| same | X modifier billed, payer takes no X modifiers | resubmit_with_modifier 59 |
| same | chart silent | review: lesion id and site of both lines decide |
| E/M + same-day 000/010 procedure | separately identifiable, no 25 | resubmit_with_modifier 25 on the E/M |
| same | 25 billed and separately identifiable | appeal with the E/M note |
| same | not separately identifiable / only the decision | write_off |
| E/M day of/before a 090 procedure | decision_for_surgery, no 57 | resubmit_with_modifier 57 |
| same | 57 billed and decision documented | appeal |
| same | neither decision nor separate problem | write_off |
| E/M inside a 010/090 global period | unrelated problem, no 24 | resubmit_with_modifier 24; same diagnoses: write_off |
| procedure inside another's global period | - | review (79/58/78 decide) |
| no billed line explains the bundling | - | review, cause `unknown` |
| B15 + N122 (add-on) | primary paid on this remit | appeal (reopening) |
| same | primary denied / not on this remit | review (work the primary first) |
| same | no primary billed, own primary known | correct_and_resubmit (first unit becomes the primary) |
| CARC 151, CO-96 + N362 (MUE) | MAI 2 over, line denied | correct_and_resubmit with the allowed units |
| same | MAI 2, allowed part paid | write_off the excess |
| same | MAI 3, lesion_count documents the units | appeal |
| same | MAI 1 | correct_and_resubmit (extra units on separate lines only if documented) |
| same | within the MUE on file / no MUE on file | review |
| CO-4 | 25 on a procedure, 59/X on an add-on, 59 with X | correct_and_resubmit without it |
| same | X modifier to a payer without X | resubmit_with_modifier 59 |
| same | E/M or PTP column 2 | as the bundling rows |
| CO-16 | remark names the missing item | correct_and_resubmit naming it (MA130: new claim, freq 1) |
| same | no remark / unknown remark / claim-level | review |
| CO-18 / OA-18 | same code+date on another line, different lesions | resubmit_with_modifier distinct modifier |
| same | same lesion, or no twin line | write_off (the original adjudication stands) |
| anything else | - | review with the CARC/RARC texts |
| unmatched remittance line | - | review with the reason |
| CLP02=4 with no denial CAS | - | claim-level review |
| CLP02=22 reversal | - | the reversed items, status closed (same rework id) |
"""

from __future__ import annotations

from rules.rework.analyze import analyze
from rules.rework.deadlines import DeadlinePolicy, PayerDeadlines

__all__ = ["DeadlinePolicy", "PayerDeadlines", "analyze"]
