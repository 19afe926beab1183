"""TAG001: 11200/+11201 units do not match the number of skin tags removed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from schemas.claim import ClaimLine

from rules.facts.context import ClaimContext
from rules.facts.destruction import SKIN_TAGS, by_role, session_count, session_tally
from rules.facts.sites import SKIN_TAG_CODES, delta, family_lines, money, mue_flags
from rules.fixes import add_line, merge_lines, remove_line, replace_code, set_units
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="TAG001", slug="skin-tag-units-differ-from-count", status=Stable("0.1.0"))
class SkinTagUnitsDifferFromCount(Rule):
    """Skin tag removal units do not match the number of tags.

    ## What it does
    11200 covers up to and including 15 skin tags, one unit; +11201 is each additional 10 tags or part
    thereof. Sets 11200 to one unit and +11201 to ceil((n - 15) / 10) units from
    `documentation.lesion_count`, adding or removing the add-on line as needed. The count is per line; an
    11200 count within its 15 tags is that line's own, so +11201 units billed without a count are taken as
    billed, not removed.

    ## Why is this bad?
    11200 x2 is denied; 40 tags billed as 11200 alone leave three add-on units unbilled; +11201 for 12 tags
    is an add-on with nothing to add to.

    ## Example
    40 tags documented, 11200 x1 -> 11200 + 11201 x3 (+$55.11).

    ## Fix safety
    `safe`: one unit of 11200 is the CPT descriptor; add-on units come from the documented count. Without
    a count only the 11200 units are fixed, and not by this rule when the MUE table in force already caps
    11200 (the MUE rules report it).

    ## References
    AMA CPT 2026 descriptors 11200 ("up to and including 15 lesions") and +11201 ("each additional 10
    lesions, or part thereof"); AMA CPT 2026 11200/+11201 descriptors.
    """

    name = "Skin tag units differ from the count"
    category = Category.CODE_FAMILY
    severity = Severity.ERROR
    reference = "AMA CPT 11200/+11201 descriptors (up to 15 tags; each additional 10)"
    triggers = SKIN_TAG_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        table = ctx.families
        for day, lines in family_lines(ctx, SKIN_TAGS):
            roles = by_role(ctx, lines)
            if not roles["primary"]:
                yield from self._addon_alone(ctx, day, roles["addon"], session_count(ctx, lines))
                continue
            head = roles["primary"][0]
            tally = session_tally(ctx, lines)
            count, documented = tally if tally is not None else (None, False)
            if head.units != 1 and not mue_flags(ctx, head.code, head.units, day):
                impact = delta(ctx, day, [(head.code, head.units)], [(head.code, 1)])
                yield self.finding(
                    [head.line_id],
                    f"{head.code} x{head.units} on line {head.line_id}: {head.code} is reported once for up to 15 "
                    f"tags; more tags are add-on units. Set line {head.line_id} to 1 unit ({money(impact)}).",
                    fix=set_units(head.line_id, 1, f"{head.code} x1", Applicability.SAFE),
                    revenue_impact=impact,
                )
            addon = table.addon_of(head.code)
            if count is None or addon is None:
                continue
            want = table.addon_units(addon, count)
            have = roles["addon"]
            billed = sum(line.units for line in have)
            if billed == want and len(have) <= 1:
                continue
            impact = delta(ctx, day, [(addon.code, billed)], [(addon.code, want)])
            why = f"{count} tags {'documented' if documented else 'billed'} = {head.code} + {addon.code} x{want}"
            if have and want:
                ids = tuple(line.line_id for line in have)
                fix = merge_lines(ids, f"{addon.code} x{want}", Applicability.SAFE, units=want)
                how = f"set {addon.code} (line {ids[0]}) to {want} unit(s)"
            elif have:
                ids = tuple(line.line_id for line in have)
                fix = remove_line(ids, f"remove {addon.code}", Applicability.SAFE)
                how = f"remove {addon.code} (line(s) {', '.join(ids)})"
            else:
                fix = add_line(addon.code, want, f"add {addon.code} x{want}", Applicability.SAFE)
                how = f"add {addon.code} x{want}"
            yield self.finding(
                [head.line_id, *(line.line_id for line in have)],
                f"{why} (each additional 10 tags or part thereof beyond 15), but {addon.code} x{billed} is billed: "
                f"{how} ({money(impact)}).",
                fix=fix,
                revenue_impact=impact,
                category=Category.REVENUE_OPPORTUNITY if want > billed else None,
                severity=Severity.WARNING if want > billed else None,
            )

    def _addon_alone(
        self, ctx: ClaimContext, day: date, addons: list[ClaimLine], count: int | None
    ) -> Iterator[Finding]:
        """+11201 billed without 11200: with a documented count, the first 15 tags are 11200 (CPT descriptor).

        Without a count the add-on-code rule (AOC001) reports it; nothing is guessed here.
        """
        table = ctx.families
        if not addons or count is None:
            return
        first_addon = addons[0]
        primary = next((e.code for e in table.in_family(SKIN_TAGS) if e.role == "primary"), None)
        addon = table.addon_of(primary) if primary else None
        if primary is None or addon is None:
            return
        want = table.addon_units(addon, count)
        billed = [(line.code, line.units) for line in addons]
        impact = delta(ctx, day, billed, [(primary, 1)] + ([(addon.code, want)] if want else []))
        extra = f" and add {addon.code} x{want}" if want else ""
        yield self.finding(
            [line.line_id for line in addons],
            f"{first_addon.code} on line {first_addon.line_id} is billed without {primary}, but the chart documents "
            f"{count} tag(s): the first 15 tags are {primary}, each further 10 or part thereof {addon.code}. "
            f"Recode line {first_addon.line_id} to {primary} x1{extra} ({money(impact)}).",
            fix=replace_code(first_addon.line_id, primary, f"{primary} x1", Applicability.SAFE, units=1),
            revenue_impact=impact,
        )
        if want:
            yield self.finding(
                [first_addon.line_id],
                f"{count} tags documented: after {primary} x1, bill {addon.code} x{want} (each additional 10 tags or "
                "part thereof beyond 15).",
                fix=add_line(addon.code, want, f"add {addon.code} x{want}", Applicability.SAFE),
                category=Category.REVENUE_OPPORTUNITY,
                severity=Severity.WARNING,
            )
