"""EVM010: the prolonged-service code of another payer kind (99417 on a Medicare claim, G2212 on a commercial one)."""

from __future__ import annotations

from collections.abc import Iterator

from rules.data.requirements import prolonged_codes
from rules.facts.context import ClaimContext
from rules.facts.prolonged import other_payer_policy, prolonged_lines
from rules.fixes import remove_line, replace_code
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="EVM010", slug="prolonged-service-code-of-another-payer", status=Stable("0.2.0"))
class ProlongedServiceCodeOfAnotherPayer(Rule):
    """+99417 billed to Medicare (which pays +G2212 instead), or +G2212 billed to a commercial payer (which uses 99417).

    ## What it does
    For each prolonged-service line billed with its level-5 visit (99205 or 99215), reads the code the
    claim's payer kind accepts (`prolonged_services.csv`, by payer kind and date: Medicare G2212, commercial
    99417) and, when the other one is billed, proposes the payer's code with the units the documented total
    time supports under the payer's own thresholds (CPT: the first 99417 at 75 minutes with 99205, 55 with
    99215; CMS: the first G2212 at 89 and 69 minutes, 15 minutes beyond the maximum of the old CPT ranges).
    Medicaid claims are not judged: state programs choose either code and the table has no row for them.

    ## Why is this bad?
    CMS does not recognise 99417 (Medicare created G2212 for the same service with its own count of time):
    a Medicare claim with 99417 is denied. A commercial payer that follows CPT does not know G2212.

    ## Example
    99215 + 99417 (Medicare, 72 minutes documented) -> G2212 x1. 99215 + 99417 (Medicare, 60 minutes) ->
    remove 99417 (G2212 needs 69 minutes). 99205 + G2212 (commercial, 90 minutes) -> 99417 x2.

    ## Fix safety
    `safe` when the visit or the prolonged line documents `time_minutes`: the payer's units follow from it
    (removal when they are 0). `needs_documentation` without it: the payer's code with the billed units,
    which the chart's time must support.

    ## References
    CMS CY 2021 PFS final rule (FR Doc. 2020-26815) and CMS fact sheet "Physician Fee Schedule (PFS) Payment
    for Office/Outpatient Evaluation and Management (E/M) Visits" (2021-01-11: practitioners should not
    report 99417; G2212 from 89 minutes with 99205 and 69 with 99215); NGS Medicare "Prolonged Services
    Timetable 2025" (the same thresholds); AMA CPT 2026 +99417 descriptor and office E/M time guidelines.
    Not read: the CY 2024-2026 PFS final rule text and the PFS status indicator of 99417 (secondary sources
    report it as invalid for Medicare; the packaged fee-schedule extract carries neither code).
    """

    name = "Prolonged-service code of another payer"
    category = Category.CODE_SELECTION
    severity = Severity.ERROR
    reference = "CMS CY 2021 PFS final rule (G2212 in place of 99417 for Medicare); AMA CPT +99417"
    triggers = prolonged_codes()

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for found in prolonged_lines(ctx):
            policy, visit, line = found.policy, found.visit, found.line
            if policy is None or visit is None or not found.level5 or other_payer_policy(found) is None:
                continue
            units = found.supported_units
            kind = ctx.claim.payer.kind
            head = (
                f"{line.code} (line {line.line_id}) is not the prolonged-service code of a {kind} payer: with "
                f"{visit.code} (line {visit.line_id}) it accepts {policy.addon}, first unit at "
                f"{policy.first_unit_minutes} minutes of total time, one more per further 15 minutes"
            )
            if units is None:
                yield self.finding(
                    [line.line_id, visit.line_id],
                    f"{head}. No total time is documented: bill {policy.addon} x{line.units} only if the chart's "
                    "time supports those units.",
                    fix=replace_code(
                        line.line_id,
                        policy.addon,
                        f"bill {policy.addon}",
                        Applicability.NEEDS_DOCUMENTATION,
                        units=line.units,
                    ),
                )
            elif units == 0:
                yield self.finding(
                    [line.line_id, visit.line_id],
                    f"{head}. The {found.minutes} minutes documented do not reach it: remove line {line.line_id}.",
                    fix=remove_line(line.line_id, f"remove {line.code}", Applicability.SAFE),
                )
            else:
                yield self.finding(
                    [line.line_id, visit.line_id],
                    f"{head}. The {found.minutes} minutes documented support {policy.addon} x{units}: bill it in "
                    f"place of line {line.line_id} (neither code is priced in the packaged fee schedule).",
                    fix=replace_code(
                        line.line_id, policy.addon, f"bill {policy.addon}", Applicability.SAFE, units=units
                    ),
                )
