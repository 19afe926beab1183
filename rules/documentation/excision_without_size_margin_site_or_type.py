"""DOC002: a documented excision line without lesion size, margin, site or pathology."""

from __future__ import annotations

from collections.abc import Iterator

from rules.documentation._checklist import Need, documented, gap, missing
from rules.facts.context import ClaimContext
from rules.facts.sites import EXCISION_CODES
from rules.model import Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule

NEEDS = (
    Need("lesion_diameter_cm", "greatest clinical lesion diameter, for the excised diameter", True),
    Need("margin_cm", "narrowest margin: excised diameter = lesion + 2 x margin", True),
    Need("body_region", "the anatomic group of the code", True),
    Need("lesion_type", "benign vs malignant by final pathology", True),
)


@register(code="DOC002", slug="excision-without-size-margin-site-or-type", status=Stable("0.1.0"))
class ExcisionWithoutSizeMarginSiteOrType(Rule):
    """An excision line whose documentation lacks lesion size, margin, site or pathology.

    ## What it does
    For excision lines that carry documentation, lists which of lesion_diameter_cm, margin_cm, body_region
    and lesion_type are missing. Each of them selects part of the code (size step, anatomic group, benign vs
    malignant), so a gap is a warning.

    ## Why is this bad?
    An excision note records the lesion size in cm before excision, the margins, the wound dimensions, the
    closure type and the pathology. Without size and margin the excised diameter, and so the code, cannot be
    defended in an audit.

    ## Example
    11602 with documentation {body_region: trunk} -> "lacks lesion_diameter_cm; margin_cm; lesion_type".

    ## Fix safety
    No fix: only the chart can supply the facts.

    ## References
    AMA CPT 2026 excision guidelines (11400-11646: excised diameter = lesion + 2 x the narrowest margin).
    """

    name = "Excision without size, margin, site or pathology"
    category = Category.DOCUMENTATION_GAP
    severity = Severity.WARNING
    reference = "AMA CPT excision guidelines (excised diameter, site and pathology select the code)"
    triggers = EXCISION_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        lines = [line for line in ctx.lines if line.code in EXCISION_CODES]
        for line in documented(ctx, lines):
            gaps = missing(ctx, [line], NEEDS)
            if gaps:
                yield gap(self, [line.line_id], f"Excision {line.code} (line {line.line_id})", gaps)
