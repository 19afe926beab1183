"""The Physician Fee Schedule table: RVUs, global days and the add-on marker for each code."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rules.data.table import TableMeta, parse_table
from rules.exceptions import DataTableError

# Places of service paid at the facility rate (CMS PFS: facility vs non-facility PE RVUs).
FACILITY_PLACES_OF_SERVICE = frozenset(
    {"19", "21", "22", "23", "24", "26", "31", "34", "41", "42", "51", "52", "53", "56", "61"}
)


@dataclass(frozen=True, slots=True)
class FeeCode:
    code: str
    status: str
    work_rvu: Decimal
    total_rvu_nonfacility: Decimal
    total_rvu_facility: Decimal
    global_days: str  # 000, 010, 090, XXX, ZZZ
    mult_proc: str

    @property
    def is_addon(self) -> bool:
        """ZZZ global = an add-on code, reported only with its primary."""
        return self.global_days == "ZZZ"

    @property
    def is_minor_procedure(self) -> bool:
        return self.global_days in ("000", "010")

    @property
    def is_major_procedure(self) -> bool:
        return self.global_days == "090"

    def total_rvu(self, place_of_service: str) -> Decimal:
        if place_of_service in FACILITY_PLACES_OF_SERVICE:
            return self.total_rvu_facility
        return self.total_rvu_nonfacility


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    meta: TableMeta
    codes: dict[str, FeeCode]

    def get(self, code: str) -> FeeCode | None:
        return self.codes.get(code)


def parse_pfs(text: str, *, name: str = "pfs_rvu") -> FeeSchedule:
    columns = ("code", "status", "work_rvu", "total_rvu_nonfacility", "total_rvu_facility", "global_days")
    meta, rows = parse_table(text, name=name, required=columns)
    codes: dict[str, FeeCode] = {}
    for number, row in enumerate(rows, start=2):
        try:
            codes[row["code"]] = FeeCode(
                code=row["code"],
                status=row["status"],
                work_rvu=Decimal(row["work_rvu"]),
                total_rvu_nonfacility=Decimal(row["total_rvu_nonfacility"]),
                total_rvu_facility=Decimal(row["total_rvu_facility"]),
                global_days=row["global_days"],
                mult_proc=row.get("mult_proc", ""),
            )
        except ArithmeticError as exc:
            raise DataTableError(f"{name}: data row {number} ({row.get('code')}): not a number: {exc}") from exc
    return FeeSchedule(meta, codes)
