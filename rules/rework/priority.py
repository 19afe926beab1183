"""Work order: priority = dollars at stake x likelihood of recovery (`rules/data/rework_likelihood.csv`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from schemas.rework import ReworkAction

from rules.data import read_packaged
from rules.data.table import TableMeta, parse_table
from rules.exceptions import DataTableError

_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Likelihoods:
    """Likelihood of recovering the denied dollars, per rework action."""

    meta: TableMeta
    by_action: dict[ReworkAction, Decimal]

    def of(self, action: ReworkAction) -> Decimal:
        return self.by_action[action]


def parse_likelihoods(text: str, *, name: str = "rework_likelihood") -> Likelihoods:
    meta, rows = parse_table(text, name=name, required=("action", "likelihood"))
    out: dict[ReworkAction, Decimal] = {}
    for number, row in enumerate(rows, start=2):
        try:
            action = ReworkAction(row["action"])
            value = Decimal(row["likelihood"])
        except (ValueError, InvalidOperation) as exc:
            raise DataTableError(f"{name}: data row {number}: {exc}") from exc
        if not Decimal(0) <= value <= Decimal(1):
            raise DataTableError(f"{name}: data row {number}: likelihood must be between 0 and 1, got {value}")
        out[action] = value
    missing = [a.value for a in ReworkAction if a not in out]
    if missing:
        raise DataTableError(f"{name}: no likelihood for action(s) {', '.join(missing)}")
    return Likelihoods(meta, out)


@cache
def likelihoods() -> Likelihoods:
    """The packaged table (read once per process)."""
    return parse_likelihoods(read_packaged("rework_likelihood.csv"), name="rework_likelihood.csv")


def priority(denied: Decimal, action: ReworkAction) -> Decimal:
    """Denied dollars x the action's likelihood of recovery, to the cent (higher is worked first)."""
    return (abs(denied) * likelihoods().of(action)).quantize(_CENT, rounding=ROUND_HALF_UP)
