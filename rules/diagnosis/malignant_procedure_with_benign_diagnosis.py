"""DXM001: a malignant excision, destruction or Mohs line pointing only to benign or uncertain diagnoses."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.diagnosis import (
    as_resubmitted,
    claim_diagnoses_of_class,
    classes,
    counterpart,
    pointed,
    resubmitted_label,
)
from rules.facts.ownership import other_pathology_on_malignant_procedure
from rules.facts.sites import EXCISION_CODES, MALIGNANT_DESTRUCTION_CODES, MOHS_CODES
from rules.fixes import replace_code
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule

_NOT_MALIGNANT = {"benign", "uncertain", "premalignant"}


@register(code="DXM001", slug="malignant-procedure-with-benign-diagnosis", status=Stable("0.1.0"))
class MalignantProcedureWithBenignDiagnosis(Rule):
    """A malignant procedure whose diagnoses are all benign or of uncertain behaviour.

    ## What it does
    For malignant excisions (11600-11646), malignant destructions (17260-17286) and Mohs first stages,
    checks the pointed ICD-10-CM diagnoses (diagnosis_classes.csv). When none is malignant (C codes,
    D03/D04 in situ) and all are benign (D22, D23, L82, L72, L91.8, D18 ...) or uncertain (D48.5):
    - the chart documents a malignant lesion: the pointer or diagnosis is wrong (diagnosis_mismatch);
    - the chart documents nothing: benign diagnoses are a diagnosis_mismatch, an uncertain-behaviour
      diagnosis a code_selection issue (D48.5 is coded with the benign excision unless pathology is
      malignant); the benign code is proposed if the pathology report confirms it.
    A documented benign or uncertain lesion type is EXC003/DES005's. An excision is judged as it will be
    resubmitted: a benign excision that EXC003 recodes to the malignant one by the documented pathology must
    point to a malignant diagnosis too, so a benign or D48.5 pointer is reported now (diagnosis_mismatch), not
    first when the corrected claim is scrubbed again.

    ## Why is this bad?
    The payer matches the procedure with its diagnosis: a malignant excision for a nevus is denied for
    medical necessity or recouped on audit.

    ## Example
    11602 pointing only to D22.5 -> point to the malignant diagnosis, or recode 11402 if benign.

    ## Fix safety
    `needs_documentation`: only the pathology report says which of code and diagnosis is wrong. When the
    chart documents a malignant lesion the code is right (or recoded by EXC003) and only the diagnosis must
    change: no fix is proposed, since the specific ICD-10-CM code comes from the pathology report.

    ## References
    AMA CPT 2026 excision and destruction guidelines (benign vs malignant follows the final pathology);
    ICD-10-CM chapter 2 (neoplasms; D48.5, uncertain behaviour, goes with a benign excision).
    """

    name = "Malignant procedure with only benign diagnoses"
    category = Category.DIAGNOSIS_MISMATCH
    severity = Severity.ERROR
    reference = "AMA CPT excision guidelines (pathology decides; D48.5 benign unless malignant); ICD-10-CM ch. 2"
    triggers = EXCISION_CODES | MALIGNANT_DESTRUCTION_CODES | MOHS_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for line in ctx.lines:
            entry = as_resubmitted(ctx, line)
            if entry is None or entry.lesion_type != "malignant" or entry.is_addon:
                continue
            found = classes(ctx, line)
            if not found or not found <= _NOT_MALIGNANT:
                continue
            if other_pathology_on_malignant_procedure(ctx, line):
                continue  # EXC003 / DES005 recode from the documented pathology (facts/ownership.py)
            documented = ctx.doc(line).lesion_type
            label = resubmitted_label(ctx, line)
            head = f"{label} is a malignant-lesion procedure but points only to {pointed(ctx, line)}"
            malignant = claim_diagnoses_of_class(ctx, "malignant")
            hint = (
                f" The claim lists {', '.join(f'{dx} (pointer {i})' for i, dx in malignant)}: point the line to it."
                if malignant
                else ""
            )
            if documented == "malignant":
                yield self.finding(
                    [line.line_id],
                    f"{head}, while the chart documents a malignant lesion: the diagnosis must follow the pathology "
                    f"too. Point line {line.line_id} to the malignant neoplasm code of the site from the pathology "
                    "report (C43-C44/C4A, D03-D04 in situ), adding it to the claim's diagnoses if it is not "
                    f"listed.{hint}",
                )
                continue
            other = counterpart(ctx, entry)
            uncertain = "uncertain" in found
            yield self.finding(
                [line.line_id],
                f"{head}. "
                + (
                    "Uncertain behaviour (D48.5) is coded with the benign procedure unless pathology says malignant"
                    if uncertain
                    else "A benign diagnosis does not support a malignant procedure"
                )
                + f": if the final pathology is malignant, point to that diagnosis;{hint} otherwise recode "
                + (f"{line.code} as {other.code}." if other else "the procedure for a benign lesion."),
                fix=replace_code(
                    line.line_id,
                    other.code,
                    f"recode as {other.code} if pathology is benign",
                    Applicability.NEEDS_DOCUMENTATION,
                )
                if other
                else None,
                category=Category.CODE_SELECTION if uncertain else None,
            )
