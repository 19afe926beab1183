"""A rework item's life on its rework_id: each stage change is the item again, as its next revision.

    open --(frequency-7 claim seen)--> resubmitted --(a remittance pays the line)--> paid (closed)
      |                                      '--(the line is denied again)--> denied_again: appeal (open)
      |                                                                        or write_off (closed)
      '--(a later remittance pays the line: reopening, appeal won)--> paid (closed)
    open / denied_again (appeal) --(deadline passed)--> expired (closed)

A resubmitted item waits on the payer (its resubmission deadline was met), so it does not expire. Recovered
dollars are what the paying remittance paid on the line, counted when it is paid. Denied again, the item is
escalated: to an appeal with the chart when the fix the payer denied again was supported by the chart
(resubmit, correct) or the new analysis says appeal; else written off. When the new denial has a rework_id of
its own (the payer's new claim number), the old item closes there and the new one `follows_rework_id` it.

Pure and deterministic: the same state and input give the same transitions, whatever the time they run
(expiry compares the deadline with a date the caller passes: the event's date, or the sweep's day).
Revisions are numbered by the caller (workers.revisions' ledger).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from schemas.remit import Remit, RemitLine
from schemas.rework import DenialRework, ReworkAction

from rules.rework import DeadlinePolicy

OPEN, RESUBMITTED, PAID, DENIED_AGAIN, EXPIRED = "open", "resubmitted", "paid", "denied_again", "expired"
STAGES = (OPEN, RESUBMITTED, PAID, DENIED_AGAIN, EXPIRED)
REVERSAL = "22"
SUPPORTED_FIXES = (ReworkAction.RESUBMIT_WITH_MODIFIER, ReworkAction.CORRECT_AND_RESUBMIT, ReworkAction.APPEAL)


def is_active(item: DenialRework) -> bool:
    """Still waiting on someone: open status, not paid or expired."""
    return item.status == "open" and item.stage in (OPEN, RESUBMITTED, DENIED_AGAIN)


@dataclass(slots=True)
class RemittanceTransitions:
    """What a remittance did to a claim's earlier items, and which new items follow which earlier one."""

    items: list[DenialRework] = field(default_factory=list)
    follows: dict[str, str] = field(default_factory=dict)  # new rework_id -> the earlier rework_id it continues


def on_replacement(items: Iterable[DenialRework], event_id: str, occurred: date) -> list[DenialRework]:
    """A frequency-7 claim was seen: every item still open (or denied again and appealed) is resubmitted."""
    out = []
    for item in items:
        if is_active(item) and item.stage != RESUBMITTED:
            note = f"Resubmitted: a corrected claim (frequency 7) for this claim was seen on {occurred.isoformat()}."
            out.append(_moved(item, RESUBMITTED, event_id, note))
    return out


def on_remittance(
    items: Iterable[DenialRework],
    remit: Remit,
    analyzed: Iterable[DenialRework],
    event_id: str,
    remit_date: date,
    policy: DeadlinePolicy = DeadlinePolicy(),  # noqa: B008 - frozen dataclass, immutable default
) -> RemittanceTransitions:
    """A later remittance of the claim: pays an active item's line (paid) or denies a resubmitted one again."""
    result = RemittanceTransitions()
    if remit.status_code == REVERSAL:
        return result
    new_denials = [a for a in analyzed if a.status == "open" and a.level == "line" and a.line_id]
    denied_lines = {a.line_id: a for a in new_denials}
    for item in items:
        if not is_active(item):
            continue
        if item.level == "claim":
            if remit.paid > 0 and not any(a.level == "claim" and a.status == "open" for a in analyzed):
                recovered = min(remit.paid, item.denied_amount)
                result.items.append(_paid(item, recovered, event_id, remit_date))
            continue
        again = denied_lines.get(item.line_id)
        if again is not None:
            if item.stage == RESUBMITTED:
                result.items.append(_denied_again(item, again, event_id, remit, remit_date, policy))
                if again.rework_id != item.rework_id:
                    result.follows[again.rework_id] = item.rework_id
            continue
        line = _remit_line(remit, item)
        if line is not None and line.paid > 0:
            result.items.append(_paid(item, line.paid, event_id, remit_date))
    return result


