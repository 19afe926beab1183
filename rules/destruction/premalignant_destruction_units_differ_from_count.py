"""DES002: 17000/+17003/17004 units do not match the premalignant lesion count."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from schemas.claim import ClaimLine

from rules.context import ClaimContext
from rules.destruction._common import PREMALIGNANT, any_contradicted, by_role, session_count
from rules.model import Applicability, Category, Finding, Fix, FixAction, Rule, Severity, Stable
from rules.registry import register
from rules.sites import PREMALIGNANT_DESTRUCTION_CODES, delta, family_lines, money, mue_flags


@register(code="DES002", slug="premalignant-destruction-units-differ-from-count", status=Stable("0.1.0"))
class PremalignantDestructionUnitsDifferFromCount(Rule):
    """Premalignant destruction units do not match the number of lesions.

    ## What it does
    For actinic keratoses: 1-14 lesions are 17000 x1 plus +17003 x(n - 1); 15 or more are 17004 x1
    alone. The lesion count n is `documentation.lesion_count` (the count on the 17000/17004 line is the
    session total), else the billed units when they are plainly lesion counts (17000 x8, +17003 x19).
    The rule sets units, adds the missing add-on, or merges 17000 + 17003 into 17004 (or splits 17004).

    ## Why is this bad?
    17000 is one lesion; extra units are denied (MUE). Fewer 17003 units than documented lesions is
    revenue left unbilled; 15 or more lesions billed as 17000 + 17003 x14+ exceed the add-on's 13 units
    and must be 17004, which pays less than the stack: the honest fix lowers the claim.

    ## Example
    8 AKs documented, 17000 + 17003 x5 -> 17000 + 17003 x7 (+$12.69).
    17000 + 17003 x19 -> 17004 x1 (-$24.72).

    ## Fix safety
    `safe`: the count comes from the line's documentation or from the units billed. 17004 with 17000/17003
    on the same date is DES001's.

    ## References
    AMA CPT 2026 descriptors 17000 ("first lesion"), +17003 ("second through 14 lesions, each"), 17004
    ("15 or more lesions"); coding-rules.md "Destruction" (8 AKs = 17000 + 17003 x7; 20 AKs = 17004 x1).
    """

    name = "Premalignant destruction units differ from the lesion count"
    category = Category.CODE_FAMILY
    severity = Severity.ERROR
    reference = "AMA CPT 17000/+17003/17004 descriptors; coding-rules.md 'Destruction'"
    triggers = PREMALIGNANT_DESTRUCTION_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        table = ctx.ruleset.families
        for day, lines in family_lines(ctx, PREMALIGNANT):
            if any_contradicted(ctx, lines):
                continue
            roles = by_role(ctx, lines)
            primaries, addons, alone = roles["primary"], roles["addon"], roles["alone"]
            count = session_count(ctx, lines)
            documented = count is not None
            if count is None:
                if alone or not primaries:
                    continue
                count = sum(ln.units for ln in primaries + addons)
                head = table.get(primaries[0].code)
                if primaries[0].units == 1 and head is not None and count <= (head.count_max or count):
                    continue  # nothing billed says more than the codes describe
            yield from self._judge(ctx, day, count, documented, primaries, addons, alone)

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
        table = ctx.ruleset.families
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
                fix=Fix(
                    FixAction.MERGE_LINES,
                    Applicability.SAFE,
                    tuple(ln.line_id for ln in stack),
                    f"bill {target.code} x1",
                    code=target.code,
                    units=1,
                ),
                revenue_impact=impact,
            )
            return
        addon = table.addon_of(target.code)
        want = table.addon_units(addon, count) if addon else 0
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
            return  # add-on without 17000: the add-on-code rules' job
        if addon is None:
            return
        if len(addons) > 1:
            impact = delta(ctx, day, [(ln.code, ln.units) for ln in addons], [(addon.code, want)])
            ids = tuple(ln.line_id for ln in addons)
            yield self.finding(
                list(ids),
                f"+{addon.code} is billed on {len(addons)} lines ({', '.join(ids)}) for {count} lesions {source}: "
                f"bill it on one line, x{want} ({money(impact)}).",
                fix=Fix(FixAction.MERGE_LINES, Applicability.SAFE, ids, f"+{addon.code} x{want}", units=want)
                if want
                else Fix(FixAction.REMOVE_LINE, Applicability.SAFE, ids, f"remove +{addon.code}"),
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
            impact = delta(ctx, day, [], [(addon.code, want)])
            yield self.finding(
                [ln.line_id for ln in primaries + alone],
                f"{count} premalignant lesions {source} on {day} but no +{addon.code} is billed: add +{addon.code} "
                f"x{want} for lesions 2-{count} ({money(impact)}).",
                fix=Fix(
                    FixAction.ADD_LINE,
                    Applicability.SAFE,
                    (),
                    f"add +{addon.code} x{want}",
                    code=addon.code,
                    units=want,
                ),
                revenue_impact=impact,
                severity=Severity.WARNING if impact > 0 else None,
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
            severity=Severity.WARNING if impact > 0 else None,
        )
