"""What CPT says about the units of a code when an MUE caps them: a code-family recode, or lines per lesion.

Shared by MUE001 (line edits, MAI 1) and MUE002 (date-of-service edits, MAI 2/3): units above an MUE are
not always simply cut. A code-family rule may recode the lines into other codes (11104 x2 -> 11104 + 11105,
17000 x3 -> 17000 + 17003 x2, 15 AKs -> 17004, two 12041 lines -> 12042), and only a code CPT reports once per
lesion (excisions, malignant destructions, shave removals) may carry further units on separate lines.
"""

from __future__ import annotations

from datetime import date

from schemas.claim import ClaimLine

from rules.data.families import CodeFamilies, FamilyEntry
from rules.facts.biopsy import FAMILY as BIOPSY
from rules.facts.biopsy import describe, plans
from rules.facts.context import ClaimContext
from rules.facts.debridement import DEBRIDEMENT_CODES, debridement_recode
from rules.facts.destruction import PREMALIGNANT, by_role, counts_every_line, premalignant_count, session_count
from rules.facts.nails import NAIL_DEBRIDEMENT, nail_debridement_recode
from rules.facts.repair import coding, groups, kind_of
from rules.facts.sites import SHAVE_CODES

# What a code reported once per lesion measures (code_families.csv): the excised diameter of each excision
# (CPT 11400-11646), the diameter of each malignant lesion destroyed (17260-17286).
_PER_LESION_MEASURES = frozenset({"excised_diameter_cm", "lesion_diameter_cm"})


def reported_per_lesion(families: CodeFamilies, code: str) -> bool:
    """Whether CPT reports `code` once per lesion, so units beyond a line edit may go on separate lines (one
    lesion each): excisions 11400-11646, malignant destructions 17260-17286 and shave removals 11300-11313
    ("single lesion"). Not a code whose further lesions are its add-on (11102 -> +11103, 17000 -> +17003), a
    count range (17004 "15 or more", 17110 "up to 14"), a summed length (repairs) or a code outside the
    families (its descriptor decides)."""
    if code in SHAVE_CODES:
        return True
    entry = families.get(code)
    return (
        entry is not None
        and entry.is_primary
        and entry.measure in _PER_LESION_MEASURES
        and families.addon_of(code) is None
    )


def family_recode(ctx: ClaimContext, day: date, code: str, lines: list[ClaimLine]) -> str | None:
    """Why the family rules recode these lines into other codes ("15 lesions documented are 17004"), or None.

    Biopsies: the BIO rules' plan recodes them (one primary, the others on the add-on). Premalignant
    destruction: DES002's count (documented, else billed units that are plainly lesion counts) selects another
    code, or moves further lesions billed on 17000 to +17003. Other counted families (benign destruction, skin
    tags, paring of corns and calluses): the documented session count selects another code (20 warts on 17110 x2
    are 17111, DES004; 3 calluses on 11055 x3 are 11056, PAR001). Nail debridement: the documented nails select
    the code (7 nails on 11720 x2 are 11721, NAI001).
    Repairs: the summed documented lengths of the complexity's site group select the code, e.g. two 12041
    lines of 2.0 + 1.5 cm are 12042 (REP003). Debridement: a documented depth or summed area at one depth
    selects the codes (two 11042 lines of 15 + 12 sq cm are 11042 + 11045, DEB001). None otherwise: the MUE
    reduction is then the fix.
    """
    if code in DEBRIDEMENT_CODES:
        return debridement_recode(ctx, day, code)
    table = ctx.families
    entry = table.get(code)
    if entry is None:
        return None
    if entry.family == BIOPSY:
        return _biopsy_recode(ctx, day, lines)
    if entry.family == PREMALIGNANT:
        return _premalignant_recode(ctx, day, entry, lines)
    if entry.family == NAIL_DEBRIDEMENT:
        return nail_debridement_recode(ctx, day, code)
    if entry.measure == "lesions" and entry.count_min is not None:
        family = [ln for ln in ctx.by_date[day] if table.family_of(ln.code) == entry.family]
        count = session_count(ctx, family)
        target = table.counted(entry.family, count) if count is not None else None
        if target is None:
            return None
        return (
            f"{count} lesions documented are {target.code}"
            if target.code not in (code, _primary_of(ctx, entry))
            else None
        )
    if entry.measure == "repair_length_cm" and not entry.is_addon:
        # Repairs are grouped by the CPT anatomic group their own documentation names before any unit check: lines
        # of one code documented in two groups (12032 on the trunk and 12032 on the neck) are two repairs, each
        # coded in its group (REP004 recodes the neck one to 12042), never merged into one unit of the code.
        spread = [
            group
            for group in groups(ctx, day)
            if kind_of(entry) == group.kind and any(line in group.primaries for line in lines)
        ]
        if len(spread) > 1:
            names = " and ".join(group.site_group.replace("_", "/") for group in spread)
            kind = kind_of(entry)
            return f"the {code} lines are {kind} repairs documented in {len(spread)} anatomic groups ({names})"
        for group in spread:
            lengths = [ctx.doc(line).repair_length_cm for line in group.primaries]
            if len(group.primaries) < 2 or any(length is None for length in lengths):
                return None
            total = sum(length for length in lengths if length is not None)
            region = next((r for line in group.primaries if (r := ctx.doc(line).body_region)), None)
            want = coding(ctx, group.kind, total, region, group.site_group)
            if want is None or want.primary.code == code:
                return None
            return f"{total:.1f} cm of {group.kind} repair summed in one anatomic group is {want.text()}"
    return None


