"""NAI002: simple nail avulsion billed as 11730 more than once, or 11732 units other than the further nails."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from schemas.claim import ClaimLine

from rules.facts.context import ClaimContext
from rules.facts.nails import nail_tally
from rules.facts.sites import mue_flags
from rules.fixes import add_line, merge_lines, set_units
from rules.model import Applicability, Category, Finding, Fix, Severity, Stable
from rules.registry import register
from rules.rule import Rule

FIRST, FURTHER = "11730", "11732"


@register(code="NAI002", slug="nail-avulsion-units-differ-from-count", status=Stable("0.2.0"))
class NailAvulsionUnitsDifferFromCount(Rule):
    """Simple nail avulsion: further nails billed as more 11730 units or lines, or 11732 units off the nail count.

    ## What it does
    11730 is the first nail plate avulsed in the session and +11732 each additional one. Per date it sums the
    nails the chart documents (`nail_count` per line) and asks for 11730 x1 + 11732 x(nails - 1): the 11732
    units are raised, lowered or added (every line counted: 11732 lines count at least one nail each, so the
    add-on is never removed on a count). Without a count,
    11730 billed more than once is read as the chart may mean it and the 11732 line is asked for, once the
    chart confirms the units are different nails. The MUE of 11730 (1 a day, MAI 2) already cuts 11730 to one
    unit: that cut is left to the MUE rule, and this rule adds the counting instruction it does not know
    (the further nails go on 11732). When no MUE edit cuts the 11730 units (a payer without one), it also
    sets 11730 to one unit. 11732 without 11730 is the add-on rule's (AOC001).

    ## Why is this bad?
    11730 x3 for three ingrown nails is cut to 11730 x1 by the MUE and two nails go unpaid; 11732 x3 for three
    nails counts the first nail twice. Both sides of one nail are one avulsion: "when lateral and medial sides
    of a nail are involved, do not report a separate code for each border", so 11730 x2 is not always two nails.

    ## Example
    11730 x3 (3 nails documented) -> 11730 x1 (MUE002) + 11732 x2 (this rule). 11730 + 11732 x3 for 3 nails
    -> 11732 x2. 11730 x2 without a count -> 11732 x1 once the chart shows two different nails.

    ## Fix safety
    `safe` when every avulsion line documents its nail count; `needs_documentation` without a count (the units
    may be both borders of one nail). The codes are not in the packaged fee schedule: no revenue figure.

    ## References
    AMA CPT 2026 descriptors 11730 ("avulsion of nail plate, partial or complete, simple; single") and 11732
    ("each additional nail plate (List separately in addition to code for primary procedure)"); CMS NCCI MUE
    table (practitioner): 11730 1 unit per date (MAI 2), 11732 4 (MAI 3); CMS NCCI add-on code table (11732
    with 11730); CMS billing and coding article A52998 for LCD L34887 "Surgical Treatment of Nails" (11730,
    11732 or 11750 represents all services performed on that nail for that date of service).
    """

    name = "Nail avulsion units differ from the nail count"
    category = Category.CODE_FAMILY
    severity = Severity.ERROR
    reference = "AMA CPT 11730/11732 descriptors (first nail plate, each additional); CMS article A52998 (L34887)"
    triggers = frozenset({FIRST, FURTHER})

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for day, lines in ctx.by_date.items():
            first = [line for line in lines if line.code == FIRST]
            further = [line for line in lines if line.code == FURTHER]
            if not first:
                continue  # 11732 alone: the add-on rule (AOC001)
            tally = nail_tally(ctx, first + further)
            billed = sum(line.units for line in first)
            if tally is not None and tally[1]:
                yield from self._documented(ctx, day, first, further, tally[0], billed)
            elif billed > 1 and not further:
                extra = billed - 1
                yield self.finding(
                    [line.line_id for line in first],
                    f"11730 is billed x{billed} on {day}: 11730 is the first nail plate avulsed in the session "
                    f"and +11732 each additional one. If the units are {billed} different nails, bill 11730 x1 + "
                    f"11732 x{extra}; if they are both borders of one nail, 11730 x1 is the whole avulsion. "
                    "Document the nails avulsed (`nail_count`).",
                    fix=add_line(FURTHER, extra, f"add +{FURTHER} x{extra}", Applicability.NEEDS_DOCUMENTATION),
                )

    def _documented(
        self, ctx: ClaimContext, day: date, first: list[ClaimLine], further: list[ClaimLine], nails: int, billed: int
    ) -> Iterator[Finding]:
        ids = [line.line_id for line in first]
        if (billed > 1 or len(first) > 1) and not mue_flags(ctx, FIRST, billed, day):
            fix = (
                set_units(ids, 1, f"{FIRST} x1", Applicability.SAFE)
                if len(first) == 1
                else merge_lines(ids, f"one {FIRST} line x1", Applicability.SAFE, units=1)
            )
            yield self.finding(
                ids,
                f"11730 is billed x{billed} on {day} for {nails} nails documented: 11730 is the first nail plate "
                "only, once per session. Bill it once.",
                fix=fix,
            )
        want = nails - 1
        have = sum(line.units for line in further)
        if have == want:
            return
        extra_ids = [line.line_id for line in further]
        fix = self._further_fix(extra_ids, want)
        where = f" (line{'s' if len(extra_ids) > 1 else ''} {', '.join(extra_ids)})" if extra_ids else ""
        yield self.finding(
            ids + extra_ids,
            f"{nails} nails avulsed on {day} are documented, billed 11730 x{billed}"
            + (f" + 11732 x{have}{where}" if further else "")
            + f": 11730 is the first nail plate and +11732 each additional one, so bill +11732 x{want}.",
            fix=fix,
        )

    @staticmethod
    def _further_fix(ids: list[str], want: int) -> Fix:
        if not ids:
            return add_line(FURTHER, want, f"add +{FURTHER} x{want}", Applicability.SAFE)
        if len(ids) == 1:
            return set_units(ids, want, f"+{FURTHER} x{want}", Applicability.SAFE)
        return merge_lines(ids, f"one +{FURTHER} line x{want}", Applicability.SAFE, units=want)
