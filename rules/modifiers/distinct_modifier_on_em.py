"""MOD011: a distinct-service modifier (59 or X{EPSU}) on an E/M code."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from rules.facts.context import ClaimContext
from rules.facts.modifiers import DISTINCT_SERVICE, is_em_like
from rules.fixes import remove_modifier
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="MOD011", slug="distinct-modifier-on-em", status=Stable("0.1.0"))
class DistinctModifierOnEm(Rule):
    """Distinct-service modifier (59, XE, XS, XP, XU) on an E/M code.

    ## What it does
    Flags 59 or an X{EPSU} modifier on an E/M code (99202-99499, or the eye visit codes 92002-92014) and
    removes it. Whether the E/M needs 25 instead is EVM001's question.

    ## Why is this bad?
    CPT: "Modifier 59 should not be appended to an E/M service. To report a separate and distinct E/M
    service with a non-E/M service performed on the same date, see modifier 25." The X{EPSU} modifiers are
    subsets of 59 and follow the same rule (NCCI Policy Manual ch. I §E). On an E/M they do not make it
    payable and draw review.

    ## Example
    99213-59 + 11102 -> 99213-25 + 11102 (25 only if the chart documents a separately identifiable E/M).

    ## Fix safety
    Removing the modifier is `safe`; adding 25 depends on the chart (EVM001).

    ## References
    CPT Appendix A (modifier 59 note on E/M services); NCCI Policy Manual ch. I §E (modifiers 59 and
    X{EPSU}); CMS MCD article A53399.
    """

    name = "Distinct-service modifier on an E/M code"
    category = Category.MODIFIER_INVALID
    severity = Severity.ERROR
    reference = "CPT Appendix A (59 not on E/M; use 25); NCCI Policy Manual ch. I §E; CMS article A53399"

    # The engine skips the rule on a claim billing none of these (performance; the check tests it again).
    modifier_triggers: ClassVar[frozenset[str]] = DISTINCT_SERVICE

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        if DISTINCT_SERVICE.isdisjoint(ctx.modifiers):
            return
        for line in ctx.lines:
            if not is_em_like(line.code):
                continue
            for modifier in line.modifiers:
                if modifier in DISTINCT_SERVICE:
                    yield self.finding(
                        [line.line_id],
                        f"Line {line.line_id} is E/M {line.code} with {modifier}: CPT says 59 (and so its X{{EPSU}} "
                        "subsets) is not appended to an E/M service. Remove it; a significant, separately identifiable "
                        "E/M on the day of a procedure is reported with 25, and only when the chart documents it.",
                        fix=remove_modifier(
                            line.line_id, modifier, f"remove {modifier} from {line.code}", Applicability.SAFE
                        ),
                    )
