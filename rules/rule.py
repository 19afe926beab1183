"""The Rule base class: one class in one module, reading the claim's facts and yielding findings."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import ClassVar

from rules.facts.context import ClaimContext
from rules.model import Category, Finding, Fix, RuleStatus, Severity, Stable
from rules.scope import ClaimShape, EditIndex


class Rule:
    """A rule is one class in one module, registered with `@register(...)`.

    Subclasses set `triggers` (codes that make the rule relevant; empty = every claim) and implement
    `check(ctx)`; a rule that runs on most claims but finds something on few may add a `may_find` gate.
    The class docstring is the rule's documentation, with the sections What it does, Why is this bad?,
    Example, Fix safety and References.
    """

    code: ClassVar[str] = ""
    slug: ClassVar[str] = ""
    name: ClassVar[str] = ""
    category: ClassVar[Category]
    severity: ClassVar[Severity] = Severity.ERROR
    status: ClassVar[RuleStatus] = Stable("0.1.0")
    reference: ClassVar[str] = ""
    triggers: ClassVar[frozenset[str]] = frozenset()

    def check(self, ctx: ClaimContext) -> Iterable[Finding]:
        raise NotImplementedError

    def may_find(self, shape: ClaimShape, index: EditIndex) -> bool:
        """False only when `check` cannot yield a finding on any claim of this shape: the engine then skips
        the rule (performance only; see rules/scope.py). The default, True, always runs it."""
        return True

    def finding(
        self,
        line_ids: Iterable[str],
        message: str,
        *,
        fix: Fix | None = None,
        revenue_impact: Decimal | None = None,
        severity: Severity | None = None,
        category: Category | None = None,
        reference: str | None = None,
    ) -> Finding:
        """Build a finding stamped with this rule's code, category, severity and reference."""
        return Finding(
            rule=self.code,
            category=category or self.category,
            severity=severity or self.severity,
            line_ids=tuple(line_ids),
            message=message,
            reference=reference or self.reference,
            fix=fix,
            revenue_impact=revenue_impact,
        )
