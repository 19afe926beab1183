"""Code families: what each dermatology code means (family, technique, site group, size or length range)."""

from __future__ import annotations

from dataclasses import dataclass

from rules.data.table import TableMeta, parse_table


@dataclass(frozen=True, slots=True)
class FamilyEntry:
    """One code's place in its family (empty strings / None where not applicable)."""

    code: str
    family: str  # e.g. biopsy, destruction_premalignant, excision_benign, repair_intermediate, mohs, em
    role: str  # primary | addon | alone
    technique: str = ""
    lesion_type: str = ""
    site_group: str = ""
    size_min: float | None = None  # cm: excised diameter, repair length or lesion diameter
    size_max: float | None = None


@dataclass(frozen=True, slots=True)
class CodeFamilies:
    meta: TableMeta
    entries: dict[str, FamilyEntry]

    def get(self, code: str) -> FamilyEntry | None:
        return self.entries.get(code)

    def in_family(self, family: str) -> list[FamilyEntry]:
        return [e for e in self.entries.values() if e.family == family]


def _float_or_none(value: str) -> float | None:
    return float(value) if value else None


def parse_families(text: str, *, name: str = "code_families") -> CodeFamilies:
    meta, rows = parse_table(text, name=name, required=("code", "family", "role"))
    entries = {
        row["code"]: FamilyEntry(
            code=row["code"],
            family=row["family"],
            role=row["role"],
            technique=row.get("technique", ""),
            lesion_type=row.get("lesion_type", ""),
            site_group=row.get("site_group", ""),
            size_min=_float_or_none(row.get("size_min", "")),
            size_max=_float_or_none(row.get("size_max", "")),
        )
        for row in rows
    }
    return CodeFamilies(meta, entries)
