"""scripts/new_rule.py writes a rule module and fixture that import and register."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class TestNewRuleScaffold:
    def test_refuses_a_taken_code_and_a_bad_slug(self) -> None:
        """Codes are never reused and slugs are kebab-case: the scaffolder says so and writes nothing."""
        taken = subprocess.run(
            [sys.executable, "scripts/new_rule.py", "BND001", "x-y", "bundling", "ptp_bundle"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert taken.returncode == 2
        assert "taken or retired" in taken.stderr
        bad = subprocess.run(
            [sys.executable, "scripts/new_rule.py", "BND999", "Bad_Slug", "bundling", "ptp_bundle"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert bad.returncode == 2
        assert "kebab-case" in bad.stderr

    def test_scaffold_compiles_with_every_docstring_section(self, tmp_path: Path) -> None:
        """The generated module compiles and carries the five documentation sections the meta-test requires."""
        from scripts import new_rule

        source = new_rule.MODULE.format(
            code="BND999", slug="demo-pattern", version="0.2.0", cls="DemoPattern", category="PTP_BUNDLE"
        )
        compile(source, "demo_pattern.py", "exec")
        for section in ("## What it does", "## Why is this bad?", "## Example", "## Fix safety", "## References"):
            assert section in source

    def test_changelog_line_lands_under_unreleased_added(self) -> None:
        """A new rule's CHANGELOG line names its slug and code first under Unreleased / Added (with or without one)."""
        from scripts import new_rule

        with_added = "# Changelog\n\n## [Unreleased]\n\n### Added\n- [cli] old\n\n## [0.1.0]\n"
        out = new_rule.add_changelog_line(with_added, "biopsy", "demo-pattern", "BIO999")
        assert out.startswith(
            "# Changelog\n\n## [Unreleased]\n\n### Added\n- [biopsy] Add `demo-pattern` (`BIO999`): TODO"
        )
        assert out.endswith("- [cli] old\n\n## [0.1.0]\n")
        without = new_rule.add_changelog_line("## [Unreleased]\n\n### Fixed\n- x\n", "mohs", "demo", "MOH999")
        assert "### Added\n- [mohs] Add `demo` (`MOH999`)" in without
        assert without.endswith("### Fixed\n- x\n")
