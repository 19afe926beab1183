"""Scaffold a new rule: one module in its family package and one fixture file (style.md #17).

Run: .venv/bin/python scripts/new_rule.py CODE SLUG FAMILY CATEGORY
e.g. .venv/bin/python scripts/new_rule.py BIO005 biopsy-without-pathology-diagnosis biopsy diagnosis_mismatch
The rule lands as Preview (counts, never flags a claim) until promoted to Stable.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rules.model import Category  # noqa: E402 - after the path set-up above
from rules.registry import RULE_PACKAGES, RULE_REDIRECTS, discover  # noqa: E402

MODULE = '''"""{code}: {slug}."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.model import Category, Finding, Preview, Severity
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
        yield from ()
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
    print(f"wrote {module.relative_to(ROOT)} and {fixture.relative_to(ROOT)}; fill the TODOs, then `make test`,")
    print("add a CHANGELOG line and run `make docs`.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
