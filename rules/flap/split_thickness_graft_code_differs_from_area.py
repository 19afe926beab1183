"""GRF002: the split-thickness autograft code differs from the documented site and recipient area."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from rules.facts.context import ClaimContext
from rules.facts.tissue_transfer import SPLIT_GRAFT, SPLIT_GRAFT_CODES, SPLIT_GRAFT_SCHEME
from rules.flap._area import AreaCodeRule
from rules.model import Finding, Stable
from rules.registry import register

# CPT: "The measurement of 100 sq cm applies to adults and children 10 years of age and older; percentages of body
# surface area apply to infants and children younger than 10 years of age."
_AREA_MEASURED_FROM_AGE = 10


def _years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@register(code="GRF002", slug="split-thickness-graft-code-differs-from-area", status=Stable("0.2.0"))
class SplitThicknessGraftCodeDiffersFromArea(AreaCodeRule):
    """The split-thickness autograft code or its add-on units differ from the documented site and recipient area.

    ## What it does
    15100/+15101 (trunk, arms, legs) and 15120/+15121 (face, scalp, eyelids, mouth, neck, ears, orbits,
    genitalia, hands, feet and/or multiple digits) are chosen by site group: the primary code for the first
    100 sq cm or less of the recipient area, its add-on for each additional 100 sq cm or part thereof.
    Recomputes the code from `documentation.body_region` and `area_sq_cm` (either alone keeps the other as
    billed) and the add-on units from the area. Silent for a patient younger than 10 on the date of service,
    whose grafts CPT measures in percent of body surface, which the claim does not carry.

    ## Why is this bad?
    The code states the recipient site group and the area: a scalp graft billed 15100 is the other site group
    (15120), and a 240 sq cm leg graft billed 15100 alone leaves out the two +15101 units it supports.

    ## Example
    15100 for a 60 sq cm split-thickness graft of the scalp -> 15120. 15100 for 240 sq cm of the leg ->
    15100 + 15101 x2.

    ## Fix safety
    `safe`: the line's own documentation gives the site and the recipient area. The packaged CY 2026 fee
    schedule extract does not price 15100-15121: the finding states no revenue figure.

    ## References
    AMA CPT 2026 descriptors 15100, +15101, 15120, +15121 ("Split-thickness autograft ...; first 100 sq cm or
    less, or 1% of body area of infants and children"; "each additional 100 sq cm ... or part thereof") and the
    skin replacement guidelines (100 sq cm applies to adults and children 10 years and older; the measurements
    apply to the recipient area), as reproduced by Coding Ahead (codes 15100, 15101, 15120, 15121).
    """

    name = "Split-thickness graft code differs from site or recipient area"
    reference = "AMA CPT 15100-15121 descriptors (site group, first 100 sq cm, add-on per 100 sq cm)"
    triggers = SPLIT_GRAFT_CODES
    family = SPLIT_GRAFT
    scheme = SPLIT_GRAFT_SCHEME
    what = "split-thickness autograft"

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        born = ctx.claim.patient.birth_date
        if born is not None and any(_years(born, day) < _AREA_MEASURED_FROM_AGE for day in ctx.by_date):
            return  # measured in percent of body surface: not on the claim
        yield from super().check(ctx)
