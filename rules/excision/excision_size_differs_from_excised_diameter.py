"""EXC001: the excision code's size step does not match the excised diameter (lesion + 2 x margin)."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.excision import lines_with_step, step_text
from rules.facts.sites import EXCISION_CODES, money
from rules.fixes import replace_code
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="EXC001", slug="excision-size-differs-from-excised-diameter", status=Stable("0.1.0"))
class ExcisionSizeDiffersFromExcisedDiameter(Rule):
    """The excision code's size does not match the excised diameter.

    ## What it does
    Computes the excised diameter = greatest clinical lesion diameter + 2 x narrowest margin from
    `documentation.lesion_diameter_cm` and `margin_cm`, and the size step it falls in (0.5 cm or less,
    0.6-1.0, 1.1-2.0, 2.1-3.0, 3.1-4.0, over 4.0 cm: the code's last digit 0, 1, 2, 3, 4, 6). When the
    billed code's step differs, recodes the line (keeping the documented site group and pathology).

    ## Why is this bad?
    CPT codes excisions by excised diameter, not lesion size: a 1.0 cm lesion with 0.2 cm margins is a
    1.4 cm excision (11602, not 11601). Coding the lesion size under-bills; coding more than was excised
    over-bills and fails audit.

    ## Example
    11601 for a 1.0 cm basal cell carcinoma on the back with 0.2 cm margins -> 11602 (+$13.36).

    ## Fix safety
    `safe`: the line's own documentation gives both measurements. Without a margin the rule stays silent
    (the documentation rules ask for it).

    ## References
    AMA CPT 2026 excision instructions (11400-11646: "excised diameter");
    AAPC "Know when to report excision or repair or both".
    """

    name = "Excision size differs from the excised diameter"
    category = Category.CODE_SELECTION
    severity = Severity.ERROR
    reference = "AMA CPT 11400-11646 excision instructions (excised diameter = lesion + 2 x margin)"
    triggers = EXCISION_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for found, step in lines_with_step(ctx, "size"):
            line, doc = found.line, ctx.doc(found.line)
            yield self.finding(
                [line.line_id],
                f"Line {line.line_id} bills {line.code} (excised diameter {step_text(step.before)}) but the "
                f"excised diameter is {found.excised_cm:.1f} cm ({doc.lesion_diameter_cm:.1f} cm lesion + 2 x "
                f"{doc.margin_cm:.1f} cm margin): excisions are coded by excised diameter, not lesion size. "
                f"Replace {line.code} with {found.target.code} ({money(step.impact)} for the size).",
                fix=replace_code(
                    line.line_id, found.target.code, f"replace {line.code} with {found.target.code}", Applicability.SAFE
                ),
                revenue_impact=step.impact,
                severity=Severity.WARNING if step.impact > 0 else None,
            )
