"""Adjacent tissue transfer (14000-14302) and full-thickness grafts (15200-15261): the code and add-on units a
line's documented site and area support, and the excision or repair lines a same-lesion tissue transfer includes.

Both families are coded by CPT site group and area in sq cm (rules/data/code_families.csv, measure `area_sq_cm`;
site groups in site_groups.csv): a transfer by the defect (primary plus secondary defect), 14301/+14302 for any
area over 30.0 sq cm; a graft by the recipient area, the first 20 sq cm and an add-on per further 20 sq cm.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from schemas.claim import ClaimLine

from rules.data.families import FamilyEntry
from rules.facts.context import ClaimContext
from rules.facts.modifiers import DISTINCT_SERVICE
from rules.facts.sites import EXCISION_CODES, REPAIR_CODES, code_range, lines_of, priced, priced_delta, same_lesion
from rules.fixes import add_line, remove_line, replace_code, set_units
from rules.model import Applicability, Fix

TRANSFER = "adjacent_tissue_transfer"
TRANSFER_SCHEME = "adjacent_tissue_transfer"
TRANSFER_CODES = code_range("14000-14001", "14020-14021", "14040-14041", "14060-14061", "14301-14302")
GRAFT = "full_thickness_graft"
GRAFT_SCHEME = "graft_full_thickness"
GRAFT_CODES = code_range("15200-15201", "15220-15221", "15240-15241", "15260-15261")
SPLIT_GRAFT = "split_thickness_graft"
SPLIT_GRAFT_SCHEME = "graft_split_thickness"
SPLIT_GRAFT_CODES = code_range("15100-15101", "15120-15121")
ANY_AREA = ""  # 14301/+14302: "any area", no site group


@dataclass(frozen=True, slots=True)
class AreaFinding:
    """One line (or add-on) whose code or units differ from what the chart's site and area support."""

    line_ids: tuple[str, ...]
    message: str
    fix: Fix
    impact: Decimal | None  # None when a code on either side is not in the packaged fee schedule


@dataclass(frozen=True, slots=True)
class Included:
    """An excision or repair line of the lesion a tissue transfer on the same date closes, billed with a
    distinct-service modifier that the shared lesion id contradicts."""

    line: ClaimLine
    transfer: ClaimLine
    modifiers: tuple[str, ...]


def area_findings(ctx: ClaimContext, family: str, scheme: str, what: str) -> list[AreaFinding]:
    """Per primary line of `family`, the code its documented site and area select, and its add-on's units.

    Either fact alone keeps the other as billed: a documented site without an area keeps the billed size step
    (14001 documented on the arm is 14021); an area without a site keeps the billed site group. A chart with
    neither (a lesion diameter is not an area) leaves the line alone.
    """
    table = ctx.families
    found: list[AreaFinding] = []
    for day in ctx.dates:
        lines = lines_of(ctx, day, family)
        primaries = [ln for ln in lines if (e := table.get(ln.code)) is not None and not e.is_addon]
        addons = [ln for ln in lines if (e := table.get(ln.code)) is not None and e.is_addon]
        for line in primaries:
            billed = table.get(line.code)
            if billed is None:
                continue
            own = [a for a in addons if len(primaries) == 1 or _primary_of(ctx, a, primaries) is line]
            found.extend(_judge(ctx, family, scheme, what, line, billed, own))
    return found


def _primary_of(ctx: ClaimContext, addon: ClaimLine, primaries: Sequence[ClaimLine]) -> ClaimLine | None:
    """The primary line an add-on line goes with: the one documenting its lesion id, else the only primary of the
    date whose add-on code it is (15221 goes with 15220 beside a 15240), else none."""
    by_lesion = [line for line in primaries if same_lesion(ctx, addon, line)]
    if len(by_lesion) == 1:
        return by_lesion[0]
    table = ctx.families
    by_code = [line for line in primaries if (a := table.addon_of(line.code)) is not None and a.code == addon.code]
    return by_code[0] if len(by_code) == 1 else None


