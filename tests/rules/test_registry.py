"""Meta-tests of the rule registry (style.md #16): codes, docs and fixtures stay complete."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from rules.model import Category
from rules.registry import RULE_REDIRECTS, discover

FIXTURES = Path(__file__).parent / "fixtures"
SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Fix safety", "## References")


class TestRegistry:
    def test_codes_are_well_formed_and_unique(self) -> None:
        """Every code is three capitals and three digits, and no retired code is reused."""
        registry = discover()
        assert registry, "no rules registered"
        for code, cls in registry.items():
            assert re.fullmatch(r"[A-Z]{3}[0-9]{3}", code), code
            assert code not in RULE_REDIRECTS
            assert cls.code == code

    def test_slugs_are_kebab_case_and_unique(self) -> None:
        """Slugs name the pattern, kebab-case, without disallow/invalid/banned prefixes (style.md #6)."""
        slugs = [cls.slug for cls in discover().values()]
        assert len(slugs) == len(set(slugs))
        for slug in slugs:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug
            assert not slug.startswith(("disallow-", "invalid-", "banned-")), slug

    def test_every_rule_documents_every_section(self) -> None:
        """The docstring is the documentation: all five sections and a reference are present."""
        for code, cls in discover().items():
            doc = cls.__doc__ or ""
            missing = [s for s in SECTIONS if s not in doc]
            assert not missing, f"{code} lacks {missing}"
            assert cls.reference, f"{code} has no reference"
            assert isinstance(cls.category, Category)

    def test_every_rule_has_positive_and_negative_fixtures(self) -> None:
        """Each rule has a fixture file with a case where it fires and one where it must not."""
        registry = discover()
        for code in registry:
            path = FIXTURES / f"{code}.yaml"
            assert path.exists(), f"{code} has no fixture file {path.name}"
            cases = yaml.safe_load(path.read_text())["cases"]
            assert any(code in c["expect"] for c in cases), f"{code}: no positive case"
            assert any(code not in c["expect"] for c in cases), f"{code}: no negative case"

    def test_no_fixture_names_an_unknown_rule(self) -> None:
        """Fixture files belong to registered rules."""
        registry = discover()
        for path in FIXTURES.glob("*.yaml"):
            document = yaml.safe_load(path.read_text())
            assert document["rule"] == path.stem
            assert path.stem in registry, f"fixture for unknown rule {path.stem}"
