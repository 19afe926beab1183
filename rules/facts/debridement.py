"""Debridement of one date grouped by the documented depth: what CPT bills for the summed area at each depth.

Read by DEB001 (which recodes the lines) and by the MUE rules through `recode.py` (two 11042 lines documenting
their areas are 11042 + 11045, not 11042 cut to one unit). CPT: the deepest level of tissue removed chooses the
code; the areas of wounds debrided to the same depth are summed, and sums from different depths are not combined.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from schemas.claim import ClaimLine

from rules.data.treatments import DebridementDepth, debridement_depths
from rules.facts.context import ClaimContext
from rules.facts.sites import code_range

DEBRIDEMENT_CODES = code_range("11042-11047")


@dataclass(frozen=True, slots=True)
class DepthGroup:
    """The debridement lines of one date at one depth (documented, else the code's), and what they should bill."""

    depth: DebridementDepth
    lines: tuple[ClaimLine, ...]
    primaries: tuple[ClaimLine, ...]  # lines billed with a primary code (11042-11044)
    addons: tuple[ClaimLine, ...]  # lines billed with an add-on code (11045-11047)
    documented: bool  # every primary line documents its tissue depth
    area_sq_cm: float | None  # summed documented area, when every primary line documents it

    @property
    def addon_units(self) -> int | None:
        """Add-on units the summed area calls for (None: an area is undocumented)."""
        return None if self.area_sq_cm is None else self.depth.addon_units(self.area_sq_cm)

    @property
    def several_primaries(self) -> bool:
        return len(self.primaries) > 1 or any(line.units > 1 for line in self.primaries)


def _depth_of(ctx: ClaimContext, line: ClaimLine) -> DebridementDepth | None:
    """The documented depth; for an undocumented add-on, its primary's documented depth; else the code's."""
    table = debridement_depths()
    documented = ctx.doc(line).tissue_depth
    if documented:
        return table.by_depth.get(documented)
    own = table.of_code(line.code)
    if own is None or table.is_primary(line.code):
        return own
    primary = next((ln for ln in ctx.by_date[line.service_date] if ln.code == own.primary), None)
    stated = ctx.doc(primary).tissue_depth if primary is not None else None
    return table.by_depth.get(stated) if stated else own


def _groups(ctx: ClaimContext, day: date) -> tuple[DepthGroup, ...]:
    table = debridement_depths()
    by_depth: dict[str, list[ClaimLine]] = {}
    for line in ctx.by_date.get(day, ()):
        if line.code not in DEBRIDEMENT_CODES:
            continue
        depth = _depth_of(ctx, line)
        if depth is not None:
            by_depth.setdefault(depth.tissue_depth, []).append(line)
    groups = []
    for name, lines in by_depth.items():
        primaries = tuple(ln for ln in lines if table.is_primary(ln.code))
        areas = [ctx.doc(ln).area_sq_cm for ln in lines]
        known = bool(primaries) and all(ctx.doc(ln).area_sq_cm is not None for ln in primaries)
        groups.append(
            DepthGroup(
                table.by_depth[name],
                tuple(lines),
                primaries,
                tuple(ln for ln in lines if not table.is_primary(ln.code)),
                bool(primaries) and all(ctx.doc(ln).tissue_depth for ln in primaries),
                round(sum(a for a in areas if a is not None), 2) if known else None,
            )
        )
    return tuple(groups)


def depth_groups(ctx: ClaimContext, day: date) -> tuple[DepthGroup, ...]:
    """The date's debridement lines by depth (computed once per claim and date)."""
    return ctx.day_fact(_groups, day)


def debridement_recode(ctx: ClaimContext, day: date, code: str) -> str | None:
    """Why DEB001 recodes the lines of `code` on `day` (None: it does not, and an MUE cut is the fix).

    DEB001 recodes a line documenting another depth (11042 documenting bone is 11044), and merges several
    primary lines of one depth whose areas are documented into one primary plus the add-on units of the sum.
    """
    for group in depth_groups(ctx, day):
        if not group.depth.surgical or not any(line.code == code for line in group.primaries):
            continue
        if code != group.depth.primary:
            return f"the chart documents debridement of {group.depth.label}: {group.depth.primary}"
        if group.documented and group.several_primaries and group.area_sq_cm is not None:
            addon = f" + {group.depth.addon} x{group.addon_units}" if group.addon_units else ""
            return f"{group.area_sq_cm:g} sq cm debrided to the same depth are {code} x1{addon}"
    return None
