"""The procedure-family data (code families, site groups, diagnosis classes) and the revenue arithmetic."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rules.engine import evaluate
from rules.testing import default_ruleset, make_claim


@pytest.fixture(scope="module")
def families():
    return default_ruleset().families


def impacts(claim, rule):
    verdict = evaluate(claim, default_ruleset())
    return [f.revenue_impact for f in verdict.findings if f.rule == rule]


# Families whose codes the packaged fee-schedule extract (pfs_rvu_2026.csv) does not price: their rules report no
# revenue figure ("not priced"), never +$0.00.
UNPRICED_FAMILIES = frozenset({"paring", "nail_debridement", "nail_avulsion"})


class TestCodeFamilies:
    def test_excised_diameter_steps(self, families) -> None:
        """CPT size steps: 0.5 or less, 0.6-1.0, 1.1-2.0, 2.1-3.0, 3.1-4.0, over 4.0 cm."""
        sizes = [0.3 + 2 * 0.1, 0.6, 1.0, 1.4, 2.1, 3.0, 3.1, 4.0, 4.1, 9.0]
        codes = [families.sized("excision_malignant", "trunk_arms_legs", s).code for s in sizes]
        assert codes == ["11600", "11601", "11601", "11602", "11603", "11603", "11604", "11604", "11606", "11606"]

    def test_complex_repair_of_one_cm_or_less_has_no_complex_code(self, families) -> None:
        """Complex repair starts at 1.1 cm; past 7.5 cm the last step carries the add-on."""
        assert families.sized("repair_complex", "complex_trunk", 1.0) is None
        assert families.sized("repair_complex", "complex_trunk", 12.0).code == "13101"
        assert families.addon_units(families.get("13102"), 12.5) == 1
        assert families.addon_units(families.get("13102"), 12.6) == 2

    def test_addon_units_by_count(self, families) -> None:
        """17003 = n - 1; 11201 per 10 beyond 15; 17312 = stages - 1; 17315 = blocks beyond 5."""
        assert families.addon_units(families.get("17003"), 8) == 7
        assert families.addon_units(families.get("11201"), 15) == 0
        assert families.addon_units(families.get("11201"), 26) == 2
        assert families.addon_units(families.get("17312"), 3) == 2
        assert families.addon_units(families.get("17315"), 7) == 2

    def test_addon_pairs(self, families) -> None:
        """Each primary's add-on; stand-alone codes (17004, 17110) have none."""
        pairs = {code: (families.addon_of(code) or None) for code in ("11102", "11106", "17000", "17004", "13131")}
        assert {k: v.code if v else None for k, v in pairs.items()} == {
            "11102": "11103",
            "11106": "11107",
            "17000": "17003",
            "17004": None,
            "13131": "13133",
        }

    def test_site_groups(self, families) -> None:
        """Axilla is trunk for excisions and Mohs; forehead is face for excisions but 13131 for complex repair."""
        assert families.site_group("lesion", "axilla") == "trunk_arms_legs"
        assert families.site_group("mohs", "axilla") == "mohs_trunk_arms_legs"
        assert families.site_group("lesion", "forehead") == "face_ears_eyelids_nose_lips_mucosa"
        assert families.site_group("repair_complex", "forehead").startswith("complex_forehead")
        assert families.site_group("repair_complex", "face") is None

    def test_diagnosis_classes(self, families) -> None:
        """Longest prefix wins; C and D03/D04 are malignant, D48.5 uncertain, Z12.83 screening."""
        got = {dx: families.diagnosis_class(dx) for dx in ("C44.519", "D04.5", "D48.5", "D22.5", "L57.0", "Z12.83")}
        assert got == {
            "C44.519": "malignant",
            "D04.5": "malignant",
            "D48.5": "uncertain",
            "D22.5": "benign",
            "L57.0": "premalignant",
            "Z12.83": "screening",
        }

    def test_every_family_code_is_priced_and_every_site_group_is_mapped(self, families) -> None:
        """Data consistency: codes exist in the CY 2026 PFS file (except the families the packaged extract does not
        price, whose rules say "not priced"); site groups exist in site_groups.csv."""
        ruleset = default_ruleset()
        fees = ruleset.pfs.editions[0][1]
        mapped = {(scheme, group) for (scheme, _), group in families.site_groups.items()}
        # The packaged CY 2026 extract does not price the split- and full-thickness grafts (GRF001/GRF002 state no
        # revenue figure for them); once it does, this exemption must go.
        unpriced = {"15100", "15101", "15120", "15121"} | {"15200", "15201", "15220", "15221", "15240", "15241"}
        unpriced |= {"15260", "15261"}
        for entry in families.entries.values():
            if entry.family in UNPRICED_FAMILIES or entry.code in unpriced:
                assert fees.get(entry.code) is None, f"{entry.code} is priced: drop its exemption"
                continue
            assert fees.get(entry.code) is not None, entry.code
            if entry.site_group:
                assert (entry.site_scheme, entry.site_group) in mapped, entry.code


class TestRevenueImpact:
    def test_punch_documented_pays_the_rvu_difference(self) -> None:
        """11102 -> 11104 is +$25.72 non-facility (CY 2026 RVUs x 33.4009)."""
        claim = make_claim([{"code": "11102", "documentation": {"technique": "punch", "body_region": "arm"}}])
        assert impacts(claim, "BIO004") == [Decimal("25.72")]

    def test_guide_destruction_stack_lowers_the_claim(self) -> None:
        """17000 + 17003 x13 + 17004 -> 17004 alone removes $148.97 of billed RVUs (RVUs x units x CF, rounded once)."""
        claim = make_claim(
            [
                {"code": "17000", "documentation": {"lesion_count": 20, "lesion_type": "premalignant"}},
                {"code": "17003", "units": 13},
                {"code": "17004"},
            ]
        )
        assert impacts(claim, "DES001") == [Decimal("-148.97")]

    def test_unbilled_repair_is_its_value(self) -> None:
        """A documented 3.0 cm intermediate trunk repair is 12032, +$299.94."""
        doc = {
            "lesion_id": "A",
            "body_region": "trunk",
            "lesion_type": "malignant",
            "lesion_diameter_cm": 1.0,
            "margin_cm": 0.2,
            "repair": "intermediate",
            "repair_length_cm": 3.0,
        }
        claim = make_claim([{"code": "11602", "documentation": doc}], diagnoses=["C44.519"])
        assert impacts(claim, "REP005") == [Decimal("299.94")]

    def test_excision_steps_add_up_to_the_whole_difference(self) -> None:
        """Pathology, site and size impacts sum to 11643 - 11401."""
        doc = {
            "lesion_id": "A",
            "body_region": "cheek",
            "lesion_type": "malignant",
            "lesion_diameter_cm": 1.2,
            "margin_cm": 0.5,
        }
        claim = make_claim([{"code": "11401", "documentation": doc}], diagnoses=["C44.319"])
        total = sum(v for rule in ("EXC001", "EXC002", "EXC003") for v in impacts(claim, rule) if v is not None)
        assert total == Decimal("315.97") - Decimal("154.98")
