"""IND001: incision and drainage of several abscesses billed as 10060 more than once (multiple is 10061)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations

from schemas.claim import ClaimLine

from rules.facts.context import ClaimContext
from rules.facts.sites import delta, distinct_lesions, money
from rules.fixes import merge_lines, replace_code
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule

SIMPLE, MULTIPLE = "10060", "10061"


@register(code="IND001", slug="several-abscesses-billed-as-simple", status=Stable("0.2.0"))
class SeveralAbscessesBilledAsSimple(Rule):
    """Incision and drainage of more than one abscess billed as 10060 several times (or 10060 with a count above 1).

    ## What it does
    Gathers the 10060 lines of each date. When they stand for more than one abscess (several lines or units,
    or a documented `lesion_count` of 2 or more), proposes one line of 10061 ("complicated or multiple"). A
    single 10061 is never recoded: it also describes one complicated abscess, which the claim cannot show.

    ## Why is this bad?
    10060 is "simple or single". The AMA's answer for an I&D of one abscess on the arm and one on the leg is
    10061 once, not 10060 twice; 10060 has an MUE of 1 per day (MAI 2), so the second line or unit is denied
    and the session is paid as one simple drainage.

    ## Example
    10060 (abscess, arm) + 10060 (abscess, leg) -> 10061 x1.

    ## Fix safety
    `safe` when the chart shows two abscesses (a count of 2 or more, or lines with different lesion ids, sites
    or sides); `needs_documentation` when it does not say whether the units are two abscesses.

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
            if not simple or any(line.code == MULTIPLE for line in lines):
                continue  # 10061 beside 10060 is the PTP pair's (BND001)
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

    @staticmethod
    def _distinct(ctx: ClaimContext, lines: list[ClaimLine]) -> bool:
        return any(distinct_lesions(ctx, a, b) for a, b in combinations(lines, 2))
