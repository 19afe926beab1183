"""MOD008: a procedure-only modifier (58, 76, 77, 78, 79) on an E/M code."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from rules.facts.context import ClaimContext
from rules.facts.modifiers import MODIFIER_MEANING, POSTOPERATIVE_PROCEDURE, PROCEDURE_ONLY, is_em_like
from rules.fixes import remove_modifier
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="MOD008", slug="procedure-modifier-on-em", status=Stable("0.1.0"))
class ProcedureModifierOnEm(Rule):
    """Procedure modifier (58, 76, 77, 78, 79) on an E/M code.

    ## What it does
    Flags 58, 78 or 79 (procedures during a post-operative period) and 76 or 77 (repeat procedure) on an E/M
    code (99202-99499, or the eye visit codes 92002-92014), and removes it.

    ## Why is this bad?
    CPT defines 58 (staged or related procedure), 78 (unplanned return to the operating/procedure room) and
    79 (unrelated procedure) for procedures in another procedure's global period; the E/M counterpart is 24
    (unrelated E/M during a post-operative period). CPT says 76 and 77 "should not be appended to an E/M
    service". The payer rejects the line (CO-4) or denies the E/M as part of the global package.

    ## Example
    14040 on 2026-03-02, 99213-79 on 2026-03-20 for an unrelated rash -> 99213-24 (documentation
    permitting).

    ## Fix safety
    Removing the modifier is `safe`. Whether 24 applies `needs_documentation` (an unrelated problem) and is
    left to EVM006 or the coder.

    ## References
    CPT Appendix A (modifiers 24, 58, 76, 77, 78, 79); Medicare Claims Processing Manual ch. 12 §30.6.6.A
    and §40; MLN Global Surgery Booklet (ICN 907166).
    """

    name = "Procedure modifier on an E/M code"
    category = Category.MODIFIER_INVALID
    severity = Severity.ERROR
    reference = "CPT Appendix A (58, 76, 77, 78, 79 on procedures; 24 on E/M); MCPM ch. 12 §30.6.6.A, §40"

    # The engine skips the rule on a claim billing none of these (performance; the check tests it again).
    modifier_triggers: ClassVar[frozenset[str]] = PROCEDURE_ONLY

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        if PROCEDURE_ONLY.isdisjoint(ctx.modifiers):
            return
        for line in ctx.lines:
            if not is_em_like(line.code):
                continue
            for modifier in line.modifiers:
                if modifier not in PROCEDURE_ONLY:
                    continue
                if modifier in POSTOPERATIVE_PROCEDURE:
                    instead = (
                        "An E/M for an unrelated problem during a post-operative period takes 24 (document the "
                        "unrelated problem); a related post-operative visit is part of the global package and is "
                        "not billed."
                    )
                else:
                    instead = (
                        'CPT: 76/77 "should not be appended to an E/M service"; a second visit the same day is '
                        "reported as one E/M for the day's combined work."
                    )
                yield self.finding(
                    [line.line_id],
                    f"Modifier {modifier} ({MODIFIER_MEANING[modifier]}) describes a procedure, but line "
                    f"{line.line_id} is E/M {line.code}: remove {modifier} from line {line.line_id}. {instead}",
                    fix=remove_modifier(
                        line.line_id, modifier, f"remove {modifier} from {line.code}", Applicability.SAFE
                    ),
                )
