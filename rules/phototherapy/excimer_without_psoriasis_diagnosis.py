"""PHO001: excimer laser 96920-96922 pointing to no psoriasis diagnosis (CPT 2024 onward)."""

from __future__ import annotations

from collections.abc import Iterator

from rules.data.requirements import diagnosis_requirements
from rules.facts.context import ClaimContext
from rules.facts.sites import code_range
from rules.fixes import replace_code
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule

EXCIMER_CODES = code_range("96920-96922")


@register(code="PHO001", slug="excimer-without-psoriasis-diagnosis", status=Stable("0.2.0"))
class ExcimerWithoutPsoriasisDiagnosis(Rule):
    """Excimer laser treatment (96920-96922) whose pointed diagnoses include no psoriasis.

    ## What it does
    From 2024-01-01 the descriptors of 96920-96922 read "excimer laser treatment for psoriasis" (by total
    area treated: under 250, 250 to 500, over 500 sq cm). For each such line on or after that date, reads the
    diagnoses the line points to and flags it when none is psoriasis (ICD-10-CM L40). The codes, the
    diagnoses they require and the alternative code are a versioned table (`procedure_diagnoses.csv`).

    ## Why is this bad?
    Before 2024 the codes described laser treatment for "inflammatory skin disease"; CPT 2024 removed those
    words, so excimer treatment of vitiligo, atopic dermatitis or mycosis fungoides billed as 96920-96922 is
    a code the descriptor does not describe and is denied. Payers direct those treatments to the unlisted
    code 96999 (priced from the records: document the area treated).

    ## Example
    96920 pointing to L80 (vitiligo) on 2026-03-02 -> 96999 with the treated area documented, or point the
    line to the psoriasis diagnosis the chart documents.

    ## Fix safety
    `needs_documentation`: the chart decides whether the treated condition was psoriasis (point the line to
    its L40 code) or another disease (bill 96999 with the area treated and the payer's records).

    ## References
    AMA CPT 2024 revised descriptors 96920-96922 (excimer laser treatment for psoriasis), as published in AAD
    DermWorld Coding Consult "2024 CPT coding updates" (November 2023); AAD "Reporting excimer laser therapy:
    When to use 96999 vs 9692x"; ICD-10-CM 2026 category L40 (psoriasis).
    """

    name = "Excimer laser billed without a psoriasis diagnosis"
    category = Category.DIAGNOSIS_MISMATCH
    severity = Severity.WARNING
    reference = "AMA CPT 2024 96920-96922 (excimer laser treatment for psoriasis); AAD 96999 vs 9692x"
    triggers = EXCIMER_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        requirements = diagnosis_requirements()[1]
        for line in ctx.lines:
            rule = next((r for r in requirements if r.applies(line.code, line.service_date)), None)
            if rule is None:
                continue
            pointed = ctx.diagnoses(line)
            if not pointed or any(rule.supported_by(dx) for dx in pointed):
                continue
            yield self.finding(
                [line.line_id],
                f"{line.code} on line {line.line_id} points to {', '.join(pointed)}, none of them psoriasis (L40): "
                f"since 2024 {rule.authority}. Point the line to the psoriasis diagnosis the chart documents, or "
                f"bill {rule.alternative} with the area treated documented.",
                fix=replace_code(
                    line.line_id,
                    rule.alternative,
                    f"replace {line.code} with {rule.alternative}",
                    Applicability.NEEDS_DOCUMENTATION,
                ),
            )
