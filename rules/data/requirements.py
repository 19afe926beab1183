"""Small policy tables the procedure families read: diagnoses a procedure requires, and the G2211 policy by year.

Both are versioned CSVs in `rules/data/` (metadata header with source and effective dates); parsed once on first
use and never per claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from rules.data import read_packaged
from rules.data.table import TableMeta, parse_table


@dataclass(frozen=True, slots=True)
class DiagnosisRequirement:
    """A procedure range whose pointed diagnosis must start with one of `prefixes` from `effective_from`."""

    code_from: str
    code_to: str
    prefixes: tuple[str, ...]
    effective_from: date
    effective_to: date | None
    alternative: str
    authority: str

    def applies(self, code: str, day: date) -> bool:
        in_range = len(code) == len(self.code_from) and self.code_from <= code <= self.code_to
        in_force = self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)
        return in_range and in_force

    def supported_by(self, diagnosis: str) -> bool:
        return diagnosis.replace(".", "").upper().startswith(self.prefixes)


@dataclass(frozen=True, slots=True)
class G2211Period:
    """The modifier-25 policy of G2211 in one calendar period."""

    effective_from: date
    effective_to: date | None
    modifier_25: str  # never | preventive_only
    preventive_codes: frozenset[str]

    def covers(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


def _day(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


@cache
def diagnosis_requirements() -> tuple[TableMeta, tuple[DiagnosisRequirement, ...]]:
    meta, rows = parse_table(
        read_packaged("procedure_diagnoses.csv"),
        name="procedure_diagnoses.csv",
        required=("code_from", "code_to", "dx_prefixes", "effective_from", "alternative", "authority"),
    )
    return meta, tuple(
        DiagnosisRequirement(
            row["code_from"],
            row["code_to"],
            tuple(row["dx_prefixes"].split()),
            date.fromisoformat(row["effective_from"]),
            _day(row.get("effective_to", "")),
            row["alternative"],
            row["authority"],
        )
        for row in rows
    )


@cache
def g2211_policy() -> tuple[TableMeta, tuple[G2211Period, ...]]:
    meta, rows = parse_table(
        read_packaged("g2211_policy.csv"),
        name="g2211_policy.csv",
        required=("effective_from", "effective_to", "modifier_25", "preventive_codes"),
    )
    return meta, tuple(
        G2211Period(
            date.fromisoformat(row["effective_from"]),
            _day(row["effective_to"]),
            row["modifier_25"],
            frozenset(row["preventive_codes"].split()),
        )
        for row in rows
    )


def g2211_period(day: date) -> G2211Period | None:
    """The G2211 policy in force on `day` (None before G2211 was payable)."""
    return next((period for period in g2211_policy()[1] if period.covers(day)), None)
