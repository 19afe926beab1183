"""docs/rules.md is generated from the rule docstrings and must match them (scripts/gen_rules_doc.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules.registry import discover
from scripts.gen_rules_doc import COMMAND, OUT, main, render


class TestRulesDoc:
    def test_docs_rules_md_is_current(self) -> None:
        """docs/rules.md equals a fresh render of every registered rule's docstring."""
        assert OUT.exists(), f"{OUT} is missing: run {COMMAND}"
        assert render() == OUT.read_text(encoding="utf-8"), (
            f"docs/rules.md is stale (a rule was added or its docstring/metadata changed): run {COMMAND}"
        )

    def test_every_rule_has_a_section(self) -> None:
        """Each registered rule has an anchor, a heading with its slug and its docstring sections."""
        text = render()
        for code, rule in discover().items():
            assert f'<a id="{code.lower()}"></a>' in text
            assert f"### {code} `{rule.slug}`" in text
        assert "#### What it does" in text
        assert "\n## What it does" not in text  # docstring headings are demoted under the rule heading

    def test_check_mode_reports_a_stale_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--check exits 1 on a stale file and tells the reader the command that regenerates it."""
        stale = tmp_path / "rules.md"
        stale.write_text("# old\n", encoding="utf-8")
        assert main(["--check", "--output", str(stale)]) == 1
        assert COMMAND in capsys.readouterr().err
        assert stale.read_text(encoding="utf-8") == "# old\n"

    def test_write_then_check(self, tmp_path: Path) -> None:
        """Writing produces a file that --check then accepts."""
        target = tmp_path / "rules.md"
        assert main(["--output", str(target)]) == 0
        assert main(["--check", "--output", str(target)]) == 0
