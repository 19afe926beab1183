"""MOH005: a biopsy of the Mohs lesion billed on the day of Mohs surgery."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.mohs import FAMILY, lesions
from rules.facts.sites import BIOPSY_CODES, lines_of, same_lesion
from rules.fixes import remove_line
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule
from rules.scope import ClaimShape, EditIndex


@register(code="MOH005", slug="same-day-biopsy-of-mohs-lesion", status=Stable("0.1.0"))
class SameDayBiopsyOfMohsLesion(Rule):
    """A skin biopsy of the same lesion billed on the day of its Mohs surgery.

    ## What it does
    Flags biopsy lines (11102-11107) that document the same `lesion_id` as a Mohs line on the same date.

    ## Why is this bad?
    Mohs includes the tissue examination of the lesion. A same-day biopsy of the Mohs lesion is billable
    only when no prior pathology exists (no biopsy in the past 60 days, or its result is unobtainable): then
    the diagnostic biopsy (with frozen section 88331) is reported with modifier 59. With a known biopsy
    diagnosis it is not separately payable. Only the chart can tell which.

    ## Example
    17311 (lesion A) + 11102 (lesion A) -> remove 11102, unless the chart documents that no prior pathology
    existed (then 11102-59 and 88331-59).

    ## Fix safety
    `needs_documentation`: removal is proposed but not applied, and 59 is never added automatically: the
    modifier must document a real diagnostic biopsy, never only get past an edit.

    ## References
    CMS LCD billing article A56836 (Mohs micrographic surgery: same-day biopsy conditions); codingintel.com
    "Coding for Mohs Micrographic Surgery"; AMA CPT 2026 Mohs guidelines (17311-17315).
    """

    name = "Same-day biopsy of the Mohs lesion"
    category = Category.PTP_BUNDLE
    severity = Severity.WARNING
    reference = "CMS billing article A56836 (Mohs: same-day biopsy only without prior pathology)"
    triggers = BIOPSY_CODES

    def may_find(self, shape: ClaimShape, index: EditIndex) -> bool:
        # Skipped when no Mohs code is billed.
        return not shape.codes.isdisjoint(index.family_codes(FAMILY))

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for day in ctx.dates:
            mohs = [lesion.primary for lesion in lesions(ctx, day)]
            if not mohs:
                continue
            for biopsy in lines_of(ctx, day, "biopsy"):
                match = next((m for m in mohs if same_lesion(ctx, biopsy, m)), None)
                if match is None:
                    continue
                claimed = [m for m in biopsy.modifiers if m in ("59", "XS", "XE", "XU")]
                yield self.finding(
                    [biopsy.line_id, match.line_id],
                    f"Biopsy {biopsy.code} (line {biopsy.line_id}) is of lesion {ctx.doc(biopsy).lesion_id}, treated "
                    f"by Mohs {match.code} (line {match.line_id}) the same day. It is billable only if no prior "
                    f"pathology existed (diagnostic biopsy with frozen section, modifier 59); with a known biopsy "
                    f"diagnosis it is part of the Mohs service."
                    + (
                        f" {claimed[0]} is billed: make sure the chart documents the absence of prior pathology."
                        if claimed
                        else f" Remove line {biopsy.line_id} unless the chart documents that no prior pathology "
                        "existed; do not add 59 without it."
                    ),
                    fix=None
                    if claimed
                    else remove_line(
                        biopsy.line_id,
                        f"remove {biopsy.code} unless no prior pathology existed",
                        Applicability.NEEDS_DOCUMENTATION,
                    ),
                )
