"""PHO004: an excimer laser code whose total-area band does not hold the area the chart documents."""

from __future__ import annotations

from collections.abc import Iterator

from rules.data.treatments import phototherapy_modalities
from rules.facts.context import ClaimContext
from rules.facts.sites import priced, priced_delta
from rules.fixes import replace_code
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.phototherapy.excimer_billed_twice_in_a_session import EXCIMER, EXCIMER_CODES
from rules.registry import register
from rules.rule import Rule


@register(code="PHO004", slug="excimer-code-differs-from-treated-area", status=Stable("0.2.0"))
class ExcimerCodeDiffersFromTreatedArea(Rule):
    """An excimer laser line whose code does not match the documented total area treated.

    ## What it does
    For a date with one excimer line of one unit (several are PHO002's), reads `area_sq_cm` (the total area
    treated in the session) and the code's band in `phototherapy_modalities.csv` (96920 less than 250 sq cm,
    96921 250 to 500 sq cm, 96922 over 500 sq cm). When the documented area falls in another band, proposes
    that code. Silent when the area is not documented.

    ## Why is this bad?
    The three codes differ only by the total area treated; a code above the documented area is over-coded and
    recouped on review, a code below it under-bills the session.

    ## Example
    96921 with `area_sq_cm: 200` -> 96920. 96920 with `area_sq_cm: 320` -> 96921.

    ## Fix safety
    `safe`: the line's own documentation states the area. A code above the documented band is an error (the
    payer recoups it on review); a code below it is a warning (revenue the session earned).

    ## References
    AMA CPT 2026 descriptors 96920-96922 (excimer laser treatment for psoriasis; total area less than 250 sq cm,
    250 sq cm to 500 sq cm, over 500 sq cm).
    """

    name = "Excimer code differs from the treated area"
    category = Category.CODE_SELECTION
    severity = Severity.ERROR
    reference = "AMA CPT 96920-96922 (total area treated in the session)"
    triggers = EXCIMER_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        table = phototherapy_modalities()
        for day, lines in ctx.by_date.items():
            excimer = [line for line in lines if line.code in EXCIMER_CODES]
            if len(excimer) != 1 or excimer[0].units != 1:
                continue
            line = excimer[0]
            if ctx.doc(line).modality not in (None, EXCIMER):
                continue  # another treatment documented: PHO003 recodes the line by its modality
            area = ctx.doc(line).area_sq_cm
            target = table.by_area(EXCIMER, area) if area is not None else None
            if target is None or target.code == line.code:
                continue
            impact = priced_delta(ctx, day, [(line.code, 1)], [(target.code, 1)])
            billed_min = table.by_code[line.code].area_min_sq_cm or 0.0
            under_billed = (target.area_min_sq_cm or 0.0) > billed_min  # a lost-revenue warning, not a denial
            title = f"replace {line.code} with {target.code}"
            yield self.finding(
                [line.line_id],
                f"{line.code} (line {line.line_id}) is excimer laser for {table.by_code[line.code].area_text()} "
                f"treated, but the chart documents {area:g} sq cm: the code is {target.code} "
                f"({target.area_text()}; {priced(impact)}).",
                fix=replace_code(line.line_id, target.code, title, Applicability.SAFE),
                revenue_impact=impact,
                severity=Severity.WARNING if under_billed else None,
            )
