"""EVM004: modifier 57 on an E/M that did not decide a 090-day procedure (e.g. 57 with a minor procedure)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from rules.facts.context import ClaimContext
from rules.facts.modifiers import EM_CODES
from rules.facts.surgery import EmSituation, codes, em_situations
from rules.fixes import remove_modifier
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="EVM004", slug="modifier-57-without-major-surgery-decision", status=Stable("0.1.0"))
class Modifier57WithoutMajorSurgeryDecision(Rule):
    """Modifier 57 on an E/M that did not decide a major (090-day) procedure.

    ## What it does
    Flags 57 on an office E/M (99202-99215) when (a) the only procedures with a global period on the claim
    that day or the next are minor (000/010-day global: a biopsy, an excision, Mohs), with no 090-day
    procedure that day or the next, or (b) the E/M line documents `decision_for_surgery: false`. It
    suggests removing 57; whether a same-day E/M is then billable with 25 is EVM001's question (separately
    identifiable or not). An E/M the day before a minor procedure is outside its global package (000 and
    010 periods start on the day of the procedure), so it is billed without 57 and needs no 25.

    ## Why is this bad?
    57 is paid only for the visit that decided a procedure with a 090-day global period, on the day of or
    the day before surgery (MCPM ch. 12 §30.6.6.C). The decision to perform a minor procedure is part of
    that procedure's payment (NCCI Policy Manual ch. III; MCPM ch. 12 §40.1.C), so 57 with a minor
    procedure is wrong and payers deny or recoup it.

    ## Example
    99213-57 + 17000 (chart: another problem managed) -> 99213-25 + 17000 (with EVM001).
    99213-57 + 11104 (chart: only the biopsied lesion evaluated) -> 11104 alone (with EVM001).
    99213-57 + 11602 (chart: decided the excision, psoriasis also managed) -> 99213-25 + 11602 (with EVM001).
    99203-57 on 2026-03-01 + 17311 on 2026-03-02 (Mohs, 000-day global) -> 99203 + 17311.

    ## Fix safety
    Removing 57 is `safe` when the chart says the visit did not decide surgery, or when it is silent and
    the claim shows only minor procedures that day or the next. It is also `safe` when the chart says the
    visit decided surgery and was significant and separately identifiable, and no 090-day procedure is
    billed that day or the next: the decision was the minor procedure's, and a same-day E/M is billed with
    25 (EVM001), never 25 and 57 for a minor procedure. Otherwise, when the chart says the visit decided
    surgery, it `needs_documentation`: 57 stands only if the major procedure is billed for that day or the
    next on another claim. The same applies whether the minor procedure is that day or the next.

    ## References
    Medicare Claims Processing Manual ch. 12 §30.6.6.C (modifier 57) and §40.1.C (minor surgery); NCCI
    Policy Manual ch. III (E&M with minor surgical procedures); MLN Global Surgery Booklet (ICN 907166);
    global days (000 = day of the procedure only, 010 = day of + 10 days) from the CY 2026 PFS RVU file.
    """

    name = "Modifier 57 without a major-surgery decision"
    category = Category.MODIFIER_INVALID
    severity = Severity.ERROR
    reference = "MCPM ch. 12 §30.6.6.C (modifier 57), §40.1.C; NCCI Policy Manual ch. III"
    triggers = EM_CODES

    # The engine skips the rule on a claim billing none of these (performance; the check tests it again).
    modifier_triggers: ClassVar[frozenset[str]] = frozenset({"57"})

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        if "57" not in ctx.modifiers:
            return
        for em in em_situations(ctx):
            line = em.line
            if "57" not in line.modifiers:
                continue
            title = f"remove 57 from {line.code}"
            if em.decision_for_surgery is False:
                yield self.finding(
                    [line.line_id],
                    f"E/M {line.code} (line {line.line_id}) carries 57 (decision for surgery) but the chart says this "
                    f"visit did not decide the surgery: remove 57 from line {line.line_id}. The E/M is then payable "
                    "only if it was significant and separately identifiable (25) or unrelated to any same-day "
                    "procedure's global package.",
                    severity=Severity.WARNING,
                    fix=remove_modifier(line.line_id, "57", title, Applicability.SAFE),
                )
            elif (em.minors or em.minors_next_day) and not em.majors:
                yield self._minor_only(em)

    def _minor_only(self, em: EmSituation) -> Finding:
        """57 on an E/M whose only procedures with a global period, that day or the next, are minor."""
        line = em.line
        decided = em.decision_for_surgery
        # A decided, separately identifiable visit with only minor procedures is not a major decision: 57 goes.
        safe = decided is None or em.separately_identifiable is True
        if em.minors:
            where = f"with only minor procedure(s) {codes(em.minors)}"
            if em.minors_next_day:
                where += f" that day and {codes(em.minors_next_day)} the next day"
            remedy = (
                "the decision to perform a minor procedure is included in that procedure's payment (MCPM ch. 12 "
                "§40.1.C; NCCI Policy Manual ch. III). Remove 57 from "
                f"line {line.line_id}; use 25 only if a significant, separately identifiable E/M is documented."
            )
            sep_tail = (
                " The chart says this visit decided surgery, but the only surgery billed that day or the next is "
                "minor, whose decision is included in it; the chart documents a significant, separately "
                "identifiable E/M, so 25 is the modifier, not 25 and 57."
            )
        else:
            where = f"the day before only minor procedure(s) {codes(em.minors_next_day)}"
            remedy = (
                "a minor procedure's global package starts on the day of the procedure, so a visit the day before "
                f"it is billed without 57 (and needs no 25). Remove 57 from line {line.line_id}."
            )
            sep_tail = (
                " The chart says this visit decided surgery, but the only surgery billed that day or the next is "
                "minor, and 57 is not for the decision to perform a minor procedure."
            )
        if decided is None:
            tail = ""
        elif safe:
            tail = sep_tail
        else:
            tail = (
                " The chart says this visit decided surgery: keep 57 only if a 090-day procedure is billed "
                f"for {line.service_date} or the next day on another claim."
            )
        minors = em.minors + em.minors_next_day
        return self.finding(
            [line.line_id, *(m.line_id for m in minors)],
            f"E/M {line.code} (line {line.line_id}) on {line.service_date} carries 57 {where} (000/010-day global) "
            "and no 090-day procedure that day or the next. 57 is for the visit that decided a major (090-day) "
            f"procedure, on the day of or the day before surgery (MCPM ch. 12 §30.6.6.C); {remedy}{tail}",
            fix=remove_modifier(
                line.line_id,
                "57",
                f"remove 57 from {line.code}",
                Applicability.SAFE if safe else Applicability.NEEDS_DOCUMENTATION,
            ),
        )
