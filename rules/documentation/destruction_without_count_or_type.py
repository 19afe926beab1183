"""DOC003: a documented destruction or skin-tag session without lesion count, type, or (malignant) size/site."""

from __future__ import annotations

from collections.abc import Iterator

from rules.documentation._checklist import Need, documented, gap, missing
from rules.facts.context import ClaimContext
from rules.facts.sites import DESTRUCTION_CODES, SKIN_TAG_CODES, family_lines
from rules.model import Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule

COUNTED = {
    "destruction_premalignant": (
        Need("lesion_count", "the number of lesions selects 17000 + 17003 x(n-1) or 17004", True),
        Need("lesion_type", "premalignant vs benign selects the code family", True),
    ),
    "destruction_benign": (
        Need("lesion_count", "up to 14 lesions is 17110, 15 or more 17111", True),
        Need("lesion_type", "benign vs premalignant selects the code family", True),
    ),
    "skin_tag_removal": (Need("lesion_count", "tags beyond 15 are +11201 per 10", True),),
}
PER_LESION = (
    Need("lesion_type", "malignant destruction needs a malignant lesion", True),
    Need("lesion_diameter_cm", "the lesion diameter selects the size step", True),
    Need("body_region", "the anatomic group of the code", True),
)


@register(code="DOC003", slug="destruction-without-count-or-type", status=Stable("0.1.0"))
class DestructionWithoutCountOrType(Rule):
    """A destruction (or skin-tag) session whose documentation lacks the lesion count or type.

    ## What it does
    For documented premalignant (17000-17004) and benign (17110/17111) destruction sessions and skin-tag
    removal (11200/11201), lists whether the lesion count and lesion type are missing (documented on any
    line of the session counts). For malignant destruction (17260-17286), coded per lesion, lists missing
    lesion type, diameter and body region of each line.

    ## Why is this bad?
    A destruction note records the number of lesions, the size and location of each, the method and the
    indication (premalignant or benign): CPT chooses the code by lesion type and count.

    ## Example
    17000 + 17003 x7 with documentation {body_region: face} -> "lacks lesion_count; lesion_type".

    ## Fix safety
    No fix: only the chart can supply the facts.

    ## References
    AMA CPT 17000-17286 and 11200/11201 descriptors (lesion type and count select the code).
    """

    name = "Destruction without lesion count or type"
    category = Category.DOCUMENTATION_GAP
    severity = Severity.WARNING
    reference = "AMA CPT 17000-17286, 11200-11201 descriptors (lesion type and count select the code)"
    triggers = DESTRUCTION_CODES | SKIN_TAG_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for family, needs in COUNTED.items():
            for _, lines in family_lines(ctx, family):
                if not any(line.documentation is not None for line in lines):
                    continue
                gaps = missing(ctx, lines, needs)
                if gaps:
                    codes = " + ".join(f"{line.code} (line {line.line_id})" for line in lines)
                    yield gap(self, [line.line_id for line in lines], codes, gaps)
        for _, lines in family_lines(ctx, "destruction_malignant"):
            for line in documented(ctx, lines):
                gaps = missing(ctx, [line], PER_LESION)
                if gaps:
                    yield gap(self, [line.line_id], f"Malignant destruction {line.code} (line {line.line_id})", gaps)
