"""ATT002: an excision or repair of the lesion an adjacent tissue transfer closes, billed with a distinct modifier."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.ownership import transfer_answers
from rules.facts.sites import EXCISION_CODES, REPAIR_CODES
from rules.facts.tissue_transfer import TRANSFER_CODES, included_in_transfer
from rules.fixes import remove_line
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule
from rules.scope import ClaimShape, EditIndex


@register(code="ATT002", slug="excision-or-repair-of-transferred-lesion", status=Stable("0.2.0"))
class ExcisionOrRepairOfTransferredLesion(Rule):
    """Excision or repair of the same lesion as an adjacent tissue transfer, billed with 59/X{EPSU}.

    ## What it does
    CPT: the adjacent tissue transfer codes 14000-14302 include the excision of the lesion (benign or
    malignant, 11400-11646) and the repair (12001-13153) of the defect they close. The NCCI PTP pairs edit
    these codes, but cannot tell whether the excision is of the same lesion. When an excision or repair line
    documents the same `lesion_id` as a tissue transfer line of that date and carries a distinct-service
    modifier (59, XE, XP, XS, XU), the modifier claims a separate lesion the chart contradicts: the line is
    removed. An excision of a different lesion (another lesion id) stays separately billable with the site
    modifier the chart supports (BND001 judges that pair), and Mohs surgery (17311-17315) is not included:
    the repair, flap or graft after Mohs is reported separately, so Mohs lines are never flagged here. Repair
    lines the repair rules already remove or merge (REP001, REP002, REP003) are left to them; BND001 leaves
    the lines this rule answers to it (rules/facts/ownership.py PRECEDENCE).

    ## Why is this bad?
    The modifier bypasses the PTP edit only for a distinct lesion, site or encounter. On the transfer's own
    lesion it bills the excision or closure twice (once inside 14xxx, once on its own line) and is the
    pattern the OIG and MAC reviews of modifier 59 target.

    ## Example
    14060 (lesion A, nose) with 11641-XS (lesion A) -> remove 11641. 14040 (lesion A, cheek) with 11603-XS
    (lesion B, leg) -> not this rule: a different lesion, separately billable.

    ## Fix safety
    `safe`: the chart's lesion ids show one lesion, so the distinct-service modifier is contradicted.

    ## References
    AMA CPT 2026 integumentary guidelines, adjacent tissue transfer or rearrangement ("For excision performed
    in conjunction with adjacent tissue transfer, report only the adjacent tissue transfer code", as quoted by
    AAPC "You Be the Coder: Adjacent Tissue Transfer Stands Alone"); NCCI Policy Manual for Medicare Services
    ch. III (integumentary system: repair and tissue transfer) and ch. I (modifier 59 and X{EPSU} only for a
    distinct lesion, site or encounter); AAD DermWorld Coding Consult "Documentation and reporting requirements
    for adjacent tissue transfer or rearrangement" (June 2025). Mohs: CPT 17311-17315 guidelines (repair,
    flap or graft reported separately), as summarised by AAPC Otolaryngology Coding Alert "Use Repair, Flap or
    Graft Codes to Report Mohs Reconstruction".
    """

    name = "Excision or repair of the lesion a tissue transfer closes, billed as distinct"
    category = Category.PTP_BUNDLE
    severity = Severity.ERROR
    reference = "AMA CPT adjacent tissue transfer guidelines (excision and repair included); NCCI Policy Manual ch. III"
    triggers = TRANSFER_CODES

    def may_find(self, shape: ClaimShape, index: EditIndex) -> bool:
        # Only a claim with an excision or repair beside the transfer can bill one of them as distinct.
        return not shape.codes.isdisjoint(EXCISION_CODES) or not shape.codes.isdisjoint(REPAIR_CODES)

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for day in ctx.dates:
            owned = transfer_answers(ctx, day)
            for found in included_in_transfer(ctx, day):
                line, transfer = found.line, found.transfer
                if line.line_id not in owned:
                    continue
                kind = "repair" if line.code in REPAIR_CODES else "excision"
                yield self.finding(
                    [line.line_id, transfer.line_id],
                    f"{line.code}-{'/'.join(found.modifiers)} (line {line.line_id}) is the {kind} of lesion "
                    f"{ctx.doc(line).lesion_id}, which the adjacent tissue transfer {transfer.code} (line "
                    f"{transfer.line_id}) closes: CPT includes the excision and repair of that defect in the "
                    f"transfer, and the distinct-service modifier is contradicted by the shared lesion id. Remove "
                    f"line {line.line_id}; keep a modifier only for another lesion or site the chart documents.",
                    fix=remove_line(
                        line.line_id, f"remove {line.code} (included in {transfer.code})", Applicability.SAFE
                    ),
                )
