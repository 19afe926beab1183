"""Runs every scenario in scenarios.yaml through `analyze` and checks what a coder is told to do.

Expectation keys (each optional): line_id, level, action, modifier, cause (exact, for `unknown`),
cause_has (facts the cause must name: lines, codes, indicator, global days), deadline, denied, priority,
matched_by, payer_claim_id, corrected (false: no corrected line), corrected_modifiers, corrected_units,
corrected_code, added_codes (lines the corrected claim adds), frequency_code, attachments_has, rationale_has.
Items are compared in the order `analyze` returns them (highest priority first).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from rules.rework import analyze
from rules.testing import make_claim
from schemas.rework import DenialRework

SCENARIOS = Path(__file__).with_name("scenarios.yaml")


def load_scenarios() -> list[Any]:
    document = yaml.safe_load(SCENARIOS.read_text())
    return [pytest.param(s, id=s["name"]) for s in document["scenarios"]]


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def check_item(item: DenialRework, expected: dict[str, Any]) -> None:
    simple = {
        "line_id": item.line_id,
        "level": item.level,
        "action": item.action.value,
        "modifier": item.modifier,
        "cause": item.cause,
        "deadline": _text(item.deadline),
        "denied": _text(item.denied_amount),
        "priority": _text(item.priority),
        "matched_by": item.matched_by,
        "payer_claim_id": item.payer_claim_id,
    }
    for key, actual in simple.items():
        if key in expected:
            assert _text(expected[key]) == actual, f"{key}: {item.rationale}"
    for fragment in expected.get("cause_has", []):
        assert fragment in item.cause, f"cause {item.cause!r} lacks {fragment!r}"
    for fragment in expected.get("rationale_has", []):
        assert fragment in item.rationale, f"rationale lacks {fragment!r}: {item.rationale}"
    for fragment in expected.get("attachments_has", []):
        assert fragment in (item.attachments or ""), item.attachments
    if expected.get("corrected") is False:
        assert item.corrected_line is None
        assert item.corrected_claim is None
    corrected = item.corrected_line
    for key, attribute in (
        ("corrected_modifiers", "modifiers"),
        ("corrected_units", "units"),
        ("corrected_code", "code"),
    ):
        if key in expected:
            assert corrected is not None, item.rationale
            assert expected[key] == getattr(corrected, attribute)
    if "added_codes" in expected or "frequency_code" in expected:
        assert item.corrected_claim is not None, item.rationale
        lines = item.corrected_claim["lines"]
        assert isinstance(lines, list)
        if "added_codes" in expected:
            assert expected["added_codes"] == [line["code"] for line in lines if line["line_id"] is None]
        if "frequency_code" in expected:
            assert expected["frequency_code"] == item.corrected_claim["frequency_code"]


@pytest.mark.parametrize("scenario", load_scenarios())
def test_scenario(scenario: dict[str, Any], make_remit: Any, ruleset: Any) -> None:
    """The items for the scenario's remittance match the expected actions, modifiers, causes and dates."""
    claim = None
    if "claim" in scenario:
        spec = dict(scenario["claim"])
        claim = make_claim(spec.pop("lines"), **spec)
    remit_spec = dict(scenario["remit"])
    remit = make_remit(remit_spec.pop("lines", []), **remit_spec)
    items = analyze(remit, claim, ruleset)
    summary = [(i.line_id, i.action.value, i.cause) for i in items]
    assert len(scenario["expect"]) == len(items), summary
    for item, expected in zip(items, scenario["expect"], strict=True):
        check_item(item, expected)
