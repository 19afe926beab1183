"""CO-4 (procedure code inconsistent with the modifier, or a required modifier missing) and CO-182.

Checked in order:
- 25 on a procedure (25 goes on E/M codes only) -> correct_and_resubmit without it;
- 59/X{EPSU} on an add-on code (add-ons take no distinct-service modifier) -> correct_and_resubmit without it;
- 59 and an X modifier on one line -> correct_and_resubmit keeping the X modifier;
- an X modifier to a payer that does not accept them -> resubmit_with_modifier 59 in its place;
- an E/M next to a procedure, or a column-2 line of a same-day PTP pair -> the bundling analysis
  (the missing modifier is 25, 57, 24 or the distinct-service modifier, as the chart supports);
- the payer dropped or changed a modifier that was billed -> review (ask for reprocessing);
- otherwise -> review.
"""

from __future__ import annotations

from schemas.rework import ReworkAction

from rules.facts.modifiers import DISTINCT_SERVICE, EM_CODES
from rules.rework import citations
from rules.rework.bundling import X_MODIFIERS, find_column1, judge_ptp
from rules.rework.global_surgery import assess_em
from rules.rework.lookup import fee
from rules.rework.model import Assessment, DenialCase

_A = ReworkAction


def assess_modifier(case: DenialCase) -> Assessment:
    line = case.line
    assert line is not None
    mods = line.modifiers
    fee_code = fee(case.ruleset, line.code, line.service_date)
    policy = f"{citations.NCCI_CH1}; CARC 4"
    if "25" in mods and line.code not in EM_CODES:
        return Assessment(
            _A.CORRECT_AND_RESUBMIT,
            f"modifier 25 on procedure {line.label}",
            f"Modifier 25 belongs on the E/M code only, never on a procedure. Remove it from line {line.line_id} "
            "(and put it on the same-day E/M if the chart documents a separately identifiable visit).",
            f"{citations.MCPM_25_57}; {policy}",
            corrected_modifiers=tuple(m for m in mods if m != "25"),
        )
    distinct = [m for m in mods if m in DISTINCT_SERVICE]
    if distinct and fee_code is not None and fee_code.is_addon:
        return Assessment(
            _A.CORRECT_AND_RESUBMIT,
            f"distinct-service modifier {', '.join(distinct)} on add-on {line.label}",
            f"Add-on codes take no 59/X modifier (no NCCI edit pairs a primary with its own add-on). Remove "
            f"{', '.join(distinct)} from line {line.line_id}.",
            f"{policy}; AAD 'Modifier madness' (2019)",
            corrected_modifiers=tuple(m for m in mods if m not in DISTINCT_SERVICE),
        )
    if "59" in mods and set(mods) & X_MODIFIERS:
        return Assessment(
            _A.CORRECT_AND_RESUBMIT,
            f"59 with an X modifier on {line.label}",
            f"59 and XE/XS/XP/XU must never be on the same line. Remove 59 from line {line.line_id} and keep the "
            "more specific X modifier.",
            citations.A53399,
            corrected_modifiers=tuple(m for m in mods if m != "59"),
        )
    xs = [m for m in mods if m in X_MODIFIERS]
    if xs and not case.profile.accepts_x_modifiers:
        return Assessment(
            _A.RESUBMIT_WITH_MODIFIER,
            f"{', '.join(xs)} on {line.label} to a payer that does not accept X modifiers",
            f"This payer ({case.profile.name}) does not accept XE/XS/XP/XU: resubmit line {line.line_id} with 59 in "
            "place of the X modifier (the chart's distinct-service documentation is unchanged).",
            citations.A53399,
            modifier="59",
            corrected_modifiers=(*[m for m in mods if m not in X_MODIFIERS], "59"),
        )
    em = assess_em(case)
    if em is not None:
        return em
    found = find_column1(case)
    if found is not None:
        return judge_ptp(case, *found)
    notes = [n for n in (case.matched.notes if case.matched else ()) if "modifier" in n]
    if notes:
        return Assessment(
            _A.REVIEW,
            f"modifier on {line.label} differs between the claim and the remittance",
            " ".join(notes) + " Check the modifiers sent on the 837; if they were right, ask the payer to reprocess "
            "the line as billed (reopening); if not, correct and resubmit.",
            policy,
        )
    return Assessment(
        _A.REVIEW,
        "unknown",
        f"The payer found the modifier(s) {'-'.join(mods) or '(none)'} inconsistent with {line.code}, and no rule "
        "here explains it. Check the payer's policy named in the 835 REF*0K (if sent) and the modifier's validity "
        "for the code on the date of service.",
        policy,
    )
