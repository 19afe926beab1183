"""Which adjustments are denials, and what kind.

Not denials (no rework item): CO-45 (contractual write-down; also its older forms CO-42 and CO-A2), every PR
adjustment (deductible PR-1,
coinsurance PR-2, copay PR-3 and any other patient responsibility), CO-253 (sequestration), OA-23 (prior
payer's adjudication), CARC 59 (multiple-procedure payment reduction), and zero amounts.
Everything else with a positive amount is a denial, classified by its CARC (and remark codes).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum

from schemas.remit import Adjustment

from rules.data.pfs import FeeSchedule
from rules.reference import Tables


class DenialKind(StrEnum):
    BUNDLED = "bundled"  # CO-97, CO-236, CO-231, CO-234, B15 without an add-on remark
    ADDON_WITHOUT_PRIMARY = "addon_without_primary"  # B15 + N122, or B15 on an add-on code
    UNITS = "units"  # CARC 151, CO-96 + N362, any CARC with N362
    MODIFIER = "modifier"  # CARC 4 (and 182, modifier invalid on the date of service)
    MISSING_INFORMATION = "missing_information"  # CARC 16
    DUPLICATE = "duplicate"  # CARC 18
    OTHER = "other"


_NOT_DENIAL_REASONS = {
    ("CO", "45"),
    ("CO", "42"),  # "Charges exceed our fee schedule or maximum allowable amount. (Use CARC 45)"
    ("CO", "A2"),  # "Contractual adjustment."
    ("CO", "253"),
    ("PI", "253"),
    ("OA", "253"),
    ("OA", "23"),
}
_REDUCTION_REASONS = {"59"}  # multiple/concurrent procedure payment reduction: a reduced payment, not a denial
BUNDLING_REASONS = frozenset({"97", "236", "231", "234"})
_ORDER = list(DenialKind)


def is_denial(adjustment: Adjustment, *, reversal: bool = False) -> bool:
    """A payer decision not to pay that someone may work (a reversal's negated denials count too)."""
    amount = -adjustment.amount if reversal else adjustment.amount
    if amount <= 0:
        return False
    if adjustment.group == "PR":
        return False
    if (adjustment.group, adjustment.reason) in _NOT_DENIAL_REASONS:
        return False
    return adjustment.reason not in _REDUCTION_REASONS


def _is_addon(code: str | None, fees: FeeSchedule | None, ruleset: Tables) -> bool:
    if code is None:
        return False
    fee = fees.get(code) if fees else None
    if fee is not None and fee.is_addon:
        return True
    return any(table.get(code) is not None for _meta, table in ruleset.addons.editions)


def kind_of(
    reason: str,
    remarks: Iterable[str],
    *,
    code: str | None,
    ruleset: Tables,
    fees: FeeSchedule | None,
) -> DenialKind:
    remark_set = {r.upper() for r in remarks}
    if reason == "18":
        return DenialKind.DUPLICATE
    if reason == "151" or "N362" in remark_set:
        return DenialKind.UNITS
    if reason == "B15":
        if "N122" in remark_set or _is_addon(code, fees, ruleset):
            return DenialKind.ADDON_WITHOUT_PRIMARY
        return DenialKind.BUNDLED
    if reason in BUNDLING_REASONS:
        return DenialKind.BUNDLED
    if reason in ("4", "182"):
        return DenialKind.MODIFIER
    if reason == "16":
        return DenialKind.MISSING_INFORMATION
    return DenialKind.OTHER


def primary_denial(
    adjustments: Iterable[Adjustment],
    remarks: Iterable[str],
    *,
    code: str | None,
    ruleset: Tables,
    fees: FeeSchedule | None,
    reversal: bool = False,
) -> tuple[Adjustment, DenialKind, Decimal, list[Adjustment]] | None:
    """The denial that explains the line (most specific kind, then largest amount), the total denied, and all.

    The total is the sum of every denial adjustment on the line; a reversal's amounts are negated back.
    """
    denials = [a for a in adjustments if is_denial(a, reversal=reversal)]
    if not denials:
        return None
    remarks = list(remarks)
    sign = Decimal(-1) if reversal else Decimal(1)
    kinds = {id(a): kind_of(a.reason, remarks, code=code, ruleset=ruleset, fees=fees) for a in denials}
    best = min(denials, key=lambda a: (_ORDER.index(kinds[id(a)]), -(a.amount * sign)))
    total = sum((a.amount * sign for a in denials), Decimal("0.00"))
    return best, kinds[id(best)], total, denials
