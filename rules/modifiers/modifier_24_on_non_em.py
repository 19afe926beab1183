"""MOD007: modifier 24 on a procedure code (24 is for an unrelated E/M in a post-operative period)."""

from __future__ import annotations

from schemas.claim import ClaimLine

from rules.facts.context import ClaimContext
from rules.model import Stable
from rules.modifiers._em_only import EmOnlyModifierOnProcedure
from rules.registry import register


@register(code="MOD007", slug="modifier-24-on-non-em", status=Stable("0.1.0"))
class Modifier24OnNonEm(EmOnlyModifierOnProcedure):
    """Modifier 24 on a procedure code.

    ## What it does
    Flags 24 on a CPT code outside the E/M section (99202-99499; eye visit codes 92002-92014 count as E/M)
    and removes it. A procedure done during another procedure's post-operative period is described by 58,
    78 or 79, which only the operative note can choose between.

    ## Why is this bad?
    24 is defined as an unrelated E/M service by the same physician during a post-operative period. On a
    procedure it is invalid (CO-4), and the procedure is still denied as part of the earlier global package
    unless the right procedure modifier is used.

    ## Example
    17000 on 2026-03-02, then 11102-24 on 2026-03-05 for an unrelated lesion -> 11102-79 (documentation
    permitting).

    ## Fix safety
    Removing 24 is `safe`; choosing 58, 78 or 79 instead `needs_documentation` and is left to the coder.

    ## References
    CPT Appendix A (modifiers 24, 58, 78, 79); Medicare Claims Processing Manual ch. 12 §30.6.6.A and §40;
    MLN Global Surgery Booklet (ICN 907166).
    """

    name = "Modifier 24 on a procedure code"
    modifier = "24"
    modifier_triggers = frozenset({"24"})
    reference = "MCPM ch. 12 §30.6.6.A (24 on E/M services), §40 (58/78/79); CPT Appendix A"

    def advice(self, ctx: ClaimContext, line: ClaimLine) -> str:
        return (
            "If this procedure falls in another procedure's post-operative period, document whether it was staged "
            "or planned (58), an unplanned return for a related problem (78) or unrelated (79), and use that "
            "modifier instead."
        )
