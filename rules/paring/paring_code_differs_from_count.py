"""PAR001: paring of corns or calluses billed with a code, units or lines the lesion count does not support."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.counted import PARING, Wording, session_answers
from rules.facts.destruction import session_tally
from rules.facts.sites import code_range
from rules.model import Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule

PARING_CODES = code_range("11055-11057")

WORDS = Wording(
    "Paring of corns or calluses",
    "corns or calluses pared",
    "lesion_count",
    "11055 for a single lesion, 11056 for 2 to 4, 11057 for more than 4",
)


@register(code="PAR001", slug="paring-code-differs-from-count", status=Stable("0.2.0"))
class ParingCodeDiffersFromCount(Rule):
    """Paring of benign hyperkeratotic lesions billed per lesion, two codes together, or a code the count contradicts.

    ## What it does
    11055 (single lesion), 11056 (2 to 4 lesions) and 11057 (more than 4) describe the corns and calluses pared
    in the session: one line, one unit. Sums the lesions the chart documents as pared that day (`lesion_count`
    per line) and keeps one line of the code that count supports. Several lines, several units or two codes
    on one date are merged; a single line with another code is recoded. Without a count on every line it
    stays silent unless the lines or units say the session was billed more than once (then it asks for it).

    ## Why is this bad?
    11055 x3 for three calluses bills "single lesion" three times: the MUE of each code is 1 a day (MAI 2), so
    two units are denied and three lesions are paid as one. 11056 with 11055, or 11057 with either, are PTP
    pairs that never take a modifier (indicator 0): the count says which one code is right.

    ## Example
    11055 x3 (three calluses) -> 11056 x1. 11056 (4 lesions) + 11055 (1 lesion) -> 11057 x1. 11057 for 3
    lesions -> 11056.

    ## Fix safety
    `safe` when every line of the session documents its lesion count; `needs_documentation` otherwise. The codes
    are not in the packaged fee schedule: the revenue change is not priced.

    ## References
    AMA CPT 2026 descriptors 11055 ("paring or cutting of benign hyperkeratotic lesion (eg, corn or callus);
    single lesion"), 11056 ("2 to 4 lesions") and 11057 ("more than 4 lesions"); CMS NCCI MUE table
    (practitioner): 11055, 11056 and 11057 1 unit per date of service (MAI 2, "Code Descriptor / CPT
    Instruction"); CMS NCCI PTP edits 11056/11055, 11057/11055 and 11057/11056 (modifier indicator 0).
    """

    name = "Paring code differs from the lesion count"
    category = Category.CODE_FAMILY
    severity = Severity.ERROR
    reference = "AMA CPT 11055-11057 descriptors (lesions pared per session); CMS MUE 1 per code; NCCI PTP"
    triggers = PARING_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for answer in session_answers(ctx, PARING, session_tally, WORDS):
            yield self.finding(answer.ids, answer.message, fix=answer.fix, revenue_impact=answer.impact)
