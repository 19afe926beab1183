"""MOD009: two of 58, 78 and 79 on one line (staged, related return and unrelated exclude one another)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from rules.facts.context import ClaimContext
from rules.facts.modifiers import MODIFIER_MEANING, POSTOPERATIVE_PROCEDURE
from rules.model import Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="MOD009", slug="conflicting-postoperative-modifiers", status=Stable("0.1.0"))
class ConflictingPostoperativeModifiers(Rule):
    """Two of 58, 78 and 79 on the same line.

    ## What it does
    Flags a line carrying more than one of 58 (staged or related procedure, planned), 78 (unplanned return
    for a related procedure) and 79 (unrelated procedure) during a post-operative period.

    ## Why is this bad?
    The three modifiers make mutually exclusive statements about how the procedure relates to the earlier
    surgery, and payers pay them differently: 58 and 79 start a new global period, 78 pays only the
    intra-operative portion and does not. A line with two of them contradicts itself and is rejected or
    paid wrongly.

    ## Example
    17000 on 2026-03-02, then 17000-58-79 on 2026-03-09 -> 17000-79 if the operative note documents an
    unrelated lesion (or 17000-58 if the treatment was planned as staged).

    ## Fix safety
    No automatic fix: only the operative note says which relationship is true. Keep exactly that one.

    ## References
    CPT Appendix A (modifiers 58, 78, 79); Medicare Claims Processing Manual ch. 12 §40 (global surgery
    billing: 58, 78, 79); MLN Global Surgery Booklet (ICN 907166).
    """

    name = "Conflicting post-operative modifiers"
    category = Category.MODIFIER_INVALID
    severity = Severity.ERROR
    reference = "CPT Appendix A (58, 78, 79); MCPM ch. 12 §40 (global surgery modifiers); MLN ICN 907166"

    # The engine skips the rule on a claim billing none of these (performance; the check tests it again).
    modifier_triggers: ClassVar[frozenset[str]] = POSTOPERATIVE_PROCEDURE

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        if len(POSTOPERATIVE_PROCEDURE & ctx.modifiers) < 2:
            return
        for line in ctx.lines:
            present = [m for m in line.modifiers if m in POSTOPERATIVE_PROCEDURE]
            if len(present) < 2:
                continue
            meanings = "; ".join(f"{m} = {MODIFIER_MEANING[m]}" for m in present)
            yield self.finding(
                [line.line_id],
                f"Line {line.line_id} ({line.code}) carries {' and '.join(present)} ({meanings}): these describe "
                "mutually exclusive relationships to the earlier surgery. Keep only the one the operative note "
                "documents (planned/staged -> 58, unplanned related return -> 78, unrelated -> 79) and remove the "
                "other(s).",
            )
