"""Where an E/M line sits relative to the claim's procedures and their global surgery periods.

Global periods come from the CY 2026 PFS relative value file (`ctx.fee(code).global_days`): 000 and 010 are minor
procedures, 090 major ones; ZZZ (add-on) follows its primary and XXX has no global period (Medicare Claims Processing
Manual ch. 12 §40.1; PFS global surgery indicators). An add-on line billed without any of its primaries that day
(17003 x3 for three AKs, which DES002 recodes to 17000 + 17003 x2) still stands for a procedure whose first unit was
performed: it carries its primaries' global period (`addon_global`). Shared by the EVM rules so they agree on one
reading of the claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from schemas.claim import ClaimLine

from rules.facts.context import ClaimContext
from rules.facts.modifiers import EM_CODES

_ONE_DAY = timedelta(days=1)
POSTOP_DAYS = {"010": 10, "090": 90}


class Procedure(NamedTuple):
    line: ClaimLine
    global_days: str


@dataclass(slots=True)  # not frozen: built for every E/M line, and frozen dataclasses initialise slowly
class EmSituation:
    """One E/M line and the procedures that bear on it (read-only by convention)."""

    line: ClaimLine
    minors: tuple[ClaimLine, ...]  # same day, 000/010 global
    minors_next_day: tuple[ClaimLine, ...]  # the day after the E/M, 000/010 global (outside their package)
    majors_same_day: tuple[ClaimLine, ...]  # same day, 090 global
    majors_next_day: tuple[ClaimLine, ...]  # the day after the E/M, 090 global
    no_global_same_day: tuple[ClaimLine, ...]  # same day, XXX (no global period) or ZZZ (add-on with its primary)
    postop_of: tuple[Procedure, ...]  # earlier procedures whose 010/090 post-op period covers the E/M

    @property
    def modifiers(self) -> frozenset[str]:
        return frozenset(self.line.modifiers)

    @property
    def separately_identifiable(self) -> bool | None:
        return self.line.documentation.separately_identifiable if self.line.documentation else None

    @property
    def decision_for_surgery(self) -> bool | None:
        return self.line.documentation.decision_for_surgery if self.line.documentation else None

    @property
    def majors(self) -> tuple[ClaimLine, ...]:
        """090-day procedures whose pre-operative window (day before and day of) holds the E/M."""
        return self.majors_same_day + self.majors_next_day

    @property
    def with_global(self) -> tuple[ClaimLine, ...]:
        """Same-day procedures with a global period the E/M may be included in."""
        return self.minors + self.majors_same_day

    @property
    def decision_visit(self) -> bool:
        """The chart (or, when silent, a billed 57) says this visit decided a major procedure on the claim."""
        if not self.majors:
            return False
        decided = self.decision_for_surgery
        return decided is True or (decided is None and "57" in self.line.modifiers)


def codes(lines: tuple[ClaimLine, ...]) -> str:
    """`14040 (line 2), 11102 (line 3)` for messages."""
    return ", ".join(f"{line.code} (line {line.line_id})" for line in lines)


def addon_global(ctx: ClaimContext, line: ClaimLine) -> str:
    """The global period an add-on (ZZZ) line carries: its primaries' (add-on edit table in force), when none
    of them is billed that day and they share one global period of 000, 010 or 090; otherwise ZZZ.

    CMS PFS relative value file: global indicator ZZZ is an add-on, included in the global period of its primary. An
    add-on billed alone still means its primary service was performed (the family rules recode it: DES002, TAG001, the
    biopsy plan), so an E/M that day is in that procedure's package. With the primary billed, the primary line already
    says so.
    """
    table = ctx.addons(line.service_date)
    edit = table.get(line.code) if table is not None else None
    if edit is None or not edit.primaries:
        return "ZZZ"
    if any(other.code in edit.primaries for other in ctx.by_date[line.service_date]):
        return "ZZZ"
    periods = {
        fee.global_days
        for primary in edit.primaries
        if (fee := ctx.fee(primary, line.service_date)) is not None and fee.global_days in ("000", "010", "090")
    }
    return periods.pop() if len(periods) == 1 else "ZZZ"


def claim_procedures(ctx: ClaimContext) -> tuple[Procedure, ...]:
    """Every non-E/M line of the claim in the fee schedule, with the global period it carries (an add-on
    billed alone: its primaries', `addon_global`); computed once per claim."""
    return ctx.fact(_claim_procedures)


def _claim_procedures(ctx: ClaimContext) -> tuple[Procedure, ...]:
    procedures: list[Procedure] = []
    for line in ctx.lines:
        if line.code in EM_CODES:
            continue
        fee = ctx.fee(line.code, line.service_date)
        if fee is not None:
            days = addon_global(ctx, line) if fee.global_days == "ZZZ" else fee.global_days
            procedures.append(Procedure(line, days))
    return tuple(procedures)


def em_situations(ctx: ClaimContext) -> list[EmSituation]:
    """Every E/M line (99202-99215) of the claim with its surrounding procedures; computed once per claim."""
    return ctx.fact(_em_situations)


def _em_situations(ctx: ClaimContext) -> list[EmSituation]:
    ems = [line for line in ctx.lines if line.code in EM_CODES]
    procedures = claim_procedures(ctx)
    if not procedures:
        return [EmSituation(em, (), (), (), (), (), ()) for em in ems]
    out: list[EmSituation] = []
    for em in ems:
        day: date = em.service_date
        minors: list[ClaimLine] = []
        minors_next: list[ClaimLine] = []
        majors_same: list[ClaimLine] = []
        majors_next: list[ClaimLine] = []
        no_global: list[ClaimLine] = []
        postop: list[Procedure] = []
        for procedure in procedures:
            when, days = procedure.line.service_date, procedure.global_days
            if when == day:
                if days in ("000", "010"):
                    minors.append(procedure.line)
                elif days == "090":
                    majors_same.append(procedure.line)
                elif days in ("XXX", "ZZZ"):
                    no_global.append(procedure.line)
            elif when == day + _ONE_DAY:
                if days == "090":
                    majors_next.append(procedure.line)
                elif days in ("000", "010"):
                    minors_next.append(procedure.line)
            if days in POSTOP_DAYS and when < day <= when + timedelta(days=POSTOP_DAYS[days]):
                postop.append(procedure)
        out.append(
            EmSituation(
                em,
                tuple(minors),
                tuple(minors_next),
                tuple(majors_same),
                tuple(majors_next),
                tuple(no_global),
                tuple(postop),
            )
        )
    return out
