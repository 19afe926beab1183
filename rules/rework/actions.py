"""Turn an assessment into a `denial.rework.v1` item: rework id, corrected line and claim, rationale,
deadline and priority."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from schemas.rework import CorrectedClaimLine, DenialRework, ReworkAction
from schemas.types import HC

from rules.rework import citations
from rules.rework.carc import carc_text, describe_carc, describe_rarc, table_labels
from rules.rework.deadlines import DeadlinePolicy
from rules.rework.model import ZERO, Assessment, DenialCase, ServiceLine
from rules.rework.priority import likelihoods, priority

REWORK_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:dermclaims:denial.rework.v1")
CLAIM_LEVEL_KEY = "claim"
PLACEHOLDER_CODE = "CLAIM"
_RESUBMIT = (ReworkAction.RESUBMIT_WITH_MODIFIER, ReworkAction.CORRECT_AND_RESUBMIT)
CLAIM_UNKNOWN_NOTE = (
    "Lower confidence: the claim is not on file, so this was worked from the remittance's own lines (the payer's "
    "codes, modifiers and dates, paid lines included) without the chart documentation; load the claim to confirm."
)


def rework_id(claim_id: str, payer_claim_id: str | None, line_key: str, reason: str, group: str) -> str:
    """Deterministic: the same remittance delivered twice (or reversed later) gives the same id."""
    return str(uuid.uuid5(REWORK_NAMESPACE, "|".join((claim_id, payer_claim_id or "", line_key, reason, group))))


@dataclass(frozen=True, slots=True)
class Settings:
    """Per-call inputs of `analyze` that every item needs."""

    policy: DeadlinePolicy
    remit_date: date | None
    source_event_id: str
    payer_id: str | None
    payer_kind: str | None


def _corrected_line(line: ServiceLine, a: Assessment) -> CorrectedClaimLine:
    return CorrectedClaimLine(
        line_id=line.line_id,
        code=a.corrected_code or line.code,
        modifiers=list(a.corrected_modifiers if a.corrected_modifiers is not None else line.modifiers),
        units=a.corrected_units if a.corrected_units is not None else line.units,
    )


def _corrected_claim(case: DenialCase, line: ServiceLine, a: Assessment) -> dict[str, object]:
    """The claim as it should go back: frequency 7 with the payer's claim number (MA130: a new claim)."""
    fixed = _corrected_line(line, a)
    others = dict(a.other_lines)
    lines: list[dict[str, object]] = []
    for billed in case.lines:
        if billed.key == line.key:
            entry = fixed.model_dump(mode="json")
        else:
            if billed.key in others and others[billed.key] is None:
                continue  # the corrected claim drops this line
            code, modifiers = others.get(billed.key) or (billed.code, billed.modifiers)
            entry = {"line_id": billed.line_id}
            if not billed.is_procedure:  # like the wire models: the qualifier is written only when not HC
                entry["code_qualifier"] = billed.code_qualifier
            entry.update({"code": code, "modifiers": list(modifiers), "units": billed.units})
        entry["service_date"] = billed.service_date.isoformat() if billed.service_date else None
        lines.append(entry)
    for code, modifiers, units in a.added_lines:
        lines.append(
            {
                "line_id": None,
                "code": code,
                "modifiers": list(modifiers),
                "units": units,
                "service_date": line.service_date.isoformat() if line.service_date else None,
            }
        )
    return {
        "claim_id": case.remit.claim_id,
        "frequency_code": "1" if a.new_claim else "7",
        "payer_claim_id": None if a.new_claim else case.remit.payer_claim_id,
        "lines": lines,
    }


def _resubmission_note(case: DenialCase, a: Assessment) -> str:
    if a.new_claim:
        return "Send it as a new claim (frequency code 1): the payer treated the original as unprocessable."
    number = case.remit.payer_claim_id or "(the payer claim number from the remittance)"
    return (
        f"Send a replacement claim: frequency code 7, claim {case.remit.claim_id}, original payer claim number "
        f"{number} ({citations.CORRECTED_CLAIM})."
    )


