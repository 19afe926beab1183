"""Closing the loop in the worker: each claim's verdict summary, the payer's answer judged against it, and the
life of its rework items, in one claim_id-keyed store (the `claim-outcomes` faust table).

Per claim_id the store holds (orjson):
- `verdicts`: the summaries of the latest claim versions (rules.outcomes.summary), newest last; kept in a table
  of their own beside the `claims` table, under the same key and partition, so the claims table keeps holding
  the claim as received;
- `judged`: claim line ids whose first adjudication was judged (a line is judged once);
- `remits`: digests of the remittances the loop has seen (a redelivered or re-sent remittance moves nothing);
- `items`: the latest revision of each active rework item of the claim (closed items leave).

The steps (`on_claim`, `on_remit`, `on_tick`) add the transitions to the input's outcome as the next revision of
each rework_id (the `rework-sent` ledger numbers them) and stage the new state; `delivered` writes it once the
outputs were handed to the producer, as `ReworkState.delivered` does. The same state and input give the same
outputs, byte for byte, so a redelivery after a crash repeats them and consumers dedupe on (rework_id, revision).

Expiry needs a clock: each input of a claim first expires its overdue items as of the input's own date, and the
worker's sweep (`expiry_sweep`) sends a tick for each claim with an item past its deadline, judged like an input.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import orjson

from rules.outcomes.judge import LineJudgement, judge_remit
from rules.outcomes.lifecycle import expire, is_active, latest, on_remittance, on_replacement
from rules.outcomes.summary import ClaimSummary, summarize
from schemas import ClaimSubmitted, DenialRework, RemitReceived
from schemas.rework import Prediction
from workers.revisions import Sent
from workers.routing import Outcome, Record, derived_id, rework_records

MAX_VERSIONS = 3  # verdict summaries kept per claim: the payer answers the latest; one before it says "corrected"
MAX_REMITS = 32  # remittance digests kept per claim (paid, reversed, re-paid, resubmitted: a few each)


@dataclass(slots=True)
class ClaimLoop:
    verdicts: list[dict[str, Any]] = field(default_factory=list)
    judged: list[str] = field(default_factory=list)
    remits: list[str] = field(default_factory=list)
    items: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, stored: bytes | None) -> ClaimLoop:
        if not stored:
            return cls()
        value = orjson.loads(stored)
        return cls(value["verdicts"], value["judged"], value["remits"], value["items"])

    def dump(self) -> bytes:
        return orjson.dumps(
            {"verdicts": self.verdicts, "judged": self.judged, "remits": self.remits, "items": self.items}
        )

    @property
    def summary(self) -> ClaimSummary | None:
        return ClaimSummary.from_json(self.verdicts[-1]) if self.verdicts else None

    def active(self) -> dict[str, DenialRework]:
        return {rid: DenialRework.model_validate(item) for rid, item in self.items.items()}

    def overdue(self, as_of: date) -> bool:
        return bool(expire(self.active().values(), as_of, ""))


@dataclass(slots=True)
class LoopTrace:
    """What one input did to a claim's loop: judged lines, transitions, and the state to store once delivered."""

    claim_id: str
    state: ClaimLoop
    judgements: list[LineJudgement] = field(default_factory=list)
    transitions: list[DenialRework] = field(default_factory=list)


