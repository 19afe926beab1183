"""MOD003: modifier 59 and an X{EPSU} modifier on the same line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from rules.facts.context import ClaimContext
from rules.facts.modifiers import X_MODIFIERS
from rules.fixes import remove_modifier
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="MOD003", slug="modifier-59-with-x-modifier", status=Stable("0.1.0"))
class Modifier59WithXModifier(Rule):
    """Modifier 59 and an X{EPSU} modifier (XE, XS, XP, XU) on the same line.

    ## What it does
    Flags a line carrying both 59 and one of XE, XS, XP, XU. For a payer that accepts the X modifiers
    (payer profile) it removes 59; for a payer that does not, it removes the X modifier and keeps 59.

    ## Why is this bad?
    The X{EPSU} modifiers are selective versions of 59 and are "not to be reported in conjunction with
    modifier 59" (CMS CR 8863, Transmittal 1422, 2015). Both on one line duplicate the same claim of a
    distinct service and take one of only four modifier slots.

    ## Example
    11102-59-XS -> 11102-XS (Medicare). For a payer that does not recognise X{EPSU}: 11102-59.

    ## Fix safety
    `safe`: the distinct service the line asserts is unchanged; only the duplicate modifier goes.

    ## References
    CMS Transmittal 1422 / Change Request 8863 (MLN Matters MM8863, X{EPSU} modifiers, 2015); CMS MCD
    article A53399 (modifier 59); NCCI Policy Manual ch. I §E.
    """

    name = "Modifier 59 with an X{EPSU} modifier"
    category = Category.MODIFIER_INVALID
    severity = Severity.ERROR
    reference = "CMS Transmittal 1422 / CR 8863 (X{EPSU} not with 59); CMS article A53399 (modifier 59)"

    # The engine skips the rule on a claim billing none of these (performance; the check tests it again).
    modifier_triggers: ClassVar[frozenset[str]] = frozenset({"59"})

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        if "59" not in ctx.modifiers or X_MODIFIERS.isdisjoint(ctx.modifiers):
            return
        accepts_x = ctx.profile.accepts_x_modifiers
        for line in ctx.lines:
            xs = [m for m in line.modifiers if m in X_MODIFIERS]
            if "59" not in line.modifiers or not xs:
                continue
            both = (
                f"Line {line.line_id} ({line.code}) carries 59 and {'/'.join(xs)}; X{{EPSU}} are never reported with 59"
            )
            if accepts_x:
                yield self.finding(
                    [line.line_id],
                    f"{both} (CMS CR 8863). Keep the more descriptive {'/'.join(xs)} and remove 59 from line "
                    f"{line.line_id}.",
                    fix=remove_modifier(line.line_id, "59", f"remove 59 from {line.code}", Applicability.SAFE),
                )
                continue
            for x in xs:
                yield self.finding(
                    [line.line_id],
                    f"{both}, and this payer ({ctx.profile.name}) does not recognise X{{EPSU}}: remove {x} from "
                    f"line {line.line_id} and keep 59.",
                    fix=remove_modifier(line.line_id, x, f"remove {x} from {line.code}", Applicability.SAFE),
                )
