"""IND001: incision and drainage of several abscesses billed as 10060 more than once (multiple is 10061)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import combinations

from schemas.claim import ClaimLine

from rules.facts.context import ClaimContext
from rules.facts.ownership import drainage_of_excised_lesion
from rules.facts.sites import delta, distinct_lesions, money
from rules.fixes import merge_lines, remove_line, replace_code
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule

SIMPLE, MULTIPLE = "10060", "10061"
SEPARATE_ENCOUNTER = "XE"


@register(code="IND001", slug="several-abscesses-billed-as-simple", status=Stable("0.2.0"))
class SeveralAbscessesBilledAsSimple(Rule):
    """Incision and drainage of more than one abscess billed as 10060 several times (or 10060 with a count above 1).

    ## What it does
    Gathers the 10060 lines of each date. When they stand for more than one abscess (several lines or units,
    or a documented `lesion_count` of 2 or more), proposes one line of 10061 ("complicated or multiple"). A
    single 10061 is never recoded: it also describes one complicated abscess, which the claim cannot show.
    10060 billed beside 10061 on the same date is a further abscess of the session 10061 already reports: the
    10060 lines are removed (a distinct-service modifier would bill one session twice), unless the 10060 line
    carries XE (a separate encounter that day) or is the drainage of a lesion excised that day (IND002's).

    ## Why is this bad?
    10060 is "simple or single". The AMA's answer for an I&D of one abscess on the arm and one on the leg is
    10061 once, not 10060 twice; 10060 has an MUE of 1 per day (MAI 2), so the second line or unit is denied
    and the session is paid as one simple drainage.

    ## Example
    10060 (abscess, arm) + 10060 (abscess, leg) -> 10061 x1. 10061 (two abscesses, back) + 10060 (abscess, leg)
    -> 10061 x1.

    ## Fix safety
    `safe` when the chart shows two abscesses (a count of 2 or more, or lines with different lesion ids, sites
    or sides); `needs_documentation` when it does not say whether the units are two abscesses. Removing a 10060
    billed beside 10061 is `safe`.

    ## References
    AMA CPT 2026 descriptors 10060 ("simple or single") and 10061 ("complicated or multiple"); AMA CPT
    Assistant Special Issue 2005, p. 7 (simple I&D of multiple lesions is 10061); CMS NCCI MUE table
    (practitioner): 10060 and 10061 1 unit per day.
    """

    name = "Several abscesses drained, billed as simple I&D"
    category = Category.CODE_SELECTION
    severity = Severity.ERROR
    reference = "AMA CPT 10060/10061 descriptors; CPT Assistant Special Issue 2005 p. 7 (multiple simple I&Ds: 10061)"
    triggers = frozenset({SIMPLE, MULTIPLE})

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for day, lines in ctx.by_date.items():
            simple = [line for line in lines if line.code == SIMPLE]
            if not simple:
                continue
            multiple = next((line for line in lines if line.code == MULTIPLE), None)
            if multiple is not None:
                yield from self._beside_multiple(ctx, day, lines, simple, multiple)
                continue
            counted = max((ctx.doc(line).lesion_count or 1 for line in simple), default=1)
            billed = sum(line.units for line in simple)
            if billed < 2 and counted < 2:
                continue
            documented = counted >= 2 or self._distinct(ctx, simple)
            ids = [line.line_id for line in simple]
            impact = delta(ctx, day, [(line.code, line.units) for line in simple], [(MULTIPLE, 1)])
            what = f"{counted} abscesses documented" if counted >= 2 else f"10060 billed x{billed}"
            title = f"bill {MULTIPLE} x1"
            applicability = Applicability.SAFE if documented else Applicability.NEEDS_DOCUMENTATION
            fix = (
                merge_lines(ids, title, applicability, code=MULTIPLE, units=1)
                if len(ids) > 1 or simple[0].units > 1
                else replace_code(ids, MULTIPLE, title, applicability)
            )
            yield self.finding(
                ids,
                f"Incision and drainage on {day}: {what} (lines {', '.join(ids)}). 10060 is a simple or single I&D; "
                f"the drainage of several abscesses in the session is {MULTIPLE} once ({money(impact)})"
                + ("." if documented else ": document that the units are different abscesses (site of each)."),
                fix=fix,
                revenue_impact=impact,
            )

    def _beside_multiple(
        self, ctx: ClaimContext, day: date, lines: list[ClaimLine], simple: list[ClaimLine], multiple: ClaimLine
    ) -> Iterator[Finding]:
        excised = [ln for ln in lines if ln is not multiple and ln.code not in (SIMPLE, MULTIPLE)]
        extra = [
            line
            for line in simple
            if SEPARATE_ENCOUNTER not in line.modifiers
            and not any(drainage_of_excised_lesion(ctx, line, other) for other in excised)
        ]
        if not extra:
            return
        ids = [line.line_id for line in extra]
        impact = delta(ctx, day, [(line.code, line.units) for line in extra], [])
        yield self.finding(
            [*ids, multiple.line_id],
            f"Incision and drainage on {day}: 10061 (line {multiple.line_id}) already reports the drainage of every "
            f'abscess in the session ("complicated or multiple"); 10060 on line(s) {", ".join(ids)} bills a further '
            f"abscess of it again. Remove {'them' if len(ids) > 1 else 'it'} ({money(impact)}); do not add a "
            "distinct-service modifier for another site. Only a drainage at a separate encounter that day is billed, "
            "with XE.",
            fix=remove_line(ids, f"remove {SIMPLE}", Applicability.SAFE),
            revenue_impact=impact,
        )

    @staticmethod
    def _distinct(ctx: ClaimContext, lines: list[ClaimLine]) -> bool:
        return any(distinct_lesions(ctx, a, b) for a, b in combinations(lines, 2))
