"""`evaluate(claim, ruleset) -> Verdict`: run every relevant rule, then apply the safe fixes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from schemas.claim import Claim

from rules.context import ClaimContext
from rules.exceptions import RuleCrashError
from rules.fixes import DraftLine, apply_fixes
from rules.model import Finding, Severity
from rules.ruleset import RuleSet

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


def evaluate(claim: Claim, ruleset: RuleSet) -> Verdict:
    """Check every line of the claim. Pure: the same claim and ruleset always give the same verdict.

    A rule that raises is a bug: `RuleCrashError` carries its code and no partial verdict is returned.
    """
    ctx = ClaimContext(claim, ruleset)
    data_versions = _data_versions(ctx)
    gap = _coverage_gap(ctx)
    if gap is not None:
        return Verdict("rejected", (), (), data_versions, ruleset.version, reason=gap)
    findings: list[Finding] = []
    codes = ctx.codes
    for rule in ruleset.rules:
        if rule.triggers and rule.triggers.isdisjoint(codes):
            continue
        try:
            produced = list(rule.check(ctx))
        except Exception as exc:
            raise RuleCrashError(rule.code, exc) from exc
        if rule.status.kind == "preview":
            produced = [replace(f, severity=Severity.INFO, message=f"[preview] {f.message}") for f in produced]
        findings.extend(produced)
    findings.sort(key=lambda f: (_SEVERITY_ORDER[f.severity], f.rule, f.line_ids))
    corrected = apply_fixes(claim.lines, findings)
    flagged = any(f.severity is not Severity.INFO for f in findings)
    return Verdict("flagged" if flagged else "clean", tuple(findings), tuple(corrected), data_versions, ruleset.version)


def _data_versions(ctx: ClaimContext) -> dict[str, str]:
    """The edition of each table in force on the claim's first date of service."""
    day = ctx.dates[0]
    out: dict[str, str] = {}
    for name, versioned in (
        ("pfs", ctx.ruleset.pfs),
        ("ptp", ctx.ruleset.ptp),
        ("mue", ctx.ruleset.mue),
        ("addon", ctx.ruleset.addons),
    ):
        edition = versioned.for_date(day)
        out[name] = edition[0].label if edition else "none"
    return out
