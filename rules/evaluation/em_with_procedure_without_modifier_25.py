"""EVM001: an E/M inside a procedure's global package (same day; day before a 090-day one), without modifier 25."""

from __future__ import annotations

from collections.abc import Iterator

from schemas.claim import ClaimLine

from rules.facts.context import ClaimContext
from rules.facts.modifiers import EM_CODES
from rules.facts.surgery import EmSituation, codes, em_situations
from rules.fixes import add_modifier, remove_line
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule
from rules.scope import ClaimShape, EditIndex

_MINOR_POLICY = (
    "E/M services on the day of a minor procedure (000/010-day global) are included in its payment, and so is "
    "the decision to perform it (NCCI Policy Manual ch. III; MCPM ch. 12 §40.1.C). Only a significant, "
    "separately identifiable E/M (another problem, or work beyond the procedure's usual pre-service work) is "
    "paid, with 25; different diagnoses are not required, and new-patient status alone does not justify it"
)
_MAJOR_POLICY = (
    "a 090-day procedure's global package includes the E/M on the day of surgery (MCPM ch. 12 §40.1.A); only "
    "a significant, separately identifiable E/M beyond the usual pre-operative work is paid, with 25 "
    "(MCPM ch. 12 §30.6.6.B)"
)
_DAY_BEFORE_POLICY = (
    "a 090-day procedure's global package includes the pre-operative visits from the day before surgery, except "
    "the visit that decided the surgery, which is paid with 57 (MCPM ch. 12 §40.1.A, §30.6.6.C). 25 does not "
    "apply: it is for an E/M on the day of a procedure (MCPM ch. 12 §30.6.6.B)"
)


