"""Split one X12 file from `x12.raw.v1` into claim and remittance events (pure, like routing)."""

from __future__ import annotations

from schemas import DeadLetterReason
from workers.routing import InputError, Outcome, Record, Source, dead_letter


def split_x12(source: Source, value: bytes | None, worker_version: str) -> Outcome:
    """Every claim/remit that converts becomes an event; the file's issues become one dead letter."""
    from workers.x12 import convert  # the X12 mapping is only loaded by workers that read X12

    if not value:
        error = InputError(DeadLetterReason.DESERIALIZE_ERROR, "EmptyValue", "message value is empty")
        return Outcome([dead_letter(source, value, error, worker_version)], failed=error.reason)
    name = source.key.decode("utf-8", "replace") if source.key else f"{source.topic}@{source.offset}"
    result = convert(value, source=name)
    records = [
        Record("claims_submitted", event.claim.claim_id.encode(), event.model_dump_json(by_alias=True).encode())
        for event in result.claims
    ] + [
        Record("remits_received", event.remit.claim_id.encode(), event.model_dump_json(by_alias=True).encode())
        for event in result.remits
    ]
    if not result.issues:
        return Outcome(records)
    summary = "; ".join(
        f"segment {issue.segment_number} ({issue.segment_id}): {issue.message}" for issue in result.issues[:20]
    )
    error = InputError(
        DeadLetterReason.SCHEMA_INVALID,
        "X12Issue",
        f"{len(result.issues)} issue(s) in {name}; {len(records)} event(s) converted. {summary}",
    )
    return Outcome([*records, dead_letter(source, value, error, worker_version)], failed=error.reason)
