"""Whole-claim scenarios: every rule together must produce the claim an expert coder would resubmit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from rules.engine import evaluate
from rules.testing import default_ruleset, make_claim

HERE = Path(__file__).parent
SCENARIOS = yaml.safe_load((HERE / "expert_scenarios.yaml").read_text())["scenarios"]
# The families of issue 14: each scenario keeps the title and a quote of the public source it was written from.
FAMILY_SCENARIOS = yaml.safe_load((HERE / "family_scenarios.yaml").read_text())["scenarios"]
SCENARIOS = [*SCENARIOS, *FAMILY_SCENARIOS]


KNOWN_BUG = pytest.mark.xfail(strict=True, reason="known engine bug: the scenario states the expert's answer")


@pytest.mark.parametrize(
    "scenario",
    [pytest.param(s, marks=KNOWN_BUG) if s["name"].startswith("BUG: ") else s for s in SCENARIOS],
    ids=[s["name"] for s in SCENARIOS],
)
def test_expert_scenario(scenario: dict[str, Any]) -> None:
    """The corrected claim equals the expert's; a claim coded right raises no error or warning."""
    payer = {key: scenario[key] for key in ("payer", "place_of_service") if key in scenario}
    claim = make_claim(scenario["lines"], diagnoses=scenario["diagnoses"], **payer)
    verdict = evaluate(claim, default_ruleset())
    expected = [
        {"code": c["code"], "modifiers": c.get("modifiers", []), "units": c.get("units", 1)}
        for c in scenario["corrected"]
    ]
    actual = [{"code": d.code, "modifiers": list(d.modifiers), "units": d.units} for d in verdict.corrected_lines]
    messages = [f"{f.rule} {f.severity.value}: {f.message}" for f in verdict.findings]
    assert expected == actual, "\n".join(messages)
    if scenario.get("clean"):
        assert verdict.status == "clean", "\n".join(messages)
    if "status" in scenario:
        assert scenario["status"] == verdict.status, "\n".join(messages)


def test_family_scenarios_keep_their_source() -> None:
    """Every family scenario names its source and quotes it (the expert's answer is the source's, not ours)."""
    for scenario in FAMILY_SCENARIOS:
        assert scenario.get("source"), scenario["name"]
        assert scenario.get("quote"), scenario["name"]
