"""Helpers shared by the procedure-family rules (biopsy, destruction, excision, repair, Mohs, diagnosis,
documentation): code ranges for triggers, family look-ups, site groups, lesion identity and money."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import TypeVar

from schemas.claim import ClaimLine

from rules.data.families import FamilyEntry
from rules.facts.context import ClaimContext
from rules.facts.modifiers import ANATOMIC, DISTINCT_SERVICE

T = TypeVar("T")


def code_range(*specs: str) -> frozenset[str]:
    """Codes from inclusive ranges such as "11102-11107" (trigger sets: the codes that make a rule relevant)."""
    out: set[str] = set()
    for spec in specs:
        first, _, last = spec.partition("-")
        out.update(str(n) for n in range(int(first), int(last or first) + 1))
    return frozenset(out)


# Trigger sets (the scope of each rule family; what each code means lives in rules/data/code_families.csv).
BIOPSY_CODES = code_range("11102-11107")
SHAVE_CODES = code_range("11300-11313")  # shave removal, single lesion (no family row: no size rules yet)
SKIN_TAG_CODES = code_range("11200-11201")
PREMALIGNANT_DESTRUCTION_CODES = code_range("17000", "17003-17004")
BENIGN_DESTRUCTION_CODES = code_range("17110-17111")
MALIGNANT_DESTRUCTION_CODES = code_range("17260-17286")
DESTRUCTION_CODES = PREMALIGNANT_DESTRUCTION_CODES | BENIGN_DESTRUCTION_CODES | MALIGNANT_DESTRUCTION_CODES
EXCISION_CODES = code_range("11400-11446", "11600-11646")
REPAIR_CODES = code_range("12001-12018", "12031-12057", "13100-13153")
MOHS_CODES = code_range("17311-17315")
PROCEDURE_CODES = BIOPSY_CODES | SKIN_TAG_CODES | DESTRUCTION_CODES | EXCISION_CODES | REPAIR_CODES | MOHS_CODES


def family(ctx: ClaimContext, code: str) -> FamilyEntry | None:
    return ctx.families.get(code)


LineFamilies = tuple[frozenset[str | None], dict[date, list[tuple[str | None, ClaimLine]]]]


def _line_families(ctx: ClaimContext) -> LineFamilies:
    """Every family on the claim, and per date of service each line with its code's family (claim order).

    Worked out once per claim (`ctx.fact`): the family rules ask `lines_of`/`family_lines` dozens of times a claim.
    """
    return ctx.fact(_build_line_families)


def _build_line_families(ctx: ClaimContext) -> LineFamilies:
    table = ctx.families
    by_day = {day: [(table.family_of(line.code), line) for line in lines] for day, lines in ctx.by_date.items()}
    present = frozenset(family for pairs in by_day.values() for family, _ in pairs)
    return present, by_day


def lines_of(ctx: ClaimContext, day: date, *families: str) -> list[ClaimLine]:
    """The lines of `day` whose code belongs to one of `families` (claim order)."""
    return [line for family, line in _line_families(ctx)[1][day] if family in families]


def family_lines(ctx: ClaimContext, *families: str) -> Iterator[tuple[date, list[ClaimLine]]]:
    """Per date of service, the lines of `families` (dates without any are skipped)."""
    present, by_day = _line_families(ctx)
    if present.isdisjoint(families):
        return
    for day in ctx.dates:
        found = [line for family, line in by_day[day] if family in families]
        if found:
            yield day, found


def site_group_of(ctx: ClaimContext, scheme: str, line: ClaimLine) -> str | None:
    """The documented body region's site group in `scheme` (None when undocumented or ambiguous)."""
    return ctx.families.site_group(scheme, ctx.doc(line).body_region)


def same_lesion(ctx: ClaimContext, first: ClaimLine, second: ClaimLine) -> bool | None:
    """True/False when both lines document a lesion id, else None."""
    a, b = ctx.doc(first).lesion_id, ctx.doc(second).lesion_id
    if a and b:
        return a == b
    return None


