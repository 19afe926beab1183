"""BIO003: a primary biopsy code billed with more than one unit."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.biopsy import plans
from rules.facts.context import ClaimContext
from rules.facts.sites import BIOPSY_CODES, delta, money
from rules.fixes import add_line, set_units
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="BIO003", slug="biopsy-primary-units-above-one", status=Stable("0.1.0"))
class BiopsyPrimaryUnitsAboveOne(Rule):
    """A primary biopsy code (11102/11104/11106) billed with more than one unit.

    ## What it does
    The primary biopsy code describes a single lesion. Extra lesions of the same technique are units of
    its add-on: the rule sets the primary to one unit and moves the rest to the add-on, onto the existing
    add-on line of that technique when there is one, else onto a new line.

    ## Why is this bad?
    The primary codes are "single lesion" codes (MUE 1, date-of-service edit): the whole line is denied,
    and the additional lesions, which are payable as add-ons, are lost with it.

    ## Example
    11102 x3 -> 11102 x1 + 11103 x2.

    ## Fix safety
    `safe`: mechanical, the billed units state the number of lesions biopsied.

    ## References
    AMA CPT 2026 descriptors 11102/11104/11106 ("single lesion") and +11103/+11105/+11107 ("each
    separate/additional lesion"); AAD DermWorld "Biopsy coding in 2019, part 3".
    """

    name = "Primary biopsy code with more than one unit"
    category = Category.CODE_FAMILY
    severity = Severity.ERROR
    reference = "AMA CPT 11102/11104/11106 descriptors ('single lesion'); AAD DermWorld 'Biopsy coding in 2019, part 3'"
    triggers = BIOPSY_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        table = ctx.families
        for plan in plans(ctx):
            for planned in plan.lines:
                line, target = planned.line, planned.target
                if not target.is_primary or line.units <= 1:
                    continue
                addon = table.addon_of(target.code)
                if addon is None:
                    continue
                extra = line.units - 1
                lost = delta(ctx, plan.day, [(target.code, line.units)], [(target.code, 1)])
                recoded = line.code != target.code
                billed = f"{line.code}, recoded to {target.code}," if recoded else target.code
                yield self.finding(
                    [line.line_id],
                    f"{billed} on line {line.line_id} is billed x{line.units}, but "
                    f"{target.code if recoded else 'it'} describes a single "
                    f"lesion: bill it once and report the other {extra} {planned.technique} biopsies as +{addon.code} "
                    f"x{extra}. Set line {line.line_id} to 1 unit ({money(lost)}).",
                    fix=set_units(line.line_id, 1, f"{target.code} x1", Applicability.SAFE),
                    revenue_impact=lost,
                )
                existing = next((p.line for p in plan.lines if p.target.code == addon.code), None)
                gained = delta(ctx, plan.day, [], [(addon.code, extra)])
                if existing is not None:
                    fix = set_units(
                        existing.line_id,
                        existing.units + extra,
                        f"+{addon.code} x{existing.units + extra}",
                        Applicability.SAFE,
                    )
                    where = f"raise +{addon.code} on line {existing.line_id} to {existing.units + extra} units"
                else:
                    fix = add_line(addon.code, extra, f"add +{addon.code} x{extra}", Applicability.SAFE)
                    where = f"add a line +{addon.code} x{extra}"
                yield self.finding(
                    [line.line_id],
                    f"The {extra} additional {planned.technique} biopsies billed as units of {target.code} on line "
                    f"{line.line_id} are add-on lesions: {where} ({money(gained)}).",
                    fix=fix,
                    revenue_impact=gained,
                )
