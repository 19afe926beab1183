"""BIO002: a biopsy add-on billed with a primary of a lower technique (e.g. +11105 with 11102), or with none."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.biopsy import describe, plans, recode
from rules.facts.context import ClaimContext
from rules.facts.ownership import several_primaries
from rules.facts.sites import BIOPSY_CODES, money
from rules.model import Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="BIO002", slug="biopsy-addon-with-lower-primary", status=Stable("0.1.0"))
class BiopsyAddonWithLowerPrimary(Rule):
    """A biopsy add-on billed with a primary of a lower technique, or with no primary biopsy at all.

    ## What it does
    With one primary biopsy billed, checks that it is the highest technique performed that day. An add-on
    of a higher technique (+11105 punch or +11107 incisional) billed with a lower primary means the
    primary is wrong: the highest technique becomes the primary and the lower one its add-on.
    (+11103 goes with 11102, 11104 or 11106; +11105 with 11104 or 11106; +11107 with 11106.)
    With only biopsy add-ons billed on a date and every one of them documenting its technique, the
    highest technique performed is the primary: its add-on line is recoded to the primary code (extra
    units of that line go to the add-on, BIO003). A date billing more than one primary is BIO001's.

    ## Why is this bad?
    The add-on is payable only with a primary of its own or a higher technique: +11105 with 11102, or
    +11103 billed alone, is denied as an add-on without its primary (CARC B15, RARC N122). CPT: one
    primary biopsy per encounter, the highest technique performed; every other biopsy is an add-on. A
    single documented biopsy is the primary.

    ## Example
    11102 (line 1) + 11105 (line 2) -> 11104 (line 2) + 11103 (line 1).
    11103 alone, technique tangential documented -> 11102 (+$46.76).
    11103 x2, technique tangential documented -> 11102 + 11103.

    ## Fix safety
    `safe`: mechanical from the billed (or documented) techniques. An add-on billed with no biopsy
    primary is recoded only when the chart documents the technique of every biopsy of the date; without
    it the add-on-code rule (AOC001) asks the chart which service was the primary.

    ## References
    AMA CPT 2026 parenthetical instructions for +11103/+11105/+11107; AAD DermWorld "Biopsy coding in 2019,
    part 3"; AMA CPT 2026 biopsy guidelines (11102-11107).
    """

    name = "Biopsy add-on with a lower primary"
    category = Category.CODE_FAMILY
    severity = Severity.ERROR
    reference = "AMA CPT +11103/+11105/+11107 instructions; AAD DermWorld 'Biopsy coding in 2019, part 3'"
    triggers = BIOPSY_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for plan in plans(ctx):
            if several_primaries(plan):
                continue  # BIO001's (facts/ownership.py)
            billed_primary = plan.billed_primaries[0] if plan.billed_primaries else None
            for planned in plan.lines:
                if not planned.changes or planned.technique_differs:
                    continue
                line, target = planned.line, planned.target
                fix, impact = recode(ctx, plan, planned)
                if billed_primary is None:
                    why = (
                        f"On {plan.day} only biopsy add-on codes are billed, and an add-on alone is denied (CARC B15 / "
                        f"RARC N122). The chart documents the technique of every biopsy that day, and the highest "
                        f"technique performed ({plan.primary.technique}) is the one primary biopsy of the encounter"
                    )
                else:
                    why = (
                        f"On {plan.day} the primary biopsy billed is {billed_primary.billed.code} (line "
                        f"{billed_primary.line.line_id}) but a {plan.primary.technique} biopsy was performed, which "
                        f"ranks higher (incisional > punch > tangential): the highest technique is the one primary and "
                        f"each other biopsy is the add-on of its own technique"
                    )
                yield self.finding(
                    [line.line_id],
                    f"{why}. Replace {line.code} with {target.code} on line {line.line_id}; coded: {describe(plan)} "
                    f"({money(impact)}).",
                    fix=fix,
                    revenue_impact=impact,
                )
