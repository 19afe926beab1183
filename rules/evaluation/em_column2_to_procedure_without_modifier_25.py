"""EVM013: an E/M that the NCCI PTP table pairs as column 2 under a same-day procedure outside any global package."""

from __future__ import annotations

from collections.abc import Iterator

from schemas.claim import ClaimLine

from rules.data.ncci import PtpEdit
from rules.facts.context import ClaimContext
from rules.facts.modifiers import EM_CODES
from rules.facts.surgery import claim_procedures
from rules.fixes import add_modifier, remove_line
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule

# Global periods that put the same-day E/M in the procedure's package, as the EVM rules read them (facts.surgery: an
# add-on billed alone carries its primary's): EVM001 judges those. Every other procedure (XXX, or not in the fee
# schedule) is judged here, by the PTP table alone.
_PACKAGED = frozenset({"000", "010", "090", "ZZZ"})
_BYPASS = frozenset({"25", "57"})  # the NCCI-associated modifiers of an E/M


@register(code="EVM013", slug="em-column2-to-procedure-without-modifier-25", status=Stable("0.2.0"))
class EmColumn2ToProcedureWithoutModifier25(Rule):
    """An office E/M billed without 25 with a same-day procedure whose NCCI PTP edit makes the E/M column 2.

    ## What it does
    For each office E/M (99202-99215), looks up the PTP edits in force between the E/M and
    the other lines of the date. Procedures with a global period (000, 010, 090, and add-ons) are EVM001's; this
    rule judges the others, such as phototherapy 96900-96913, excimer 96920-96922 and the injection 96372 (XXX
    global), which the practitioner PTP table lists as column 1 over the office E/M codes. With modifier
    indicator 1, it reads the E/M line's `documentation.separately_identifiable`: true -> append 25; false ->
    the E/M is part of the procedure, remove it; absent -> append 25 only if the chart documents it. With
    indicator 0 (e.g. 96910 over 99211), no modifier bypasses the edit, 25 included: the E/M is removed. An E/M
    already billed with 25 or 57 passes an indicator-1 edit.

    ## Why is this bad?
    The payer applies the PTP edit: the E/M is denied as included in the procedure (CO-97 / CO-236) unless an
    NCCI-associated modifier (25 for an E/M) shows a significant, separately identifiable E/M. A visit that only
    prepared the treatment is part of it; a visit that evaluated another problem is billed with 25.

    ## Example
    99213 + 96910, chart: psoriasis treatment session and a new rash evaluated (separately identifiable)
    -> 99213-25 + 96910. 99212 + 96910, chart: pre-treatment check only -> 96910 alone.

    ## Fix safety
    Adding 25 is `safe` when the E/M line documents a separately identifiable service and removing the E/M is
    `safe` when the chart says it was not (or under an indicator-0 edit); otherwise the fix `needs_documentation`.

    ## References
    CMS NCCI PTP edits, practitioner services (column 1 procedure over the office E/M code, modifier indicator);
    NCCI Policy Manual for Medicare Services ch. I (NCCI-associated modifiers: 25 for E/M services) and ch. XI
    (evaluation and management with medicine services); CPT modifier 25.
    """

    name = "E/M paired under a same-day procedure without modifier 25"
    category = Category.MODIFIER_MISSING
    severity = Severity.ERROR
    reference = "CMS NCCI PTP edits (procedure over office E/M); NCCI Policy Manual ch. I (modifier 25 for E/M)"
    triggers = EM_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for day, lines in ctx.by_date.items():
            visits = [line for line in lines if line.code in EM_CODES]
            if not visits:
                continue
            table = ctx.ptp(day)
            if table is None:
                continue
            if any(p.line.service_date == day and p.global_days in _PACKAGED for p in claim_procedures(ctx)):
                continue  # a procedure with a global package that day: EVM001 answers the E/M
            others = [line for line in lines if line.code not in EM_CODES]
            for visit in visits:
                pairs = [(line, edit) for line in others if (edit := table.edit(line.code, visit.code, day))]
                bypassed = not _BYPASS.isdisjoint(visit.modifiers)
                if pairs and (not bypassed or any(edit.modifier_indicator == "0" for _, edit in pairs)):
                    yield self._judge(ctx, visit, pairs)  # 25/57 bypass an indicator-1 edit, never an indicator-0 one

    def _judge(self, ctx: ClaimContext, visit: ClaimLine, pairs: list[tuple[ClaimLine, PtpEdit]]) -> Finding:
        listed = ", ".join(f"{line.code} (line {line.line_id})" for line, _ in pairs)
        ids = [visit.line_id, *(line.line_id for line, _ in pairs)]
        hard = [line for line, edit in pairs if edit.modifier_indicator == "0"]
        billed = "-".join([visit.code, *visit.modifiers])
        head = f"E/M {billed} (line {visit.line_id}) is column 2 to {listed} in the NCCI PTP table in force" + (
            "" if hard else " and is billed without 25"
        )
        value = ctx.revenue(visit.code, visit.units, visit.service_date)
        remove = remove_line(visit.line_id, f"remove {visit.code}: included in the procedure", Applicability.SAFE)
        if hard:
            return self.finding(
                ids,
                f"{head}; the edit with {hard[0].code} has modifier indicator 0: no modifier bypasses it, so the E/M "
                f"is not separately payable. Remove line {visit.line_id}.",
                category=Category.PTP_BUNDLE,
                fix=remove,
            )
        sep = ctx.doc(visit).separately_identifiable
        if sep is True:
            return self.finding(
                ids,
                f"{head}: it will be denied as included in the procedure. The chart documents a significant, "
                f"separately identifiable E/M, so append 25 to line {visit.line_id}.",
                fix=add_modifier(visit.line_id, "25", f"append 25 to {visit.code}", Applicability.SAFE),
                revenue_impact=value,
            )
        if sep is False:
            return self.finding(
                ids,
                f"{head}. The chart says the E/M was not separately identifiable, so it is part of the procedure: "
                f"remove line {visit.line_id}. Do not append 25 to get past the edit.",
                category=Category.PTP_BUNDLE,
                fix=remove,
            )
        return self.finding(
            ids,
            f"{head}: it will be denied as included in the procedure. Append 25 only if the chart documents a "
            "significant, separately identifiable E/M (a problem evaluated beyond the procedure's usual pre-service "
            f"work); otherwise remove line {visit.line_id}. Record it as documentation.separately_identifiable.",
            fix=add_modifier(
                visit.line_id, "25", f"append 25 to {visit.code} if documented", Applicability.NEEDS_DOCUMENTATION
            ),
            revenue_impact=value,
        )
