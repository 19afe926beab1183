"""DAT001: a date of service with no NCCI edit table edition loaded."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.model import Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule
from rules.scope import ClaimShape, EditIndex

_TABLES = (("ptp", "PTP"), ("mue", "MUE"), ("addon", "add-on code"))


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


@register(code="DAT001", slug="date-of-service-without-edit-tables", status=Stable("0.1.0"))
class DateOfServiceWithoutEditTables(Rule):
    """A date of service that no loaded NCCI edit table edition covers.

    ## What it does
    For each date of service on the claim, checks that a PTP, an MUE and an add-on code edition is in
    force (the packaged curated tables or an operator's quarterly CMS files). Lines on a date missing any
    of them are reported: they were not checked against those edits, and the worker does not guess
    from another quarter's table. A claim with no covered date at all is rejected by the engine before
    rules run (`rules.engine._coverage_gap`); this rule covers the partly covered claim.

    ## Why is this bad?
    NCCI edits change every quarter. Checking a 2025 line against a 2026 table (or not at all, silently)
    gives a verdict nobody can reproduce. The finding says which table is missing so the operator can load
    that quarter's CMS files and replay the claim. (Category `documentation_gap`: the gap is in the
    reference data the check needs, not in the chart.)

    ## Example
    A claim with lines on 2025-12-30 and 2026-01-05, 2026 tables loaded -> DAT001 on the 2025-12-30 lines.

    ## Fix safety
    No fix: load the missing quarter (CLAIMS_RULES__DATA_DIR) and replay the claim.

    ## References
    CMS NCCI PTP, MUE and add-on code edit files (quarterly editions); every finding carries
    the data version that produced it).
    """

    name = "Date of service without an NCCI edit table"
    category = Category.DOCUMENTATION_GAP
    severity = Severity.WARNING
    reference = "CMS NCCI quarterly PTP/MUE/AOC editions; load the quarter covering the date of service"

    def may_find(self, shape: ClaimShape, index: EditIndex) -> bool:
        # Skipped when every date of service has its PTP, MUE and add-on editions.
        return not shape.fully_covered

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for day in ctx.dates:
            missing = [label for table, label in _TABLES if ctx.edition_label(table, day) is None]
            if not missing:
                continue
            lines = ctx.by_date[day]
            labels = ctx.tables.data_labels()
            loaded = "; ".join(f"{table}: {labels.get(table) or 'none'}" for table, _ in _TABLES)
            yield self.finding(
                [line.line_id for line in lines],
                f"No {_join(missing)} edit table covers {day} (line(s) "
                f"{', '.join(line.line_id for line in lines)}): those lines were not checked against "
                f"{_join(missing)} edits (editions loaded: {loaded}). Load the CMS "
                f"files for the quarter of {day} and replay the claim; nothing was guessed from another quarter.",
            )
