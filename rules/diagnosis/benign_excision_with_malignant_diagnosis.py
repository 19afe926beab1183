"""DXM002: a benign excision pointing to a malignant diagnosis."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.diagnosis import as_resubmitted, classes, counterpart, pointed, resubmitted_label
from rules.facts.ownership import malignant_pathology_on_benign_excision
from rules.facts.sites import EXCISION_CODES, delta, money
from rules.fixes import replace_code
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="DXM002", slug="benign-excision-with-malignant-diagnosis", status=Stable("0.1.0"))
class BenignExcisionWithMalignantDiagnosis(Rule):
    """A benign excision (11400-11446) pointing to a malignant diagnosis (C43/C44/C4A, D03, D04 ...).

    ## What it does
    Benign vs malignant excision follows the final pathology, which the diagnosis states. When a benign
    excision points to a malignant diagnosis:
    - no lesion type documented: the code is probably wrong (code_selection): the malignant excision of the
      same site and size is proposed, if the pathology report confirms malignancy;
    - lesion type documented benign or uncertain: the diagnosis contradicts the chart (diagnosis_mismatch).
    A documented malignant lesion type is EXC003's. The line is judged as it will be resubmitted: a malignant
    excision that EXC003 recodes to the benign one by the documented benign or uncertain pathology must not
    keep pointing to a malignant diagnosis, so that pointer is reported now (diagnosis_mismatch), not first
    when the corrected claim is scrubbed again.

    ## Why is this bad?
    Coding a carcinoma's excision as benign under-bills (11602 pays $69.48 more than 11402), and a claim
    whose code and diagnosis disagree invites review.

    ## Example
    11402 pointing to C44.519 (basal cell carcinoma of the back) -> 11602 if pathology confirms.

    ## Fix safety
    `needs_documentation`: the pathology report decides; nothing is applied automatically. A diagnosis that
    contradicts the documented pathology gets no fix: the coder picks the ICD-10-CM code from the report.

    ## References
    AMA CPT 2026 excision guidelines (11400-11646: benign vs malignant follows the final pathology);
    ICD-10-CM chapter 2 (C codes and in-situ D03/D04 are malignant neoplasms).
    """

    name = "Benign excision with a malignant diagnosis"
    category = Category.CODE_SELECTION
    severity = Severity.ERROR
    reference = "AMA CPT excision guidelines (benign vs malignant by final pathology); ICD-10-CM ch. 2"
    triggers = EXCISION_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for line in ctx.lines:
            entry = as_resubmitted(ctx, line)
            if entry is None or entry.family != "excision_benign" or "malignant" not in classes(ctx, line):
                continue
            if malignant_pathology_on_benign_excision(ctx, line):
                continue  # EXC003's (facts/ownership.py)
            documented = ctx.doc(line).lesion_type
            head = f"Benign excision {resubmitted_label(ctx, line)} points to {pointed(ctx, line)}"
            if documented in ("benign", "uncertain", "premalignant"):
                yield self.finding(
                    [line.line_id],
                    f"{head}, but the chart documents a {documented} lesion: the diagnosis contradicts the pathology. "
                    f"Point line {line.line_id} to the lesion's own benign (D22, D23, L82 ...) or uncertain-behaviour "
                    "(D48.5) diagnosis from the pathology report, adding it to the claim's diagnoses if it is not "
                    "listed, or correct the lesion type.",
                    category=Category.DIAGNOSIS_MISMATCH,
                )
                continue
            other = counterpart(ctx, entry)
            if other is None:
                continue
            impact = delta(ctx, line.service_date, [(line.code, line.units)], [(other.code, line.units)])
            yield self.finding(
                [line.line_id],
                f"{head}: benign vs malignant excision follows the final pathology. If the pathology report confirms "
                f"malignancy, replace {line.code} with {other.code} ({money(impact)}); otherwise correct the "
                "diagnosis.",
                fix=replace_code(
                    line.line_id,
                    other.code,
                    f"replace {line.code} with {other.code} if pathology is malignant",
                    Applicability.NEEDS_DOCUMENTATION,
                ),
                revenue_impact=impact,
            )
