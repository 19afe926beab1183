"""Generic versioned CSV tables: a `# key: value` metadata header followed by CSV rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar

from rules.exceptions import DataTableError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class TableMeta:
    """Where a table comes from and when it is in force."""

    table: str
    source: str
    effective_from: date
    effective_to: date | None = None
    version: str = ""
    curated: bool = False
    edition: str = ""  # human name of the edition, e.g. "NCCI PTP v30.1 (ccipra-v301r0), 2024 Q2"
    # Where it was read from (`rules/data/<file>` or the operator's folder), for `dermclaims data`; not identity.
    origin: str = field(default="", compare=False)

    def covers(self, day: date) -> bool:
        """Whether `day` falls in the period the edition was published for (`effective_to`: its quarter's end)."""
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    @property
    def label(self) -> str:
        """Short identity for `data_versions`, e.g. `ptp-curated-2026Q1` or `ccipra-v322r0`."""
        return self.version or f"{self.table}@{self.effective_from.isoformat()}"


def split_header(text: str, *, name: str) -> tuple[TableMeta, list[str]]:
    """The table's `# key: value` metadata and the lines of its CSV body (header row first)."""
    meta: dict[str, str] = {}
    lines = text.splitlines(keepends=True)
    body_start = len(lines)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("#"):
            key, sep, value = stripped.lstrip("#").partition(":")
            if sep:
                meta.setdefault(key.strip().lower(), value.strip())
            continue
        if stripped:
            body_start = index
            break
    for key in ("table", "source", "effective_from"):
        if key not in meta:
            raise DataTableError(f"{name}: metadata header lacks '# {key}: ...' (every table names its source)")
    try:
        effective_from = date.fromisoformat(meta["effective_from"])
        effective_to = date.fromisoformat(meta["effective_to"]) if meta.get("effective_to") else None
    except ValueError as exc:
        raise DataTableError(f"{name}: effective dates must be ISO dates (YYYY-MM-DD): {exc}") from exc
    return (
        TableMeta(
            table=meta["table"],
            source=meta["source"],
            effective_from=effective_from,
            effective_to=effective_to,
            version=meta.get("version", ""),
            curated=meta.get("curated", "false").lower() in ("1", "true", "yes"),
            edition=meta.get("edition", ""),
        ),
        lines[body_start:],
    )


def parse_table(text: str, *, name: str, required: Sequence[str] = ()) -> tuple[TableMeta, list[dict[str, str]]]:
    """Split the metadata header from the CSV body; check the required columns exist."""
    meta, body = split_header(text, name=name)
    reader = csv.DictReader(io.StringIO("".join(body)))
    missing = [column for column in required if column not in (reader.fieldnames or [])]
    if missing:
        raise DataTableError(f"{name}: missing column(s) {', '.join(missing)}; found {reader.fieldnames}")
    rows = [{k: (v or "").strip() for k, v in row.items() if k is not None} for row in reader]
    return meta, rows


_MEMO_LIMIT = 4096  # dates of service in flight are few; past this, look-ups are simply not remembered


@dataclass(frozen=True, slots=True)
class Versioned(Generic[T]):
    """Several editions of one table; the engine picks the edition in force on the date of service.

    Dates policy: an edition is in force from its `effective_from` until the day before the next newer loaded
    edition starts (its `effective_to`, the end of the quarter it was published for, does not end it). So a
    date after the newest loaded quarter is judged with the newest edition (`beyond` says by how much), and a
    date before the oldest edition has none (the engine reports it and guesses nothing).
    """

    editions: tuple[tuple[TableMeta, T], ...]
    # for_date answers by day (performance only: editions never change, so neither do the answers).
    _by_day: dict[date, tuple[TableMeta, T] | None] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def of(cls, editions: Iterable[tuple[TableMeta, T]]) -> Versioned[T]:
        # Latest effective_from first, so an operator's newer quarter wins over the packaged edition.
        return cls(tuple(sorted(editions, key=lambda e: e[0].effective_from, reverse=True)))

    def for_date(self, day: date) -> tuple[TableMeta, T] | None:
        try:
            return self._by_day[day]
        except KeyError:
            pass
        found = next(((meta, table) for meta, table in self.editions if meta.effective_from <= day), None)
        if len(self._by_day) < _MEMO_LIMIT:
            self._by_day[day] = found
        return found

    def beyond(self, day: date) -> tuple[TableMeta, int] | None:
        """(newest edition, days) when `day` is after the period the newest loaded edition was published for: that
        edition is used all the same, `days` after its period ended. None otherwise (no edition in force, or a
        date its period covers, or a date an older edition is in force on)."""
        if not self.editions:
            return None
        meta = self.editions[0][0]
        if meta.effective_to is None or day <= meta.effective_to:
            return None
        return meta, (day - meta.effective_to).days
