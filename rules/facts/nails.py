"""Nails treated in a session: the documented `nail_count` of the nail debridement (11720/11721) and nail
avulsion (11730 + 11732) lines of a date, read by the nail rules and by the MUE rules' recode question."""

from __future__ import annotations

from datetime import date

from schemas.claim import ClaimLine

from rules.data.families import FamilyEntry
from rules.facts.context import ClaimContext

NAIL_DEBRIDEMENT = "nail_debridement"
AVULSION = "nail_avulsion"
NAILS = "nails"  # the `measure` of both families in code_families.csv


def nail_tally(ctx: ClaimContext, lines: list[ClaimLine]) -> tuple[int, bool] | None:
    """Nails treated by `lines` and whether the chart documents every line's count, or None without a count.

    `nail_count` is the nails treated on *that line* (schemas/claim.py), so the session total is the sum over the
    lines. One exception, as charts are written: when the only count is on the single first-nail line (11730)
    and it is more than that line's one nail, it is the session total (11730 documenting 3 nails + 11732 x2).
    Lines without a count otherwise stand for their billed units, and the total is then not documented.
    """
    counts = [ctx.doc(line).nail_count for line in lines]
    if all(count is None for count in counts):
        return None
    if all(count is not None for count in counts):
        return sum(count for count in counts if count is not None), True
    table = ctx.families
    counted = [(line, count) for line, count in zip(lines, counts, strict=True) if count is not None]
    uncounted = [line for line, count in zip(lines, counts, strict=True) if count is None]
    if len(counted) == 1 and all(_is_addon(table.get(line.code)) for line in uncounted):
        head, count = counted[0]
        entry = table.get(head.code)
        if entry is not None and not entry.is_addon and entry.count_max is not None and count > entry.count_max:
            return count, True
    return sum(count for _, count in counted) + sum(line.units for line in uncounted), False


def _is_addon(entry: FamilyEntry | None) -> bool:
    return entry is not None and entry.is_addon


def nail_debridement_recode(ctx: ClaimContext, day: date, code: str) -> str | None:
    """The nail debridement code the documented nails of `day` call for, when it is not `code` (7 nails billed as
    11720 x2 are 11721 x1, NAI001): a unit cut to 11720 x1 alone would then under-bill."""
    table = ctx.families
    lines = [ln for ln in ctx.by_date[day] if table.family_of(ln.code) == NAIL_DEBRIDEMENT]
    tally = nail_tally(ctx, lines)
    if tally is None or not tally[1]:
        return None
    target = table.counted(NAIL_DEBRIDEMENT, tally[0])
    if target is None or target.code == code:
        return None
    return f"{tally[0]} nails documented are {target.code} x1 (NAI001)"
