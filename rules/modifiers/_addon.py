"""Add-on codes and distinct-service modifiers, judged on the code a line will carry (MOD004, MOD005, MOD010).

A biopsy line the biopsy rules recode (rules/facts/biopsy.py: a second primary becomes its add-on, a lone
add-on with its technique documented becomes the primary) is judged as the code it is recoded to, so the
modifier rules answer in the same pass as the recode and the corrected claim needs no second scrub.
"""

from __future__ import annotations

from schemas.claim import ClaimLine

from rules.facts.biopsy import mohs_lesion_line, planned_code
from rules.facts.context import ClaimContext
from rules.facts.modifiers import DISTINCT_SERVICE, X_MODIFIERS, is_em_like
from rules.facts.sites import is_addon


def edit_with_non_primary(ctx: ClaimContext, line: ClaimLine, code: str) -> bool:
    """The PTP table in force pairs the add-on `code` (column 2, indicator 1) with a same-day code that is not
    one of its primaries (each same-day line read as the code it will carry)."""
    ptp = ctx.ptp(line.service_date)
    if ptp is None:
        return False
    addons = ctx.addons(line.service_date)
    entry = addons.get(code) if addons is not None else None
    primaries = entry.primaries if entry is not None else frozenset()
    for other in ctx.same_day(line):
        other_code = planned_code(ctx, other)
        if other_code in primaries:
            continue
        edit = ptp.edit(other_code, code, line.service_date)
        if edit is not None and edit.modifier_indicator == "1":
            return True
    return False


def removes_distinct_modifiers(ctx: ClaimContext, line: ClaimLine) -> bool:
    """MOD005 takes the line's 59/X{EPSU} off: the line is (or is recoded to) an add-on that no PTP edit
    pairs with a same-day non-primary code."""
    if DISTINCT_SERVICE.isdisjoint(line.modifiers):
        return False
    code = planned_code(ctx, line)
    return is_addon(ctx, code, line.service_date) and not edit_with_non_primary(ctx, line, code)


def judges_59(ctx: ClaimContext, line: ClaimLine) -> bool:
    """MOD004 judges the 59 on this line: 59 without an X modifier, on a procedure that is not the Mohs lesion's
    biopsy, for a payer that accepts X{EPSU} and prefers one of them."""
    profile = ctx.profile
    return (
        "59" in line.modifiers
        and profile.accepts_x_modifiers
        and profile.distinct_modifier in X_MODIFIERS
        and not X_MODIFIERS.intersection(line.modifiers)
        and not is_em_like(line.code)
        and mohs_lesion_line(ctx, line) is None
    )
