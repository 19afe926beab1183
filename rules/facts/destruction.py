"""Lesion counts and lesion types shared by the destruction and skin-tag rules."""

from __future__ import annotations

from schemas.claim import ClaimLine

from rules.facts.context import ClaimContext

PREMALIGNANT = "destruction_premalignant"
BENIGN = "destruction_benign"
MALIGNANT = "destruction_malignant"
SKIN_TAGS = "skin_tag_removal"
LESION_TYPES = ("premalignant", "benign", "malignant")
# ICD-10-CM L91.8 (other hypertrophic disorders of the skin) is the code for skin tags / acrochordons
# (rules/data/diagnosis_classes.csv); the documentation has no lesion type of its own for skin tags.
SKIN_TAG_DIAGNOSES = ("L918",)


def skin_tags_only(ctx: ClaimContext, line: ClaimLine) -> bool:
    """True when a benign destruction line (17110/17111) treats skin tags: every pointed diagnosis is a skin-tag
    code and the documented lesion type, if any, is benign (CPT 17110 excludes skin tags, which are 11200/+11201)."""
    entry = ctx.families.get(line.code)
    if entry is None or entry.family != BENIGN or ctx.doc(line).lesion_type not in (None, "benign"):
        return False
    pointed = ctx.diagnoses(line)
    return bool(pointed) and len(skin_tag_diagnoses(ctx, line)) == len(pointed)


def skin_tag_diagnoses(ctx: ClaimContext, line: ClaimLine) -> list[str]:
    """The line's pointed skin-tag diagnoses (L91.8)."""
    return [dx for dx in ctx.diagnoses(line) if dx.replace(".", "").upper().startswith(SKIN_TAG_DIAGNOSES)]


def contradicted(ctx: ClaimContext, line: ClaimLine) -> bool:
    """True when the line documents a lesion type other than its code family's, or skin tags on a benign
    destruction code (DES005's cases)."""
    entry = ctx.families.get(line.code)
    documented = ctx.doc(line).lesion_type
    return bool(entry and documented in LESION_TYPES and documented != entry.lesion_type) or skin_tags_only(ctx, line)


def any_contradicted(ctx: ClaimContext, lines: list[ClaimLine]) -> bool:
    return any(contradicted(ctx, line) for line in lines)


def session_count(ctx: ClaimContext, lines: list[ClaimLine]) -> int | None:
    """Lesions treated in the session (see `session_tally`), or None when the chart does not count them."""
    tally = session_tally(ctx, lines)
    return tally[0] if tally is not None else None


def session_tally(ctx: ClaimContext, lines: list[ClaimLine]) -> tuple[int, bool] | None:
    """Lesions treated in the session and whether the chart documents all of them, or None without a count.

    The claim schema (schemas/claim.py `Documentation`) defines `lesion_count` as the lesions treated on *that
    line*, so when add-on lines carry
    counts the session total is the sum over the family's lines (17000 with 1 + 17003 with 7 = 8 AKs; a
    head line without a count stands for its one lesion). When only the first line of the family carries a
    count that is more than its code describes, charts put the session total there (17000 documented with
    8 lesions = 8 AKs). A head count within its code (17000 documenting its one lesion) is that line's own:
    add-on lines billed without a count are then counted as billed (17000 with 1 + 17003 x5 = 6 AKs, not
    documented), never dropped. When several head lines each carry a count (AKs on two areas billed as two
    17000 lines of 3 and 1), they are per-line counts and add up.
    """
    table = ctx.families
    heads: list[ClaimLine] = []
    addons: list[ClaimLine] = []
    for line in lines:
        entry = table.get(line.code)
        if entry is not None:
            (addons if entry.is_addon else heads).append(line)
    addon_counts = [c for line in addons if (c := ctx.doc(line).lesion_count) is not None]
    head_counts = [c for line in heads if (c := ctx.doc(line).lesion_count) is not None]
    if not addon_counts:
        if len(heads) > 1 and len(head_counts) == len(heads):
            return sum(head_counts), True
        if not head_counts:
            return None
        billed = _billed_beyond_head(ctx, heads, addons)
        if billed is not None:
            return billed, False
        return head_counts[0], True
    undocumented_heads = sum(1 for line in heads if ctx.doc(line).lesion_count is None)
    return sum(addon_counts) + sum(head_counts) + undocumented_heads, True


