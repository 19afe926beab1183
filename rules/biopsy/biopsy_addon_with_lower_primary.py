"""BIO002: a biopsy add-on billed with a primary of a lower technique (e.g. +11105 with 11102)."""

from __future__ import annotations

from collections.abc import Iterator

from rules.biopsy._plan import describe, plans, recode
from rules.context import ClaimContext
from rules.model import Category, Finding, Rule, Severity, Stable
from rules.registry import register
from rules.sites import BIOPSY_CODES, money


@register(code="BIO002", slug="biopsy-addon-with-lower-primary", status=Stable("0.1.0"))
class BiopsyAddonWithLowerPrimary(Rule):
    """A biopsy add-on billed with a primary of a lower technique.

    ## What it does
    With one primary biopsy billed, checks that it is the highest technique performed that day. An add-on
    of a higher technique (+11105 punch or +11107 incisional) billed with a lower primary means the
    primary is wrong: the highest technique becomes the primary and the lower one its add-on.
    (+11103 goes with 11102, 11104 or 11106; +11105 with 11104 or 11106; +11107 with 11106.)

    ## Why is this bad?
    The add-on is payable only with a primary of its own or a higher technique: +11105 with 11102 is
    denied as an add-on without its primary (CARC B15, RARC N122).

    ## Example
    11102 (line 1) + 11105 (line 2) -> 11104 (line 2) + 11103 (line 1).

    ## Fix safety
    `safe`: mechanical from the billed (or documented) techniques. An add-on billed with no biopsy
    primary at all is left to the add-on-code (AOC) rules.

    ## References
    AMA CPT 2026 parenthetical instructions for +11103/+11105/+11107; AAD DermWorld "Biopsy coding in 2019,
    part 3"; coding-rules.md "Biopsies".
    """

    name = "Biopsy add-on with a lower primary"
    category = Category.CODE_FAMILY
    severity = Severity.ERROR
    reference = "AMA CPT +11103/+11105/+11107 instructions; AAD DermWorld 'Biopsy coding in 2019, part 3'"
    triggers = BIOPSY_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for plan in plans(ctx):
            if len(plan.billed_primaries) != 1:
                continue
            billed_primary = plan.billed_primaries[0]
            for planned in plan.lines:
                if not planned.changes or planned.technique_differs:
                    continue
                line, target = planned.line, planned.target
                fix, impact = recode(ctx, plan, planned)
                yield self.finding(
                    [line.line_id],
                    f"On {plan.day} the primary biopsy billed is {billed_primary.billed.code} (line "
                    f"{billed_primary.line.line_id}) but a {plan.primary.technique} biopsy was performed, which "
                    f"ranks higher (incisional > punch > tangential): the highest technique is the one primary and "
                    f"each other biopsy is the add-on of its own technique. Replace {line.code} with "
                    f"{target.code} on line {line.line_id}; coded: {describe(plan)} ({money(impact)}).",
                    fix=fix,
                    revenue_impact=impact,
                )
