"""EVM006: an E/M inside the post-operative period of a procedure on the same claim, without modifier 24."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.modifiers import EM_CODES
from rules.facts.surgery import POSTOP_DAYS, EmSituation, em_situations
from rules.fixes import add_modifier, remove_line
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule
from rules.scope import ClaimShape, EditIndex


@register(code="EVM006", slug="em-in-postoperative-period-without-modifier-24", status=Stable("0.1.0"))
class EmInPostoperativePeriodWithoutModifier24(Rule):
    """E/M inside the post-operative period of a procedure billed on the same claim, without modifier 24.

    ## What it does
    Finds an office E/M (99202-99215) dated 1-10 days after a 010-day procedure, or 1-90 days after a
    090-day procedure, billed on the same claim, with neither 24 nor 57. The claim itself shows the E/M
    falls in the global period, so the E/M is a post-operative visit unless the chart documents an
    unrelated problem. When every diagnosis the E/M points to is also a diagnosis of the procedure, the
    visit looks like routine follow-up and the suggestion is to remove it; otherwise to document the
    unrelated problem and append 24.

    ## Why is this bad?
    Follow-up visits related to recovery from surgery are part of the global surgical package and are not
    paid separately (MCPM ch. 12 §40.1.A). An unrelated E/M by the same physician during the post-operative
    period is paid only with 24 (MCPM ch. 12 §30.6.6.A), and its diagnosis should show it is unrelated.

    ## Example
    17000 on 2026-03-02 (L57.0) and 99213 on 2026-03-09 (L30.9, dermatitis) -> 99213-24 if the chart
    documents the dermatitis as the reason for the visit.

    ## Fix safety
    Always `needs_documentation`: whether the visit was unrelated to the surgery is a clinical fact only the
    chart holds.

    ## References
    Medicare Claims Processing Manual ch. 12 §30.6.6.A (modifier 24) and §40.1.A (post-operative visits);
    MLN Global Surgery Booklet (ICN 907166); global days from the CY 2026 PFS RVU file.
    """

    name = "E/M in a post-operative period without modifier 24"
    category = Category.MODIFIER_MISSING
    severity = Severity.ERROR
    reference = "MCPM ch. 12 §30.6.6.A (modifier 24), §40.1.A (post-operative visits); MLN ICN 907166"
    triggers = EM_CODES

    def may_find(self, shape: ClaimShape, index: EditIndex) -> bool:
        # Skipped when no procedure with a post-operative period is billed (an add-on alone carries its primary's).
        return not shape.codes.isdisjoint(index.global_codes("010", "090", "ZZZ"))

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for em in em_situations(ctx):
            if em.postop_of and not {"24", "57"} & set(em.line.modifiers):
                yield self._judge(ctx, em)

    def _judge(self, ctx: ClaimContext, em: EmSituation) -> Finding:
        line = em.line
        surgery = ", ".join(
            f"{p.line.code} (line {p.line.line_id}, {p.line.service_date}, {POSTOP_DAYS[p.global_days]}-day global)"
            for p in em.postop_of
        )
        head = (
            f"E/M {line.code} (line {line.line_id}) on {line.service_date} falls in the post-operative period of "
            f"{surgery}. Follow-up visits related to the surgery are part of its global package (MCPM ch. 12 "
            "§40.1.A) and are not billed; an unrelated E/M is paid only with 24 (MCPM ch. 12 §30.6.6.A)."
        )
        em_dx = set(ctx.diagnoses(line))
        surgery_dx = {dx for p in em.postop_of for dx in ctx.diagnoses(p.line)}
        if em_dx and em_dx <= surgery_dx:
            return self.finding(
                [line.line_id, *(p.line.line_id for p in em.postop_of)],
                f"{head} The E/M points only to the surgery's diagnoses ({', '.join(sorted(em_dx))}), so it looks "
                f"like routine follow-up: remove line {line.line_id} unless the chart documents a problem unrelated "
                "to the surgery (then point to its diagnosis and append 24).",
                fix=remove_line(
                    line.line_id,
                    f"remove {line.code}: post-operative visit in the global package",
                    Applicability.NEEDS_DOCUMENTATION,
                ),
            )
        return self.finding(
            [line.line_id, *(p.line.line_id for p in em.postop_of)],
            f"{head} If the chart documents that this visit treated a problem unrelated to the surgery (its own "
            f"diagnosis), append 24 to line {line.line_id}; otherwise remove the line.",
            fix=add_modifier(
                line.line_id,
                "24",
                f"append 24 to {line.code} if the visit was unrelated to the surgery",
                Applicability.NEEDS_DOCUMENTATION,
            ),
            revenue_impact=ctx.revenue(line.code, line.units, line.service_date),
        )
