"""FTC001: routine foot care billed to Medicare without a class findings modifier (Q7, Q8, Q9) or GY."""

from __future__ import annotations

from collections.abc import Iterator

from schemas.claim import ClaimLine

from rules.data.requirements import FootCareEntry, foot_care_rows
from rules.facts.context import ClaimContext
from rules.fixes import add_modifier
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule

FOOT = "foot"


@register(code="FTC001", slug="routine-foot-care-without-class-findings", status=Stable("0.2.0"))
class RoutineFootCareWithoutClassFindings(Rule):
    """Routine foot care (corns and calluses, nail trimming or debridement) billed to Medicare with neither a class
    findings modifier (Q7, Q8, Q9) nor GY.

    ## What it does
    On a claim whose payer is Medicare, looks at each line of a routine foot care code in force on its date
    (`routine_foot_care.csv`: 11055-11057, 11719, 11720, 11721). A line carrying Q7, Q8 or Q9 (the class
    findings of the foot exam) or GY (the provider reports the service as excluded) is answered. Lines that
    are not foot care are skipped: a documented body region other than the foot, or a finger modifier (FA,
    F1-F9). Nail debridement pointing to onychomycosis (B35.1) is left alone: mycotic nails are covered
    without a systemic condition when the chart documents mycosis and marked limitation of ambulation, pain
    or secondary infection (CMS MBPM ch. 15 section 290.C.4). Every other line gets a warning.

    ## Why is this bad?
    Routine foot care is excluded from Medicare by statute. It is covered only as an exception: a systemic
    condition (metabolic, neurologic or peripheral vascular disease) with the class findings that make care by
    a non-professional hazardous, reported with Q7 (one Class A finding), Q8 (two Class B findings) or Q9 (one
    Class B and two Class C findings). Without one of these the line is denied as routine care; with neither
    the exception nor GY the patient cannot be billed for the denied service either. The rule cannot see the
    other exceptions (care that is a necessary and integral part of treating an ulcer, wound or infection):
    the message names them.

    ## Example
    11721 (6 toenails debrided, diabetes E11.42) on Medicare -> warning: add the Q modifier the documented
    class findings support, or GY when there are none. 11721-Q8 -> nothing.

    ## Fix safety
    `needs_documentation`, never applied: the fix proposed is GY, right only when the chart has no class
    findings (the service is then statutorily excluded and the patient can be billed). When the foot exam
    documents class findings, the fix is instead the Q modifier those findings support (Q7, Q8 or Q9) with the
    systemic condition's diagnosis pointed; a Q modifier is never added without the findings in the chart.

    ## References
    Social Security Act section 1862(a)(13)(C) (routine foot care excluded); CMS Medicare Benefit Policy
    Manual (Pub. 100-02) chapter 15 section 290 (B.2 routine foot care, C.3 systemic condition, C.4 mycotic
    nails, F presumption of coverage: one Class A, two Class B, or one Class B and two Class C findings); HCPCS
    Level II modifiers Q7, Q8, Q9 as listed by WPS (J8 Part B) "Class Findings Modifier Fact Sheet" and GY
    ("item or service statutorily excluded or does not meet the definition of any Medicare benefit") as listed
    by Noridian "Modifier GY". The MAC's routine foot care LCD adds local documentation requirements (its
    number is not cited here).
    """

    name = "Routine foot care on Medicare without class findings"
    category = Category.MODIFIER_MISSING
    severity = Severity.WARNING
    reference = "SSA 1862(a)(13)(C); CMS MBPM 100-02 ch. 15 section 290; HCPCS modifiers Q7, Q8, Q9, GY"
    triggers = frozenset(row.code for row in foot_care_rows("service"))

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        if ctx.claim.payer.kind != "medicare":
            return
        for line in ctx.lines:
            service = next((row for row in foot_care_rows("service", line.service_date) if row.code == line.code), None)
            if service is None or self._answered(ctx, line):
                continue
            yield self.finding(
                [line.line_id],
                f"{line.code} ({service.meaning}) on line {line.line_id} is routine foot care, which Medicare "
                "excludes by statute unless a systemic condition with class findings makes it covered. The line "
                "carries no class findings modifier: if the foot exam documents them, add the one they support "
                "(Q7 one Class A finding, Q8 two Class B findings, Q9 one Class B and two Class C findings) and "
                "point to the systemic condition's diagnosis; if the chart has none, the service is excluded: "
                "append GY so the denial lets the patient be billed. Covered exceptions without a Q modifier: care "
                "that is a necessary and integral part of treating an ulcer, wound or infection.",
                fix=add_modifier(
                    line.line_id,
                    "GY",
                    "append GY (statutorily excluded) unless the chart documents class findings",
                    Applicability.NEEDS_DOCUMENTATION,
                ),
            )

    @staticmethod
    def _answered(ctx: ClaimContext, line: ClaimLine) -> bool:
        """The line already answers the exclusion, is not on the foot, or is mycotic nail care."""
        day = line.service_date
        modifiers = set(line.modifiers)
        answering = foot_care_rows("class_findings_modifier", day) + foot_care_rows("excluded_modifier", day)
        if modifiers & _codes(answering) or modifiers & _codes(foot_care_rows("finger_modifier", day)):
            return True
        region = ctx.doc(line).body_region
        if region is not None and region != FOOT:
            return True
        mycotic = [row for row in foot_care_rows("mycotic_diagnosis", day) if line.code in row.applies_to]
        prefixes = tuple(row.code.replace(".", "") for row in mycotic)
        return bool(prefixes) and any(dx.replace(".", "").upper().startswith(prefixes) for dx in ctx.diagnoses(line))


def _codes(rows: tuple[FootCareEntry, ...]) -> set[str]:
    return {row.code for row in rows}
