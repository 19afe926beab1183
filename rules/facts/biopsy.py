"""The biopsy coding an expert would submit for one date of service, shared by the BIO rules.

One primary per encounter: the highest technique performed (incisional > punch > tangential, `rank` in
code_families.csv); every other biopsy is the add-on of its own technique. A line's technique is the one its
documentation states, else the one its code means. Every BIO rule fixes lines toward this one plan, so
their fixes never disagree. With no primary billed (add-ons alone), the date is planned only when every biopsy
line documents its technique: then the chart says which biopsy is the primary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from schemas.claim import ClaimLine

from rules.data.families import FamilyEntry
from rules.facts.context import ClaimContext
from rules.facts.mohs import lesions as mohs_lesions
from rules.facts.sites import delta, same_lesion
from rules.fixes import replace_code
from rules.model import Applicability, Fix

FAMILY = "biopsy"


@dataclass(frozen=True, slots=True)
class PlannedLine:
    line: ClaimLine
    billed: FamilyEntry
    technique: str  # the technique performed (documented, else the billed code's)
    target: FamilyEntry  # the code this line should carry

    @property
    def technique_differs(self) -> bool:
        return self.technique != self.billed.technique

    @property
    def changes(self) -> bool:
        return self.target.code != self.billed.code


@dataclass(frozen=True, slots=True)
class BiopsyPlan:
    day: date
    lines: tuple[PlannedLine, ...]
    primary: PlannedLine

    @property
    def billed_primaries(self) -> list[PlannedLine]:
        return [p for p in self.lines if p.billed.is_primary]

    def planned(self, line: ClaimLine) -> PlannedLine | None:
        """The plan of `line`, or None when the line is not one of this date's planned biopsies."""
        return next((p for p in self.lines if p.line.line_id == line.line_id), None)


def _documented_technique(ctx: ClaimContext, line: ClaimLine) -> str | None:
    """The biopsy technique the line's documentation states (tangential for shave), or None."""
    documented = ctx.doc(line).technique
    if documented:
        entry = ctx.families.technique_code(FAMILY, documented, "primary")
        if entry is not None:
            return entry.technique
    return None


def _technique(ctx: ClaimContext, line: ClaimLine, billed: FamilyEntry) -> str:
    return _documented_technique(ctx, line) or billed.technique


def _treated_lesions(ctx: ClaimContext, day: date) -> set[str]:
    """Lesion ids excised, destroyed or removed by Mohs that day (their biopsy is part of that procedure)."""
    table = ctx.families
    out: set[str] = set()
    for line in ctx.by_date[day]:
        family = table.family_of(line.code)
        lesion = ctx.doc(line).lesion_id
        if lesion and family and family != FAMILY and not family.startswith("repair_"):
            out.add(lesion)
    return out


def plan_day(ctx: ClaimContext, day: date) -> BiopsyPlan | None:
    """The plan for one date, or None when there is nothing to plan.

    With no biopsy primary billed (add-ons alone) the date is planned only when every biopsy line documents
    its technique: the highest documented technique is the primary, so the add-on billed for it is recoded
    to its primary. Without that documentation, which service was the primary is the chart's to say (the
    add-on-code rule, AOC001, asks for it).

    A biopsy of a lesion excised, destroyed or removed by Mohs the same day is left out: it is part of that
    procedure (removed by the PTP rule, BND001, or questioned by MOH005), so it neither counts as the primary
    nor turns the other biopsies into add-ons.
    """
    table = ctx.families
    treated = _treated_lesions(ctx, day)
    found: list[tuple[ClaimLine, FamilyEntry, str, FamilyEntry]] = []
    for line in ctx.by_date[day]:
        billed = table.get(line.code)
        if billed is None or billed.family != FAMILY or ctx.doc(line).lesion_id in treated:
            continue
        technique = _technique(ctx, line, billed)
        primary_entry = table.technique_code(FAMILY, technique, "primary")
        if primary_entry is None:
            return None
        found.append((line, billed, technique, primary_entry))
    if not found:
        return None
    if not any(billed.is_primary for _, billed, _, _ in found) and not all(
        _documented_technique(ctx, line) for line, _, _, _ in found
    ):
        return None
    # The primary: highest rank; among equals a line already billed as a primary of its technique, then the first.
    ranked = sorted(
        range(len(found)),
        key=lambda i: (
            -(found[i][3].rank or 0),
            0 if found[i][1].code == found[i][3].code else 1,
            i,
        ),
    )
    chosen = ranked[0]
    planned: list[PlannedLine] = []
    for index, (line, billed, technique, primary_entry) in enumerate(found):
        target = primary_entry if index == chosen else (table.addon_of(primary_entry.code) or primary_entry)
        planned.append(PlannedLine(line, billed, technique, target))
    return BiopsyPlan(day, tuple(planned), planned[chosen])


