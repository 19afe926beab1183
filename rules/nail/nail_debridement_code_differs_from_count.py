"""NAI001: nail debridement billed with a code, units or lines the session's nail count does not support."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.counted import Wording, session_answers
from rules.facts.nails import NAIL_DEBRIDEMENT, nail_tally
from rules.facts.sites import code_range
from rules.model import Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule

NAIL_DEBRIDEMENT_CODES = code_range("11720-11721")

WORDS = Wording("Nail debridement", "nails debrided", "nail_count", "11720 for 1 to 5 nails, 11721 for 6 or more")


@register(code="NAI001", slug="nail-debridement-code-differs-from-count", status=Stable("0.2.0"))
class NailDebridementCodeDiffersFromCount(Rule):
    """Nail debridement billed per nail or per line, both codes together, or a code the nail count contradicts.

    ## What it does
    11720 (1 to 5 nails) and 11721 (6 or more) describe the whole session: one line, one unit. Sums the nails
    the chart documents as debrided that day (`nail_count` per line) and keeps one line of the code that count
    supports: 11720 + 11720 for 4 + 3 nails is 11721 x1; 11721 for 4 nails is 11720; 11720 x3 for 3 nails is
    11720 x1. Without a count on every line it stays silent unless the lines or units themselves say the
    session was billed more than once (then it asks for the count).

    ## Why is this bad?
    The descriptor counts the nails of the session: 11720 billed once per foot or per nail counts it twice. The
    MUE of each code is 1 a day (MAI 2), so the second line or unit is denied and seven nails are paid as five;
    11720 with 11721 is a PTP pair that never takes a modifier (indicator 0). The MUE cut alone would leave
    11720 x1 for seven nails: this rule recodes to 11721 instead (the MUE rule then only advises).

    ## Example
    11720 (left foot, 4 nails) + 11720 (right foot, 3 nails) -> 11721 x1. 11721 for 4 nails -> 11720.

    ## Fix safety
    `safe` when every line of the session documents its nail count; `needs_documentation` otherwise (the lines
    are merged once the chart states how many nails were debrided). The codes are not in the packaged fee
    schedule: the revenue change is not priced.

    ## References
    AMA CPT 2026 descriptors 11720 ("debridement of nail(s) by any method(s); 1 to 5") and 11721 ("6 or
    more"); CMS NCCI MUE table (practitioner): 11720 and 11721 1 unit per date of service (MAI 2); CMS NCCI
    PTP edit 11721/11720 (modifier indicator 0).
    """

    name = "Nail debridement code differs from the nail count"
    category = Category.CODE_FAMILY
    severity = Severity.ERROR
    reference = "AMA CPT 11720/11721 descriptors (nails per session); CMS MUE 1 per code; NCCI PTP 11721/11720"
    triggers = NAIL_DEBRIDEMENT_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for answer in session_answers(ctx, NAIL_DEBRIDEMENT, nail_tally, WORDS):
            yield self.finding(answer.ids, answer.message, fix=answer.fix, revenue_impact=answer.impact)
