"""DES004: 17110/17111 code or units do not match the benign lesion count."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from schemas.claim import ClaimLine

from rules.facts.context import ClaimContext
from rules.facts.destruction import BENIGN, any_contradicted, contradicted, session_count
from rules.facts.ownership import benign_codes_mixed
from rules.facts.payable import paid_note
from rules.facts.sites import BENIGN_DESTRUCTION_CODES, delta, family_lines, mue_flags
from rules.fixes import merge_lines, replace_code, set_units
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="DES004", slug="benign-destruction-code-differs-from-count", status=Stable("0.1.0"))
class BenignDestructionCodeDiffersFromCount(Rule):
    """The benign destruction code or its units do not match the lesion count.

    ## What it does
    17110 covers 1-14 benign lesions (warts, seborrheic keratoses...), 17111 covers 15 or more; both are
    one unit per session. Recodes by `documentation.lesion_count` and sets the units to one. Several lines
    of one code on a date are one session: their counts add up (`lesion_count` is per line) and, when the
    sum is another code, the lines are merged into it (warts on two 17110 lines, 8 + 9 = 17, are 17111 x1).
    When billed units exceed the MUE, the message also gives the change against what would be paid.

    ## Why is this bad?
    17110 with 20 documented lesions under-codes the session; 17111 for 6 lesions over-codes it. Units
    above one are denied (MUE 1, date-of-service edit): the count is expressed by the code, not units.

    ## Example
    17110 with lesion_count 20 -> 17111 (+$18.71). 17110 x20 with lesion_count 20 -> 17111 x1.
    17110 (8 warts) + 17110 (9 warts) -> 17111 x1 (-$92.52 against both lines as billed, +$18.71 against
    what would be paid: the second 17110 is above its MUE of 1 a day).

    ## Fix safety
    `safe`: the count is the lines' own documentation; one unit is the CPT descriptor. 17110 with 17111 on
    the same date is DES003's; extra units on the right code are left to the MUE rules when the MUE table
    in force caps the code.

    ## References
    AMA CPT 2026 descriptors 17110 ("up to 14 lesions") and 17111 ("15 or more lesions");
    AMA CPT 2026 destruction guidelines (17000-17286: 17111 is one unit, reported alone, never with 17110);
    the claim schema (`lesion_count`: lesions treated on this line).
    """

    name = "Benign destruction code differs from the lesion count"
    category = Category.CODE_FAMILY
    severity = Severity.ERROR
    reference = "AMA CPT 17110/17111 descriptors (up to 14 lesions; 15 or more)"
    triggers = BENIGN_DESTRUCTION_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        table = ctx.families
        for day, lines in family_lines(ctx, BENIGN):
            if benign_codes_mixed(lines):
                continue  # DES003's (facts/ownership.py)
            merged = self._session(ctx, day, lines)
            if merged is not None:
                yield merged
                continue
            for line in lines:
                if contradicted(ctx, line):
                    continue
                count = ctx.doc(line).lesion_count
                target = table.counted(BENIGN, count) if count is not None else None
                code = target.code if target is not None else line.code
                if code == line.code and (line.units == 1 or mue_flags(ctx, line.code, line.units, day)):
                    continue  # right code; extra units alone are the MUE rules' finding
                billed, after = [(line.code, line.units)], [(code, 1)]
                impact = delta(ctx, day, billed, after)
                if code != line.code:
                    what = f"the chart documents {count} lesions, which is {code}"
                    fix = replace_code(
                        line.line_id, code, f"replace {line.code} with {code} x1", Applicability.SAFE, units=1
                    )
                    category = Category.CODE_SELECTION
                else:
                    what = f"{code} is reported once per session whatever the lesion count"
                    fix = set_units(line.line_id, 1, f"{code} x1", Applicability.SAFE)
                    category = Category.CODE_FAMILY
                yield self.finding(
                    [line.line_id],
                    f"{line.code} x{line.units} on line {line.line_id}: {what}. Bill {code} x1 "
                    f"({paid_note(ctx, day, billed, after, impact)}).",
                    fix=fix,
                    revenue_impact=impact,
                    category=category,
                    severity=Severity.WARNING if impact > 0 else None,
                )

    def _session(self, ctx: ClaimContext, day: date, lines: list[ClaimLine]) -> Finding | None:
        """Lines of one code on a date whose summed lesion counts are another code (warts on two 17110 lines,
        8 + 9 = 17, are 17111): one finding merging them into that code x1. None otherwise (the per-line
        checks apply; several lines of the right code are the MUE rule's merge)."""
        if len(lines) < 2 or any_contradicted(ctx, lines):
            return None
        count = session_count(ctx, lines)
        target = ctx.families.counted(BENIGN, count) if count is not None else None
        if count is None or target is None or target.code == lines[0].code:
            return None
        ids = tuple(line.line_id for line in lines)
        billed, after = [(line.code, line.units) for line in lines], [(target.code, 1)]
        impact = delta(ctx, day, billed, after)
        counts = " + ".join(str(ctx.doc(line).lesion_count or 1) for line in lines)
        return self.finding(
            list(ids),
            f"{lines[0].code} is billed on lines {', '.join(ids)} on {day}, documenting {counts} = {count} lesions: "
            f"benign destruction is one code per session (lesion_count is per line, so the session is their sum), "
            f"and {count} lesions are {target.code} x1, reported alone. Merge lines {', '.join(ids)} into "
            f"{target.code} x1 ({paid_note(ctx, day, billed, after, impact)}).",
            fix=merge_lines(ids, f"bill {target.code} x1", Applicability.SAFE, code=target.code, units=1),
            revenue_impact=impact,
            category=Category.CODE_SELECTION,
            severity=Severity.WARNING if impact > 0 else None,
        )
