"""Lesion identity across lines: whether two lines are one service, and which lines of a same-day group of one
per-lesion code need a distinct-lesion modifier (read by DUP001, MOD012 and EXC004 alike)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from schemas.claim import ClaimLine

from rules.facts.context import ClaimContext
from rules.facts.sites import distinct_lesions, has_distinct_modifier
from rules.fixes import add_modifier
from rules.model import Applicability, Fix


def same_service(ctx: ClaimContext, first: ClaimLine, second: ClaimLine) -> bool:
    """Same lesion, or neither line says which lesion: a line naming a lesion the other does not is distinct."""
    if distinct_lesions(ctx, first, second):
        return False
    return ctx.doc(first).lesion_id == ctx.doc(second).lesion_id


@dataclass(frozen=True, slots=True)
class Unmarked:
    """A line of a group that needs a distinct-lesion modifier, and whether the chart shows it is distinct."""

    line: ClaimLine
    kept: ClaimLine  # the one line of the group that is reported without a modifier
    documented: bool  # True: the chart shows a different lesion or site from every line before it

    def fix(self, modifier: str) -> Fix:
        """Append `modifier` to the line: safe only when the chart shows a distinct lesion or site."""
        return add_modifier(
            self.line.line_id,
            modifier,
            f"append {modifier} to {self.line.code}",
            Applicability.SAFE if self.documented else Applicability.NEEDS_DOCUMENTATION,
        )


def lines_needing_distinct_modifier(ctx: ClaimContext, ordered: Sequence[ClaimLine]) -> Iterator[Unmarked]:
    """The lines of one same-day group (in `ordered`, the line to keep bare first) that need a modifier.

    Every line but one must carry a distinct-service modifier (59/X{EPSU}) or an anatomic modifier no other
    line of the group carries; which line is the bare one does not matter. When more than one line is bare,
    the first of them in `ordered` stays bare and each other is yielded, unless the chart names the same
    lesion as an earlier line (a duplicate, not a second lesion) or DUP001 already reports the pair as one
    repeated service (same code and modifiers, no lesion or site telling them apart).
    """
    bare = [line for line in ordered if not has_distinct_modifier(line, [o for o in ordered if o is not line])]
    if len(bare) < 2:
        return
    for index, line in enumerate(ordered):
        if line is bare[0] or not any(line is b for b in bare):
            continue
        earlier = ordered[:index]
        verdicts = [distinct_lesions(ctx, line, other) for other in earlier]
        if False in verdicts or any(reported_as_duplicate(ctx, line, other) for other in earlier):
            continue
        yield Unmarked(line, bare[0], all(v is True for v in verdicts))


def reported_as_duplicate(ctx: ClaimContext, line: ClaimLine, other: ClaimLine) -> bool:
    """DUP001 groups these two lines as one repeated service (and says how to fix them)."""
    return (
        line.code == other.code
        and line.service_date == other.service_date
        and frozenset(line.modifiers) == frozenset(other.modifiers)
        and same_service(ctx, other, line)
    )
