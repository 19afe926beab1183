"""REP003: repairs of one complexity in one anatomic group billed on separate lines."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.repair import addon_change, addon_fix, coding, groups
from rules.facts.sites import REPAIR_CODES, delta, money
from rules.fixes import merge_lines
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="REP003", slug="repair-lengths-not-summed", status=Stable("0.1.0"))
class RepairLengthsNotSummed(Rule):
    """Repairs of the same complexity in the same anatomic group billed on separate lines.

    ## What it does
    Groups repair lines by complexity (simple, intermediate, complex) and by the CPT anatomic group of each
    complexity (site_groups.csv, from the documented body region or the billed code). Two or more lines in
    one group are merged into one line coded from the summed `repair_length_cm`, with the complex add-on
    (+13102/+13122/+13133/+13153 per additional 5 cm) when the sum passes 7.5 cm.

    ## Why is this bad?
    CPT: "When multiple wounds are repaired, add together the lengths of those in the same classification
    and from all anatomic sites that are grouped together into the same code descriptor." Separate lines
    are denied as duplicates or paid as several small repairs the payer recoups.

    ## Example
    12032 (back, 3.0 cm) + 12032 (arm, 4.0 cm) -> 12032 (7.0 cm summed). 12031 (2.0 cm) + 12032 (6.0 cm)
    -> 12034 (8.0 cm, -$225.12:
    the honest sum pays less than two lines).

    ## Fix safety
    `safe` when every line documents its length; otherwise `needs_documentation` (the summed code cannot be
    computed). Repairs included in a same-lesion excision (REP001/REP002) are left out of the sum.

    ## References
    AMA CPT 2026 repair guidelines (12001-13160: summing lengths by classification and anatomic group);
    AMA CPT 2026 repair guidelines (12001-13160).
    """

    name = "Repair lengths not summed"
    category = Category.CODE_FAMILY
    severity = Severity.ERROR
    reference = "AMA CPT repair guidelines (add lengths of the same classification and anatomic group)"
    triggers = REPAIR_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for day in ctx.dates:
            for group in groups(ctx, day):
                if len(group.primaries) < 2:
                    continue
                ids = tuple(line.line_id for line in group.primaries)
                lengths = [ctx.doc(line).repair_length_cm for line in group.primaries]
                billed = " + ".join(f"{line.code} (line {line.line_id})" for line in group.lines)
                head = f"{len(ids)} {group.kind} repairs in one anatomic group on {day}: {billed}"
                if any(length is None for length in lengths):
                    yield self.finding(
                        ids,
                        f"{head}. CPT sums the lengths of repairs of one complexity in one anatomic group and bills "
                        f"one code for the total; document each repair's length and bill one line.",
                        fix=merge_lines(ids, "bill one summed line", Applicability.NEEDS_DOCUMENTATION, units=1),
                    )
                    continue
                total = sum(length for length in lengths if length is not None)
                region = next((r for line in group.primaries if (r := ctx.doc(line).body_region)), None)
                want = coding(ctx, group.kind, total, region, group.site_group)
                if want is None:
                    continue
                impact = delta(ctx, day, [(ln.code, ln.units) for ln in group.lines], want.pairs())
                yield self.finding(
                    ids,
                    f"{head}, {total:.1f} cm in total. CPT sums the lengths of repairs of one complexity in one "
                    f"anatomic group: bill {want.text()} for {total:.1f} cm on line {ids[0]} and drop the others "
                    f"({money(impact)} for the group).",
                    fix=merge_lines(
                        ids,
                        f"{want.primary.code} for {total:.1f} cm",
                        Applicability.SAFE,
                        code=want.primary.code,
                        units=1,
                    ),
                    revenue_impact=impact,
                    severity=Severity.WARNING if impact > 0 else None,
                )
                change = addon_change(want, group.addons)
                if change is not None:
                    yield self.finding(
                        [ids[0], *change.line_ids],
                        f"The summed {group.kind} repair ({total:.1f} cm) needs {want.text()}: {change.text}.",
                        fix=addon_fix(change),
                    )
