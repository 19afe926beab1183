"""DOC005: a documented Mohs lesion without its stage count or tissue blocks."""

from __future__ import annotations

from collections.abc import Iterator

from rules.documentation._checklist import Need, gap, missing
from rules.facts.context import ClaimContext
from rules.facts.mohs import lesions
from rules.facts.sites import MOHS_CODES
from rules.model import Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule

STAGE = (Need("mohs_stage", "the highest stage sets the additional-stage units", True),)
BLOCKS = (Need("mohs_blocks", "blocks beyond five per stage are +17315", False),)


@register(code="DOC005", slug="mohs-without-stage-or-blocks", status=Stable("0.1.0"))
class MohsWithoutStageOrBlocks(Rule):
    """A Mohs lesion whose documentation lacks the stage number or the tissue blocks.

    ## What it does
    For Mohs lesions with documentation, warns when no line of the lesion documents mohs_stage (the
    additional-stage units depend on it) and notes stage lines without mohs_blocks (info: needed for +17315).

    ## Why is this bad?
    A Mohs note records each stage (tissue excised, mapping, histologic findings, the positive margin that
    called for the next stage) and the clear margins of the final stage: CPT reports stages and blocks, so
    each billed stage and block must be in the chart.

    ## Example
    17311 + 17312 x2 with documentation {body_region: nose} -> "lacks mohs_stage".

    ## Fix safety
    No fix: only the chart can supply the facts.

    ## References
    AMA CPT 17311-17315 descriptors and Mohs guidelines (stages, tissue blocks); AAPC "Don't Marginalize Mohs".
    """

    name = "Mohs without stage or blocks"
    category = Category.DOCUMENTATION_GAP
    severity = Severity.WARNING
    reference = "AMA CPT 17311-17315 (stages and tissue blocks are the code and its units)"
    triggers = MOHS_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for day in ctx.dates:
            for lesion in lesions(ctx, day):
                lines = lesion.lines
                if not any(line.documentation is not None for line in lines):
                    continue
                stage_gap = missing(ctx, lines, STAGE)
                if stage_gap:
                    ids = [line.line_id for line in lines]
                    what = f"Mohs lesion {' + '.join(f'{ln.code} (line {ln.line_id})' for ln in lines)}"
                    yield gap(self, ids, what, stage_gap)
                no_blocks = [line for line in lines if ctx.doc(line).mohs_blocks is None]
                if no_blocks:
                    yield gap(
                        self,
                        [line.line_id for line in no_blocks],
                        f"Mohs stage line(s) {', '.join(ln.line_id for ln in no_blocks)}",
                        list(BLOCKS),
                    )
