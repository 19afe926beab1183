"""`rules.facts.sites.delta`: the revenue of units added or removed, priced once (units x RVU x CF, one rounding)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rules.engine import evaluate
from rules.facts.context import ClaimContext
from rules.facts.sites import delta
from rules.testing import DEFAULT_DATE, default_ruleset, make_claim

DAY = date.fromisoformat(DEFAULT_DATE)


def context(place_of_service: str = "11") -> ClaimContext:
    claim = make_claim([{"code": "17311"}], diagnoses=["C44.319"], place_of_service=place_of_service)
    return ClaimContext(claim, default_ruleset())


def test_one_added_unit_is_priced_once_not_as_a_difference_of_rounded_totals() -> None:
    ctx = context()
    # 17312 non-facility 12.06 RVU x 33.4009 = 402.8149 -> 402.81; x2 = 805.6297 -> 805.63 (805.63 - 402.81 = 402.82).
    assert delta(ctx, DAY, [("17312", 1)], [("17312", 2)]) == Decimal("402.81")
    assert delta(ctx, DAY, [("17312", 2)], [("17312", 1)]) == Decimal("-402.81")
    assert delta(ctx, DAY, [], [("17312", 1)]) == Decimal("402.81")


def test_facility_unit_is_priced_once() -> None:
    ctx = context("22")
    # facility 4.58 RVU x 33.4009 = 152.9761 -> 152.98 (x2 = 305.95, and 305.95 - 152.98 = 152.97).
    assert delta(ctx, DAY, [("17312", 1)], [("17312", 2)]) == Decimal("152.98")


def test_units_are_netted_per_code_and_other_codes_priced_as_billed() -> None:
    ctx = context()
    # 17003 x4 -> x3 removes one unit: 0.19 x 33.4009 = 6.35 (not 25.38 - 19.04 = 6.34).
    assert delta(ctx, DAY, [("17003", 4)], [("17003", 3)]) == Decimal("-6.35")
    # A recode is the new code's amount minus the old one's; unchanged lines cancel out.
    recode = delta(ctx, DAY, [("11402", 1), ("17312", 1)], [("11602", 1), ("17312", 1)])
    assert recode == ctx.revenue("11602") - ctx.revenue("11402")  # type: ignore[operator]
    assert delta(ctx, DAY, [("17312", 1)], [("17312", 1)]) == Decimal("0.00")


def test_mohs_stage_opportunity_is_one_unit_of_17312() -> None:
    """MOH003 for one missing stage (17312 x1 billed, x2 documented): the amount of one unit, both settings."""
    lines = [
        {"code": "17311", "documentation": {"lesion_id": "A", "body_region": "cheek", "mohs_stage": 1}},
        {"code": "17312", "documentation": {"lesion_id": "A", "mohs_stage": 3}},
    ]
    for place_of_service, one_unit in (("11", "402.81"), ("22", "152.98")):
        claim = make_claim(lines, diagnoses=["C44.319"], place_of_service=place_of_service)
        found = [f for f in evaluate(claim, default_ruleset()).findings if f.rule == "MOH003"]
        assert [f.revenue_impact for f in found] == [Decimal(one_unit)]
        assert f"+${one_unit}" in found[0].message
