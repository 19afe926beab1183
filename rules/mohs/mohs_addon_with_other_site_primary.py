"""MOH001: a Mohs additional-stage add-on of the other site group than its first stage."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.mohs import entry, expected_code, lesions
from rules.facts.ownership import mohs_site_documented
from rules.facts.sites import MOHS_CODES, delta, money
from rules.fixes import replace_code
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="MOH001", slug="mohs-addon-with-other-site-primary", status=Stable("0.1.0"))
class MohsAddonWithOtherSitePrimary(Rule):
    """A Mohs additional-stage add-on that does not belong to its first-stage code.

    ## What it does
    +17312 is reported only with 17311 (head, neck, hands, feet, genitalia) and +17314 only with 17313
    (trunk, arms, legs). An add-on billed with the other group's first stage (for the same lesion, or the
    only Mohs lesion of the date) is recoded to its first stage's add-on, following the first stage's
    documented site when the add-on line documents none (an add-on documenting its own site is MOH002's).

    ## Why is this bad?
    +17312 with 17313 has no primary of its own and is denied (CARC B15 / N122); the additional stages of
    one lesion are in the lesion's site group.

    ## Example
    17313 (back) + 17312 x2 -> 17313 + 17314 x2.

    ## Fix safety
    `safe`: mechanical pairing within the family. A +17312/+17314 with no Mohs first stage at all is left to
    the add-on-code (AOC) rules; +17315 pairs with any first stage.

    ## References
    AMA CPT 2026 descriptors and parentheticals 17311-17315; AAPC "Don't Marginalize Mohs" ("17311 and
    +17312", "17313 and +17314"); AMA CPT 2026 Mohs guidelines (17311-17315).
    """

    name = "Mohs add-on with the other site's first stage"
    category = Category.CODE_FAMILY
    severity = Severity.ERROR
    reference = "AMA CPT +17312 (with 17311) / +17314 (with 17313); AAPC 'Don't Marginalize Mohs'"
    triggers = MOHS_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for day in ctx.dates:
            for lesion in lesions(ctx, day):
                for line in lesion.stages:
                    billed = entry(ctx, line)
                    if billed is None or mohs_site_documented(ctx, line):
                        continue  # a documented site is MOH002's (facts/ownership.py)
                    if billed.site_group == lesion.group:
                        continue
                    target = expected_code(ctx, line, lesion.group)
                    primary_target = expected_code(ctx, lesion.primary, lesion.group)
                    if target is None or primary_target is None:
                        continue
                    impact = delta(ctx, day, [(line.code, line.units)], [(target.code, line.units)])
                    yield self.finding(
                        [line.line_id, lesion.primary.line_id],
                        f"Additional-stage code {line.code} (line {line.line_id}) belongs with a first stage of "
                        f"another site group; this lesion's first stage is {primary_target.code} (line "
                        f"{lesion.primary.line_id}), whose additional stages are {target.code}. Replace {line.code} "
                        f"with {target.code} ({money(impact)}).",
                        fix=replace_code(
                            line.line_id, target.code, f"replace {line.code} with {target.code}", Applicability.SAFE
                        ),
                        revenue_impact=impact,
                        severity=Severity.WARNING if impact > 0 else None,
                    )
