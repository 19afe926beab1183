"""DES006: the malignant destruction code does not match the lesion's documented site and diameter."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.destruction import MALIGNANT, contradicted
from rules.facts.sites import MALIGNANT_DESTRUCTION_CODES, delta, family_lines, money
from rules.facts.sizing import documented_size_code
from rules.fixes import replace_code
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="DES006", slug="malignant-destruction-code-differs-from-size-or-site", status=Stable("0.1.0"))
class MalignantDestructionCodeDiffersFromSizeOrSite(Rule):
    """The malignant destruction code does not match the documented site group or lesion diameter.

    ## What it does
    17260-17286 are chosen by site group (17260-17266 trunk/arms/legs; 17270-17276 scalp/neck/hands/feet/
    genitalia; 17280-17286 face/ears/eyelids/nose/lips/mucous membrane) and lesion diameter (0.5 cm or
    less, 0.6-1.0, 1.1-2.0, 2.1-3.0, 3.1-4.0, over 4.0 cm). Recomputes the code from
    `documentation.body_region` and `lesion_diameter_cm` (either alone keeps the other as billed).

    ## Why is this bad?
    The code states the site and size: a 2.2 cm lesion billed as 17261 under-reports the service, a 0.4 cm
    lesion billed as 17262 over-reports it and fails review.

    ## Example
    17261 for a 2.2 cm basal cell carcinoma on the arm -> 17263 (+$44.09).

    ## Fix safety
    `safe`: the line's own documentation gives site and diameter (the AAD example codes a 2.2 cm arm
    lesion 17263).

    ## References
    AMA CPT 2026 descriptors 17260-17286; AAD DermWorld "Destruction codes for pre-malignant and malignant
    lesions" (2011); AMA CPT 2026 destruction guidelines (17000-17286).
    """

    name = "Malignant destruction code differs from site or size"
    category = Category.CODE_SELECTION
    severity = Severity.ERROR
    reference = "AMA CPT 17260-17286 descriptors (site group, lesion diameter); AAD DermWorld 2011 destruction codes"
    triggers = MALIGNANT_DESTRUCTION_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        table = ctx.families
        for day, lines in family_lines(ctx, MALIGNANT):
            for line in lines:
                billed = table.get(line.code)
                if billed is None or contradicted(ctx, line):
                    continue
                sized = documented_size_code(ctx, MALIGNANT, line, billed)
                if sized is None or sized.target.code == billed.code:
                    continue
                target = sized.target
                impact = delta(ctx, day, [(line.code, line.units)], [(target.code, line.units)])
                yield self.finding(
                    [line.line_id],
                    f"{line.code} on line {line.line_id} does not match the documented {' and '.join(sized.facts)}: "
                    f"malignant destruction of that lesion is {target.code}. Replace {line.code} with "
                    f"{target.code} ({money(impact)}).",
                    fix=replace_code(
                        line.line_id, target.code, f"replace {line.code} with {target.code}", Applicability.SAFE
                    ),
                    revenue_impact=impact,
                    severity=Severity.WARNING if impact > 0 else None,
                )
