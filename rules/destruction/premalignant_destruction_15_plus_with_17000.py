"""DES001: 17004 (15 or more premalignant lesions) billed with 17000/17003 on the same date."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.destruction import PREMALIGNANT, any_contradicted, session_count
from rules.facts.sites import PREMALIGNANT_DESTRUCTION_CODES, delta, family_lines, money
from rules.fixes import remove_line
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="DES001", slug="premalignant-destruction-15-plus-with-17000", status=Stable("0.1.0"))
class PremalignantDestruction15PlusWith17000(Rule):
    """17004 billed together with 17000 and/or +17003 on the same date of service.

    ## What it does
    17004 (15 or more premalignant lesions) is reported alone, one unit, never with 17000/17003. When
    they are billed together, keeps the coding the documented lesion count supports: with 15 or more
    lesions (or no count, the stacked "17000 + 17003 x13 + 17004" pattern) the 17000/17003 lines
    are removed; with 14 or fewer documented, the 17004 line is removed (DES002 then sets 17003 to n - 1).

    ## Why is this bad?
    The stacked "20 lesions = 17000 + 17003x13 + 17004", still seen in billing guides, is wrong: 17004 describes all
    lesions of the session. Stacking bills the first 14 lesions twice; the payer denies or recoups.

    ## Example
    20 AKs billed 17000 + 17003 x13 + 17004 -> 17004 x1 (-$148.97 against the billed RVUs).

    ## Fix safety
    `safe` when the chart documents the lesion count, or when the billed 17000/17003 units already reach
    14 lesions (the erratum pattern). Otherwise `needs_documentation`: count the lesions first.

    ## References
    AMA CPT 2026 descriptors 17000/+17003/17004 (17004, "15 or more lesions", is reported alone; the billing
    guide's "Destruction code stacking" example that adds it to 17000 is wrong).
    """

    name = "17004 stacked with 17000/17003"
    category = Category.CODE_FAMILY
    severity = Severity.ERROR
    reference = "AMA CPT 17000/17003/17004 descriptors (17004 is reported alone)"
    triggers = PREMALIGNANT_DESTRUCTION_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        table = ctx.families
        for day, lines in family_lines(ctx, PREMALIGNANT):
            alone = [line for line in lines if (e := table.get(line.code)) is not None and e.role == "alone"]
            stacked = [line for line in lines if line not in alone]
            if not alone or not stacked or any_contradicted(ctx, lines):
                continue
            count = session_count(ctx, lines)
            threshold = min((e.count_min or 0) for line in alone if (e := table.get(line.code)) is not None)
            billed = " + ".join(f"{line.code} x{line.units} (line {line.line_id})" for line in lines)
            if count is not None and count < threshold:
                impact = delta(ctx, day, [(line.code, line.units) for line in alone], [])
                yield self.finding(
                    [line.line_id for line in alone],
                    f"{billed}: {alone[0].code} is reported alone and only for {threshold} or more lesions, but "
                    f"the chart documents {count}. Remove {alone[0].code} (line {alone[0].line_id}) and bill the "
                    f"first lesion plus one add-on unit per further lesion ({money(impact)}).",
                    fix=remove_line(
                        tuple(line.line_id for line in alone), f"remove {alone[0].code}", Applicability.SAFE
                    ),
                    revenue_impact=impact,
                )
                continue
            billed_lesions = sum(line.units for line in stacked)
            documented = count is not None or billed_lesions >= threshold - 1
            impact = delta(ctx, day, [(line.code, line.units) for line in stacked], [])
            why = (
                f"the chart documents {count} lesions"
                if count is not None
                else f"{threshold} or more lesions are billed"
            )
            yield self.finding(
                [line.line_id for line in stacked],
                f"{billed}: {alone[0].code} ({threshold} or more lesions) is reported alone, one unit, never with "
                f"{'/'.join(sorted({line.code for line in stacked}))}; {why}. Remove line(s) "
                f"{', '.join(line.line_id for line in stacked)} ({money(impact)})"
                + ("." if documented else "; count the lesions in the chart first."),
                fix=remove_line(
                    tuple(line.line_id for line in stacked),
                    f"keep {alone[0].code} alone",
                    Applicability.SAFE if documented else Applicability.NEEDS_DOCUMENTATION,
                ),
                revenue_impact=impact,
            )
