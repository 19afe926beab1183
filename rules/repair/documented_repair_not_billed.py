"""REP005: an intermediate or complex repair documented on an excision or Mohs line with no repair line billed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from schemas.claim import ClaimLine

from rules.facts.context import ClaimContext
from rules.facts.excision import effective_code
from rules.facts.mohs import FAMILY as MOHS
from rules.facts.mohs import lesions
from rules.facts.repair import coding, excision_lines, groups, is_small_benign
from rules.facts.sites import EXCISION_CODES, MOHS_CODES, delta, lines_of, money, same_lesion
from rules.fixes import add_line
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="REP005", slug="documented-repair-not-billed", status=Stable("0.1.0"))
class DocumentedRepairNotBilled(Rule):
    """An intermediate or complex repair documented on an excision or Mohs line, with no repair line billed.

    ## What it does
    Reads `documentation.repair` and `repair_length_cm` on excision lines and on Mohs surgery lines
    (17311-17315; the first line of a Mohs lesion's stages that documents one). An intermediate or complex
    closure with no repair line for that lesion (same lesion id, or a repair line of that complexity and
    anatomic group without a lesion id) is revenue left unbilled: the rule sums the unbilled lengths per
    complexity and anatomic group and proposes the repair line(s), with the repair's value as the revenue
    impact. Benign excisions of 0.5 cm or less (11400/11420/11440) include their repair and are skipped.

    ## Why is this bad?
    Intermediate (layered) and complex closures are separately billable with an excision; billing the
    documented closure is real revenue when the chart documents it. Simple closure is included in the
    excision and is never proposed. Mohs surgery (000-day global) does not include the repair of its wound:
    repairs, flaps and grafts after Mohs are billed separately, so a documented layered or complex closure
    with no repair line is the same lost revenue.

    ## Example
    11602 (back; repair intermediate, 3.0 cm) alone -> 11602 + 12032 (+$299.94).
    17311 (nose; repair complex, 3.0 cm) alone -> 17311 + 13152 (+$490.66; $278.56 at facility rates).

    ## Fix safety
    `safe` when the complexity, length and body region are documented (the line's own documentation). When
    another repair line of the same complexity and group is already billed, the lengths must be summed into
    it: the finding explains and proposes no automatic change.

    ## References
    AMA CPT 2026 repair guidelines (intermediate/complex repair reported separately from excision);
    NCCI Policy Manual ch. III (exception for benign excisions of 0.5 cm or less); AMA CPT 2026 Mohs
    guidelines (repairs, flaps and grafts after Mohs surgery are reported separately).
    """

    name = "Documented repair not billed"
    category = Category.REVENUE_OPPORTUNITY
    severity = Severity.WARNING
    reference = (
        "AMA CPT repair guidelines (intermediate/complex repair billed with excision or after Mohs); NCCI ch. III"
    )
    triggers = EXCISION_CODES | MOHS_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for day in ctx.dates:
            unbilled: dict[tuple[str, str], list[ClaimLine]] = {}
            mohs = mohs_carriers(ctx, day)  # the small-benign exception is the excision's only
            for excision in [*excision_lines(ctx, day), *mohs]:
                doc = ctx.doc(excision)
                if doc.repair not in ("intermediate", "complex") or doc.repair_length_cm is None:
                    continue
                small = excision not in mohs and is_small_benign(ctx, effective_code(ctx, excision))
                if small or self._billed(ctx, day, excision):
                    continue
                group = ctx.families.site_group(f"repair_{doc.repair}", doc.body_region)
                if group is None:
                    yield self.finding(
                        [excision.line_id],
                        f"Line {excision.line_id} ({excision.code}) documents a {doc.repair_length_cm:.1f} cm "
                        f"{doc.repair} repair that is not billed; document the exact body region to code it.",
                    )
                    continue
                unbilled.setdefault((doc.repair, group), []).append(excision)
            for (kind, group), excisions in unbilled.items():
                yield from self._propose(ctx, day, kind, group, excisions)

    def _billed(self, ctx: ClaimContext, day: date, excision: ClaimLine) -> bool:
        doc = ctx.doc(excision)
        for group in groups(ctx, day):
            for line in group.primaries:
                lesion = same_lesion(ctx, line, excision)
                if lesion or (lesion is None and group.kind == doc.repair and not ctx.doc(line).lesion_id):
                    return True
        return False

    def _propose(
        self, ctx: ClaimContext, day: date, kind: str, group: str, excisions: list[ClaimLine]
    ) -> Iterator[Finding]:
        total = sum(ctx.doc(ex).repair_length_cm or 0.0 for ex in excisions)
        region = ctx.doc(excisions[0]).body_region
        want = coding(ctx, kind, total, region, group)
        ids = [ex.line_id for ex in excisions]
        where = ", ".join(f"line {ex.line_id} ({ex.code}, {ctx.doc(ex).repair_length_cm:.1f} cm)" for ex in excisions)
        if want is None:
            return
        existing = [g for g in groups(ctx, day) if g.kind == kind and g.site_group == group]
        if existing:
            line = existing[0].primaries[0]
            yield self.finding(
                ids,
                f"{kind.capitalize()} repair documented on {where} is not billed, and {line.code} (line "
                f"{line.line_id}) already bills a {kind} repair in the same anatomic group: add {total:.1f} cm to "
                f"that line's length and recode it from the summed length.",
            )
            return
        impact = delta(ctx, day, [], want.pairs())
        mohs = [ctx.families.family_of(ex.code) == MOHS for ex in excisions]
        if all(mohs):
            after = "the Mohs surgery (000-day global; repairs after Mohs are billed separately)"
        elif any(mohs):
            after = "the excision and the Mohs surgery (repairs after Mohs are billed separately)"
        else:
            after = "the excision"
        yield self.finding(
            ids,
            f"{kind.capitalize()} repair documented on {where} but no repair line is billed: intermediate and "
            f"complex closures are billed in addition to {after}. Add {want.text()} for {total:.1f} cm "
            f"({money(impact)}).",
            fix=add_line(want.primary.code, 1, f"add {want.primary.code}", Applicability.SAFE),
            revenue_impact=impact,
        )
        if want.addon is not None and want.addon_units:
            yield self.finding(
                ids,
                f"The {total:.1f} cm {kind} repair also takes {want.addon.code} x{want.addon_units} (each additional "
                "5 cm).",
                fix=add_line(want.addon.code, want.addon_units, f"add {want.addon.code}", Applicability.SAFE),
            )


def mohs_carriers(ctx: ClaimContext, day: date) -> list[ClaimLine]:
    """The Mohs lines of a date that carry a documented intermediate/complex repair, one per lesion: a lesion's
    stage lines (its lesion id, else the first-stage line they belong to, rules/facts/mohs.py) describe
    one wound, so its first line documenting the repair stands for it."""
    owner = {line.line_id: lesion.primary for lesion in lesions(ctx, day) for line in lesion.lines}
    seen: set[tuple[str, str]] = set()
    out: list[ClaimLine] = []
    for line in lines_of(ctx, day, MOHS):
        doc = ctx.doc(line)
        if doc.repair not in ("intermediate", "complex") or doc.repair_length_cm is None:
            continue
        head = owner.get(line.line_id)
        lesion_id = doc.lesion_id or (ctx.doc(head).lesion_id if head is not None else None)
        key = ("lesion", lesion_id) if lesion_id else ("line", (head or line).line_id)
        if key in seen:
            continue
        seen.add(key)
        out.append(line)
    return out
