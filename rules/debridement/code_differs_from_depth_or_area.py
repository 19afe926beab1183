"""DEB001: debridement 11042-11047 billed with a code the documented depth, or units the summed area, contradicts."""

from __future__ import annotations

from collections.abc import Iterator

from schemas.claim import ClaimLine

from rules.data.treatments import DebridementDepth, debridement_depths
from rules.facts.context import ClaimContext
from rules.facts.debridement import DEBRIDEMENT_CODES, DepthGroup, depth_groups
from rules.facts.sites import priced, priced_delta
from rules.fixes import add_line, merge_lines, remove_line, replace_code
from rules.model import Applicability, Category, Finding, Fix, Severity, Stable
from rules.registry import register
from rules.rule import Rule


def _lines(ids: list[str]) -> str:
    return f"line {ids[0]}" if len(ids) == 1 else f"lines {', '.join(ids)}"


@register(code="DEB001", slug="debridement-code-differs-from-depth-or-area", status=Stable("0.2.0"))
class DebridementCodeDiffersFromDepthOrArea(Rule):
    """Debridement billed with a code the documented depth contradicts, or units the summed area does not support.

    ## What it does
    Groups the debridement lines of each date (11042-11047) by the deepest tissue the chart documents as
    removed (`tissue_depth`; the code's own depth when undocumented) and sums the documented wound areas
    (`area_sq_cm`, each wound's area once) at each depth. Flags, per date:
    - a line whose code is another depth than the documented one (11042 documenting bone is 11044);
    - several primary lines, or units, of one depth whose areas are documented (one primary for the first
      20 sq cm of the sum, not one per wound);
    - add-on units other than ceil((summed area - 20) / 20) at that depth;
    - a line documenting epidermis and/or dermis only: advice to confirm the depth or bill active wound care.
    The depths, their codes and the 20 sq cm unit are a versioned table (`debridement_depths.csv`). Silent on
    what the chart does not document; an add-on with no primary of its depth is AOC001's, and two undocumented
    primaries of one code are MUE002's (it defers here when the areas are documented).

    ## Why is this bad?
    CPT codes debridement by the deepest level of tissue removed and by the area debrided at that depth:
    the areas of wounds at the same depth are summed, and sums from different depths are not combined. One
    11042 per wound is denied past the first (MUE 1 per day) and loses the +11045 units the sum calls for; a
    code of another depth than the chart's is an over- or under-statement an audit recodes.

    ## Example
    11042 (heel, 15 sq cm, subcutaneous) + 11042 (ankle, 12 sq cm, subcutaneous) -> 11042 x1 + 11045 x1
    (27 sq cm). 11043 documenting subcutaneous tissue -> 11042. 11042 + 11045 x2 for 35 sq cm -> 11045 x1.

    ## Fix safety
    `safe` when the chart documents the depth (recode) or the depth and every wound's area (merge, add-on
    units). `needs_documentation` for a line documenting epidermis and/or dermis only: CPT directs that to
    active wound care 97597/+97598, but the chart must confirm no deeper tissue was removed.

    ## References
    AMA CPT 2026 descriptors 11042-11047 ("first 20 sq cm or less", "each additional 20 sq cm, or part
    thereof") and the CPT debridement guidelines (deepest level of tissue removed; areas summed per depth, never
    across depths; epidermis/dermis only is 97597/97598), as reproduced by Coding Intel "Wound care CPT codes
    for debridement" and Coding Mastery "Coding debridements CPT 11042-11047" (2025); CMS NCCI MUE table
    (practitioner) 11042-11044: 1 per date of service.
    """

    name = "Debridement code differs from the documented depth or summed area"
    category = Category.CODE_FAMILY
    severity = Severity.ERROR
    reference = "AMA CPT 11042-11047 (deepest tissue removed; first 20 sq cm, each further 20 sq cm, summed per depth)"
    triggers = DEBRIDEMENT_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for day in ctx.dates:
            for group in depth_groups(ctx, day):
                if not group.depth.surgical:
                    yield from self._active_wound_care(group)
                elif group.primaries:  # an add-on with no primary of its depth is AOC001's
                    yield from self._recoded(ctx, group)
                    if group.documented and group.area_sq_cm is not None:
                        yield from self._summed(ctx, group)

    def _active_wound_care(self, group: DepthGroup) -> Iterator[Finding]:
        for line in group.lines:
            target = group.depth.primary if debridement_depths().is_primary(line.code) else group.depth.addon
            yield self.finding(
                [line.line_id],
                f"{line.code} on line {line.line_id} is surgical debridement, but the chart documents removal of "
                "epidermis and/or dermis only: CPT reports that as active wound care (97597 for the first 20 sq cm or "
                "less, +97598 per further 20 sq cm). Confirm the deepest tissue removed: document subcutaneous tissue, "
                f"muscle/fascia or bone if it was excised, or bill {target}.",
                fix=replace_code(line.line_id, target, f"bill {target}", Applicability.NEEDS_DOCUMENTATION),
                severity=Severity.WARNING,
            )

    def _recoded(self, ctx: ClaimContext, group: DepthGroup) -> Iterator[Finding]:
        depth = group.depth
        for line in group.lines:
            primary = line in group.primaries
            target = depth.primary if primary else depth.addon
            if line.code == target:
                continue
            # The primary is reported once per depth in a session; further area is its add-on (_summed).
            units = 1 if primary else line.units
            once = (
                f" once (further area at this depth is +{depth.addon} per {depth.per_sq_cm:g} sq cm)"
                if primary and line.units > 1
                else ""
            )
            impact = priced_delta(ctx, line.service_date, [(line.code, line.units)], [(target, units)])
            yield self.finding(
                [line.line_id],
                f"{line.code} on line {line.line_id} is another depth than the chart documents ({depth.label} "
                f"as the deepest tissue removed): CPT codes debridement by the deepest level removed. Bill {target}"
                f"{once} ({priced(impact)}).",
                fix=replace_code(line.line_id, target, f"bill {target}", Applicability.SAFE, units=units),
                revenue_impact=impact,
            )

    def _summed(self, ctx: ClaimContext, group: DepthGroup) -> Iterator[Finding]:
        depth, area, units = group.depth, group.area_sq_cm, group.addon_units
        if area is None or units is None:  # _summed runs only on documented areas
            return
        day = group.lines[0].service_date
        parts = [f"{ctx.doc(ln).area_sq_cm:g}" for ln in group.lines if ctx.doc(ln).area_sq_cm is not None]
        summed = f"{' + '.join(parts)} = {area:g} sq cm" if len(parts) > 1 else f"{area:g} sq cm"
        plan = f"{depth.primary} x1" + (f" + {depth.addon} x{units}" if units else "")
        if group.several_primaries:
            ids = [ln.line_id for ln in group.primaries]
            billed = sum(ln.units for ln in group.primaries)
            impact = priced_delta(ctx, day, [(ln.code, ln.units) for ln in group.primaries], [(depth.primary, 1)])
            yield self.finding(
                ids,
                f"{depth.primary} is billed {billed} times on {day} ({_lines(ids)}) for wounds debrided to "
                f"{depth.label} ({summed}): CPT sums the areas of wounds at the same depth and "
                f"reports one {depth.primary} for the first {depth.first_sq_cm:g} sq cm, then +{depth.addon} per "
                f"further {depth.per_sq_cm:g} sq cm or part. Bill {plan} ({priced(impact)} for the primary).",
                fix=merge_lines(ids, f"bill {depth.primary} x1", Applicability.SAFE, code=depth.primary, units=1),
                revenue_impact=impact,
            )
        billed_addon = sum(ln.units for ln in group.addons)
        if billed_addon == units:
            return
        impact = priced_delta(ctx, day, [(depth.addon, billed_addon)], [(depth.addon, units)])
        yield self.finding(
            [ln.line_id for ln in group.addons] or [ln.line_id for ln in group.primaries],
            f"+{depth.addon} is billed x{billed_addon} on {day} for wounds debrided to {depth.label} "
            f"({summed}): past the first {depth.first_sq_cm:g} sq cm, each further {depth.per_sq_cm:g} sq cm or "
            f"part is one unit, so the area calls for x{units}. Bill {plan} ({priced(impact)}).",
            fix=self._addon_fix(group.addons, depth, units),
            revenue_impact=impact,
        )

    @staticmethod
    def _addon_fix(addons: tuple[ClaimLine, ...], depth: DebridementDepth, units: int) -> Fix:
        title = f"bill +{depth.addon} x{units}" if units else f"remove +{depth.addon}"
        if not addons:
            return add_line(depth.addon, units, title, Applicability.SAFE)
        ids = [ln.line_id for ln in addons]
        if units == 0:
            return remove_line(ids, title, Applicability.SAFE)
        return merge_lines(ids, title, Applicability.SAFE, code=depth.addon, units=units)
