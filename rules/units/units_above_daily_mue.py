"""MUE002: units of a code on one date of service above its date-of-service MUE (MAI 2 or 3)."""

from __future__ import annotations

from collections.abc import Iterator

from schemas.claim import ClaimLine

from rules.data.ncci import MueEdit
from rules.facts.context import ClaimContext
from rules.facts.recode import family_recode
from rules.fixes import merge_lines, remove_line, set_units
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule
from rules.scope import ClaimShape, EditIndex
from rules.units.units_above_line_mue import DENIAL, mai_meaning, mue_basis


@register(code="MUE002", slug="units-above-daily-mue", status=Stable("0.1.0"))
class UnitsAboveDailyMue(Rule):
    """Units of a code on one date of service above its date-of-service MUE (MAI 2 or MAI 3).

    ## What it does
    Adds the units of every line with the same code and date of service and compares the total with the
    MUE value and adjudication indicator (MAI) of the MUE table loaded for that date (the payer profile may
    lay its own values over it). The message names where the value comes from: the official CMS MUE table
    edition (e.g. `mue-2026-04-01`) with the row's CMS rationale, or the payer profile.
    - MAI 2 (policy, absolute): error; the lines are set (or merged) to the MUE. No modifier bypasses it.
    - MAI 3 (clinical): warning; units above the MUE are denied but payable on appeal with documentation
      of medical necessity, so the reduction is advice only.

    ## Why is this bad?
    Date-of-service MUEs are adjudicated across all lines of the day: splitting units over lines or adding
    59/X{EPSU} does not get past them. A MAI 2 value follows from the code's definition or CMS policy (17004
    "15 or more lesions" is one unit; 17003 covers lesions 2-14, at most 13 units). When the code-family
    rules recode the over-MUE lines into other codes, cutting the units alone would under-bill: the message
    then names the recode.

    ## Example
    17004 x2 -> 17004 x1. 17000 + 17003 x9 + 17003 x6 with 14 lesions documented -> one 17003 line x13
    (MAI 2). 17000 + 17003 x14 for 15 AKs: advice only, DES002 recodes to 17004. 11104 x2: advice only,
    BIO003 bills 11104 + 11105. Two 17000 lines for 3 + 1 documented AKs: advice only, DES002 bills 17000 +
    17003 x3. Two 12041 lines of 2.0 + 1.5 cm: advice only, REP003 recodes to 12042. Two 17110 lines of 8 + 9
    documented warts: advice only, DES004 merges them into 17111. 17000 documenting its one AK + 17003 x14 (15
    AKs billed): advice only, DES002 recodes to 17004.

    ## Fix safety
    MAI 2: `safe` (units above the MUE can never be paid), except exactly when a code-family rule's own safe
    fixes recode the over-MUE lines into other codes: `display_only` then (the unit cut alone would under-bill;
    the family fix is applied instead). Those recodes are: biopsy primaries billed with more units or on several
    lines (BIO001-BIO004 plan: one primary, the others on the add-on of their technique); 17000 billed with
    more units, or on several lines whose lesion counts are documented, when the count calls for more +17003
    units than billed (DES002); a documented (or, for 17000/+17003, billed) lesion count that is another code
    of the family (17004, 17111, or 17000 + 17003 for fewer than 15 on 17004); a summed repair length that is
    another code (REP003); repair lines of one code that their own documentation places in different CPT
    anatomic groups (12001 on the trunk and 12001 on the cheek), which are separate repairs each coded in its
    group (REP004), never one unit of the code. Otherwise the cut is the fix (17110 x3 for 14 warts, two 17004
    lines, 11200 x2, two undocumented 17000 lines: the message says further lesions are the add-on's, once
    documented).
    MAI 3: `display_only` (correctly coded units are kept; the message names what the appeal needs: the chart
    documenting each unit's lesion, site, size or count and the medical necessity of the extra units).
    An MUE of 0 (not payable) under MAI 2 removes the
    lines (`safe`).

    ## References
    NCCI Policy Manual ch. I and CMS MUE page (MAI 2 absolute, MAI 3 clinical); FCSO "Medically unlikely
    edits"; AAPC blog 44087 "Don't chase your tail over medically unlikely edits"; AMA CPT 17000-17004,
    17110-17111 descriptors and repair guidelines (summed lengths).
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
                    addon = ctx.families.addon_of(code)
                    further = addon.code if addon is not None and addon.code != code else None
                    successor = family_recode(ctx, day, code, same)
                    basis = mue_basis(ctx, day, edit)
                    yield self._finding(code, same, total, edit, basis, further, successor)

    def _finding(
        self,
        code: str,
        lines: list[ClaimLine],
        total: int,
        edit: MueEdit,
        basis: str,
        addon: str | None,
        successor: str | None,
    ) -> Finding:
        ids = tuple(line.line_id for line in lines)
        where = f"line {ids[0]}" if len(ids) == 1 else f"lines {', '.join(ids)}"
        absolute = edit.mai == 2
        # Lines the family rules recode into other codes (11104 x2 -> 11104 + 11105; two 17000 lines for 4 AKs
        # -> 17000 + 17003 x3; 17000 + 17003 x14 -> 17004; two 12041 summing 3.5 cm -> 12042) are theirs to fix:
        # cutting the units here alone would under-bill, so it is advice only. Otherwise the cut is the fix.
        recoded = successor is not None
        applicability = Applicability.SAFE if absolute and not recoded else Applicability.DISPLAY_ONLY
        if edit.value == 0:
            fix = remove_line(ids, f"remove {code}", applicability)
            todo = f"Remove {where}: an MUE of 0 means Medicare does not pay {code}."
        elif len(ids) == 1:
            fix = set_units(ids, edit.value, f"{code} x{edit.value}", applicability)
            todo = f"Set {where} to {edit.value} unit(s)."
        else:
            fix = merge_lines(ids, f"one {code} line x{edit.value}", applicability, units=edit.value)
            todo = f"Bill one {code} line with {edit.value} unit(s) instead of {where}."
        if successor is not None:
            todo = (
                f"But {successor}: apply the code-family recode reported for these lines instead; cutting {code} to "
                f"{edit.value} unit(s) alone would under-bill."
            )
        elif addon is not None:
            todo = (
                f"{todo} If the chart documents further lesions or services, they are its add-on {addon}, not more "
                f"{code} units or lines: document the count and the family rules recode them."
            )
        if not absolute:
            todo = (
                f"{todo} A clinical MUE keeps correctly coded units: units above it are denied, and the appeal "
                f"(redetermination) needs the chart documenting each unit's service (lesion, site, size or count) "
                f"and the medical necessity of more than {edit.value} that day."
            )
        return self.finding(
            ids,
            f"{code} is billed x{total} on {lines[0].service_date} ({where}), above its MUE of {edit.value} per day "
            f"{basis}. {mai_meaning(edit)}. {DENIAL}. {todo}",
            fix=fix,
            severity=Severity.ERROR if absolute else Severity.WARNING,
        )
