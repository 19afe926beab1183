"""Code homes: the family each dermatology CPT/HCPCS range belongs to, and whether rules or only tables judge it.

Parsed from `code_homes.csv` (a versioned table with its source); read by `scripts/gen_coverage.py`, which writes
`docs/coverage.md`, and by the test that keeps it current.
"""

from __future__ import annotations

from dataclasses import dataclass

from rules.data import read_packaged
from rules.data.table import TableMeta, parse_table
from rules.exceptions import DataTableError

HOMES_FILE = "code_homes.csv"


@dataclass(frozen=True, slots=True)
class CodeHome:
    """One range of codes (inclusive) and its home."""

    code_from: str
    code_to: str
    family: str
    home: str  # rules | tables
    reason: str

    def holds(self, code: str) -> bool:
        return len(code) == len(self.code_from) and self.code_from <= code <= self.code_to

    @property
    def width(self) -> int:
        """How many codes the range spans (narrower ranges override wider ones)."""
        if self.code_from.isdigit() and self.code_to.isdigit():
            return int(self.code_to) - int(self.code_from)
        return 0 if self.code_from == self.code_to else 1


@dataclass(frozen=True, slots=True)
class CodeHomes:
    meta: TableMeta
    ranges: tuple[CodeHome, ...]

    def home_of(self, code: str) -> CodeHome | None:
        """The narrowest range holding `code` (None: the code has no home)."""
        holding = [entry for entry in self.ranges if entry.holds(code)]
        return min(holding, key=lambda entry: entry.width) if holding else None


def parse_code_homes(text: str, *, name: str = HOMES_FILE) -> CodeHomes:
    meta, rows = parse_table(text, name=name, required=("code_from", "code_to", "family", "home", "reason"))
    ranges = []
    for row in rows:
        if row["home"] not in ("rules", "tables"):
            raise DataTableError(f"{name}: home must be 'rules' or 'tables', not {row['home']!r} ({row['code_from']})")
        if row["home"] == "tables" and not row["reason"]:
            raise DataTableError(f"{name}: {row['code_from']}-{row['code_to']} has table edits only but no reason")
        ranges.append(CodeHome(row["code_from"], row["code_to"], row["family"], row["home"], row["reason"]))
    return CodeHomes(meta, tuple(ranges))


def load_code_homes() -> CodeHomes:
    return parse_code_homes(read_packaged(HOMES_FILE))
