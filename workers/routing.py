"""Pure routing: input bytes -> output records (topic, key, value, headers). No Kafka here.

The claims and remits agents, `dermclaims scrub` and `dermclaims rework` all run these functions,
so the CLI and the stream worker cannot disagree. Every output id is derived from its input, so a
redelivered input yields the same output id (consumers dedupe on it).
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

import orjson
from pydantic import ValidationError

from rules.engine import Verdict, evaluate
from rules.exceptions import RuleCrashError
from rules.fixes import replaced_modifiers
from rules.ruleset import RuleSet
from schemas import (
    Claim,
    ClaimSubmitted,
    ClaimValidated,
    CorrectedLine,
    DeadLetter,
    DeadLetterReason,
    DenialRework,
    FindingOut,
    FixOut,
    RemitReceived,
)
from workers.revisions import Sent, revise

if TYPE_CHECKING:
    from workers.loop_state import LoopTrace
    from workers.rework_state import Waiting

NAMESPACE = uuid.UUID("6f1c1d2e-8d1b-4c1e-9a55-3d2c6b0e7a10")
# Dead letters carry the original bytes; above this the payload is cut (the input stays at its offset).
MAX_DEADLETTER_PAYLOAD = 512 * 1024
# Logical name of the internal ledger topic (`WorkerSettings.ledger_topic`): inputs processed with no output.
LEDGER = "processed"
NO_OUTPUT = b'{"why":"no_output"}'


def derived_id(*parts: str) -> str:
    """A deterministic id from the input's identity (uuid5)."""
    return str(uuid.uuid5(NAMESPACE, "|".join(parts)))


@dataclass(frozen=True, slots=True)
class Source:
    """Where an input came from."""

    topic: str
    partition: int | None = None
    offset: int | None = None
    key: bytes | None = None


@dataclass(frozen=True, slots=True)
class Record:
    """One output message; `topic` is the logical name (settings.topics field), resolved by the sink."""

    topic: str
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = ()


@dataclass(slots=True)
class Outcome:
    """What one input produced; `failed` carries the dead-letter reason when it failed."""

    records: list[Record] = field(default_factory=list)
    failed: DeadLetterReason | None = None
    claim: Claim | None = None
    verdict: Verdict | None = None
    rework: list[DenialRework] = field(default_factory=list)
    occurred_at: datetime | None = None  # the input's event time, when it decoded (processing-latency metric)
    # A remittance whose open items were judged without its claim, or with lines no claim line matches:
    # kept (workers.rework_state) to be re-judged when a version of the claim arrives.
    waits_for_claim: RemitReceived | None = None
    waiting: Waiting | None = None  # the claim's waiting remittances to store once the outputs are delivered
    # Closing the loop (workers.loop_state): the decoded input, every item the analysis found for a remittance
    # (also those already produced), and what the loop judged and moved, stored once the outputs are delivered.
    event: ClaimSubmitted | RemitReceived | None = None
    analyzed: list[DenialRework] = field(default_factory=list)
    loop: LoopTrace | None = None


