"""MUE001: a line's units above the MUE of a line-edit (MAI 1) code."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from schemas.claim import ClaimLine

from rules.data.ncci import MueEdit
from rules.facts.context import ClaimContext
from rules.facts.recode import family_recode, reported_per_lesion
from rules.fixes import add_line, remove_line, set_units
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule
from rules.scope import ClaimShape, EditIndex

DENIAL = "Over-MUE units are denied as CARC 151 or CO-96 + N362 (not CO-97)"
# What each MUE adjudication indicator means (CMS NCCI MUE page; FCSO MUE FAQ; AAPC blog 44087).
MAI_MEANING = {
    1: "MAI 1 is a claim-line edit: further units are payable on separate lines with an anatomic or distinct "
    "modifier when the chart documents separate lesions or sites",
    2: "MAI 2 is a date-of-service policy edit: no modifier or documentation bypasses it",
    3: "MAI 3 is a date-of-service clinical edit: units above it are payable on appeal with documentation",
}


def mue_basis(ctx: ClaimContext, day: date, edit: MueEdit) -> str:
    """Where an MUE value and its MAI come from, for messages: the payer profile's own row, else the MUE table
    edition loaded for the date. A curated row (where the CMS file could not be obtained) gives its
    basis, e.g. `per the loaded MUE table (mue-x; MAI 2; curated: CPT 17000 'first lesion' ...)`; a row of
    the CMS file its rationale."""
    if ctx.profile.mue_overrides.get(edit.code) is edit:
        return f"per payer profile {ctx.profile.name} ({edit.source or 'its own MUE row'}; MAI {edit.mai})"
    label = ctx.edition_label("mue", day) or "edition unknown"
    if edit.source.lower().startswith("curated"):
        return f"per the loaded MUE table ({label}; MAI {edit.mai}; {edit.source})"
    rationale = f"; rationale: {edit.rationale}" if edit.rationale else ""
    return f"per the loaded MUE table ({label}; MAI {edit.mai}{rationale})"


def mai_meaning(edit: MueEdit) -> str:
    return MAI_MEANING.get(edit.mai, f"MAI {edit.mai}")


@register(code="MUE001", slug="units-above-line-mue", status=Stable("0.1.0"))
class UnitsAboveLineMue(Rule):
    """Units on one line above the medically unlikely edit (MUE) of a line-edit code (MAI 1).

    ## What it does
    Looks up each line's code in the practitioner MUE table loaded for its date of service (the payer
    profile may lay its own values over it); the message names the table edition (or payer profile) the
    value and MAI come from (with the CMS rationale, or a curated row's basis). No dermatology code has
    MAI 1 in the official practitioner tables (2024-04-01, 2026): excisions and malignant destructions are
    date-of-service clinical edits (MAI 3), so this rule fires on an operator's or payer's MAI 1 rows.
    For a code with MUE adjudication indicator 1 (line edit), units above the MUE on one line are flagged
    and the line is set to the MUE. Further units may go on separate lines only where CPT allows it: a code
    reported once per lesion (excisions 11400-11646, malignant destructions 17260-17286, shave removals
    11300-11313). When the chart's lesion count on the line supports the billed units, info (revenue)
    findings add the remaining units on new lines of at most the MUE each (a line edit caps every line),
    with the payer's distinct modifier. A code whose further lesions are its add-on (11102 -> +11103,
    17000 -> +17003), a count range (17004, 17110), a summed repair length or a code outside the code
    families gets no new lines: the message says why, and where a code-family rule recodes the line the
    message names that recode instead.

    ## Why is this bad?
    A MAI 1 edit is adjudicated per claim line: the whole line is denied when its units exceed the MUE.
    Additional units are payable only when reported on separate lines with an anatomic or distinct-service
    modifier (separate lesions or sites) and documented. Excisions and malignant destructions are one
    lesion per line. A second line of a code CPT counts otherwise (more 11102 or 17004 lines) is not a
    separate lesion's code and is denied.

    ## Example
    11600 x2 (two malignant lesions excised, documented) -> 11600 x1 + 11600-XS x1.
    11600 x3 with a line MUE of 1 (three lesions documented) -> 11600 x1 + 11600-XS x1 + 11600-XS x1.
    11102 x3 with a line MUE of 1 -> the biopsy rules' 11102 x1 + 11103 x2, no 11102-XS line.
    17004 x2 with a line MUE of 1 -> 17004 x1 (15 or more lesions are one unit).

    ## Fix safety
    Setting the line to the MUE is `safe` (a line above it is denied whole), `display_only` when a code-family
    rule recodes the line (its fix is applied instead). The new lines for the rest are proposed (`safe`)
    only for a code reported once per lesion and when the chart's `lesion_count` supports the units;
    otherwise the message says what documentation would support it.
    An MUE of 0 means Medicare does not pay the code at all: that removal `needs_documentation`.

    ## References
    NCCI Policy Manual ch. I and CMS MUE page (MAI 1 line edit; separate lines with modifiers);
    FCSO "Medically unlikely edits: avoid denials" ; AAPC "Don't chase your tail over MUEs".
    """

    name = "Units on a line above its MUE"
    category = Category.MUE_EXCEEDED
    severity = Severity.ERROR
    reference = "CMS NCCI MUE, MAI 1 (line edit); NCCI Policy Manual ch. I"
    # No static triggers: MUEs exist for nearly every code; the check is one dict lookup per line.

    def may_find(self, shape: ClaimShape, index: EditIndex) -> bool:
        # Skipped when one unit a line exceeds only an MUE of 0.
        return shape.multi_unit or not shape.codes.isdisjoint(index.mue_zero_codes)

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for day, lines in ctx.by_date.items():
            table = ctx.mue(day)
            if table is None:
                continue
            for line in lines:
                edit = table.get(line.code)
                if edit is None or edit.mai != 1 or line.units <= edit.value:
                    continue
                if edit.value == 0:
                    yield self.finding(
                        [line.line_id],
                        f"{line.code} (line {line.line_id}) has an MUE of 0 {mue_basis(ctx, day, edit)}: Medicare "
                        f"does not pay it separately. {DENIAL}. Remove the line unless the payer covers it.",
                        fix=remove_line(line.line_id, f"remove {line.code}", Applicability.NEEDS_DOCUMENTATION),
                    )
                    continue
                yield from self._over(ctx, day, line, edit)

    def _over(self, ctx: ClaimContext, day: date, line: ClaimLine, edit: MueEdit) -> Iterator[Finding]:
        """The line set to the MUE, and the further units on new lines of at most the MUE each where CPT reports
        the code once per lesion and the chart documents the lesions."""
        extra = line.units - edit.value
        modifier = ctx.profile.distinct_modifier
        successor = family_recode(ctx, day, line.code, [line])
        per_lesion = successor is None and reported_per_lesion(ctx.families, line.code)
        lines_needed = -(-extra // edit.value)  # a line edit caps every line: ceil(extra / MUE) new lines
        if successor is not None:
            todo = (
                f"But {successor}: apply that code-family recode instead; more {line.code} units or lines would not "
                "be paid, and the cut alone would under-bill."
            )
        elif per_lesion:
            spread = f"{lines_needed} separate lines of at most {edit.value} each"
            if lines_needed == 1:
                spread = "a separate line"
            todo = (
                f"Bill {edit.value} on line {line.line_id} and report the other {extra} on {spread} with {modifier} "
                "(or an anatomic modifier) only if the chart documents separate lesions or sites."
            )
        else:
            todo = (
                f"Bill {edit.value} on line {line.line_id}. Units above the MUE go on further lines only when CPT "
                f"reports {line.code} once per lesion or site and the chart documents each; "
                f"{self._why_not_split(ctx, line.code)}"
            )
        yield self.finding(
            [line.line_id],
            f"{line.code} (line {line.line_id}) is billed x{line.units}, above its MUE of {edit.value} per "
            f"line {mue_basis(ctx, day, edit)}: the whole line will be denied (MAI 1, a claim-line edit). "
            f"{DENIAL}. {todo}",
            fix=set_units(
                line.line_id,
                edit.value,
                f"{line.code} x{edit.value}",
                Applicability.DISPLAY_ONLY if successor is not None else Applicability.SAFE,
            ),
        )
        count = ctx.doc(line).lesion_count
        if not per_lesion or count is None or count < line.units:
            return
        left = extra
        for number in range(1, lines_needed + 1):
            units = min(edit.value, left)
            left -= units
            where = (
                f"on a new line with {modifier} (one lesion per line)"
                if lines_needed == 1
                else f"on {lines_needed} new lines of at most {edit.value} with {modifier} (the line edit applies to "
                f"each line; this is line {number} of {lines_needed}, x{units})"
            )
            yield self.finding(
                [line.line_id],
                f"The chart documents {count} lesions for line {line.line_id}: report the other {extra} unit(s) "
                f"of {line.code} {where} so they are paid.",
                fix=add_line(
                    line.code, units, f"add {line.code}-{modifier} x{units}", Applicability.SAFE, modifiers=(modifier,)
                ),
                severity=Severity.INFO,
                category=Category.REVENUE_OPPORTUNITY,
                revenue_impact=ctx.revenue(line.code, units, day),
            )

    @staticmethod
    def _why_not_split(ctx: ClaimContext, code: str) -> str:
        families = ctx.families
        entry = families.get(code)
        addon = families.addon_of(code)
        if entry is None:
            return "the code's CPT descriptor decides (no split is proposed)."
        if addon is not None and addon.code != code:
            return f"further lesions are its add-on {addon.code}, not more {code} lines."
        if entry.measure == "repair_length_cm":
            return "a repair is reported once for the summed length of its complexity and anatomic group."
        return f"{code} counts lesions, stages or blocks as its descriptor defines, not one line per lesion."
