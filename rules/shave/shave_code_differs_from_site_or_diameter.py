"""SHV001: the shave removal code does not match the lesion's documented site and diameter."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.sites import SHAVE_CODES, delta, money
from rules.facts.sizing import documented_size_code
from rules.fixes import replace_code
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule

SHAVE = "shave_removal"
# Documented techniques that make the line an excision or a biopsy, not a shave: SHV002 answers those lines.
FULL_THICKNESS = frozenset({"excision", "punch", "incisional"})


@register(code="SHV001", slug="shave-code-differs-from-site-or-diameter", status=Stable("0.2.0"))
class ShaveCodeDiffersFromSiteOrDiameter(Rule):
    """The shave removal code does not match the documented site group or lesion diameter.

    ## What it does
    11300-11313 are chosen per lesion by site group (11300-11303 trunk/arms/legs; 11305-11308 scalp/neck/
    hands/feet/genitalia; 11310-11313 face/ears/eyelids/nose/lips/mucous membrane) and lesion diameter
    (0.5 cm or less, 0.6-1.0, 1.1-2.0, over 2.0 cm). Recomputes the code from `documentation.body_region`
    and `lesion_diameter_cm` (either alone keeps the other as billed). A line documented as an excision,
    punch or incision is left to SHV002.

    ## Why is this bad?
    The code states the site and the size: a 1.4 cm lesion on the nose billed 11311 under-reports the
    service, a 0.4 cm lesion on the back billed 11302 over-reports it and fails review. Shave removal is
    measured by the lesion's diameter, not by an excised diameter (no margins are taken).

    ## Example
    11301 for a 1.4 cm seborrheic keratosis on the cheek -> 11312.

    ## Fix safety
    `safe`: the line's own documentation gives site and diameter.

    ## References
    AMA CPT 2026 descriptors 11300-11313 ("shaving of epidermal or dermal lesion, single lesion", by site and
    lesion diameter) and the shave removal guidelines (horizontal slicing without a full-thickness dermal
    excision; no suture closure).
    """

    name = "Shave removal code differs from site or size"
    category = Category.CODE_SELECTION
    severity = Severity.ERROR
    reference = "AMA CPT 11300-11313 descriptors (site group, lesion diameter)"
    triggers = SHAVE_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        table = ctx.families
        for line in ctx.lines:
            billed = table.get(line.code)
            if billed is None or billed.family != SHAVE:
                continue
            doc = ctx.doc(line)
            if doc.technique in FULL_THICKNESS:
                continue
            sized = documented_size_code(ctx, SHAVE, line, billed)
            if sized is None or sized.target.code == billed.code:
                continue
            target = sized.target
            impact = delta(ctx, line.service_date, [(line.code, line.units)], [(target.code, line.units)])
            yield self.finding(
                [line.line_id],
                f"{line.code} on line {line.line_id} does not match the documented {' and '.join(sized.facts)}: the "
                f"shave removal of that lesion is {target.code}. Replace {line.code} with {target.code} "
                f"({money(impact)}).",
                fix=replace_code(
                    line.line_id, target.code, f"replace {line.code} with {target.code}", Applicability.SAFE
                ),
                revenue_impact=impact,
                severity=Severity.WARNING if impact > 0 else None,
            )
