"""BIO001: more than one primary biopsy code (11102/11104/11106) on one date of service."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.biopsy import describe, plans, recode
from rules.facts.context import ClaimContext
from rules.facts.sites import BIOPSY_CODES, money
from rules.model import Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="BIO001", slug="multiple-primary-biopsy-codes", status=Stable("0.1.0"))
class MultiplePrimaryBiopsyCodes(Rule):
    """More than one primary biopsy code on the same date of service.

    ## What it does
    Finds dates with two or more lines billed as a primary biopsy (11102 tangential, 11104 punch, 11106
    incisional). Only the highest technique performed is the primary; every other biopsy line is recoded
    as the add-on of its own technique (+11103, +11105, +11107).

    ## Why is this bad?
    CPT allows one primary biopsy code per encounter, whatever the techniques; the others are add-ons.
    Two primaries are a code-family error the payer denies or reprices. The common reading "tangential
    and incisional on the same date are separately billable" is wrong: one primary, the other its add-on.

    ## Example
    11102 (line 1) + 11106 (line 2) -> 11106 (line 2) + 11103 (line 1).
    11102 + 11102 -> 11102 + 11103.

    ## Fix safety
    `safe`: the recoding is mechanical once the techniques are known (the documented technique where the
    chart states one, else the billed code's). Lines whose documented technique differs from the code are
    fixed by BIO004 toward the same plan.

    ## References
    AMA CPT 2026 biopsy instructions (11102-11107); AAD DermWorld "Biopsy coding in 2019, part 3";
    AMA CPT 2026 biopsy guidelines (11102-11107) and errata.
    """

    name = "More than one primary biopsy code"
    category = Category.CODE_FAMILY
    severity = Severity.ERROR
    reference = "AMA CPT 11102-11107 instructions; AAD DermWorld 'Biopsy coding in 2019, part 3'"
    triggers = BIOPSY_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for plan in plans(ctx):
            primaries = plan.billed_primaries
            if len(primaries) < 2:
                continue
            billed = ", ".join(f"{p.billed.code} (line {p.line.line_id})" for p in primaries)
            for planned in plan.lines:
                if not planned.changes or planned.technique_differs:
                    continue
                line, target = planned.line, planned.target
                fix, impact = recode(ctx, plan, planned, f"replace {line.code} with add-on {target.code}")
                yield self.finding(
                    [line.line_id],
                    f"{len(primaries)} primary biopsy codes billed on {plan.day}: {billed}. CPT allows one primary "
                    f"per encounter, the highest technique performed ({plan.primary.technique}); the other "
                    f"biopsies take the add-on of their own technique. Replace {line.code} with {target.code} on "
                    f"line {line.line_id} (no 59 on add-ons); coded: {describe(plan)} ({money(impact)}).",
                    fix=fix,
                    revenue_impact=impact,
                )
