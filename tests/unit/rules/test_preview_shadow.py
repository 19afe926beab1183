"""A preview rule runs in shadow mode: its findings are counted and shown, but they neither flag the claim nor
change its corrected lines (README "Adding a rule": promoted to Stable once watched on real traffic)."""

from __future__ import annotations

import pytest

from rules.engine import Engine
from rules.model import Applicability, Preview, Severity
from rules.registry import discover
from rules.testing import default_ruleset, make_claim

# 11901 (more than seven lesions) billed for five keloids: ILI001 replaces it with 11900, a `safe` fix, and no
# other rule has anything to say about the claim.
CLAIM = make_claim(
    [{"code": "11901", "documentation": {"technique": "injection", "lesion_count": 5}}],
    diagnoses=["L91.0"],
)


def test_a_stable_rule_flags_and_corrects() -> None:
    verdict = Engine(default_ruleset()).evaluate(CLAIM)
    assert verdict.status == "flagged"
    assert [(line.code, line.units) for line in verdict.corrected_lines] == [("11900", 1)]
    assert {f.rule for f in verdict.findings} == {"ILI001"}


def test_the_same_rule_in_preview_shows_its_advice_but_changes_nothing() -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(discover()["ILI001"], "status", Preview("9.9.9"))
        engine = Engine(default_ruleset())  # a fresh compilation reads the status
        verdict = engine.evaluate(CLAIM)
    assert verdict.status == "clean"
    assert [(line.code, line.units) for line in verdict.corrected_lines] == [("11901", 1)]
    (finding,) = [f for f in verdict.findings if f.rule == "ILI001"]
    assert finding.severity is Severity.INFO
    assert finding.message.startswith("[preview] ")
    assert finding.fix is not None
    assert finding.fix.applicability is Applicability.DISPLAY_ONLY
    assert finding.fix.code == "11900"  # the advice itself is kept
