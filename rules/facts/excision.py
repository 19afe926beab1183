"""The excision code the chart supports, built one aspect at a time (pathology, site group, excised diameter).

EXC001-EXC003 each report one aspect; all fix toward the same final code, and each finding's revenue impact
is its own step (pathology, then site, then size), so together they add up to the whole difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from schemas.claim import ClaimLine

from rules.data.families import FamilyEntry
from rules.facts.context import ClaimContext
from rules.facts.sites import delta, site_group_of

BENIGN = "excision_benign"
MALIGNANT = "excision_malignant"
FAMILIES = (BENIGN, MALIGNANT)
ASPECTS = ("pathology", "site", "size")


@dataclass(frozen=True, slots=True)
class Step:
    aspect: str  # pathology | site | size
    before: FamilyEntry
    after: FamilyEntry
    impact: Decimal


@dataclass(frozen=True, slots=True)
class Expected:
    line: ClaimLine
    billed: FamilyEntry
    target: FamilyEntry
    steps: tuple[Step, ...]
    excised_cm: float | None

    def step(self, aspect: str) -> Step | None:
        return next((s for s in self.steps if s.aspect == aspect), None)


def size_of(entry: FamilyEntry) -> float:
    """A size inside the entry's step (its upper bound, or lower bound for the open last step)."""
    if entry.size_max is not None:
        return entry.size_max
    return entry.size_min or 0.0


def excised_diameter(ctx: ClaimContext, line: ClaimLine) -> float | None:
    """Greatest clinical lesion diameter + 2 x narrowest margin, when both are documented."""
    doc = ctx.doc(line)
    if doc.lesion_diameter_cm is None or doc.margin_cm is None:
        return None
    return doc.lesion_diameter_cm + 2 * doc.margin_cm


def pathology_family(ctx: ClaimContext, line: ClaimLine) -> str | None:
    """Benign or malignant excision by documented lesion type (uncertain behaviour codes as benign)."""
    kind = ctx.doc(line).lesion_type
    if kind == "malignant":
        return MALIGNANT
    if kind in ("benign", "uncertain"):
        return BENIGN
    return None


def expected(ctx: ClaimContext, line: ClaimLine) -> Expected | None:
    """The documented excision code for an excision line (None for other lines), computed once per claim."""
    return ctx.line_fact(_expected, line)


def _expected(ctx: ClaimContext, line: ClaimLine) -> Expected | None:
    table = ctx.families
    billed = table.get(line.code)
    if billed is None or billed.family not in FAMILIES:
        return None
    current = billed
    steps: list[Step] = []
    excised = excised_diameter(ctx, line)
    wanted = {
        "pathology": (pathology_family(ctx, line), None, None),
        "site": (None, site_group_of(ctx, billed.site_scheme, line), None),
        "size": (None, None, excised),
    }
    for aspect in ASPECTS:
        family, group, size = wanted[aspect]
        candidate = table.sized(
            family or current.family,
            group or current.site_group,
            size if size is not None else size_of(current),
        )
        if candidate is not None and candidate.code != current.code:
            impact = delta(ctx, line.service_date, [(current.code, line.units)], [(candidate.code, line.units)])
            steps.append(Step(aspect, current, candidate, impact))
            current = candidate
    return Expected(line, billed, current, tuple(steps), excised)


def effective_code(ctx: ClaimContext, line: ClaimLine) -> str:
    """The excision code after the documentation-supported corrections (the billed code otherwise)."""
    found = expected(ctx, line)
    return found.target.code if found is not None else line.code


def lines_with_step(ctx: ClaimContext, aspect: str) -> list[tuple[Expected, Step]]:
    """Excision lines whose `aspect` differs from the documentation, with the step that corrects it."""
    out = []
    for line in ctx.lines:
        found = expected(ctx, line)
        if found is None:
            continue
        step = found.step(aspect)
        if step is not None:
            out.append((found, step))
    return out


def step_text(entry: FamilyEntry) -> str:
    """`0.6-1.0 cm`, `0.5 cm or less`, `over 4.0 cm`: the CPT size step of an entry."""
    if entry.size_max is None:
        return f"over {(entry.size_min or 0.1) - 0.1:.1f} cm"
    if not entry.size_min:
        return f"{entry.size_max:.1f} cm or less"
    return f"{entry.size_min:.1f}-{entry.size_max:.1f} cm"
