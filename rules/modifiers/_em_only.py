"""Shared check for modifiers CPT defines for E/M services only (24, 25, 57) found on a procedure code."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from schemas.claim import ClaimLine

from rules.facts.context import ClaimContext
from rules.facts.modifiers import EM_CODES, MODIFIER_MEANING, is_cpt_procedure
from rules.fixes import remove_modifier
from rules.model import Applicability, Category, Finding, Severity
from rules.rule import Rule


class EmOnlyModifierOnProcedure(Rule):
    """Base of MOD001/MOD002/MOD007 (not registered itself): `modifier` on a CPT procedure code."""

    modifier: ClassVar[str] = ""
    # The engine skips the rule on a claim billing none of these (performance; the check tests it again).
    modifier_triggers: ClassVar[frozenset[str]] = frozenset()
    category = Category.MODIFIER_INVALID
    severity = Severity.ERROR

    def advice(self, ctx: ClaimContext, line: ClaimLine) -> str:
        """What the modifier was probably meant for; each rule says it its way."""
        raise NotImplementedError

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        if self.modifier not in ctx.modifiers:
            return
        for line in ctx.lines:
            if self.modifier not in line.modifiers or not is_cpt_procedure(line.code):
                continue
            yield self.finding(
                [line.line_id],
                f"Modifier {self.modifier} ({MODIFIER_MEANING[self.modifier]}) is defined for E/M services only, but "
                f"line {line.line_id} is procedure {line.code}: payers reject it as an invalid modifier (CO-4). "
                f"Remove {self.modifier} from line {line.line_id}. {self.advice(ctx, line)}",
                fix=remove_modifier(
                    line.line_id, self.modifier, f"remove {self.modifier} from {line.code}", Applicability.SAFE
                ),
            )

    @staticmethod
    def same_day_em(ctx: ClaimContext, line: ClaimLine) -> list[ClaimLine]:
        return [other for other in ctx.same_day(line) if other.code in EM_CODES]
