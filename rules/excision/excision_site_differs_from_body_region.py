"""EXC002: the excision code's site group does not match the documented body region."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.excision import lines_with_step
from rules.facts.sites import EXCISION_CODES, money
from rules.fixes import replace_code
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="EXC002", slug="excision-site-differs-from-body-region", status=Stable("0.1.0"))
class ExcisionSiteDiffersFromBodyRegion(Rule):
    """The excision code's anatomic group does not match the documented body region.

    ## What it does
    Maps `documentation.body_region` to the excision site groups (site_groups.csv): trunk/arms/legs
    (1140x/1160x, axilla included per CPT "trunk, arms or legs"); scalp/neck/hands/feet/genitalia
    (1142x/1162x); face/ears/eyelids/nose/lips/mucous membrane (1144x/1164x, forehead, cheek, chin and
    mouth included). Recodes the line into the documented group, same size step and pathology.

    ## Why is this bad?
    The site group is part of the code and of its value: a nose excision billed with the trunk code
    under-bills; the reverse over-bills and fails audit.

    ## Example
    11602 for a 1.4 cm excision on the nose -> 11642 (+$26.38).

    ## Fix safety
    `safe`: the line's own documentation names the body region.

    ## References
    AMA CPT 2026 excision code descriptors (11400-11446, 11600-11646 anatomic groups) and excision guidelines.
    """

    name = "Excision site group differs from the body region"
    category = Category.CODE_SELECTION
    severity = Severity.ERROR
    reference = "AMA CPT 11400-11646 descriptors (anatomic site groups)"
    triggers = EXCISION_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for found, step in lines_with_step(ctx, "site"):
            line = found.line
            yield self.finding(
                [line.line_id],
                f"Line {line.line_id} bills {line.code} ({step.before.site_group.replace('_', '/')}) but the chart "
                f"documents the {ctx.doc(line).body_region}, which is {step.after.site_group.replace('_', '/')}. "
                f"Replace {line.code} with {found.target.code} ({money(step.impact)} for the site).",
                fix=replace_code(
                    line.line_id, found.target.code, f"replace {line.code} with {found.target.code}", Applicability.SAFE
                ),
                revenue_impact=step.impact,
                severity=Severity.WARNING if step.impact > 0 else None,
            )
