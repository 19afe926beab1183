"""Remittance line to claim line matching, and which adjustments are denials."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rules.rework.classify import DenialKind, is_denial, kind_of
from rules.rework.matching import match_lines
from rules.rework.model import MatchedLine
from rules.testing import make_claim
from schemas.remit import Adjustment


def _pairs(matched: list[MatchedLine]) -> list[tuple[str | None, str, int]]:
    return [(m.line.line_id, m.matched_by, len(m.remit_lines)) for m in matched]


class TestMatchLines:
    def test_ref_6r_wins_over_position(self, make_remit):
        """REF*6R ties each remittance line to its claim line even when the payer reorders them."""
        claim = make_claim([{"code": "11600"}, {"code": "11102"}])
        remit = make_remit([{"line_id": "2", "code": "11102"}, {"line_id": "1", "code": "11600"}])
        assert _pairs(match_lines(remit, claim)) == [("1", "line_id", 1), ("2", "line_id", 1)]

    def test_position_when_the_remittance_lists_the_claims_lines(self, make_remit):
        """Without REF*6R, same count of lines and agreeing code and date: matched by position."""
        claim = make_claim([{"code": "11102", "modifiers": ["XS"]}, {"code": "11102", "modifiers": ["XS"]}])
        remit = make_remit([{"code": "11102"}, {"code": "11102"}])
        assert _pairs(match_lines(remit, claim)) == [("1", "position", 1), ("2", "position", 1)]

    def test_exact_then_ignoring_modifiers(self, make_remit):
        """Code, modifiers, date and charge first; then code, date and charge with the modifier noted."""
        claim = make_claim([{"code": "11600", "charge": "150.00"}, {"code": "11102", "modifiers": ["XS"]}])
        remit = make_remit(
            [{"code": "11102"}, {"code": "11600", "charge": "150.00"}, {"code": "99213", "charge": "80.00"}]
        )
        matched = match_lines(remit, claim)
        assert _pairs(matched) == [("1", "exact", 1), ("2", "ignoring_modifiers", 1), (None, "unmatched", 1)]
        assert any("dropped modifier XS" in note for note in matched[1].notes)
        assert any("99213" in note for note in matched[2].notes)

    def test_split_line_by_units_or_charges(self, make_remit):
        """Two remittance lines whose charges add up to one claim line are that line, split."""
        claim = make_claim([{"code": "17003", "units": 14, "charge": "140.00"}])
        remit = make_remit(
            [{"code": "17003", "units": 13, "charge": "130.00"}, {"code": "17003", "units": 1, "charge": "10.00"}]
        )
        (matched,) = match_lines(remit, claim)
        assert (matched.line.line_id, matched.matched_by, matched.line.units) == ("1", "split", 14)
        assert [r.units for r in matched.remit_lines] == [13, 1]

    def test_submitted_code_matches_the_billed_line(self, make_remit):
        """SVC06 (the code as submitted) matches the claim line when the payer adjudicated another code."""
        claim = make_claim([{"code": "11104"}, {"code": "11600"}, {"code": "17000"}])
        remit = make_remit([{"code": "11102", "submitted_code": "11104"}])
        (matched,) = match_lines(remit, claim)
        assert (matched.line.code, matched.matched_by) == ("11104", "exact")
        assert any("as 11102" in note for note in matched.notes)

    def test_unknown_claim_keeps_every_remittance_line(self, make_remit):
        """With no claim on file, each remittance line stands for itself (REF*6R, else a position key)."""
        remit = make_remit([{"line_id": "7", "code": "11600"}, {"code": "11102"}])
        matched = match_lines(remit, None)
        assert [(m.line.key, m.matched_by) for m in matched] == [("7", "remit_only"), ("svc2-11102", "remit_only")]


class TestDenials:
    @pytest.mark.parametrize(
        ("group", "reason"),
        [
            ("CO", "45"),
            ("CO", "42"),
            ("CO", "A2"),
            ("PR", "1"),
            ("PR", "2"),
            ("PR", "3"),
            ("PR", "204"),
            ("CO", "253"),
            ("OA", "23"),
            ("CO", "59"),
        ],
    )
    def test_not_denials(self, group, reason):
        """Contractual write-downs, patient responsibility, sequestration, prior payer and MPPR are not denials."""
        assert not is_denial(Adjustment(group=group, reason=reason, amount=Decimal("10.00")))

    def test_reversed_denial_counts_only_in_a_reversal(self):
        """A negative CO-97 is a reversed denial in a CLP02=22 remittance, and nothing otherwise."""
        reversed_97 = Adjustment(group="CO", reason="97", amount=Decimal("-95.53"))
        assert (is_denial(reversed_97), is_denial(reversed_97, reversal=True)) == (False, True)

    @pytest.mark.parametrize(
        ("reason", "remarks", "code", "kind"),
        [
            ("97", [], "11102", DenialKind.BUNDLED),
            ("236", [], "11102", DenialKind.BUNDLED),
            ("231", [], "11102", DenialKind.BUNDLED),
            ("B15", ["N122"], "11103", DenialKind.ADDON_WITHOUT_PRIMARY),
            ("B15", ["M80"], "11102", DenialKind.BUNDLED),
            ("151", [], "17004", DenialKind.UNITS),
            ("96", ["N362"], "17004", DenialKind.UNITS),
            ("4", [], "99213", DenialKind.MODIFIER),
            ("16", ["M51"], "11102", DenialKind.MISSING_INFORMATION),
            ("18", [], "11102", DenialKind.DUPLICATE),
            ("50", [], "11102", DenialKind.OTHER),
        ],
    )
    def test_kinds(self, reason, remarks, code, kind, ruleset):
        """Each CARC (with its remark codes) maps to the analysis that explains it."""
        assert kind_of(reason, remarks, code=code, ruleset=ruleset, fees=None) is kind
