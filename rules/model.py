"""The vocabulary of the engine: findings, fixes, severities, rule status and the Rule base class."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar, Literal

if TYPE_CHECKING:
    from rules.facts.context import ClaimContext
    from rules.scope import ClaimShape, EditIndex


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Category(StrEnum):
    """Finding categories, exactly the contract's vocabulary."""

    ADDON_WITHOUT_PRIMARY = "addon_without_primary"
    CODE_FAMILY = "code_family"
    PTP_BUNDLE = "ptp_bundle"
    MUE_EXCEEDED = "mue_exceeded"
    MODIFIER_MISSING = "modifier_missing"
    MODIFIER_INVALID = "modifier_invalid"
    CODE_SELECTION = "code_selection"
    DIAGNOSIS_MISMATCH = "diagnosis_mismatch"
    DOCUMENTATION_GAP = "documentation_gap"
    REVENUE_OPPORTUNITY = "revenue_opportunity"
    DUPLICATE_LINE = "duplicate_line"


class FixAction(StrEnum):
    ADD_MODIFIER = "add_modifier"
    REMOVE_MODIFIER = "remove_modifier"
    REPLACE_CODE = "replace_code"
    SET_UNITS = "set_units"
    REMOVE_LINE = "remove_line"
    ADD_LINE = "add_line"
    MERGE_LINES = "merge_lines"


class Applicability(StrEnum):
    """Whether a fix is applied to `corrected_lines` (only `safe` is)."""

    SAFE = "safe"  # mechanical, or the claim's own documentation supports it
    NEEDS_DOCUMENTATION = "needs_documentation"  # only if the chart supports it: reported, not applied
    DISPLAY_ONLY = "display_only"  # advice; never applied


@dataclass(frozen=True, slots=True)
class Fix:
    """A proposed change to the claim: data, never an action the engine performs on the input."""

    action: FixAction
    applicability: Applicability
    line_ids: tuple[str, ...]
    title: str
    modifier: str | None = None
    code: str | None = None
    units: int | None = None
    modifiers: tuple[str, ...] = ()  # for add_line: the new line's modifiers


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found on a claim, with what, why and how to fix it."""

    rule: str
    category: Category
    severity: Severity
    line_ids: tuple[str, ...]
    message: str
    reference: str
    fix: Fix | None = None
    revenue_impact: Decimal | None = None


@dataclass(frozen=True, slots=True)
class RuleStatus:
    """Lifecycle (style.md #13): preview rules count but never flag a claim."""

    kind: Literal["preview", "stable", "deprecated", "removed"]
    since: str


def Preview(since: str) -> RuleStatus:
    return RuleStatus("preview", since)


def Stable(since: str) -> RuleStatus:
    return RuleStatus("stable", since)


def Deprecated(since: str) -> RuleStatus:
    return RuleStatus("deprecated", since)


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
