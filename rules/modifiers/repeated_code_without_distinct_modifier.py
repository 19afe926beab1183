"""MOD012: a per-lesion code billed on several lines of one date without a distinct-lesion modifier."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from schemas.claim import ClaimLine

from rules.facts.context import ClaimContext
from rules.facts.lesions import Unmarked, lines_needing_distinct_modifier
from rules.facts.sites import MALIGNANT_DESTRUCTION_CODES, family
from rules.model import Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule
from rules.scope import ClaimShape, EditIndex

# Families whose primary code describes one lesion, so that each further lesion is another line of the same code:
# malignant destruction (CPT 17260-17286, one line per lesion) and the first Mohs stage of each lesion (17311/17313).
# Excisions are EXC004's (which also groups different codes of one family).
PER_LESION_FAMILIES = frozenset({"destruction_malignant", "mohs"})


@register(code="MOD012", slug="repeated-code-without-distinct-modifier", status=Stable("0.1.0"))
class RepeatedCodeWithoutDistinctModifier(Rule):
    """The same per-lesion code on several lines of one date, with no modifier telling the lesions apart.

    ## What it does
    Groups the lines of one date of service that bill the same malignant destruction (17260-17286) or
    first-stage Mohs code (17311, 17313): codes that describe one lesion, so each further lesion is
    another line of the same code. Every line but one must carry the payer's distinct-service modifier
    (XS for Medicare, 59 for a payer profile without X modifiers) or an anatomic modifier the other lines
    do not carry; any one line may be the bare one. Each further bare line is flagged. E/M codes, add-on
    codes (whose units count stages or lesions on one line), codes whose further lesions are counted in
    units or an add-on (biopsies, 17000-17004, 17110/17111, skin tags) and repairs (lengths are summed)
    are not in scope; excisions are EXC004's. Lines the chart shows to be the same lesion, or that
    nothing tells apart, are left to DUP001.

    ## Why is this bad?
    Two lines with the same code and date and no modifier are denied as an exact duplicate (CARC 18,
    group OA), and a line-edit MUE (MAI 1, one unit per line) is passed for additional lesions only by
    separate lines with an anatomic or distinct-service modifier. The modifier must describe a real
    separate lesion or site, never only pass an edit.

    ## Example
    17263 (lesion A, arm) + 17263 (lesion B, leg) -> 17263 + 17263-XS.
    17311 + 17312 (lesion A, nose) + 17311 (lesion B, ear) -> 17311, 17312, 17311-XS.

    ## Fix safety
    Appending the distinct modifier is `safe` only when the chart documents a different lesion id, body
    region or laterality for the line than for the lines before it; otherwise it `needs_documentation`
    (document each lesion's id and site first).

    ## References
    NCCI Policy Manual ch. I (modifiers 59 and X{EPSU}: different site, lesion or encounter, never only to
    bypass an edit; MUEs: MAI 1 line edits, additional units on separate lines with anatomic or 59/X
    modifiers); CMS MLN "Proper Use of the -XE, -XS, -XP, -XU Modifiers" (XS for a separate structure;
    anatomic modifiers document distinct sites); AMA CPT 2026 17260-17286 and 17311/17313 descriptors (one
    lesion each); CMS NCCI MUE page (MAI 1: documented additional units may be reported on separate lines
    with 59/anatomic modifiers); X12 CARC 18 (exact duplicate); CMS CR 8863 (X{EPSU}).
    """

    name = "Same per-lesion code on several lines without a distinct-lesion modifier"
    category = Category.MODIFIER_MISSING
    severity = Severity.ERROR
    reference = "NCCI Policy Manual ch. I (59/X{EPSU}; MUE MAI 1 separate lines); X12 CARC 18 (exact duplicate)"
    triggers = MALIGNANT_DESTRUCTION_CODES | frozenset({"17311", "17313"})

    def may_find(self, shape: ClaimShape, index: EditIndex) -> bool:
        # Skipped when every line bills a different code: nothing is repeated.
        return shape.repeats_code

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        modifier = ctx.profile.distinct_modifier
        for day, lines in ctx.by_date.items():
            groups: dict[str, list[ClaimLine]] = {}
            for line in lines:
                entry = family(ctx, line.code)
                if entry is not None and entry.is_primary and entry.family in PER_LESION_FAMILIES:
                    groups.setdefault(line.code, []).append(line)
            for code, same in groups.items():
                if len(same) < 2 or self._over_daily_mue(ctx, day, code, same):
                    continue
                for found in lines_needing_distinct_modifier(ctx, same):
                    yield self._finding(ctx, day, code, same, found, modifier)

    @staticmethod
    def _over_daily_mue(ctx: ClaimContext, day: date, code: str, lines: list[ClaimLine]) -> bool:
        """A date-of-service MUE (MAI 2/3) the lines exceed: no modifier passes it, MUE002 reports it."""
        table = ctx.mue(day)
        edit = table.get(code) if table is not None else None
        return edit is not None and edit.mai in (2, 3) and sum(line.units for line in lines) > edit.value

    def _finding(
        self, ctx: ClaimContext, day: date, code: str, lines: list[ClaimLine], found: Unmarked, modifier: str
    ) -> Finding:
        line, kept = found.line, found.kept
        shown = ", ".join(ln.line_id for ln in lines)
        if found.documented:
            todo = (
                f"The chart documents a different lesion or site for line {line.line_id}: append {modifier} to "
                f"line {line.line_id} ({code})."
            )
        else:
            todo = (
                f"Only if line {line.line_id} is a separate lesion, append {modifier} to it; the chart must "
                f"document each lesion's id and site (body region or side) for every {code} line."
            )
        return self.finding(
            [line.line_id, kept.line_id],
            f"{code} is billed on lines {shown} for {day} and line {line.line_id} carries no modifier telling it "
            f"apart: {code} describes one lesion, so every line but one needs a distinct-lesion modifier "
            f"({modifier}, or an anatomic modifier the other lines do not carry); line {kept.line_id} stays as "
            "billed. Without it the repeat is denied as an exact duplicate (OA-18) or by the code's per-line MUE. "
            f"{todo}",
            fix=found.fix(modifier),
        )
