"""MOD004: modifier 59 where the payer accepts X{EPSU} and a more descriptive X modifier applies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from schemas.claim import ClaimLine

from rules.facts.biopsy import planned_code
from rules.facts.context import ClaimContext
from rules.facts.modifiers import X_MODIFIERS
from rules.facts.sites import is_addon
from rules.fixes import add_modifier, remove_modifier
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.modifiers._addon import judges_59
from rules.modifiers._sites import counterparts, different_site
from rules.registry import register
from rules.rule import Rule


@register(code="MOD004", slug="modifier-59-where-x-modifier-applies", status=Stable("0.1.0"))
class Modifier59WhereXModifierApplies(Rule):
    """Modifier 59 billed to a payer that accepts X{EPSU}, where an X modifier is more descriptive.

    ## What it does
    For a payer whose profile accepts the X{EPSU} modifiers and prefers one of them (Medicare: XS), looks at
    each line with 59 (59 with an X modifier is MOD003's, on an add-on MOD005's, on an E/M MOD011's). When
    the chart shows the line treats a different lesion or site than every same-day procedure it is distinct
    from (its NCCI PTP partners, else the same-day procedures on other lesions), it proposes XS for 59.
    Otherwise it is advice (info): say which X modifier the chart supports.
    It judges the code the line will carry, not only the billed one:
    - a biopsy line the biopsy rules recode to an add-on (a second primary biopsy, BIO001/BIO002/BIO004)
      gets no X modifier: its 59 is removed, as MOD005 does on a billed add-on;
    - a lone biopsy add-on the biopsy rules recode to its primary (BIO002) is judged as that primary;
    - a biopsy of the lesion removed by Mohs the same day, billed with 59, is left alone: that is the
      documented exception (no prior pathology, MOH005 asks the chart), and no X modifier describes a
      diagnostic biopsy of the same lesion, so 59 stays.

    ## Why is this bad?
    CPT says 59 is used only when no more descriptive modifier applies, and CMS introduced XE (separate
    encounter), XS (separate structure), XP (separate practitioner) and XU (unusual non-overlapping service)
    in 2015 as selective versions of 59; CMS prefers them and may require them for edits prone to 59
    misuse. 59 stays valid where none fits. This rule never proposes a modifier to get past an edit: it
    replaces one distinct-service claim with a more precise one the chart supports. Add-on codes never
    carry 59 or X{EPSU} (AAD "Modifier madness"): no NCCI edit pairs a primary with its own add-on.

    ## Example
    11600 (lesion A, back) + 11102-59 (lesion B, arm) -> 11600 + 11102-XS.
    11106 (lesion A) + 11102-59 (lesion B) -> 11106 + 11103 (BIO001 recodes; 59 removed, no XS).
    17311 (lesion A) + 11102-59 (lesion A, no prior pathology) -> kept as billed (MOH005).

    ## Fix safety
    Replacing 59 by XS is `safe` when lesion ids, body regions or sides documented on the lines differ;
    otherwise the replacement `needs_documentation` (which of XE/XS/XP/XU the chart supports). Removing 59
    from a line recoded to an add-on is `safe`: the modifier bypasses nothing on an add-on.

    ## References
    CMS Transmittal 1422 / CR 8863 (MLN Matters MM8863, X{EPSU} modifiers, 2015); CMS MCD article A53399
    (modifier 59: different anatomic site or encounter; use a more descriptive modifier when one applies);
    CPT Appendix A (modifier 59); NCCI Policy Manual ch. I §E; AAD DermWorld "Modifier madness" (2019, no 59
    on add-on codes); CMS billing article A56836 (Mohs: same-day biopsy with 59 when no prior pathology).
    """

    name = "Modifier 59 where an X{EPSU} modifier applies"
    category = Category.MODIFIER_INVALID
    severity = Severity.INFO
    reference = "CMS CR 8863 / Transmittal 1422 (X{EPSU} preferred); CMS article A53399; CPT Appendix A (59)"

    # The engine skips the rule on a claim billing none of these (performance; the check tests it again).
    modifier_triggers: ClassVar[frozenset[str]] = frozenset({"59"})

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        profile = ctx.profile
        if "59" not in ctx.modifiers or not profile.accepts_x_modifiers or profile.distinct_modifier not in X_MODIFIERS:
            return
        for line in ctx.lines:
            # 59 with X: MOD003; on an E/M: MOD011; on the Mohs lesion's same-day biopsy: the exception's modifier
            # (MOH005).
            if not judges_59(ctx, line):
                continue
            code = planned_code(ctx, line)  # the code the biopsy rules give the line
            if is_addon(ctx, code, line.service_date):
                if code != line.code:
                    yield self._recoded_to_addon(line, code)
                continue  # no distinct-service modifier at all on a billed add-on: MOD005
            yield self._judge(ctx, line, counterparts(ctx, line))

    def _recoded_to_addon(self, line: ClaimLine, addon: str) -> Finding:
        return self.finding(
            [line.line_id],
            f"Line {line.line_id} ({line.code}) uses 59, but the biopsy rules recode it to the add-on {addon} (one "
            f"primary biopsy per encounter; every other biopsy is an add-on). An add-on never carries 59 or an X "
            f"modifier (AAD 'Modifier madness'): no NCCI edit pairs a primary with its own add-on, so the modifier "
            f"bypasses nothing. Remove 59 from line {line.line_id}; do not replace it by XS.",
            severity=Severity.ERROR,
            fix=remove_modifier(
                line.line_id, "59", f"remove 59 from {line.code} (recoded to add-on {addon})", Applicability.SAFE
            ),
        )

    def _judge(self, ctx: ClaimContext, line: ClaimLine, others: list[ClaimLine]) -> Finding:
        head = (
            f"Line {line.line_id} ({line.code}) uses 59; this payer accepts the more descriptive X{{EPSU}} modifiers "
            "(CMS CR 8863), and 59 is for when none of them fits"
        )
        if others and all(different_site(ctx, line, other) is True for other in others):
            listed = ", ".join(f"{o.code} (line {o.line_id})" for o in others)
            return self.finding(
                [line.line_id],
                f"{head}. The chart documents a different lesion or site from {listed}: replace 59 by XS (separate "
                "structure).",
                severity=Severity.WARNING,
                fix=add_modifier(line.line_id, "XS", f"replace 59 by XS on {line.code}", Applicability.SAFE),
            )
        modifier = ctx.profile.distinct_modifier
        return self.finding(
            [line.line_id],
            f"{head}. Replace 59 by the X modifier the chart supports: XS if it documents a different lesion or "
            "anatomic site (record lesion_id and body_region on both lines), XE if a separate encounter the same "
            "day, XP if another practitioner, XU if a service that does not overlap the main one; keep 59 only if "
            "none fits.",
            fix=add_modifier(
                line.line_id,
                modifier,
                f"replace 59 by {modifier} on {line.code} if the chart supports it",
                Applicability.NEEDS_DOCUMENTATION,
            ),
        )
