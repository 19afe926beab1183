"""EVM008: G2211 billed with an office E/M that carries modifier 25, outside the policy of its calendar year."""

from __future__ import annotations

from collections.abc import Iterator

from rules.data.requirements import g2211_period
from rules.facts.context import ClaimContext
from rules.facts.modifiers import EM_CODES
from rules.fixes import remove_line
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule

G2211 = "G2211"


def _skin_procedure(code: str) -> bool:
    """A CPT integumentary-system procedure (10030-19499): never a Part B preventive service."""
    return code.isdigit() and "10030" <= code <= "19499"


@register(code="EVM008", slug="g2211-with-modifier-25-em", status=Stable("0.2.0"))
class G2211WithModifier25Em(Rule):
    """G2211 (visit complexity add-on) billed with an office E/M reported with modifier 25.

    ## What it does
    Reads the G2211 policy in force on the date of service (`g2211_policy.csv`, by calendar year) and the
    office/outpatient E/M lines (99202-99215) of that date. In 2024 G2211 is not payable when the E/M carries
    modifier 25. From 2025 it is payable with a modifier-25 E/M only when the 25 is for an annual wellness
    visit, a vaccine administration or another Medicare Part B preventive service the same day; with a
    modifier-25 E/M for a skin procedure (a biopsy, a destruction, an excision) it still is not.

    ## Why is this bad?
    CMS pays G2211 for the longitudinal relationship of a stand-alone visit; an E/M reported with modifier 25
    for a same-day procedure is not that visit, so the G2211 line is denied (and paid in error if it is not).

    ## Example
    99213-25 + 17000 + G2211 on 2026-02-10 -> remove G2211. 99214-25 + G0439 (AWV) + G2211 on 2025-06-01 ->
    billed as is.

    ## Fix safety
    Removing G2211 is `safe` when every other line of the date is a skin procedure (10030-19499) or in 2024;
    `needs_documentation` when the date has another service that may be a Part B preventive service this
    table does not list (the table's list is partial: the AWV, IPPE and vaccine administration codes).

    ## References
    CMS CY 2024 Medicare Physician Fee Schedule final rule (G2211; not payable with an E/M reported with
    modifier 25); CMS CY 2025 Medicare Physician Fee Schedule final rule and CMS Transmittal 13015 (payable
    when the modifier-25 E/M is furnished on the same day as an annual wellness visit, vaccine administration
    or a Medicare Part B preventive service).
    """

    name = "G2211 billed with a modifier-25 E/M"
    category = Category.MODIFIER_INVALID
    severity = Severity.ERROR
    reference = "CMS CY 2024 and CY 2025 PFS final rules (G2211 with modifier 25); CMS Transmittal 13015"
    triggers = frozenset({G2211})

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for addon in ctx.by_code.get(G2211, ()):
            period = g2211_period(addon.service_date)
            if period is None:
                continue
            day = ctx.same_day(addon)
            em25 = [ln for ln in day if ln.code in EM_CODES and "25" in ln.modifiers]
            if not em25:
                continue
            others = {ln.code for ln in day if ln.code not in EM_CODES and ln.code != G2211}
            if period.modifier_25 == "preventive_only" and others & period.preventive_codes:
                continue
            if period.modifier_25 == "never":
                why = f"in {addon.service_date.year} G2211 is not payable with an E/M reported with modifier 25"
            else:
                why = (
                    f"from 2025 G2211 is payable with a modifier-25 E/M only when the 25 is for an annual wellness "
                    f"visit, a vaccine administration or a Part B preventive service, and {', '.join(sorted(others))} "
                    "is none of these"
                )
            safe = period.modifier_25 == "never" or all(_skin_procedure(code) for code in others)
            value = ctx.revenue(G2211, addon.units, addon.service_date)
            yield self.finding(
                [addon.line_id, em25[0].line_id],
                f"G2211 (line {addon.line_id}) is billed with {em25[0].code}-25 (line {em25[0].line_id}): {why}. "
                f"Remove line {addon.line_id}"
                + ("." if safe else ", unless the chart documents a same-day Part B preventive service."),
                fix=remove_line(
                    addon.line_id,
                    "remove G2211",
                    Applicability.SAFE if safe else Applicability.NEEDS_DOCUMENTATION,
                ),
                revenue_impact=-value if value is not None else None,
            )
