"""EXC004: a second excision of the same family on one date without a distinct-lesion modifier."""

from __future__ import annotations

from collections.abc import Iterator

from rules.context import ClaimContext
from rules.excision._expected import FAMILIES
from rules.model import Applicability, Category, Finding, Fix, FixAction, Rule, Severity, Stable
from rules.registry import register
from rules.sites import EXCISION_CODES, amount, distinct_lesions, family_lines, has_distinct_modifier


@register(code="EXC004", slug="second-excision-without-distinct-modifier", status=Stable("0.1.0"))
class SecondExcisionWithoutDistinctModifier(Rule):
    """A second excision in the same family on the same date without a distinct-lesion modifier.

    ## What it does
    Each excised lesion is its own line. When two or more benign (or two or more malignant) excisions are
    billed on one date, the highest-valued one is reported as is and every other needs a modifier that
    shows it is a separate lesion: the payer's distinct-service modifier (XS for Medicare, 59 for payers
    without X modifiers) or an anatomic modifier the others do not carry.

    ## Why is this bad?
    Without it, the payer reads the lines as a duplicate or as multiple units of one lesion and denies the
    second excision. A modifier must describe a real distinct lesion, never only pass an edit.

    ## Example
    11603 (lesion A, back) + 11402 (lesion B, arm) + 11401 (lesion C, leg): 11402-XS, 11401-XS (the
    malignant one stands alone in its family). 11402 + 11401 both benign -> 11401-XS.

    ## Fix safety
    `safe` only when the chart documents different lesion ids or body sites for the lines; otherwise
    `needs_documentation`. Two lines documenting the same lesion id are left to the duplicate-line rules.

    ## References
    coding-rules.md "Excisions" ("a second excision in the same family carries a distinct modifier");
    CMS MCD article A53399 and CMS X{EPSU} guidance (2015); Med3000 / medicalcodingcorner examples
    (11603, 11402-59, 11401-59).
    """

    name = "Second excision without a distinct-lesion modifier"
    category = Category.MODIFIER_MISSING
    severity = Severity.ERROR
    reference = "coding-rules.md 'Excisions' (distinct modifier on second excision); CMS article A53399"
    triggers = EXCISION_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        modifier = ctx.profile.distinct_modifier
        for family in FAMILIES:
            for day, lines in family_lines(ctx, family):
                if len(lines) < 2:
                    continue
                ordered = sorted(lines, key=lambda ln: -amount(ctx, ln.code, 1, day))
                first = ordered[0]
                for index, line in enumerate(ordered[1:], start=1):
                    others = [o for o in ordered if o is not line]
                    if has_distinct_modifier(line, others):
                        continue
                    verdicts = [distinct_lesions(ctx, line, o) for o in ordered[:index]]
                    if False in verdicts:
                        continue  # same lesion twice: a duplicate, not a second lesion
                    safe = all(v is True for v in verdicts)
                    kind = family.removeprefix("excision_")
                    yield self.finding(
                        [line.line_id, first.line_id],
                        f"{len(lines)} {kind} excisions on {day} (lines {', '.join(ln.line_id for ln in ordered)}): "
                        f"each excised lesion is its own line and every line after the first ({first.code}, line "
                        f"{first.line_id}) needs a distinct-lesion modifier or the payer denies it as a duplicate. "
                        + (
                            f"The chart documents a different lesion/site: append {modifier} to line "
                            f"{line.line_id} ({line.code})."
                            if safe
                            else f"Only if the chart documents a separate lesion, append {modifier} to line "
                            f"{line.line_id} ({line.code}); document lesion id and site for each excision."
                        ),
                        fix=Fix(
                            FixAction.ADD_MODIFIER,
                            Applicability.SAFE if safe else Applicability.NEEDS_DOCUMENTATION,
                            (line.line_id,),
                            f"append {modifier} to {line.code}",
                            modifier=modifier,
                        ),
                    )
