"""MOD010: an X{EPSU} modifier billed to a payer that does not recognise them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from rules.facts.context import ClaimContext
from rules.facts.modifiers import MODIFIER_MEANING, X_MODIFIERS, is_em_like
from rules.fixes import add_modifier
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.modifiers._addon import removes_distinct_modifiers
from rules.registry import register
from rules.rule import Rule


@register(code="MOD010", slug="x-modifier-for-payer-without-x-modifiers", status=Stable("0.1.0"))
class XModifierForPayerWithoutXModifiers(Rule):
    """XE, XS, XP or XU billed to a payer whose profile does not accept the X{EPSU} modifiers.

    ## What it does
    Reads the claim's payer profile (`payer_profiles.yaml`: `accepts_x_modifiers`). When the payer does
    not recognise X{EPSU}, a line carrying one of them (without 59, which MOD003 handles) gets 59 instead.
    An add-on code, or a biopsy line the biopsy rules recode to its add-on (BIO001/BIO002/BIO004), gets no 59:
    an add-on carries no distinct-service modifier at all, and MOD005 removes the X modifier.

    ## Why is this bad?
    X{EPSU} are CMS HCPCS modifiers (2015). A payer that has not adopted them rejects them as invalid or
    ignores them, and the distinct service they document is then denied as bundled. CPT modifier 59
    carries the same meaning for such a payer.

    ## Example
    For a payer without X{EPSU}: 17000 + 11900-XS -> 17000 + 11900-59.
    For the same payer: 11102 (lesion A) + 11102-XS (lesion B) -> 11102 + 11103 (BIO001, MOD005), not 11103-59.

    ## Fix safety
    `safe`: 59 asserts the same distinct service in the payer's vocabulary; the documentation that
    supported the X modifier supports 59.

    ## References
    CMS Transmittal 1422 / CR 8863 (X{EPSU}, 2015); CPT Appendix A (modifier 59); CMS MCD article A53399;
    the payer's published modifier policy (payer profile).
    """

    name = "X{EPSU} modifier for a payer without X{EPSU}"
    category = Category.MODIFIER_INVALID
    severity = Severity.ERROR
    reference = "Payer modifier policy (payer profile); CMS CR 8863 (X{EPSU}); CPT Appendix A (modifier 59)"

    # The engine skips the rule on a claim billing none of these (performance; the check tests it again).
    modifier_triggers: ClassVar[frozenset[str]] = X_MODIFIERS

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        if ctx.profile.accepts_x_modifiers or X_MODIFIERS.isdisjoint(ctx.modifiers):
            return
        for line in ctx.lines:
            xs = [m for m in line.modifiers if m in X_MODIFIERS]
            if not xs or "59" in line.modifiers:
                continue
            if removes_distinct_modifiers(ctx, line):
                continue  # an add-on (billed, or a biopsy recoded to one) takes neither: MOD005 removes the X modifier
            if is_em_like(line.code):
                continue  # an E/M takes neither 59 nor X{EPSU}: MOD011 removes the X modifier
            meanings = ", ".join(f"{x} ({MODIFIER_MEANING[x]})" for x in xs)
            yield self.finding(
                [line.line_id],
                f"Line {line.line_id} ({line.code}) carries {meanings}, but this payer ({ctx.profile.name}) does not "
                f"recognise the X{{EPSU}} modifiers: report the distinct service with 59 instead (59 replaces "
                f"{'/'.join(xs)}).",
                fix=add_modifier(
                    line.line_id, "59", f"replace {'/'.join(xs)} by 59 on {line.code}", Applicability.SAFE
                ),
            )
