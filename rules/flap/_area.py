"""The check ATT001 and GRF001 share: a code by site group and area, with its add-on units."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from rules.facts.context import ClaimContext
from rules.facts.tissue_transfer import area_findings
from rules.model import Category, Finding, Severity
from rules.rule import Rule


class AreaCodeRule(Rule):
    """A family coded by site group and area in sq cm (rules/facts/tissue_transfer.py decides)."""

    family: ClassVar[str]
    scheme: ClassVar[str]
    what: ClassVar[str]  # "adjacent tissue transfer", for messages
    category = Category.CODE_SELECTION
    severity = Severity.ERROR

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for found in area_findings(ctx, self.family, self.scheme, self.what):
            yield self.finding(
                list(found.line_ids),
                found.message,
                fix=found.fix,
                revenue_impact=found.impact,
                severity=Severity.WARNING if found.impact is not None and found.impact > 0 else None,
            )
