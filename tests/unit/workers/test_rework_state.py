"""Remittances before their claim, re-judged when it arrives; revisions of a rework_id (no broker).

The agents' steps (`ReworkState.judge_remit`, `judge_waiting`, `delivered`) run here over dicts, the way the
worker runs them over its faust tables.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson
import pytest

from rules.testing import default_ruleset
from schemas import DenialRework, ReworkAction
from tests.integration.test_worker_stream import BIOPSY_AND_EXCISION, claim_event
from workers.revisions import Sent, decision_digest, dump_ledger, load_ledger, revise
from workers.rework_state import MAX_WAITING_REMITS, ReworkState
from workers.routing import Outcome, Source, route_claim

CLAIM_ID = "PCN-W1"
EXCISION, BIOPSY_OTHER_LESION = BIOPSY_AND_EXCISION  # excision of lesion A, biopsy of lesion B (another site)
BIOPSY_SAME_LESION = {
    "code": "11102",
    "documentation": {"lesion_id": "A", "body_region": "trunk", "technique": "tangential"},
}


def claim_input(event_id: str, lines: list[dict[str, Any]], frequency: str = "1") -> bytes:
    return claim_event(CLAIM_ID, event_id, lines, frequency_code=frequency)


def remit_line(line_id: str, code: str, paid: str, adjustment: tuple[str, str, str]) -> dict[str, Any]:
    group, reason, amount = adjustment
    return {
        "line_id": line_id,
        "code": code,
        "units": 1,
        "service_date": "2026-03-02",
        "charge": "100.00",
        "paid": paid,
        "adjustments": [{"group": group, "reason": reason, "amount": amount}],
    }


def remit_input(event_id: str, *, status: str = "1", biopsy: tuple[str, str] = ("2", "11102"), sign: str = "") -> bytes:
    """Pays the excision, denies the biopsy CO-97 (bundled); status 22 with negative amounts is its reversal."""
    lines = [
        remit_line("1", "11601", f"{sign}80.00", ("PR", "2", f"{sign}20.00")),
        remit_line(*biopsy, "0.00", ("CO", "97", f"{sign}100.00")),
    ]
    remit = {
        "claim_id": CLAIM_ID,
        "payer_claim_id": "PAY-1",
        "status_code": status,
        "remit_date": "2026-04-06",
        "charge": "200.00",
        "paid": f"{sign}80.00",
        "lines": lines,
    }
    event = {"schema": "remit.received.v1", "event_id": event_id, "occurred_at": "2026-04-06T12:00:00Z"}
    return orjson.dumps({**event, "remit": remit})


class Worker:
    """The claims and remits agents' steps over dicts: the claim store and the two rework stores."""

    def __init__(self) -> None:
        self.ruleset = default_ruleset()
        self.claims: dict[str, Any] = {}
        self.state = ReworkState({}, {})

    def remit(self, value: bytes, *, deliver: bool = True) -> Outcome:
        source = Source("remits", 0, 0, CLAIM_ID.encode())
        outcome = self.state.judge_remit(source, value, self.claims.get, self.ruleset, "t", keyed=True)
        if deliver:
            self.state.delivered(outcome)
        return outcome

    def claim(self, value: bytes, *, deliver: bool = True) -> Outcome:
        outcome = route_claim(Source("claims", 0, 0, CLAIM_ID.encode()), value, self.ruleset, "t", keyed=True)
        assert outcome.claim is not None
        if outcome.claim.frequency_code == "8":
            self.claims.pop(CLAIM_ID, None)
        else:
            self.claims[CLAIM_ID] = outcome.claim
        self.state.judge_waiting(outcome, self.ruleset, "t")
        if deliver:
            self.state.delivered(outcome)
        return outcome

    def waiting(self) -> list[str]:
        stored = self.state.waiting.get(CLAIM_ID.encode())
        return [remit["event_id"] for remit in orjson.loads(stored)] if stored else []


def summary(outcome: Outcome) -> list[tuple[str, str | None, str | None, int, str | None]]:
    return [
        (i.action.value, i.modifier, i.matched_by, i.revision, i.previous_action.value if i.previous_action else None)
        for i in outcome.rework
    ]


def rework_values(outcome: Outcome) -> list[bytes]:
    return [record.value for record in outcome.records if record.topic == "denials_rework"]


