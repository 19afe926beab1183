"""`evaluate(claim, ruleset) -> Verdict`: run every relevant rule, then apply the safe fixes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from schemas.claim import Claim

from rules.exceptions import RuleCrashError
from rules.facts.context import ClaimContext
from rules.fixes import DraftLine, apply_fixes
from rules.model import Finding, Rule, Severity
from rules.ruleset import RuleSet
from rules.scope import ClaimShape, EditIndex

AGE_SUFFIX = "_age"  # data_versions["ptp_age"]: the PTP edition used is older than the date of service
_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class Verdict:
    """The engine's answer for one claim."""

    status: str  # clean | flagged | rejected
    findings: tuple[Finding, ...]
    corrected_lines: tuple[DraftLine, ...]
    data_versions: dict[str, str]
    ruleset_version: str
    reason: str | None = None

    @property
    def beyond_data(self) -> dict[str, str]:
        """The tables this claim was judged with although its date of service is after the period of the newest
        loaded edition (`data_versions["<table>_age"]`): still scrubbed, but newer quarterly files are due."""
        return {key[: -len(AGE_SUFFIX)]: value for key, value in self.data_versions.items() if key.endswith(AGE_SUFFIX)}

    @property
    def revenue_impact(self) -> Decimal | None:
        amounts = [f.revenue_impact for f in self.findings if f.revenue_impact is not None]
        return sum(amounts, Decimal("0.00")) if amounts else None


def _coverage_gap(ctx: ClaimContext) -> str | None:
    """Why the claim cannot be scrubbed at all: no edit table covers any of its dates of service."""
    uncovered = [d for d in ctx.dates if ctx.ruleset.ptp.for_date(d) is None and ctx.ruleset.mue.for_date(d) is None]
    if len(uncovered) == len(ctx.dates):
        loaded = ", ".join(
            f"{m.label} ({m.effective_from}..{m.effective_to or 'open'})" for m, _ in ctx.ruleset.ptp.editions
        )
        return (
            f"no NCCI edit table covers the date(s) of service {', '.join(map(str, uncovered))}; loaded: "
            f"{loaded}. Load that quarter's CMS PTP and MUE files (CLAIMS_RULES_DATA_DIR) and replay the claim."
        )
    return None


class _Plan:
    """What `evaluate` can work out once per RuleSet instead of once per claim (performance only).

    - dispatch: which rules a claim's codes (`Rule.triggers`), modifiers (an optional `modifier_triggers`
      class attribute) and shape (`Rule.may_find`, rules/scope.py) make relevant, by index lookup instead
      of testing every rule, as (rule, is it a preview) pairs ready to run, remembered per claim shape;
    - per date of service: the `data_versions`, whether any PTP/MUE edition covers it, and whether the
      PTP, MUE and add-on editions all do.
    A RuleSet is immutable and rule triggers are class constants, so the answers never change; rules run
    in the RuleSet's order exactly as before.
    """

    __slots__ = ("always", "by_code", "days", "index", "modifier_gated", "ruleset", "selections")

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.index = EditIndex(ruleset)
        always: list[int] = []
        by_code: dict[str, list[int]] = {}
        self.modifier_gated: dict[int, frozenset[str]] = {}
        for index, rule in enumerate(ruleset.rules):
            modifiers: frozenset[str] = getattr(rule, "modifier_triggers", frozenset())
            if modifiers:
                self.modifier_gated[index] = modifiers
            if rule.triggers:
                for code in rule.triggers:
                    by_code.setdefault(code, []).append(index)
            else:
                always.append(index)
        self.always = frozenset(always)
        self.by_code = {code: frozenset(indexes) for code, indexes in by_code.items()}
        self.days: dict[date, tuple[dict[str, str], bool, bool]] = {}
        self.selections: dict[ClaimShape, tuple[tuple[Rule, bool], ...]] = {}

    def relevant(self, shape: ClaimShape) -> tuple[tuple[Rule, bool], ...]:
        """The rules (in RuleSet order) whose code and modifier triggers the claim meets and whose gate lets
        them run on its shape, each with whether it is a preview rule (its findings are downgraded to info).

        Claims repeat a small number of shapes, so the answer is memoised by shape.
        """
        found = self.selections.get(shape)
        if found is None:
            rules = self.ruleset.rules
            found = tuple(
                (rules[index], rules[index].status.kind == "preview")
                for index in self._select(shape)
                if rules[index].may_find(shape, self.index)
            )
            if len(self.selections) >= 8192:
                self.selections.clear()
            self.selections[shape] = found
        return found

    def _select(self, shape: ClaimShape) -> tuple[int, ...]:
        selected = set(self.always)
        for code in shape.codes:
            indexes = self.by_code.get(code)
            if indexes is not None:
                selected.update(indexes)
        if self.modifier_gated:
            billed = shape.modifiers
            for index, modifiers in self.modifier_gated.items():
                if index in selected and modifiers.isdisjoint(billed):
                    selected.discard(index)
        return tuple(sorted(selected))

    def day(self, day: date) -> tuple[dict[str, str], bool, bool]:
        """(data_versions for `day`, whether a PTP or MUE edition covers it, whether PTP, MUE and add-on
        editions all do), computed once per date."""
        found = self.days.get(day)
        if found is None:
            ruleset = self.ruleset
            ptp, mue = ruleset.ptp.for_date(day) is not None, ruleset.mue.for_date(day) is not None
            complete = ptp and mue and ruleset.addons.for_date(day) is not None
            found = (_data_versions_on(ruleset, day), ptp or mue, complete)
            if len(self.days) < 4096:  # dates of service are few; bound the memo all the same
                self.days[day] = found
        return found


