"""MUE001/MUE002 messages say where the MUE value and MAI come from (review 2, section 3).

The packaged MUE table is curated from CPT descriptors (research-notes 2: the CMS values and MAIs were not
found), so the messages attribute the value to the loaded table edition, or to the payer profile that set it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rules.data.operator import load_directory
from rules.engine import evaluate
from rules.ruleset import build_ruleset, load_profiles
from rules.testing import default_ruleset, make_claim

CMS = Path(__file__).parents[2] / "data" / "cms"  # the CMS-format test files (2026 Q1 and Q3)


def messages(rule: str, lines: list[dict[str, Any]], ruleset: Any = None, **claim: Any) -> list[str]:
    verdict = evaluate(make_claim(lines, **claim), ruleset or default_ruleset())
    return [f.message for f in verdict.findings if f.rule == rule]


def test_daily_mue_names_the_curated_edition_and_the_row_basis() -> None:
    [message] = messages("MUE002", [{"code": "17004", "units": 2}])
    assert "per the loaded MUE table (mue-curated-2026; MAI 2; curated: CPT 17004" in message
    assert "MAI 2 is a date-of-service policy edit: no modifier or documentation bypasses it" in message


def test_line_mue_names_the_curated_edition() -> None:
    [message, *_] = messages("MUE001", [{"code": "11600", "units": 2}], diagnoses=["C44.519"])
    assert "per the loaded MUE table (mue-curated-2026; MAI 1; curated:" in message


def test_cms_edition_is_named_with_the_row_rationale() -> None:
    found = load_directory(CMS)
    ruleset = build_ruleset(extra_ptp=found["ptp"], extra_mue=found["mue"], extra_addons=found["addon"])
    [message] = messages("MUE002", [{"code": "17004", "units": 2, "service_date": "2026-08-03"}], ruleset)
    assert "per the loaded MUE table (mue-2026-07-01; MAI " in message
    assert "curated" not in message


def test_payer_override_is_named_as_the_payer_profile() -> None:
    profiles = load_profiles(
        """
profiles:
  medicare: {match: {kinds: [medicare]}}
  strict:
    match: {payer_ids: [STRICT]}
    overrides:
      mue: [{code: "17110", mue: 1, mai: 3, rationale: payer policy, source: strict policy 12}]
"""
    )
    ruleset = build_ruleset(profiles=profiles)
    payer = {"payer_id": "STRICT", "kind": "commercial"}
    [message] = messages("MUE002", [{"code": "17110", "units": 2}], ruleset, payer=payer)
    assert "per payer profile strict (strict policy 12; MAI 3)" in message


def test_daily_mue_names_the_recode_the_family_rule_makes() -> None:
    """Two 17110 lines of 8 + 9 warts: MUE002 defers to a recode to 17111, and DES004 makes exactly that one."""
    wart = {"lesion_type": "benign", "technique": "destruction"}
    lines = [
        {"code": "17110", "documentation": {**wart, "body_region": "hand", "lesion_count": 8}},
        {"code": "17110", "documentation": {**wart, "body_region": "foot", "lesion_count": 9}},
    ]
    verdict = evaluate(make_claim(lines, diagnoses=["B07.8"]), default_ruleset())
    [mue] = [f for f in verdict.findings if f.rule == "MUE002"]
    [des] = [f for f in verdict.findings if f.rule == "DES004"]
    assert "But 17 lesions documented are 17111: apply the code-family recode" in mue.message
    assert des.fix is not None
    assert des.fix.code == "17111"
    assert des.fix.line_ids == ("1", "2")
    assert [line.code for line in verdict.corrected_lines] == ["17111"]