def expire(items: Iterable[DenialRework], as_of: date, source_event_id: str) -> list[DenialRework]:
    """Items not resubmitted whose deadline is before `as_of`: expired, closed. Deterministic in the state."""
    out = []
    for item in items:
        if is_active(item) and item.stage != RESUBMITTED and item.deadline is not None and item.deadline < as_of:
            note = f"Expired: the deadline {item.deadline.isoformat()} passed without a resubmission or payment."
            out.append(_moved(item, EXPIRED, source_event_id, note, status="closed"))
    return out


def _moved(item: DenialRework, stage: str, event_id: str, note: str, **changes: object) -> DenialRework:
    return item.model_copy(update={"stage": stage, "source_event_id": event_id, "stage_note": note, **changes})


def _paid(item: DenialRework, recovered: Decimal, event_id: str, remit_date: date) -> DenialRework:
    note = f"Paid: the remittance of {remit_date.isoformat()} pays this line ({recovered:.2f} recovered)."
    return _moved(item, PAID, event_id, note, status="closed", recovered_amount=recovered)


def _denied_again(
    item: DenialRework,
    again: DenialRework,
    event_id: str,
    remit: Remit,
    remit_date: date,
    policy: DeadlinePolicy,
) -> DenialRework:
    if again.action in (ReworkAction.APPEAL, ReworkAction.WRITE_OFF):
        action = again.action
    else:
        action = ReworkAction.APPEAL if item.action in SUPPORTED_FIXES else ReworkAction.WRITE_OFF
    label = f"{again.group_code}-{again.reason}"
    if action is ReworkAction.APPEAL:
        deadline = policy.deadline(
            action, service_date=item.service_date, remit_date=remit_date, payer_id=remit.payer_id, payer_kind=None
        )
        attach = again.attachments or item.attachments or f"the chart note of line {item.line_id} supporting the fix"
        note = (
            f"Denied again ({label}) after the resubmission: appeal with the documentation by "
            f"{deadline.isoformat() if deadline else 'the payer deadline'}."
        )
        changes: dict[str, object] = {"action": action, "modifier": None, "deadline": deadline, "attachments": attach}
    else:
        note = f"Denied again ({label}) after the resubmission, and nothing supports an appeal: write it off."
        changes = {"action": action, "modifier": None, "deadline": None, "status": "closed"}
    if again.rework_id != item.rework_id:
        note += f" The new denial is rework item {again.rework_id}; this one closes."
        changes["status"] = "closed"
    return _moved(item, DENIED_AGAIN, event_id, note, **changes)


def _remit_line(remit: Remit, item: DenialRework) -> RemitLine | None:
    """The remittance line of the item's claim line: by REF*6R, else the first line of the same code."""
    if item.line_id is not None:
        found = next((line for line in remit.lines if line.line_id == item.line_id), None)
        if found is not None:
            return found
    return next((line for line in remit.lines if line.line_id is None and line.code == item.code), None)


def latest(items: Mapping[str, DenialRework]) -> list[DenialRework]:
    """The items in a stable order (by rework_id), so transitions come out in the same order on redelivery."""
    return [items[key] for key in sorted(items)]


FUNNEL = ("opened", "resubmitted", "paid", "denied_again", "written_off", "expired")


def funnel_steps(item: DenialRework) -> list[tuple[str, Decimal]]:
    """The funnel steps one produced item counts for, with their dollars (the metrics and the report agree).

    opened: a first revision of an open denial that continues no earlier item (denied dollars); resubmitted,
    denied_again, expired: a transition to that stage (denied dollars); paid: recovered dollars; written_off:
    an item whose action becomes write_off (opened so, re-judged so, or escalated so; denied dollars).
    """
    steps: list[tuple[str, Decimal]] = []
    if item.revision == 1 and item.status == "open" and item.follows_rework_id is None:
        steps.append(("opened", item.denied_amount))
    if item.stage == PAID:
        steps.append((PAID, item.recovered_amount or Decimal("0.00")))
    elif item.stage != OPEN:
        steps.append((item.stage, item.denied_amount))
    if item.action is ReworkAction.WRITE_OFF and item.previous_action is not ReworkAction.WRITE_OFF:
        steps.append(("written_off", item.denied_amount))
    return steps