def distinct_lesions(ctx: ClaimContext, first: ClaimLine, second: ClaimLine) -> bool | None:
    """True if the chart shows different lesions or sites, False if the same lesion, None if it cannot tell."""
    lesion = same_lesion(ctx, first, second)
    if lesion is not None:
        return not lesion
    a, b = ctx.doc(first), ctx.doc(second)
    if a.body_region and b.body_region and a.body_region != b.body_region:
        return True
    if a.laterality and b.laterality and a.laterality != b.laterality:
        return True
    return None


def has_distinct_modifier(line: ClaimLine, others: Iterable[ClaimLine] = ()) -> bool:
    """A distinct-service modifier (59/X{EPSU}), or an anatomic modifier none of `others` carries."""
    mods = set(line.modifiers)
    if mods & DISTINCT_SERVICE:
        return True
    anatomic = mods & ANATOMIC
    if not anatomic:
        return False
    return all(not (anatomic & set(other.modifiers)) for other in others)


def amount(ctx: ClaimContext, code: str | None, units: int, day: date) -> Decimal:
    """National amount of `units` of `code` (0 when the code or the fee schedule is unknown)."""
    if not code or units <= 0:
        return Decimal("0.00")
    return ctx.revenue(code, units, day) or Decimal("0.00")


def delta(ctx: ClaimContext, day: date, before: Iterable[tuple[str, int]], after: Iterable[tuple[str, int]]) -> Decimal:
    """Revenue change from billing `before` (code, units) to `after`: + is more for the practice.

    Units are netted per code first, and each code's units added (or removed) are priced once
    (units x RVU x CF, rounded once): one more 17312 is +$402.81, as a coder prices it, not the difference
    of the two separately rounded totals (x2 $805.63 - x1 $402.81 = $402.82).
    """
    net: dict[str, int] = {}
    for code, units in after:
        net[code] = net.get(code, 0) + units
    for code, units in before:
        net[code] = net.get(code, 0) - units
    total = Decimal("0.00")
    for code, units in net.items():
        total += amount(ctx, code, units, day) if units > 0 else -amount(ctx, code, -units, day)
    return total


def priced_delta(
    ctx: ClaimContext, day: date, before: Iterable[tuple[str, int]], after: Iterable[tuple[str, int]]
) -> Decimal | None:
    """`delta`, or None when a code on either side is not priced in the fee schedule in force (no fake $0.00)."""
    before, after = list(before), list(after)
    if any(ctx.revenue(code, 1, day) is None for code, _ in (*before, *after)):
        return None
    return delta(ctx, day, before, after)


def is_addon(ctx: ClaimContext, code: str, day: date) -> bool:
    """ZZZ global in the RVU file in force, else listed in the add-on code table."""
    fee = ctx.fee(code, day)
    if fee is not None:
        return fee.is_addon
    table = ctx.addons(day)
    return table is not None and table.get(code) is not None


def priced(value: Decimal | None) -> str:
    """`money(value)`, or "not priced in the packaged fee schedule" for a `priced_delta` of None."""
    return money(value) if value is not None else "not priced in the packaged fee schedule"


def mue_flags(ctx: ClaimContext, code: str, units: int, day: date) -> bool:
    """True when the MUE table in force already flags these units (the MUE rules report and fix them)."""
    table = ctx.mue(day)
    edit = table.get(code) if table is not None else None
    return edit is not None and units > edit.value


def money(value: Decimal | None) -> str:
    """`+$25.72` / `-$148.97` for messages."""
    if value is None:
        return "n/a"
    sign = "-" if value < 0 else "+"
    return f"{sign}${abs(value):.2f}"


def fmt_cm(value: float) -> str:
    return f"{value:.1f} cm"


def dx_classes(ctx: ClaimContext, line: ClaimLine) -> list[tuple[str, str | None]]:
    """The line's pointed diagnoses with their class (malignant, benign, uncertain, premalignant, screening)."""
    table = ctx.families
    return [(dx, table.diagnosis_class(dx)) for dx in ctx.diagnoses(line)]


def lesion_type(ctx: ClaimContext, line: ClaimLine) -> str | None:
    """The documented lesion type (final pathology where there is one)."""
    return ctx.doc(line).lesion_type
