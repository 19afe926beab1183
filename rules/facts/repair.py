"""Repair codes from complexity, site and length, and which repair lines an excision already includes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from schemas.claim import ClaimLine

from rules.data.families import FamilyEntry
from rules.facts.context import ClaimContext
from rules.facts.excision import FAMILIES as EXCISION_FAMILIES
from rules.facts.excision import effective_code
from rules.facts.sites import lines_of, same_lesion
from rules.model import Applicability, Fix, FixAction

KINDS = ("simple", "intermediate", "complex")
FAMILIES = tuple(f"repair_{kind}" for kind in KINDS)


def kind_of(entry: FamilyEntry) -> str:
    return entry.family.removeprefix("repair_")


@dataclass(frozen=True, slots=True)
class RepairCoding:
    primary: FamilyEntry
    addon: FamilyEntry | None
    addon_units: int
    note: str = ""  # e.g. "a complex repair of 1.0 cm or less is coded as a simple repair"

    def pairs(self) -> list[tuple[str, int]]:
        out = [(self.primary.code, 1)]
        if self.addon is not None and self.addon_units:
            out.append((self.addon.code, self.addon_units))
        return out

    def text(self) -> str:
        return " + ".join(f"{code}{f' x{units}' if units > 1 else ''}" for code, units in self.pairs())


def coding(ctx: ClaimContext, kind: str, length: float, region: str | None, group: str | None) -> RepairCoding | None:
    """The repair code(s) for a total length of one complexity in one site group.

    The site group comes from the documented body region, else `group` (the billed code's). A complex
    repair shorter than the first complex step (1.0 cm or less) is coded as a simple repair.
    """
    table = ctx.families
    family = f"repair_{kind}"
    site = table.site_group(family, region) or group
    if site is None:
        return None
    primary = table.sized(family, site, length)
    if primary is None:
        if kind != "complex" or region is None:
            return None
        simple = coding(ctx, "simple", length, region, None)
        if simple is None:
            return None
        note = "a complex repair of 1.0 cm or less is reported as a simple repair"
        return RepairCoding(simple.primary, simple.addon, simple.addon_units, note)
    addon = table.addon_of(primary.code)
    units = table.addon_units(addon, length) if addon is not None else 0
    return RepairCoding(primary, addon, units)


def repair_lines(ctx: ClaimContext, day: date) -> list[ClaimLine]:
    return lines_of(ctx, day, *FAMILIES)


def excision_lines(ctx: ClaimContext, day: date) -> list[ClaimLine]:
    return lines_of(ctx, day, *EXCISION_FAMILIES)


def is_small_benign(ctx: ClaimContext, code: str) -> bool:
    """A benign excision of excised diameter 0.5 cm or less (the family's first size step: 11400/11420/11440)."""
    entry = ctx.families.get(code)
    return entry is not None and entry.family == "excision_benign" and not entry.size_min


@dataclass(frozen=True, slots=True)
class Included:
    """A repair line that an excision of the same lesion includes."""

    repair: ClaimLine
    excision: ClaimLine
    excision_code: str  # the excision's documented code (may differ from the billed one)
    confirmed: bool  # the chart documents the same lesion id (else: same body region, ids missing)
    reason: str  # simple | small_benign


def included_repairs(ctx: ClaimContext, day: date) -> list[Included]:
    """Repair lines included in a same-lesion excision: every simple repair; intermediate/complex repair
    of a benign excision of excised diameter 0.5 cm or less. One entry per repair line."""
    return ctx.day_fact(_included_repairs, day)


def _included_repairs(ctx: ClaimContext, day: date) -> list[Included]:
    table = ctx.families
    excisions = [(ex, effective_code(ctx, ex)) for ex in excision_lines(ctx, day)]
    out: list[Included] = []
    for repair in repair_lines(ctx, day):
        entry = table.get(repair.code)
        if entry is None or entry.is_addon:
            continue
        simple = kind_of(entry) == "simple"
        matches: list[Included] = []
        for excision, code in excisions:
            if not simple and not is_small_benign(ctx, code):
                continue
            lesion = same_lesion(ctx, repair, excision)
            if lesion is False:
                continue
            if lesion is None:
                a, b = ctx.doc(repair).body_region, ctx.doc(excision).body_region
                if a and b and a != b:
                    continue
            matches.append(Included(repair, excision, code, lesion is True, "simple" if simple else "small_benign"))
        if matches:
            out.append(max(matches, key=lambda m: m.confirmed))  # a documented same-lesion match first
    return out


@dataclass(slots=True)
class Group:
    """Billed repair lines of one complexity in one site group on one date."""

    kind: str
    site_group: str
    primaries: list[ClaimLine]
    addons: list[ClaimLine]

    @property
    def lines(self) -> list[ClaimLine]:
        return self.primaries + self.addons


def groups(ctx: ClaimContext, day: date) -> list[Group]:
    """Repair lines by (complexity, site group), leaving out the repairs an excision includes (REP001/002)."""
    return ctx.day_fact(_groups, day)


def _groups(ctx: ClaimContext, day: date) -> list[Group]:
    table = ctx.families
    included = {found.repair.line_id for found in included_repairs(ctx, day)}
    out: dict[tuple[str, str], Group] = {}
    for line in repair_lines(ctx, day):
        entry = table.get(line.code)
        if entry is None or line.line_id in included:
            continue
        site = (
            entry.site_group
            if entry.is_addon
            else (table.site_group(entry.site_scheme, ctx.doc(line).body_region) or entry.site_group)
        )
        group = out.setdefault((kind_of(entry), site), Group(kind_of(entry), site, [], []))
        (group.addons if entry.is_addon else group.primaries).append(line)
    return [g for g in out.values() if g.primaries]


def documented_coding(ctx: ClaimContext, group: Group) -> RepairCoding | None:
    """The code(s) a one-primary group's own documentation selects (complexity, body region, length), or None when
    the chart gives no length or the site cannot be placed. REP004 reports the difference from the billed code."""
    line = group.primaries[0]
    doc, billed = ctx.doc(line), ctx.families.get(line.code)
    if billed is None or doc.repair_length_cm is None:
        return None
    kind = doc.repair or kind_of(billed)
    fallback = billed.site_group if kind == kind_of(billed) else None
    return coding(ctx, kind, doc.repair_length_cm, doc.body_region, fallback)


@dataclass(frozen=True, slots=True)
class AddonChange:
    fix_action: str  # set_units | merge_lines | remove_line | add_line
    line_ids: tuple[str, ...]
    code: str
    units: int
    billed: int
    text: str


def addon_change(want: RepairCoding, addons: list[ClaimLine]) -> AddonChange | None:
    """How the group's add-on lines must change to carry `want.addon_units` of `want.addon`."""
    billed = sum(line.units for line in addons if want.addon is not None and line.code == want.addon.code)
    stray = [line for line in addons if want.addon is None or line.code != want.addon.code]
    units = want.addon_units if want.addon is not None else 0
    ids = tuple(line.line_id for line in addons)
    if stray and not units:
        return AddonChange("remove_line", ids, "", 0, billed, f"remove add-on line(s) {', '.join(ids)}")
    if want.addon is None or (billed == units and len(addons) <= 1):
        return None
    code = want.addon.code
    if not addons:
        return AddonChange("add_line", (), code, units, 0, f"add {code} x{units}")
    if not units:
        return AddonChange("remove_line", ids, code, 0, billed, f"remove {code} (line(s) {', '.join(ids)})")
    return AddonChange("merge_lines", ids, code, units, billed, f"bill {code} x{units} on line {ids[0]}")


def addon_fix(change: AddonChange, applicability: Applicability = Applicability.SAFE) -> Fix:
    action = FixAction(change.fix_action)
    if action is FixAction.ADD_LINE:
        return Fix(action, applicability, (), change.text, code=change.code, units=change.units)
    if action is FixAction.REMOVE_LINE:
        return Fix(action, applicability, change.line_ids, change.text)
    return Fix(action, applicability, change.line_ids, change.text, code=change.code, units=change.units)
