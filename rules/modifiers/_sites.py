"""What the chart says about two lines being on different lesions or sites (for distinct-service modifiers)."""

from __future__ import annotations

from schemas.claim import ClaimLine

from rules.facts.context import ClaimContext
from rules.facts.modifiers import is_em_like


def different_site(ctx: ClaimContext, a: ClaimLine, b: ClaimLine) -> bool | None:
    """True if the documentation shows different lesions or sites, False if the same lesion, None if silent."""
    da, db = ctx.doc(a), ctx.doc(b)
    if da.lesion_id and db.lesion_id:
        return da.lesion_id != db.lesion_id
    if da.body_region and db.body_region and da.body_region != db.body_region:
        return True
    if da.laterality and db.laterality and da.laterality != db.laterality:
        return True
    return None


def counterparts(ctx: ClaimContext, line: ClaimLine) -> list[ClaimLine]:
    """The same-day procedure lines a distinct-service modifier on `line` sets it apart from.

    Lines forming an NCCI PTP edit with it when the table in force has one; else every same-day procedure
    on another lesion (a line charted on the same lesion, e.g. its own repair, is part of the same
    treatment, not what the modifier sets it apart from).
    """
    others = [o for o in ctx.same_day(line) if not is_em_like(o.code)]
    table = ctx.ptp(line.service_date)
    if table is not None:
        paired = [o for o in others if table.between(line.code, o.code, line.service_date) is not None]
        if paired:
            return paired
    lesion = ctx.doc(line).lesion_id
    if lesion:
        others = [o for o in others if ctx.doc(o).lesion_id != lesion]
    return others
