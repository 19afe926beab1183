"""BIO004: the biopsy code's technique is not the technique the chart documents."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.biopsy import describe, plans, recode
from rules.facts.context import ClaimContext
from rules.facts.sites import BIOPSY_CODES, money
from rules.model import Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="BIO004", slug="biopsy-technique-differs-from-documentation", status=Stable("0.1.0"))
class BiopsyTechniqueDiffersFromDocumentation(Rule):
    """The biopsy code's technique differs from the technique documented for the line.

    ## What it does
    Compares `documentation.technique` (tangential or shave, punch, incisional) with the technique of the
    billed code and recodes the line to the documented technique, as primary or add-on according to the
    one-primary hierarchy of the date. `revenue_impact` is the RVU difference (CY 2026 PFS).

    ## Why is this bad?
    The code must describe what was done. A punch biopsy billed as tangential (11102) under-reports the
    service: 11104 pays about $25.72 more nationally. The reverse over-codes and fails audit. "Punch pays
    more" done honestly: only what the chart documents.

    ## Example
    11102 with documentation.technique = punch -> 11104 (+$25.72, non-facility).

    ## Fix safety
    `safe`: supported by the line's own documentation. Lines without a documented technique are left as
    billed.

    ## References
    AMA CPT 2026 biopsy definitions (tangential includes shave, scoop, saucerize, curette; punch;
    incisional); AAD DermWorld "Biopsy coding in 2019, part 3"; CMS PFS RVU file CY 2026.
    """

    name = "Biopsy technique differs from documentation"
    category = Category.CODE_SELECTION
    severity = Severity.ERROR
    reference = "AMA CPT 11102-11107 technique definitions; AAD DermWorld 'Biopsy coding in 2019, part 3'"
    triggers = BIOPSY_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for plan in plans(ctx):
            for planned in plan.lines:
                if not planned.technique_differs:
                    continue
                line, target = planned.line, planned.target
                fix, impact = recode(ctx, plan, planned)
                yield self.finding(
                    [line.line_id],
                    f"Line {line.line_id} bills {line.code} ({planned.billed.technique} biopsy) but the chart "
                    f"documents a {planned.technique} biopsy ({ctx.doc(line).technique}). Code the technique "
                    f"performed: replace {line.code} with {target.code} ({money(impact)}); coded: {describe(plan)}.",
                    fix=fix,
                    revenue_impact=impact,
                )
