"""Scaffold a new rule: one module in its family package, one fixture file and its CHANGELOG line.

Run: .venv/bin/python scripts/new_rule.py CODE SLUG FAMILY CATEGORY
e.g. .venv/bin/python scripts/new_rule.py BIO005 biopsy-without-pathology-diagnosis biopsy diagnosis_mismatch
The rule lands as Preview (counts, never flags a claim) until promoted to Stable. A rule reads the claim's
facts (rules/facts/: ClaimContext and the per-line and per-date analyses) and never imports another family
(import-linter fails `make lint` if it does); an analysis two families need is a new fact.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rules.model import Category  # noqa: E402 - after the path set-up above
from rules.registry import RULE_PACKAGES, RULE_PREFIXES, RULE_REDIRECTS, discover  # noqa: E402

MODULE = '''"""{code}: {slug}."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.fixes import remove_line
from rules.model import Applicability, Category, Finding, Preview, Severity
from rules.rule import Rule
from rules.registry import register


@register(code="{code}", slug="{slug}", status=Preview("{version}"))
class {cls}(Rule):
    """TODO one line: the pattern this rule denies.

    ## What it does
    TODO

    ## Why is this bad?
    TODO: the payer/CMS reason.

    ## Example
    TODO: offending line(s) -> corrected line(s).

    ## Fix safety
    TODO: when the fix is `safe` (mechanical or documented) and when it `needs_documentation`.

    ## References
    TODO: CPT instruction, NCCI Policy Manual chapter, CMS manual section.
    """

    name = "TODO"
    category = Category.{category}
    severity = Severity.ERROR
    reference = "TODO"
    triggers = frozenset({{"TODO"}})  # the codes that make this rule relevant

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        # Read facts (ctx.by_date, ctx.doc(line), rules.facts.*); build fixes with rules.fixes' constructors.
        for line in ctx.lines:
            if line.code in self.triggers and False:  # TODO the pattern
                yield self.finding([line.line_id], "TODO", fix=remove_line(line.line_id, "TODO", Applicability.SAFE))
'''

FIXTURE = """rule: {code}
cases:
  - name: TODO the pattern is billed
    claim:
      lines:
        - {{code: "TODO"}}
    expect: [{code}]
  - name: TODO coded right
    claim:
      lines:
        - {{code: "TODO"}}
    expect: []
"""


def add_changelog_line(text: str, family: str, slug: str, code: str) -> str:
    """The CHANGELOG with `- [family] Add `slug` (`CODE`): TODO.` first under Unreleased / Added."""
    line = f"- [{family}] Add `{slug}` (`{code}`): TODO one line on what it flags.\n"
    head, found, rest = text.partition("## [Unreleased]\n")
    if not found:
        raise SystemExit("CHANGELOG.md has no '## [Unreleased]' section")
    if rest.lstrip("\n").startswith("### Added\n"):
        body = rest.lstrip("\n").removeprefix("### Added\n")
        return f"{head}{found}\n### Added\n{line}{body}"
    return f"{head}{found}\n### Added\n{line}{rest if rest.startswith(chr(10)) else chr(10) + rest}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("code", help="3 capitals + 3 digits, never reused")
    parser.add_argument("slug", help="kebab-case, names the pattern denied")
    parser.add_argument("family", help="package under rules/, e.g. biopsy")
    parser.add_argument("category", choices=[c.value for c in Category])
    parser.add_argument("--version", default="0.2.0", help="version the rule lands in (Preview)")
    args = parser.parse_args()
    if not re.fullmatch(r"[A-Z]{3}[0-9]{3}", args.code):
        parser.error("code must be 3 capitals and 3 digits, e.g. BIO005")
    if args.code in discover() or args.code in RULE_REDIRECTS:
        parser.error(f"{args.code} is taken or retired; codes are never reused")
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", args.slug):
        parser.error("slug must be kebab-case")
    if f"rules.{args.family}" not in RULE_PACKAGES:
        parser.error(f"unknown family {args.family}; one of {', '.join(p.split('.')[1] for p in RULE_PACKAGES)}")
    prefixes = RULE_PREFIXES[f"rules.{args.family}"]
    if args.code[:3] not in prefixes:
        parser.error(f"a {args.family} rule's code starts with {' or '.join(prefixes)}")
    module = ROOT / "rules" / args.family / f"{args.slug.replace('-', '_')}.py"
    fixture = ROOT / "tests" / "rules" / "fixtures" / f"{args.code}.yaml"
    for path in (module, fixture):
        if path.exists():
            parser.error(f"{path} exists")
    cls = "".join(part.capitalize() for part in args.slug.split("-"))
    module.write_text(
        MODULE.format(
            code=args.code, slug=args.slug, version=args.version, cls=cls, category=Category(args.category).name
        )
    )
    fixture.write_text(FIXTURE.format(code=args.code))
    changelog = ROOT / "CHANGELOG.md"
    changelog.write_text(add_changelog_line(changelog.read_text(), args.family, args.slug, args.code))
    print(f"wrote {module.relative_to(ROOT)}, {fixture.relative_to(ROOT)} and a CHANGELOG line; fill the TODOs,")
    print("then `make docs` and `make test`.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
