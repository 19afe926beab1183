"""EXC004: a second excision of the same family on one date without a distinct-lesion modifier."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.excision import FAMILIES
from rules.facts.lesions import lines_needing_distinct_modifier
from rules.facts.sites import EXCISION_CODES, amount, family_lines
from rules.model import Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="EXC004", slug="second-excision-without-distinct-modifier", status=Stable("0.1.0"))
class SecondExcisionWithoutDistinctModifier(Rule):
    """A second excision in the same family on the same date without a distinct-lesion modifier.

    ## What it does
    Each excised lesion is its own line. When two or more benign (or two or more malignant) excisions are
    billed on one date, every line but one needs a modifier that shows it is a separate lesion: the
    payer's distinct-service modifier (XS for Medicare, 59 for payers without X modifiers) or an anatomic
    modifier the others do not carry. Any one line may be the bare one (11400 + 11402-XS is complete);
    when several are bare, the highest-valued of them stays as billed and each other is flagged.

    ## Why is this bad?
    Without it, the payer reads the lines as a duplicate or as multiple units of one lesion and denies the
    second excision. A modifier must describe a real distinct lesion, never only pass an edit.

    ## Example
    11603 (lesion A, back) + 11402 (lesion B, arm) + 11401 (lesion C, leg): 11402-XS, 11401-XS (the
    malignant one stands alone in its family). 11402 + 11401 both benign -> 11401-XS.

    ## Fix safety
    `safe` only when the chart documents different lesion ids or body sites for the lines; otherwise
    `needs_documentation`. Two lines documenting the same lesion id, or two lines of one code and
    modifiers that nothing tells apart, are left to the duplicate-line rule (DUP001).

    ## References
    AMA CPT 2026 excision guidelines (11400-11646: each lesion excised is reported separately); NCCI
    Policy Manual ch. I (modifiers 59/X{EPSU}; MUE MAI 1: additional
    lesions on separate lines with anatomic or distinct modifiers); CMS MCD article A53399 and CMS X{EPSU}
    guidance (2015); Med3000 / medicalcodingcorner examples (11603, 11402-59, 11401-59).
    """

    name = "Second excision without a distinct-lesion modifier"
    category = Category.MODIFIER_MISSING
    severity = Severity.ERROR
    reference = "AMA CPT excision guidelines (each lesion excised is reported); CMS article A53399 (59/X{EPSU})"
    triggers = EXCISION_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        modifier = ctx.profile.distinct_modifier
        for family in FAMILIES:
            for day, lines in family_lines(ctx, family):
                if len(lines) < 2:
                    continue
                # The highest-valued line is the natural one to leave bare; a group where any one line is bare
                # and every other already carries a distinct or distinguishing anatomic modifier is accepted.
                ordered = sorted(lines, key=lambda ln: -amount(ctx, ln.code, 1, day))
                for found in lines_needing_distinct_modifier(ctx, ordered):
                    line, kept = found.line, found.kept
                    kind = family.removeprefix("excision_")
                    yield self.finding(
                        [line.line_id, kept.line_id],
                        f"{len(lines)} {kind} excisions on {day} (lines {', '.join(ln.line_id for ln in ordered)}): "
                        f"each excised lesion is its own line and every line but one needs a distinct-lesion "
                        f"modifier or the payer denies it as a duplicate. Line {kept.line_id} ({kept.code}, the "
                        f"highest-valued line without a modifier) stays as billed; line {line.line_id} ({line.code}) "
                        "needs the modifier. "
                        + (
                            f"The chart documents a different lesion/site: append {modifier} to line "
                            f"{line.line_id} ({line.code})."
                            if found.documented
                            else f"Only if the chart documents a separate lesion, append {modifier} to line "
                            f"{line.line_id} ({line.code}); document lesion id and site for each excision."
                        ),
                        fix=found.fix(modifier),
                    )
