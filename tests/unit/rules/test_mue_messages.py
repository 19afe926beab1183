"""MUE001/MUE002 messages say where the MUE value and MAI come from (review 2, section 3).

The packaged MUE tables are the official CMS practitioner tables (2024-04-01 and early 2026), so the messages
attribute the value to the loaded table edition and its CMS rationale, or to the payer profile that set it.
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


def test_daily_mue_names_the_official_edition_and_its_rationale() -> None:
    """official MUE 2024-04-01: 17004 MUE 1, MAI 2, rationale Code Descriptor / CPT Instruction."""
    [message] = messages("MUE002", [{"code": "17004", "units": 2}])
    assert "per the loaded MUE table (mue-2024-04-01; MAI 2; rationale: Code Descriptor / CPT Instruction)" in message
    assert "MAI 2 is a date-of-service policy edit: no modifier or documentation bypasses it" in message


def test_clinical_mue_keeps_the_units_and_names_the_appeal_documentation() -> None:
    """official MUE 2026 (in force from 2026-04-01): 11201 MUE 1, MAI 3 (clinical, appealable)."""
    verdict = evaluate(make_claim([{"code": "11201", "units": 3, "service_date": "2026-05-04"}]), default_ruleset())
    [finding] = [f for f in verdict.findings if f.rule == "MUE002"]
    assert "per the loaded MUE table (mue-2026-04-01; MAI 3" in finding.message
    assert "appeal" in finding.message
    assert "medical necessity" in finding.message
    assert finding.severity.value == "warning"
    assert finding.fix is not None
    assert finding.fix.applicability.value == "display_only"
    assert [line.units for line in verdict.corrected_lines] == [3]


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
