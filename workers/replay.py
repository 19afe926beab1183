"""The worker's claims, remits and clock steps over in-memory stores, in the order the caller gives the inputs.

`dermclaims report` and the tests run claims and remittances through exactly the agents' steps (workers.app:
route, rework state, loop state, then `delivered`), without Kafka, so their numbers are the worker's numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from rules.ruleset import RuleSet
from schemas import Claim
from workers.loop_state import LoopState
from workers.rework_state import ReworkState
from workers.routing import Outcome, Source, route_claim


@dataclass
class Replay:
    ruleset: RuleSet
    version: str
    claims: dict[str, Claim] = field(default_factory=dict)
    rework: ReworkState = field(default_factory=lambda: ReworkState({}, {}))
    loop: LoopState = field(init=False)

    def __post_init__(self) -> None:
        self.loop = LoopState({}, self.rework.ledger)

    def claim(self, source: Source, value: bytes | None) -> Outcome:
        outcome = route_claim(source, value, self.ruleset, self.version)
        if outcome.claim is not None:
            if outcome.claim.frequency_code == "8":
                self.claims.pop(outcome.claim.claim_id, None)
            else:
                self.claims[outcome.claim.claim_id] = outcome.claim
            self.rework.judge_waiting(outcome, self.ruleset, self.version)
            self.loop.on_claim(outcome)
        return self.delivered(outcome)

    def remit(self, source: Source, value: bytes | None) -> Outcome:
        outcome = self.rework.judge_remit(source, value, self.claims.get, self.ruleset, self.version)
        self.loop.on_remit(outcome)
        return self.delivered(outcome)

    def sweep(self, as_of: date) -> Iterator[Outcome]:
        """The expiry sweep on `as_of`: one tick per claim with an overdue item."""
        for claim_id in list(self.loop.overdue_claims(as_of)):
            yield self.delivered(self.loop.on_tick(claim_id, as_of))

    def delivered(self, outcome: Outcome) -> Outcome:
        self.rework.delivered(outcome)
        self.loop.delivered(outcome)
        return outcome