class LoopState:
    """The `claim-outcomes` store and the agents' steps over it; keys claim_id bytes, values JSON bytes."""

    def __init__(self, store: MutableMapping[bytes, bytes], ledger: Callable[[str], dict[str, Sent]]) -> None:
        self.store = store
        self.ledger = ledger

    def load(self, claim_id: str) -> ClaimLoop:
        return ClaimLoop.load(self.store.get(claim_id.encode()))

    def on_claim(self, outcome: Outcome) -> None:
        """After the claims agent stored a claim (and re-judged its waiting remittances): keep its verdict
        summary; a frequency-7 replacement moves the open items to `resubmitted`; a void forgets the verdicts."""
        event, claim, verdict = outcome.event, outcome.claim, outcome.verdict
        if not isinstance(event, ClaimSubmitted) or claim is None or verdict is None:
            return
        state = self.load(claim.claim_id)
        trace = LoopTrace(claim.claim_id, state)
        if claim.frequency_code == "8":
            state.verdicts.clear()
        else:
            summary = summarize(event.event_id, claim, verdict, state.summary)
            state.verdicts = [*state.verdicts, summary.to_json()][-MAX_VERSIONS:]
        items = state.active()
        moved = expire(latest(items), event.occurred_at.date(), event.event_id)
        if claim.frequency_code == "7":
            items.update((item.rework_id, item) for item in moved)
            moved += on_replacement(latest(items), event.event_id, event.occurred_at.date())
        self._add(outcome, trace, moved)

    def on_remit(self, outcome: Outcome) -> None:
        """After the remits agent worked a remittance: judge its lines against the verdict, put the judgement on
        the new items, and move the claim's earlier items (paid, denied again, expired)."""
        event = outcome.event
        if not isinstance(event, RemitReceived) or outcome.failed is not None:
            return
        remit = event.remit
        state = self.load(remit.claim_id)
        trace = LoopTrace(remit.claim_id, state)
        outcome.loop = trace
        digest = hashlib.sha256(orjson.dumps(remit.model_dump(mode="json"))).hexdigest()[:24]
        if digest in state.remits:
            return
        state.remits = [*state.remits, digest][-MAX_REMITS:]
        remit_date = remit.remit_date or event.occurred_at.date()
        trace.judgements = judge_remit(remit, state.summary, outcome.analyzed, state.judged)
        state.judged = [*state.judged, *(j.line_id for j in trace.judgements)]
        predictions = {j.rework_id: j for j in trace.judgements if j.rework_id}
        items = state.active()
        moved = expire(latest(items), remit_date, event.event_id)
        items.update((item.rework_id, item) for item in moved)
        later = on_remittance(latest(items), remit, outcome.analyzed, event.event_id, remit_date)
        moved += later.items
        superseded = {item.rework_id for item in moved}
        fresh = []
        for item in outcome.rework:
            if item.rework_id in superseded:
                continue  # this input's transition of that rework_id carries the change
            update: dict[str, Any] = {}
            judgement = predictions.get(item.rework_id)
            if judgement is not None and item.status == "open":
                update["prediction"] = Prediction.model_validate(judgement.to_json())
            if item.rework_id in later.follows:
                update["follows_rework_id"] = later.follows[item.rework_id]
            fresh.append(item.model_copy(update=update) if update else item)
        _replace_items(outcome, fresh)
        self._add(outcome, trace, moved)

    def on_tick(self, claim_id: str, as_of: date) -> Outcome:
        """The expiry sweep's tick for a claim: its items past their deadline on `as_of` expire."""
        state = self.load(claim_id)
        outcome = Outcome()
        trace = LoopTrace(claim_id, state)
        moved = []
        for item in expire(latest(state.active()), as_of, ""):
            moved.append(item.model_copy(update={"source_event_id": derived_id("rework.expired", item.rework_id)}))
        self._add(outcome, trace, moved)
        return outcome

    def overdue_claims(self, as_of: date) -> Iterable[str]:
        """Claim ids with an item past its deadline on `as_of` (the sweep sends each a tick)."""
        for key, stored in list(self.store.items()):
            if stored and ClaimLoop.load(stored).overdue(as_of):
                yield key.decode()

    def _add(self, outcome: Outcome, trace: LoopTrace, moved: list[DenialRework]) -> None:
        """Number the transitions after what was produced and append them to the outcome (one per rework_id)."""
        outcome.loop = trace
        produced = {item.rework_id for item in outcome.rework}
        ledger = self.ledger(trace.claim_id)
        for item in moved:
            if item.rework_id in produced:
                continue
            before = ledger.get(item.rework_id)
            revision = before.revision + 1 if before else item.revision + 1
            numbered = item.model_copy(
                update={"revision": revision, "previous_action": before.action if before else item.action}
            )
            produced.add(item.rework_id)
            trace.transitions.append(numbered)
            outcome.rework.append(numbered)
            outcome.records.extend(rework_records([numbered]))

    def delivered(self, outcome: Outcome) -> None:
        """Store the claim's loop once the outputs were handed to the producer; the items produced join it."""
        trace = outcome.loop
        if trace is None:
            return
        state = trace.state
        for item in outcome.rework:
            if item.claim_id != trace.claim_id:
                continue
            if is_active(item):
                state.items[item.rework_id] = item.model_dump(mode="json", by_alias=True)
            else:
                state.items.pop(item.rework_id, None)
        self.store[trace.claim_id.encode()] = state.dump()


def _replace_items(outcome: Outcome, items: list[DenialRework]) -> None:
    """The outcome's rework items and their records become `items` (the headers of a kept record are kept)."""
    rework = [record for record in outcome.records if record.topic == "denials_rework"]
    headers = {item.rework_id: record.headers for item, record in zip(outcome.rework, rework, strict=False)}
    records = [
        Record(r.topic, r.key, r.value, headers.get(item.rework_id, r.headers))
        for item, r in zip(items, rework_records(items), strict=True)
    ]
    outcome.rework[:] = items
    outcome.records[:] = [*(r for r in outcome.records if r.topic != "denials_rework"), *records]
