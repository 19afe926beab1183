"""The engine: `Engine(ruleset)` compiles a RuleSet once (dispatch plan, table indexes, tables in force per payer);
`Engine.evaluate(claim) -> Verdict` runs every relevant rule over the claim's facts, then applies the safe fixes.

`evaluate(claim, ruleset)` is the same through the engine compiled for that RuleSet (kept on it)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from schemas.claim import Claim

from rules.exceptions import RuleCrashError
from rules.facts.context import ClaimContext
from rules.fixes import DraftLine, apply_fixes
from rules.model import Applicability, Finding, Severity
from rules.reference import InForce, PayerProfile
from rules.rule import Rule
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
    uncovered = [d for d in ctx.dates if ctx.tables.ptp.for_date(d) is None and ctx.tables.mue.for_date(d) is None]
    if len(uncovered) == len(ctx.dates):
        loaded = ", ".join(
            f"{m.label} ({m.effective_from}..{m.effective_to or 'open'})" for m, _ in ctx.tables.ptp.editions
        )
        return (
            f"no NCCI edit table covers the date(s) of service {', '.join(map(str, uncovered))}; loaded: "
            f"{loaded}. Load that quarter's CMS PTP and MUE files (CLAIMS_RULES__DATA_DIR) and replay the claim."
        )
    return None


class Engine:
    """A RuleSet compiled once, for every claim evaluated against it (performance only: rules run in the RuleSet's
    order, exactly as a plain loop over every rule would run them, and give the same findings).

    - dispatch: which rules a claim's codes (`Rule.triggers`), modifiers (an optional `modifier_triggers` class
      attribute) and shape (`Rule.may_find` over the `EditIndex`, rules/scope.py) make relevant, by index look-up
      instead of testing every rule, as (rule, is it a preview) pairs ready to run, remembered per claim shape;
    - the tables in force per payer profile (`InForce`), shared by every claim of that payer;
    - per date of service: the `data_versions`, whether any PTP/MUE edition covers it, and whether the PTP,
      MUE and add-on editions all do.
    A RuleSet is immutable and rule triggers are class constants, so none of these answers ever changes.
    """

    __slots__ = (
        "always",
        "by_code",
        "days",
        "in_force",
        "index",
        "modifier_gated",
        "pair_rule",
        "ruleset",
        "selections",
    )

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
        self.in_force: dict[str, InForce] = {}  # by payer profile name (unique within a RuleSet)
        self.pair_rule: tuple[Rule, bool] | None = next(
            ((rule, rule.status.kind == "preview") for rule in ruleset.rules if rule.code == PAIR_RULE), None
        )

    def tables_for(self, profile: PayerProfile) -> InForce:
        """The tables in force for `profile`, one per profile of the RuleSet."""
        found = self.in_force.get(profile.name)
        if found is None or found.profile is not profile:
            found = self.in_force[profile.name] = InForce(self.ruleset, profile)
        return found

    def context(self, claim: Claim) -> ClaimContext:
        """The claim's facts, reading the tables in force for its payer."""
        payer = claim.payer
        return ClaimContext(claim, self.ruleset, self.tables_for(self.ruleset.profile_for(payer.payer_id, payer.kind)))

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

    def shape(self, ctx: ClaimContext) -> ClaimShape:
        """The claim's `ClaimShape`: what the rule gates (`Rule.may_find`) read."""
        lines = ctx.lines
        return ClaimShape(
            ctx.codes,
            ctx.modifiers,
            len(ctx.codes) < len(lines),
            any(line.units > 1 for line in lines),
            all(self.day(day)[2] for day in ctx.dates),
            any(line.documentation is None for line in lines),
        )

    def evaluate(self, claim: Claim) -> Verdict:
        """Check every line of the claim. Pure: the same claim and ruleset always give the same verdict.

        A rule that raises is a bug: `RuleCrashError` carries its code and no partial verdict is returned.
        """
        ruleset = self.ruleset
        ctx = self.context(claim)
        dates = ctx.dates
        if not dates:  # no CPT/HCPCS line (every code under another qualifier): nothing a rule may judge
            every_date = tuple(sorted({line.service_date for line in claim.lines}))
            return Verdict(
                "clean", (), tuple(apply_fixes(claim.lines, ())), _versions_over(self, every_date), ruleset.version
            )
        versions, covered, _ = self.day(dates[0])
        data_versions = dict(versions) if len(dates) == 1 else _versions_over(self, dates)
        if not covered and not any(self.day(day)[1] for day in dates[1:]):
            gap = _coverage_gap(ctx)
            if gap is not None:
                return Verdict("rejected", (), (), data_versions, ruleset.version, reason=gap)
        findings: list[Finding] = []
        for rule, preview in self.relevant(self.shape(ctx)):
            try:
                if preview:  # shadow mode: counted and shown, never flags the claim nor changes its lines
                    findings.extend(_shadowed(f) for f in list(rule.check(ctx)))
                else:
                    findings.extend(rule.check(ctx))
            except Exception as exc:
                raise RuleCrashError(rule.code, exc) from exc
        if not findings:  # most claims: nothing to sort, fix or weigh
            return Verdict("clean", (), tuple(apply_fixes(claim.lines, ())), data_versions, ruleset.version)
        findings.sort(key=lambda f: (_SEVERITY_ORDER[f.severity], f.rule, f.line_ids))
        corrected = apply_fixes(claim.lines, findings)
        recoded = self.pairs_of_recoded_lines(claim, findings, corrected)
        if recoded:
            findings.extend(recoded)
            findings.sort(key=lambda f: (_SEVERITY_ORDER[f.severity], f.rule, f.line_ids))
            corrected = apply_fixes(claim.lines, findings)
        flagged = any(f.severity is not Severity.INFO for f in findings)
        return Verdict(
            "flagged" if flagged else "clean", tuple(findings), tuple(corrected), data_versions, ruleset.version
        )

    def pairs_of_recoded_lines(
        self, claim: Claim, findings: list[Finding], corrected: list[DraftLine]
    ) -> list[Finding]:
        """The PTP pairs a family rule's recode creates, judged in the same pass.

        A family rule that recodes a line (11043 documented as subcutaneous is 11042, 96922 documented as PUVA is
        96912) can give it a code that the NCCI PTP table pairs with another line of the date, which the pair rule
        judged under the billed code. The pair rule is run once more on the lines as corrected (codes and modifiers
        after the safe fixes; removed and merged-away lines left out), and its findings on a recoded line that it has
        not answered yet are added, so the corrected claim carries the distinct-service modifier (or loses the line)
        at once, not on a second scrub. Only when some line's code changed.
        """
        if self.pair_rule is None:
            return []
        billed = {line.line_id: line for line in claim.lines}
        kept = [draft for draft in corrected if draft.line_ids and draft.line_ids[0] in billed]
        changed = {d.line_ids[0]: billed[d.line_ids[0]].code for d in kept if d.code != billed[d.line_ids[0]].code}
        if not changed:
            return []
        rule, preview = self.pair_rule
        lines = [
            billed[d.line_ids[0]].model_copy(update={"code": d.code, "modifiers": list(d.modifiers)}) for d in kept
        ]
        second = self.context(claim.model_copy(update={"lines": lines}))
        answered = {f.line_ids[0] for f in findings if f.rule == rule.code and f.line_ids}
        out = []
        try:
            found = list(rule.check(second))
        except Exception as exc:
            raise RuleCrashError(rule.code, exc) from exc
        for finding in found:
            if not finding.line_ids or finding.line_ids[0] in answered or changed.keys().isdisjoint(finding.line_ids):
                continue
            recodes = ", ".join(
                f"line {line_id} billed {code}" for line_id, code in changed.items() if line_id in finding.line_ids
            )
            finding = replace(finding, message=f"With the recode above ({recodes}): {finding.message}")
            out.append(_shadowed(finding) if preview else finding)
        return out


