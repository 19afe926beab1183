"""DOC001: a documented biopsy line without its technique or body region."""

from __future__ import annotations

from collections.abc import Iterator

from rules.documentation._checklist import Need, documented, gap, missing
from rules.facts.context import ClaimContext
from rules.facts.sites import BIOPSY_CODES, family_lines
from rules.model import Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule

NEEDS = (
    Need("technique", "tangential/shave, punch or incisional selects 11102-11107", True),
    Need("body_region", "the anatomic location of each biopsied lesion", False),
)


@register(code="DOC001", slug="biopsy-without-technique-or-site", status=Stable("0.1.0"))
class BiopsyWithoutTechniqueOrSite(Rule):
    """A biopsy line whose documentation lacks the technique or the anatomic location.

    ## What it does
    For biopsy lines that carry documentation, lists the checklist facts that are missing: the technique
    (warning: it selects the code) and the body region (info: it supports the distinct lesion).

    ## Why is this bad?
    A biopsy note records the lesion, its specific anatomic location, the indication and the technique
    (tangential, punch, incisional). Since 2019 the technique is the code; an
    audit without it recoups the difference or the whole service.

    ## Example
    11104 with documentation {body_region: arm} -> "lacks technique".

    ## Fix safety
    No fix: only the chart can supply the facts.

    ## References
    AMA CPT 2026 biopsy definitions; AAD DermWorld
    "Biopsy coding in 2019, part 3".
    """

    name = "Biopsy without technique or site"
    category = Category.DOCUMENTATION_GAP
    severity = Severity.WARNING
    reference = "AMA CPT 11102-11107 technique definitions (the technique is the code)"
    triggers = BIOPSY_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for _, lines in family_lines(ctx, "biopsy"):
            for line in documented(ctx, lines):
                gaps = missing(ctx, [line], NEEDS)
                if gaps:
                    yield gap(self, [line.line_id], f"Biopsy {line.code} (line {line.line_id})", gaps)
