"""Meta-tests of the rule registry (style.md #16): codes, docs and fixtures stay complete."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from rules.facts.ownership import PRECEDENCE
from rules.model import Category
from rules.registry import RULE_PACKAGES, RULE_PREFIXES, RULE_REDIRECTS, discover

ROOT = Path(__file__).parent.parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
# Reference notes the project was built from that are not shipped with it: rule docs cite the authority itself.
UNSHIPPED = re.compile(r"coding-rules\.md|style\.md|contract\.md|research-notes")
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

    def test_code_prefix_matches_the_family_folder(self) -> None:
        """A rule's code starts with a prefix of the family package its module lives in (BIO in rules/biopsy/)."""
        assert set(RULE_PREFIXES) == set(RULE_PACKAGES)
        for code, cls in discover().items():
            package = cls.__module__.rsplit(".", 1)[0]
            assert package in RULE_PREFIXES, f"{code} lives in {package}, which is no rule family"
            assert code[:3] in RULE_PREFIXES[package], f"{code} is in {package}: prefixes {RULE_PREFIXES[package]}"

    def test_precedence_names_registered_rules_and_each_deferring_rule_says_so(self) -> None:
        """Every (owner, deferring rule) pair of the precedence table names two rules, and the deferring rule's
        documentation names its owner (so the reader of BND001's docs sees REP003 take the summed repairs)."""
        registry = discover()
        for (owner, deferring), why in PRECEDENCE.items():
            assert owner in registry, owner
            assert deferring in registry, deferring
            assert why
            doc = registry[deferring].__doc__ or ""
            assert owner in doc or f"{owner[:3]}001-{owner[:3]}00" in doc, f"{deferring} does not mention {owner}"

    def test_changelog_names_existing_slugs(self) -> None:
        """Every `slug` (`CODE`) pair in the CHANGELOG is a registered rule's slug and code."""
        slugs = {cls.slug: code for code, cls in discover().items()}
        named = re.findall(
            r"`([a-z0-9]+(?:-[a-z0-9]+)+)` \(`([A-Z]{3}[0-9]{3})`\)", (ROOT / "CHANGELOG.md").read_text()
        )
        assert named, "the CHANGELOG names no rule by slug"
        for slug, code in named:
            assert slugs.get(slug) == code, (
                f"CHANGELOG names `{slug}` (`{code}`): registered {code} is {slugs.get(slug)}"
            )

    def test_rule_docs_cite_the_authority_not_unshipped_notes(self) -> None:
        """Docstrings and generated rule docs cite CPT, NCCI, CMS or AAD, never notes outside the repository."""
        for code, cls in discover().items():
            assert not UNSHIPPED.search(cls.__doc__ or ""), code
            assert not UNSHIPPED.search(cls.reference), code
        for path in [*(ROOT / "rules").rglob("*.py"), ROOT / "docs" / "rules.md"]:
            text = "\n".join(
                line
                for line in path.read_text().splitlines()
                if "reference = " not in line and "| Reference |" not in line
            )
            assert not UNSHIPPED.search(text), path

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
