"""MOD005: a distinct-service modifier (59 or X{EPSU}) on an add-on code."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from schemas.claim import ClaimLine

from rules.facts.biopsy import planned_code
from rules.facts.context import ClaimContext
from rules.facts.modifiers import DISTINCT_SERVICE
from rules.fixes import remove_modifier
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.modifiers._addon import judges_59, removes_distinct_modifiers
from rules.registry import register
from rules.rule import Rule


@register(code="MOD005", slug="distinct-modifier-on-addon-code", status=Stable("0.1.0"))
class DistinctModifierOnAddonCode(Rule):
    """Distinct-service modifier (59, XE, XS, XP, XU) on an add-on code.

    ## What it does
    Flags 59 or an X{EPSU} modifier on an add-on code (ZZZ global in the CY 2026 RVU file, or listed in the
    add-on code table), e.g. +11103, +11105, +17003, +17312, +13102, and removes it. It stays silent only
    if the NCCI PTP table in force pairs the add-on, as column 2, with another same-day code that is not
    one of its primaries (then a distinct-service modifier can be meaningful and BND001 judges it).
    It judges the code the line will carry: a primary biopsy the biopsy rules recode to its add-on (a second
    primary, BIO001; a technique recode, BIO002/BIO004) loses its 59/X{EPSU} in the same pass (59 for a payer
    preferring X{EPSU} is MOD004's, which also says why it does not become XS), and a lone add-on recoded
    to its primary is not an add-on.

    ## Why is this bad?
    An add-on code is paid only with its primary, and no NCCI edit pairs a primary with its own add-on, so
    a distinct-service modifier on it bypasses nothing and claims a distinction that does not exist (AAD
    "Modifier madness", 2019: "a 59 modifier should not be appended to them"). The pattern
    "11102 + 11103-59 + 11103-59" is wrong: 3 biopsies = 11102 + 11103 x2.

    ## Example
    11102 + 11103-59 (units 2) -> 11102 + 11103 (units 2).
    11102 (lesion A) + 11102-XS (lesion B) -> 11102 + 11103 (BIO001 recodes line 2; XS removed).

    ## Fix safety
    `safe`: removing the modifier changes nothing the payer relies on.

    ## References
    AAD DermWorld "Modifier madness" (2019); CMS NCCI add-on code edits and NCCI Policy Manual ch. I
    (add-on codes); CMS MCD article A53399 (modifier 59).
    """

    name = "Distinct-service modifier on an add-on code"
    category = Category.MODIFIER_INVALID
    severity = Severity.ERROR
    reference = "AAD 'Modifier madness' (2019, no 59 on add-on codes); NCCI Policy Manual ch. I (add-on codes)"

    # The engine skips the rule on a claim billing none of these (performance; the check tests it again).
    modifier_triggers: ClassVar[frozenset[str]] = DISTINCT_SERVICE

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        if DISTINCT_SERVICE.isdisjoint(ctx.modifiers):
            return
        for line in ctx.lines:
            present = [m for m in line.modifiers if m in DISTINCT_SERVICE]
            if not present or not removes_distinct_modifiers(ctx, line):
                continue
            code = planned_code(ctx, line)  # the code the biopsy rules give the line
            recoded = code != line.code
            for modifier in present:
                if recoded and modifier == "59" and judges_59(ctx, line):
                    continue  # MOD004 removes it, and says why it does not become XS
                yield self._finding(line, code, modifier)

    def _finding(self, line: ClaimLine, code: str, modifier: str) -> Finding:
        if code == line.code:
            what = f"Line {line.line_id} ({line.code}) is an add-on code carrying {modifier}"
            title = f"remove {modifier} from {line.code}"
        else:
            what = (
                f"Line {line.line_id} ({line.code}) carries {modifier}, and the biopsy rules recode it to the add-on "
                f"{code} (one primary biopsy per encounter; every other biopsy is an add-on)"
            )
            title = f"remove {modifier} from {line.code} (recoded to add-on {code})"
        return self.finding(
            [line.line_id],
            f"{what}. An add-on is paid with its primary and no NCCI edit pairs them, so a distinct-service modifier "
            f"bypasses nothing and should never be appended (AAD 'Modifier madness'): remove {modifier} from line "
            f"{line.line_id}. If the add-on's lesions are distinct from another procedure, the modifier belongs on the "
            "primary's column-2 line, not on the add-on.",
            fix=remove_modifier(line.line_id, modifier, title, Applicability.SAFE),
        )
