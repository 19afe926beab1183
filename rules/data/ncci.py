"""NCCI edit tables (PTP pairs, MUEs, add-on code primaries) as the engine consults them.

`parse_*_curated` read the project's curated CSVs; loaders for the official CMS file formats live in
`rules.data.cms` and produce the same table objects, so an operator's quarterly files and the
curated tables are interchangeable editions of one `Versioned` table.
"""

from __future__ import annotations

import csv
from collections import ChainMap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import cast

from rules.data.table import TableMeta, parse_table, split_header
from rules.exceptions import DataTableError


@dataclass(frozen=True, slots=True)
class PtpEdit:
    """One procedure-to-procedure edit: column 2 is not paid with column 1 on the same day."""

    column1: str
    column2: str
    effective: date
    deletion: date | None
    modifier_indicator: str  # "0" no bypass, "1" NCCI-associated modifier may bypass, "9" not applicable
    rationale: str
    source: str = ""

    def active_on(self, day: date) -> bool:
        return self.effective <= day and (self.deletion is None or day <= self.deletion)


@dataclass(frozen=True, slots=True)
class PtpTable:
    edits: Mapping[tuple[str, str], PtpEdit]

    def edit(self, column1: str, column2: str, day: date) -> PtpEdit | None:
        """The edit in force on `day` with `column1` as column 1 and `column2` as column 2."""
        found = self.edits.get((column1, column2))
        if found is not None and found.active_on(day) and found.modifier_indicator != "9":
            return found
        return None

    def between(self, code_a: str, code_b: str, day: date) -> PtpEdit | None:
        """The edit in force between two codes, whichever is column 1."""
        return self.edit(code_a, code_b, day) or self.edit(code_b, code_a, day)


@dataclass(frozen=True, slots=True)
class MueEdit:
    code: str
    value: int
    mai: int  # 1 line edit, 2 date-of-service edit (policy, absolute), 3 date-of-service edit (clinical)
    rationale: str
    source: str = ""


@dataclass(frozen=True, slots=True)
class MueTable:
    edits: dict[str, MueEdit]

    def get(self, code: str) -> MueEdit | None:
        return self.edits.get(code)


@dataclass(frozen=True, slots=True)
class AddonEdit:
    addon: str
    primaries: frozenset[str]
    aoc_type: int  # CMS AOC type 1 (primaries listed), 2 (no primaries listed), 3 (some listed)
    source: str = ""


@dataclass(frozen=True, slots=True)
class AddonTable:
    edits: dict[str, AddonEdit]

    def get(self, code: str) -> AddonEdit | None:
        return self.edits.get(code)


def _iso_or_none(value: str) -> date | None:
    return None if value in ("", "*") else date.fromisoformat(value)


def parse_ptp_curated(text: str, *, name: str = "ptp") -> tuple[TableMeta, PtpTable]:
    required = (
        "column1",
        "column2",
        "effective_date",
        "deletion_date",
        "modifier_indicator",
        "rationale",
        "source",
    )
    meta, rows = parse_table(text, name=name, required=required)
    edits: dict[tuple[str, str], PtpEdit] = {}
    for number, row in enumerate(rows, start=2):
        try:
            edit = PtpEdit(
                column1=row["column1"],
                column2=row["column2"],
                effective=date.fromisoformat(row["effective_date"]),
                deletion=_iso_or_none(row["deletion_date"]),
                modifier_indicator=row["modifier_indicator"],
                rationale=row["rationale"],
                source=row["source"],
            )
        except ValueError as exc:
            raise DataTableError(f"{name}: data row {number}: {exc}") from exc
        if edit.modifier_indicator not in ("0", "1", "9"):
            raise DataTableError(f"{name}: data row {number}: modifier indicator must be 0, 1 or 9")
        key = (edit.column1, edit.column2)
        old = edits.get(key)
        if old is not None:
            if _in_force_during(old, meta) and _in_force_during(edit, meta):
                raise DataTableError(
                    f"{name}: data row {number}: {key[0]}/{key[1]} has two rows in force within the edition "
                    "(one pair keeps one edit per edition: end one row before the other starts)"
                )
            if _ptp_rank(old, meta) >= _ptp_rank(edit, meta):
                continue
        edits[key] = edit
    return meta, PtpTable(edits)


def _in_force_during(edit: PtpEdit, meta: TableMeta) -> bool:
    """The edit applies on at least one day the edition covers (indicator 9 switches a pair off)."""
    if edit.modifier_indicator == "9":
        return False
    starts_in_time = meta.effective_to is None or edit.effective <= meta.effective_to
    return starts_in_time and (edit.deletion is None or edit.deletion >= meta.effective_from)


def _ptp_rank(edit: PtpEdit, meta: TableMeta) -> tuple[bool, bool, date, date]:
    """Duplicate keys in a curated edition: the row in force during the edition wins over a row deleted before
    it (e.g. the CMS 17000/17281 row deleted 2004-12-31 quoted beside the curated row in force since 2005), so
    every date of service the edition covers gets the row in force on that date; then the latest row."""
    return (_in_force_during(edit, meta), edit.deletion is None, edit.deletion or date.max, edit.effective)


