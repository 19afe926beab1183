"""Sessions of a count-coded family (one code per session, chosen by how many lesions or nails were treated:
paring 11055-11057, nail debridement 11720/11721) that are billed other than as one line of the right code."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from schemas.claim import ClaimLine

from rules.data.families import FamilyEntry
from rules.facts.context import ClaimContext
from rules.facts.sites import delta, family_lines, priced
from rules.fixes import merge_lines, replace_code
from rules.model import Applicability, Fix

PARING = "paring"  # corns and calluses pared, 11055-11057 (code_families.csv)

Tally = Callable[[ClaimContext, list[ClaimLine]], tuple[int, bool] | None]


@dataclass(frozen=True, slots=True)
class CountedSession:
    """One date's lines of a count-coded family, with the documented count and the code it supports."""

    day: date
    lines: tuple[ClaimLine, ...]
    count: int | None  # the session total when the chart counts every line, else None
    target: FamilyEntry | None  # the code `count` supports (None without a documented count)

    @property
    def ids(self) -> list[str]:
        return [line.line_id for line in self.lines]

    @property
    def where(self) -> str:
        return f"line{'s' if len(self.ids) > 1 else ''} {', '.join(self.ids)}"

    @property
    def several(self) -> bool:
        """More than one line or unit: the code describes the whole session, once."""
        return len(self.lines) > 1 or self.lines[0].units > 1

    @property
    def units(self) -> int:
        return sum(line.units for line in self.lines)

    def billed(self) -> str:
        return " + ".join(f"{line.code} x{line.units}" for line in self.lines)

    def fix(self) -> Fix:
        """One line of the documented code (`safe`), or, without a count, one line to be coded from the chart."""
        if self.target is None:
            return merge_lines(self.ids, "bill one line for the session", Applicability.NEEDS_DOCUMENTATION, units=1)
        title = f"bill {self.target.code} x1"
        if self.several:
            return merge_lines(self.ids, title, Applicability.SAFE, code=self.target.code, units=1)
        return replace_code(self.ids, self.target.code, title, Applicability.SAFE)

    def impact(self, ctx: ClaimContext) -> Decimal | None:
        """Revenue change of the fix, or None when it is not known (no documented code, or a code unpriced)."""
        if self.target is None:
            return None
        codes = {line.code for line in self.lines} | {self.target.code}
        if any(ctx.revenue(code, 1, self.day) is None for code in codes):
            return None
        return delta(ctx, self.day, [(line.code, line.units) for line in self.lines], [(self.target.code, 1)])


@dataclass(frozen=True, slots=True)
class Wording:
    """How a count-coded family's findings name its service: the service, its count and its code bands."""

    service: str  # "Nail debridement"
    counted: str  # "nails debrided"
    field: str  # the documentation field of the count: "nail_count"
    bands: str  # "11720 for 1 to 5 nails, 11721 for 6 or more"


@dataclass(frozen=True, slots=True)
class Answer:
    """What a count-coded family rule reports for one session: lines, message, fix and revenue change."""

    ids: list[str]
    message: str
    fix: Fix
    impact: Decimal | None


def session_answers(ctx: ClaimContext, family: str, tally: Tally, words: Wording) -> Iterator[Answer]:
    """Per miscounted session of `family`, one line of the documented code, or the count asked for."""
    for session in miscounted_sessions(ctx, family, tally):
        if session.target is None:
            yield Answer(
                session.ids,
                f"{words.service} is billed {session.billed()} on {session.day} ({session.where}): the code counts "
                f"the {words.counted} in the whole session, once. Document the count (`{words.field}`) and bill "
                f"one line: {words.bands}.",
                session.fix(),
                None,
            )
            continue
        impact = session.impact(ctx)
        yield Answer(
            session.ids,
            f"{session.billed()} on {session.day} for {session.count} {words.counted}: the session is "
            f"{session.target.code} x1 ({words.bands}, once per session). Bill {session.target.code} once "
            f"({priced(impact)}).",
            session.fix(),
            impact,
        )


def miscounted_sessions(ctx: ClaimContext, family: str, tally: Tally) -> Iterator[CountedSession]:
    """Per date, the session of `family` billed wrong: on several lines or units, or as one line of a code the
    documented count does not support. `tally` reads the count (lesions or nails) and whether every line has one."""
    table = ctx.families
    for day, lines in family_lines(ctx, family):
        judged = tally(ctx, lines)
        count = judged[0] if judged is not None and judged[1] else None
        target = table.counted(family, count) if count is not None else None
        session = CountedSession(day, tuple(lines), count if target is not None else None, target)
        if session.several or (target is not None and lines[0].code != target.code):
            yield session
