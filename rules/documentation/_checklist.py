"""The chart facts each procedure family's code depends on, as data for the DOC rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from schemas.claim import ClaimLine

from rules.facts.context import ClaimContext
from rules.model import Finding, Severity
from rules.rule import Rule


@dataclass(frozen=True, slots=True)
class Need:
    field: str  # a documentation field (schemas/claim.py `Documentation`)
    why: str  # what it supports
    selects_code: bool  # the code cannot be verified without it (warning) vs supporting detail (info)


def missing(ctx: ClaimContext, lines: Iterable[ClaimLine], needs: Iterable[Need]) -> list[Need]:
    """The needs none of `lines` documents (a fact documented on any of them counts)."""
    docs = [ctx.doc(line) for line in lines]
    return [need for need in needs if all(getattr(doc, need.field) is None for doc in docs)]


def gap(rule: Rule, line_ids: list[str], what: str, gaps: list[Need]) -> Finding:
    """One documentation_gap finding that lists exactly what is missing."""
    listed = "; ".join(f"{need.field} ({need.why})" for need in gaps)
    severe = any(need.selects_code for need in gaps)
    return rule.finding(
        line_ids,
        f"{what}: the documentation lacks {listed}. Add {'them' if len(gaps) > 1 else 'it'} from the chart"
        + (" before billing: the code cannot be verified without it." if severe else " (audit support)."),
        severity=Severity.WARNING if severe else Severity.INFO,
    )


def documented(ctx: ClaimContext, lines: Iterable[ClaimLine]) -> Iterator[ClaimLine]:
    """Lines that carry a documentation object (lines without one are DOC006's single finding)."""
    return (line for line in lines if line.documentation is not None)
