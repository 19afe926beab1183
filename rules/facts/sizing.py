"""The code of a per-lesion family (site group x lesion diameter) that a line's own documentation supports."""

from __future__ import annotations

from dataclasses import dataclass

from schemas.claim import ClaimLine

from rules.data.families import FamilyEntry
from rules.facts.context import ClaimContext
from rules.facts.sites import site_group_of


@dataclass(frozen=True, slots=True)
class Sized:
    """The documented code of a line, and the documentation it was chosen from (for the finding's message)."""

    target: FamilyEntry
    group: str | None  # the documented site group (None: the billed code's group was kept)
    facts: tuple[str, ...]  # "site cheek (face/ears/...)", "lesion diameter 1.4 cm"


def documented_size_code(ctx: ClaimContext, family: str, line: ClaimLine, billed: FamilyEntry) -> Sized | None:
    """The code of `family` for the line's documented body region and lesion diameter (either alone keeps the
    other as billed); None when neither is documented or no step holds them."""
    doc = ctx.doc(line)
    group = site_group_of(ctx, billed.site_scheme, line)
    if group is None and doc.lesion_diameter_cm is None:
        return None
    size = doc.lesion_diameter_cm
    if size is None:
        size = billed.size_max if billed.size_max is not None else billed.size_min or 0.0
    target = ctx.families.sized(family, group or billed.site_group, size)
    if target is None:
        return None
    facts = [f"site {doc.body_region} ({group.replace('_', '/')})"] if group else []
    if doc.lesion_diameter_cm is not None:
        facts.append(f"lesion diameter {doc.lesion_diameter_cm:.1f} cm")
    return Sized(target, group, tuple(facts))
