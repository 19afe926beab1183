"""Errors raised while reading X12: each names the segment it is about."""

from __future__ import annotations

from rules.exceptions import ClaimsWorkerError


class X12Error(ClaimsWorkerError):
    """Base of the X12 reader's errors."""


class NotX12Error(X12Error):
    """The input does not start with a usable ISA segment, so no separator is known."""


class SegmentError(X12Error):
    """One segment is wrong; `segment_number` is 1-based in the file, `claim_id` set inside a claim."""

    def __init__(
        self, segment_number: int | None, segment_id: str | None, message: str, claim_id: str | None = None
    ) -> None:
        super().__init__(message)
        self.segment_number = segment_number
        self.segment_id = segment_id
        self.message = message
        self.claim_id = claim_id
