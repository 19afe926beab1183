"""One answer per line where two rules meet: IND002 over BND001 (I&D with an excision of the same lesion), EVM009
over AOC001 (a prolonged add-on with a lower-level E/M), and the prolonged-service time thresholds."""

from __future__ import annotations

from datetime import date

import pytest

from rules.data.requirements import prolonged_rows
from rules.engine import evaluate
from rules.testing import default_ruleset, make_claim

CYST_A = {"lesion_id": "A", "body_region": "trunk", "technique": "incision_drainage"}
EXCISION_A = {
    "lesion_id": "A",
    "body_region": "trunk",
    "technique": "excision",
    "lesion_type": "benign",
    "lesion_diameter_cm": 2.1,
    "margin_cm": 0.2,
}


def rules_fired(lines: list[dict[str, object]], **claim: object) -> set[str]:
    verdict = evaluate(make_claim(lines, **claim), default_ruleset())  # type: ignore[arg-type]
    return {finding.rule for finding in verdict.findings}


class TestDrainageWithExcision:
    def test_same_lesion_is_answered_by_ind002_alone(self) -> None:
        """10060 is column 1 to 11403 in PTP v30.1: BND001 would deny the excision; IND002 removes the drainage."""
        fired = rules_fired(
            [{"code": "10060", "documentation": CYST_A}, {"code": "11403", "documentation": EXCISION_A}],
            diagnoses=["L72.0"],
        )
        assert "IND002" in fired
        assert "BND001" not in fired

    def test_different_lesions_stay_bnd001s(self) -> None:
        fired = rules_fired(
            [
                {"code": "10060", "documentation": CYST_A},
                {"code": "11403", "documentation": {**EXCISION_A, "lesion_id": "B", "body_region": "leg"}},
            ],
            diagnoses=["L72.0"],
        )
        assert "BND001" in fired
        assert "IND002" not in fired


class TestProlongedOwners:
    def test_lower_level_visit_is_evm009s_not_aoc001s(self) -> None:
        fired = rules_fired([{"code": "99214", "documentation": {"time_minutes": 45}}, {"code": "G2212"}])
        assert "EVM009" in fired
        assert "AOC001" not in fired

    def test_no_visit_at_all_is_aoc001s(self) -> None:
        fired = rules_fired([{"code": "G2212"}])
        assert "AOC001" in fired
        assert "EVM009" not in fired


@pytest.mark.parametrize(
    ("kind", "primary", "minutes", "units"),
    [
        ("commercial", "99205", 74, 0),
        ("commercial", "99205", 75, 1),
        ("commercial", "99205", 90, 2),
        ("commercial", "99215", 55, 1),
        ("medicare", "99205", 88, 0),
        ("medicare", "99205", 89, 1),
        ("medicare", "99205", 104, 2),
        ("medicare", "99215", 68, 0),
        ("medicare", "99215", 69, 1),
        ("medicare", "99215", 83, 1),
        ("medicare", "99215", 84, 2),
    ],
)
def test_units_by_payer_threshold(kind: str, primary: str, minutes: int, units: int) -> None:
    """CPT: 99417 from 75 (99205) / 55 (99215); CMS: G2212 from 89 / 69 (fact sheet: 89-103 one unit, 104 two)."""
    row = next(r for r in prolonged_rows(kind, date(2026, 3, 2)) if r.primary == primary)
    assert row.units_for(minutes) == units


def test_medicaid_has_no_policy_row() -> None:
    assert prolonged_rows("medicaid", date(2026, 3, 2)) == ()
