"""MOD001: modifier 25 on a procedure code (25 belongs on the E/M)."""

from __future__ import annotations

from schemas.claim import ClaimLine

from rules.facts.context import ClaimContext
from rules.model import Stable
from rules.modifiers._em_only import EmOnlyModifierOnProcedure
from rules.registry import register


@register(code="MOD001", slug="modifier-25-on-non-em", status=Stable("0.1.0"))
class Modifier25OnNonEm(EmOnlyModifierOnProcedure):
    """Modifier 25 on a procedure code.

    ## What it does
    Flags 25 on a CPT code outside the E/M section (99202-99499; the eye visit codes 92002-92014 are treated
    as E/M), e.g. on a biopsy or a destruction, and removes it. Whether the same-day E/M needs 25 is EVM001's
    question.

    ## Why is this bad?
    25 identifies a significant, separately identifiable E/M service on the day of a procedure and is
    appended to the E/M, never to the procedure. On a procedure it is an invalid modifier (CO-4) and does
    not make the E/M payable.

    ## Example
    99213 + 11102-25 -> 99213-25 + 11102 (25 moves to the E/M only if the chart supports it, EVM001).

    ## Fix safety
    Removing 25 from the procedure is `safe`: it has no meaning there.

    ## References
    CPT Appendix A (modifier 25); Medicare Claims Processing Manual ch. 12 §30.6.6.B ("modifier -25 should
    only be used on claims for evaluation and management (E/M) services"); NCCI Policy Manual ch. I §D.
    """

    name = "Modifier 25 on a procedure code"
    modifier = "25"
    modifier_triggers = frozenset({"25"})
    reference = "MCPM ch. 12 §30.6.6.B (25 on E/M services only); CPT Appendix A (modifier 25)"

    def advice(self, ctx: ClaimContext, line: ClaimLine) -> str:
        ems = self.same_day_em(ctx, line)
        if ems:
            listed = ", ".join(f"{em.code} (line {em.line_id})" for em in ems)
            return (
                f"If the same-day E/M {listed} was significant and separately identifiable, 25 goes on the E/M "
                "(see EVM001)."
            )
        return "25 goes on a same-day E/M, and only when it was significant and separately identifiable."
