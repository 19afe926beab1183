"""Code families: what each dermatology code means (family, technique, site group, size or length range).

Three tables make up the family data, all parsed once at start-up:

* `code_families.csv`: one row per code (family, role, technique, lesion type, site group, size/count range);
* `site_groups.csv`: which site group a documented `body_region` falls in, per site scheme (excision, the
  three repair complexities, Mohs);
* `diagnosis_classes.csv`: ICD-10-CM prefixes classed malignant, premalignant, benign, uncertain or screening.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from rules.data import read_packaged
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
    # Added with the procedure-family rules (all optional columns):
    site_scheme: str = ""  # which site_groups.csv scheme `site_group` belongs to
    measure: str = ""  # what size/count ranges measure: lesions, stages, blocks, excised_diameter_cm, ...
    rank: int | None = None  # biopsy technique hierarchy: incisional 3 > punch 2 > tangential 1
    count_min: int | None = None  # first lesion/stage/block the code counts
    count_max: int | None = None  # last one (None = open-ended)
    per: float | None = None  # add-on: lesions, stages, blocks or cm per unit
    technique_aliases: frozenset[str] = frozenset()  # documentation.technique values meaning this technique

    @property
    def is_addon(self) -> bool:
        return self.role == "addon"

    @property
    def is_primary(self) -> bool:
        return self.role == "primary"

    def documents_technique(self, technique: str) -> bool:
        """True if the chart's `technique` value is this code's technique."""
        return technique == self.technique or technique in self.technique_aliases


def tenths(value: float) -> int:
    """A measurement in whole tenths of a cm (CPT sizes are stated to 0.1 cm)."""
    return round(value * 10)


@dataclass(frozen=True, slots=True)
class CodeFamilies:
    meta: TableMeta
    entries: dict[str, FamilyEntry]
    site_groups: dict[tuple[str, str], str] = field(default_factory=dict)  # (scheme, body_region) -> group
    diagnosis_classes: dict[str, str] = field(default_factory=dict)  # ICD-10-CM prefix without dot -> class
    metas: tuple[TableMeta, ...] = ()  # the site-group and diagnosis-class tables' metadata
    by_family: dict[str, tuple[FamilyEntry, ...]] = field(default_factory=dict)  # in table order
    # Look-ups precomputed at parse time (rules run per claim in tens of microseconds):
    steps: dict[tuple[str, str], tuple[FamilyEntry, ...]] = field(default_factory=dict)  # sized, by size_max
    addons: dict[str, FamilyEntry] = field(default_factory=dict)  # primary code -> its add-on
    dx_memo: dict[str, str | None] = field(default_factory=dict)  # ICD-10-CM code -> class, filled on use
    # (family, technique, role) -> technique_code's answer, filled on use (the entries never change)
    technique_memo: dict[tuple[str, str, str], FamilyEntry | None] = field(
        default_factory=dict, repr=False, compare=False
    )

    def get(self, code: str) -> FamilyEntry | None:
        return self.entries.get(code)

    def in_family(self, family: str) -> list[FamilyEntry]:
        if self.by_family:
            return list(self.by_family.get(family, ()))
        return [e for e in self.entries.values() if e.family == family]

    def family_of(self, code: str) -> str | None:
        entry = self.entries.get(code)
        return entry.family if entry else None

    def site_group(self, scheme: str, body_region: str | None) -> str | None:
        """The site group of a documented body region in a scheme (None if unknown or ambiguous)."""
        if not body_region:
            return None
        return self.site_groups.get((scheme, body_region))

    def sized(self, family: str, site_group: str, size: float) -> FamilyEntry | None:
        """The non-add-on code of `family` in `site_group` whose CPT size step holds `size` (cm).

        None when the size is below the family's smallest step (e.g. a complex repair of 1.0 cm or less).
        Past the last step of a family with an add-on, the last step (its add-on counts the rest).
        """
        steps = self.steps.get((family, site_group), ())
        value = tenths(size)
        for entry in steps:
            if entry.size_max is None or value <= tenths(entry.size_max):
                if entry is steps[0] and entry.size_min is not None and value < tenths(entry.size_min):
                    return None
                return entry
        if steps and steps[-1].code in self.addons:
            return steps[-1]  # beyond the last step: the last primary plus its add-on (e.g. 13101 + 13102)
        return None

    def counted(self, family: str, count: int) -> FamilyEntry | None:
        """The primary or stand-alone code of `family` whose count range holds `count` lesions."""
        for entry in self.by_family.get(family, ()):
            if entry.is_addon or entry.count_min is None:
                continue
            if entry.count_min <= count and (entry.count_max is None or count <= entry.count_max):
                return entry
        return None

    def technique_code(self, family: str, technique: str, role: str) -> FamilyEntry | None:
        """The code of `family` with this technique (or alias) and role."""
        key = (family, technique, role)
        try:
            return self.technique_memo[key]
        except KeyError:
            pass
        found = next(
            (e for e in self.by_family.get(family, ()) if e.role == role and e.documents_technique(technique)), None
        )
        if len(self.technique_memo) < 4096:  # documented techniques are a closed vocabulary; bound it anyway
            self.technique_memo[key] = found
        return found

    def addon_of(self, primary: str) -> FamilyEntry | None:
        """The add-on that continues `primary`: same family, technique, site group and measure."""
        return self.addons.get(primary)

    def addon_units(self, addon: FamilyEntry, amount: float) -> int:
        """Units of an add-on for `amount` lesions/stages/blocks (count_min) or cm (size_min); 0 if none."""
        per = addon.per or 1
        if addon.count_min is not None:
            return max(0, math.ceil((amount - addon.count_min + 1) / per))
        if addon.size_min is not None:
            return max(0, math.ceil((tenths(amount) - tenths(addon.size_min) + 1) / tenths(per)))
        return 0

    def diagnosis_class(self, icd: str) -> str | None:
        """malignant | premalignant | benign | uncertain | screening for an ICD-10-CM code (longest prefix)."""
        if icd in self.dx_memo:
            return self.dx_memo[icd]
        key = icd.replace(".", "").upper()
        found: str | None = None
        for length in range(len(key), 0, -1):
            found = self.diagnosis_classes.get(key[:length])
            if found is not None:
                break
        self.dx_memo[icd] = found
        return found


def _float_or_none(value: str) -> float | None:
    return float(value) if value else None


def _int_or_none(value: str) -> int | None:
    return int(value) if value else None


def parse_site_groups(text: str, *, name: str = "site_groups") -> tuple[TableMeta, dict[tuple[str, str], str]]:
    meta, rows = parse_table(text, name=name, required=("scheme", "body_region", "site_group"))
    return meta, {(row["scheme"], row["body_region"]): row["site_group"] for row in rows if row["site_group"]}


def parse_diagnosis_classes(text: str, *, name: str = "diagnosis_classes") -> tuple[TableMeta, dict[str, str]]:
    meta, rows = parse_table(text, name=name, required=("prefix", "class"))
    return meta, {row["prefix"].replace(".", "").upper(): row["class"] for row in rows}


def parse_families(
    text: str,
    *,
    name: str = "code_families",
    site_groups: str | None = None,
    diagnosis_classes: str | None = None,
) -> CodeFamilies:
    """Parse the code-family table and its two companion tables.

    The companions default to the packaged `site_groups.csv` and `diagnosis_classes.csv` (read once, when
    the RuleSet is built, never per claim); pass their text to parse other editions.
    """
    if site_groups is None:
        site_groups = read_packaged("site_groups.csv")
    if diagnosis_classes is None:
        diagnosis_classes = read_packaged("diagnosis_classes.csv")
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
            site_scheme=row.get("site_scheme", ""),
            measure=row.get("measure", ""),
            rank=_int_or_none(row.get("rank", "")),
            count_min=_int_or_none(row.get("count_min", "")),
            count_max=_int_or_none(row.get("count_max", "")),
            per=_float_or_none(row.get("per", "")),
            technique_aliases=frozenset(row.get("technique_aliases", "").split()),
        )
        for row in rows
    }
    by_family: dict[str, list[FamilyEntry]] = {}
    for entry in entries.values():
        by_family.setdefault(entry.family, []).append(entry)
    site_meta, groups = parse_site_groups(site_groups, name="site_groups.csv")
    dx_meta, classes = parse_diagnosis_classes(diagnosis_classes, name="diagnosis_classes.csv")
    steps: dict[tuple[str, str], list[FamilyEntry]] = {}
    addons: dict[str, FamilyEntry] = {}
    for entry in entries.values():
        if entry.is_addon:
            for base in by_family[entry.family]:
                if (
                    base.is_primary
                    and base.technique == entry.technique
                    and base.site_group == entry.site_group
                    and base.measure == entry.measure
                ):
                    addons.setdefault(base.code, entry)
        elif entry.size_max is not None or entry.size_min is not None:
            steps.setdefault((entry.family, entry.site_group), []).append(entry)
    return CodeFamilies(
        meta,
        entries,
        site_groups=groups,
        diagnosis_classes=classes,
        metas=(site_meta, dx_meta),
        by_family={family: tuple(items) for family, items in by_family.items()},
        steps={
            key: tuple(sorted(items, key=lambda e: math.inf if e.size_max is None else e.size_max))
            for key, items in steps.items()
        },
        addons=addons,
    )
