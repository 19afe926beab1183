"""DOC004: a documented repair line without its length or body region."""

from __future__ import annotations

from collections.abc import Iterator

from rules.documentation._checklist import Need, documented, gap, missing
from rules.facts.context import ClaimContext
from rules.facts.sites import REPAIR_CODES
from rules.model import Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule

NEEDS = (
    Need("repair_length_cm", "the summed length selects the code", True),
    Need("body_region", "the anatomic group of the code", True),
)


@register(code="DOC004", slug="repair-without-length-or-site", status=Stable("0.1.0"))
class RepairWithoutLengthOrSite(Rule):
    """A repair line whose documentation lacks the repair length or the body region.

    ## What it does
    For repair lines (12001-13153, add-ons excepted) that carry documentation, lists whether
    repair_length_cm and body_region are missing.

    ## Why is this bad?
    Repair codes are chosen by complexity, anatomic group and the summed length in cm; a repair note
    records the wound's dimensions before closure and the closure type. Without length and site
    the code cannot be verified, and repairs cannot be summed by group.

    ## Example
    12032 with documentation {repair: intermediate} -> "lacks repair_length_cm; body_region".

    ## Fix safety
    No fix: only the chart can supply the facts.

    ## References
    AMA CPT 2026 repair guidelines (12001-13160: complexity, anatomic group, summed length).
    """

    name = "Repair without length or site"
    category = Category.DOCUMENTATION_GAP
    severity = Severity.WARNING
    reference = "AMA CPT repair guidelines (complexity, length, anatomic group select the code)"
    triggers = REPAIR_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        table = ctx.families
        lines = [
            line
            for line in ctx.lines
            if (e := table.get(line.code)) is not None and e.family.startswith("repair_") and not e.is_addon
        ]
        for line in documented(ctx, lines):
            gaps = missing(ctx, [line], NEEDS)
            if gaps:
                yield gap(self, [line.line_id], f"Repair {line.code} (line {line.line_id})", gaps)
