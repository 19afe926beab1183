"""`remit.received.v1`: one 835 claim payment (CLP loop) with its service lines."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from schemas.claim import WireModel
from schemas.types import QUALIFIED_CODE_SCHEMA, CodeQualifier, Modifier, Money, ProcedureCode, QualifiedCode

GroupCode = Literal["CO", "PR", "OA", "PI", "CR"]  # CR: 4010-era corrections/reversals, still seen


class Adjustment(WireModel):
    """One CAS reason/amount/quantity triplet with its group code."""

    group: GroupCode
    reason: Annotated[str, Field(pattern=r"^[A-Z0-9]{1,5}$")]
    amount: Money
    quantity: Annotated[float, Field(allow_inf_nan=False)] | None = None


class RemitLine(WireModel):
    """One SVC service payment line; `code_qualifier` (added field, default HC) says what kind of code `code` is."""

    model_config = ConfigDict(frozen=True, extra="ignore", json_schema_extra=QUALIFIED_CODE_SCHEMA)

    line_id: str | None = None
    code_qualifier: CodeQualifier = "HC"
    code: QualifiedCode
    modifiers: Annotated[list[Modifier], Field(max_length=4)] = []
    units: Annotated[int, Field(ge=0, le=9999)] = 1
    service_date: date | None = None
    charge: Money
    paid: Money
    adjustments: list[Adjustment] = []
    remarks: list[Annotated[str, Field(pattern=r"^[A-Z0-9]{1,6}$")]] = []
    submitted_code: ProcedureCode | None = Field(
        default=None, description="SVC06: the code as submitted, when the payer adjudicated another one"
    )
    # Added field (contract: extend only by adding), written only when set.
    quantity: Annotated[str, Field(pattern=r"^-?[0-9]{1,9}(\.[0-9]{1,6})?$")] | None = Field(
        default=None,
        exclude_if=lambda quantity: quantity is None,
        description="SVC05 as sent when it is not a whole number, on a line whose code_qualifier is not HC (1.9 "
        "hours, 2.5 ML of a drug); `units` is then that quantity rounded half up",
    )


class Remit(WireModel):
    """The CLP loop."""

    claim_id: Annotated[str, Field(min_length=1, max_length=38)]
    payer_claim_id: str | None = None
    payer_id: str | None = Field(default=None, description="payer identification (N1*PR), when known")
    remit_date: date | None = Field(default=None, description="production date of the 835 (BPR16/DTM*405)")
    status_code: Annotated[str, Field(pattern=r"^[0-9]{1,2}$")]
    charge: Money
    paid: Money
    patient_responsibility: Money | None = None
    adjustments: list[Adjustment] = []
    lines: list[RemitLine] = []


class RemitReceived(WireModel):
    """Envelope of `remits.received.v1`."""

    schema_: Literal["remit.received.v1"] = Field(alias="schema", default="remit.received.v1")
    event_id: Annotated[str, Field(min_length=1, max_length=200)]
    occurred_at: datetime
    remit: Remit

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)
