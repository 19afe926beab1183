"""EVM011: prolonged-service units above what the documented total time supports."""

from __future__ import annotations

from collections.abc import Iterator

from rules.data.requirements import prolonged_codes
from rules.facts.context import ClaimContext
from rules.facts.prolonged import prolonged_lines, removed_value
from rules.fixes import remove_line, set_units
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="EVM011", slug="prolonged-service-units-above-documented-time", status=Stable("0.2.0"))
class ProlongedServiceUnitsAboveDocumentedTime(Rule):
    """+99417 or +G2212 billed with more units than the total time on the date supports.

    ## What it does
    For each prolonged-service line that is the payer's own code (`prolonged_services.csv`: G2212 for
    Medicare, 99417 for commercial payers) billed with its level-5 visit, reads the total time on the date
    (`time_minutes` on the E/M line, else on the prolonged line) and the payer's threshold: CPT counts the
    first 99417 at 75 minutes with 99205 and 55 with 99215; CMS the first G2212 at 89 and 69 minutes; each
    further full 15 minutes is another unit. Billed units above that are reduced (removed at 0). Silent when
    no time is documented: the claim cannot show the count, and the level-5 visit may have been chosen by
    medical decision making (then no prolonged service is reportable, which only the chart says).

    ## Why is this bad?
    A unit is reported only for a full 15 minutes beyond the threshold ("do not report for any time unit
    less than 15 minutes"); units the documented time does not reach are overpaid and recovered on audit.

    ## Example
    99215 + G2212 x2 (Medicare, 80 minutes) -> G2212 x1. 99205 + 99417 x1 (commercial, 70 minutes) ->
    remove 99417.

    ## Fix safety
    `safe`: the units follow from the documented time and the payer's threshold.

    ## References
    AMA CPT 2026 +99417 descriptor (each 15 minutes of total time beyond 99205/99215); HCPCS +G2212
    descriptor (each additional 15 minutes beyond the maximum required time; not for a unit of less than 15
    minutes) and CMS CY 2021 PFS final rule; NGS Medicare "Prolonged Services Timetable 2025" (89 and 69
    minutes).
    """

    name = "Prolonged-service units above the documented time"
    category = Category.CODE_SELECTION
    severity = Severity.ERROR
    reference = "AMA CPT +99417; HCPCS +G2212 and CMS CY 2021 PFS final rule (time thresholds)"
    triggers = prolonged_codes()

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for found in prolonged_lines(ctx):
            policy, visit, line, units = found.policy, found.visit, found.line, found.supported_units
            if policy is None or visit is None or not found.level5 or line.code != policy.addon:
                continue
            if units is None or line.units <= units:
                continue
            value, impact = removed_value(ctx, line, line.units - units)
            what = (
                f"{line.code} x{line.units} (line {line.line_id}) with {visit.code} (line {visit.line_id}): "
                f"{found.minutes} minutes of total time are documented and the first unit is at "
                f"{policy.first_unit_minutes}, one more per further full 15 minutes"
            )
            if units == 0:
                yield self.finding(
                    [line.line_id, visit.line_id],
                    f"{what}, so no unit is supported. Remove line {line.line_id} ({impact}).",
                    fix=remove_line(line.line_id, f"remove {line.code}", Applicability.SAFE),
                    revenue_impact=value,
                )
            else:
                yield self.finding(
                    [line.line_id, visit.line_id],
                    f"{what}: {units} unit(s) supported. Bill {line.code} x{units} ({impact}).",
                    fix=set_units(line.line_id, units, f"bill {line.code} x{units}", Applicability.SAFE),
                    revenue_impact=value,
                )
