"""Revenue figures in messages say what they compare (third review, section 3).

`revenue_impact` is the corrected lines minus the billed lines at the national amount. When the billed units
exceed their MUE the units above it would be denied anyway, so the message also gives the change against what
would be paid (12031 x2 -> 12032: -$219.78 against the billed units, +$40.08 against what would be paid).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rules.engine import evaluate
from rules.testing import default_ruleset, make_claim

TRUNK_REPAIR: dict[str, Any] = {
    "lesion_id": "A",
    "body_region": "trunk",
    "repair": "intermediate",
    "repair_length_cm": 5.0,
}
EXCISION: dict[str, Any] = {
    "lesion_id": "A",
    "body_region": "trunk",
    "technique": "excision",
    "lesion_type": "malignant",
    "lesion_diameter_cm": 1.0,
    "margin_cm": 0.4,
}


def findings(rule: str, lines: list[dict[str, Any]], **claim: Any) -> list[Any]:
    verdict = evaluate(make_claim(lines, **claim), default_ruleset())
    return [f for f in verdict.findings if f.rule == rule]


def test_repair_recode_over_the_mue_gives_both_figures() -> None:
    lines: list[dict[str, Any]] = [
        {"code": "11602", "documentation": EXCISION},
        {"code": "12031", "units": 2, "documentation": TRUNK_REPAIR},
    ]
    [finding] = findings("REP004", lines, diagnoses=["C44.519"])
    assert finding.revenue_impact == Decimal("-219.78")
    assert "(-$219.78 against 12031 x2 as billed; the MUE denies units of 12031 above 1, so +$40.08 against what " in (
        finding.message
    )


def test_repair_recode_within_the_mue_gives_one_figure() -> None:
    lines: list[dict[str, Any]] = [
        {"code": "11602", "documentation": EXCISION},
        {"code": "12031", "documentation": TRUNK_REPAIR},
    ]
    [finding] = findings("REP004", lines, diagnoses=["C44.519"])
    assert finding.message.endswith("Replace 12031 with 12032 (+$40.08).")


def test_benign_destruction_merge_gives_both_figures() -> None:
    wart = {"lesion_type": "benign", "technique": "destruction"}
    lines: list[dict[str, Any]] = [
        {"code": "17110", "documentation": {**wart, "body_region": "hand", "lesion_count": 8}},
        {"code": "17110", "documentation": {**wart, "body_region": "foot", "lesion_count": 9}},
    ]
    [finding] = findings("DES004", lines, diagnoses=["B07.8"])
    assert "documenting 8 + 9 = 17 lesions" in finding.message
    assert "against 17110 x2 as billed" in finding.message
    assert "+$18.71 against what would be paid" in finding.message
