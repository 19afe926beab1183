"""`dermclaims rules`: the catalog table and `rules show CODE`, run through click's CliRunner."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from rules.registry import discover
from workers.cli import rules as rules_cli

WIDE = {"COLUMNS": "200"}


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(rules_cli.rules, list(args), env=WIDE)
    return result.exit_code, result.output


class TestRulesList:
    def test_lists_every_registered_rule(self) -> None:
        """Without a subcommand the group prints one row per registered rule."""
        code, out = invoke()
        assert code == 0, out
        for rule_code in discover():
            assert rule_code in out
        assert "modifier_invalid" in out
        assert "stable 0.1.0" in out

    def test_family_filter(self) -> None:
        """--family keeps only that package's rules."""
        code, out = invoke("--family", "modifiers")
        assert code == 0, out
        assert "MOD005" in out
        assert "EVM001" not in out

    def test_category_filter(self) -> None:
        """--category keeps only rules of that finding category."""
        code, out = invoke("--category", "modifier_missing")
        assert code == 0, out
        assert "EVM001" in out
        assert "MOD003" not in out

    def test_no_match_is_an_error(self) -> None:
        """A filter that matches nothing exits non-zero with a message."""
        code, out = invoke("--category", "no_such_category")
        assert code == 1
        assert "no rule matches" in out


class TestRulesShow:
    def test_renders_the_docstring_sections(self) -> None:
        """show prints the rule's facts and its docstring sections as rendered Markdown."""
        code, out = invoke("show", "EVM001")
        assert code == 0, out
        assert "EVM001" in out
        assert "em-with-procedure-without-modifier-25" in out
        for heading in ("What it does", "Why is this bad?", "Fix safety", "References", "Example"):
            assert heading in out
        assert "## " not in out  # headings are rendered, not printed raw

    def test_example_section_is_printed(self) -> None:
        """The Example section (the installed package's examples) is in the output verbatim."""
        code, out = invoke("show", "MOD005")
        assert code == 0, out
        assert "11102 + 11103-59 (units 2) -> 11102 + 11103 (units 2)." in out

    def test_accepts_lower_case_code_and_slug(self) -> None:
        """A code in any case, or the rule's slug, finds the rule."""
        by_code = invoke("show", "mod003")
        by_slug = invoke("show", "modifier-59-with-x-modifier")
        assert by_code[0] == 0
        assert by_code == by_slug

    def test_unknown_code_is_a_usage_error(self) -> None:
        """An unknown code exits 2 and lists nearby codes."""
        code, out = invoke("show", "MOD999")
        assert code == 2
        assert "no rule 'MOD999'" in out
        assert "MOD001" in out

    def test_fixtures_from_a_checkout(self) -> None:
        """--fixtures prints the fixture cases when tests/rules/fixtures is present."""
        code, out = invoke("show", "MOD005", "--fixtures")
        assert code == 0, out
        assert "Fixture cases" in out
        assert "11103-59 x2" in out

    def test_fixtures_outside_a_checkout(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Installed without tests/, --fixtures says so and the Example section stands in."""
        monkeypatch.setattr(rules_cli, "find_fixtures", lambda code: None)
        code, out = invoke("show", "MOD005", "--fixtures")
        assert code == 0, out
        assert "No fixture file for MOD005" in out
        assert "Fixture cases" not in out

    @pytest.mark.parametrize("rule_code", sorted(discover()))
    def test_every_rule_renders(self, rule_code: str) -> None:
        """Every registered rule's documentation renders without error."""
        code, out = invoke("show", rule_code)
        assert code == 0, out
        assert rule_code in out
