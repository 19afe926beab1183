"""MOH004: +17315 units do not match the documented tissue blocks beyond five per stage."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.mohs import FAMILY, lesions
from rules.facts.sites import MOHS_CODES, delta, lines_of, money
from rules.fixes import add_line, merge_lines, remove_line
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="MOH004", slug="mohs-blocks-beyond-five-not-billed", status=Stable("0.1.0"))
class MohsBlocksBeyondFiveNotBilled(Rule):
    """+17315 units do not match the tissue blocks beyond five documented per stage.

    ## What it does
    `documentation.mohs_blocks` is the number of tissue blocks in a stage line. Each block beyond the first
    five of a stage is one unit of +17315 (any site, any stage). Sums the blocks beyond five over the
    date's Mohs stage lines and adds, sets or removes +17315 to match.

    ## Why is this bad?
    Blocks beyond five are separately payable only as +17315 and only when documented: unbilled documented
    blocks are lost revenue; +17315 without the documented blocks is an overpayment.

    ## Example
    17313 (mohs_blocks 7) -> 17313 + 17315 x2 (+$158.32).

    ## Fix safety
    `safe` when every Mohs stage line of the date documents its blocks; otherwise the rule is silent
    (DOC005 asks for the blocks).

    ## References
    AMA CPT 2026 descriptor +17315 ("each additional block after the first 5 tissue blocks, any stage");
    AAPC "Don't Marginalize Mohs"; AMA CPT 2026 Mohs guidelines (17311-17315).
    """

    name = "Mohs blocks beyond five not billed as +17315"
    category = Category.REVENUE_OPPORTUNITY
    severity = Severity.WARNING
    reference = "AMA CPT +17315 descriptor (each block beyond the first 5, any stage); AAPC 'Don't Marginalize Mohs'"
    triggers = MOHS_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        table = ctx.families
        for day in ctx.dates:
            stage_lines = [line for lesion in lesions(ctx, day) for line in lesion.lines]
            blocks = [ctx.doc(line).mohs_blocks for line in stage_lines]
            if not stage_lines or any(b is None for b in blocks):
                continue
            block_lines = [
                line
                for line in lines_of(ctx, day, FAMILY)
                if (e := table.get(line.code)) is not None and e.measure == "blocks"
            ]
            addon = next((e for e in table.in_family(FAMILY) if e.measure == "blocks"), None)
            if addon is None:
                continue
            want = sum(table.addon_units(addon, b) for b in blocks if b is not None)
            billed = sum(line.units for line in block_lines)
            if want == billed and len(block_lines) <= 1:
                continue
            ids = tuple(line.line_id for line in block_lines)
            impact = delta(ctx, day, [(addon.code, billed)], [(addon.code, want)])
            if not ids:
                fix = add_line(addon.code, want, f"add {addon.code} x{want}", Applicability.SAFE)
            elif want == 0:
                fix = remove_line(ids, f"remove {addon.code}", Applicability.SAFE)
            else:
                fix = merge_lines(ids, f"{addon.code} x{want}", Applicability.SAFE, units=want)
            detail = ", ".join(f"line {ln.line_id}: {b}" for ln, b in zip(stage_lines, blocks, strict=True))
            yield self.finding(
                [*(line.line_id for line in stage_lines), *ids],
                f"Tissue blocks documented per Mohs stage line ({detail}) give {want} block(s) beyond the first "
                f"five, but {addon.code} x{billed} is billed: bill {addon.code} x{want} ({money(impact)}).",
                fix=fix,
                revenue_impact=impact,
                category=Category.CODE_FAMILY if want < billed else None,
                severity=Severity.ERROR if want < billed else None,
            )
