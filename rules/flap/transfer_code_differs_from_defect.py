"""ATT001: the adjacent tissue transfer code differs from the documented site and defect area."""

from __future__ import annotations

from rules.facts.tissue_transfer import TRANSFER, TRANSFER_CODES, TRANSFER_SCHEME
from rules.flap._area import AreaCodeRule
from rules.model import Stable
from rules.registry import register


@register(code="ATT001", slug="transfer-code-differs-from-defect", status=Stable("0.2.0"))
class TransferCodeDiffersFromDefect(AreaCodeRule):
    """The adjacent tissue transfer code or its add-on units differ from the documented site and defect area.

    ## What it does
    14000-14061 are chosen by site group (14000/14001 trunk; 14020/14021 scalp, arms and/or legs; 14040/14041
    forehead, cheeks, chin, mouth, neck, axillae, genitalia, hands and/or feet; 14060/14061 eyelids, nose, ears
    and/or lips) and defect area (10 sq cm or less; 10.1-30.0 sq cm); 14301 is any area of 30.1-60.0 sq cm and
    +14302 each additional 30.0 sq cm or part thereof. The defect is the primary defect plus the secondary
    defect the flap creates. Recomputes the code from `documentation.body_region` and `area_sq_cm` (either
    alone keeps the other as billed) and the +14302 units from the area. A chart giving only the lesion
    diameter cannot decide (a diameter is not the defect area): the line is left alone.

    ## Why is this bad?
    The code states the site and the defect size: a 5.6 sq cm bilobed flap of the nose billed 14040 is the
    wrong site group, a 45 sq cm rotation flap of the back billed 14001 under-reports it, and 14302 billed
    for a 50 sq cm defect reports area that was not transferred.

    ## Example
    14040 for a 5.6 sq cm bilobed flap of the nose -> 14060. 14001 for a 75 sq cm trunk defect -> 14301 +
    14302 x1.

    ## Fix safety
    `safe`: the line's own documentation gives the site and the area. A 14301 line documenting an area of
    30.0 sq cm or less without a site `needs_documentation` (`body_region` names the code).

    ## References
    AMA CPT 2026 descriptors 14000-14061 (adjacent tissue transfer or rearrangement by site; defect 10 sq cm
    or less, 10.1 sq cm to 30.0 sq cm), 14301 (any area; defect 30.1 sq cm to 60.0 sq cm) and +14302 (each
    additional 30.0 sq cm, or part thereof), and the adjacent tissue transfer guidelines (the primary defect
    plus the secondary defect is the defect size), as quoted by AAPC General Surgery Coding Alert "Seize
    Tissue Transfer Opportunities and Shun Pitfalls" and AAPC "You Be the Coder: Adjacent Tissue Transfer
    Stands Alone".
    """

    name = "Adjacent tissue transfer code differs from site or defect area"
    reference = "AMA CPT 14000-14302 descriptors (site group, defect sq cm: primary plus secondary defect)"
    triggers = TRANSFER_CODES
    family = TRANSFER
    scheme = TRANSFER_SCHEME
    what = "adjacent tissue transfer"
