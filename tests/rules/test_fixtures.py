"""Runs every rule fixture in tests/rules/fixtures/<CODE>.yaml (semgrep ruleid/ok style)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from rules.engine import evaluate
from rules.ruleset import RuleSet, build_ruleset, load_profiles
from rules.testing import default_ruleset, make_claim

FIXTURES = Path(__file__).parent / "fixtures"


def load_cases() -> list[Any]:
    cases = []
    for path in sorted(FIXTURES.glob("*.yaml")):
        document = yaml.safe_load(path.read_text())
        for case in document["cases"]:
            cases.append(pytest.param(document["rule"], case, id=f"{path.stem}:{case['name']}"))
    return cases


def corrected_view(verdict: Any) -> list[dict[str, Any]]:
    return [
        {
            "code": line.code,
            "modifiers": list(line.modifiers),
            "units": line.units,
            "line_ids": list(line.line_ids),
        }
        for line in verdict.corrected_lines
    ]


_PROFILED: dict[str, RuleSet] = {}


def ruleset_for(case: dict[str, Any]) -> RuleSet:
    """The packaged ruleset, or one whose payer profiles are the case's `profiles:` (a payer's own rows)."""
    if "profiles" not in case:
        return default_ruleset()
    text = yaml.safe_dump({"profiles": case["profiles"]})
    if text not in _PROFILED:
        _PROFILED[text] = build_ruleset(profiles=load_profiles(text))
    return _PROFILED[text]


@pytest.mark.parametrize(("rule", "case"), load_cases())
def test_fixture(rule: str, case: dict[str, Any]) -> None:
    """The rule fires exactly where the fixture says, with the expected fix and corrected claim."""
    claim_spec = dict(case["claim"])
    claim = make_claim(claim_spec.pop("lines"), **claim_spec)
    verdict = evaluate(claim, ruleset_for(case))
    fired = sorted({f.rule for f in verdict.findings if f.rule == rule})
    assert sorted(set(case["expect"])) == fired, [f.message for f in verdict.findings]
    if "expect_fix" in case:
        fixes = [f.fix for f in verdict.findings if f.rule == rule and f.fix is not None]
        expected = case["expect_fix"]
        assert any(
            all(
                str(getattr(fix, key)) == str(value) if key != "line_ids" else list(fix.line_ids) == value
                for key, value in expected.items()
            )
            for fix in fixes
        ), f"no fix matches {expected}: {fixes}"
    if "expect_corrected" in case:
        expected_lines = [
            {"code": c["code"], "modifiers": c.get("modifiers", []), "units": c.get("units", 1)}
            for c in case["expect_corrected"]
        ]
        actual = [{k: v for k, v in line.items() if k != "line_ids"} for line in corrected_view(verdict)]
        assert expected_lines == actual
    if "expect_severity" in case:
        severities = {f.severity.value for f in verdict.findings if f.rule == rule}
        assert {case["expect_severity"]} == severities
