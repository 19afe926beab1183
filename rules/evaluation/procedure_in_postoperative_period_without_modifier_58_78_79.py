"""EVM007: a procedure inside the post-operative period of another procedure on the same claim, without 58/78/79."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from rules.facts.context import ClaimContext
from rules.facts.modifiers import MODIFIER_MEANING, POSTOPERATIVE_PROCEDURE
from rules.facts.surgery import POSTOP_DAYS, Procedure, claim_procedures
from rules.fixes import add_modifier
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule
from rules.scope import ClaimShape, EditIndex

_SURGICAL = ("000", "010", "090")
_POLICY = (
    "A procedure by the same physician during another procedure's post-operative period is part of that "
    "procedure's global package and is denied (RARC N525: \"not covered when performed within the global "
    'period of another service") unless a modifier says why it is paid: 58 = staged or related procedure '
    "planned at the time of the first one (e.g. re-excision for positive margins, a staged repair); "
    "78 = unplanned return to the operating/procedure room for a related procedure (a complication such as "
    "a wound dehiscence); 79 = unrelated procedure (another lesion or problem), which starts its own global "
    "period (MCPM ch. 12 §40.1; NCCI Policy Manual ch. I and III)"
)


@register(code="EVM007", slug="procedure-in-postoperative-period-without-modifier-58-78-79", status=Stable("0.1.0"))
class ProcedureInPostoperativePeriodWithoutModifier587879(Rule):
    """Procedure inside the post-operative period of another procedure on the same claim, without 58, 78 or 79.

    ## What it does
    Finds a surgical procedure (000, 010 or 090-day global; an add-on billed without its primary carries
    the primary's) dated 1-10 days after a 010-day procedure, or 1-90 days after a 090-day procedure,
    billed on the same claim, with none of 58, 78 or 79. The claim itself shows the later procedure falls
    in the earlier one's global period. Services with no global period (XXX) and add-ons billed with their
    primary (the primary carries the modifier) are left alone; E/M visits are EVM006's (modifier 24).
    The suggestion is 58 when both lines document the same lesion (a staged or related procedure), else
    79 (an unrelated procedure); the message explains all three modifiers.

    ## Why is this bad?
    The global surgical package includes the post-operative care of the surgery, complications that do
    not need a return to the operating room among them (MCPM ch. 12 §40.1.A). A later procedure by the same
    physician within the global period is paid only with a modifier that says why it is separate:
    CPT modifier descriptors: 58 "Staged/related procedure by same
    physician during the post-op period (planned)", 78 "Unplanned return to OR/procedure room by same
    physician for a related procedure during post-op", 79 "Unrelated procedure by same physician during
    post-op period; starts a new global period; rules in MCPM Pub 100-04 Ch.12 §40". Without one the
    payer denies it (RARC N525, "not covered when performed within the global period of another service").

    ## Example
    11602 on 2026-03-02 (C44.519, lesion A) and 11402 on 2026-03-09 (D22.62, lesion B) -> 11402-79 if the
    chart documents an unrelated lesion. 11602 on 2026-03-02 and 11603 on 2026-03-09 (lesion A,
    re-excision for positive margins) -> 11603-58 if the chart documents it was planned.

    ## Fix safety
    Always `needs_documentation`: whether the later procedure was planned (58), an unplanned return for a
    related problem (78) or unrelated (79) is a clinical fact only the chart holds, and a modifier is never
    appended only to get past the edit.

    ## References
    Medicare Claims Processing Manual (Pub. 100-04) ch. 12 §40.1 (global surgery package, §40.1.A
    post-operative care); NCCI Policy Manual for Medicare Services ch. I (modifiers 58, 78, 79) and ch. III;
    CPT modifiers 58, 78 and 79; MLN Global Surgery Booklet (ICN 907166); X12 RARC N525; global days from
    the CY 2026 PFS RVU file.
    """

    name = "Procedure in a post-operative period without 58/78/79"
    category = Category.MODIFIER_MISSING
    severity = Severity.ERROR
    reference = "MCPM ch. 12 §40.1 (global surgery); NCCI Policy Manual ch. I (modifiers 58/78/79); RARC N525"
    # No static triggers: which codes have a post-operative period is data (the PFS global days).

    def may_find(self, shape: ClaimShape, index: EditIndex) -> bool:
        # Skipped when no procedure with a post-operative period is billed (an add-on alone carries its
        # primary's). A single date of service is checked in `check`.
        return not shape.codes.isdisjoint(index.global_codes("010", "090", "ZZZ"))

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        if len(ctx.by_date) < 2:
            return
        procedures = claim_procedures(ctx)
        windows = [
            (p, p.line.service_date + timedelta(days=POSTOP_DAYS[p.global_days]))
            for p in procedures
            if p.global_days in POSTOP_DAYS
        ]
        if not windows:
            return
        for later in procedures:
            line = later.line
            if later.global_days not in _SURGICAL or POSTOPERATIVE_PROCEDURE.intersection(line.modifiers):
                continue
            within = tuple(p for p, last in windows if p.line.service_date < line.service_date <= last)
            if within:
                yield self._judge(ctx, later, within)

    def _judge(self, ctx: ClaimContext, later: Procedure, within: tuple[Procedure, ...]) -> Finding:
        line = later.line
        surgery = ", ".join(
            f"{p.line.code} (line {p.line.line_id}, {p.line.service_date}, {POSTOP_DAYS[p.global_days]}-day global)"
            for p in within
        )
        lesion = ctx.doc(line).lesion_id
        same_lesion = lesion is not None and any(ctx.doc(p.line).lesion_id == lesion for p in within)
        if same_lesion:
            modifier = "58"
            advice = (
                f"Line {line.line_id} documents the same lesion ({lesion}) as the earlier surgery: append 58 if the "
                "chart shows it was planned or staged at the time of the first procedure, or 78 if it was an "
                "unplanned return to the procedure room for a complication; 79 does not apply to a related "
                "procedure."
            )
        else:
            modifier = "79"
            advice = (
                f"If the chart documents that line {line.line_id} treated another lesion or problem, unrelated to "
                "the earlier surgery, append 79; if it was planned or staged with it, 58; if it was an unplanned "
                "return to the procedure room for a complication of it, 78."
            )
        return self.finding(
            [line.line_id, *(p.line.line_id for p in within)],
            f"{line.code} (line {line.line_id}) on {line.service_date} is billed without 58, 78 or 79 and falls in "
            f"the post-operative period of {surgery}. {_POLICY}. {advice} Do not append a modifier the chart does "
            "not support.",
            fix=add_modifier(
                line.line_id,
                modifier,
                f"append {modifier} to {line.code} if the chart documents it ({MODIFIER_MEANING[modifier]})",
                Applicability.NEEDS_DOCUMENTATION,
            ),
            revenue_impact=ctx.revenue(line.code, line.units, line.service_date),
        )