def _billed_beyond_head(ctx: ClaimContext, heads: list[ClaimLine], addons: list[ClaimLine]) -> int | None:
    """The session count the billed lines state, when the one head count is within what its code describes and
    add-on units are billed without a count (17000 documenting 1 lesion + 17003 x5 = 6; 11200 documenting 10
    tags + 11201 x2 = 26, the fewest tags two add-on units describe); None otherwise.

    The count covers the head's whole range (17000 x1: 1 lesion; 11200: 15 tags), each further head line its
    own count (one lesion without one), and the add-on units as billed (+17003: one lesion each; +11201: 10
    tags each, the last one at least one tag).
    """
    table = ctx.families
    counted = next((line for line in heads if ctx.doc(line).lesion_count is not None), None)
    units = sum(line.units for line in addons)
    if counted is None or not units:
        return None
    addon = table.addon_of(counted.code)
    if addon is None or addon.count_min is None or any(line.code != addon.code for line in addons):
        return None
    capacity = (addon.count_min - 1) * counted.units
    if (ctx.doc(counted).lesion_count or 0) > capacity:
        return None  # more than the head line's code describes: the chart's session total
    per = int(addon.per or 1)
    others = sum(ctx.doc(line).lesion_count or 1 for line in heads if line is not counted)
    return capacity + (units - 1) * per + 1 + others


def premalignant_count(ctx: ClaimContext, lines: list[ClaimLine]) -> tuple[int, bool] | None:
    """DES002's lesion count for one date's premalignant destruction lines and whether the chart documents it,
    or None when DES002 leaves the lines alone (a contradicted lesion type; no documented count and nothing
    billed says more lesions than the codes describe, e.g. 17000 + 17003 x3 taken as billed).

    The MUE rule (MUE002) and the add-on rule read it to tell whether DES002 recodes the lines.
    """
    if any_contradicted(ctx, lines):
        return None
    roles = by_role(ctx, lines)
    primaries, addons, alone = roles["primary"], roles["addon"], roles["alone"]
    tally = session_tally(ctx, lines)
    if tally is not None:
        return tally
    if alone or not primaries:
        return None
    count = sum(line.units for line in primaries + addons)
    head = ctx.families.get(primaries[0].code)
    if primaries[0].units == 1 and head is not None and count <= (head.count_max or count):
        return None  # nothing billed says more than the codes describe
    return count, False


def counts_every_line(ctx: ClaimContext, heads: list[ClaimLine], addons: list[ClaimLine]) -> bool:
    """True when the session count takes every head line's lesions: each head line documents its count, or
    the add-on lines carry counts (the session total is then the per-line sum, a head without one counting
    its one lesion). DES002 then removes the extra head lines (17000 billed for each treated area)."""
    return all(ctx.doc(line).lesion_count is not None for line in heads) or any(
        ctx.doc(line).lesion_count is not None for line in addons
    )


def units_of(lines: list[ClaimLine], code: str) -> int:
    return sum(line.units for line in lines if line.code == code)


def first(lines: list[ClaimLine], *codes: str) -> ClaimLine | None:
    return next((line for line in lines if line.code in codes), None)


def by_role(ctx: ClaimContext, lines: list[ClaimLine]) -> dict[str, list[ClaimLine]]:
    """The lines split by their code's role (primary, addon, alone) in code_families.csv."""
    out: dict[str, list[ClaimLine]] = {"primary": [], "addon": [], "alone": []}
    table = ctx.families
    for line in lines:
        entry = table.get(line.code)
        if entry is not None:
            out.setdefault(entry.role, []).append(line)
    return out
