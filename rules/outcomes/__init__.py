"""Closing the loop: was the scrubber's verdict the payer's answer, and did the rework get paid?

Pure (no I/O but the packaged table read once, no clock: "today" comes with the input). Imports no rule
family: it reads the engine's public `Verdict` and the rework analysis's public outputs (`DenialRework`).

- `carc_groups`: CARC -> denial group, and which finding categories explain each group (`rules/data/carc_groups.csv`).
- `summary`: a claim version's verdict per line (flags with rule code and category, the suggested fix) and
  whether that version went out corrected or as billed against the version before it.
- `judge`: one remittance's adjudicated lines against the summary of the version it paid: predicted, missed
  (with CARC/RARC), false alarm (by rule) or prevented.
- `lifecycle`: a rework item's stages on its rework_id: open -> resubmitted -> paid | denied_again -> closed,
  and expired past its deadline.
"""

from __future__ import annotations

from rules.outcomes.carc_groups import CARC_GROUPS, carc_group, explains
from rules.outcomes.judge import LineJudgement, judge_remit
from rules.outcomes.summary import ClaimSummary, LineSummary, summarize

__all__ = [
    "CARC_GROUPS",
    "ClaimSummary",
    "LineJudgement",
    "LineSummary",
    "carc_group",
    "explains",
    "judge_remit",
    "summarize",
]
