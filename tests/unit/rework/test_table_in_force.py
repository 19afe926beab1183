"""Rework decisions read the official table in force: PTP column order and indicator, MUE value and MAI.

Official rows cited (packaged NCCI PTP v30.1 `ccipra-v301r0`, MUE practitioner 2026-04-01):
- PTP 17263/17000 indicator 1 (mutually exclusive): 17263 is column 1, 17000 column 2;
- PTP 11104/11102 indicator 0 (CPT instruction); PTP 11102/17000 indicator 1;
- MUE 11600 = 2, MAI 3; 11900 = 1, MAI 2; 11102 = 1, MAI 2; 17000 = 1, MAI 2; 17004 = 1, MAI 2.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

import yaml

from rules.data.ncci import PtpEdit, PtpTable
from rules.data.table import TableMeta
from rules.rework import analyze
from rules.ruleset import RuleSet, build_ruleset, load_profiles
from rules.testing import default_ruleset, make_claim
from schemas.rework import DenialRework, ReworkAction

from .conftest import build_remit

A = ReworkAction
FACE_A = {"lesion_id": "A", "body_region": "face"}
ARM_B = {"lesion_id": "B", "body_region": "arm"}


@cache
def profiled(either_line: bool = False, mue: tuple[tuple[str, int, int], ...] = ()) -> RuleSet:
    """The packaged tables with a Medicare profile that reads the distinct modifier on either line, or has MUE rows."""
    spec: dict[str, Any] = {"match": {"kinds": ["medicare"]}, "distinct_modifier_either_line": either_line}
    if mue:
        spec["overrides"] = {
            "mue": [
                {"code": c, "mue": v, "mai": m, "rationale": "payer line edit", "source": "test"} for c, v, m in mue
            ]
        }
    return build_ruleset(profiles=load_profiles(yaml.safe_dump({"profiles": {"medicare": spec}})))


def work(
    claim_lines: list[dict[str, Any]], remit_lines: list[dict[str, Any]], ruleset: RuleSet | None = None
) -> DenialRework:
    items = analyze(build_remit(remit_lines), make_claim(claim_lines), ruleset or default_ruleset())
    assert len(items) == 1, [i.cause for i in items]
    return items[0]


def resubmitted(item: DenialRework) -> list[tuple[str, list[str], int]]:
    assert item.corrected_claim is not None, item.rationale
    lines = item.corrected_claim["lines"]
    assert isinstance(lines, list)
    return [(line["code"], line["modifiers"], line["units"]) for line in lines]


def pair(
    first: str, second: str, denied: str, *, docs: tuple[dict[str, Any], dict[str, Any]], mods: tuple[list[str], ...]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Two same-day lines; `denied` is the code the payer denied CO-97, the other was paid."""
    claim = [
        {"code": first, "modifiers": mods[0], "documentation": docs[0]},
        {"code": second, "modifiers": mods[1], "documentation": docs[1]},
    ]
    remit = [
        {"line_id": str(n), "code": code, "modifiers": mods[n - 1]}
        | ({"adj": ["CO-97 100.00"]} if code == denied else {"paid": "60.00"})
        for n, code in ((1, first), (2, second))
    ]
    return claim, remit


