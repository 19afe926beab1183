"""REP004: a repair code that does not match the documented complexity, site or length."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from rules.facts.context import ClaimContext
from rules.facts.payable import paid_note
from rules.facts.repair import Group, addon_change, addon_fix, documented_coding, excision_lines, groups, kind_of
from rules.facts.sites import REPAIR_CODES, delta, money, same_lesion
from rules.fixes import remove_line, replace_code
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="REP004", slug="repair-code-differs-from-documentation", status=Stable("0.1.0"))
class RepairCodeDiffersFromDocumentation(Rule):
    """A repair code that does not match the documented complexity, anatomic site or length.

    ## What it does
    For a repair that is alone in its complexity and anatomic group, recomputes the code from
    `documentation.repair` (complexity), `body_region` (site_groups.csv) and `repair_length_cm` with the
    CPT length steps (e.g. 12031 2.5 cm or less, 12032 2.6-7.5, 12034 7.6-12.5 ...; complex 13100 1.1-2.5,
    13101 2.6-7.5, +13102 each additional 5 cm), and fixes the code and the complex add-on units. A complex
    repair of 1.0 cm or less is reported as a simple repair, which is then included in a same-lesion
    excision.

    ## Why is this bad?
    The code states complexity, site and length: a 4 cm intermediate repair of the back billed as 12031
    under-bills; a face repair billed with a trunk code is mispriced and fails review.

    ## Example
    12031 for a 4.0 cm intermediate repair of the back -> 12032 (+$40.08).
    12031 x2 for one 5.0 cm intermediate repair of the trunk -> 12032 x1: -$219.78 against the two units
    billed, +$40.08 against what would be paid (12031's MUE of 1 a day denies the second unit); the message
    gives both, `revenue_impact` the first (corrected minus billed).
    13101 for a 12.0 cm complex repair of the trunk -> 13101 + 13102 x1.

    ## Fix safety
    `safe`: the line's own documentation gives complexity, site and length. Without a length the rule is
    silent (DOC004 asks for it).

    ## References
    AMA CPT 2026 repair descriptors 12001-12057, 13100-13153 and repair guidelines (lengths of one
    classification and anatomic group are summed).
    """

    name = "Repair code differs from documentation"
    category = Category.CODE_SELECTION
    severity = Severity.ERROR
    reference = "AMA CPT 12001-13153 descriptors (complexity, anatomic group, length)"
    triggers = REPAIR_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for day in ctx.dates:
            for group in groups(ctx, day):
                if len(group.primaries) == 1:
                    yield from self._judge(ctx, day, group)

    def _judge(self, ctx: ClaimContext, day: date, group: Group) -> Iterator[Finding]:
        line = group.primaries[0]
        doc, billed = ctx.doc(line), ctx.families.get(line.code)
        want = documented_coding(ctx, group)
        if want is None or billed is None or doc.repair_length_cm is None:
            return
        kind = doc.repair or kind_of(billed)
        site = f" of the {doc.body_region}" if doc.body_region else ""
        facts = f"{doc.repair_length_cm:.1f} cm {kind} repair{site}" + (f" ({want.note})" if want.note else "")
        if want.primary.code != line.code:
            same = [ex for ex in excision_lines(ctx, day) if same_lesion(ctx, line, ex)]
            if want.primary.family == "repair_simple" and same:
                ids = tuple(ln.line_id for ln in group.lines)
                impact = delta(ctx, day, [(ln.code, ln.units) for ln in group.lines], [])
                yield self.finding(
                    [line.line_id, same[0].line_id],
                    f"Line {line.line_id} bills {line.code} for a {facts}: a simple repair is included in the "
                    f"excision of the same lesion (line {same[0].line_id}). Remove line {line.line_id} "
                    f"({money(impact)}).",
                    fix=remove_line(ids, f"remove {line.code}", Applicability.SAFE),
                    revenue_impact=impact,
                )
                return
            before, after = [(line.code, line.units)], [(want.primary.code, 1)]
            impact = delta(ctx, day, before, after)
            yield self.finding(
                [line.line_id],
                f"Line {line.line_id} bills {line.code} but the chart documents a {facts}, which is {want.text()}. "
                f"Replace {line.code} with {want.primary.code} ({paid_note(ctx, day, before, after, impact)}).",
                fix=replace_code(
                    line.line_id,
                    want.primary.code,
                    f"replace {line.code} with {want.primary.code}",
                    Applicability.SAFE,
                    units=1,
                ),
                revenue_impact=impact,
                severity=Severity.WARNING if impact > 0 else None,
            )
        change = addon_change(want, group.addons)
        if change is not None:
            after = [(change.code, change.units)] if change.units else []
            impact = delta(ctx, day, [(ln.code, ln.units) for ln in group.addons], after)
            yield self.finding(
                [line.line_id, *change.line_ids],
                f"A {facts} is {want.text()}: {change.text} ({money(impact)}).",
                fix=addon_fix(change),
                revenue_impact=impact,
                category=Category.CODE_FAMILY,
                severity=Severity.WARNING if impact > 0 else None,
            )
