"""EVM003: the E/M that decided a 090-day procedure, billed without modifier 57."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.modifiers import EM_CODES
from rules.facts.surgery import EmSituation, codes, em_situations
from rules.fixes import add_modifier
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule
from rules.scope import ClaimShape, EditIndex


@register(code="EVM003", slug="decision-for-surgery-without-modifier-57", status=Stable("0.1.0"))
class DecisionForSurgeryWithoutModifier57(Rule):
    """E/M on the day of or the day before a 090-day procedure, without modifier 57.

    ## What it does
    Finds an office E/M (99202-99215) without 57 on the same date as, or the day before, a procedure with a
    090-day global period in the CY 2026 RVU file (13160, 14000-14302 and others). If the E/M line documents
    `decision_for_surgery: true`, 57 is appended. If the chart is silent, it says what must be documented.
    A chart that says the visit did not decide the surgery is EVM001's (25, or no E/M).

    ## Why is this bad?
    A major procedure's global package includes the pre-operative visits from the day before surgery
    (MCPM ch. 12 §40.1.A). The visit at which the decision to operate was made is paid only with 57:
    25 does not apply to it (EVM005), and without 57 the E/M is denied as part of the global package.

    ## Example
    99214 (decided the flap) + 14040 the same day -> 99214-57 + 14040.
    99213-25 (decided the repair, no minor procedure that day) + 13160 -> 99213-57 + 13160.

    ## Fix safety
    Appending 57 is `safe` only when the E/M line documents `decision_for_surgery: true`; otherwise it
    `needs_documentation`.

    ## References
    Medicare Claims Processing Manual ch. 12 §30.6.6.C (modifier 57) and §40.1.A (pre-operative visits);
    MLN Global Surgery Booklet (ICN 907166); CPT modifier 57; global days from the CY 2026 PFS RVU file.
    """

    name = "Decision-for-surgery E/M without modifier 57"
    category = Category.MODIFIER_MISSING
    severity = Severity.ERROR
    reference = "MCPM ch. 12 §30.6.6.C (modifier 57), §40.1.A; MLN Global Surgery Booklet ICN 907166"
    triggers = EM_CODES

    def may_find(self, shape: ClaimShape, index: EditIndex) -> bool:
        # Skipped when no 090-day (major) procedure is billed (an add-on alone, e.g. 14302, carries its primary's).
        return not shape.codes.isdisjoint(index.global_codes("090", "ZZZ"))

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for em in em_situations(ctx):
            if not em.majors or "57" in em.line.modifiers:
                continue
            decided = em.decision_for_surgery
            if decided is True:
                yield self._documented(ctx, em)
            elif decided is None and not self._separate_problem(em):
                yield self._undocumented(ctx, em)

    @staticmethod
    def _separate_problem(em: EmSituation) -> bool:
        """25 with a separately identifiable E/M on the day of surgery: another problem, paid with 25."""
        return "25" in em.line.modifiers and em.separately_identifiable is True and bool(em.majors_same_day)

    @staticmethod
    def _when(em: EmSituation) -> str:
        if em.majors_same_day:
            return f"on the day of {codes(em.majors_same_day)}"
        return f"the day before {codes(em.majors_next_day)}"

    def _documented(self, ctx: ClaimContext, em: EmSituation) -> Finding:
        line = em.line
        replaces = " (57, not 25: 25 does not make a pre-operative visit payable)" if "25" in line.modifiers else ""
        return self.finding(
            [line.line_id, *(m.line_id for m in em.majors)],
            f"E/M {line.code} (line {line.line_id}) is {self._when(em)}, a 090-day global procedure, and the chart "
            "documents that this visit made the decision for surgery. That visit is paid only with 57 "
            f"(MCPM ch. 12 §30.6.6.C); append 57 to line {line.line_id}{replaces}.",
            fix=add_modifier(line.line_id, "57", f"append 57 to {line.code}", Applicability.SAFE),
            revenue_impact=ctx.revenue(line.code, line.units, line.service_date),
        )

    def _undocumented(self, ctx: ClaimContext, em: EmSituation) -> Finding:
        line = em.line
        otherwise = (
            "otherwise it is the pre-operative visit included in the global package: bill it with 25 only if it "
            "addressed a significant, separately identifiable problem (documentation.separately_identifiable), "
            f"else remove line {line.line_id}"
            if em.majors_same_day
            else f"otherwise it is the pre-operative visit included in the global package: remove line {line.line_id}"
        )
        return self.finding(
            [line.line_id, *(m.line_id for m in em.majors)],
            f"E/M {line.code} (line {line.line_id}) is {self._when(em)}, a 090-day global procedure whose package "
            "includes the visits of the day before and the day of surgery (MCPM ch. 12 §40.1.A). If this visit made "
            "the decision to operate, document it (documentation.decision_for_surgery) and append 57, not 25; "
            f"{otherwise}.",
            fix=add_modifier(
                line.line_id,
                "57",
                f"append 57 to {line.code} if the visit decided the surgery",
                Applicability.NEEDS_DOCUMENTATION,
            ),
            revenue_impact=ctx.revenue(line.code, line.units, line.service_date),
        )
