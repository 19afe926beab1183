"""Mohs lines of one date grouped by lesion, with the site group each line should carry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from schemas.claim import ClaimLine

from rules.data.families import FamilyEntry
from rules.facts.context import ClaimContext
from rules.facts.sites import lines_of, same_lesion, site_group_of

FAMILY = "mohs"


@dataclass(slots=True)
class MohsLesion:
    """One lesion's first-stage line and its additional-stage lines."""

    primary: ClaimLine
    group: str  # the site group the chart supports (documented body region, else the billed code's)
    stages: list[ClaimLine] = field(default_factory=list)  # +17312 / +17314 lines

    @property
    def lines(self) -> list[ClaimLine]:
        return [self.primary, *self.stages]


def entry(ctx: ClaimContext, line: ClaimLine) -> FamilyEntry | None:
    return ctx.families.get(line.code)


def documented_group(ctx: ClaimContext, line: ClaimLine) -> str | None:
    found = entry(ctx, line)
    return site_group_of(ctx, found.site_scheme, line) if found else None


def lesions(ctx: ClaimContext, day: date) -> list[MohsLesion]:
    """The Mohs lesions of a date: each first-stage line with the stage add-ons that belong to it.

    An add-on belongs to the primary with its lesion id; without ids, to the only primary of the date, or
    to the only primary billed in its site group. Add-ons that cannot be placed are left out.
    """
    return ctx.day_fact(_lesions, day)


def _lesions(ctx: ClaimContext, day: date) -> list[MohsLesion]:
    lines = lines_of(ctx, day, FAMILY)
    out: list[MohsLesion] = []
    for line in lines:
        found = entry(ctx, line)
        if found is not None and found.is_primary:
            out.append(MohsLesion(line, documented_group(ctx, line) or found.site_group))
    for line in lines:
        found = entry(ctx, line)
        if found is None or not found.is_addon or found.measure != "stages":
            continue
        owner = _owner(ctx, line, found, out)
        if owner is not None:
            owner.stages.append(line)
    return out


def _owner(ctx: ClaimContext, line: ClaimLine, found: FamilyEntry, candidates: list[MohsLesion]) -> MohsLesion | None:
    by_id = [lesion for lesion in candidates if same_lesion(ctx, line, lesion.primary)]
    if by_id:
        return by_id[0]
    open_ = [lesion for lesion in candidates if same_lesion(ctx, line, lesion.primary) is None]
    if len(open_) == 1:
        return open_[0]
    same_group = [lesion for lesion in open_ if entry(ctx, lesion.primary) and lesion.group == found.site_group]
    return same_group[0] if len(same_group) == 1 else None


def expected_code(ctx: ClaimContext, line: ClaimLine, group: str) -> FamilyEntry | None:
    """The Mohs code of the same role and measure as `line`'s, in site group `group`."""
    found = entry(ctx, line)
    if found is None:
        return None
    for other in ctx.families.in_family(FAMILY):
        if other.role == found.role and other.measure == found.measure and other.site_group == group:
            return other
    return None
