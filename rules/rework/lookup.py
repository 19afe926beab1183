"""Reference-table editions in force on a date of service (PTP, MUE, add-ons, fee schedule), for rework.

The same look-ups as the claim facts read (`rules.reference`): the edition in force on the date, with the payer
profile's own rows laid over it.
"""

from __future__ import annotations

from datetime import date

from rules.data.pfs import FeeCode
from rules.reference import Tables
from rules.reference import addons_in_force as addons
from rules.reference import fees_on as fees
from rules.reference import mue_in_force as mue
from rules.reference import ptp_in_force as ptp

__all__ = ["GLOBAL_DAYS", "addons", "fee", "fees", "global_days", "mue", "ptp"]

GLOBAL_DAYS = {"000": 0, "010": 10, "090": 90}


def fee(tables: Tables, code: str, day: date | None) -> FeeCode | None:
    schedule = fees(tables, day)
    return schedule.get(code) if schedule else None


def global_days(tables: Tables, code: str, day: date | None) -> int | None:
    """0, 10 or 90 for a surgical code with a global period, else None (XXX, ZZZ, unknown)."""
    found = fee(tables, code, day)
    return GLOBAL_DAYS.get(found.global_days) if found else None
