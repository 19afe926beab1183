"""Which rule owns a line's (or a pair's) answer, so a claim gets one answer per line, and the one table of
genuine precedences between rules.

A rule that meets a line another rule answers better (with the family's own logic, its revenue figure and its
policy) leaves it to that rule. The decision lives here, as facts every rule reads, not inside rule bodies:
`PRECEDENCE` names each (owner, deferring rule) pair and why, and the facts below say, for one claim, which lines
or pairs each owner takes. tests/rules/test_registry.py checks that every rule named here exists.
"""

from __future__ import annotations

from datetime import date

from schemas.claim import ClaimLine

from rules.facts.context import ClaimContext
from rules.facts.destruction import BENIGN, PREMALIGNANT
from rules.facts.repair import Group, coding, groups, included_repairs

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
}

# Code families whose PTP edits among themselves encode a CPT counting instruction ("17004 ... reported alone",
# "17111 ... 15 or more"): DES001-DES004 judge them from the lesion count, which says which code is wrong.
COUNTED_FAMILIES = frozenset({PREMALIGNANT, BENIGN})

NO_ANSWERS: tuple[frozenset[str], dict[str, frozenset[str]]] = (frozenset(), {})


def counted_family_pair(ctx: ClaimContext, first: ClaimLine, second: ClaimLine) -> bool:
    """Both lines are of one counted destruction family (17004 with 17000/17003, 17111 with 17110): DES001-DES004
    answer the pair from the lesion count."""
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