@pytest.fixture
def worker() -> Worker:
    return Worker()


class TestRemittanceBeforeItsClaim:
    def test_the_claim_turns_the_review_item_into_a_modifier_resubmission(self, worker: Worker) -> None:
        """CO-97 on a biopsy of another lesion: review without the chart, then XS on the same rework_id."""
        first = worker.remit(remit_input("r1"))
        assert [("review", None, "remit_only", 1, None)] == summary(first)
        assert ["r1"] == worker.waiting()
        claimed = worker.claim(claim_input("c1", [EXCISION, BIOPSY_OTHER_LESION]))
        assert [("resubmit_with_modifier", "XS", "line_id", 2, "review")] == summary(claimed)
        assert first.rework[0].rework_id == claimed.rework[0].rework_id
        assert claimed.rework[0].source_event_id == "r1"  # the remittance it judges, not the claim
        assert ["claims_validated", "denials_rework"] == [record.topic for record in claimed.records]
        assert [] == worker.waiting()  # every item matched: nothing left to re-judge

    def test_a_biopsy_of_the_excised_lesion_becomes_a_write_off(self, worker: Worker) -> None:
        """Same lesion: the bundling is right, so the update says write off (never a modifier)."""
        worker.remit(remit_input("r1"))
        claimed = worker.claim(claim_input("c1", [EXCISION, BIOPSY_SAME_LESION]))
        assert [("write_off", None, "line_id", 2, "review")] == summary(claimed)

    def test_redeliveries_and_re_sent_remittances_produce_nothing_new(self, worker: Worker) -> None:
        """The same input again, the claim again, the remittance re-sent with a new event id: one item per revision."""
        worker.remit(remit_input("r1"))
        assert [] == worker.remit(remit_input("r1")).rework
        assert [] == worker.remit(remit_input("r2")).rework  # a re-sent copy before the claim: same decision
        assert ["r1"] == worker.waiting()  # a copy of a waiting remittance does not take a second place
        worker.claim(claim_input("c1", [EXCISION, BIOPSY_OTHER_LESION]))
        assert [] == worker.claim(claim_input("c1", [EXCISION, BIOPSY_OTHER_LESION])).rework
        assert [] == worker.remit(remit_input("r3")).rework

    def test_an_undelivered_update_is_produced_again_byte_identical(self, worker: Worker) -> None:
        """Outputs not handed to the producer are not recorded: the redelivered claim gives the same bytes."""
        worker.remit(remit_input("r1"))
        lost = worker.claim(claim_input("c1", [EXCISION, BIOPSY_OTHER_LESION]), deliver=False)
        again = worker.claim(claim_input("c1", [EXCISION, BIOPSY_OTHER_LESION]))
        assert rework_values(lost) == rework_values(again)
        assert len(rework_values(again)) == 1

    def test_a_void_suggests_no_modifier_and_the_remittance_keeps_waiting(self, worker: Worker) -> None:
        """Frequency 8 removes the claim: nothing is judged against it; the next version of the claim is."""
        worker.remit(remit_input("r1"))
        worker.claim(claim_input("c0", [EXCISION, BIOPSY_OTHER_LESION], frequency="8"))
        assert ["r1"] == worker.waiting()
        assert [] == worker.remit(remit_input("r2")).rework
        claimed = worker.claim(claim_input("c1", [EXCISION, BIOPSY_OTHER_LESION]))
        assert [("resubmit_with_modifier", "XS", "line_id", 2, "review")] == summary(claimed)

    def test_a_reversal_is_not_reopened_by_re_judging_the_original(self, worker: Worker) -> None:
        """Original and its reversal before the claim: the claim does not bring the reversed denial back."""
        worker.remit(remit_input("r1"))
        reversal = worker.remit(remit_input("r2", status="22", sign="-"))
        assert [("closed", 2)] == [(i.status, i.revision) for i in reversal.rework]
        assert ["r1"] == worker.waiting()  # a reversal's closed items have nothing to re-judge
        assert [] == worker.claim(claim_input("c1", [EXCISION, BIOPSY_OTHER_LESION])).rework

    def test_a_line_the_claim_lacks_waits_for_the_replacement_that_has_it(self, worker: Worker) -> None:
        """The payer's line matches no claim line: still waiting after the original, matched by the replacement."""
        worker.remit(remit_input("r1", biopsy=("3", "11104")))
        worker.claim(claim_input("c1", [EXCISION, BIOPSY_OTHER_LESION]))
        assert ["r1"] == worker.waiting()
        punch = {"code": "11104", "documentation": {"lesion_id": "C", "body_region": "leg", "technique": "punch"}}
        replaced = worker.claim(claim_input("c2", [EXCISION, BIOPSY_OTHER_LESION, punch], frequency="7"))
        assert ["line_id"] == [i.matched_by for i in replaced.rework]
        assert [] == worker.waiting()

    def test_a_claims_waiting_list_is_bounded(self, worker: Worker) -> None:
        """At most MAX_WAITING_REMITS remittances wait per claim; the oldest go first and are counted."""
        for n in range(MAX_WAITING_REMITS + 3):
            outcome = worker.remit(remit_input(f"r{n}").replace(b'"PAY-1"', f'"PAY-{n}"'.encode()))
        assert outcome.waiting is not None
        assert outcome.waiting.evicted == 1
        assert [f"r{n}" for n in range(3, MAX_WAITING_REMITS + 3)] == worker.waiting()


