"""SHV002: a shave removal billed for a full-thickness excision, or an excision billed for a shave."""

from __future__ import annotations

from collections.abc import Iterator

from schemas.claim import ClaimLine

from rules.facts.context import ClaimContext
from rules.facts.excision import excised_diameter, pathology_family
from rules.facts.sites import EXCISION_CODES, SHAVE_CODES, delta, money, site_group_of
from rules.fixes import replace_code
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule

SHAVE = "shave_removal"
PUNCH_BIOPSY_CODES = frozenset({"11104", "11105"})
SHAVE_TECHNIQUES = frozenset({"shave", "tangential"})
EXCISION_TECHNIQUES = frozenset({"excision"})


@register(code="SHV002", slug="removal-technique-differs-from-code", status=Stable("0.2.0"))
class RemovalTechniqueDiffersFromCode(Rule):
    """A shave removal code billed for a documented full-thickness excision, or an excision code for a shave.

    ## What it does
    Compares the line's code with the technique the chart documents for the removal of one lesion:
    a shave removal (11300-11313) documented as an excision (full-thickness, with margins) is recoded to the
    excision code of its pathology (`lesion_type`), site group and excised diameter (lesion plus twice the
    margin); an excision (11400-11646) documented as a shave or tangential removal is recoded to the shave
    code of its site group and lesion diameter. A shave removal documented as a punch is a punch biopsy or
    a punch excision: the chart must say which (with margins around the whole lesion it is an excision). A
    punch biopsy (11104/11105) documented with a margin around the lesion describes a punch excision: the
    finding names the excision code the documentation supports and asks the chart to confirm the intent (a
    biopsy samples tissue for diagnosis; removing the whole lesion with margins is an excision).
    When the chart lacks what the target code needs (lesion type, margin, diameter, site), the finding asks
    for it instead of recoding.

    ## Why is this bad?
    CPT defines shave removal as the sharp removal of an epidermal or dermal lesion by transverse incision or
    horizontal slicing, without a full-thickness dermal excision, and excision as full-thickness removal
    including margins, measured as the lesion's diameter plus the narrowest margins. The two families are
    valued differently (excisions carry a 10-day global period and include simple repair), so the code
    that contradicts the documented technique misstates the service and fails review.

    ## Example
    11306 for a 0.6 cm benign nevus of the neck documented "excision, 0.2 cm margins" -> 11421 (excised
    diameter 1.0 cm). 11402 for a 1.5 cm seborrheic keratosis of the back documented "shave" -> 11302.

    ## Fix safety
    `safe` when the documentation names the technique and gives everything the target code needs;
    `needs_documentation` otherwise (the finding names the missing field), and always for a punch (intent,
    which the claim does not carry, decides biopsy versus excision).

    ## References
    AMA CPT 2026 shave removal guidelines and descriptors 11300-11313; AMA CPT 2026 excision guidelines
    (11400-11646: full-thickness, excised diameter = lesion diameter plus the narrowest margins) and the
    biopsy guidelines (11102-11107: a punch that removes the whole lesion with margins is an excision).
    """

    name = "Removal technique differs from the code (shave versus excision)"
    category = Category.CODE_SELECTION
    severity = Severity.WARNING
    reference = "AMA CPT shave removal (11300-11313) and excision (11400-11646) guidelines"
    triggers = SHAVE_CODES | EXCISION_CODES | PUNCH_BIOPSY_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for line in ctx.lines:
            technique = ctx.doc(line).technique
            if line.code in SHAVE_CODES and technique in EXCISION_TECHNIQUES:
                yield self._to_excision(ctx, line)
            elif line.code in SHAVE_CODES and technique == "punch":
                yield self._ask(
                    line,
                    f"{line.code} on line {line.line_id} is documented as a punch: a punch is a biopsy (11104) or, "
                    "when it removes the whole lesion with margins, an excision, never a shave removal. Document the "
                    "intent and the margins and bill the code they support.",
                )
            elif line.code in EXCISION_CODES and technique in SHAVE_TECHNIQUES:
                yield self._to_shave(ctx, line)
            elif line.code in PUNCH_BIOPSY_CODES and ctx.doc(line).margin_cm:
                yield self._punch_excision(ctx, line)

    def _ask(self, line: ClaimLine, message: str) -> Finding:
        title = f"recode {line.code} from the documented technique"
        return self.finding(
            [line.line_id], message, fix=replace_code(line.line_id, None, title, Applicability.NEEDS_DOCUMENTATION)
        )

    def _to_excision(self, ctx: ClaimContext, line: ClaimLine) -> Finding:
        table = ctx.families
        family = pathology_family(ctx, line)
        group = site_group_of(ctx, "lesion", line)
        size = excised_diameter(ctx, line)
        target = table.sized(family, group, size) if family and group and size is not None else None
        lead = (
            f"{line.code} on line {line.line_id} is a shave removal, but the chart documents a full-thickness excision"
        )
        if target is None:
            missing = [
                name
                for name, value in (("lesion type", family), ("body region", group), ("diameter and margin", size))
                if value is None
            ]
            return self._ask(
                line, f"{lead}: document the {', '.join(missing)} and bill the excision code they support."
            )
        return self._recode(ctx, line, target.code, f"{lead} (excised diameter {size:.1f} cm)")

    def _punch_excision(self, ctx: ClaimContext, line: ClaimLine) -> Finding:
        family = pathology_family(ctx, line)
        group = site_group_of(ctx, "lesion", line)
        size = excised_diameter(ctx, line)
        target = ctx.families.sized(family, group, size) if family and group and size is not None else None
        code = f" ({target.code}, excised diameter {size:.1f} cm)" if target is not None and size is not None else ""
        title = f"recode {line.code} as the excision the chart documents"
        margin = ctx.doc(line).margin_cm or 0.0
        return self.finding(
            [line.line_id],
            f"{line.code} on line {line.line_id} is a punch biopsy, but the chart documents a {margin:.1f} cm margin"
            f" around the lesion: a punch that removes the whole lesion with margins is an excision{code}. "
            "If the intent was to remove the lesion, bill the excision; if it was to sample it for diagnosis, keep "
            "the biopsy and correct the documentation.",
            fix=replace_code(line.line_id, target.code if target else None, title, Applicability.NEEDS_DOCUMENTATION),
        )

    def _to_shave(self, ctx: ClaimContext, line: ClaimLine) -> Finding:
        group = site_group_of(ctx, "lesion", line)
        diameter = ctx.doc(line).lesion_diameter_cm
        target = ctx.families.sized(SHAVE, group, diameter) if group and diameter is not None else None
        lead = f"{line.code} on line {line.line_id} is an excision, but the chart documents a shave removal"
        if target is None:
            return self._ask(line, f"{lead}: document the body region and lesion diameter and bill the shave code.")
        return self._recode(ctx, line, target.code, f"{lead} ({diameter:.1f} cm)")

    def _recode(self, ctx: ClaimContext, line: ClaimLine, code: str, lead: str) -> Finding:
        impact = delta(ctx, line.service_date, [(line.code, line.units)], [(code, line.units)])
        return self.finding(
            [line.line_id],
            f"{lead}: that service is {code}. Replace {line.code} with {code} ({money(impact)}).",
            fix=replace_code(line.line_id, code, f"replace {line.code} with {code}", Applicability.SAFE),
            revenue_impact=impact,
        )
