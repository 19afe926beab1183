"""Revisions of a rework item: is an item new, an update of its rework_id, or a decision already produced?

A rework_id names one denial (claim, payer claim, line, CARC, group), so the same denial judged again (a
remittance re-sent, or re-judged when its claim arrives) gives the same id. The ledger remembers per
rework_id the last revision produced, its action and status, and a digest of each decision produced so far
(status, action, modifier, corrected line). An item whose decision was already produced is dropped (a
redelivery, a re-sent remittance, an original re-sent after its reversal); any other decision goes out as
the next revision with `previous_action`. Consumers dedupe on (rework_id, revision).

Pure: the agents keep one ledger per claim_id in the `rework-sent` table, `dermclaims rework` in memory.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import orjson

from schemas import DenialRework, ReworkAction

MAX_DECISIONS = 16  # decision digests kept per rework_id (the oldest go first; an item rarely changes twice)


@dataclass(frozen=True, slots=True)
class Sent:
    """What was produced for one rework_id: the last revision, its action and status, every decision's digest."""

    revision: int
    action: ReworkAction | None  # None: recorded before revisions existed (only its status is known)
    status: str
    decisions: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        action = self.action.value if self.action else None
        return {"revision": self.revision, "action": action, "status": self.status, "decisions": list(self.decisions)}

    @classmethod
    def from_json(cls, value: object) -> Sent:
        """A stored entry; a bare status string is an entry written before revisions (revision 1, action unknown)."""
        if isinstance(value, str):
            return cls(revision=1, action=None, status=value)
        if not isinstance(value, dict):
            raise ValueError(f"not a rework ledger entry: {value!r}")
        action = value.get("action")
        return cls(
            revision=int(value["revision"]),
            action=ReworkAction(action) if action else None,
            status=str(value["status"]),
            decisions=tuple(str(d) for d in value.get("decisions", ())),
        )


def decision_digest(item: DenialRework) -> str:
    """What a person acts on: status, action, modifier and corrected line (not the wording or the source)."""
    corrected = item.corrected_line.model_dump(mode="json") if item.corrected_line else None
    decision = orjson.dumps([item.status, item.action.value, item.modifier, corrected])
    return hashlib.sha256(decision).hexdigest()[:16]


def revise(item: DenialRework, previous: Sent | None) -> DenialRework | None:
    """The item to produce (revision 1, or the next revision), or None when its decision was already produced."""
    if previous is None:
        return item
    if decision_digest(item) in previous.decisions:
        return None
    return item.model_copy(update={"revision": previous.revision + 1, "previous_action": previous.action})


def recorded(previous: Sent | None, item: DenialRework) -> Sent:
    """The ledger entry after `item` was produced."""
    digest = decision_digest(item)
    earlier = tuple(d for d in (previous.decisions if previous else ()) if d != digest)
    return Sent(item.revision, item.action, item.status, (*earlier, digest)[-MAX_DECISIONS:])


def load_ledger(stored: bytes | None) -> dict[str, Sent]:
    """rework_id -> Sent from a `rework-sent` table value (orjson object), or empty."""
    if not stored:
        return {}
    return {rework_id: Sent.from_json(entry) for rework_id, entry in orjson.loads(stored).items()}


def dump_ledger(ledger: dict[str, Sent]) -> bytes:
    return orjson.dumps({rework_id: sent.to_json() for rework_id, sent in ledger.items()})
