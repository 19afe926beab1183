"""Operator editions in the RuleSet: picked by date of service; coverage gaps; payer profiles; conversion factor."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from rules.data.operator import load_directory
from rules.engine import Verdict, evaluate
from rules.exceptions import DataTableError
from rules.ruleset import CONVERSION_FACTOR_QP, RuleSet, build_ruleset, load_profiles, packaged_profiles
from rules.testing import default_ruleset, make_claim

CMS = Path(__file__).parents[2] / "data" / "cms"


@cache
def operator_ruleset() -> RuleSet:
    """Packaged tables plus the 2026 Q1 and Q3 CMS-format test files."""
    found = load_directory(CMS)
    return build_ruleset(extra_ptp=found["ptp"], extra_mue=found["mue"], extra_addons=found["addon"])


def run(lines: list[dict[str, Any]], ruleset: RuleSet | None = None, **claim: Any) -> Verdict:
    return evaluate(make_claim(lines, **claim), ruleset or operator_ruleset())


def fired(verdict: Verdict, rule: str) -> list[Any]:
    return [f for f in verdict.findings if f.rule == rule]


def on(day: str, *codes: str) -> list[dict[str, Any]]:
    return [{"code": code, "service_date": day} for code in codes]


class TestEditionByDateOfService:
    def test_august_claim_uses_the_q3_file(self) -> None:
        """A 2026-08 claim is checked against ccipra-v322r0 (indicator 1 for 11600/11102 there)."""
        verdict = run(on("2026-08-03", "11600", "11102"))
        assert verdict.data_versions["ptp"] == "ccipra-v322r0"
        assert verdict.data_versions["mue"] == "mue-2026-07-01"
        assert verdict.data_versions["addon"] == "aoc-2026Q3"
        [finding] = fired(verdict, "BND001")
        assert finding.fix is not None
        assert (finding.fix.action.value, finding.fix.modifier) == ("add_modifier", "XS")

    def test_february_claim_uses_the_q1_file(self) -> None:
        """A 2026-02 claim uses ccipra-v320r0, where the same pair has indicator 0: the biopsy is removed."""
        verdict = run(on("2026-02-10", "11600", "11102"))
        assert verdict.data_versions["ptp"] == "ccipra-v320r0"
        [finding] = fired(verdict, "BND001")
        assert finding.fix is not None
        assert finding.fix.action.value == "remove_line"

    def test_a_claim_spanning_two_quarters_names_both_editions(self) -> None:
        """data_versions covers every date of service, not only the first one."""
        verdict = run(on("2026-02-10", "11600") + on("2026-08-03", "11102"))
        assert verdict.data_versions["ptp"] == "ccipra-v320r0,ccipra-v322r0"

    def test_a_date_without_tables_does_not_hide_the_tables_of_the_others(self) -> None:
        """A line dated outside every table (DAT001) leaves the editions of the covered dates in data_versions."""
        verdict = run(on("1999-06-01", "11600") + on("2026-08-03", "11102"))
        assert verdict.data_versions["ptp"] == "ccipra-v322r0"

    def test_an_edition_stays_in_force_until_a_newer_loaded_one(self) -> None:
        """No Q2 file was loaded: a 2026-05 claim uses the Q1 file (the newest edition starting before it), not the
        packaged 2024 edition; it is not beyond the data (a newer quarter, Q3, is loaded)."""
        verdict = run(on("2026-05-04", "11600", "11102"))
        assert verdict.data_versions["ptp"] == "ccipra-v320r0"
        assert "ptp_age" not in verdict.data_versions

    def test_packaged_official_edition_before_the_operator_quarters(self) -> None:
        """A 2025 claim uses the packaged NCCI PTP v30.1 (2024 Q2), the newest edition starting before it."""
        verdict = run(on("2025-11-03", "11600", "11102"))
        assert verdict.data_versions["ptp"] == "ccipra-v301r0"
        assert verdict.status == "flagged"

    def test_edit_deleted_before_the_quarter_is_gone(self) -> None:
        """17000/11900 (official v30.1: active, indicator 1) was deleted 2026-06-30 in the Q3 file: no bundling in
        August; in 2025 the packaged v30.1 edition is in force and bundles the pair."""
        assert fired(run(on("2026-08-03", "17000", "11900")), "BND001") == []
        assert fired(run(on("2025-05-05", "17000", "11900")), "BND001") != []

    def test_edit_deleted_mid_quarter(self) -> None:
        """17110/11400 is deleted 2026-08-15 in the Q3 file: it applies on 08-10, not on 08-20."""
        assert fired(run(on("2026-08-10", "17110", "11400")), "BND001") != []
        assert fired(run(on("2026-08-20", "17110", "11400")), "BND001") == []

    def test_mai_3_from_the_q3_mue_file_is_a_warning(self) -> None:
        """17110 is MAI 3 (clinical) in the Q3 file: units above the MUE warn, the reduction is advice."""
        [finding] = fired(run([{"code": "17110", "units": 2, "service_date": "2026-08-03"}]), "MUE002")
        assert finding.severity.value == "warning"
        assert finding.fix is not None
        assert (finding.fix.action.value, finding.fix.applicability.value) == ("set_units", "display_only")

    def test_q3_addon_file_decides_the_primaries(self) -> None:
        """In the Q3 AOC file 17312 lost 17313 as a primary (pair deleted 2026-03-31)."""
        lines = [{"code": "17313", "service_date": "2026-08-03"}, {"code": "17312", "service_date": "2026-08-03"}]
        assert [f.line_ids for f in fired(run(lines), "AOC001")] == [("2",)]

    def test_claim_before_the_oldest_edition_is_rejected(self) -> None:
        """A claim dated before the oldest loaded edition (v30.1, 2024-04-01) is rejected with the reason, not
        scrubbed against a later table."""
        verdict = run(on("2024-03-29", "11600", "11102"))
        assert verdict.status == "rejected"
        assert verdict.reason is not None
        assert "2024-03-29" in verdict.reason
        assert "ccipra-v301r0" in verdict.reason

    def test_partly_covered_claim_gets_dat001(self) -> None:
        """Lines on an uncovered date are reported by DAT001 and the covered lines are still checked."""
        lines = [*on("2024-03-29", "17000"), *on("2026-08-03", "11600", "11102")]
        verdict = run(lines)
        assert verdict.status == "flagged"
        [gap] = fired(verdict, "DAT001")
        assert gap.line_ids == ("1",)
        assert fired(verdict, "BND001") != []


class TestBeyondTheNewestQuarter:
    def test_claim_after_the_newest_quarter_is_scrubbed_with_it_and_says_how_old(self) -> None:
        """A 2026-11 claim is after every loaded quarter: still judged with the newest editions (Q3 files), never
        rejected for that alone; data_versions names the edition and how many days after its quarter it was used."""
        verdict = run(on("2026-11-02", "11600", "11102"))
        assert verdict.status == "flagged"
        assert fired(verdict, "BND001") != []
        assert verdict.data_versions["ptp"] == "ccipra-v322r0"
        assert verdict.data_versions["ptp_age"].startswith("ccipra-v322r0 (2026-07-01..2026-09-30) used 33 days after")
        assert set(verdict.beyond_data) == {"ptp", "mue", "addon"}

    def test_packaged_tables_alone_age_by_table(self) -> None:
        """Packaged only: PTP and AOC are 2024 Q2, the newest MUE is 2026 Q2; a 2026-03 claim is beyond the PTP
        and AOC quarters but not the MUE (the 2024-04-01 MUE table is in force and an MUE edition is newer)."""
        verdict = run(on("2026-03-02", "11600", "11102"), default_ruleset())
        assert verdict.data_versions["ptp"] == "ccipra-v301r0"
        assert verdict.data_versions["mue"] == "mue-2024-04-01"
        assert set(verdict.beyond_data) == {"ptp", "addon"}
        assert "610 days after" in verdict.data_versions["ptp_age"]

    def test_claim_within_the_newest_quarter_has_no_age(self) -> None:
        verdict = run(on("2026-08-03", "11600", "11102"))
        assert verdict.beyond_data == {}


class TestPayerProfiles:
    def test_packaged_profiles(self) -> None:
        """Medicare prefers XS; the sample commercial payer (ACME-PPO) wants 59 and takes no X modifiers."""
        profiles = packaged_profiles()
        assert (profiles["medicare"].distinct_modifier, profiles["medicare"].accepts_x_modifiers) == ("XS", True)
        assert (profiles["ACME-PPO"].distinct_modifier, profiles["ACME-PPO"].accepts_x_modifiers) == ("59", False)
        ruleset = default_ruleset()
        assert ruleset.profile_for("ACME-PPO", "commercial").name == "acme-ppo"
        assert ruleset.profile_for("OTHER", "commercial").name == "medicare"
        assert "payer_profiles.yaml" in ruleset.data_labels()["profiles"]

    def test_profile_overrides_lay_over_the_national_tables(self) -> None:
        """A payer's own MUE, PTP and add-on rows replace the national ones for that payer only."""
        profiles = load_profiles(
            """
profiles:
  medicare: {match: {kinds: [medicare]}}
  strict:
    match: {payer_ids: [STRICT]}
    distinct_modifier: "59"
    accepts_x_modifiers: false
    overrides:
      mue: [{code: "17110", mue: 1, mai: 3, rationale: payer policy, source: test}]
      ptp: [{column1: "17000", column2: "11900", modifier_indicator: "9", source: test}]
      addon: [{addon: "11201", primaries: ["99213"], aoc_type: 1}]
"""
        )
        ruleset = build_ruleset(profiles=profiles)
        payer = {"payer_id": "STRICT", "kind": "commercial"}
        mue = fired(run([{"code": "17110"}, {"code": "17110", "modifiers": ["59"]}], ruleset, payer=payer), "MUE002")
        assert [f.severity.value for f in mue] == ["warning"]
        assert fired(run(on("2026-03-02", "17000", "11900"), ruleset, payer=payer), "BND001") == []
        assert fired(run(on("2026-03-02", "11200", "11201"), ruleset, payer=payer), "AOC001") != []
        # Medicare claims on the same ruleset still see the national rows.
        assert fired(run(on("2026-03-02", "17000", "11900"), ruleset), "BND001") != []
        assert fired(run(on("2026-03-02", "11200", "11201"), ruleset), "AOC001") == []

    @pytest.mark.parametrize(
        ("text", "problem"),
        [
            ("profiles: {acme: {}}", "a 'medicare' profile is required"),
            ("profiles: {medicare: {distinct_modifier: XS, accepts_x_modifiers: false}}", "use 59"),
            ("profiles: {medicare: {distinct_modifier: '25'}}", "distinct_modifier must be one of"),
            ("profiles: {medicare: {}, a: {match: {kinds: [commercial]}}, b: {match: {kinds: [commercial]}}}", "both"),
            ("profiles: {medicare: {overrides: {mue: [{code: '17110'}]}}}", "bad override"),
            ("profiles: [", "not valid YAML"),
        ],
    )
    def test_bad_profiles_are_refused(self, text: str, problem: str) -> None:
        """A profile file that cannot be applied is a start-up error naming the problem."""
        with pytest.raises(DataTableError, match=problem):
            load_profiles(text)


class TestConversionFactor:
    def test_default_is_the_non_qp_factor(self) -> None:
        """Revenue impact uses CY 2026 non-QP 33.4009: 11102 non-facility 2.86 RVU -> $95.53."""
        [finding] = fired(run(on("2026-03-02", "11600", "11102"), default_ruleset()), "BND001")
        assert finding.revenue_impact == Decimal("95.53")

    def test_qp_factor_from_the_setting(self) -> None:
        """build_ruleset(conversion_factor=33.5675) (QP) prices the same line at $96.00."""
        ruleset = build_ruleset(conversion_factor=CONVERSION_FACTOR_QP)
        [finding] = fired(run(on("2026-03-02", "11600", "11102"), ruleset), "BND001")
        assert finding.revenue_impact == Decimal("96.00")
