"""Which rule owns a line's (or a pair's) answer, so a claim gets one answer per line, and the one table of
genuine precedences between rules.

A rule that meets a line another rule answers better (with the family's own logic, its revenue figure and its
policy) leaves it to that rule. The decision lives here, as facts every rule reads, not inside rule bodies:
`PRECEDENCE` names each (owner, deferring rule) pair and why, and the facts below say, for one claim, which lines
or pairs each owner takes. tests/rules/test_registry.py checks that every rule named here exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from schemas.claim import ClaimLine

from rules.facts.biopsy import BiopsyPlan
from rules.facts.context import ClaimContext
from rules.facts.counted import PARING
from rules.facts.destruction import BENIGN, PREMALIGNANT
from rules.facts.mohs import documented_group
from rules.facts.nails import NAIL_DEBRIDEMENT
from rules.facts.prolonged import level5_codes, prolonged_lines
from rules.facts.repair import Group, coding, groups, included_repairs
from rules.facts.sites import same_lesion
from rules.facts.surgery import EmSituation
from rules.facts.tissue_transfer import TRANSFER_CODES, included_in_transfer

DRAINAGE_FAMILY = "incision_drainage"
INJECTION_FAMILY = "intralesional_injection"
EXCISION_PREFIX = "excision_"

# (owner, deferring rule) -> what the owner answers instead.
PRECEDENCE: dict[tuple[str, str], str] = {
    (
        "REP001",
        "BND001",
    ): "a simple repair the same-lesion excision includes (removed, whatever it is column 2 to)",
    ("REP002", "BND001"): "an intermediate/complex repair of a benign excision of 0.5 cm or less (removed)",
    ("REP003", "BND001"): "repairs of one complexity and anatomic group summed into one line (every length documented)",
    ("MOH005", "BND001"): "a same-lesion biopsy billed with 59 on the Mohs day (the documented exception)",
    ("DES001", "BND001"): "17004 with 17000/+17003 (the lesion count says which code is wrong)",
    ("DES002", "BND001"): "17000/+17003 units against the lesion count",
    ("DES003", "BND001"): "17111 with 17110 (the lesion count says which code is wrong)",
    ("DES004", "BND001"): "17110/17111 against the lesion count",
    ("NAI001", "BND001"): "11721 with 11720 (the nail count says which code is right)",
    ("PAR001", "BND001"): "11056/11057 with 11055 or 11056 (the lesion count says which code is right)",
    ("BIO001", "BIO002"): "a date with more than one biopsy primary billed (one primary per encounter)",
    ("DES003", "DES004"): "17110 and 17111 billed on one date (17111 is reported alone)",
    ("EXC003", "DXM002"): "a benign excision documenting a malignant lesion (recoded to the malignant excision)",
    ("EXC003", "DXM001"): "a malignant excision documenting a benign, uncertain or premalignant lesion (recoded)",
    ("DES005", "DXM001"): "a malignant destruction documenting another lesion type (recoded to its family)",
    ("DES005", "DXM004"): "premalignant destruction lines documenting a benign or malignant lesion (recoded)",
    ("MOH002", "MOH001"): "a Mohs stage line whose own body region is documented (its site group follows it)",
    ("EVM005", "EVM002"): "25 billed in place of 57 on the visit that decided a major procedure",
    ("EVM003", "EVM002"): "the visit the day before a 090-day procedure, chart silent on the decision (57, or remove)",
    (
        "ATT002",
        "BND001",
    ): "an excision/repair of the lesion a tissue transfer closes, billed with 59/X{EPSU}",
    ("REP001", "ATT002"): "a simple repair the same-lesion excision includes (removed by the repair rule)",
    (
        "REP002",
        "ATT002",
    ): "an intermediate/complex repair of a benign excision of 0.5 cm or less (removed)",
    ("REP003", "ATT002"): "repair lines summed into the first line of their group (merged by the repair rule)",
    ("EVM009", "AOC001"): "a prolonged-service add-on with a lower-level office E/M (level 5 by time, or remove)",
    ("IND002", "BND001"): "10060/10061 with an excision of the same lesion (the drainage goes, whichever is column 1)",
    ("IND001", "BND001"): "10060 with 10061 on one date (10061 already reports every abscess drained in the session)",
    ("ILI001", "BND001"): "11900 with 11901 on one date (the session's lesion count says which one code is billed)",
}

# Code families whose PTP edits among themselves encode a CPT counting instruction ("17004 ... reported alone",
# "17111 ... 15 or more", "11721 ... 6 or more", "11057 ... more than 4 lesions", "10061 ... multiple", "11901 ...
# more than 7 lesions"): DES001-DES004, NAI001, PAR001, IND001 and ILI001 judge them from the lesion or nail count,
# which says which code is right.
COUNTED_FAMILIES = frozenset({PREMALIGNANT, BENIGN, NAIL_DEBRIDEMENT, PARING, DRAINAGE_FAMILY, INJECTION_FAMILY})

NO_ANSWERS: tuple[frozenset[str], dict[str, frozenset[str]]] = (frozenset(), {})


def counted_family_pair(ctx: ClaimContext, first: ClaimLine, second: ClaimLine) -> bool:
    """Both lines are of one counted family (17004 with 17000/17003, 17111 with 17110, 11721 with 11720, 11056 with
    11055, 10061 with 10060, 11901 with 11900): DES001-DES004, NAI001, PAR001, IND001 and ILI001 answer the pair
    from the count."""
    family = ctx.families.family_of(first.code)
    return family in COUNTED_FAMILIES and family == ctx.families.family_of(second.code)


def mohs_biopsy_with_59(ctx: ClaimContext, mohs: ClaimLine, biopsy: ClaimLine, distinct: bool | None) -> bool:
    """A biopsy of the Mohs lesion billed with 59 on the Mohs day: MOH005 asks the chart for the exception."""
    families = ctx.families
    first, second = families.get(mohs.code), families.get(biopsy.code)
    return (
        first is not None
        and second is not None
        and first.family == "mohs"
        and second.family == "biopsy"
        and distinct is False
        and "59" in biopsy.modifiers
    )


def repair_answers(ctx: ClaimContext, day: date) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """The repair lines the repair rules answer on `day`, so a pair rule gives no second, contradicting answer.

    - removed: repair lines an excision of the same lesion includes (REP001 simple repairs, REP002 repairs of a
      benign excision of excised diameter 0.5 cm or less: they remove the line, whatever it is column 2 to), and
      repair lines REP003 merges (safely: every length documented) into the first line of their group, which
      carries the summed code;
    - regrouped: the first line of each group REP003 sums, with the lines of its group (the pairs among them
      are answered by the summed code).
    """
    return ctx.day_fact(_repair_answers, day)


def _repair_answers(ctx: ClaimContext, day: date) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    removed = {found.repair.line_id for found in included_repairs(ctx, day)}
    regrouped: dict[str, frozenset[str]] = {}
    for group in groups(ctx, day):
        if len(group.primaries) < 2 or not _summed(ctx, group):
            continue
        first, *rest = group.lines
        removed.update(line.line_id for line in rest)
        regrouped[first.line_id] = frozenset(line.line_id for line in group.lines)
    return frozenset(removed), regrouped


def _summed(ctx: ClaimContext, group: Group) -> bool:
    """REP003 sums the group as a safe fix: every line documents its length and the sum has a code. (Without the
    lengths REP003 can only ask for them, and the pair's own answer stands.)"""
    lengths = [ctx.doc(line).repair_length_cm for line in group.primaries]
    if any(length is None for length in lengths):
        return False
    total = sum(length for length in lengths if length is not None)
    region = next((r for line in group.primaries if (r := ctx.doc(line).body_region)), None)
    return coding(ctx, group.kind, total, region, group.site_group) is not None


def transfer_answers(ctx: ClaimContext, day: date) -> frozenset[str]:
    """ATT002 over BND001: the excision and repair lines of `day` billed with a distinct-service modifier on the
    lesion a tissue transfer of that day closes, less the repair lines the repair rules already remove or merge
    (REP001, REP002, REP003 over ATT002)."""
    return ctx.day_fact(_transfer_answers, day)


def _transfer_answers(ctx: ClaimContext, day: date) -> frozenset[str]:
    if TRANSFER_CODES.isdisjoint(ctx.by_code):
        return frozenset()  # most claims: no tissue transfer at all
    included = included_in_transfer(ctx, day)
    if not included:
        return frozenset()
    removed, _ = repair_answers(ctx, day)
    return frozenset(found.line.line_id for found in included) - removed


# ---- the lines and dates each owner takes from a deferring rule (keys of PRECEDENCE) ----------------------------
def several_primaries(plan: BiopsyPlan) -> bool:
    """BIO001 over BIO002: the date bills more than one biopsy primary."""
    return len(plan.billed_primaries) > 1


def benign_codes_mixed(lines: Sequence[ClaimLine]) -> bool:
    """DES003 over DES004: 17110 and 17111 on one date."""
    return len({line.code for line in lines}) > 1


def malignant_pathology_on_benign_excision(ctx: ClaimContext, line: ClaimLine) -> bool:
    """EXC003 over DXM002: a benign excision line documenting a malignant lesion (EXC003 recodes it)."""
    return ctx.doc(line).lesion_type == "malignant"


def other_pathology_on_malignant_procedure(ctx: ClaimContext, line: ClaimLine) -> bool:
    """EXC003 / DES005 over DXM001: a malignant excision or destruction documenting another lesion type."""
    return ctx.doc(line).lesion_type in ("benign", "uncertain", "premalignant")


def lesion_type_contradicts_premalignant(ctx: ClaimContext, lines: Sequence[ClaimLine]) -> bool:
    """DES005 over DXM004: a premalignant destruction line documenting a benign or malignant lesion."""
    return any(ctx.doc(line).lesion_type in ("benign", "malignant") for line in lines)


def mohs_site_documented(ctx: ClaimContext, line: ClaimLine) -> bool:
    """MOH002 over MOH001: the Mohs line documents its own body region."""
    return documented_group(ctx, line) is not None


def twenty_five_for_fifty_seven(em: EmSituation) -> bool:
    """EVM005 over EVM002: 25 on the visit that decided a major procedure, with no minor procedure that day."""
    return em.decision_visit and not em.minors


def preoperative_day_undecided(em: EmSituation) -> bool:
    """EVM003 over EVM002: the visit the day before a 090-day procedure (the chart silent on the decision)."""
    return bool(em.majors_next_day)


def prolonged_with_lower_level_visit(ctx: ClaimContext, line: ClaimLine) -> bool:
    """EVM009 over AOC001: a prolonged-service line whose date bills an office E/M, none of them level 5."""
    return any(
        found.line is line and found.visit is not None and found.visit.code not in level5_codes()
        for found in prolonged_lines(ctx)
    )


def drainage_of_excised_lesion(ctx: ClaimContext, first: ClaimLine, second: ClaimLine) -> bool:
    """IND002 over BND001: an incision and drainage (10060/10061) and an excision (11400-11646) of one lesion id."""
    families = (ctx.families.family_of(first.code) or "", ctx.families.family_of(second.code) or "")
    paired = (families[0] == DRAINAGE_FAMILY and families[1].startswith(EXCISION_PREFIX)) or (
        families[1] == DRAINAGE_FAMILY and families[0].startswith(EXCISION_PREFIX)
    )
    return paired and same_lesion(ctx, first, second) is True
