"""`claim.validated.v1`: the scrub verdict for one claim."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from schemas.claim import OutputModel, QualifiedOutputModel
from schemas.types import CodeQualifier, Modifier, Money, ProcedureCode, QualifiedCode


class ClaimStatus(StrEnum):
    CLEAN = "clean"
    FLAGGED = "flagged"
    REJECTED = "rejected"


Category = Literal[
    "addon_without_primary",
    "code_family",
    "ptp_bundle",
    "mue_exceeded",
    "modifier_missing",
    "modifier_invalid",
    "code_selection",
    "diagnosis_mismatch",
    "documentation_gap",
    "revenue_opportunity",
    "duplicate_line",
]
FixActionName = Literal[
    "add_modifier",
    "remove_modifier",
    "replace_code",
    "set_units",
    "remove_line",
    "add_line",
    "merge_lines",
]
ApplicabilityName = Literal["safe", "needs_documentation", "display_only"]


class FixOut(OutputModel):
    """A structured fix: the action, its applicability, and the fields the action needs."""

    action: FixActionName
    applicability: ApplicabilityName
    line_ids: list[str] = []
    modifier: Modifier | None = None
    code: ProcedureCode | None = None
    units: int | None = None
    title: str = ""
    # Added fields (the contract is extended only by adding): an add_line fix's new-line modifiers, and the
    # modifiers an add_modifier fix takes off the line (59 and X{EPSU} replace one another, never both).
    modifiers: list[Modifier] = []
    replaces: list[Modifier] = []


class FindingOut(OutputModel):
    rule: str
    category: Category
    severity: Literal["error", "warning", "info"]
    line_ids: list[str]
    message: str
    fix: FixOut | None = None
    revenue_impact: Money | None = None
    reference: str


class CorrectedLine(QualifiedOutputModel):
    """A corrected line; a line whose code is not CPT/HCPCS (`code_qualifier` other than HC) is carried unchanged."""

    line_ids: list[str]
    code_qualifier: CodeQualifier = "HC"
    code: QualifiedCode
    modifiers: list[Modifier] = []
    units: int


class ClaimValidated(OutputModel):
    """Envelope of `claims.validated.v1`."""

    schema_: Literal["claim.validated.v1"] = Field(alias="schema", default="claim.validated.v1")
    event_id: str
    source_event_id: str
    claim_id: str
    status: ClaimStatus
    reason: str | None = Field(default=None, description="why the claim was rejected, when it was")
    findings: list[FindingOut] = []
    corrected_lines: list[CorrectedLine] = []
    revenue_impact: Money | None = Field(default=None, description="sum of the findings' revenue impact")
    ruleset_version: str
    data_versions: dict[str, str] = {}