_PLANS: dict[int, _Plan] = {}


def _plan(ruleset: RuleSet) -> _Plan:
    """The RuleSet's plan; keyed by identity (the plan holds the RuleSet, so the id is never reused)."""
    plan = _PLANS.get(id(ruleset))
    if plan is None or plan.ruleset is not ruleset:
        if len(_PLANS) >= 16:  # a process builds one RuleSet, tests a handful: keep the memo small
            _PLANS.clear()
        plan = _PLANS[id(ruleset)] = _Plan(ruleset)
    return plan


def claim_shape(ctx: ClaimContext, plan: _Plan | None = None) -> ClaimShape:
    """The claim's `ClaimShape`: what the rule gates (`Rule.may_find`) read (`plan`: the RuleSet's, if at hand)."""
    plan = plan or _plan(ctx.ruleset)
    lines = ctx.lines
    return ClaimShape(
        ctx.codes,
        ctx.modifiers,
        len(ctx.codes) < len(lines),
        any(line.units > 1 for line in lines),
        all(plan.day(day)[2] for day in ctx.dates),
        any(line.documentation is None for line in lines),
    )


def evaluate(claim: Claim, ruleset: RuleSet) -> Verdict:
    """Check every line of the claim. Pure: the same claim and ruleset always give the same verdict.

    A rule that raises is a bug: `RuleCrashError` carries its code and no partial verdict is returned.
    """
    ctx = ClaimContext(claim, ruleset)
    plan = _plan(ruleset)
    dates = ctx.dates
    if not dates:  # no CPT/HCPCS line (every code under another qualifier): nothing a rule may judge
        every_date = tuple(sorted({line.service_date for line in claim.lines}))
        return Verdict(
            "clean", (), tuple(apply_fixes(claim.lines, ())), _versions_over(plan, every_date), ruleset.version
        )
    versions, covered, _ = plan.day(dates[0])
    data_versions = dict(versions) if len(dates) == 1 else _versions_over(plan, dates)
    if not covered and not any(plan.day(day)[1] for day in dates[1:]):
        gap = _coverage_gap(ctx)
        if gap is not None:
            return Verdict("rejected", (), (), data_versions, ruleset.version, reason=gap)
    findings: list[Finding] = []
    for rule, preview in plan.relevant(claim_shape(ctx, plan)):
        try:
            if preview:
                findings.extend(
                    replace(f, severity=Severity.INFO, message=f"[preview] {f.message}") for f in list(rule.check(ctx))
                )
            else:
                findings.extend(rule.check(ctx))
        except Exception as exc:
            raise RuleCrashError(rule.code, exc) from exc
    if not findings:  # most claims: nothing to sort, fix or weigh
        return Verdict("clean", (), tuple(apply_fixes(claim.lines, ())), data_versions, ruleset.version)
    findings.sort(key=lambda f: (_SEVERITY_ORDER[f.severity], f.rule, f.line_ids))
    corrected = apply_fixes(claim.lines, findings)
    flagged = any(f.severity is not Severity.INFO for f in findings)
    return Verdict("flagged" if flagged else "clean", tuple(findings), tuple(corrected), data_versions, ruleset.version)


def _versions_over(plan: _Plan, dates: tuple[date, ...]) -> dict[str, str]:
    """The editions in force over all the claim's dates of service: each table's labels in date order, joined
    by commas, "none" only when no date has one (a claim spanning two quarters names both)."""
    labels: dict[str, list[str]] = {}
    for day in dates:
        for table, label in plan.day(day)[0].items():
            if table.endswith(AGE_SUFFIX):
                labels[table] = [label]  # dates ascend: the last date's age is the largest
                continue
            found = labels.setdefault(table, [])
            if label != "none" and label not in found:
                found.append(label)
    return {table: ",".join(found) or "none" for table, found in labels.items()}


def _data_versions_on(ruleset: RuleSet, day: date) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, versioned in (
        ("pfs", ruleset.pfs),
        ("ptp", ruleset.ptp),
        ("mue", ruleset.mue),
        ("addon", ruleset.addons),
    ):
        edition = versioned.for_date(day)
        out[name] = edition[0].label if edition else "none"
    for name, versioned in (("ptp", ruleset.ptp), ("mue", ruleset.mue), ("addon", ruleset.addons)):
        late = versioned.beyond(day)
        if late is not None:
            meta, days = late
            out[f"{name}{AGE_SUFFIX}"] = (
                f"{meta.label} ({meta.effective_from}..{meta.effective_to}) used {days} days after its period: "
                "load newer CMS quarterly files"
            )
    return out
