"""`analyze` across remittances: idempotence, reversals, payer profiles, deadlines and the queue's invariants."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from rules.rework import DeadlinePolicy, PayerDeadlines, analyze
from rules.ruleset import PayerProfile, load_profiles
from rules.testing import make_claim
from schemas.rework import ReworkAction

A = ReworkAction


def biopsy_with_excision(**biopsy: Any) -> Any:
    """11600 on lesion A (trunk) and a biopsy 11102 of lesion B (left arm); extra fields go on the biopsy line."""
    line = {"code": "11102", "documentation": {"lesion_id": "B", "body_region": "arm", "laterality": "left"}}
    line.update(biopsy)
    return [{"code": "11600", "charge": "150.00", "documentation": {"lesion_id": "A", "body_region": "trunk"}}, line]


def co97_remit(make_remit: Any, *, status_code: str = "1", sign: str = "", **extra: Any) -> Any:
    return make_remit(
        [
            {
                "line_id": "1",
                "code": "11600",
                "charge": "150.00",
                "paid": f"{sign}90.00",
                "adj": [f"CO-45 {sign}60.00"],
            },
            {"line_id": "2", "code": "11102", "adj": [f"CO-97 {sign}100.00"], "remarks": ["M15"]},
        ],
        status_code=status_code,
        **extra,
    )


class TestIdempotence:
    def test_same_remittance_twice_gives_one_rework_id(self, make_remit, ruleset):
        """A redelivered remittance (another event id) yields the same items with the same rework ids."""
        claim = make_claim(biopsy_with_excision())
        first = analyze(co97_remit(make_remit), claim, ruleset, source_event_id="evt-1")
        again = analyze(co97_remit(make_remit), claim, ruleset, source_event_id="evt-2")
        assert [i.rework_id for i in first] == [i.rework_id for i in again]
        assert len(first) == 1
        assert (first[0].source_event_id, again[0].source_event_id) == ("evt-1", "evt-2")

    def test_rework_id_follows_claim_line_carc_and_group(self, make_remit, ruleset):
        """Another payer claim number (a new adjudication) gives another rework id."""
        claim = make_claim(biopsy_with_excision())
        original = analyze(co97_remit(make_remit), claim, ruleset)[0]
        readjudicated = analyze(co97_remit(make_remit, payer_claim_id="PCC-2"), claim, ruleset)[0]
        assert original.rework_id != readjudicated.rework_id

    def test_each_item_once_per_call(self, make_remit, ruleset):
        """Two remittance lines for one claim line (split, both denied) are one item with the summed amount."""
        claim = make_claim([{"code": "17004", "units": 2, "charge": "300.00"}])
        remit = make_remit(
            [
                {"line_id": "1", "code": "17004", "charge": "150.00", "adj": ["CO-151 150.00"]},
                {"line_id": "1", "code": "17004", "charge": "150.00", "adj": ["CO-151 150.00"]},
            ]
        )
        items = analyze(remit, claim, ruleset)
        assert [("1", Decimal("300.00"))] == [(i.line_id, i.denied_amount) for i in items]


class TestReversal:
    def test_reversal_closes_the_item_it_reverses(self, make_remit, ruleset):
        """CLP02=22 with the denial's amounts negated yields the same rework id, status closed, nothing to do."""
        claim = make_claim(biopsy_with_excision())
        opened = analyze(co97_remit(make_remit), claim, ruleset)
        closed = analyze(co97_remit(make_remit, status_code="22", sign="-"), claim, ruleset)
        assert [i.rework_id for i in opened] == [i.rework_id for i in closed]
        item = closed[0]
        assert (opened[0].status, item.status) == ("open", "closed")
        assert (Decimal("0.00"), None) == (item.priority, item.deadline)
        assert Decimal("100.00") == item.denied_amount
        assert "Reversal" in item.rationale

    def test_reversal_of_a_paid_claim_has_no_items(self, make_remit, ruleset):
        """Reversing a payment with only contractual adjustments closes nothing."""
        claim = make_claim([{"code": "11600", "charge": "150.00"}])
        remit = make_remit(
            [{"line_id": "1", "code": "11600", "charge": "150.00", "paid": "-90.00", "adj": ["CO-45 -60.00"]}],
            status_code="22",
        )
        assert analyze(remit, claim, ruleset) == []