class TestColumnOrderFromTheTableInForce:
    def test_co97_on_17000_with_17263_gets_xs_on_17000_when_the_chart_shows_another_lesion(self) -> None:
        """17263/17000 indicator 1: 17000 is column 2, so XS goes on 17000 (different lesion documented)."""
        item = work(*pair("17263", "17000", "17000", docs=(ARM_B, FACE_A), mods=([], [])))
        assert (item.action, item.modifier) == (A.RESUBMIT_WITH_MODIFIER, "XS")
        assert resubmitted(item) == [("17263", [], 1), ("17000", ["XS"], 1)]
        assert "indicator 1" in item.cause

    def test_co97_on_17000_with_17263_same_lesion_is_written_off(self) -> None:
        item = work(*pair("17263", "17000", "17000", docs=(FACE_A, FACE_A), mods=([], [])))
        assert (item.action, item.modifier, item.corrected_claim) == (A.WRITE_OFF, None, None)

    def test_co97_on_the_column_1_code_puts_the_modifier_on_the_column_2_line(self) -> None:
        """The payer denied 17263 (column 1): the XS goes on 17000, 17263 goes back unchanged."""
        item = work(*pair("17263", "17000", "17263", docs=(ARM_B, FACE_A), mods=([], [])))
        assert (item.action, item.modifier) == (A.RESUBMIT_WITH_MODIFIER, "XS")
        assert resubmitted(item) == [("17263", [], 1), ("17000", ["XS"], 1)]
        assert "PTP 17263/17000" in item.cause
        assert "indicator 1" in item.cause

    def test_an_either_line_payer_takes_the_modifier_on_the_denied_column_1_line(self) -> None:
        item = work(*pair("17263", "17000", "17263", docs=(ARM_B, FACE_A), mods=([], [])), profiled(either_line=True))
        assert (item.action, item.modifier) == (A.RESUBMIT_WITH_MODIFIER, "XS")
        assert resubmitted(item) == [("17263", ["XS"], 1), ("17000", [], 1)]

    def test_xs_billed_on_the_column_1_line_moves_to_the_column_2_line(self) -> None:
        """XS on 17263 does not count for Medicare (column 1): the corrected claim carries it on 17000 only."""
        item = work(*pair("17263", "17000", "17000", docs=(ARM_B, FACE_A), mods=(["XS"], [])))
        assert (item.action, item.modifier) == (A.RESUBMIT_WITH_MODIFIER, "XS")
        assert resubmitted(item) == [("17263", [], 1), ("17000", ["XS"], 1)]
        assert "does not count" in item.rationale

    def test_xs_on_the_column_1_line_counts_for_an_either_line_payer_so_the_denial_is_appealed(self) -> None:
        item = work(
            *pair("17263", "17000", "17000", docs=(ARM_B, FACE_A), mods=(["XS"], [])), profiled(either_line=True)
        )
        assert (item.action, item.modifier) == (A.APPEAL, None)

    def test_the_edition_in_force_on_the_date_of_service_decides_the_order(self) -> None:
        """A newer loaded edition with the pair the other way round (a made-up row, for the test) moves the XS to
        17263 for dates of service from its start; earlier dates keep the v30.1 order."""
        reversed_row = PtpEdit("17000", "17263", date(2026, 7, 1), None, "1", "test: reversed order", "test")
        meta = TableMeta("ptp", "test edition", date(2026, 7, 1), version="ptp-test-2026q3")
        ruleset = build_ruleset(extra_ptp=[(meta, PtpTable({("17000", "17263"): reversed_row}))])
        claim, remit = pair("17263", "17000", "17000", docs=(ARM_B, FACE_A), mods=([], []))
        before = work(claim, remit, ruleset)
        late_claim = [line | {"service_date": "2026-08-03"} for line in claim]
        late_remit = [line | {"service_date": "2026-08-03"} for line in remit]
        after = work(late_claim, late_remit, ruleset)
        assert resubmitted(before) == [("17263", [], 1), ("17000", ["XS"], 1)]
        # From 2026-07-01 17000 is column 1: the denied 17000 goes back unchanged and 17263 takes the XS.
        assert (after.action, after.modifier) == (A.RESUBMIT_WITH_MODIFIER, "XS")
        assert resubmitted(after) == [("17263", ["XS"], 1), ("17000", [], 1)]
        assert "ptp-test-2026q3" in after.cause


class TestIndicatorZeroIsNeverBypassed:
    def test_co97_on_11102_with_11104_is_a_write_off_even_for_separate_lesions_with_xs(self) -> None:
        """11104/11102 indicator 0: no modifier, whatever the chart says."""
        item = work(*pair("11104", "11102", "11102", docs=(FACE_A, ARM_B), mods=([], ["XS"])))
        assert (item.action, item.modifier) == (A.WRITE_OFF, None)
        assert "indicator 0" in item.cause

    def test_co97_on_11104_column_1_recodes_11102_to_its_add_on_without_a_modifier(self) -> None:
        """The payer denied 11104 (column 1 of the indicator-0 pair): the claim bills 11104 + 11103 instead."""
        docs = (FACE_A | {"technique": "punch"}, ARM_B | {"technique": "tangential"})
        item = work(*pair("11104", "11102", "11104", docs=docs, mods=([], [])))
        assert (item.action, item.modifier) == (A.CORRECT_AND_RESUBMIT, None)
        assert resubmitted(item) == [("11104", [], 1), ("11103", [], 1)]
        assert "PTP 11104/11102" in item.cause
        assert "indicator 0" in item.cause


