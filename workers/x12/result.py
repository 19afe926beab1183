"""What `convert` returns: the events that converted, the issues, and PLB provider adjustments."""

from __future__ import annotations

from dataclasses import dataclass

from schemas import ClaimSubmitted, RemitReceived


@dataclass(frozen=True)
class X12Issue:
    """One thing that could not be converted, or is wrong in the envelope.

    `segment_number` is 1-based in the file (ISA is 1); `claim_id` is CLM01/CLP01 when the issue
    belongs to one claim, which is then not emitted. `message` names the claim itself, so it reads
    on its own.
    """

    source: str
    segment_number: int | None
    segment_id: str | None
    claim_id: str | None
    message: str

    def __str__(self) -> str:
        if self.segment_number is None:
            return f"{self.source}: {self.message}"
        return f"{self.source}:segment {self.segment_number} ({self.segment_id}): {self.message}"


@dataclass(frozen=True)
class X12Result:
    """Events that converted and validated, issues, and PLB adjustments (not attached to any claim)."""

    claims: list[ClaimSubmitted]
    remits: list[RemitReceived]
    issues: list[X12Issue]
    provider_adjustments: list[dict[str, object]]
