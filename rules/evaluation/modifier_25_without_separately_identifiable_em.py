"""EVM002: modifier 25 on an E/M the chart says was not separately identifiable."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from rules.facts.context import ClaimContext
from rules.facts.modifiers import EM_CODES
from rules.facts.ownership import preoperative_day_undecided, twenty_five_for_fifty_seven
from rules.facts.surgery import codes, em_situations
from rules.fixes import remove_line, remove_modifier
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="EVM002", slug="modifier-25-without-separately-identifiable-em", status=Stable("0.1.0"))
class Modifier25WithoutSeparatelyIdentifiableEm(Rule):
    """Modifier 25 on an E/M whose documentation says it was not separately identifiable.

    ## What it does
    Flags an office E/M (99202-99215) billed with 25 when the line's
    `documentation.separately_identifiable` is false. With a same-day procedure that has a global period
    (000/010/090) the E/M is part of that procedure: remove it. The same holds the day before a 090-day
    procedure when the chart also says the visit did not decide the surgery (a pre-operative visit in its
    package); with a chart silent on the decision EVM003 asks whether it was the decision visit (57). With
    only services that have no global period (XXX, e.g. phototherapy 96910) the E/M work inherent to that
    service is not billed separately either, but the chart must confirm nothing else was done. With no
    other service on the claim that day, 25 has nothing to attach to. When the visit decided a 090-day
    procedure it is paid with 57 and only 25 goes (with no minor procedure that day EVM005 says so).

    ## Why is this bad?
    Modifier 25 attests a significant, separately identifiable E/M. Billing it against a chart that says
    otherwise is an overpayment that audits recoup (modifier 25 is an OIG and MAC review target); the
    decision to perform a minor procedure and its usual pre-service work are already paid with it.

    ## Example
    99213-25 + 11102, chart: separately_identifiable false -> 11102 alone.

    ## Fix safety
    Removing 25 from a decision-for-surgery visit is `safe`. Removing the E/M is `safe` when a same-day
    procedure with a global period is on the claim (the chart says the E/M is part of it), or a 090-day
    procedure the next day that the chart says the visit did not decide. With only XXX
    services it `needs_documentation`; with no other service that day removing 25 is `display_only` (the
    procedure may be on another claim).

    ## References
    NCCI Policy Manual ch. I §D and ch. III (E&M with minor surgical procedures); Medicare Claims
    Processing Manual ch. 12 §30.6.6.B (modifier 25), §40.1.A (pre-operative visits) and §40.1.C; CPT
    modifier 25.
    """

    name = "Modifier 25 on an E/M that is not separately identifiable"
    category = Category.MODIFIER_INVALID
    severity = Severity.WARNING
    reference = "MCPM ch. 12 §30.6.6.B (modifier 25), §40.1.C; NCCI Policy Manual ch. III (E&M with minor procedures)"
    triggers = EM_CODES

    # The engine skips the rule on a claim billing none of these (performance; the check tests it again).
    modifier_triggers: ClassVar[frozenset[str]] = frozenset({"25"})

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        if "25" not in ctx.modifiers:
            return
        for em in em_situations(ctx):
            line = em.line
            if "25" not in line.modifiers or em.separately_identifiable is not False:
                continue
            if twenty_five_for_fifty_seven(em):
                continue  # 25 in place of 57: EVM005's (facts/ownership.py)
            head = (
                f"E/M {line.code} (line {line.line_id}) carries 25, which attests a significant, separately "
                "identifiable E/M, but the chart says it was not separately identifiable"
            )
            if em.decision_visit:
                yield self.finding(
                    [line.line_id],
                    f"{head}. The visit decided {codes(em.majors)} (090-day global) and is paid with 57 on that "
                    f"ground; the same-day {codes(em.minors)} includes any other E/M work. Remove 25 from line "
                    f"{line.line_id}.",
                    fix=remove_modifier(line.line_id, "25", f"remove 25 from {line.code}", Applicability.SAFE),
                )
            elif em.with_global:
                yield self.finding(
                    [line.line_id],
                    f"{head}. It is therefore included in {codes(em.with_global)} (the decision to perform a minor "
                    "procedure and its usual pre-service work are paid with it; MCPM ch. 12 §40.1.C). Remove line "
                    f"{line.line_id}, or correct the documentation if another problem was in fact addressed.",
                    fix=remove_line(line.line_id, f"remove {line.code}: included in the procedure", Applicability.SAFE),
                )
            elif em.majors_next_day and em.decision_for_surgery is False:
                yield self.finding(
                    [line.line_id, *(m.line_id for m in em.majors_next_day)],
                    f"{head}, and it is the day before {codes(em.majors_next_day)} (090-day global), which the chart "
                    "says it did not decide. It is therefore a pre-operative visit included in the surgery's global "
                    "package (MCPM ch. 12 §40.1.A); 25 is for an E/M on the day of a procedure and does not exempt "
                    f"it. Remove line {line.line_id}.",
                    fix=remove_line(
                        line.line_id,
                        f"remove {line.code}: pre-operative visit in the global package",
                        Applicability.SAFE,
                    ),
                )
            elif preoperative_day_undecided(em):
                continue  # the day before a 090-day procedure, chart silent on the decision: EVM003's (57, or remove)
            elif em.no_global_same_day:
                yield self.finding(
                    [line.line_id],
                    f"{head}. The E/M work inherent to {codes(em.no_global_same_day)} is not billed separately "
                    "(NCCI Policy Manual ch. I §D). Remove the E/M unless the chart documents a separate problem "
                    "evaluated and managed at this visit.",
                    fix=remove_line(
                        line.line_id,
                        f"remove {line.code} unless a separate problem is documented",
                        Applicability.NEEDS_DOCUMENTATION,
                    ),
                )
            else:
                yield self.finding(
                    [line.line_id],
                    f"{head}, and no other service is on the claim that day. Remove 25 from line {line.line_id} "
                    "unless a same-day procedure is billed on another claim (then the E/M is part of it and "
                    "should not be billed).",
                    fix=remove_modifier(line.line_id, "25", f"remove 25 from {line.code}", Applicability.DISPLAY_ONLY),
                )