class InputError(Exception):
    """An input that cannot be used: carries the dead-letter reason."""

    def __init__(self, reason: DeadLetterReason, error_type: str, message: str, rule_code: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.error_type = error_type
        self.rule_code = rule_code


def _first_errors(exc: ValidationError, limit: int = 5) -> str:
    parts = []
    for error in exc.errors()[:limit]:
        where = ".".join(str(p) for p in error["loc"]) or "(event)"
        parts.append(f"{where}: {error['msg']}")
    more = f" (+{exc.error_count() - limit} more)" if exc.error_count() > limit else ""
    return "; ".join(parts) + more


def decode(value: bytes | None, model: type[ClaimSubmitted] | type[RemitReceived]) -> ClaimSubmitted | RemitReceived:
    """Bytes -> validated event, or InputError with `deserialize_error` / `schema_invalid`."""
    if not value:
        raise InputError(DeadLetterReason.DESERIALIZE_ERROR, "EmptyValue", "message value is empty (tombstone?)")
    try:
        document = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise InputError(DeadLetterReason.DESERIALIZE_ERROR, "JSONDecodeError", f"not JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise InputError(
            DeadLetterReason.SCHEMA_INVALID, "WrongShape", f"expected a JSON object, got {type(document).__name__}"
        )
    expected = model.model_fields["schema_"].default
    if document.get("schema") not in (None, expected):
        raise InputError(
            DeadLetterReason.SCHEMA_INVALID,
            "WrongSchema",
            f"schema is {document.get('schema')!r}; this topic carries {expected!r}",
        )
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        raise InputError(DeadLetterReason.SCHEMA_INVALID, "ValidationError", _first_errors(exc)) from exc


def source_headers(source: Source) -> tuple[tuple[str, bytes], ...]:
    """The input's coordinates as Kafka headers: `dermclaims audit` maps every output back to its input."""
    return (
        ("source_topic", source.topic.encode()),
        ("source_partition", str(source.partition).encode()),
        ("source_offset", str(source.offset).encode()),
    )


def traced(records: list[Record], source: Source) -> list[Record]:
    """The records to send for one input, each carrying the input's coordinates (payloads unchanged).

    An input that legitimately yields nothing (a remittance with no actionable denial, or whose items were
    already sent) gets one entry in the internal ledger topic instead, so an audit can tell "processed,
    nothing to say" from "lost".
    """
    coordinates = source_headers(source)
    if not records:
        return [Record(LEDGER, source.key, NO_OUTPUT, (*coordinates, ("why", b"no_output")))]
    return [
        record
        if any(name == "source_topic" for name, _ in record.headers)
        else Record(record.topic, record.key, record.value, record.headers + coordinates)
        for record in records
    ]


def dead_letter(source: Source, payload: bytes | None, error: InputError, worker_version: str) -> Record:
    """The dead-letter record for a failed input: reason, error, source coordinates and the original bytes."""
    raw = payload or b""
    kept = raw[:MAX_DEADLETTER_PAYLOAD]
    letter = DeadLetter(
        event_id=derived_id(
            "deadletter.v1", source.topic, str(source.partition), str(source.offset), hashlib.sha256(raw).hexdigest()
        ),
        reason=error.reason,
        error_type=error.error_type,
        error_message=str(error)[:2000],
        rule_code=error.rule_code,
        source_topic=source.topic,
        source_partition=source.partition,
        source_offset=source.offset,
        source_key=source.key.decode("utf-8", "replace") if source.key is not None else None,
        payload=base64.b64encode(kept).decode("ascii"),
        payload_size=len(raw),
        payload_sha256=hashlib.sha256(raw).hexdigest(),
        payload_truncated=len(kept) < len(raw),
        worker_version=worker_version,
    )
    headers = (
        ("reason", error.reason.value.encode()),
        ("error_type", error.error_type.encode()),
        *source_headers(source),
    )
    return Record("deadletter", source.key, letter.model_dump_json(by_alias=True).encode(), headers)


def validated_event(event: ClaimSubmitted, verdict: Verdict) -> ClaimValidated:
    """The `claim.validated.v1` event for a verdict."""
    findings = [
        FindingOut(
            rule=f.rule,
            category=f.category.value,
            severity=f.severity.value,
            line_ids=list(f.line_ids),
            message=f.message,
            fix=None
            if f.fix is None
            else FixOut(
                action=f.fix.action.value,
                applicability=f.fix.applicability.value,
                line_ids=list(f.fix.line_ids),
                modifier=f.fix.modifier,
                code=f.fix.code,
                units=f.fix.units,
                title=f.fix.title,
                modifiers=list(f.fix.modifiers),
                replaces=replaced_modifiers(f.fix, event.claim.lines),
            ),
            revenue_impact=f.revenue_impact,
            reference=f.reference,
        )
        for f in verdict.findings
    ]
    return ClaimValidated(
        event_id=derived_id("claim.validated.v1", event.event_id),
        source_event_id=event.event_id,
        claim_id=event.claim.claim_id,
        status=verdict.status,
        reason=verdict.reason,
        findings=findings,
        corrected_lines=[
            CorrectedLine(
                line_ids=list(d.line_ids),
                code_qualifier=d.code_qualifier,
                code=d.code,
                modifiers=list(d.modifiers),
                units=d.units,
            )
            for d in verdict.corrected_lines
        ],
        revenue_impact=verdict.revenue_impact,
        ruleset_version=verdict.ruleset_version,
        data_versions=verdict.data_versions,
    )


def check_key(source: Source, claim_id: str) -> None:
    """Kafka inputs must be keyed by claim_id: that is what co-partitions a claim with its remittances."""
    if source.key is None:
        raise InputError(
            DeadLetterReason.SCHEMA_INVALID,
            "MissingKey",
            f"message key is null; {source.topic} is keyed by claim_id. Re-produce it with key={claim_id!r}.",
        )
    if source.key != claim_id.encode():
        raise InputError(
            DeadLetterReason.SCHEMA_INVALID,
            "KeyMismatch",
            f"message key does not match the event's claim_id; {source.topic} is keyed by claim_id, and a "
            "wrong key sends the remittance to a worker that does not hold its claim. Re-produce with the claim_id.",
        )


def route_claim(
    source: Source, value: bytes | None, ruleset: RuleSet, worker_version: str, *, keyed: bool = False
) -> Outcome:
    """A `claim.submitted.v1` input -> a `claim.validated.v1` record, or a dead letter.

    `keyed` (the Kafka path) also requires the message key to be the claim_id.
    """
    try:
        event = decode(value, ClaimSubmitted)
        assert isinstance(event, ClaimSubmitted)
        if keyed:
            check_key(source, event.claim.claim_id)
        if event.claim.frequency_code == "8":
            verdict = Verdict("clean", (), (), {}, ruleset.version, reason="void (frequency code 8): nothing to scrub")
        else:
            try:
                verdict = evaluate(event.claim, ruleset)
            except RuleCrashError as exc:
                raise InputError(
                    DeadLetterReason.PROCESSING_ERROR, "RuleCrashError", str(exc), rule_code=exc.rule_code
                ) from exc
    except InputError as error:
        return Outcome([dead_letter(source, value, error, worker_version)], failed=error.reason)
    output = validated_event(event, verdict)
    key = event.claim.claim_id.encode()
    record = Record(
        "claims_validated",
        key,
        output.model_dump_json(by_alias=True).encode(),
        (("status", output.status.value.encode()),),
    )
    return Outcome([record], claim=event.claim, verdict=verdict, occurred_at=event.occurred_at, event=event)


def route_remit(
    source: Source,
    value: bytes | None,
    lookup: Callable[[str], Claim | None],
    ruleset: RuleSet,
    worker_version: str,
    previous: Callable[[str], Sent | None] = lambda rework_id: None,
    *,
    keyed: bool = False,
) -> Outcome:
    """A `remit.received.v1` input -> one `denial.rework.v1` record per actionable denied line.

    `previous(rework_id)` is what was already produced for that id (workers.revisions): an item whose decision
    was produced is left out, a changed one goes out as the next revision.
    """
    from rules.rework import analyze

    try:
        event = decode(value, RemitReceived)
        assert isinstance(event, RemitReceived)
        remit = event.remit
        if keyed:
            check_key(source, remit.claim_id)
        remit_date: date = remit.remit_date or event.occurred_at.date()
        try:
            claim = lookup(remit.claim_id)
            items = analyze(remit, claim, ruleset, remit_date=remit_date, source_event_id=event.event_id)
        except Exception as exc:  # a bug in the analysis: dead-letter it, never a partial result
            raise InputError(
                DeadLetterReason.PROCESSING_ERROR, type(exc).__name__, f"rework analysis failed: {exc}"
            ) from exc
    except InputError as error:
        return Outcome([dead_letter(source, value, error, worker_version)], failed=error.reason)
    fresh = [revised for item in items if (revised := revise(item, previous(item.rework_id))) is not None]
    waits = any(item.status == "open" and (claim is None or item.matched_by == "unmatched") for item in items)
    return Outcome(
        rework_records(fresh),
        rework=fresh,
        occurred_at=event.occurred_at,
        waits_for_claim=event if waits else None,
        event=event,
        analyzed=items,
    )


def rework_records(items: list[DenialRework]) -> list[Record]:
    """One `denials_rework` record per item, keyed by claim_id, with its action as a header."""
    return [
        Record(
            "denials_rework",
            item.claim_id.encode(),
            item.model_dump_json(by_alias=True).encode(),
            (("action", item.action.value.encode()),),
        )
        for item in items
    ]
