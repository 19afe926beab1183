"""DXM004: premalignant destruction (17000-17004) not pointing to an actinic keratosis diagnosis."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.diagnosis import claim_diagnoses_of_class, classes
from rules.facts.ownership import lesion_type_contradicts_premalignant
from rules.facts.sites import PREMALIGNANT_DESTRUCTION_CODES, family_lines
from rules.model import Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="DXM004", slug="premalignant-destruction-without-actinic-keratosis", status=Stable("0.1.0"))
class PremalignantDestructionWithoutActinicKeratosis(Rule):
    """Premalignant destruction lines that do not point to an actinic keratosis diagnosis (L57.0).

    ## What it does
    17000, +17003 and 17004 describe destruction of premalignant lesions (actinic keratoses). Warns when
    their lines point to no premalignant diagnosis, and names the claim's L57.0 pointer when the claim has
    one that the lines do not use. Lines documenting another lesion type are DES005's.

    ## Why is this bad?
    Payers (and Medicare LCDs on benign/premalignant lesion removal) check that 17000-17004 are supported by
    an actinic keratosis diagnosis; a wart or seborrheic keratosis diagnosis means the wrong code family,
    no AK diagnosis means a denial for medical necessity.

    ## Example
    17000 + 17003 x7 pointing to L82.1 (seborrheic keratosis) -> point to L57.0, or recode as 17110 if the
    lesions were benign.

    ## Fix safety
    No automatic fix: re-pointing or recoding needs the chart.

    ## References
    AMA CPT 2026 17000-17004 ("premalignant lesions (e.g., actinic keratoses)"); ICD-10-CM L57.0;
    AMA CPT 2026 destruction guidelines (17000-17286).
    """

    name = "Premalignant destruction without an actinic keratosis diagnosis"
    category = Category.DIAGNOSIS_MISMATCH
    severity = Severity.WARNING
    reference = "AMA CPT 17000-17004 (premalignant lesions, e.g. actinic keratoses); ICD-10-CM L57.0"
    triggers = PREMALIGNANT_DESTRUCTION_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        available = claim_diagnoses_of_class(ctx, "premalignant")
        for day, lines in family_lines(ctx, "destruction_premalignant"):
            if lesion_type_contradicts_premalignant(ctx, lines):
                continue  # DES005's (facts/ownership.py)
            missing = [line for line in lines if "premalignant" not in classes(ctx, line)]
            if not missing:
                continue
            hint = (
                f"point them to {', '.join(f'{dx} (pointer {i})' for i, dx in available)}"
                if available
                else "add the actinic keratosis diagnosis (L57.0) and point to it, or recode if the lesions were not "
                "premalignant"
            )
            yield self.finding(
                [line.line_id for line in missing],
                f"Premalignant destruction {', '.join(f'{ln.code} (line {ln.line_id})' for ln in missing)} on {day} "
                f"does not point to an actinic keratosis diagnosis: {hint}.",
            )
