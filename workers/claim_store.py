"""What the claims table keeps per claim_id, and how the remits agent reads it back.

The table keeps the `claim.submitted.v1` input bytes the claims agent has just validated, not a re-encoding
of the claim (`model_dump_json` per claim): `load_claim` validates them again exactly as the agent did
(`workers.routing.decode`: orjson, then `ClaimSubmitted.model_validate`), so the remits agent sees the same
`Claim`. Values written before this format (a `Claim` JSON object) are still read, so a changelog written by
an earlier version restores as it is.
"""

from __future__ import annotations

import orjson

from schemas import Claim, ClaimSubmitted


def stored_claim(event: bytes | None, claim: Claim) -> bytes:
    """The table value for a claim the agent validated from `event` (the input bytes)."""
    return event if event else claim.model_dump_json().encode()


def load_claim(stored: bytes) -> Claim:
    """The claim of a table value: an input event, or a `Claim` object written by an earlier version."""
    document = orjson.loads(stored)
    if isinstance(document, dict) and "claim" in document:  # an input event (a Claim has no `claim` field)
        return ClaimSubmitted.model_validate(document).claim
    return Claim.model_validate_json(stored)
