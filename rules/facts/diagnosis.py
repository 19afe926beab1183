"""Diagnosis classes of a line's pointed ICD-10-CM codes, and the other-family equivalent of a code."""

from __future__ import annotations

from schemas.claim import ClaimLine

from rules.data.families import FamilyEntry
from rules.facts.context import ClaimContext
from rules.facts.excision import expected
from rules.facts.sites import dx_classes

# Which family a malignant code becomes when benign, and back (same site group and size step).
COUNTERPART = {
    "excision_malignant": "excision_benign",
    "excision_benign": "excision_malignant",
    "destruction_malignant": "destruction_benign",
}


def classes(ctx: ClaimContext, line: ClaimLine) -> set[str | None]:
    return {cls for _, cls in dx_classes(ctx, line)}


def pointed(ctx: ClaimContext, line: ClaimLine) -> str:
    return ", ".join(f"{dx} ({cls or 'unclassified'})" for dx, cls in dx_classes(ctx, line))


def counterpart(ctx: ClaimContext, entry: FamilyEntry) -> FamilyEntry | None:
    """The code of the other pathology family for the same site and size (or lesion count 1)."""
    table = ctx.families
    family = COUNTERPART.get(entry.family)
    if family is None:
        return None
    members = table.in_family(family)
    if members and members[0].count_min is not None:  # counted family (17110/17111): one lesion
        return table.counted(family, 1)
    size = entry.size_max if entry.size_max is not None else (entry.size_min or 0.0)
    return table.sized(family, entry.site_group, size)


def claim_diagnoses_of_class(ctx: ClaimContext, wanted: str) -> list[tuple[int, str]]:
    """(pointer, code) of the claim's diagnoses of a class, e.g. to suggest re-pointing a line."""
    table = ctx.families
    return [(i, dx) for i, dx in enumerate(ctx.claim.diagnoses, start=1) if table.diagnosis_class(dx) == wanted]


def as_resubmitted(ctx: ClaimContext, line: ClaimLine) -> FamilyEntry | None:
    """The line's family entry as it will be resubmitted (`resubmitted_label` names it in a message).

    An excision whose documented pathology contradicts its family is recoded by EXC003 (safe): the diagnosis
    must then match the recoded code, so the diagnosis rules judge that code, not the billed one (judging the
    billed one would say nothing now and raise a new error when the corrected claim is scrubbed again).
    """
    found = expected(ctx, line)
    if found is not None and found.step("pathology") is not None:
        return found.target
    return ctx.families.get(line.code)


def resubmitted_label(ctx: ClaimContext, line: ClaimLine) -> str:
    """How a message names the line as it will be resubmitted: `11602 (line 1, billed 11402 and recoded by the
    documented pathology, EXC003)`, or `11402 (line 1)`."""
    found = expected(ctx, line)
    if found is not None and found.step("pathology") is not None:
        return (
            f"{found.target.code} (line {line.line_id}, billed {line.code} and recoded by the documented pathology, "
            "EXC003)"
        )
    return f"{line.code} (line {line.line_id})"
