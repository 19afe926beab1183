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


class Prediction(OutputModel):
    """Did the scrubber's verdict on this line predict the payer's denial? (rules/outcomes/judge.py)"""

    outcome: Literal["predicted", "missed"] = Field(
        description="predicted: a rule whose finding category explains the CARC flagged the line; missed: none did"
    )
    rules: list[str] = Field(default=[], description="predicted: the rule codes whose category explains the CARC")
    carc_group: str = Field(description="the CARC's denial group (bundling, units, modifier, ...; other)")
    other_rules: list[str] = Field(default=[], description="missed: rules that flagged the line for another problem")
    sent: str = Field(
        description="how the adjudicated claim version's line relates to the version before it: first, as_billed, "
        "corrected (the scrubber's corrected line), changed or new"
    )


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
    stage: Literal["open", "resubmitted", "paid", "denied_again", "expired"] = Field(
        default="open",
        description="where the item is in its life: open; resubmitted (a frequency-7 claim for it was seen); paid "
        "(a later remittance paid the line, closed); denied_again (escalated: action appeal, or write_off and "
        "closed); expired (its deadline passed, closed). Each change is a new revision on the same rework_id",
    )
    stage_note: str | None = Field(default=None, description="what moved the item to its stage, in words")
    recovered_amount: Money | None = Field(
        default=None, description="paid: the dollars the paying remittance paid on the line (recovered)"
    )
    follows_rework_id: str | None = Field(
        default=None,
        description="the earlier item (resubmitted, then denied again under a new payer claim number) this one "
        "continues; such an item is not a newly opened denial",
    )
    prediction: Prediction | None = Field(
        default=None, description="the scrubber's verdict on the denied line against the payer's answer, when judged"
    )
