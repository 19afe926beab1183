"""Closing the loop without a broker: the payer's answer judged against the verdict, and a rework item's life.

Inputs go through the worker's own steps (workers.replay), in the order a clearinghouse would send them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from rules.outcomes.lifecycle import funnel_steps
from rules.testing import default_ruleset
from tests.integration.test_loop_stream import RemitLine, remit_event
from tests.integration.test_loop_stream import pays_both as pays_both_lines
from tests.integration.test_worker_stream import BIOPSY_AND_EXCISION, claim_event, denial_remit
from workers.replay import Replay
from workers.routing import Outcome, Source

CLAIM = "PCN-L1"
EXCISION, BIOPSY = BIOPSY_AND_EXCISION  # excision of lesion A (trunk), biopsy of lesion B (arm): BND001 on the biopsy
BIOPSY_XS = {**BIOPSY, "modifiers": ["XS"]}


def remit(event_id: str, lines: list[RemitLine], **extra: Any) -> bytes:
    """(line_id, code, paid, modifiers, (group, reason, amount) or None) per line; charge 100.00 each."""
    return remit_event(CLAIM, event_id, lines, **{"payer_claim_id": "PAY-1", **extra})


def pays_both(event_id: str, **extra: Any) -> bytes:
    return pays_both_lines(CLAIM, event_id, **{"payer_claim_id": "PAY-1", **extra})


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

    def test_an_addon_billed_alone_that_a_family_rule_recodes_predicts_the_b15_denial(self, replay: Replay) -> None:
        """+11201 billed without 11200, 10 tags documented: TAG001 (code_family) says recode it to 11200, and
        AOC001 leaves it to TAG001. The payer's CO-B15 ("requires a qualifying service/procedure ... not
        received") with N122 is that problem: predicted by TAG001, not missed."""
        tags = {"code": "11201", "documentation": {"body_region": "neck", "lesion_count": 10, "lesion_type": "benign"}}
        flagged = claim(replay, "c1", [tags])
        assert flagged.verdict is not None
        assert ["TAG001"] == [f.rule for f in flagged.verdict.findings]
        outcome = replay.remit(Source("remits"), remit("r1", [("1", "11201", "0.00", [], ("CO", "B15", "18.37"))]))
        assert [("1", "predicted", ("TAG001",), "addon")] == judged(outcome)

    def test_a_family_flag_does_not_explain_a_medical_necessity_denial(self, replay: Replay) -> None:
        """The same TAG001 flag, but the payer denies CO-50 (not medically necessary): missed, TAG001 noted."""
        tags = {"code": "11201", "documentation": {"body_region": "neck", "lesion_count": 10, "lesion_type": "benign"}}
        claim(replay, "c1", [tags])
        outcome = replay.remit(Source("remits"), remit("r1", [("1", "11201", "0.00", [], ("CO", "50", "18.37"))]))
        assert [("1", "missed", (), "medical_necessity")] == judged(outcome)
        assert outcome.loop is not None
        assert ("TAG001",) == outcome.loop.judgements[0].other_rules

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
