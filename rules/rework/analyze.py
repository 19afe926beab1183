"""`analyze(remit, claim, ruleset)`: one remittance in, one rework item per denied line (or claim) out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from schemas.claim import Claim
from schemas.remit import Adjustment, Remit
from schemas.rework import DenialRework

from rules.rework.actions import Settings, build_item, close_item
from rules.rework.addons import assess_addon
from rules.rework.bundling import assess_bundled
from rules.rework.classify import DenialKind, is_denial, kind_of, primary_denial
from rules.rework.deadlines import DeadlinePolicy
from rules.rework.duplicates import assess_duplicate
from rules.rework.lookup import fees
from rules.rework.matching import from_claim_line, match_lines
from rules.rework.missing_info import assess_missing_info
from rules.rework.model import ZERO, Assessment, DenialCase, MatchedLine, Outcome, ServiceLine
from rules.rework.modifiers import assess_modifier
from rules.rework.other import (
    assess_claim_denied_without_reason,
    assess_not_procedure_code,
    assess_other,
    assess_unmatched,
)
from rules.rework.units import assess_units
from rules.ruleset import RuleSet

REVERSAL = "22"
DENIED = "4"

LINE_ASSESSORS: dict[DenialKind, Callable[[DenialCase], Assessment]] = {
    DenialKind.BUNDLED: assess_bundled,
    DenialKind.ADDON_WITHOUT_PRIMARY: assess_addon,
    DenialKind.UNITS: assess_units,
    DenialKind.MODIFIER: assess_modifier,
    DenialKind.MISSING_INFORMATION: assess_missing_info,
    DenialKind.DUPLICATE: assess_duplicate,
    DenialKind.OTHER: assess_other,
}


def analyze(
    remit: Remit,
    claim: Claim | None,
    ruleset: RuleSet,
    *,
    policy: DeadlinePolicy = DeadlinePolicy(),  # noqa: B008 - frozen dataclass, immutable default
    remit_date: date | None = None,
    source_event_id: str = "",
) -> list[DenialRework]:
    """Explain each denial on the remittance and propose the fix; items sorted by priority, each once.

    Pure: the same inputs give the same items (rework ids do not depend on the event id). `claim` is the
    latest version of the claim the remittance pays (None when never seen: worked from the remittance's
    lines). A reversal (CLP02=22) yields the items it takes back, with status `closed`.
    """
    if claim is not None and claim.claim_id != remit.claim_id:
        claim = None  # not this remittance's claim: never explain a denial with another claim's chart
    reversal = remit.status_code == REVERSAL
    payer_id = claim.payer.payer_id if claim else remit.payer_id
    payer_kind = claim.payer.kind if claim else None
    profile = ruleset.profile_for(payer_id or "", payer_kind or "")
    settings = Settings(policy, remit_date or remit.remit_date, source_event_id, payer_id, payer_kind)
    matched = match_lines(remit, claim)
    lines: tuple[ServiceLine, ...] = (
        tuple(from_claim_line(claim, line) for line in claim.lines)
        if claim is not None
        else tuple(m.line for m in matched)
    )
    outcomes = {m.line.key: _outcome(m, ruleset) for m in matched if m.matched_by != "unmatched"}

    def case_for(
        m: MatchedLine | None, adjustment: Adjustment | None, total: Decimal, others: tuple[str, ...]
    ) -> DenialCase:
        return DenialCase(
            remit=remit,
            claim=claim,
            ruleset=ruleset,
            profile=profile,
            matched=m,
            line=m.line if m else None,
            group=adjustment.group if adjustment else "",
            reason=adjustment.reason if adjustment else "",
            remarks=m.remarks if m else (),
            denied=total,
            lines=lines,
            outcomes=outcomes,
            other_denials=others,
        )

    items: list[DenialRework] = []
    for m in matched:
        found = primary_denial(
            m.adjustments,
            m.remarks,
            code=m.line.code if m.line.is_procedure else None,
            ruleset=ruleset,
            fees=fees(ruleset, m.line.service_date),
            reversal=reversal,
        )
        if m.matched_by == "unmatched":
            if not reversal or found is not None:
                adjustment, _kind, total, denials = found if found else (None, None, ZERO, [])
                others = _others(adjustment, denials)
                case = case_for(m, adjustment, total, others)
                items.append(build_item(case, assess_unmatched(case), settings))
            continue
        if found is None:
            continue
        adjustment, kind, total, denials = found
        case = case_for(m, adjustment, total, _others(adjustment, denials))
        assess = LINE_ASSESSORS[kind] if m.line.is_procedure else assess_not_procedure_code
        items.append(build_item(case, assess(case), settings))
    items.extend(_claim_level(remit, case_for, settings, ruleset, reversal=reversal))
    if remit.status_code == DENIED and not items:
        case = case_for(None, None, remit.charge - remit.paid, ())
        items.append(build_item(case, assess_claim_denied_without_reason(case), settings))
    if reversal:
        items = [close_item(item, remit.status_code) for item in items]
    return _once_by_priority(items)


def _claim_level(
    remit: Remit,
    case_for: Callable[[MatchedLine | None, Adjustment | None, Decimal, tuple[str, ...]], DenialCase],
    settings: Settings,
    ruleset: RuleSet,
    *,
    reversal: bool,
) -> list[DenialRework]:
    """One claim-level item per denial (group, CARC) in the CLP-level CAS."""
    sign = Decimal(-1) if reversal else Decimal(1)
    totals: dict[tuple[str, str], tuple[Adjustment, Decimal]] = {}
    for adjustment in remit.adjustments:
        if is_denial(adjustment, reversal=reversal):
            key = (adjustment.group, adjustment.reason)
            first, total = totals.get(key, (adjustment, Decimal("0.00")))
            totals[key] = (first, total + adjustment.amount * sign)
    out = []
    for adjustment, total in totals.values():
        case = case_for(None, adjustment, total, ())
        kind = kind_of(adjustment.reason, (), code=None, ruleset=ruleset, fees=None)
        if kind is DenialKind.MISSING_INFORMATION:
            assessment = assess_missing_info(case, claim_level=True)
        elif kind is DenialKind.DUPLICATE:
            assessment = assess_duplicate(case, claim_level=True)
        else:
            assessment = assess_other(case)
        out.append(build_item(case, assessment, settings))
    return out


def _others(primary: Adjustment | None, denials: list[Adjustment]) -> tuple[str, ...]:
    labels = [f"{a.group}-{a.reason}" for a in denials if a is not primary]
    return tuple(dict.fromkeys(labels))


def _outcome(m: MatchedLine, ruleset: RuleSet) -> Outcome:
    denials = [f"{a.group}-{a.reason}" for a in m.adjustments if is_denial(a)]
    return Outcome(paid=m.paid, denials=tuple(dict.fromkeys(denials)))


def _once_by_priority(items: list[DenialRework]) -> list[DenialRework]:
    """Each rework id once (the first), highest priority first, then remittance order."""
    seen: dict[str, int] = {}
    unique: list[DenialRework] = []
    for item in items:
        if item.rework_id not in seen:
            seen[item.rework_id] = len(unique)
            unique.append(item)
    order = {item.rework_id: index for index, item in enumerate(unique)}
    return sorted(unique, key=lambda item: (-item.priority, order[item.rework_id]))
