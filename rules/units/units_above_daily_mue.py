"""MUE002: units of a code on one date of service above its date-of-service MUE (MAI 2 or 3)."""

from __future__ import annotations

from collections.abc import Iterator

from schemas.claim import ClaimLine

from rules.context import ClaimContext
from rules.data.ncci import MueEdit
from rules.model import Applicability, Category, Finding, Fix, FixAction, Rule, Severity, Stable
from rules.registry import register
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
    (11102 -> +11103) are left to the family rules to recode; the merge is then advice only. A MAI 2
    value follows from the code's definition or CMS policy (17004 "15 or more lesions" is one unit; 17003
    covers lesions 2-14, at most 13 units).

    ## Example
    17004 x2 -> 17004 x1. 17003 x9 + 17003 x6 on one day -> one 17003 line x13 (MAI 2).

    ## Fix safety
    MAI 2: `safe` (units above the MUE can never be paid), except merging several lines of a code with a
    family add-on (`display_only`: the family rules recode them). MAI 3: `display_only` (appealable with
    documentation). An MUE of 0 (not payable) under MAI 2 removes the lines (`safe`).

    ## References
    NCCI Policy Manual ch. I and CMS MUE page (MAI 2 absolute, MAI 3 clinical); FCSO "Medically unlikely
    edits"; AAPC blog 44087 "Don't chase your tail over medically unlikely edits".
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
                    yield self._finding(code, same, total, edit, further)

    def _finding(self, code: str, lines: list[ClaimLine], total: int, edit: MueEdit, addon: str | None) -> Finding:
        ids = tuple(line.line_id for line in lines)
        where = f"line {ids[0]}" if len(ids) == 1 else f"lines {', '.join(ids)}"
        absolute = edit.mai == 2
        # Lines of a code whose further units are another code's (11102 -> +11103) are recoded by the family
        # rules; merging them here would throw those units away, so the merge is advice only.
        recoded = addon is not None and len(ids) > 1
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
        if recoded:
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
