"""Reference-table editions in force on a date of service (PTP, MUE, add-ons, fee schedule)."""

from __future__ import annotations

from datetime import date

from rules.data.ncci import AddonTable, MueTable, PtpTable, overlay_addons, overlay_mue, overlay_ptp
from rules.data.pfs import FeeCode, FeeSchedule
from rules.data.table import TableMeta
from rules.ruleset import PayerProfile, RuleSet

GLOBAL_DAYS = {"000": 0, "010": 10, "090": 90}


# The payer profile's own rows (payer_profiles.yaml `overrides`) are laid over the edition, as ClaimContext does.
def ptp(ruleset: RuleSet, profile: PayerProfile, day: date | None) -> tuple[TableMeta, PtpTable] | None:
    edition = ruleset.ptp.for_date(day) if day else None
    return (edition[0], overlay_ptp(edition[1], profile.ptp_overrides)) if edition else None


def mue(ruleset: RuleSet, profile: PayerProfile, day: date | None) -> tuple[TableMeta, MueTable] | None:
    edition = ruleset.mue.for_date(day) if day else None
    return (edition[0], overlay_mue(edition[1], profile.mue_overrides)) if edition else None


def addons(ruleset: RuleSet, profile: PayerProfile, day: date | None) -> tuple[TableMeta, AddonTable] | None:
    edition = ruleset.addons.for_date(day) if day else None
    return (edition[0], overlay_addons(edition[1], profile.addon_overrides)) if edition else None


def fees(ruleset: RuleSet, day: date | None) -> FeeSchedule | None:
    if day is not None:
        edition = ruleset.pfs.for_date(day)
        if edition is not None:
            return edition[1]
    # No date on the remittance line: the newest schedule still says which codes are add-ons or global.
    return ruleset.pfs.editions[0][1] if ruleset.pfs.editions else None


def fee(ruleset: RuleSet, code: str, day: date | None) -> FeeCode | None:
    schedule = fees(ruleset, day)
    return schedule.get(code) if schedule else None


def global_days(ruleset: RuleSet, code: str, day: date | None) -> int | None:
    """0, 10 or 90 for a surgical code with a global period, else None (XXX, ZZZ, unknown)."""
    found = fee(ruleset, code, day)
    return GLOBAL_DAYS.get(found.global_days) if found else None
