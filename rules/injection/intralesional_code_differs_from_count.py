"""ILI001: intralesional injection billed with a code or units the session's lesion count does not support."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.destruction import session_tally
from rules.facts.ownership import INJECTION_FAMILY
from rules.facts.sites import code_range, delta, family_lines, money
from rules.fixes import merge_lines, replace_code
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule

INTRALESIONAL_CODES = code_range("11900-11901")


@register(code="ILI001", slug="intralesional-code-differs-from-count", status=Stable("0.2.0"))
class IntralesionalCodeDiffersFromCount(Rule):
    """Intralesional injection billed per lesion, both codes together, or a code the lesion count contradicts.

    ## What it does
    11900 (up to and including 7 lesions) and 11901 (more than 7 lesions) describe the whole session: one
    line, one unit. Sums the lesions the chart documents as injected that day (`lesion_count` per line) and
    keeps one line of the code that count supports. Several lines, several units or both codes on one date
    are merged; a single line with the other code is recoded.

    ## Why is this bad?
    Billing 11900 once per lesion (11900 x3 for three keloids) or 11900 + 11901 for nine lesions counts the
    session more than once: the MUE for each code is 1 and the second code is denied, or the claim is paid
    for lesions the descriptor already includes.

    ## Example
    11900 x3 (three keloids) -> 11900 x1. 11900 + 11901 (9 alopecia areata patches) -> 11901 x1.

    ## Fix safety
    `safe` when every line of the session documents its lesion count; `needs_documentation` otherwise (the
    lines are merged only once the chart states how many lesions were injected).

    ## References
    AMA CPT 2026 descriptors 11900 ("injection, intralesional; up to and including 7 lesions") and 11901
    ("more than 7 lesions"); CMS NCCI MUE table (practitioner) 11900 and 11901: 1 unit per date of service.
    """

    name = "Intralesional injection code differs from the lesion count"
    category = Category.CODE_FAMILY
    severity = Severity.ERROR
    reference = "AMA CPT 11900/11901 descriptors (lesions per session); CMS MUE 1 per code"
    triggers = INTRALESIONAL_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        table = ctx.families
        for day, lines in family_lines(ctx, INJECTION_FAMILY):
            tally = session_tally(ctx, lines)
            documented = tally is not None and tally[1] and all(ctx.doc(ln).lesion_count for ln in lines)
            target = table.counted(INJECTION_FAMILY, tally[0]) if tally is not None and documented else None
            ids = [line.line_id for line in lines]
            several = len(lines) > 1 or lines[0].units > 1
            if target is None:
                if several:
                    yield self.finding(
                        ids,
                        f"Intralesional injection is billed {sum(ln.units for ln in lines)} times on {day} (lines "
                        f"{', '.join(ids)}): 11900 and 11901 count the lesions of the whole session, once. Document "
                        "how many lesions were injected and bill one line: 11900 up to 7, 11901 for more than 7.",
                        fix=merge_lines(ids, "bill one intralesional line", Applicability.NEEDS_DOCUMENTATION, units=1),
                    )
                continue
            if not several and lines[0].code == target.code:
                continue
            count = tally[0] if tally is not None else 0
            impact = delta(ctx, day, [(ln.code, ln.units) for ln in lines], [(target.code, 1)])
            billed = " + ".join(f"{ln.code} x{ln.units}" for ln in lines)
            message = (
                f"{billed} on {day} for {count} lesions injected: the session is {target.code} x1 (CPT 11900 up "
                f"to and including 7 lesions, 11901 more than 7). Bill {target.code} once ({money(impact)})."
            )
            title = f"bill {target.code} x1"
            fix = (
                merge_lines(ids, title, Applicability.SAFE, code=target.code, units=1)
                if several
                else replace_code(ids, target.code, title, Applicability.SAFE)
            )
            yield self.finding(ids, message, fix=fix, revenue_impact=impact)