class TestRemittanceReSentAfterItsClaim:
    def test_an_item_recorded_without_its_claim_is_updated_by_the_re_sent_remittance(self, worker: Worker) -> None:
        """The operator's case: items recorded as review (nothing waiting), remittance re-sent once the claim is
        on file -> the updated item on the same rework_id, once."""
        first = worker.remit(remit_input("r1"))
        worker.state.waiting.clear()  # as recorded by a version without the waiting list
        worker.claim(claim_input("c1", [EXCISION, BIOPSY_OTHER_LESION]))
        again = worker.remit(remit_input("r2"))
        assert [("resubmit_with_modifier", "XS", "line_id", 2, "review")] == summary(again)
        assert first.rework[0].rework_id == again.rework[0].rework_id
        assert [] == worker.remit(remit_input("r3")).rework


def item(action: ReworkAction, **update: Any) -> DenialRework:
    fields: dict[str, Any] = {"source_event_id": "e1", "cause": "c", **update}
    return DenialRework(
        rework_id="rw-1",
        claim_id=CLAIM_ID,
        line_id="2",
        code="11102",
        service_date=None,
        group_code="CO",
        reason="97",
        denied_amount=Decimal("100.00"),
        action=action,
        modifier="XS" if action is ReworkAction.RESUBMIT_WITH_MODIFIER else None,
        rationale="r",
        priority=Decimal("1.00"),
        deadline=None,
        **fields,
    )


class TestRevisions:
    def test_the_decision_ignores_wording_and_source(self) -> None:
        """A re-sent remittance (new event id, other wording) is the same decision; another action is not."""
        review = item(ReworkAction.REVIEW)
        assert decision_digest(review) == decision_digest(item(ReworkAction.REVIEW, source_event_id="e2", cause="x"))
        assert decision_digest(review) != decision_digest(item(ReworkAction.WRITE_OFF))
        assert decision_digest(review) != decision_digest(item(ReworkAction.REVIEW, status="closed"))

    def test_a_decision_already_produced_is_never_produced_again(self) -> None:
        """review (1) -> XS (2) -> review again is dropped: it was revision 1's decision."""
        seen = Sent(2, ReworkAction.RESUBMIT_WITH_MODIFIER, "open", (decision_digest(item(ReworkAction.REVIEW)),))
        assert revise(item(ReworkAction.REVIEW), seen) is None
        update = revise(item(ReworkAction.WRITE_OFF), seen)
        assert update is not None
        assert (update.revision, update.previous_action) == (3, "resubmit_with_modifier")

    def test_the_ledger_reads_entries_written_before_revisions(self) -> None:
        """A bare status (older worker) is revision 1 of an unknown action; the next decision is revision 2."""
        ledger = load_ledger(orjson.dumps({"rw-1": "open"}))
        assert Sent(1, None, "open") == ledger["rw-1"]
        assert ledger == load_ledger(dump_ledger(ledger))
        update = revise(item(ReworkAction.REVIEW), ledger["rw-1"])
        assert update is not None
        assert (update.revision, update.previous_action) == (2, None)
