"""REP001: a simple repair billed with the excision of the same lesion."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.repair import included_repairs
from rules.facts.sites import REPAIR_CODES, delta, money
from rules.fixes import remove_line
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="REP001", slug="simple-repair-with-excision", status=Stable("0.1.0"))
class SimpleRepairWithExcision(Rule):
    """A simple repair (12001-12018) billed with the excision of the same lesion.

    ## What it does
    Finds simple repair lines on the date of an excision (11400-11646) of the same lesion (same
    `lesion_id`; when ids are missing, an excision at the same or an undocumented body region) and removes
    the repair line.

    ## Why is this bad?
    Every excision includes a simple (non-layered) closure of its own wound. A separate simple repair code
    for that wound is unbundled and denied (CO-97). A simple repair of a different wound (another lesion id,
    another site) is separately reportable and is not flagged.

    ## Example
    11602 (lesion A) + 12002 (lesion A) -> 11602.

    ## Fix safety
    `safe` when the chart documents the same lesion id on both lines; otherwise `needs_documentation`:
    remove it unless the repair closed a separate wound.

    ## References
    AMA CPT 2026 excision guidelines ("excision ... includes simple repair"); NCCI Policy Manual ch. III
    (repair with excision); AAPC "Know when to report excision or repair or both".
    """

    name = "Simple repair billed with its excision"
    category = Category.PTP_BUNDLE
    severity = Severity.ERROR
    reference = "AMA CPT excision guidelines (simple repair included); NCCI Policy Manual ch. III"
    triggers = REPAIR_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for day in ctx.dates:
            for found in included_repairs(ctx, day):
                if found.reason != "simple":
                    continue
                repair, excision = found.repair, found.excision
                impact = delta(ctx, day, [(repair.code, repair.units)], [])
                same = (
                    f"the same lesion ({ctx.doc(repair).lesion_id})"
                    if found.confirmed
                    else "what may be the same lesion (no lesion ids documented)"
                )
                yield self.finding(
                    [repair.line_id, excision.line_id],
                    f"Simple repair {repair.code} (line {repair.line_id}) is billed with excision {excision.code} "
                    f"(line {excision.line_id}) of {same}: the excision includes simple closure of its wound, so "
                    f"the repair is not separately payable. Remove line {repair.line_id} ({money(impact)})"
                    + ("." if found.confirmed else " unless it closed a separate wound (then document its lesion id)."),
                    fix=remove_line(
                        repair.line_id,
                        f"remove {repair.code} (included in {excision.code})",
                        Applicability.SAFE if found.confirmed else Applicability.NEEDS_DOCUMENTATION,
                    ),
                    revenue_impact=impact,
                )
