"""Small policy tables the procedure families read: diagnoses a procedure requires, the G2211 policy by year, and
the Medicare routine foot care exclusion (its services and the modifiers that answer it).

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


@dataclass(frozen=True, slots=True)
class FootCareEntry:
    """One row of the routine foot care table: a code or modifier with its role and the dates it is in force."""

    role: str  # service | class_findings_modifier | excluded_modifier | finger_modifier | mycotic_diagnosis
    code: str
    applies_to: frozenset[str]
    effective_from: date
    effective_to: date | None
    meaning: str

    def covers(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


@cache
def routine_foot_care() -> tuple[TableMeta, tuple[FootCareEntry, ...]]:
    meta, rows = parse_table(
        read_packaged("routine_foot_care.csv"),
        name="routine_foot_care.csv",
        required=("role", "code", "applies_to", "effective_from", "effective_to", "meaning"),
    )
    return meta, tuple(
        FootCareEntry(
            row["role"],
            row["code"],
            frozenset(row["applies_to"].split()),
            date.fromisoformat(row["effective_from"]),
            _day(row["effective_to"]),
            row["meaning"],
        )
        for row in rows
    )


def foot_care_rows(role: str, day: date | None = None) -> tuple[FootCareEntry, ...]:
    """The routine foot care rows of `role` in force on `day` (every row of the role when `day` is None)."""
    return tuple(e for e in routine_foot_care()[1] if e.role == role and (day is None or e.covers(day)))
