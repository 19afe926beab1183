"""What the claims and remits agents remember about rework between inputs, over two claim_id-keyed stores.

- `rework-sent`: claim_id -> {rework_id: Sent} (workers.revisions): what was produced, so a redelivered or
  re-sent remittance yields nothing new and a changed decision goes out as the next revision.
- `rework-waiting`: claim_id -> the remittances whose open items were judged without that claim (or with
  lines no line of it matched), oldest first, at most MAX_WAITING_REMITS per claim. When a version of the
  claim arrives (original or replacement, never a void), they are judged again against it; each item
  whose decision changed goes out on its rework_id as the next revision, and a remittance leaves the list
  once every open item of it is matched to a claim line.

Both stores are dict-like (faust tables in the worker, dicts in `dermclaims rework` and the tests). The
caller writes them only after the outputs were handed to the producer (`delivered`): an input whose
outputs failed is dead-lettered with nothing recorded, so replaying it produces them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass

import orjson

from rules.ruleset import RuleSet
from schemas import Claim, DenialRework, RemitReceived
from workers.revisions import Sent, dump_ledger, load_ledger, recorded, revise
from workers.routing import Outcome, Source, rework_records, route_remit

log = logging.getLogger("dermclaims.worker")

# A claim's waiting list keeps the latest 20 remittances (a claim is paid, reversed and re-paid a few times;
# a re-sent copy of one already waiting is not added). Beyond that the oldest is evicted (counted): its items
# keep the decision they were produced with until the remittance is sent again.
MAX_WAITING_REMITS = 20


@dataclass(frozen=True, slots=True)
class Waiting:
    """A claim's waiting remittances after an input (remit.received.v1 JSON objects, oldest first)."""

    claim_id: str
    remits: tuple[dict[str, object], ...]
    evicted: int = 0


def load_waiting(stored: bytes | None) -> list[dict[str, object]]:
    return list(orjson.loads(stored)) if stored else []


def enqueue(waiting: list[dict[str, object]], event: RemitReceived) -> Waiting:
    """The list with `event` appended, unless it (or a copy of its remittance) already waits; bounded."""
    document = event.model_dump(mode="json", by_alias=True)
    remits = list(waiting)
    if not any(r.get("event_id") == event.event_id or r.get("remit") == document["remit"] for r in remits):
        remits.append(document)
    evicted = max(0, len(remits) - MAX_WAITING_REMITS)
    return Waiting(event.remit.claim_id, tuple(remits[evicted:]), evicted)


@dataclass(slots=True)
class Rejudged:
    """The items whose decision changed against the claim, and the remittances still waiting."""

    items: list[DenialRework]
    waiting: Waiting


def rejudge(
    claim: Claim,
    waiting: list[dict[str, object]],
    ruleset: RuleSet,
    worker_version: str,
    previous: Callable[[str], Sent | None],
) -> Rejudged:
    """Judge the waiting remittances again against `claim`; keep those with open items still unmatched.

    When several waiting remittances have an item of the same rework_id, the latest one's judgement counts.
    A rework_id closed by a reversal is not reopened by re-judging an older remittance.
    """
    latest: dict[str, DenialRework] = {}
    still: list[dict[str, object]] = []
    for document in waiting:
        source = Source("rework-waiting", None, None, claim.claim_id.encode())
        outcome = route_remit(source, orjson.dumps(document), lambda _: claim, ruleset, worker_version)
        if outcome.failed is not None:  # stored valid, so the analysis broke on this claim: keep it, say so
            log.warning("a waiting remittance could not be judged again (%s); it keeps waiting", outcome.failed.value)
            still.append(document)
            continue
        latest.update((item.rework_id, item) for item in outcome.rework)
        if outcome.waits_for_claim is not None:
            still.append(document)
    items = []
    for item in latest.values():
        before = previous(item.rework_id)
        if before is not None and before.status == "closed":
            continue
        revised = revise(item, before)
        if revised is not None:
            items.append(revised)
    return Rejudged(items, Waiting(claim.claim_id, tuple(still)))


class ReworkState:
    """The two stores and the steps the agents take with them; keys are claim_id bytes, values JSON bytes."""

    def __init__(self, sent: MutableMapping[bytes, bytes], waiting: MutableMapping[bytes, bytes]) -> None:
        self.sent = sent
        self.waiting = waiting

    def ledger(self, claim_id: str) -> dict[str, Sent]:
        return load_ledger(self.sent.get(claim_id.encode()))

    def judge_remit(
        self,
        source: Source,
        value: bytes | None,
        lookup: Callable[[str], Claim | None],
        ruleset: RuleSet,
        worker_version: str,
        *,
        keyed: bool = False,
    ) -> Outcome:
        """The remits agent's step: route_remit against what was produced; a remittance without its claim waits."""
        ledger: dict[str, Sent] = {}

        def lookup_and_load(claim_id: str) -> Claim | None:  # the claim id is known only after decoding
            ledger.update(self.ledger(claim_id))
            return lookup(claim_id)

        outcome = route_remit(source, value, lookup_and_load, ruleset, worker_version, ledger.get, keyed=keyed)
        event = outcome.waits_for_claim
        if event is not None:
            outcome.waiting = enqueue(load_waiting(self.waiting.get(event.remit.claim_id.encode())), event)
        return outcome

    def judge_waiting(self, outcome: Outcome, ruleset: RuleSet, worker_version: str) -> None:
        """The claims agent's step after a claim was stored: re-judged items join the claim's outputs.

        A void (frequency 8) removed the claim: nothing to judge against, the remittances keep waiting.
        """
        claim = outcome.claim
        if claim is None or claim.frequency_code == "8":
            return
        stored = self.waiting.get(claim.claim_id.encode())
        if not stored:
            return
        ledger = self.ledger(claim.claim_id)
        result = rejudge(claim, load_waiting(stored), ruleset, worker_version, ledger.get)
        outcome.records.extend(rework_records(result.items))
        outcome.rework.extend(result.items)
        outcome.waiting = result.waiting

    def delivered(self, outcome: Outcome) -> None:
        """Record what an input produced, once its outputs were handed to the producer."""
        by_claim: dict[str, list[DenialRework]] = {}
        for item in outcome.rework:
            by_claim.setdefault(item.claim_id, []).append(item)
        for claim_id, items in by_claim.items():
            key = claim_id.encode()
            ledger = load_ledger(self.sent.get(key))
            for item in items:
                ledger[item.rework_id] = recorded(ledger.get(item.rework_id), item)
            self.sent[key] = dump_ledger(ledger)
        waiting = outcome.waiting
        if waiting is not None:
            key = waiting.claim_id.encode()
            if waiting.remits:
                self.waiting[key] = orjson.dumps(list(waiting.remits))
            else:
                self.waiting.pop(key, None)
