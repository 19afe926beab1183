"""`claim.submitted.v1`: one 837P claim (CLM loop) with optional chart documentation per line."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.types import (
    QUALIFIED_CODE_SCHEMA,
    CodeQualifier,
    Icd10Code,
    Modifier,
    NonNegativeMoney,
    Npi,
    QualifiedCode,
)

BodyRegion = Literal[
    "scalp",
    "face",
    "forehead",
    "cheek",
    "chin",
    "mouth",
    "ear",
    "eyelid",
    "nose",
    "lip",
    "mucous_membrane",
    "neck",
    "axilla",
    "trunk",
    "arm",
    "leg",
    "hand",
    "foot",
    "genitalia",
]
Technique = Literal[
    "tangential",
    "punch",
    "incisional",
    "shave",
    "excision",
    "destruction",
    "mohs",
    "injection",
    "incision_drainage",
    "phototherapy",
]
LesionType = Literal["premalignant", "benign", "malignant", "uncertain"]
RepairKind = Literal["simple", "intermediate", "complex"]
TissueDepth = Literal["epidermis_dermis", "subcutaneous", "muscle_fascia", "bone"]
PhototherapyModality = Literal["uv_light", "tar_or_petrolatum_uvb", "puva", "excimer_laser"]


class WireModel(BaseModel):
    """Base for wire models: immutable, unknown input fields ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class OutputModel(WireModel):
    """Base for the events the worker writes: every field is always written, so its JSON Schema requires it."""

    model_config = ConfigDict(
        frozen=True, extra="ignore", populate_by_name=True, json_schema_serialization_defaults_required=True
    )


class QualifiedOutputModel(OutputModel):
    """An output with `code_qualifier` and `code`: its JSON Schema requires a CPT/HCPCS code on an HC line."""

    model_config = ConfigDict(
        frozen=True,
        extra="ignore",
        populate_by_name=True,
        json_schema_serialization_defaults_required=True,
        json_schema_extra=QUALIFIED_CODE_SCHEMA,
    )


class Documentation(WireModel):
    """What the chart says about one line; every field optional."""

    lesion_id: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    body_region: BodyRegion | None = None
    laterality: Literal["left", "right", "midline"] | None = None
    technique: Technique | None = None
    lesion_type: LesionType | None = None
    lesion_count: Annotated[int, Field(ge=1, strict=True)] | None = None
    lesion_diameter_cm: Annotated[float, Field(gt=0, le=100)] | None = None
    margin_cm: Annotated[float, Field(ge=0, le=20)] | None = None
    repair: RepairKind | None = None
    repair_length_cm: Annotated[float, Field(gt=0, le=500)] | None = None
    mohs_stage: Annotated[int, Field(ge=1, strict=True)] | None = None
    mohs_blocks: Annotated[int, Field(ge=1, strict=True)] | None = None
    separately_identifiable: bool | None = None
    decision_for_surgery: bool | None = None
    area_sq_cm: Annotated[float, Field(gt=0, le=50000)] | None = None
    tissue_depth: TissueDepth | None = None
    nail_count: Annotated[int, Field(ge=1, le=20, strict=True)] | None = None
    modality: PhototherapyModality | None = None
    time_minutes: Annotated[int, Field(ge=1, le=1440, strict=True)] | None = None


class ClaimLine(WireModel):
    """One SV1 service line; `code_qualifier` (added field, default HC) says what kind of code `code` is."""

    model_config = ConfigDict(frozen=True, extra="ignore", json_schema_extra=QUALIFIED_CODE_SCHEMA)

    line_id: Annotated[str, Field(min_length=1, max_length=50)]
    service_date: date
    code_qualifier: CodeQualifier = "HC"
    code: QualifiedCode
    modifiers: Annotated[list[Modifier], Field(max_length=4)] = []
    units: Annotated[int, Field(ge=1, le=9999, strict=True)]
    charge: NonNegativeMoney
    dx_pointers: Annotated[list[Annotated[int, Field(ge=1, le=12, strict=True)]], Field(min_length=1, max_length=4)]
    documentation: Documentation | None = None


class Payer(WireModel):
    payer_id: Annotated[str, Field(min_length=1, max_length=80)]
    kind: Literal["medicare", "medicaid", "commercial"]


class Provider(WireModel):
    billing_npi: Npi
    rendering_npi: Npi | None = None


class Patient(WireModel):
    member_id: Annotated[str, Field(min_length=1, max_length=80)]
    birth_date: date | None = None
    sex: Literal["F", "M", "U"] = "U"


class Claim(WireModel):
    """The CLM loop: identity, payer, diagnoses and 1..50 lines."""

    claim_id: Annotated[str, Field(min_length=1, max_length=38)]
    frequency_code: Literal["1", "7", "8"] = "1"
    payer_claim_id: str | None = Field(
        default=None, description="original payer claim number (REF*F8), for replacements and voids"
    )
    payer: Payer
    provider: Provider
    patient: Patient
    place_of_service: Annotated[str, Field(pattern=r"^[0-9]{2}$")] = "11"
    diagnoses: Annotated[list[Icd10Code], Field(max_length=12)] = []
    lines: Annotated[list[ClaimLine], Field(min_length=1, max_length=50)]

    @model_validator(mode="after")
    def _lines_are_consistent(self) -> Claim:
        count, lines = len(self.diagnoses), self.lines
        if len({line.line_id for line in lines}) == len(lines):
            for line in lines:
                if max(line.dx_pointers) > count:
                    break
            else:
                return self  # the usual case, checked in one pass; the loop below names the first offence
        seen: set[str] = set()
        for index, line in enumerate(self.lines):
            if line.line_id in seen:
                raise ValueError(f"lines[{index}].line_id {line.line_id!r} is not unique in the claim")
            seen.add(line.line_id)
            for pointer in line.dx_pointers:
                if pointer > len(self.diagnoses):
                    raise ValueError(
                        f"lines[{index}].dx_pointers: pointer {pointer} is outside the claim's "
                        f"{len(self.diagnoses)} diagnoses"
                    )
        return self


class ClaimSubmitted(WireModel):
    """Envelope of `claims.submitted.v1`."""

    schema_: Literal["claim.submitted.v1"] = Field(alias="schema", default="claim.submitted.v1")
    event_id: Annotated[str, Field(min_length=1, max_length=200)]
    occurred_at: datetime
    claim: Claim

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)