class TestPayerProfiles:
    def test_payer_that_wants_59(self, make_remit, ruleset):
        """A payer profile with distinct_modifier 59 gets 59, not XS, on the column-2 line."""
        profiles = {
            **ruleset.profiles,
            "PAYER-59": PayerProfile(name="payer-59", distinct_modifier="59", accepts_x_modifiers=False),
        }
        custom = replace(ruleset, profiles=profiles)
        claim = make_claim(biopsy_with_excision(), payer={"payer_id": "PAYER-59", "kind": "commercial"})
        item = analyze(co97_remit(make_remit), claim, custom)[0]
        assert (
            item.action,
            item.modifier,
            item.corrected_line.modifiers if item.corrected_line else None,
        ) == (A.RESUBMIT_WITH_MODIFIER, "59", ["59"])

    def test_x_modifier_billed_to_a_payer_without_x_modifiers(self, make_remit, ruleset):
        """XS billed for a documented distinct lesion, denied by a payer that takes no X modifiers: 59 replaces it."""
        profiles = {
            **ruleset.profiles,
            "PAYER-59": PayerProfile(name="payer-59", distinct_modifier="59", accepts_x_modifiers=False),
        }
        custom = replace(ruleset, profiles=profiles)
        claim = make_claim(biopsy_with_excision(modifiers=["XS"]), payer={"payer_id": "PAYER-59", "kind": "commercial"})
        item = analyze(co97_remit(make_remit), claim, custom)[0]
        assert (
            item.action,
            item.modifier,
            item.corrected_line.modifiers if item.corrected_line else None,
        ) == (A.RESUBMIT_WITH_MODIFIER, "59", ["59"])

    def test_profile_from_payer_profiles_yaml(self, make_remit, ruleset):
        """Profiles loaded the way the worker loads them (YAML, matched by payer id) decide the modifier."""
        text = """
meta: {table: payer_profiles, version: test, source: test}
profiles:
  medicare: {match: {kinds: [medicare]}, distinct_modifier: XS}
  wants-59: {match: {payer_ids: [BCBS-X]}, distinct_modifier: "59", accepts_x_modifiers: false}
"""
        custom = replace(ruleset, profiles=load_profiles(text))
        claim = make_claim(biopsy_with_excision(), payer={"payer_id": "BCBS-X", "kind": "commercial"})
        medicare = make_claim(biopsy_with_excision())
        assert [
            analyze(co97_remit(make_remit), claim, custom)[0].modifier,
            analyze(co97_remit(make_remit), medicare, custom)[0].modifier,
        ] == ["59", "XS"]


class TestDeadlines:
    def test_medicare_defaults(self, make_remit, ruleset):
        """Resubmission: DOS + 1 year; appeal: remittance date + 120 days; review: the earlier of the two."""
        claim = make_claim(biopsy_with_excision())
        resubmit = analyze(co97_remit(make_remit), claim, ruleset)[0]
        appeal = analyze(co97_remit(make_remit), make_claim(biopsy_with_excision(modifiers=["XS"])), ruleset)[0]
        review = analyze(co97_remit(make_remit), make_claim(biopsy_with_excision(documentation=None)), ruleset)[0]
        assert [date(2027, 3, 2), date(2026, 7, 18), date(2026, 7, 18)] == [
            resubmit.deadline,
            appeal.deadline,
            review.deadline,
        ]
        assert [resubmit.action, appeal.action, review.action] == [A.RESUBMIT_WITH_MODIFIER, A.APPEAL, A.REVIEW]

    def test_override_by_payer_kind_and_id(self, make_remit, ruleset):
        """A payer's own windows replace Medicare's; its id wins over its kind."""
        policy = DeadlinePolicy(
            payers={
                "commercial": PayerDeadlines(corrected_claim_days=90, appeal_days=60),
                "ACME": PayerDeadlines(corrected_claim_days=180, appeal_days=30),
            }
        )
        by_kind = make_claim(biopsy_with_excision(), payer={"payer_id": "OTHER", "kind": "commercial"})
        by_id = make_claim(biopsy_with_excision(), payer={"payer_id": "ACME", "kind": "commercial"})
        assert date(2026, 5, 31) == analyze(co97_remit(make_remit), by_kind, ruleset, policy=policy)[0].deadline
        assert date(2026, 8, 29) == analyze(co97_remit(make_remit), by_id, ruleset, policy=policy)[0].deadline

    def test_remit_date_argument_wins_and_none_leaves_appeal_open(self, make_remit, ruleset):
        """The caller's remittance date counts for appeals; with no date at all the appeal deadline is unknown."""
        claim = make_claim(biopsy_with_excision(modifiers=["XS"]))
        given = analyze(co97_remit(make_remit), claim, ruleset, remit_date=date(2026, 4, 1))[0]
        unknown = analyze(co97_remit(make_remit, remit_date=None), claim, ruleset)[0]
        assert (date(2026, 7, 30), None) == (given.deadline, unknown.deadline)

    def test_leap_day_service_date(self):
        """A 29 February date of service is due on 28 February a year later."""
        deadline = DeadlinePolicy().deadline(A.CORRECT_AND_RESUBMIT, service_date=date(2028, 2, 29), remit_date=None)
        assert date(2029, 2, 28) == deadline


