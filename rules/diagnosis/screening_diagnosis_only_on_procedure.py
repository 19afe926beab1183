"""DXM003: a procedure line whose only diagnoses are screening Z codes."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.diagnosis import classes, pointed
from rules.facts.sites import PROCEDURE_CODES
from rules.model import Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="DXM003", slug="screening-diagnosis-only-on-procedure", status=Stable("0.1.0"))
class ScreeningDiagnosisOnlyOnProcedure(Rule):
    """A procedure line pointing only to screening diagnoses (Z12.83, Z13.x, Z00.0x).

    ## What it does
    Flags biopsy, destruction, excision, repair, skin-tag and Mohs lines whose pointed diagnoses are all
    screening or general-examination Z codes, and names the claim's other diagnoses to point to instead.

    ## Why is this bad?
    A screening code says why the patient was seen, not what was treated: a procedure needs the diagnosis
    of the lesion (e.g. D48.5, L57.0, C44.x). Medicare denies the line for medical necessity. The billing
    guide's "Z-codes for screening" belongs on the skin-check E/M, not on the procedure.

    ## Example
    11102 pointing to Z12.83 only -> point it to D48.5 (the biopsied lesion).

    ## Fix safety
    No automatic fix: which diagnosis describes the lesion is the coder's call from the chart.

    ## References
    ICD-10-CM Official Guidelines for Coding and Reporting, section IV (outpatient: code the condition
    treated) and chapter 21 (Z codes for screening); billing-guide workflow step 8.
    """

    name = "Screening diagnosis only on a procedure"
    category = Category.DIAGNOSIS_MISMATCH
    severity = Severity.ERROR
    reference = "ICD-10-CM Official Guidelines section IV and chapter 21 (screening Z codes)"
    triggers = PROCEDURE_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        table = ctx.families
        if all(table.diagnosis_class(dx) != "screening" for dx in ctx.claim.diagnoses):
            return  # no line can point only to screening codes
        others = [
            f"{dx} (pointer {i})"
            for i, dx in enumerate(ctx.claim.diagnoses, start=1)
            if table.diagnosis_class(dx) != "screening"
        ]
        for line in ctx.lines:
            if line.code not in PROCEDURE_CODES or classes(ctx, line) != {"screening"}:
                continue
            hint = f" The claim also lists {', '.join(others)}." if others else " Add the lesion's diagnosis."
            yield self.finding(
                [line.line_id],
                f"{line.code} (line {line.line_id}) points only to {pointed(ctx, line)}: a screening code does not "
                f"establish the medical necessity of a procedure. Point the line to the diagnosis of the lesion "
                f"treated.{hint}",
            )
