"""BND001: a column-2 code billed with its column-1 code on the same day."""

from __future__ import annotations

from collections.abc import Iterator

from schemas.claim import ClaimLine

from rules.context import ClaimContext
from rules.model import Applicability, Category, Finding, Fix, FixAction, Rule, Severity, Stable
from rules.modifiers_common import NCCI_ASSOCIATED
from rules.registry import register


def distinct_by_documentation(ctx: ClaimContext, first: ClaimLine, second: ClaimLine) -> bool | None:
    """True if the chart shows different lesions or sites, False if the same lesion, None if it cannot tell."""
    a, b = ctx.doc(first), ctx.doc(second)
    if a.lesion_id and b.lesion_id:
        return a.lesion_id != b.lesion_id
    if a.body_region and b.body_region and a.body_region != b.body_region:
        return True
    if a.laterality and b.laterality and a.laterality != b.laterality:
        return True
    return None


@register(code="BND001", slug="column2-billed-with-column1", status=Stable("0.1.0"))
class Column2BilledWithColumn1(Rule):
    """Column-2 code billed with its column-1 code on the same date of service.

    ## What it does
    Looks up every pair of same-day lines in the NCCI practitioner PTP table in force on the date of
    service. When the pair is an edit, the column-2 line will be denied (CO-97/CO-236) unless the
    modifier indicator is 1 and an NCCI-associated modifier documents a distinct service.

    ## Why is this bad?
    CMS pays the column-2 code only when it is a separate service: a different lesion or anatomic site,
    or a separate encounter. Indicator 0 edits can never be bypassed. A modifier must never be added
    only to get past an edit.

    ## Example
    11102 (biopsy, lesion A) with 11600 (excision, lesion A) -> remove 11102 (bundled).
    11102 (biopsy, lesion B on the arm) with 11600 (excision, lesion A on the back) -> 11102-XS.

    ## Fix safety
    Adding XS is `safe` only when the chart's lesion ids or sites show distinct lesions; otherwise it
    `needs_documentation`. Removing a same-lesion column-2 line is `safe`.

    ## References
    NCCI Policy Manual for Medicare Services, ch. I (PTP edits, modifier indicators, NCCI-associated
    modifiers) and ch. III (biopsy with excision: biopsy is column 2); CMS MCD article A53399 (modifier 59).
    """

    name = "Column-2 code billed with its column-1 code"
    category = Category.PTP_BUNDLE
    severity = Severity.ERROR
    reference = "NCCI Policy Manual ch. I (PTP edits, modifier indicators); CMS article A53399 (modifier 59)"

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for day, lines in ctx.by_date.items():
            table = ctx.ptp(day)
            if table is None or len(lines) < 2:
                continue
            for column1 in lines:
                for column2 in lines:
                    if column1 is column2:
                        continue
                    edit = table.edit(column1.code, column2.code, day)
                    if edit is not None:
                        yield from self._judge(ctx, column1, column2, edit.modifier_indicator, edit.rationale)

    def _judge(
        self, ctx: ClaimContext, column1: ClaimLine, column2: ClaimLine, indicator: str, rationale: str
    ) -> Iterator[Finding]:
        pair = f"{column2.code} (line {column2.line_id}) is column 2 to {column1.code} (line {column1.line_id})"
        value = ctx.revenue(column2.code, column2.units, column2.service_date)
        if indicator == "0":
            yield self.finding(
                [column2.line_id, column1.line_id],
                f"{pair}, modifier indicator 0 ({rationale}): no modifier bypasses this edit, so "
                f"{column2.code} will be denied. Remove line {column2.line_id}.",
                fix=Fix(
                    FixAction.REMOVE_LINE,
                    Applicability.SAFE,
                    (column2.line_id,),
                    f"remove bundled {column2.code}",
                ),
            )
            return
        billed = set(column2.modifiers) | set(column1.modifiers)
        distinct = distinct_by_documentation(ctx, column1, column2)
        if billed & NCCI_ASSOCIATED:
            if distinct is False:
                yield self.finding(
                    [column2.line_id, column1.line_id],
                    f"{pair}; a bypass modifier is billed but the chart documents the same lesion "
                    f"({ctx.doc(column2).lesion_id}): the service is not distinct and the modifier is not "
                    f"supported. Remove line {column2.line_id}.",
                    fix=Fix(
                        FixAction.REMOVE_LINE,
                        Applicability.SAFE,
                        (column2.line_id,),
                        f"remove bundled {column2.code}",
                    ),
                )
            return
        modifier = ctx.profile.distinct_modifier
        if distinct is False:
            yield self.finding(
                [column2.line_id, column1.line_id],
                f"{pair} ({rationale}) and the chart documents the same lesion: {column2.code} is part of "
                f"{column1.code} and is not separately payable. Remove line {column2.line_id}; do not add a "
                "modifier to get past the edit.",
                fix=Fix(
                    FixAction.REMOVE_LINE,
                    Applicability.SAFE,
                    (column2.line_id,),
                    f"remove bundled {column2.code}",
                ),
            )
        elif distinct is True:
            yield self.finding(
                [column2.line_id, column1.line_id],
                f"{pair} ({rationale}) and will be denied without a distinct-service modifier. The chart "
                f"documents a different lesion/site, so append {modifier} to line {column2.line_id} "
                f"({column2.code}).",
                fix=Fix(
                    FixAction.ADD_MODIFIER,
                    Applicability.SAFE,
                    (column2.line_id,),
                    f"append {modifier} to {column2.code}",
                    modifier=modifier,
                ),
                revenue_impact=value,
            )
        else:
            yield self.finding(
                [column2.line_id, column1.line_id],
                f"{pair} ({rationale}) and will be denied unless it was a distinct service. Only if the chart "
                f"documents a different lesion, anatomic site or encounter, append {modifier} to line "
                f"{column2.line_id}; otherwise remove it. Document lesion id and site for both lines.",
                fix=Fix(
                    FixAction.ADD_MODIFIER,
                    Applicability.NEEDS_DOCUMENTATION,
                    (column2.line_id,),
                    f"append {modifier} to {column2.code} if a distinct lesion is documented",
                    modifier=modifier,
                ),
                revenue_impact=value,
            )
