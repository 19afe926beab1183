"""Small policy tables the procedure families read: diagnoses a procedure requires, the G2211 policy by year, and
the prolonged-service codes and time thresholds by payer kind, and the Medicare routine foot care exclusion (its
services and the modifiers that answer it).

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


@dataclass(frozen=True, slots=True)
class ProlongedPolicy:
    """The prolonged-service add-on one payer kind accepts with one level-5 office E/M, and its time threshold."""

    payer_kind: str
    addon: str
    primary: str
    visit_from: str
    visit_to: str
    first_unit_minutes: int
    effective_from: date
    effective_to: date | None
    authority: str

    def covers(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def same_category(self, code: str) -> bool:
        """`code` is an office E/M of this row's patient category (new or established)."""
        return len(code) == len(self.visit_from) and self.visit_from <= code <= self.visit_to

    def units_for(self, minutes: int) -> int:
        """Units the total time on the date supports: one at the threshold, one more per further full 15 minutes."""
        return 0 if minutes < self.first_unit_minutes else 1 + (minutes - self.first_unit_minutes) // 15


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


@cache
def prolonged_policy() -> tuple[TableMeta, tuple[ProlongedPolicy, ...]]:
    meta, rows = parse_table(
        read_packaged("prolonged_services.csv"),
        name="prolonged_services.csv",
        required=(
            "payer_kind",
            "addon",
            "primary",
            "visit_from",
            "visit_to",
            "first_unit_minutes",
            "effective_from",
            "effective_to",
            "authority",
        ),
    )
    return meta, tuple(
        ProlongedPolicy(
            row["payer_kind"],
            row["addon"],
            row["primary"],
            row["visit_from"],
            row["visit_to"],
            int(row["first_unit_minutes"]),
            date.fromisoformat(row["effective_from"]),
            _day(row["effective_to"]),
            row["authority"],
        )
        for row in rows
    )


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


def prolonged_codes() -> frozenset[str]:
    """Every prolonged-service add-on the table knows (99417, G2212)."""
    return frozenset(row.addon for row in prolonged_policy()[1])


def prolonged_rows(payer_kind: str, day: date) -> tuple[ProlongedPolicy, ...]:
    """The rows in force on `day` for `payer_kind` (empty: the table has no policy for that payer kind)."""
    return tuple(row for row in prolonged_policy()[1] if row.payer_kind == payer_kind and row.covers(day))


def foot_care_rows(role: str, day: date | None = None) -> tuple[FootCareEntry, ...]:
    """The routine foot care rows of `role` in force on `day` (every row of the role when `day` is None)."""
    return tuple(e for e in routine_foot_care()[1] if e.role == role and (day is None or e.covers(day)))