def _judge(
    ctx: ClaimContext,
    family: str,
    scheme: str,
    what: str,
    line: ClaimLine,
    billed: FamilyEntry,
    addons: Sequence[ClaimLine],
) -> list[AreaFinding]:
    table = ctx.families
    doc = ctx.doc(line)
    group = table.site_group(scheme, doc.body_region)
    area = doc.area_sq_cm
    day = line.service_date
    facts = [f"site {doc.body_region} ({group.split('_', 1)[1].replace('_', '/')})"] if group else []
    if area is None:
        if group is None or not billed.site_group or group == billed.site_group:
            return []
        size = billed.size_max if billed.size_max is not None else billed.size_min or 0.0
        target = table.sized(family, group, size)
        if target is None or target.code == billed.code:
            return []
        impact = priced_delta(ctx, day, [(line.code, line.units)], [(target.code, line.units)])
        return [
            AreaFinding(
                (line.line_id,),
                f"{line.code} on line {line.line_id} codes the {what} of another site group than the documented "
                f"{facts[0]}: keeping the billed size step, the code is {target.code}. Replace {line.code} with "
                f"{target.code} ({priced(impact)}); document `area_sq_cm` to confirm the size step.",
                replace_code(line.line_id, target.code, f"replace {line.code} with {target.code}", Applicability.SAFE),
                impact,
            )
        ]
    facts.append(f"area {area:.1f} sq cm")
    target = table.sized(family, group or billed.site_group, area) if (group or billed.site_group) else None
    if target is None:
        target = table.sized(family, ANY_AREA, area)
    if target is None:
        if billed.site_group or group:
            return []
        return [
            AreaFinding(
                (line.line_id,),
                f"{line.code} on line {line.line_id} is the 'any area' {what} of 30.1 sq cm or more, but the chart "
                f"documents {area:.1f} sq cm: the code is the site group's code for that area. Document "
                "`body_region` to name it.",
                replace_code(line.line_id, None, f"recode {line.code} by site", Applicability.NEEDS_DOCUMENTATION),
                None,
            )
        ]
    out: list[AreaFinding] = []
    if target.code != billed.code:
        impact = priced_delta(ctx, day, [(line.code, line.units)], [(target.code, line.units)])
        out.append(
            AreaFinding(
                (line.line_id,),
                f"{line.code} on line {line.line_id} does not match the documented {' and '.join(facts)}: the "
                f"{what} is {target.code}. Replace {line.code} with {target.code} ({priced(impact)}).",
                replace_code(line.line_id, target.code, f"replace {line.code} with {target.code}", Applicability.SAFE),
                impact,
            )
        )
    addon = table.addon_of(target.code)
    expected = table.addon_units(addon, area) if addon is not None else 0
    billed_units = sum(a.units for a in addons)
    if billed_units == expected:
        return out
    ids = tuple(a.line_id for a in addons)
    if expected == 0:
        impact = priced_delta(ctx, day, [(a.code, a.units) for a in addons], [])
        out.append(
            AreaFinding(
                ids,
                f"{' + '.join(f'{a.code} x{a.units}' for a in addons)} (line {', '.join(ids)}) is billed with a "
                f"{what} of {area:.1f} sq cm ({target.code}): no add-on area is documented. Remove the add-on "
                f"({priced(impact)}).",
                remove_line(ids, "remove the add-on", Applicability.SAFE),
                impact,
            )
        )
        return out
    assert addon is not None
    impact = priced_delta(ctx, day, [(a.code, a.units) for a in addons], [(addon.code, expected)])
    message = (
        f"{area:.1f} sq cm documented for {target.code} (line {line.line_id}) is {target.code} + {addon.code} "
        f"x{expected} (CPT: each additional {addon.per or 0:.1f} sq cm or part thereof); "
        + (f"billed {addon.code} x{billed_units}" if billed_units else f"no {addon.code} is billed")
        + f". Bill {addon.code} x{expected} ({priced(impact)})."
    )
    title = f"bill {addon.code} x{expected}"
    if len(addons) == 1 and addons[0].code == addon.code:
        fix = set_units(ids, expected, title, Applicability.SAFE)
    elif not addons:
        fix = add_line(addon.code, expected, title, Applicability.SAFE)
        ids = (line.line_id,)
    else:
        fix = replace_code(ids, addon.code, title, Applicability.SAFE, units=expected)
    out.append(AreaFinding(ids, message, fix, impact))
    return out


def included_in_transfer(ctx: ClaimContext, day: date) -> tuple[Included, ...]:
    """Excision (11400-11646) and repair (12001-13153) lines of `day` that document the lesion id of a tissue
    transfer line of that day and carry a distinct-service modifier (59/XE/XP/XS/XU)."""
    return ctx.day_fact(_included_in_transfer, day)


def _included_in_transfer(ctx: ClaimContext, day: date) -> tuple[Included, ...]:
    transfers = lines_of(ctx, day, TRANSFER)
    if not transfers:
        return ()
    found: list[Included] = []
    for line in ctx.by_date[day]:
        if line.code not in EXCISION_CODES and line.code not in REPAIR_CODES:
            continue
        modifiers = tuple(m for m in line.modifiers if m in DISTINCT_SERVICE)
        if not modifiers:
            continue
        transfer = next((t for t in transfers if same_lesion(ctx, t, line)), None)
        if transfer is not None:
            found.append(Included(line, transfer, modifiers))
    return tuple(found)
