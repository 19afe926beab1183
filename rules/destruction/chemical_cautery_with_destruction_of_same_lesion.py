"""DES007: chemical cauterization (17250) billed with a destruction or Mohs surgery of the same lesion."""

from __future__ import annotations

from collections.abc import Iterator

from schemas.claim import ClaimLine

from rules.facts.context import ClaimContext
from rules.facts.sites import DESTRUCTION_CODES, MOHS_CODES, distinct_lesions, priced
from rules.fixes import remove_line
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule

CAUTERY = "17250"
# Procedures whose method includes chemical treatment of the lesion and its wound. Excisions, shaves, biopsies and
# debridement are column 1 over 17250 in the NCCI PTP table (BND001 judges them); these pairs are not in it.
_INCLUDING = DESTRUCTION_CODES | MOHS_CODES


@register(code="DES007", slug="chemical-cautery-with-destruction-of-same-lesion", status=Stable("0.2.0"))
class ChemicalCauteryWithDestructionOfSameLesion(Rule):
    """Chemical cauterization (17250) billed with a destruction or Mohs surgery of the same lesion.

    ## What it does
    Pairs each 17250 line with the destruction (17000-17286) and Mohs (17311-17315) lines of its date of
    service. When the chart's lesion id shows the same lesion, the 17250 line is flagged for removal; when the
    chart cannot tell (no lesion id, no differing site or side), it asks for the lesion to be documented.
    Another lesion (a different lesion id, body region or side) is left alone. Excisions, shave removals,
    biopsies and debridement billed with 17250 are column 1 over it in the NCCI PTP table: BND001 judges those.

    ## Why is this bad?
    CPT 17250 is chemical cauterization of granulation tissue (proud flesh), and CPT says not to report it with
    removal or excision codes for the same lesion, nor when chemical cauterization achieves wound hemostasis.
    Destruction is the ablation of a lesion "by any method", chemical treatment included, and Mohs surgery
    includes the care of its wound on the day: the cautery of that lesion is part of the procedure. The NCCI
    PTP table has no edit for these pairs, so the claim is paid as billed and the overpayment found on audit.

    ## Example
    17000 (AK, lesion A, face) + 17250 (lesion A) -> remove 17250.
    17311 (lesion B, nose) + 17250 (lesion B) -> remove 17250.
    17110 (wart, lesion C, hand) + 17250 (granulation tissue, lesion D, leg) -> billed as is.

    ## Fix safety
    Removing the 17250 line is `safe` when the chart names the same lesion id on both lines; otherwise it
    `needs_documentation` (document the lesion id and site of each line; keep 17250 only for granulation
    tissue of another lesion or wound).

    ## References
    AMA CPT 2026 17250 descriptor and parenthetical instructions (not with removal or excision codes for the
    same lesion; not for wound hemostasis); AMA CPT 2026 destruction guidelines (destruction "by any method",
    including chemical treatment); NCCI Policy Manual for Medicare Services ch. I (control of bleeding is part
    of a procedure) and ch. III (Mohs surgery).
    """

    name = "Chemical cautery billed with a destruction or Mohs surgery of the same lesion"
    category = Category.CODE_SELECTION
    severity = Severity.ERROR
    reference = (
        "AMA CPT 17250 (not with removal codes for the same lesion; not for hemostasis); NCCI Policy Manual ch. I"
    )
    triggers = frozenset({CAUTERY})

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for cautery in ctx.by_code.get(CAUTERY, ()):
            procedures = [line for line in ctx.same_day(cautery) if line.code in _INCLUDING]
            verdicts = [(line, distinct_lesions(ctx, cautery, line)) for line in procedures]
            same = [line for line, distinct in verdicts if distinct is False]
            if same:
                yield self._finding(ctx, cautery, same[0], documented=True)
                continue
            open_ = [line for line, distinct in verdicts if distinct is None]
            if open_:
                yield self._finding(ctx, cautery, open_[0], documented=False)

    def _finding(self, ctx: ClaimContext, cautery: ClaimLine, other: ClaimLine, *, documented: bool) -> Finding:
        value = ctx.revenue(CAUTERY, cautery.units, cautery.service_date)
        impact = -value if value is not None else None
        title = f"remove {CAUTERY}"
        if documented:
            return self.finding(
                [cautery.line_id, other.line_id],
                f"{CAUTERY} (line {cautery.line_id}) is billed with {other.code} (line {other.line_id}) for the same "
                f"lesion ({ctx.doc(cautery).lesion_id}): chemical cauterization of the lesion destroyed or removed by "
                "Mohs is part of that procedure (CPT: not with removal codes for the same lesion, not for hemostasis). "
                f"Remove line {cautery.line_id} ({priced(impact)}).",
                fix=remove_line(cautery.line_id, title, Applicability.SAFE),
                revenue_impact=impact,
            )
        return self.finding(
            [cautery.line_id, other.line_id],
            f"{CAUTERY} (line {cautery.line_id}) is billed with {other.code} (line {other.line_id}) and the chart does "
            "not say whether they treat the same lesion. Chemical cauterization of the lesion destroyed or removed by "
            f"Mohs, or for hemostasis, is part of that procedure: document each line's lesion id and site, and remove "
            f"line {cautery.line_id} unless it treated granulation tissue of another lesion or wound.",
            fix=remove_line(cautery.line_id, title, Applicability.NEEDS_DOCUMENTATION),
            severity=Severity.WARNING,
            revenue_impact=impact,
        )
