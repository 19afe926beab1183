"""IND002: incision and drainage billed with an excision of the same lesion (bill the excision only)."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.ownership import drainage_of_excised_lesion
from rules.facts.sites import money
from rules.fixes import remove_line
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule

DRAINAGE_CODES = frozenset({"10060", "10061"})


@register(code="IND002", slug="drainage-with-excision-of-same-lesion", status=Stable("0.2.0"))
class DrainageWithExcisionOfSameLesion(Rule):
    """Incision and drainage (10060/10061) billed with an excision (11400-11646) of the same lesion.

    ## What it does
    On each date, pairs every 10060/10061 line with the excision lines (the benign and malignant excision
    families, 11400-11446 and 11600-11646) that document the same lesion id, and proposes removing the
    drainage line. Lines of different lesions (different lesion ids) are not paired here: the NCCI PTP pair
    is judged by BND001, which asks for a distinct-service modifier the chart must support. Lines without
    a lesion id are not paired either (the chart does not say it is one lesion).

    ## Why is this bad?
    A cyst or abscess is either drained or excised: when it is excised, the incision and drainage of that
    lesion is part of the excision and is not reported separately; the excision is the code billed. NCCI
    edits the pair as mutually exclusive, but in PTP v30.1 10060 is column 1 to most excisions
    (10060/11401, 10060/11600, ...), so on the table alone the payer would deny the excision, the procedure
    actually performed, and pay the drainage.

    ## Example
    10060 (lesion A, abscessed cyst, back) + 11403 (lesion A, excised 2.5 cm) -> remove 10060, bill 11403.
    10060 (lesion A, arm) + 11402 (lesion B, back) -> BND001 (a distinct lesion, modifier with documentation).

    ## Fix safety
    Removing the drainage line is `safe` when both lines document the same lesion id: the chart itself says
    one lesion was excised. Without lesion ids the rule says nothing and the PTP edit stands.

    ## References
    NCCI Policy Manual for Medicare Services, ch. I (mutually exclusive procedures: PTP edits between
    procedures that cannot reasonably be performed at the same session on the same site); CMS NCCI PTP
    practitioner edits v30.1 (10060/10061 with 11400-11646, "Mutually exclusive procedures", indicator 1);
    AMA CPT 2026 descriptors 10060/10061 (incision and drainage of abscess, e.g. cyst) and 11400-11646
    (excision including margins); AAPC Dermatology Coding Alert, "You Be the Coder: Report Incision or
    Excision?" (a cyst is drained or excised, not both; a full-thickness removal with margins is the
    excision code). Secondary source: the CPT and CPT Assistant text were not read.
    """

    name = "Incision and drainage billed with an excision of the same lesion"
    category = Category.PTP_BUNDLE
    severity = Severity.ERROR
    reference = "NCCI PTP 10060/10061 with 11400-11646 (mutually exclusive); AAPC Dermatology Coding Alert"
    triggers = DRAINAGE_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for day, lines in ctx.by_date.items():
            for drainage in lines:
                if drainage.code not in DRAINAGE_CODES:
                    continue
                excisions = [o for o in lines if o is not drainage and drainage_of_excised_lesion(ctx, drainage, o)]
                if not excisions:
                    continue
                excision = excisions[0]
                value = ctx.revenue(drainage.code, drainage.units, day)
                table = ctx.ptp(day)
                edit = table.edit(drainage.code, excision.code, day) if table is not None else None
                why = (
                    f" The PTP table in force makes {drainage.code} column 1 to {excision.code} ({edit.rationale}): "
                    "billed together, the payer would deny the excision and pay the drainage."
                    if edit is not None
                    else ""
                )
                impact = "not priced" if value is None else money(-value)
                yield self.finding(
                    [drainage.line_id, excision.line_id],
                    f"{drainage.code} (line {drainage.line_id}) drains lesion {ctx.doc(drainage).lesion_id}, which "
                    f"{excision.code} (line {excision.line_id}) excises on the same date: a lesion excised is not "
                    f"also reported as drained. Remove line {drainage.line_id} and bill the excision ({impact}).{why}",
                    fix=remove_line(drainage.line_id, f"remove {drainage.code}", Applicability.SAFE),
                    revenue_impact=-value if value is not None else None,
                )
