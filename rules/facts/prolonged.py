"""Prolonged office E/M services (+99417, +G2212): the visit each prolonged line goes with, the code the claim's payer
accepts and the units the documented time supports.

The codes, their level-5 primaries and their time thresholds by payer kind are data (`prolonged_services.csv`).
Shared by EVM009-EVM011, which split the prolonged lines between them, and by the ownership fact AOC001 reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from schemas.claim import ClaimLine

from rules.data.requirements import ProlongedPolicy, prolonged_codes, prolonged_policy, prolonged_rows
from rules.facts.context import ClaimContext
from rules.facts.modifiers import EM_CODES
from rules.facts.sites import money


@dataclass(frozen=True, slots=True)
class ProlongedLine:
    """One prolonged-service line and what the claim says about it."""

    line: ClaimLine
    visit: ClaimLine | None  # the office E/M of its date (the level-5 one when billed)
    policy: ProlongedPolicy | None  # the payer's row for the visit's patient category (None: no policy or no visit)
    minutes: int | None  # total time on the date (the visit's documentation, else the prolonged line's)

    @property
    def level5(self) -> bool:
        """The visit is the level-5 primary the prolonged code is reported with."""
        return self.visit is not None and self.policy is not None and self.visit.code == self.policy.primary

    @property
    def supported_units(self) -> int | None:
        """Units of the payer's code the documented time supports (None: no time documented or no policy)."""
        if self.minutes is None or self.policy is None:
            return None
        return self.policy.units_for(self.minutes)


def prolonged_lines(ctx: ClaimContext) -> tuple[ProlongedLine, ...]:
    """Every prolonged-service line of the claim with its visit, the payer's policy and the documented time."""
    return ctx.fact(_prolonged_lines)


def _prolonged_lines(ctx: ClaimContext) -> tuple[ProlongedLine, ...]:
    codes = prolonged_codes()
    found = []
    for line in ctx.lines:
        if line.code not in codes:
            continue
        visits = [o for o in ctx.same_day(line) if o.code in EM_CODES]
        rows = prolonged_rows(ctx.claim.payer.kind, line.service_date)
        level5 = [v for v in visits if any(v.code == row.primary for row in rows)]
        candidates = level5 or visits
        visit = candidates[0] if candidates else None
        policy = next((row for row in rows if visit is not None and row.same_category(visit.code)), None)
        minutes = ctx.doc(visit).time_minutes if visit is not None else None
        found.append(ProlongedLine(line, visit, policy, minutes or ctx.doc(line).time_minutes))
    return tuple(found)


def level5_codes() -> frozenset[str]:
    """The level-5 office E/M codes a prolonged service is reported with (99205, 99215), from the table."""
    return frozenset(row.primary for row in prolonged_policy()[1])


def other_payer_policy(found: ProlongedLine) -> ProlongedPolicy | None:
    """The row of another payer kind whose code is the one billed (99417 on a Medicare claim: the CPT row)."""
    if found.policy is None or found.visit is None or found.line.code == found.policy.addon:
        return None
    day = found.line.service_date
    return next(
        (
            row
            for row in prolonged_policy()[1]
            if row.addon == found.line.code and row.covers(day) and row.same_category(found.visit.code)
        ),
        None,
    )


def removed_value(ctx: ClaimContext, line: ClaimLine, units: int) -> tuple[Decimal | None, str]:
    """The revenue impact of taking `units` off a prolonged line, and its text (`not priced` when unpriced)."""
    value = ctx.revenue(line.code, units, line.service_date)
    return (None, "not priced") if value is None else (-value, money(-value))
