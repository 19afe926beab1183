"""DES002: 17000/+17003/17004 units do not match the premalignant lesion count."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from schemas.claim import ClaimLine

from rules.facts.context import ClaimContext
from rules.facts.destruction import PREMALIGNANT, by_role, counts_every_line, premalignant_count
from rules.facts.sites import PREMALIGNANT_DESTRUCTION_CODES, delta, family_lines, money, mue_flags
from rules.fixes import add_line, merge_lines, remove_line
from rules.model import Applicability, Category, Finding, Fix, FixAction, Severity, Stable
from rules.registry import register
from rules.rule import Rule


@register(code="DES002", slug="premalignant-destruction-units-differ-from-count", status=Stable("0.1.0"))
class PremalignantDestructionUnitsDifferFromCount(Rule):
    """Premalignant destruction units do not match the number of lesions.

    ## What it does
    For actinic keratoses: 1-14 lesions are 17000 x1 plus +17003 x(n - 1); 15 or more are 17004 x1
    alone. The lesion count n is `documentation.lesion_count` (per line, summed; a count on the 17000 line
    alone is the session total when it is more than the first lesion 17000 describes), else the billed units
    when they are plainly lesion counts (17000 x8, +17003 x19). 17000 documenting its one lesion with an
    undocumented +17003 x5 is 6 AKs as billed: billed add-on lesions are never removed for want of a count.
    The rule sets units, adds the missing add-on, or merges 17000 + 17003 into 17004 (or splits 17004).
    With a documented count it also recodes +17003 billed without 17000 (the first lesion becomes 17000, the
    add-on keeps lesions 2-n) and removes the extra 17000 lines of a date (17000 billed once per treated area)
    when the count takes every line's lesions.

    ## Why is this bad?
    17000 is one lesion; extra units are denied (MUE). Fewer 17003 units than documented lesions is
    revenue left unbilled; 15 or more lesions billed as 17000 + 17003 x14+ exceed the add-on's 13 units
    and must be 17004, which pays less than the stack: the honest fix lowers the claim.

    ## Example
    8 AKs documented, 17000 + 17003 x5 -> 17000 + 17003 x7 (+$12.69).
    17000 + 17003 x19 -> 17004 x1 (-$24.72). 17000 (1 lesion documented) + 17003 x14 -> 17004 x1.
    17003 x3 alone for 3 documented AKs -> 17000 + 17003 x2. AKs of two areas billed 17000 (1) + 17003 x2 (2)
    + 17000 (1) -> 17000 + 17003 x3.

    ## Fix safety
    `safe`: the count comes from the line's documentation or from the units billed. 17004 with 17000/17003
    on the same date is DES001's. +17003 without 17000 and several 17000 lines are recoded only with a
    documented count (without one, AOC001 asks whether 17000 was performed and DUP001 whether the lines are
    separate lesions).

    ## References
    AMA CPT 2026 descriptors 17000 ("first lesion"), +17003 ("second through 14 lesions, each"), 17004
    ("15 or more lesions"): +17003 units = n - 1 for lesions 2-14 (8 AKs = 17000 + 17003 x7; 20 AKs =
    17004 x1); CMS NCCI add-on code edits (an add-on
    alone is denied, CARC B15 / RARC N122).
    """

    name = "Premalignant destruction units differ from the lesion count"
    category = Category.CODE_FAMILY
    severity = Severity.ERROR
    reference = "AMA CPT 17000/+17003/17004 descriptors (+17003 units = lesions 2-14)"
    triggers = PREMALIGNANT_DESTRUCTION_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for day, lines in family_lines(ctx, PREMALIGNANT):
            judged = premalignant_count(ctx, lines)
            if judged is None:
                continue
            count, documented = judged
            roles = by_role(ctx, lines)
            yield from self._judge(ctx, day, count, documented, roles["primary"], roles["addon"], roles["alone"])

    def _judge(
        self,
        ctx: ClaimContext,
        day: date,
        count: int,
        documented: bool,
        primaries: list[ClaimLine],
        addons: list[ClaimLine],
        alone: list[ClaimLine],
    ) -> Iterator[Finding]:
        table = ctx.families
        target = table.counted(PREMALIGNANT, count)
        if target is None:
            return
        source = "documented" if documented else "billed"
        if target.role == "alone":
            if alone:
                if (
                    not (primaries or addons)
                    and alone[0].units != 1
                    and not mue_flags(ctx, alone[0].code, alone[0].units, day)
                ):
                    impact = delta(ctx, day, [(alone[0].code, alone[0].units)], [(alone[0].code, 1)])
                    yield self._fix(
                        alone[0],
                        f"{target.code} is reported once ({count} lesions {source})",
                        FixAction.SET_UNITS,
                        impact,
                        units=1,
                    )
                return  # with 17000/17003 too: DES001
            stack = primaries + addons
            impact = delta(ctx, day, [(ln.code, ln.units) for ln in stack], [(target.code, 1)])
            yield self.finding(
                [ln.line_id for ln in stack],
                f"{count} premalignant lesions {source} on {day}, billed as "
                f"{' + '.join(f'{ln.code} x{ln.units}' for ln in stack)}: {target.count_min} or more lesions are "
                f"{target.code} x1, "
                f"reported alone. Merge line(s) {', '.join(ln.line_id for ln in stack)} into {target.code} x1 "
                f"({money(impact)}).",
                fix=merge_lines(
                    tuple(ln.line_id for ln in stack),
                    f"bill {target.code} x1",
                    Applicability.SAFE,
                    code=target.code,
                    units=1,
                ),
                revenue_impact=impact,
            )
            return
        addon = table.addon_of(target.code)
        want = table.addon_units(addon, count) if addon else 0
        promoted = False  # an add-on line recoded to the primary (17003 billed without 17000)
        if alone and not (primaries or addons):
            head = alone[0]
            impact = delta(ctx, day, [(head.code, head.units)], [(target.code, 1)])
            yield self._fix(
                head,
                f"{count} lesions documented, within {target.code}'s range: the first lesion is {target.code}",
                FixAction.REPLACE_CODE,
                impact,
                code=target.code,
                units=1,
            )
        elif addons and not (primaries or alone):
            if not documented:
                return  # add-on without 17000 and no count: the add-on-code rule (AOC001) asks for the chart
            # The chart counts the lesions: the first is 17000, the add-on counts lesions 2-n (as 17004 for 14
            # lesions becomes 17000 + 17003 x13 above).
            why = f"{count} lesion(s) documented but no {target.code} is billed: the first lesion is {target.code}" + (
                f", +{addons[0].code} counts {_lesions_from_2(count)} only" if count > 1 else ""
            )
            if len(addons) == 1:
                head = addons[0]
                impact = delta(ctx, day, [(head.code, head.units)], [(target.code, 1)])
                yield self._fix(
                    head,
                    why,
                    FixAction.REPLACE_CODE,
                    impact,
                    code=target.code,
                    units=1,
                    severity=Severity.ERROR,  # as billed the add-on alone is denied (CARC B15 / RARC N122)
                )
                primaries, addons, promoted = [head], [], True
            else:  # several add-on lines: they are merged to n - 1 units below (as DUP001 merges them)
                impact = delta(ctx, day, [], [(target.code, 1)])
                shown = ", ".join(ln.line_id for ln in addons)
                yield self.finding(
                    [ln.line_id for ln in addons],
                    f"{addons[0].code} on lines {shown}: {why}. Fix: add {target.code} x1 ({money(impact)}).",
                    fix=add_line(target.code, 1, f"add {target.code} x1", Applicability.SAFE),
                    revenue_impact=impact,
                )
        elif primaries and primaries[0].units != 1:
            head = primaries[0]
            impact = delta(ctx, day, [(head.code, head.units)], [(head.code, 1)])
            yield self._fix(
                head,
                f"{head.code} is the first lesion only ({count} lesions {source})",
                FixAction.SET_UNITS,
                impact,
                units=1,
            )
        elif not primaries:
            return  # 17004 with 17003 and no 17000: DES001's
        if documented and len(primaries) > 1 and not alone and counts_every_line(ctx, primaries, addons):
            yield self._extra_primaries(ctx, day, count, primaries, addon.code if addon else None)
        if addon is None:
            return
        if len(addons) > 1:
            impact = delta(ctx, day, [(ln.code, ln.units) for ln in addons], [(addon.code, want)])
            ids = tuple(ln.line_id for ln in addons)
            yield self.finding(
                list(ids),
                f"+{addon.code} is billed on {len(addons)} lines ({', '.join(ids)}) for {count} lesions {source}: "
                f"bill it on one line, x{want} ({money(impact)}).",
                fix=merge_lines(ids, f"+{addon.code} x{want}", Applicability.SAFE, units=want)
                if want
                else remove_line(ids, f"remove +{addon.code}", Applicability.SAFE),
                revenue_impact=impact,
            )
        elif addons:
            line = addons[0]
            if line.units == want:
                return
            impact = delta(ctx, day, [(line.code, line.units)], [(line.code, want)])
            if want == 0:
                yield self._fix(line, f"a single lesion ({source}) has no add-on", FixAction.REMOVE_LINE, impact)
            else:
                yield self._fix(
                    line,
                    f"{count} lesions {source}: +{addon.code} counts lesions 2-{count}",
                    FixAction.SET_UNITS,
                    impact,
                    units=want,
                )
        elif want:
            recoded = (
                f", line {primaries[0].line_id} recoded to {target.code} for the first"
                if promoted
                else f" but no +{addon.code} is billed"
            )
            impact = delta(ctx, day, [], [(addon.code, want)])
            yield self.finding(
                [ln.line_id for ln in primaries + alone],
                f"{count} premalignant lesions {source} on {day}{recoded}: add +{addon.code} x{want} for lesions "
                f"2-{count} ({money(impact)}).",
                fix=add_line(addon.code, want, f"add +{addon.code} x{want}", Applicability.SAFE),
                revenue_impact=impact,
                severity=Severity.WARNING if impact > 0 else None,
            )

    def _extra_primaries(
        self, ctx: ClaimContext, day: date, count: int, primaries: list[ClaimLine], addon: str | None
    ) -> Finding:
        """17000 on several lines of one date (AKs of two areas each billed as a 'first lesion'): the session has
        one first lesion; the documented count, which takes every line's lesions, sets the add-on units."""
        head, extra = primaries[0], primaries[1:]
        ids = tuple(ln.line_id for ln in extra)
        impact = delta(ctx, day, [(ln.code, ln.units) for ln in extra], [])
        rest = f"; {_lesions_from_2(count)} are +{addon} units" if addon and count > 1 else ""
        return self.finding(
            [ln.line_id for ln in primaries],
            f"{head.code} is billed on {len(primaries)} lines ({', '.join(ln.line_id for ln in primaries)}) for "
            f"{count} premalignant lesions documented on {day}: {head.code} is the first lesion of the session, "
            f"reported once whatever the number of areas{rest}. Fix: remove line(s) {', '.join(ids)} "
            f"({money(impact)}).",
            fix=remove_line(ids, f"remove the extra {head.code} line(s) {', '.join(ids)}", Applicability.SAFE),
            revenue_impact=impact,
        )

    def _fix(
        self,
        line: ClaimLine,
        why: str,
        action: FixAction,
        impact: Decimal,
        *,
        code: str | None = None,
        units: int | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        change = {
            FixAction.SET_UNITS: f"set line {line.line_id} ({line.code}) to {units} unit(s)",
            FixAction.REMOVE_LINE: f"remove line {line.line_id} ({line.code} x{line.units})",
            FixAction.REPLACE_CODE: f"replace {line.code} on line {line.line_id} with {code} x1",
        }[action]
        return self.finding(
            [line.line_id],
            f"{line.code} x{line.units} on line {line.line_id}: {why}. Fix: {change} ({money(impact)}).",
            fix=Fix(action, Applicability.SAFE, (line.line_id,), change, code=code, units=units),
            revenue_impact=impact,
            severity=severity or (Severity.WARNING if impact > 0 else None),
        )


def _lesions_from_2(count: int) -> str:
    """`lesion 2` / `lesions 2-8`: the lesions an add-on counts."""
    return "lesion 2" if count == 2 else f"lesions 2-{count}"
