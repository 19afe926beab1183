"""EVM009: a prolonged-service add-on (+99417, +G2212) billed with an office E/M below level 5."""

from __future__ import annotations

from collections.abc import Iterator

from rules.data.requirements import prolonged_codes
from rules.facts.context import ClaimContext
from rules.facts.prolonged import level5_codes, prolonged_lines, removed_value
from rules.fixes import remove_line
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="EVM009", slug="prolonged-service-with-lower-level-em", status=Stable("0.2.0"))
class ProlongedServiceWithLowerLevelEm(Rule):
    """A prolonged office E/M add-on (+99417 or +G2212) billed with an office E/M other than 99205/99215.

    ## What it does
    Reads each prolonged-service line (`prolonged_services.csv`: 99417 for commercial payers, G2212 for
    Medicare) and the office/outpatient E/M lines (99202-99215) of its date. When the date bills an office
    E/M but none of level 5 (99205 new, 99215 established), proposes removing the prolonged line. The total
    time on the date (`time_minutes`, on the E/M line) says whether the fix is safe. A prolonged line with no
    E/M at all that day is AOC001's (an add-on without its primary).

    ## Why is this bad?
    Both codes are reported only in addition to 99205 or 99215 selected by total time: the time of a lower
    level is below the level-5 time, so no prolonged time can be counted. The add-on is denied (its primary
    is not on the claim), and if the visit really lasted that long it was a level-5 visit by time.

    ## Example
    99214 + 99417 (commercial, 45 minutes documented) -> remove 99417. 99214 + G2212 (Medicare, 75 minutes
    documented) -> remove G2212 unless the visit is reported as 99215 by time (75 minutes reaches 99215's 40
    minutes and G2212's first unit at 69), which the chart must support.

    ## Fix safety
    `safe` when the documented total time is below the first unit of the payer's prolonged code for the
    visit's category (the prolonged service cannot be supported at any level); `needs_documentation` when no
    time is documented or it reaches that threshold (the visit may be level 5 by time: the chart decides).

    ## References
    AMA CPT 2026 +99417 descriptor (list separately in addition to 99205, 99215; visit level selected using
    total time); HCPCS +G2212 descriptor and CMS CY 2021 PFS final rule (in addition to 99205, 99215, beyond
    the maximum time of the level-5 visit); CMS NCCI add-on code edits AOC_V2024Q2 (99417 and G2212: type
    1, primaries 99205 and 99215).
    """

    name = "Prolonged service billed with an E/M below level 5"
    category = Category.CODE_SELECTION
    severity = Severity.ERROR
    reference = "AMA CPT +99417 and HCPCS +G2212 descriptors (with 99205/99215 selected by time)"
    triggers = prolonged_codes()

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for found in prolonged_lines(ctx):
            visit, line = found.visit, found.line
            if visit is None or visit.code in level5_codes():
                continue
            supported = found.supported_units
            safe = supported == 0
            if found.minutes is None:
                time = "no total time is documented"
            elif found.policy is None:
                time = f"{found.minutes} minutes documented"
            else:
                policy = found.policy
                time = (
                    f"{found.minutes} minutes documented, {policy.addon}'s first unit with {policy.primary} "
                    f"is at {policy.first_unit_minutes}"
                )
            value, impact = removed_value(ctx, line, line.units)
            yield self.finding(
                [line.line_id, visit.line_id],
                f"{line.code} (line {line.line_id}) is a prolonged service reported only with 99205 or 99215 chosen by "
                f"total time, and the date bills {visit.code} (line {visit.line_id}); {time}. Remove line "
                f"{line.line_id} ({impact})"
                + (
                    "."
                    if safe
                    else ", unless the chart's total time supports a level-5 visit by time and the prolonged "
                    "units (then bill the level-5 code and the units that time supports)."
                ),
                fix=remove_line(
                    line.line_id,
                    f"remove {line.code}",
                    Applicability.SAFE if safe else Applicability.NEEDS_DOCUMENTATION,
                ),
                revenue_impact=value,
            )
