"""Re-scrubbing the engine's own corrected claim raises nothing the first pass did not already report.

One pass must list everything the resubmission needs: what the engine applies (corrected_lines) and what
only the coder can do (e.g. a diagnosis from the pathology report, which the engine cannot invent). The
corrected claim is rebuilt with each corrected line's code, modifiers and units on its source line (same
documentation and diagnosis pointers) and scrubbed again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from rules.engine import Verdict, evaluate
from rules.testing import default_ruleset, make_claim

SCENARIOS = {
    s["name"]: s for s in yaml.safe_load((Path(__file__).parent / "expert_scenarios.yaml").read_text())["scenarios"]
}

# scenario name -> the findings (rule, category) left on the corrected claim: what only the coder can fix.
CASES = {
    "D48.5 lesion billed as a benign excision whose final pathology is malignant is 11602 (dx flagged)": [
        ("DXM001", "diagnosis_mismatch")
    ],
    "clinical BCC dx but benign final pathology: the excision is benign, 11602 becomes 11402 (dx flagged)": [
        ("DXM002", "diagnosis_mismatch")
    ],
    "benign excision code with a malignant dx and malignant pathology is 11601": [],
    "malignant excision code with benign pathology and a benign dx is 11421": [],
}


def scrub(lines: list[dict[str, Any]], diagnoses: list[str]) -> Verdict:
    return evaluate(make_claim(lines, diagnoses=diagnoses), default_ruleset())


def corrected_claim_lines(lines: list[dict[str, Any]], verdict: Verdict) -> list[dict[str, Any]]:
    """The claim as resubmitted: each corrected line on its (single) source line's documentation and pointers."""
    out = []
    for corrected in verdict.corrected_lines:
        assert len(corrected.line_ids) == 1, "only one-to-one corrections are rebuilt here"
        source = dict(lines[int(corrected.line_ids[0]) - 1])
        source.update(code=corrected.code, modifiers=list(corrected.modifiers), units=corrected.units)
        out.append(source)
    return out


@pytest.mark.parametrize("name", list(CASES))
def test_rescrub_of_corrected_claim_raises_no_new_finding(name: str) -> None:
    scenario = SCENARIOS[name]
    lines, diagnoses = scenario["lines"], scenario["diagnoses"]
    first = scrub(lines, diagnoses)
    second = scrub(corrected_claim_lines(lines, first), diagnoses)
    messages = [f"{f.rule}: {f.message}" for f in second.findings]

    left = [(f.rule, f.category.value) for f in second.findings]
    assert left == CASES[name], messages
    # Nothing new: each remaining finding was already in the first pass, on the same lines.
    reported = {(f.rule, f.category.value, tuple(f.line_ids)) for f in first.findings}
    assert {(f.rule, f.category.value, tuple(f.line_ids)) for f in second.findings} <= reported, messages
    # What remains needs the coder: nothing more is applied to the corrected claim.
    assert all(f.fix is None or f.fix.applicability.value != "safe" for f in second.findings), messages
    assert [(d.code, list(d.modifiers), d.units) for d in second.corrected_lines] == [
        (d.code, list(d.modifiers), d.units) for d in first.corrected_lines
    ]