def build_item(case: DenialCase, a: Assessment, settings: Settings) -> DenialRework:
    line = case.line
    claim_level = line is None
    deadline = settings.policy.deadline(
        a.action,
        service_date=line.service_date if line else _first_date(case),
        remit_date=settings.remit_date,
        payer_id=settings.payer_id,
        payer_kind=settings.payer_kind,
    )
    parts = [describe_carc(case.group, case.reason) if case.reason else ""]
    if case.remarks:
        parts.append(f"Remarks: {'; '.join(describe_rarc(r) for r in case.remarks)}")
    if case.other_denials:
        parts.append(f"Also denied on this line: {', '.join(case.other_denials)} (included in the denied amount).")
    if case.matched is not None and case.matched.matched_by != "unmatched":
        parts.extend(case.matched.notes)
    if not case.claim_known:
        parts.append(CLAIM_UNKNOWN_NOTE)
    parts.append(a.explanation)
    if a.attach:
        parts.append(f"Attach: {a.attach}.")
    if a.action in _RESUBMIT and line is not None:
        parts.append(_resubmission_note(case, a))
    parts.append(f"Policy: {a.policy}.")
    parts.append(settings.policy.explain(a.action, payer_id=settings.payer_id, payer_kind=settings.payer_kind))
    data = {**dict(a.data), **table_labels(), "likelihood": likelihoods().meta.label}
    key = line.key if line is not None else CLAIM_LEVEL_KEY
    first = case.lines[0] if case.lines else None
    return DenialRework(
        rework_id=rework_id(case.remit.claim_id, case.remit.payer_claim_id, key, case.reason, case.group),
        source_event_id=settings.source_event_id,
        claim_id=case.remit.claim_id,
        line_id=line.line_id if line is not None else None,
        code_qualifier=line.code_qualifier if line else (first.code_qualifier if first else HC),
        code=line.code if line else (first.code if first else PLACEHOLDER_CODE),
        modifiers=list(line.modifiers) if line else [],
        service_date=line.service_date if line else _first_date(case),
        group_code=case.group,
        reason=case.reason,
        reason_text=(carc_text(case.reason) or "") if case.reason else "",
        remarks=list(case.remarks),
        denied_amount=case.denied,
        cause=a.cause,
        action=a.action,
        modifier=a.modifier if a.action is ReworkAction.RESUBMIT_WITH_MODIFIER else None,
        rationale=" ".join(p for p in parts if p),
        priority=priority(case.denied, a.action),
        deadline=deadline,
        corrected_line=_corrected_line(line, a) if line is not None and a.action in _RESUBMIT else None,
        corrected_claim=_corrected_claim(case, line, a) if line is not None and a.action in _RESUBMIT else None,
        ruleset_version=case.ruleset.version,
        level="claim" if claim_level else "line",
        payer_claim_id=case.remit.payer_claim_id,
        matched_by=case.matched.matched_by if case.matched else None,
        attachments=a.attach if a.action is ReworkAction.APPEAL else None,
        data_versions=data,
    )


def close_item(item: DenialRework, remit_status: str) -> DenialRework:
    """A reversal's tombstone: same rework id, status closed, nothing left to work."""
    reason = (
        f"Reversal (CLP02={remit_status}) of the earlier adjudication of payer claim {item.payer_claim_id or '?'}: "
        f"the payer took back its {item.group_code}-{item.reason} on this line ({item.denied_amount:.2f}), so the "
        "rework item for it is closed. The payer's corrected adjudication arrives as a new remittance and is worked "
        f"on its own. The closed item was: {item.cause}."
    )
    return item.model_copy(
        update={
            "status": "closed",
            "priority": ZERO,
            "deadline": None,
            "rationale": f"{reason} {item.rationale}",
        }
    )


def _first_date(case: DenialCase) -> date | None:
    dates = [line.service_date for line in case.lines if line.service_date is not None]
    return min(dates) if dates else None
