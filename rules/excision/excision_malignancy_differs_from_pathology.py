"""EXC003: benign vs malignant excision does not match the documented pathology."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.excision import lines_with_step
from rules.facts.sites import EXCISION_CODES, money
from rules.fixes import replace_code
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="EXC003", slug="excision-malignancy-differs-from-pathology", status=Stable("0.1.0"))
class ExcisionMalignancyDiffersFromPathology(Rule):
    """A benign excision code for a malignant lesion, or a malignant code for a benign or uncertain one.

    ## What it does
    Compares the billed family (11400-11446 benign, 11600-11646 malignant) with
    `documentation.lesion_type`, which is the final pathology where there is one: malignant (including
    in-situ carcinoma and melanoma) -> malignant excision; benign or uncertain behaviour -> benign
    excision. Recodes within the same site group and size step. Lines without a documented lesion type are
    judged from their diagnoses by DXM001/DXM002, which also judge the recoded line: when its pointed
    diagnosis still contradicts the pathology (e.g. 11402 -> 11602 pointing to D48.5, or 11602 -> 11402
    pointing to C44.519) they report the diagnosis to change, so one pass lists all the resubmission needs.

    ## Why is this bad?
    Benign vs malignant excision follows the final pathology report; coding a basal cell carcinoma as a
    benign excision under-bills, and a nevus coded as malignant over-bills and fails audit. D48.5
    (uncertain behaviour) is coded with the benign excision unless pathology says malignant.

    ## Example
    11402 for a 1.4 cm excision on the back, pathology basal cell carcinoma -> 11602 (+$69.48).

    ## Fix safety
    `safe`: the line's own documentation states the pathology.

    ## References
    AMA CPT 2026 excision guidelines (benign 11400-11446, malignant 11600-11646, "based on final
    pathology"); AMA CPT 2026 excision guidelines (11400-11646).
    """

    name = "Excision malignancy differs from pathology"
    category = Category.CODE_SELECTION
    severity = Severity.ERROR
    reference = "AMA CPT excision guidelines (benign vs malignant by final pathology)"
    triggers = EXCISION_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for found, step in lines_with_step(ctx, "pathology"):
            line = found.line
            kind = ctx.doc(line).lesion_type
            article = "an" if kind == "uncertain" else "a"
            yield self.finding(
                [line.line_id],
                f"Line {line.line_id} bills {line.code}, a {step.before.lesion_type} excision, but the chart "
                f"documents {article} {kind} lesion: benign vs malignant excision follows the final pathology"
                f"{' (uncertain behaviour is coded as benign)' if kind == 'uncertain' else ''}. Replace "
                f"{line.code} with {found.target.code} ({money(step.impact)} for the pathology).",
                fix=replace_code(
                    line.line_id, found.target.code, f"replace {line.code} with {found.target.code}", Applicability.SAFE
                ),
                revenue_impact=step.impact,
                severity=Severity.WARNING if step.impact > 0 else None,
            )
