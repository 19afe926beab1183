"""MOH002: a Mohs stage code whose site group does not match the documented body region."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.mohs import documented_group, entry, expected_code, lesions
from rules.facts.sites import MOHS_CODES, delta, money
from rules.fixes import replace_code
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="MOH002", slug="mohs-site-differs-from-body-region", status=Stable("0.1.0"))
class MohsSiteDiffersFromBodyRegion(Rule):
    """A Mohs stage code whose site group does not match the documented body region.

    ## What it does
    17311/+17312 are the head, neck, hands, feet and genitalia; 17313/+17314 the trunk, arms and legs
    (axilla included). When a Mohs stage line documents a body region of the other group, recodes it (a
    first stage stays a first stage, an additional stage stays an additional stage).

    ## Why is this bad?
    The two code pairs are valued differently (17311 pays more than 17313): the site must match the chart.
    Public sources are known to swap the two groups (CMS PFS short descriptors settle it); the CMS short descriptors
    are the authority ("Mohs 1 stage h/n/hf/g", "Mohs 1 stage t/a/l").

    ## Example
    17311 for a basal cell carcinoma of the back -> 17313 (-$40.75).

    ## Fix safety
    `safe`: the line's own documentation names the body region. Add-ons without a documented region follow
    their first stage (MOH001).

    ## References
    AMA CPT 2026 descriptors 17311-17314; CMS PFS RVU file short descriptors; AAPC "Don't
    Marginalize Mohs"; AMA CPT 2026 Mohs guidelines (17311-17315).
    """

    name = "Mohs site group differs from the body region"
    category = Category.CODE_SELECTION
    severity = Severity.ERROR
    reference = "AMA CPT 17311-17314 descriptors (site groups); CMS PFS short descriptors"
    triggers = MOHS_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for day in ctx.dates:
            for lesion in lesions(ctx, day):
                for line in lesion.lines:
                    billed, group = entry(ctx, line), documented_group(ctx, line)
                    if billed is None or group is None or group == billed.site_group:
                        continue
                    target = expected_code(ctx, line, group)
                    if target is None:
                        continue
                    impact = delta(ctx, day, [(line.code, line.units)], [(target.code, line.units)])
                    yield self.finding(
                        [line.line_id],
                        f"Line {line.line_id} bills {line.code} ({billed.site_group.removeprefix('mohs_')}) but the "
                        f"chart documents the {ctx.doc(line).body_region} ({group.removeprefix('mohs_')}): Mohs is "
                        f"coded by the lesion's site group. Replace {line.code} with {target.code} ({money(impact)}).",
                        fix=replace_code(
                            line.line_id, target.code, f"replace {line.code} with {target.code}", Applicability.SAFE
                        ),
                        revenue_impact=impact,
                        severity=Severity.WARNING if impact > 0 else None,
                    )
