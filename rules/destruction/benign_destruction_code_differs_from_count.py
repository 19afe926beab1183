"""DES004: 17110/17111 code or units do not match the benign lesion count."""

from __future__ import annotations

from collections.abc import Iterator

from rules.context import ClaimContext
from rules.destruction._common import BENIGN, contradicted
from rules.model import Applicability, Category, Finding, Fix, FixAction, Rule, Severity, Stable
from rules.registry import register
from rules.sites import BENIGN_DESTRUCTION_CODES, delta, family_lines, money, mue_flags


@register(code="DES004", slug="benign-destruction-code-differs-from-count", status=Stable("0.1.0"))
class BenignDestructionCodeDiffersFromCount(Rule):
    """The benign destruction code or its units do not match the lesion count.

    ## What it does
    17110 covers 1-14 benign lesions (warts, seborrheic keratoses...), 17111 covers 15 or more; both are
    one unit per session. Recodes by `documentation.lesion_count` and sets the units to one.

    ## Why is this bad?
    17110 with 20 documented lesions under-codes the session; 17111 for 6 lesions over-codes it. Units
    above one are denied (MUE 1, date-of-service edit): the count is expressed by the code, not units.

    ## Example
    17110 with lesion_count 20 -> 17111 (+$18.71). 17110 x20 with lesion_count 20 -> 17111 x1.

    ## Fix safety
    `safe`: the count is the line's own documentation; one unit is the CPT descriptor. 17110 with 17111 on
    the same date is DES003's; extra units on the right code are left to the MUE rules when the MUE table
    in force caps the code.

    ## References
    AMA CPT 2026 descriptors 17110 ("up to 14 lesions") and 17111 ("15 or more lesions");
    coding-rules.md "Destruction".
    """

    name = "Benign destruction code differs from the lesion count"
    category = Category.CODE_FAMILY
    severity = Severity.ERROR
    reference = "AMA CPT 17110/17111 descriptors; coding-rules.md 'Destruction'"
    triggers = BENIGN_DESTRUCTION_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        table = ctx.ruleset.families
        for day, lines in family_lines(ctx, BENIGN):
            if len({line.code for line in lines}) > 1:
                continue  # DES003
            for line in lines:
                if contradicted(ctx, line):
                    continue
                count = ctx.doc(line).lesion_count
                target = table.counted(BENIGN, count) if count is not None else None
                code = target.code if target is not None else line.code
                if code == line.code and (line.units == 1 or mue_flags(ctx, line.code, line.units, day)):
                    continue  # right code; extra units alone are the MUE rules' finding
                impact = delta(ctx, day, [(line.code, line.units)], [(code, 1)])
                if code != line.code:
                    what = f"the chart documents {count} lesions, which is {code}"
                    fix = Fix(
                        FixAction.REPLACE_CODE,
                        Applicability.SAFE,
                        (line.line_id,),
                        f"replace {line.code} with {code} x1",
                        code=code,
                        units=1,
                    )
                    category = Category.CODE_SELECTION
                else:
                    what = f"{code} is reported once per session whatever the lesion count"
                    fix = Fix(FixAction.SET_UNITS, Applicability.SAFE, (line.line_id,), f"{code} x1", units=1)
                    category = Category.CODE_FAMILY
                yield self.finding(
                    [line.line_id],
                    f"{line.code} x{line.units} on line {line.line_id}: {what}. Bill {code} x1 ({money(impact)}).",
                    fix=fix,
                    revenue_impact=impact,
                    category=category,
                    severity=Severity.WARNING if impact > 0 else None,
                )