class TestQueue:
    def test_priority_is_dollars_times_likelihood(self, make_remit, ruleset):
        """A resubmission of 100.00 at 0.85 outranks an appeal of 150.00 at 0.50."""
        claim = make_claim(
            [
                {"code": "11600", "charge": "150.00", "documentation": {"lesion_id": "A", "body_region": "trunk"}},
                {"code": "11102", "documentation": {"lesion_id": "B", "body_region": "arm"}},
                {
                    "code": "11104",
                    "modifiers": ["XS"],
                    "charge": "150.00",
                    "documentation": {"lesion_id": "C", "body_region": "leg"},
                },
            ]
        )
        remit = make_remit(
            [
                {"line_id": "1", "code": "11600", "charge": "150.00", "paid": "90.00"},
                {"line_id": "3", "code": "11104", "modifiers": ["XS"], "charge": "150.00", "adj": ["CO-97 150.00"]},
                {"line_id": "2", "code": "11102", "adj": ["CO-97 100.00"]},
            ]
        )
        items = analyze(remit, claim, ruleset)
        assert [("2", Decimal("85.00")), ("3", Decimal("75.00"))] == [(i.line_id, i.priority) for i in items]

    def test_another_claims_chart_is_never_used(self, make_remit, ruleset):
        """A claim whose id differs from the remittance's is ignored: the remittance is worked on its own."""
        claim = make_claim(biopsy_with_excision(), claim_id="PCN-OTHER")
        item = analyze(co97_remit(make_remit), claim, ruleset)[0]
        assert (item.matched_by, item.action) == ("remit_only", A.REVIEW)


def _all_scenario_items(make_remit: Any, ruleset: Any) -> list[Any]:
    document = yaml.safe_load(Path(__file__).with_name("scenarios.yaml").read_text())
    items = []
    for scenario in document["scenarios"]:
        claim = None
        if "claim" in scenario:
            spec = dict(scenario["claim"])
            claim = make_claim(spec.pop("lines"), **spec)
        remit_spec = dict(scenario["remit"])
        items.extend(analyze(make_remit(remit_spec.pop("lines", []), **remit_spec), claim, ruleset))
    return items


class TestInvariants:
    def test_write_offs_never_suggest_a_modifier(self, make_remit, ruleset):
        """A correct denial is never paired with a modifier or a corrected line (no modifier to pass an edit)."""
        for item in _all_scenario_items(make_remit, ruleset):
            if item.action is A.WRITE_OFF:
                assert (None, None, Decimal("0.00")) == (item.modifier, item.corrected_line, item.priority)

    def test_resubmissions_carry_the_corrected_claim(self, make_remit, ruleset):
        """Every resubmission names its modifier on the corrected line and a replacement (7) or new (1) claim."""
        for item in _all_scenario_items(make_remit, ruleset):
            if item.action in (A.RESUBMIT_WITH_MODIFIER, A.CORRECT_AND_RESUBMIT):
                assert item.corrected_line is not None
                assert item.corrected_claim is not None
                assert item.corrected_claim["frequency_code"] in ("7", "1")
                assert item.claim_id == item.corrected_claim["claim_id"]
            if item.action is A.RESUBMIT_WITH_MODIFIER:
                assert item.corrected_line is not None
                assert item.modifier in item.corrected_line.modifiers

    def test_every_item_cites_policy_and_the_payer_code(self, make_remit, ruleset):
        """Each rationale names the policy it rests on and the ruleset that produced it."""
        for item in _all_scenario_items(make_remit, ruleset):
            assert "Policy:" in item.rationale
            assert item.ruleset_version == ruleset.version
            assert {"carc", "rarc", "likelihood"} <= set(item.data_versions)
