"""Lesion counts and lesion types shared by the destruction and skin-tag rules."""

from __future__ import annotations

from schemas.claim import ClaimLine

from rules.context import ClaimContext

PREMALIGNANT = "destruction_premalignant"
BENIGN = "destruction_benign"
MALIGNANT = "destruction_malignant"
SKIN_TAGS = "skin_tag_removal"
LESION_TYPES = ("premalignant", "benign", "malignant")


def contradicted(ctx: ClaimContext, line: ClaimLine) -> bool:
    """True when the line documents a lesion type other than its code family's (DES005's case)."""
    entry = ctx.ruleset.families.get(line.code)
    documented = ctx.doc(line).lesion_type
    return bool(entry and documented in LESION_TYPES and documented != entry.lesion_type)


def any_contradicted(ctx: ClaimContext, lines: list[ClaimLine]) -> bool:
    return any(contradicted(ctx, line) for line in lines)


def session_count(ctx: ClaimContext, lines: list[ClaimLine]) -> int | None:
    """Lesions treated in the session, from the chart.

    The count documented on the first line of the family (primary or stand-alone code) is the session's
    total; when only add-on lines carry counts, they count the lesions beyond the first.
    """
    table = ctx.ruleset.families
    heads = [line for line in lines if (e := table.get(line.code)) is not None and not e.is_addon]
    for line in heads:
        count = ctx.doc(line).lesion_count
        if count is not None:
            return count
    addon_counts = [c for line in lines if (c := ctx.doc(line).lesion_count) is not None]
    if addon_counts and heads:
        return 1 + sum(addon_counts)
    return None


def units_of(lines: list[ClaimLine], code: str) -> int:
    return sum(line.units for line in lines if line.code == code)


def first(lines: list[ClaimLine], *codes: str) -> ClaimLine | None:
    return next((line for line in lines if line.code in codes), None)


def by_role(ctx: ClaimContext, lines: list[ClaimLine]) -> dict[str, list[ClaimLine]]:
    """The lines split by their code's role (primary, addon, alone) in code_families.csv."""
    out: dict[str, list[ClaimLine]] = {"primary": [], "addon": [], "alone": []}
    table = ctx.ruleset.families
    for line in lines:
        entry = table.get(line.code)
        if entry is not None:
            out.setdefault(entry.role, []).append(line)
    return out