def _primary_of(ctx: ClaimContext, entry: FamilyEntry) -> str:
    """The primary an add-on continues (17003 -> 17000); the code itself for a primary."""
    if not entry.is_addon:
        return entry.code
    table = ctx.families
    return next(
        (e.code for e in table.in_family(entry.family) if (a := table.addon_of(e.code)) and a.code == entry.code),
        entry.code,
    )


def _biopsy_recode(ctx: ClaimContext, day: date, lines: list[ClaimLine]) -> str | None:
    """The biopsy rules (BIO001-BIO004, one plan in rules/facts/biopsy.py) recode these lines: a primary billed
    with more units (11104 x2 -> 11104 + 11105) or on several lines (two 11102 -> 11102 + 11103)."""
    ids = {line.line_id for line in lines}
    table = ctx.families
    for plan in plans(ctx):
        if plan.day != day:
            continue
        for planned in plan.lines:
            if planned.line.line_id not in ids:
                continue
            addon = table.addon_of(planned.target.code)
            split = planned.target.is_primary and planned.line.units > 1 and addon is not None
            if planned.changes or split:
                how = (
                    f"recode {_lines(ids)} to {describe(plan)}"
                    if planned.changes or len(ids) > 1
                    else f"bill line {planned.line.line_id} as {planned.target.code} x1 and its other "
                    f"{planned.line.units - 1} unit(s) as +{addon.code if addon else 'add-on'}"
                )
                return (
                    f"the biopsy rules {how} (one primary biopsy per encounter, every other biopsy on the add-on of "
                    "its technique)"
                )
    return None


def _premalignant_recode(ctx: ClaimContext, day: date, entry: FamilyEntry, lines: list[ClaimLine]) -> str | None:
    """What DES002 recodes these lines to, from its own count (documented, else the billed units when they are
    plainly lesion counts): 15 or more lesions on 17000/17003 are 17004 (or fewer on 17004 are 17000 + 17003),
    and further lesions billed as more 17000 units or lines move to +17003."""
    table = ctx.families
    family = [ln for ln in ctx.by_date[day] if table.family_of(ln.code) == PREMALIGNANT]
    judged = premalignant_count(ctx, family)
    target = table.counted(PREMALIGNANT, judged[0]) if judged is not None else None
    if judged is None or target is None:
        return None
    count, documented = judged
    source = "documented" if documented else "billed"
    if target.code not in (entry.code, _primary_of(ctx, entry)):
        return f"{count} lesions {source} are {target.code}"
    addon = table.addon_of(entry.code)
    if entry.code != target.code or addon is None:
        return None
    roles = by_role(ctx, family)
    want = table.addon_units(addon, count)
    billed = sum(line.units for line in roles["addon"])
    moved = (len(lines) == 1 and lines[0].units > 1) or (
        len(lines) > 1
        and documented
        and not roles["alone"]
        and counts_every_line(ctx, roles["primary"], roles["addon"])
    )
    if moved and want > billed:
        return f"{count} lesions {source} are {entry.code} x1 + {addon.code} x{want} (DES002)"
    return None


def _lines(ids: set[str]) -> str:
    ordered = sorted(ids, key=lambda i: (len(i), i))
    return f"line {ordered[0]}" if len(ordered) == 1 else f"lines {', '.join(ordered)}"
