"""EVM005: modifier 25 on the E/M that decided a 090-day procedure (57 is the modifier)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from rules.facts.context import ClaimContext
from rules.facts.modifiers import EM_CODES
from rules.facts.surgery import codes, em_situations
from rules.fixes import remove_modifier
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="EVM005", slug="modifier-25-on-decision-for-major-surgery", status=Stable("0.1.0"))
class Modifier25OnDecisionForMajorSurgery(Rule):
    """Modifier 25 on the visit that decided a major (090-day) procedure.

    ## What it does
    Flags 25 on an office E/M (99202-99215) that decided a 090-day procedure billed that day or the next
    (the line documents `decision_for_surgery: true`, or is silent and already carries 57), when no minor
    (000/010-day) procedure is billed that day for 25 to apply to. It removes 25; EVM003 adds 57 when it is
    missing, so together they replace 25 by 57.

    ## Why is this bad?
    The decision-for-surgery visit of a major procedure is paid with 57 (MCPM ch. 12 §30.6.6.C). 25 is for
    a separately identifiable E/M on the day of a procedure and does not exempt a pre-operative visit from
    the 090-day global package, so a 25 in 57's place is denied; both on one line with no minor procedure
    is redundant and invites review.

    ## Example
    99213-25 (chart: decided the flap) + 14040 -> 99213-57 + 14040.

    ## Fix safety
    `safe`: the chart (or a billed 57) identifies the decision visit and the claim has no minor procedure
    that day, so 25 has nothing to attach to.

    ## References
    Medicare Claims Processing Manual ch. 12 §30.6.6.B and §30.6.6.C (modifiers 25 and 57), §40.1.A;
    MLN Global Surgery Booklet (ICN 907166); CPT modifiers 25 and 57.
    """

    name = "Modifier 25 instead of 57 on a decision-for-surgery visit"
    category = Category.MODIFIER_INVALID
    severity = Severity.ERROR
    reference = "MCPM ch. 12 §30.6.6.B-C (modifiers 25 and 57), §40.1.A; MLN Global Surgery Booklet ICN 907166"
    triggers = EM_CODES

    # The engine skips the rule on a claim billing none of these (performance; the check tests it again).
    modifier_triggers: ClassVar[frozenset[str]] = frozenset({"25"})

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        if "25" not in ctx.modifiers:
            return
        for em in em_situations(ctx):
            line = em.line
            if "25" not in line.modifiers or not em.decision_visit or em.minors:
                continue
            instead = (
                "57 is already billed, so 25 is redundant"
                if "57" in line.modifiers
                else "replace it by 57 (EVM003 appends 57)"
            )
            yield self.finding(
                [line.line_id, *(m.line_id for m in em.majors)],
                f"E/M {line.code} (line {line.line_id}) is the visit that decided {codes(em.majors)} (090-day global) "
                "but carries 25. The decision for a major procedure is paid with 57, and no minor procedure is billed "
                f"that day for 25 to apply to: remove 25 from line {line.line_id}; {instead}.",
                fix=remove_modifier(line.line_id, "25", f"remove 25 from {line.code}", Applicability.SAFE),
            )
