"""docs/coverage.md is generated from the packaged tables and the rules' triggers; no code is left without a home."""

from __future__ import annotations

import pytest

from rules.data.homes import load_code_homes, parse_code_homes
from rules.exceptions import DataTableError
from rules.registry import discover
from scripts.gen_coverage import COMMAND, OUT, homeless, lcd_rows, render, table_codes, unjudged


class TestCoverageDoc:
    def test_docs_coverage_md_is_current(self) -> None:
        assert OUT.exists(), f"{OUT} is missing: run {COMMAND}"
        assert render() == OUT.read_text(encoding="utf-8"), f"docs/coverage.md is stale: run {COMMAND}"

    def test_every_code_of_the_packaged_tables_has_a_home(self) -> None:
        assert homeless(set(table_codes()), load_code_homes()) == []

    def test_a_family_said_to_have_rules_has_a_rule_naming_each_code(self) -> None:
        """`home: rules` is a promise: some registered rule's triggers name every code of the range."""
        assert unjudged(set(table_codes()), load_code_homes(), discover()) == []

    def test_the_coverage_covers_the_families_of_issue_14(self) -> None:
        text = render()
        for row in ("| 11900 |", "| 11301 |", "| 14000 |", "| 11720 |", "| 10060 |", "| 11042 |", "| 96920 |"):
            assert row in text
        assert "**no home**" not in text

    def test_lcd_references_name_known_families_and_rules(self) -> None:
        """Every LCD row's family is a code home and every rule it names is registered."""
        families = {entry.family for entry in load_code_homes().ranges}
        registry = discover()
        for row in lcd_rows():
            assert row["family"] in families, row
            for code in row["diagnosis_rules"].split():
                assert code in registry, row


class TestCodeHomes:
    def test_the_narrowest_range_wins(self) -> None:
        homes = load_code_homes()
        nail, cautery = homes.home_of("11720"), homes.home_of("17250")
        assert nail is not None
        assert nail.family == "nail"  # 11719-11765, not a wider range
        assert cautery is not None
        assert cautery.family == "chemical_cautery"
        assert homes.home_of("99999") is None

    def test_table_edits_only_needs_a_reason(self) -> None:
        text = (
            "# table: code_homes\n# source: test\n# effective_from: 2026-01-01\ncode_from,code_to,family,home,reason\n"
        )
        with pytest.raises(DataTableError, match="no reason"):
            parse_code_homes(text + "10040,10040,acne_surgery,tables,\n")
        with pytest.raises(DataTableError, match="'rules' or 'tables'"):
            parse_code_homes(text + "10040,10040,acne_surgery,maybe,why\n")
