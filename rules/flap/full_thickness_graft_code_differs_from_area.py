"""GRF001: the full-thickness graft code differs from the documented site and recipient area."""

from __future__ import annotations

from rules.facts.tissue_transfer import GRAFT, GRAFT_CODES, GRAFT_SCHEME
from rules.flap._area import AreaCodeRule
from rules.model import Stable
from rules.registry import register


@register(code="GRF001", slug="full-thickness-graft-code-differs-from-area", status=Stable("0.2.0"))
class FullThicknessGraftCodeDiffersFromArea(AreaCodeRule):
    """The full-thickness graft code or its add-on units differ from the documented site and recipient area.

    ## What it does
    15200-15261 (full thickness graft, free, including direct closure of donor site) are chosen by site group
    (15200/+15201 trunk; 15220/+15221 scalp, arms and/or legs; 15240/+15241 forehead, cheeks, chin, mouth,
    neck, axillae, genitalia, hands and/or feet; 15260/+15261 nose, ears, eyelids and/or lips): the primary
    code for the first 20 sq cm or less, its add-on for each additional 20 sq cm or part thereof. Recomputes
    the code from `documentation.body_region` and `area_sq_cm` (the recipient area; either alone keeps the
    other as billed) and the add-on units from the area.

    ## Why is this bad?
    The code states the recipient site and the graft area: a nasal-tip graft billed 15240 is another site
    group, and a 35 sq cm trunk graft billed 15200 alone leaves out the +15201 unit it supports.

    ## Example
    15240 for a 4 sq cm full-thickness graft of the nose -> 15260. 15200 for a 35 sq cm graft of the back ->
    15200 + 15201 x1.

    ## Fix safety
    `safe`: the line's own documentation gives the site and the recipient area. The packaged CY 2026 fee
    schedule extract does not price 15200-15261: the finding states no revenue figure.

    ## References
    AMA CPT 2026 descriptors 15200-15261 ("Full thickness graft, free, including direct closure of donor site",
    by site; "20 sq cm or less"; "each additional 20 sq cm, or part thereof"), as reproduced by Coding Ahead
    (codes 15200, 15201, 15240, 15260); CPT skin replacement guidelines (the measurements apply to the size of
    the recipient area).
    """

    name = "Full-thickness graft code differs from site or recipient area"
    reference = "AMA CPT 15200-15261 descriptors (site group, first 20 sq cm, add-on per 20 sq cm)"
    triggers = GRAFT_CODES
    family = GRAFT
    scheme = GRAFT_SCHEME
    what = "full-thickness graft"
