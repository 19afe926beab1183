"""Closing the loop without a broker: the payer's answer judged against the verdict, and a rework item's life.

Inputs go through the worker's own steps (workers.replay), in the order a clearinghouse would send them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import orjson
import pytest

from rules.outcomes.lifecycle import funnel_steps
from rules.testing import default_ruleset
from tests.integration.test_worker_stream import BIOPSY_AND_EXCISION, claim_event, denial_remit
from workers.replay import Replay
from workers.routing import Outcome, Source

CLAIM = "PCN-L1"
EXCISION, BIOPSY = BIOPSY_AND_EXCISION  # excision of lesion A (trunk), biopsy of lesion B (arm): BND001 on the biopsy
BIOPSY_XS = {**BIOPSY, "modifiers": ["XS"]}


RemitLine = tuple[str, str, str, list[str], tuple[str, str, str] | None]


def remit(event_id: str, lines: list[RemitLine], **extra: Any) -> bytes:
    """(line_id, code, paid, modifiers, (group, reason, amount) or None) per line; charge 100.00 each."""
    body = {
        "claim_id": CLAIM,
        "payer_claim_id": "PAY-1",
        "status_code": "1",
        "remit_date": "2026-04-06",
        "charge": f"{100 * len(lines)}.00",
        "paid": str(sum(Decimal(paid) for _, _, paid, _, _ in lines)),
        "lines": [
            {
                "line_id": line_id,
                "code": code,
                "modifiers": modifiers,
                "units": 1,
                "service_date": "2026-03-02",
                "charge": "100.00",
                "paid": paid,
                "adjustments": [{"group": a[0], "reason": a[1], "amount": a[2]}] if a else [],
            }
            for line_id, code, paid, modifiers, a in lines
        ],
        **extra,
    }
    return orjson.dumps(
        {"schema": "remit.received.v1", "event_id": event_id, "occurred_at": "2026-04-06T12:00:00Z", "remit": body}
    )


def pays_both(event_id: str, **extra: Any) -> bytes:
    return remit(
        event_id,
        [("1", "11601", "80.00", [], ("PR", "2", "20.00")), ("2", "11102", "75.00", ["XS"], ("PR", "2", "25.00"))],
        **extra,
    )


@pytest.fixture
def replay() -> Replay:
    return Replay(default_ruleset(), "t")


def claim(replay: Replay, event_id: str, lines: list[dict[str, Any]], **extra: Any) -> Outcome:
    return replay.claim(Source("claims"), claim_event(CLAIM, event_id, lines, **extra))


def judged(outcome: Outcome) -> list[tuple[str, str, tuple[str, ...], str | None]]:
    assert outcome.loop is not None
    return [(j.line_id, j.outcome, j.rules, j.carc_group) for j in outcome.loop.judgements]


def stages(outcome: Outcome) -> list[tuple[str, int, str, str, str]]:
    return [(i.rework_id, i.revision, i.stage, i.status, i.action.value) for i in outcome.rework]


class TestPrediction:
    def test_a_flagged_line_denied_for_that_problem_is_predicted_and_the_item_says_so(self, replay: Replay) -> None:
        """BND001 flags the biopsy; the payer denies it CO-97 (bundling): predicted, carried on the rework item."""
        claim(replay, "c1", BIOPSY_AND_EXCISION)
        outcome = replay.remit(Source("remits"), denial_remit(CLAIM, "r1"))
        assert [("2", "predicted", ("BND001",), "bundling")] == judged(outcome)
        (item,) = outcome.rework
        assert item.prediction is not None
        assert ("predicted", ["BND001"], "bundling", "first") == (
            item.prediction.outcome,
            item.prediction.rules,
            item.prediction.carc_group,
            item.prediction.sent,
        )

    def test_a_denial_no_rule_flagged_is_missed_with_its_carc_group(self, replay: Replay) -> None:
        """The clean excision denied CO-50 (medical necessity): missed, with the CARC group for the catalog."""
        claim(replay, "c1", [EXCISION])
        outcome = replay.remit(Source("remits"), remit("r1", [("1", "11601", "0.00", [], ("CO", "50", "100.00"))]))
        assert [("1", "missed", (), "medical_necessity")] == judged(outcome)
        assert outcome.rework[0].prediction is not None
        assert "missed" == outcome.rework[0].prediction.outcome

    def test_a_flagged_line_paid_in_full_is_a_false_alarm_of_that_rule(self, replay: Replay) -> None:
        claim(replay, "c1", BIOPSY_AND_EXCISION)
        outcome = replay.remit(Source("remits"), pays_both("r1"))
        assert [("2", "false_alarm", ("BND001",), None)] == judged(outcome)
        assert [] == outcome.rework

    def test_a_line_sent_corrected_before_the_payer_answered_and_paid_was_prevented(self, replay: Replay) -> None:
        """Scrubbed, fixed as suggested (XS on the biopsy), scrubbed again, paid: a denial prevented by BND001."""
        claim(replay, "c1", BIOPSY_AND_EXCISION)
        corrected = claim(replay, "c2", [EXCISION, BIOPSY_XS])
        assert corrected.loop is not None
        outcome = replay.remit(Source("remits"), pays_both("r1"))
        assert [("2", "prevented", ("BND001",), None)] == judged(outcome)

    def test_a_line_is_judged_on_its_first_adjudication_only(self, replay: Replay) -> None:
        claim(replay, "c1", BIOPSY_AND_EXCISION)
        replay.remit(Source("remits"), denial_remit(CLAIM, "r1"))
        again = replay.remit(Source("remits"), pays_both("r2", payer_claim_id="PAY-2"))
        assert [] == judged(again)


class TestLifecycle:
    def test_open_resubmitted_paid_on_one_rework_id_with_the_dollars_recovered(self, replay: Replay) -> None:
        claim(replay, "c1", BIOPSY_AND_EXCISION)
        (opened,) = replay.remit(Source("remits"), denial_remit(CLAIM, "r1")).rework
        rid = opened.rework_id
        resubmitted = claim(replay, "c2", [EXCISION, BIOPSY_XS], frequency_code="7", payer_claim_id="PAY-1")
        assert [(rid, 2, "resubmitted", "open", "resubmit_with_modifier")] == stages(resubmitted)
        paid = replay.remit(Source("remits"), pays_both("r2", payer_claim_id="PAY-2"))
        assert [(rid, 3, "paid", "closed", "resubmit_with_modifier")] == stages(paid)
        assert Decimal("75.00") == paid.rework[0].recovered_amount
        assert [("paid", Decimal("75.00"))] == funnel_steps(paid.rework[0])
        assert [("opened", Decimal("100.00"))] == funnel_steps(opened)

    def test_every_step_redelivered_gives_the_same_bytes_before_it_is_stored_and_nothing_after(self) -> None:
        """A crash between sending and storing replays the input: same outputs; once stored, nothing new."""
        steps = [
            ("claim", claim_event(CLAIM, "c1", BIOPSY_AND_EXCISION)),
            ("remit", denial_remit(CLAIM, "r1")),
            ("claim", claim_event(CLAIM, "c2", [EXCISION, BIOPSY_XS], frequency_code="7", payer_claim_id="PAY-1")),
            ("remit", pays_both("r2", payer_claim_id="PAY-2")),
        ]
        replay = Replay(default_ruleset(), "t")
        for kind, raw in steps:
            run = replay.claim if kind == "claim" else replay.remit
            before = replay.delivered  # withhold delivery once: the crash
            replay.delivered = lambda outcome: outcome  # type: ignore[method-assign]
            first = [r.value for r in run(Source(kind), raw).records if r.topic == "denials_rework"]
            replay.delivered = before  # type: ignore[method-assign]
            second = [r.value for r in run(Source(kind), raw).records if r.topic == "denials_rework"]
            assert first == second
            third = [r.value for r in run(Source(kind), raw).records if r.topic == "denials_rework"]
            assert [] == third, kind

    def test_denied_again_after_the_resubmission_escalates_to_an_appeal_with_a_deadline(self, replay: Replay) -> None:
        claim(replay, "c1", BIOPSY_AND_EXCISION)
        (opened,) = replay.remit(Source("remits"), denial_remit(CLAIM, "r1")).rework
        claim(replay, "c2", [EXCISION, BIOPSY_XS], frequency_code="7", payer_claim_id="PAY-1")
        denied = remit(
            "r2", [("1", "11601", "80.00", [], None), ("2", "11102", "0.00", ["XS"], ("CO", "97", "100.00"))]
        )
        outcome = replay.remit(Source("remits"), denied)
        new, item = outcome.rework  # the payer's new claim number gives the new denial a rework_id of its own
        assert (opened.rework_id, 3, "denied_again", "closed", "appeal") == (
            item.rework_id,
            item.revision,
            item.stage,
            item.status,
            item.action.value,
        )
        assert (1, "open", "appeal") == (new.revision, new.stage, new.action.value)
        assert opened.rework_id == new.follows_rework_id
        assert [] == [step for step, _ in funnel_steps(new)]  # continues an item: not a newly opened denial
        assert date(2026, 8, 4) == item.deadline  # 120 days from the remittance (RARC MA01 window)

    def test_an_open_item_past_its_deadline_expires_on_the_sweep_but_a_resubmitted_one_waits(
        self, replay: Replay
    ) -> None:
        claim(replay, "c1", BIOPSY_AND_EXCISION)
        (opened,) = replay.remit(Source("remits"), denial_remit(CLAIM, "r1")).rework
        assert opened.deadline is not None
        assert [] == list(replay.sweep(opened.deadline))
        (expired,) = replay.sweep(date.fromordinal(opened.deadline.toordinal() + 1))
        assert [(opened.rework_id, 2, "expired", "closed", "resubmit_with_modifier")] == stages(expired)
        assert [] == list(replay.sweep(date(2030, 1, 1)))

        other = Replay(default_ruleset(), "t")
        claim(other, "c1", BIOPSY_AND_EXCISION)
        other.remit(Source("remits"), denial_remit(CLAIM, "r1"))
        claim(other, "c2", [EXCISION, BIOPSY_XS], frequency_code="7", payer_claim_id="PAY-1")
        assert [] == list(other.sweep(date(2030, 1, 1)))
