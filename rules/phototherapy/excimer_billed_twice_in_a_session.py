"""PHO002: more than one excimer laser code or unit on one date (the code is the session's total area)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

from rules.data.treatments import phototherapy_modalities
from rules.facts.context import ClaimContext
from rules.facts.sites import code_range, priced, priced_delta
from rules.fixes import merge_lines
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule

EXCIMER_CODES = code_range("96920-96922")
EXCIMER = "excimer_laser"


@register(code="PHO002", slug="excimer-billed-twice-in-a-session", status=Stable("0.2.0"))
class ExcimerBilledTwiceInASession(Rule):
    """More than one excimer laser code, or more than one unit, on one date of service.

    ## What it does
    96920, 96921 and 96922 are chosen by the total area treated in the session (under 250, 250 to 500, over
    500 sq cm). When a date carries more than one excimer line or unit (plaques on two body areas billed as
    96920 + 96920, or 96920 + 96921), asks for one line of the code of the summed area.

    ## Why is this bad?
    The descriptor's "total area" already adds the plaques of every site treated that day. Billing a code per
    site counts the session twice; the NCCI PTP table pairs 96921/96922 over 96920 and the MUE is 1 per code,
    so the second line is denied, and a modifier 59 or XS added to pass the PTP edit misstates one session as
    two (different sites treated in one session are not a distinct service).

    ## Example
    96920 (elbows, 120 sq cm) + 96920 (knees, 180 sq cm) -> 96921 x1 (300 sq cm total).

    ## Fix safety
    `safe` when every line documents `area_sq_cm`: the lines are merged into one line of the code of the summed
    area (bands in `phototherapy_modalities.csv`). `needs_documentation` otherwise: the chart's total treated
    area decides the code.

    ## References
    AMA CPT 2026 descriptors 96920-96922 ("total area"); CMS NCCI PTP edits 96921/96920, 96922/96920 and
    96922/96921; CMS NCCI MUE table (practitioner): 1 unit per code per date of service.
    """

    name = "Excimer laser billed more than once for one session"
    category = Category.CODE_FAMILY
    severity = Severity.ERROR
    reference = "AMA CPT 96920-96922 (total area treated per session); CMS NCCI PTP and MUE"
    triggers = EXCIMER_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        table = phototherapy_modalities()
        excimer = sorted((ln for ln in ctx.lines if ln.code in EXCIMER_CODES), key=lambda ln: ln.service_date)
        for day, group in groupby(excimer, key=lambda ln: ln.service_date):
            lines = [line for line in group if ctx.doc(line).modality in (None, EXCIMER)]  # others: PHO003's
            if not lines or (len(lines) == 1 and lines[0].units == 1):
                continue  # one line: PHO004 checks its code against the documented area
            ids = [line.line_id for line in lines]
            billed = " + ".join(f"{ln.code} x{ln.units} ({table.by_code[ln.code].area_text()})" for ln in lines)
            areas = [ctx.doc(line).area_sq_cm for line in lines]
            total = sum(a for a in areas if a is not None)
            target = table.by_area(EXCIMER, total) if None not in areas else None
            if target is None:
                yield self.finding(
                    ids,
                    f"Excimer laser is billed {billed} on {day}: the code describes the total area treated in the "
                    "session. Add the areas of every site treated that day and bill one line of the code for the "
                    "total (96920 under 250 sq cm, 96921 250 to 500, 96922 over 500); do not add 59 or XS for "
                    "another site.",
                    fix=merge_lines(
                        ids, "bill one excimer line for the total area", Applicability.NEEDS_DOCUMENTATION, units=1
                    ),
                )
                continue
            impact = priced_delta(ctx, day, [(ln.code, ln.units) for ln in lines], [(target.code, 1)])
            yield self.finding(
                ids,
                f"Excimer laser is billed {billed} on {day} for {total:g} sq cm treated in total: the code describes "
                f"the session's total area, so bill {target.code} x1 ({target.area_text()}; {priced(impact)}); do not "
                "add 59 or XS for another site.",
                fix=merge_lines(ids, f"bill {target.code} x1", Applicability.SAFE, code=target.code, units=1),
                revenue_impact=impact,
            )
