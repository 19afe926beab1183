"""EVM012: more than one office/outpatient E/M billed for one date (units above 1, or two E/M codes)."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.modifiers import EM_CODES
from rules.facts.sites import mue_flags
from rules.fixes import merge_lines, set_units
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule

_NEW_PATIENT = frozenset({"99202", "99203", "99204", "99205"})


@register(code="EVM012", slug="more-than-one-office-em-on-a-date", status=Stable("0.2.0"))
class MoreThanOneOfficeEmOnADate(Rule):
    """More than one office/outpatient E/M visit billed for one patient on one date.

    ## What it does
    Looks at the office/outpatient E/M lines (99202-99215) of each date. One line with 2 or more units is cut
    to 1 unit. Two or more lines with different E/M codes (99203 + 99213, 99212 + 99214) are flagged: the day's
    visits are one E/M whose level reflects their combined work, and a patient is new or established for the
    physician on a date, not both. Repeated lines of one code are DUP001's; units above the code's MUE are the
    MUE rules'.

    ## Why is this bad?
    Medicare does not pay two office E/M visits by a physician (or one of the same specialty in the group) for
    the same patient on the same day, unless the chart documents visits for unrelated problems that could not
    be provided in the same encounter; otherwise the second visit is denied (the official MUE of 99213, 2 with
    MAI 3, allows that exception; it does not pay two visits by default).

    ## Example
    99213 x2 -> 99213 x1. 99203 + 99213 on 2026-03-02 -> one E/M for the day (new patient if the first visit
    was; its level from the combined medical decision making or total time).

    ## Fix safety
    Cutting a single line's units to 1 is `safe`: a second encounter for an unrelated problem is not reported
    as a second unit of the first visit's code. Combining two E/M codes `needs_documentation`: the level of the
    combined visit comes from the chart (medical decision making or total time of both encounters), and two
    visits stay only when the chart documents unrelated problems that could not be handled in one encounter.

    ## References
    Medicare Claims Processing Manual (Pub. 100-04) ch. 12 §30.6.7.B (office visits on the same day for
    unrelated problems); AMA CPT 2026 E/M guidelines (new and established patients; level by medical decision
    making or total time on the date of the encounter).
    """

    name = "More than one office E/M on a date"
    category = Category.CODE_SELECTION
    severity = Severity.ERROR
    reference = "Medicare Claims Processing Manual ch. 12 §30.6.7.B (one office E/M a day); AMA CPT E/M guidelines"
    triggers = EM_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        billed = [line for code in EM_CODES.intersection(ctx.by_code) for line in ctx.by_code[code]]
        if len(billed) < 2 and all(line.units < 2 for line in billed):
            return  # most claims: one visit
        for day, lines in ctx.by_date.items():
            visits = [line for line in lines if line.code in EM_CODES]
            codes = sorted({line.code for line in visits})
            if len(codes) > 1:
                ids = [line.line_id for line in visits]
                listed = " + ".join(f"{line.code} (line {line.line_id})" for line in visits)
                mixed = (
                    " A patient is new or established for the physician on a date, not both."
                    if (_NEW_PATIENT.intersection(codes) and set(codes) - _NEW_PATIENT)
                    else ""
                )
                yield self.finding(
                    ids,
                    f"{listed} on {day}: Medicare pays one office E/M per physician a day.{mixed} Bill one E/M whose "
                    "level reflects the day's combined medical decision making or total time, unless the chart "
                    "documents visits for unrelated problems that could not be provided in one encounter.",
                    fix=merge_lines(ids, "bill one E/M for the day", Applicability.NEEDS_DOCUMENTATION, units=1),
                )
                continue
            for line in visits:
                if line.units < 2 or mue_flags(ctx, line.code, line.units, day):
                    continue  # one visit; above the MUE the MUE rules cut it
                value = ctx.revenue(line.code, line.units - 1, day)
                yield self.finding(
                    [line.line_id],
                    f"{line.code} (line {line.line_id}) is billed x{line.units} on {day}: an office E/M is one visit "
                    "a day. Bill 1 unit; a second encounter for an unrelated problem that could not be handled in "
                    "the first is a separate line, documented as such.",
                    fix=set_units(line.line_id, 1, f"bill {line.code} x1", Applicability.SAFE),
                    revenue_impact=-value if value is not None else None,
                )
