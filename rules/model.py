"""The vocabulary of the engine: findings, fixes, severities and rule status (the Rule base class: rules/rule.py)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    pass


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
    """Lifecycle: preview rules count but never flag a claim."""

    kind: Literal["preview", "stable", "deprecated", "removed"]
    since: str


def Preview(since: str) -> RuleStatus:
    return RuleStatus("preview", since)


def Stable(since: str) -> RuleStatus:
    return RuleStatus("stable", since)


def Deprecated(since: str) -> RuleStatus:
    return RuleStatus("deprecated", since)