PAIR_RULE = "BND001"  # the NCCI PTP rule: run again on recoded lines (Engine.pairs_of_recoded_lines)


def _shadowed(finding: Finding) -> Finding:
    """A preview rule's finding: info severity, and its fix display-only (not applied to the corrected lines)."""
    fix = finding.fix
    if fix is not None and fix.applicability is not Applicability.DISPLAY_ONLY:
        fix = replace(fix, applicability=Applicability.DISPLAY_ONLY)
    return replace(finding, severity=Severity.INFO, message=f"[preview] {finding.message}", fix=fix)


def compiled(ruleset: RuleSet) -> Engine:
    """The engine compiled for `ruleset`, made on first use and kept on the RuleSet itself."""
    found: Engine | None = ruleset.compiled.get("engine")
    if found is None:
        found = ruleset.compiled["engine"] = Engine(ruleset)
    return found


def claim_shape(ctx: ClaimContext) -> ClaimShape:
    """The claim's `ClaimShape`: what the rule gates (`Rule.may_find`) read (the claim must be `ctx`'s)."""
    return compiled(_ruleset_of(ctx)).shape(ctx)


def _ruleset_of(ctx: ClaimContext) -> RuleSet:
    if not isinstance(ctx.tables, RuleSet):
        raise TypeError("claim_shape needs a ClaimContext built over a RuleSet")
    return ctx.tables


def evaluate(claim: Claim, ruleset: RuleSet) -> Verdict:
    """Check every line of the claim with the engine compiled for `ruleset` (see `Engine.evaluate`)."""
    return compiled(ruleset).evaluate(claim)


def _versions_over(engine: Engine, dates: tuple[date, ...]) -> dict[str, str]:
    """The editions in force over all the claim's dates of service: each table's labels in date order, joined
    by commas, "none" only when no date has one (a claim spanning two quarters names both)."""
    labels: dict[str, list[str]] = {}
    for day in dates:
        for table, label in engine.day(day)[0].items():
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
