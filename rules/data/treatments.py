"""Treatments coded by what the chart documents: debridement by tissue depth and area, phototherapy by modality.

Both are versioned CSVs in `rules/data/` (metadata header with source and effective dates), parsed once on first
use and never per claim: `debridement_depths.csv` (the code pair of each depth and the sq cm each unit covers) and
`phototherapy_modalities.csv` (the code of each ultraviolet modality and the supervised time 96913 requires).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from rules.data import read_packaged
from rules.data.table import TableMeta, parse_table


@dataclass(frozen=True, slots=True)
class DebridementDepth:
    """The codes of one documented tissue depth: a primary for the first `first_sq_cm`, an add-on per `per_sq_cm`."""

    tissue_depth: str
    label: str
    primary: str
    addon: str
    first_sq_cm: float
    per_sq_cm: float
    section: str  # surgical | active_wound_care

    @property
    def surgical(self) -> bool:
        return self.section == "surgical"

    def addon_units(self, area_sq_cm: float) -> int:
        """Add-on units for a summed area: each further `per_sq_cm` past the first, or part thereof."""
        beyond = round(area_sq_cm - self.first_sq_cm, 2)  # areas are documented to 0.1 sq cm; no float residue
        return max(0, math.ceil(beyond / self.per_sq_cm))


@dataclass(frozen=True, slots=True)
class DebridementDepths:
    meta: TableMeta
    by_depth: dict[str, DebridementDepth]
    by_code: dict[str, DebridementDepth]  # primary and add-on codes -> their depth

    def of_code(self, code: str) -> DebridementDepth | None:
        return self.by_code.get(code)

    def is_primary(self, code: str) -> bool:
        depth = self.by_code.get(code)
        return depth is not None and depth.primary == code


@dataclass(frozen=True, slots=True)
class PhototherapyCode:
    """A phototherapy code, the modalities it describes and the supervised minutes it requires (if any)."""

    code: str
    modalities: frozenset[str]
    min_minutes: int | None
    base: bool
    area_min_sq_cm: float | None = None
    area_max_sq_cm: float | None = None

    def area_text(self) -> str:
        """`250-500 sq cm`, `over 500 sq cm`, `under 250 sq cm` (from the table's bounds)."""
        low, high = self.area_min_sq_cm, self.area_max_sq_cm
        if high is None:
            return f"over {low - 0.01:g} sq cm" if low else "any area"
        if not low:
            return f"under {high + 0.01:g} sq cm"
        return f"{low:g}-{high:g} sq cm"


@dataclass(frozen=True, slots=True)
class PhototherapyModalities:
    meta: TableMeta
    by_code: dict[str, PhototherapyCode]

    def base_code(self, modality: str) -> str | None:
        """The code a modality is billed with when no other condition holds (None: excimer, chosen by area)."""
        return next((c.code for c in self.by_code.values() if c.base and modality in c.modalities), None)

    def codes_of(self, modality: str) -> tuple[str, ...]:
        return tuple(c.code for c in self.by_code.values() if modality in c.modalities)

    def by_area(self, modality: str, area_sq_cm: float) -> PhototherapyCode | None:
        """The code of `modality` whose total-area band holds `area_sq_cm` (excimer: 96920-96922), or None."""
        area = round(area_sq_cm, 2)
        for entry in self.by_code.values():
            if modality not in entry.modalities or entry.area_min_sq_cm is None:
                continue
            if entry.area_min_sq_cm <= area and (entry.area_max_sq_cm is None or area <= entry.area_max_sq_cm):
                return entry
        return None


@cache
def debridement_depths() -> DebridementDepths:
    meta, rows = parse_table(
        read_packaged("debridement_depths.csv"),
        name="debridement_depths.csv",
        required=("tissue_depth", "label", "primary", "addon", "first_sq_cm", "per_sq_cm", "section"),
    )
    depths = {
        row["tissue_depth"]: DebridementDepth(
            row["tissue_depth"],
            row["label"],
            row["primary"],
            row["addon"],
            float(row["first_sq_cm"]),
            float(row["per_sq_cm"]),
            row["section"],
        )
        for row in rows
    }
    by_code = {code: depth for depth in depths.values() for code in (depth.primary, depth.addon)}
    return DebridementDepths(meta, depths, by_code)


@cache
def phototherapy_modalities() -> PhototherapyModalities:
    meta, rows = parse_table(
        read_packaged("phototherapy_modalities.csv"),
        name="phototherapy_modalities.csv",
        required=("code", "modalities", "min_minutes", "base", "area_min_sq_cm", "area_max_sq_cm"),
    )
    return PhototherapyModalities(
        meta,
        {
            row["code"]: PhototherapyCode(
                row["code"],
                frozenset(row["modalities"].split()),
                int(row["min_minutes"]) if row["min_minutes"] else None,
                row["base"] == "yes",
                float(row["area_min_sq_cm"]) if row["area_min_sq_cm"] else None,
                float(row["area_max_sq_cm"]) if row["area_max_sq_cm"] else None,
            )
            for row in rows
        },
    )
