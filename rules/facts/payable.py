"""What billed units would be paid under the MUE table in force, for revenue messages.

A finding's `revenue_impact` is the corrected lines minus the billed lines, priced at the national amount
(`rules.facts.sites.delta`). When the billed units exceed an MUE, the payer denies the units above it anyway
(NCCI MUE: MAI 1 per claim line, MAI 2/3 per date of service; denied as CARC 151 or CO-96 + N362), so the
figure against the billed units overstates what the fix gives up. `paid_note` says so in the message.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from rules.facts.context import ClaimContext
from rules.facts.sites import delta, money


def paid_units(ctx: ClaimContext, day: date, billed: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """The billed (code, units) pairs, one per line, capped at the MUE in force: per line for MAI 1, per date
    of service (all the pairs of a code together) for MAI 2 and 3."""
    table = ctx.mue(day)
    capped: dict[str, int] = {}
    for code, units in billed:
        edit = table.get(code) if table is not None else None
        if edit is not None and edit.mai == 1:
            units = min(units, edit.value)
        capped[code] = capped.get(code, 0) + units
    for code, units in capped.items():
        edit = table.get(code) if table is not None else None
        if edit is not None and edit.mai in (2, 3):
            capped[code] = min(units, edit.value)
    return list(capped.items())


def paid_note(
    ctx: ClaimContext, day: date, billed: list[tuple[str, int]], after: list[tuple[str, int]], impact: Decimal
) -> str:
    """`money(impact)`, followed, when billed units exceed their MUE, by what the figure compares and the change
    against what would be paid: `-$219.78 against 12031 x2 as billed; the MUE denies units above 1, so +$40.08
    against what would be paid`."""
    paid = paid_units(ctx, day, billed)
    totals: dict[str, int] = {}
    for code, units in billed:
        totals[code] = totals.get(code, 0) + units
    over = [(code, units, totals[code]) for code, units in paid if units < totals[code]]
    if not over:
        return money(impact)
    shown = " + ".join(f"{code} x{units}" for code, units in totals.items())
    caps = ", ".join(f"{code} above {units}" for code, units, _ in over)
    return (
        f"{money(impact)} against {shown} as billed; the MUE denies units of {caps}, so "
        f"{money(delta(ctx, day, paid, after))} against what would be paid"
    )