@register(code="EVM001", slug="em-with-procedure-without-modifier-25", status=Stable("0.1.0"))
class EmWithProcedureWithoutModifier25(Rule):
    """E/M (99202-99215) in a procedure's global package (same day, or the day before a 090-day one), without 25.

    ## What it does
    Finds an office E/M billed without 25 on the same date of service as a procedure whose global period
    (CY 2026 RVU file) is 000 or 010 (minor), or 090 (major) when the chart says the visit did not decide
    the surgery. It reads the E/M line's `documentation.separately_identifiable`:
    true -> append 25; false -> the E/M is not separately billable, remove it; absent -> the chart must say.
    It also finds an E/M on the day before a 090-day procedure of the claim when the chart says the visit
    did not decide the surgery: that is a pre-operative visit in the global package, so the E/M is removed
    (25 is for same-day services and does not apply).
    Procedures with no global period (XXX, e.g. phototherapy 96910) do not make the E/M part of a global
    package, so they never trigger this rule; where the PTP table still pairs them over the E/M, EVM013 does.
    An add-on (ZZZ) follows its primary's global period: billed
    without its primary that day (17003 x3 for three AKs, which DES002 recodes to 17000 + 17003 x2), it
    stands for the primary procedure performed and carries the primary's global period (17000: 010). The
    visit that decided a 090-day procedure, or whose chart is silent on it, is EVM003's (modifier 57).

    ## Why is this bad?
    The E/M on the day of a minor procedure, including the decision to perform it, is paid as part of the
    procedure. Without 25 the E/M is denied (or, worse, paid and recouped on audit). A significant,
    separately identifiable E/M is billable with 25; it does not need a different diagnosis, and
    new-patient status alone does not make it separate. A major procedure's package also includes the
    pre-operative visits of the day before and the day of surgery, except the decision visit (57).

    ## Example
    99213 + 11102, chart: acne managed and a new lesion biopsied (separately identifiable) -> 99213-25 + 11102.
    99203 + 17000, chart: the visit only evaluated the lesion treated (not separately identifiable)
    -> 17000 alone.
    99213 on 2026-03-01 + 14040 on 2026-03-02, chart: not the decision visit, not separately identifiable
    -> 14040 alone.
    99213 + 17003 x3 (3 AKs documented), chart: dermatitis also managed -> 99213-25 + 17000 + 17003 x2
    (with DES002).

    ## Fix safety
    Adding 25 is `safe` when the E/M line documents a separately identifiable service, and removing the E/M
    is `safe` when the chart says it was not; otherwise the fix `needs_documentation`. On the day before a
    090-day procedure, removing the E/M is `safe` when the chart says it was neither the decision visit nor
    separately identifiable; otherwise it `needs_documentation` (a problem unrelated to the surgery is
    outside the package).

    ## References
    NCCI Policy Manual for Medicare Services ch. I §D and ch. III (E&M with minor surgical procedures);
    Medicare Claims Processing Manual (Pub. 100-04) ch. 12 §40.1.A, §40.1.C and §30.6.6.B; CPT modifier 25;
    global days from the CY 2026 PFS RVU file (ZZZ: included in the primary's global period) and add-on
    primaries from the NCCI add-on code edits.
    """

    name = "E/M on the day of a procedure without modifier 25"
    category = Category.MODIFIER_MISSING
    severity = Severity.ERROR
    reference = (
        "NCCI Policy Manual ch. III (E&M with minor surgical procedures); MCPM ch. 12 §40.1.C, §40.1.A, §30.6.6.B"
    )
    triggers = EM_CODES

    def may_find(self, shape: ClaimShape, index: EditIndex) -> bool:
        # Skipped when no procedure with a global period is billed (an add-on alone carries its primary's).
        return not shape.codes.isdisjoint(index.global_codes("000", "010", "090", "ZZZ"))

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for em in em_situations(ctx):
            if "25" in em.line.modifiers or em.decision_visit:
                continue
            if em.decision_for_surgery is False:
                same_day = em.minors + em.majors_same_day
                day_before = em.majors_next_day
            else:  # a 090-day procedure on a silent chart is EVM003's: it may be the decision visit (57)
                same_day, day_before = em.minors, ()
            if same_day:
                yield self._judge(ctx, em, same_day)
            elif day_before:
                yield self._day_before(em, day_before)

    def _day_before(self, em: EmSituation, majors: tuple[ClaimLine, ...]) -> Finding:
        """The E/M the day before a 090-day procedure, which the chart says did not decide it."""
        line = em.line
        head = (
            f"E/M {line.code} (line {line.line_id}) on {line.service_date} is the day before {codes(majors)} "
            f"(090-day global) and the chart says this visit did not decide the surgery; {_DAY_BEFORE_POLICY}"
        )
        title = f"remove {line.code}: pre-operative visit in the global package"
        if em.separately_identifiable is False:
            return self.finding(
                [line.line_id, *(m.line_id for m in majors)],
                f"{head}. The chart says the E/M was not separately identifiable, so it is a pre-operative visit "
                f"included in the surgery's payment: remove line {line.line_id}. Do not append 25 or 57 to get "
                "past the edit.",
                category=Category.PTP_BUNDLE,
                fix=remove_line(line.line_id, title, Applicability.SAFE),
            )
        return self.finding(
            [line.line_id, *(m.line_id for m in majors)],
            f"{head}. Remove line {line.line_id} unless the chart documents that the visit evaluated and managed a "
            "problem unrelated to the surgery (then point the E/M to that problem's diagnosis; it is not a "
            "pre-operative visit).",
            category=Category.PTP_BUNDLE,
            fix=remove_line(
                line.line_id, f"{title}, unless it treated an unrelated problem", Applicability.NEEDS_DOCUMENTATION
            ),
        )

    def _judge(self, ctx: ClaimContext, em: EmSituation, procedures: tuple[ClaimLine, ...]) -> Finding:
        line = em.line
        listed = codes(procedures)
        policy = _MINOR_POLICY if em.minors else _MAJOR_POLICY
        head = f"E/M {line.code} (line {line.line_id}) is billed on {line.service_date} with {listed} without 25"
        value = ctx.revenue(line.code, line.units, line.service_date)
        sep = em.separately_identifiable
        if sep is True:
            instead = (
                " in place of 57 (57 is only for the decision for a 090-day procedure; EVM004 removes it)"
                if "57" in line.modifiers
                else ""
            )
            return self.finding(
                [line.line_id],
                f"{head}; {policy}. The chart documents a significant, separately identifiable E/M, so append 25 "
                f"to line {line.line_id}{instead}.",
                fix=add_modifier(line.line_id, "25", f"append 25 to {line.code}", Applicability.SAFE),
                revenue_impact=value,
            )
        if sep is False:
            return self.finding(
                [line.line_id],
                f"{head}; {policy}. The chart says the E/M was not separately identifiable, so it is part of the "
                f"procedure and not separately billable: remove line {line.line_id}. Do not append 25 to get past "
                "the edit.",
                category=Category.PTP_BUNDLE,
                fix=remove_line(line.line_id, f"remove {line.code}: included in the procedure", Applicability.SAFE),
            )
        return self.finding(
            [line.line_id],
            f"{head}; {policy}. Append 25 only if the chart documents a significant, separately identifiable E/M "
            "(the problem addressed beyond the procedure's usual pre-service work, with its own history, exam or "
            f"medical decision making); otherwise remove line {line.line_id}. Record it as "
            "documentation.separately_identifiable.",
            fix=add_modifier(
                line.line_id,
                "25",
                f"append 25 to {line.code} if a separately identifiable E/M is documented",
                Applicability.NEEDS_DOCUMENTATION,
            ),
            revenue_impact=value,
        )