def parse_mue_curated(text: str, *, name: str = "mue") -> tuple[TableMeta, MueTable]:
    """A project-format MUE table: code, mue, mai, rationale and, for curated rows, each row's source (an
    official table names its source once, in the header)."""
    meta, rows = parse_table(text, name=name, required=("code", "mue", "mai", "rationale"))
    edits: dict[str, MueEdit] = {}
    for number, row in enumerate(rows, start=2):
        try:
            mue = MueEdit(
                row["code"], int(row["mue"]), int(row["mai"]), row["rationale"], row.get("source") or meta.source
            )
        except ValueError as exc:
            raise DataTableError(f"{name}: data row {number}: {exc}") from exc
        if mue.mai not in (1, 2, 3):
            raise DataTableError(f"{name}: data row {number}: MAI must be 1, 2 or 3")
        edits[mue.code] = mue
    return meta, MueTable(edits)


def parse_addon_curated(text: str, *, name: str = "addon") -> tuple[TableMeta, AddonTable]:
    """A project-format add-on table: addon, primary (empty: none listed), aoc_type and, for curated rows,
    each row's source (an official table names its source once, in the header)."""
    meta, rows = parse_table(text, name=name, required=("addon", "primary", "aoc_type"))
    grouped: dict[str, tuple[set[str], int, str]] = {}
    for row in rows:
        source = row.get("source") or meta.source
        primaries, _, _ = grouped.setdefault(row["addon"], (set(), int(row["aoc_type"] or 1), source))
        if row["primary"]:
            primaries.add(row["primary"])
    edits = {code: AddonEdit(code, frozenset(p), t, s) for code, (p, t, s) in grouped.items()}
    return meta, AddonTable(edits)


class PackagedPtpEdits(Mapping[tuple[str, str], PtpEdit]):
    """The rows of a packaged PTP edition, keyed by (column 1, column 2), made into `PtpEdit`s when first read.

    Start-up speed only: about 70,000 rows are read at every start while a claim asks for a handful of pairs,
    so a row stays the CSV reader's list until it is looked up. Every row applies from the edition's
    `effective_from` (the source has no per-row effective date) until its deletion date."""

    __slots__ = ("_made", "_rows", "effective", "source")

    def __init__(self, rows: dict[tuple[str, str], list[str]], effective: date, source: str) -> None:
        self._rows = rows
        self._made: dict[tuple[str, str], PtpEdit] = {}
        self.effective = effective
        self.source = source

    def __getitem__(self, key: tuple[str, str]) -> PtpEdit:
        found = self._made.get(key)
        if found is None:
            column1, column2, deletion, indicator, rationale = self._rows[key]
            found = self._made[key] = PtpEdit(
                column1,
                column2,
                self.effective,
                date.fromisoformat(deletion) if deletion else None,
                indicator,
                rationale,
                self.source,
            )
        return found

    def get(self, key: tuple[str, str], default: PtpEdit | None = None) -> PtpEdit | None:  # type: ignore[override]
        if key in self._rows:
            return self[key]
        return default

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


def parse_ptp_packaged(text: str, *, name: str = "ptp") -> tuple[TableMeta, PtpTable]:
    """The packaged official PTP edition (`scripts/build_reference_data.py` writes it): column1, column2,
    deletion_date (empty: none), modifier_indicator, rationale. The CMS per-row effective date is not in the
    source, so every row applies from the edition's `effective_from` until its deletion date. Every row is
    checked here, so a bad file fails at start-up, not on the claim that first reads the row."""
    meta, body = split_header(text, name=name)
    reader = csv.reader(body)
    header = next(reader, None)
    expected = ["column1", "column2", "deletion_date", "modifier_indicator", "rationale"]
    if header != expected:
        raise DataTableError(f"{name}: columns must be {', '.join(expected)}; found {header}")
    rows: dict[tuple[str, str], list[str]] = {}
    deletions: set[str] = set()
    for row in reader:
        if len(row) != 5 or row[3] not in ("0", "1", "9"):
            raise DataTableError(f"{name}: line {reader.line_num}: expected 5 fields and an indicator 0, 1 or 9: {row}")
        rows[(row[0], row[1])] = row
        deletions.add(row[2])
    for deletion in deletions - {""}:
        try:
            date.fromisoformat(deletion)
        except ValueError as exc:
            raise DataTableError(f"{name}: deletion date {deletion!r} is not an ISO date") from exc
    return meta, PtpTable(PackagedPtpEdits(rows, meta.effective_from, meta.source))


# ---- curated rows where no official table speaks ------------------------------------------------------


def supplement_addons(table: AddonTable, curated: AddonTable) -> AddonTable:
    """`table` plus the curated add-ons it does not list at all (its filter left them out): an add-on the official
    table lists keeps exactly the official primaries."""
    extra = {code: edit for code, edit in curated.edits.items() if code not in table.edits}
    return AddonTable({**table.edits, **extra}) if extra else table


# ---- payer overrides (payer_profiles.yaml): a payer's rows laid over a national edition -----------------


def overlay_ptp(table: PtpTable, overrides: Mapping[tuple[str, str], PtpEdit]) -> PtpTable:
    """`table` with a payer's rows added or replaced (indicator 9 switches a pair off). O(1): no copy."""
    if not overrides:
        return table
    return PtpTable(ChainMap(dict(overrides), cast(dict[tuple[str, str], PtpEdit], table.edits)))


def overlay_mue(table: MueTable, overrides: Mapping[str, MueEdit]) -> MueTable:
    """`table` with a payer's MUE values added or replaced. O(1): no copy."""
    if not overrides:
        return table
    return MueTable(cast(dict[str, MueEdit], ChainMap(dict(overrides), table.edits)))


def overlay_addons(table: AddonTable, overrides: Mapping[str, AddonEdit]) -> AddonTable:
    """`table` with a payer's add-on primaries added or replaced. O(1): no copy."""
    if not overrides:
        return table
    return AddonTable(cast(dict[str, AddonEdit], ChainMap(dict(overrides), table.edits)))