def plans(ctx: ClaimContext) -> list[BiopsyPlan]:
    """The plan of every date with a biopsy primary billed, or with biopsy add-ons alone whose techniques are
    all documented (computed once per claim)."""
    return ctx.fact(_plans)


def _plans(ctx: ClaimContext) -> list[BiopsyPlan]:
    out = []
    for day in ctx.dates:
        plan = plan_day(ctx, day)
        if plan is not None:
            out.append(plan)
    return out


def planned_line(ctx: ClaimContext, line: ClaimLine) -> PlannedLine | None:
    """The plan of a biopsy line (the code it should carry), or None when its date has no plan or the line is
    not in it."""
    for plan in plans(ctx):
        if plan.day == line.service_date:
            return plan.planned(line)
    return None


def planned_code(ctx: ClaimContext, line: ClaimLine) -> str:
    """The code a line will carry once the biopsy rules have recoded it (its billed code when not planned).

    Rules that judge a biopsy line's modifiers or PTP pairs read this code, so that a second primary recoded to
    its add-on (BIO001/BIO002/BIO004) is judged as the add-on it becomes, in the same pass."""
    billed = ctx.families.get(line.code)
    if billed is None or billed.family != FAMILY:
        return line.code  # not a biopsy: nothing to plan
    planned = planned_line(ctx, line)
    return line.code if planned is None else planned.target.code


def mohs_lesion_line(ctx: ClaimContext, line: ClaimLine) -> ClaimLine | None:
    """The same-day Mohs first stage of the lesion a biopsy line documents, or None.

    Such a biopsy is billable only when no prior pathology confirmed the lesion, then with 59 on the
    biopsy (CMS article A56836; AMA CPT 2026 Mohs guidelines (17311-17315)): MOH005 asks the chart for it.
    """
    billed = ctx.families.get(line.code)
    if billed is None or billed.family != FAMILY:
        return None
    for lesion in mohs_lesions(ctx, line.service_date):
        if same_lesion(ctx, line, lesion.primary):
            return lesion.primary
    return None


def describe(plan: BiopsyPlan) -> str:
    """`11106 (line 2) + 11103 (line 1)`: the coded encounter in words."""
    ordered = [plan.primary, *(p for p in plan.lines if p is not plan.primary)]
    return " + ".join(
        f"{p.target.code}{' x' + str(p.line.units) if p.line.units > 1 and p is not plan.primary else ''} "
        f"(line {p.line.line_id})"
        for p in ordered
    )


def recode(ctx: ClaimContext, plan: BiopsyPlan, planned: PlannedLine, title: str | None = None) -> tuple[Fix, Decimal]:
    """The safe fix that moves a planned line to its target code, and the revenue that changes."""
    line, target = planned.line, planned.target
    impact = delta(ctx, plan.day, [(line.code, line.units)], [(target.code, line.units)])
    fix = replace_code(
        line.line_id, target.code, title or f"replace {line.code} with {target.code}", Applicability.SAFE
    )
    return fix, impact
