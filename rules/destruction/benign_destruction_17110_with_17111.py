"""DES003: 17110 and 17111 billed together on the same date."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.destruction import BENIGN, any_contradicted
from rules.facts.sites import BENIGN_DESTRUCTION_CODES, delta, family_lines, money
from rules.fixes import remove_line
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="DES003", slug="benign-destruction-17110-with-17111", status=Stable("0.1.0"))
class BenignDestruction17110With17111(Rule):
    """17110 and 17111 billed together on the same date of service.

    ## What it does
    Benign lesion destruction is one code for the session: 17110 for up to 14 lesions, 17111 for 15 or
    more, each one unit and never together. When both are billed, keeps the one the documented lesion
    count supports (17111 when the count is 15 or more or not documented, since billing 17111 states it).

    ## Why is this bad?
    Reading 17111 as "each additional 15 ... 30 lesions = 17110 + 17111" is wrong:
    17111 is not an add-on. Billing both double-counts the first 14 lesions and is denied.

    ## Example
    30 warts billed 17110 + 17111 -> 17111 x1 (-$111.22 against the billed RVUs).

    ## Fix safety
    `safe`: removing the code the lesion count does not support is mechanical.

    ## References
    AMA CPT 2026 descriptors 17110 ("up to 14 lesions") and 17111 ("15 or more lesions");
    AMA CPT 2026 destruction guidelines (17000-17286) and errata.
    """

    name = "17110 billed with 17111"
    category = Category.CODE_FAMILY
    severity = Severity.ERROR
    reference = "AMA CPT 17110/17111 descriptors (17111 is reported alone)"
    triggers = BENIGN_DESTRUCTION_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        table = ctx.families
        for day, lines in family_lines(ctx, BENIGN):
            codes = {line.code for line in lines}
            if len(codes) < 2 or any_contradicted(ctx, lines):
                continue
            counts = [c for line in lines if (c := ctx.doc(line).lesion_count) is not None]
            count = max(counts) if counts else None
            keep = table.counted(BENIGN, count) if count is not None else None
            if keep is None:  # undocumented: the code for the larger count is what was billed for
                keep = max((e for line in lines if (e := table.get(line.code))), key=lambda e: e.count_min or 0)
            drop = [line for line in lines if line.code != keep.code]
            impact = delta(ctx, day, [(line.code, line.units) for line in drop], [])
            why = f"the chart documents {count} lesions" if count is not None else f"{keep.code} is billed"
            yield self.finding(
                [line.line_id for line in drop],
                f"{' + '.join(f'{ln.code} (line {ln.line_id})' for ln in lines)} on {day}: benign destruction is "
                f"one code per session, {keep.code} alone, one unit ({why}). Remove "
                f"{', '.join(f'{ln.code} (line {ln.line_id})' for ln in drop)} ({money(impact)}).",
                fix=remove_line(tuple(line.line_id for line in drop), f"keep {keep.code} alone", Applicability.SAFE),
                revenue_impact=impact,
            )
