"""`deadletter.v1`: an input that could not be decoded, validated or processed."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from schemas.claim import OutputModel


class DeadLetterReason(StrEnum):
    DESERIALIZE_ERROR = "deserialize_error"
    SCHEMA_INVALID = "schema_invalid"
    PROCESSING_ERROR = "processing_error"  # includes a crashing rule: see rule_code


class DeadLetter(OutputModel):
    schema_: Literal["deadletter.v1"] = Field(alias="schema", default="deadletter.v1")
    event_id: str
    reason: DeadLetterReason
    error_type: str
    error_message: str
    rule_code: str | None = None
    source_topic: str
    source_partition: int | None
    source_offset: int | None
    source_key: str | None = None
    payload: str = Field(description="the original bytes, base64")
    payload_size: int = Field(default=0, description="length of the original bytes")
    payload_sha256: str = Field(default="", description="digest of the original bytes")
    payload_truncated: bool = Field(
        default=False, description="payload holds only the first bytes; the whole input stays at source offset"
    )
    worker_version: str
