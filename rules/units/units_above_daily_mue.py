"""MUE002: units of a code on one date of service above its date-of-service MUE (MAI 2 or 3)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from schemas.claim import ClaimLine

from rules.context import ClaimContext
from rules.data.ncci import MueEdit
from rules.destruction._common import session_count
from rules.model import Applicability, Category, Finding, Fix, FixAction, Rule, Severity, Stable
from rules.registry import register
from rules.repair._common import coding, groups, kind_of
from rules.scope import ClaimShape, EditIndex
from rules.units.units_above_line_mue import DENIAL


@register(code="MUE002", slug="units-above-daily-mue", status=Stable("0.1.0"))
class UnitsAboveDailyMue(Rule):
    """Units of a code on one date of service above its date-of-service MUE (MAI 2 or MAI 3).

    ## What it does
    Adds the units of every line with the same code and date of service and compares the total with the
    practitioner MUE in force (the payer profile may lay its own values over it):
    - MAI 2 (policy, absolute): error; the lines are set (or merged) to the MUE. No modifier bypasses it.
    - MAI 3 (clinical): warning; units above the MUE are denied but payable on appeal with documentation
      of medical necessity, so the reduction is advice only.

    ## Why is this bad?
    Date-of-service MUEs are adjudicated across all lines of the day: splitting units over lines or adding
    59/X{EPSU} does not get past them. Several lines of a code whose further services take an add-on
    (11102 -> +11103), and lines the family rules recode into another code of the family (a lesion count
    that is 17004 or 17111, repair lengths that sum to a larger step), are left to the family rules: a unit
    cut alone would under-bill, so the reduction is then advice only. A MAI 2 value follows from the
    code's definition or CMS policy (17004 "15 or more lesions" is one unit; 17003 covers lesions 2-14, at
    most 13 units).

    ## Example
    17004 x2 -> 17004 x1. 17000 + 17003 x9 + 17003 x6 with 14 lesions documented -> one 17003 line x13
    (MAI 2). 17000 + 17003 x14 for 15 AKs: advice only, DES002 recodes to 17004. Two 12041 lines of 2.0 +
    1.5 cm: advice only, REP003 recodes to 12042.

    ## Fix safety
    MAI 2: `safe` (units above the MUE can never be paid), except merging several lines of a code with a
    family add-on, or lines whose documented (or, for 17000/+17003, billed) lesion count or summed repair
    length is another code of the family (`display_only`: the family rules recode them; the message says to
    what). MAI 3: `display_only` (appealable with documentation). An MUE of 0 (not payable) under MAI 2
    removes the lines (`safe`).

    ## References
    NCCI Policy Manual ch. I and CMS MUE page (MAI 2 absolute, MAI 3 clinical); FCSO "Medically unlikely
    edits"; AAPC blog 44087 "Don't chase your tail over medically unlikely edits"; AMA CPT 17000-17004,
    17110-17111 descriptors and repair guidelines (summed lengths), coding-rules.md "Destruction", "Repairs".
    """

    name = "Units per day above the date-of-service MUE"
    category = Category.MUE_EXCEEDED
    severity = Severity.ERROR
    reference = "CMS NCCI MUE, MAI 2 (policy, absolute) and MAI 3 (clinical, appealable); NCCI Policy Manual ch. I"

    def may_find(self, shape: ClaimShape, index: EditIndex) -> bool:
        # Skipped when one unit of each code a day exceeds only an MUE of 0.
        return shape.multi_unit or shape.repeats_code or not shape.codes.isdisjoint(index.mue_zero_codes)

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for day, lines in ctx.by_date.items():
            table = ctx.mue(day)
            if table is None:
                continue
            by_code: dict[str, list[ClaimLine]] = {}
            for line in lines:
                by_code.setdefault(line.code, []).append(line)
            for code, same in by_code.items():
                edit = table.get(code)
                if edit is None or edit.mai not in (2, 3):
                    continue
                total = sum(line.units for line in same)
                if total > edit.value:
                    addon = ctx.ruleset.families.addon_of(code)
                    further = addon.code if addon is not None and addon.code != code else None
                    successor = _family_recode(ctx, day, code, same)
                    yield self._finding(code, same, total, edit, further, successor)

    def _finding(
        self, code: str, lines: list[ClaimLine], total: int, edit: MueEdit, addon: str | None, successor: str | None
    ) -> Finding:
        ids = tuple(line.line_id for line in lines)
        where = f"line {ids[0]}" if len(ids) == 1 else f"lines {', '.join(ids)}"
        absolute = edit.mai == 2
        # Lines of a code whose further units are another code's (11102 -> +11103), or that the family rules
        # recode into another code of the family (17000 + 17003 x14 -> 17004; two 12041 summing 3.5 cm ->
        # 12042), are the family rules' to fix; cutting the units here would under-bill, so it is advice only.
        recoded = (addon is not None and len(ids) > 1) or successor is not None
        applicability = Applicability.SAFE if absolute and not recoded else Applicability.DISPLAY_ONLY
        if edit.value == 0:
            fix = Fix(FixAction.REMOVE_LINE, applicability, ids, f"remove {code}")
            todo = f"Remove {where}: an MUE of 0 means Medicare does not pay {code}."
        elif len(ids) == 1:
            fix = Fix(FixAction.SET_UNITS, applicability, ids, f"{code} x{edit.value}", units=edit.value)
            todo = f"Set {where} to {edit.value} unit(s)."
        else:
            fix = Fix(FixAction.MERGE_LINES, applicability, ids, f"one {code} line x{edit.value}", units=edit.value)
            todo = f"Bill one {code} line with {edit.value} unit(s) instead of {where}."
        if successor is not None:
            todo = (
                f"But {successor}: apply the code-family recode reported for these lines instead; cutting {code} to "
                f"{edit.value} unit(s) alone would under-bill."
            )
        elif recoded:
            todo = f"{todo} Further services are reported with its add-on {addon}, not as more {code} lines."
        if absolute:
            kind = "MAI 2, a policy edit: no modifier or documentation bypasses it"
        else:
            todo = f"{todo} Units above it are denied but can be appealed with documentation of medical necessity."
            kind = "MAI 3, a clinical edit"
        return self.finding(
            ids,
            f"{code} is billed x{total} on {lines[0].service_date} ({where}), above its MUE of {edit.value} per day "
            f"({kind}; {edit.rationale}). {DENIAL}. {todo}",
            fix=fix,
            severity=Severity.ERROR if absolute else Severity.WARNING,
        )


def _family_recode(ctx: ClaimContext, day: date, code: str, lines: list[ClaimLine]) -> str | None:
    """Why the family rules recode these lines into another code ("15 lesions documented are 17004"), or None.

    Counted families (destruction, skin tags): the session's lesion count (documented, else the billed units of
    a primary and its one-lesion add-on, as DES002 counts them) selects the code, e.g. 15 AKs on 17000 +
    17003 x14 are 17004 (DES002). Repairs: the summed documented lengths of the complexity's site group select
    the code, e.g. two 12041 lines of 2.0 + 1.5 cm are 12042 (REP003). None when that code is `code` (or the
    primary of the add-on `code`): the MUE reduction is then the fix.
    """
    table = ctx.ruleset.families
    entry = table.get(code)
    if entry is None:
        return None
    if entry.measure == "lesions" and entry.count_min is not None:
        family = [ln for ln in ctx.by_date[day] if table.family_of(ln.code) == entry.family]
        count = session_count(ctx, family)
        source = "documented"
        roles = {e.role: e for ln in family if (e := table.get(ln.code)) is not None}
        if count is None and "alone" not in roles and "addon" in roles and roles["addon"].per == 1:
            count, source = sum(ln.units for ln in family), "billed"  # 17000 + 17003 units count the lesions
        target = table.counted(entry.family, count) if count is not None else None
        if target is None:
            return None
        own = code
        if entry.is_addon:
            own = next(
                (e.code for e in table.in_family(entry.family) if (a := table.addon_of(e.code)) and a.code == code),
                code,
            )
        return f"{count} lesions {source} are {target.code}" if target.code not in (code, own) else None
    if entry.measure == "repair_length_cm" and not entry.is_addon:
        for group in groups(ctx, day):
            if kind_of(entry) != group.kind or not any(line in group.primaries for line in lines):
                continue
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
