"""REP002: an intermediate or complex repair billed with a benign excision of 0.5 cm or less."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.repair import included_repairs
from rules.facts.sites import REPAIR_CODES, delta, money
from rules.fixes import remove_line
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="REP002", slug="repair-with-small-benign-excision", status=Stable("0.1.0"))
class RepairWithSmallBenignExcision(Rule):
    """An intermediate or complex repair billed with a benign excision of excised diameter 0.5 cm or less.

    ## What it does
    Intermediate (12031-12057) and complex (13100-13153) repairs are normally billed in addition to an
    excision, except with a benign excision of excised diameter 0.5 cm or less (11400, 11420, 11440, using
    the documented excised diameter where there is one) of the same lesion: then the repair is removed.

    ## Why is this bad?
    NCCI: "excision of benign lesions with excised diameter of 0.5 cm or less (11400, 11420, 11440) includes
    simple, intermediate, or complex repairs which shall not be reported separately". The repair is denied;
    a repair of another, larger excised lesion remains billable.

    ## Example
    11400 (lesion A, 0.3 cm + 0.1 cm margins) + 12031 (lesion A) -> 11400.

    ## Fix safety
    `safe` when both lines document the same lesion id; otherwise `needs_documentation`.

    ## References
    NCCI Policy Manual for Medicare Services ch. III (benign excision 0.5 cm or less includes repairs);
    AAPC "Know when to report excision or repair or both"; AMA CPT 2026 excision guidelines (11400-11646).
    """

    name = "Repair billed with a benign excision of 0.5 cm or less"
    category = Category.PTP_BUNDLE
    severity = Severity.ERROR
    reference = "NCCI Policy Manual ch. III (11400/11420/11440 include simple, intermediate or complex repair)"
    triggers = REPAIR_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for day in ctx.dates:
            for found in included_repairs(ctx, day):
                if found.reason != "small_benign":
                    continue
                repair, excision = found.repair, found.excision
                impact = delta(ctx, day, [(repair.code, repair.units)], [])
                coded = (
                    excision.code
                    if found.excision_code == excision.code
                    else f"{excision.code}, documented as {found.excision_code}"
                )
                yield self.finding(
                    [repair.line_id, excision.line_id],
                    f"Repair {repair.code} (line {repair.line_id}) closes the benign excision of line "
                    f"{excision.line_id} ({coded}, excised diameter 0.5 cm or less), which NCCI says includes "
                    f"simple, intermediate and complex repair. Remove line {repair.line_id} ({money(impact)})"
                    + ("." if found.confirmed else " unless it repaired another, larger excision (document it)."),
                    fix=remove_line(
                        repair.line_id,
                        f"remove {repair.code} (included in {found.excision_code})",
                        Applicability.SAFE if found.confirmed else Applicability.NEEDS_DOCUMENTATION,
                    ),
                    revenue_impact=impact,
                )
