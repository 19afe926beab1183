"""MOH003: Mohs additional-stage units do not match the documented number of stages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from rules.facts.context import ClaimContext
from rules.facts.mohs import MohsLesion, expected_code, lesions
from rules.facts.sites import MOHS_CODES, delta, money
from rules.fixes import add_line, merge_lines, remove_line
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="MOH003", slug="mohs-stage-units-differ-from-documentation", status=Stable("0.1.0"))
class MohsStageUnitsDifferFromDocumentation(Rule):
    """Mohs additional-stage units do not match the documented stages.

    ## What it does
    `documentation.mohs_stage` is the highest stage a line covers; the highest over a lesion's lines is
    the number of stages. The first stage is 17311/17313; each further stage is one unit of +17312/+17314:
    units = stages - 1. Adds the missing add-on, or sets or removes its units.

    ## Why is this bad?
    Each documented additional stage is payable ("Mohs add-on stages" is a real revenue play when the
    chart documents every stage); billing more stages than documented is an overpayment found on audit.

    ## Example
    17311 with mohs_stage 3 and no add-on -> 17311 + 17312 x2 (+$805.63); 17311 + 17312 x1 with mohs_stage 3
    -> 17312 x2 (+$402.81: the revenue figure is the amount of the units added or removed, priced once).

    ## Fix safety
    `safe`: the stages come from the lines' own documentation. Lesions without a documented stage are left
    to DOC005.

    ## References
    AMA CPT 2026 descriptors 17311-17314 ("first stage", "each additional stage"); AAPC "Don't Marginalize
    Mohs"; AMA CPT 2026 Mohs guidelines (17311-17315).
    """

    name = "Mohs stage units differ from documentation"
    category = Category.CODE_FAMILY
    severity = Severity.ERROR
    reference = "AMA CPT 17311-17314 descriptors (each additional stage); AAPC 'Don't Marginalize Mohs'"
    triggers = MOHS_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for day in ctx.dates:
            for lesion in lesions(ctx, day):
                yield from self._judge(ctx, day, lesion)

    def _judge(self, ctx: ClaimContext, day: date, lesion: MohsLesion) -> Iterator[Finding]:
        table = ctx.families
        stages = [s for line in lesion.lines if (s := ctx.doc(line).mohs_stage) is not None]
        primary = expected_code(ctx, lesion.primary, lesion.group)
        addon = table.addon_of(primary.code) if primary else None
        if not stages or addon is None:
            return
        count = max(stages)
        want = table.addon_units(addon, count)
        billed = sum(line.units for line in lesion.stages)
        if billed == want and len(lesion.stages) <= 1:
            return
        ids = tuple(line.line_id for line in lesion.stages)
        impact = delta(ctx, day, [(addon.code, billed)], [(addon.code, want)])
        head = (
            f"{count} Mohs stage(s) documented for the lesion of line {lesion.primary.line_id}: first stage + "
            f"{addon.code} x{want}, but {billed} additional stage unit(s) are billed"
        )
        if not ids:
            fix = add_line(addon.code, want, f"add {addon.code} x{want}", Applicability.SAFE)
            how = f"add {addon.code} x{want}"
        elif want == 0:
            fix = remove_line(ids, f"remove {addon.code}", Applicability.SAFE)
            how = f"remove line(s) {', '.join(ids)}"
        else:
            fix = merge_lines(ids, f"{addon.code} x{want}", Applicability.SAFE, units=want)
            how = f"bill {want} unit(s) on line {ids[0]}"
        yield self.finding(
            [lesion.primary.line_id, *ids],
            f"{head}. Each documented additional stage is one add-on unit: {how} ({money(impact)}).",
            fix=fix,
            revenue_impact=impact,
            category=Category.REVENUE_OPPORTUNITY if want > billed else None,
            severity=Severity.WARNING if want > billed else None,
        )
