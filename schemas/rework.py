"""`denial.rework.v1`: one denied claim line that needs a person or a resubmission."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import Field

from schemas.claim import OutputModel, QualifiedOutputModel
from schemas.types import CodeQualifier, Modifier, Money, ProcedureCode, QualifiedCode


class ReworkAction(StrEnum):
    RESUBMIT_WITH_MODIFIER = "resubmit_with_modifier"
    CORRECT_AND_RESUBMIT = "correct_and_resubmit"
    APPEAL = "appeal"
    WRITE_OFF = "write_off"
    REVIEW = "review"


class CorrectedClaimLine(OutputModel):
    """The line as it should be resubmitted."""

    line_id: str | None
    code: ProcedureCode
    modifiers: list[Modifier] = []
    units: int


class DenialRework(QualifiedOutputModel):
    """Envelope of `denials.rework.v1`."""

    schema_: Literal["denial.rework.v1"] = Field(alias="schema", default="denial.rework.v1")
    rework_id: str
    source_event_id: str = ""
    claim_id: str
    line_id: str | None
    code_qualifier: CodeQualifier = "HC"
    code: QualifiedCode
    modifiers: list[Modifier] = []
    service_date: date | None
    group_code: str
    reason: str
    reason_text: str = ""
    remarks: list[str] = []
    denied_amount: Money
    cause: str
    action: ReworkAction
    modifier: Modifier | None = None
    rationale: str
    priority: Money = Field(description="dollars at stake x likelihood of recovery; higher first")
    deadline: date | None
    corrected_line: CorrectedClaimLine | None = None
    corrected_claim: dict[str, object] | None = Field(
        default=None, description="for resubmission: frequency code 7 with the original payer claim number"
    )
    status: Literal["open", "closed"] = "open"
    ruleset_version: str = ""
    # Additive, optional (contract: fields may be added).
    level: Literal["line", "claim"] = Field(
        default="line",
        description="claim: a claim-level (CLP/CAS 2100) denial; line_id is null and code/service_date are the "
        "claim's first line (the placeholder code CLAIM when neither claim nor remittance has a line)",
    )
    payer_claim_id: str | None = Field(default=None, description="CLP07, the payer's claim control number")
    matched_by: str | None = Field(
        default=None,
        description="how the remittance line was tied to the claim line: line_id (REF*6R), position, exact, "
        "ignoring_modifiers, split, remit_only (claim not on file) or unmatched",
    )
    attachments: str | None = Field(default=None, description="for an appeal: the documentation to attach")
    data_versions: dict[str, str] = Field(
        default={}, description="reference-table editions the analysis used (ptp, mue, addon, carc, rarc, ...)"
    )
    revision: int = Field(
        default=1,
        ge=1,
        description="1 for the first item of a rework_id; the next number each time its decision (status, action, "
        "modifier, corrected line) changes, e.g. when the claim of a remittance worked without it arrives. "
        "Consumers dedupe on (rework_id, revision): a redelivery repeats a revision, an update has a new one",
    )
    previous_action: ReworkAction | None = Field(
        default=None, description="the action of the revision this item supersedes; null on revision 1"
    )