class TestBiopsyOfTheTreatedLesion:
    def test_co97_on_17000_with_its_own_biopsy_drops_the_biopsy(self) -> None:
        """11102/17000 indicator 1 makes the biopsy column 1, but a biopsy of the lesion then destroyed is part of
        the destruction (NCCI Policy Manual ch. III): the corrected claim drops 11102 so 17000 is paid."""
        item = work(*pair("11102", "17000", "17000", docs=(FACE_A, FACE_A), mods=([], [])))
        assert item.action is A.CORRECT_AND_RESUBMIT
        assert resubmitted(item) == [("17000", [], 1)]

    def test_co97_on_the_biopsy_of_the_destroyed_lesion_is_a_write_off(self) -> None:
        item = work(*pair("11102", "17000", "11102", docs=(FACE_A, FACE_A), mods=([], [])))
        assert (item.action, item.corrected_claim) == (A.WRITE_OFF, None)

    def test_a_biopsy_of_another_lesion_keeps_both_with_xs_on_17000(self) -> None:
        item = work(*pair("11102", "17000", "17000", docs=(ARM_B, FACE_A), mods=([], [])))
        assert resubmitted(item) == [("11102", [], 1), ("17000", ["XS"], 1)]


def units_denial(
    code: str, units: int, doc: dict[str, Any] | None = None, ruleset: RuleSet | None = None
) -> DenialRework:
    claim = [{"code": code, "units": units, "charge": "300.00", "documentation": doc or {}}]
    remit = [{"line_id": "1", "code": code, "units": units, "charge": "300.00", "adj": ["CO-151 300.00"]}]
    return work(claim, remit, ruleset)


class TestMueFollowsTheMai:
    def test_mai_3_documented_units_are_appealed_saying_what_the_appeal_needs(self) -> None:
        """11600 MUE 2, MAI 3: three documented lesions keep their units; the appeal needs each lesion's note."""
        item = units_denial("11600", 3, {"lesion_count": 3})
        assert item.action is A.APPEAL
        assert "MAI 3" in item.cause
        assert item.attachments is not None
        assert "site, size" in item.attachments
        assert "medically necessary" in item.attachments

    def test_mai_3_silent_chart_is_reviewed_not_cut(self) -> None:
        item = units_denial("11600", 3)
        assert item.action is A.REVIEW
        assert item.corrected_line is None

    def test_mai_3_fewer_lesions_documented_corrects_to_the_documented_count(self) -> None:
        item = units_denial("11600", 3, {"lesion_count": 2})
        assert item.action is A.CORRECT_AND_RESUBMIT
        assert item.corrected_line is not None
        assert item.corrected_line.units == 2

    def test_mai_2_cuts_the_units_and_never_appeals(self) -> None:
        """11900 MUE 1, MAI 2 (policy): one unit, no appeal."""
        item = units_denial("11900", 2, {"lesion_count": 2})
        assert item.action is A.CORRECT_AND_RESUBMIT
        assert resubmitted(item) == [("11900", [], 1)]
        assert "no appeal" in item.rationale

    def test_mai_2_recodes_further_biopsies_to_the_add_on(self) -> None:
        """11102 MUE 1, MAI 2: 11102 x3 is 11102 + 11103 x2 (CPT), not 11102 x1 alone."""
        item = units_denial("11102", 3)
        assert item.action is A.CORRECT_AND_RESUBMIT
        assert resubmitted(item) == [("11102", [], 1), ("11103", [], 2)]

    def test_mai_2_recodes_further_aks_to_17003(self) -> None:
        item = units_denial("17000", 3)
        assert resubmitted(item) == [("17000", [], 1), ("17003", [], 2)]

    def test_mai_2_17004_is_cut_to_one_unit_with_nothing_added(self) -> None:
        """17004 MUE 1, MAI 2: 15 or more lesions are one unit; no add-on exists."""
        item = units_denial("17004", 2, {"lesion_count": 20})
        assert resubmitted(item) == [("17004", [], 1)]

    def test_mai_1_payer_line_edit_splits_documented_excisions_over_lines(self) -> None:
        """A payer line edit (11600 MUE 1, MAI 1): three documented lesions are three lines of one unit."""
        ruleset = profiled(mue=(("11600", 1, 1),))
        item = units_denial("11600", 3, {"lesion_count": 3}, ruleset)
        assert item.action is A.CORRECT_AND_RESUBMIT
        assert resubmitted(item) == [("11600", [], 1), ("11600", ["XS"], 1), ("11600", ["XS"], 1)]

    def test_mai_1_without_documented_lesions_only_cuts_the_line(self) -> None:
        ruleset = profiled(mue=(("11600", 1, 1),))
        item = units_denial("11600", 3, None, ruleset)
        assert resubmitted(item) == [("11600", [], 1)]

    def test_mai_1_does_not_split_a_code_cpt_counts_otherwise(self) -> None:
        """17004 with a payer line edit of 1: no 17004-XS line, whatever the lesion count."""
        ruleset = profiled(mue=(("17004", 1, 1),))
        item = units_denial("17004", 2, {"lesion_count": 20}, ruleset)
        assert resubmitted(item) == [("17004", [], 1)]
