"""MOD005: a distinct-service modifier (59 or X{EPSU}) on an add-on code."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from schemas.claim import ClaimLine

from rules.context import ClaimContext
from rules.model import Applicability, Category, Finding, Fix, FixAction, Rule, Severity, Stable
from rules.modifiers_common import DISTINCT_SERVICE
from rules.registry import register


@register(code="MOD005", slug="distinct-modifier-on-addon-code", status=Stable("0.1.0"))
class DistinctModifierOnAddonCode(Rule):
    """Distinct-service modifier (59, XE, XS, XP, XU) on an add-on code.

    ## What it does
    Flags 59 or an X{EPSU} modifier on an add-on code (ZZZ global in the CY 2026 RVU file, or listed in the
    add-on code table), e.g. +11103, +11105, +17003, +17312, +13102, and removes it. It stays silent only
    if the NCCI PTP table in force pairs the add-on, as column 2, with another same-day code that is not
    one of its primaries (then a distinct-service modifier can be meaningful and BND001 judges it).

    ## Why is this bad?
    An add-on code is paid only with its primary, and no NCCI edit pairs a primary with its own add-on, so
    a distinct-service modifier on it bypasses nothing and claims a distinction that does not exist (AAD
    "Modifier madness", 2019: "a 59 modifier should not be appended to them"). The billing guide's
    "11102 + 11103-59 + 11103-59" is an erratum: 3 biopsies = 11102 + 11103 x2.

    ## Example
    11102 + 11103-59 (units 2) -> 11102 + 11103 (units 2).

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
            if not present or not self._is_addon(ctx, line) or self._edit_with_non_primary(ctx, line):
                continue
            for modifier in present:
                yield self.finding(
                    [line.line_id],
                    f"Line {line.line_id} ({line.code}) is an add-on code carrying {modifier}. An add-on is paid with "
                    "its primary and no NCCI edit pairs them, so a distinct-service modifier bypasses nothing and "
                    f"should never be appended (AAD 'Modifier madness'): remove {modifier} from line {line.line_id}. "
                    "If the add-on's lesions are distinct from another procedure, the modifier belongs on the "
                    "primary's column-2 line, not on the add-on.",
                    fix=Fix(
                        FixAction.REMOVE_MODIFIER,
                        Applicability.SAFE,
                        (line.line_id,),
                        f"remove {modifier} from {line.code}",
                        modifier=modifier,
                    ),
                )

    @staticmethod
    def _is_addon(ctx: ClaimContext, line: ClaimLine) -> bool:
        fee = ctx.fee(line.code, line.service_date)
        if fee is not None:
            return fee.is_addon
        table = ctx.addons(line.service_date)
        return table is not None and table.get(line.code) is not None

    @staticmethod
    def _edit_with_non_primary(ctx: ClaimContext, line: ClaimLine) -> bool:
        """The PTP table in force pairs this add-on (column 2, indicator 1) with a same-day non-primary code."""
        ptp = ctx.ptp(line.service_date)
        if ptp is None:
            return False
        addons = ctx.addons(line.service_date)
        entry = addons.get(line.code) if addons is not None else None
        primaries = entry.primaries if entry is not None else frozenset()
        for other in ctx.same_day(line):
            if other.code in primaries:
                continue
            edit = ptp.edit(other.code, line.code, line.service_date)
            if edit is not None and edit.modifier_indicator == "1":
                return True
        return False
