"""Rule gates (`Rule.may_find`, rules/scope.py) are performance only: a rule the engine skips on a claim must
find nothing on that claim, and the engine's verdict must be the one every rule would give."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from benchmarks.generate import generate
from rules.engine import Engine, claim_shape, evaluate
from rules.facts.context import ClaimContext
from rules.rule import Rule
from rules.scope import EditIndex
from rules.testing import default_ruleset, make_claim
from schemas.claim import Claim, ClaimSubmitted

HERE = Path(__file__).parent


def fixture_claims() -> Iterator[Claim]:
    """Every claim of the rule fixtures and the expert scenarios: each gate's positive and negative cases."""
    for path in sorted((HERE / "fixtures").glob("*.yaml")):
        for case in yaml.safe_load(path.read_text())["cases"]:
            spec = dict(case["claim"])
            yield make_claim(spec.pop("lines"), **spec)
    for scenario in yaml.safe_load((HERE / "expert_scenarios.yaml").read_text())["scenarios"]:
        payer = {key: scenario[key] for key in ("payer", "place_of_service") if key in scenario}
        yield make_claim(scenario["lines"], diagnoses=scenario["diagnoses"], **payer)


def generated_claims(count: int) -> Iterator[Claim]:
    for raw in generate(count, seed=7):
        yield ClaimSubmitted.model_validate_json(raw).claim


def gated_rules() -> list[Rule]:
    return [rule for rule in default_ruleset().rules if type(rule).may_find is not Rule.may_find]


def test_gated_rules_exist() -> None:
    """The always-run table rules are gated (otherwise this file tests nothing)."""
    codes = {rule.code for rule in gated_rules()}
    assert {"AOC001", "BND001", "DAT001", "DUP001", "MUE001", "MUE002"} <= codes


@pytest.mark.parametrize("source", ["fixtures", "generated"])
def test_a_rule_its_gate_skips_finds_nothing(source: str) -> None:
    ruleset = default_ruleset()
    index = EditIndex(ruleset)
    claims = list(fixture_claims()) if source == "fixtures" else list(generated_claims(3000))
    gated = gated_rules()
    skipped = 0
    for claim in claims:
        ctx = ClaimContext(claim, ruleset)
        shape = claim_shape(ctx)
        for rule in gated:
            if rule.may_find(shape, index):
                continue
            skipped += 1
            found = list(rule.check(ClaimContext(claim, ruleset)))
            assert [] == found, f"{rule.code} was skipped on {shape} but finds: {[f.message for f in found]}"
    assert skipped > len(claims)  # the gates do skip rules


def test_verdicts_equal_those_with_every_rule_run() -> None:
    """evaluate with gates == evaluate with every gate open, on generated claims (status, findings, lines)."""
    ruleset = default_ruleset()
    claims = list(generated_claims(1500))
    gated = [evaluate(claim, ruleset) for claim in claims]
    with pytest.MonkeyPatch.context() as patch:
        for rule in gated_rules():
            patch.setattr(type(rule), "may_find", Rule.may_find)
        engine = Engine(ruleset)  # a fresh compilation: the gates' answers are remembered per engine
        ungated = [engine.evaluate(claim) for claim in claims]
    for claim, with_gates, without in zip(claims, gated, ungated, strict=True):
        assert without == with_gates, claim.claim_id
