"""MOD002: modifier 57 on a procedure code (57 belongs on the E/M that decided surgery)."""

from __future__ import annotations

from schemas.claim import ClaimLine

from rules.facts.context import ClaimContext
from rules.model import Stable
from rules.modifiers._em_only import EmOnlyModifierOnProcedure
from rules.registry import register


@register(code="MOD002", slug="modifier-57-on-non-em", status=Stable("0.1.0"))
class Modifier57OnNonEm(EmOnlyModifierOnProcedure):
    """Modifier 57 on a procedure code.

    ## What it does
    Flags 57 on a CPT code outside the E/M section (99202-99499; eye visit codes 92002-92014 count as E/M),
    e.g. on a flap or an excision, and removes it. Whether the deciding E/M needs 57 is EVM003's question.

    ## Why is this bad?
    57 marks the E/M at which the decision for a major (090-day) procedure was made, so that E/M is paid
    outside the global package. It describes a visit, not the surgery; on a procedure it is invalid (CO-4).

    ## Example
    99214 + 14040-57 -> 99214-57 + 14040 (57 moves to the E/M only if the chart documents the decision).

    ## Fix safety
    Removing 57 from the procedure is `safe`: it has no meaning there.

    ## References
    CPT Appendix A (modifier 57); Medicare Claims Processing Manual ch. 12 §30.6.6.C; MLN Global Surgery
    Booklet (ICN 907166).
    """

    name = "Modifier 57 on a procedure code"
    modifier = "57"
    modifier_triggers = frozenset({"57"})
    reference = "MCPM ch. 12 §30.6.6.C (57 on the decision-for-surgery E/M); CPT Appendix A (modifier 57)"

    def advice(self, ctx: ClaimContext, line: ClaimLine) -> str:
        return (
            "57 goes on the E/M at which the decision for a 090-day procedure was made (the day of or the day "
            "before surgery), and only when the chart documents that decision (see EVM003)."
        )
