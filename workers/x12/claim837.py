"""837P (005010X222A1) transaction -> `claim.submitted.v1` events, one per CLM loop.

`loops837` sorts segments into claims, lines and parties; this module maps and validates them.
Diagnoses: ABK/ABF (ICD-10-CM) with the dot restored (L309 -> L30.9); BK/BF (ICD-9) cannot be
carried, so such a claim is reported. The member id is the subscriber's NM1*IL id (5010 has no
separate dependent id); birth date and sex come from the patient's own DMG. SBR09 gives the payer
kind (MB/MA medicare, MC medicaid, anything else commercial).

A claim is emitted only when every segment mapped and the pydantic model validated; otherwise each
problem becomes an issue naming the claim, and the rest of the file carries on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from schemas import ClaimSubmitted
from workers.x12.envelope import Transaction
from workers.x12.exceptions import SegmentError
from workers.x12.loops837 import ClaimUnit, Hierarchy, Line, claim_units
from workers.x12.tokenizer import Segment
from workers.x12.values import (
    count,
    event_id,
    is_ascii_digits,
    money,
    occurred_at,
    period_start,
    service_code,
    validation_problems,
)

_PAYER_KIND = {"MB": "medicare", "MA": "medicare", "MC": "medicaid"}  # SBR09; anything else is commercial
_ICD10 = ("ABK", "ABF")
_ICD9 = ("BK", "BF")
_LOOKS_ICD10 = re.compile(r"[A-DF-UW-Z][0-9][0-9A-Z][0-9A-Z]{0,4}")  # V and E codes exist in both revisions


@dataclass
class ClaimDraft:
    """The claim as mapped, before validation; `problems` empty means it may be validated."""

    claim_id: str
    clm: Segment
    data: dict[str, Any]
    problems: list[SegmentError]
    locations: dict[tuple[str | int, ...], Segment]


def draft_claim(unit: ClaimUnit) -> ClaimDraft:
    """Map one claim loop; collect every problem rather than stopping at the first."""
    clm, ctx = unit.clm, unit.context
    problems = list(unit.problems)
    locations: dict[tuple[str | int, ...], Segment] = {("claim",): clm}
    if not unit.closed:  # whatever else is wrong follows from the cut; say only that
        message = "the file ends inside this claim (no SE trailer), so segments may be missing"
        return ClaimDraft(clm.get(1), clm, {}, [_at(clm, message)], locations)
    diagnoses = _diagnoses(unit.hi, problems, locations)
    lines, f8 = unit.lines, unit.f8
    line_data = []
    for index, line in enumerate(lines):
        try:
            line_data.append(_map_line(line, len(diagnoses)))
            locations[("claim", "lines", index)] = line.sv1 or line.lx
        except SegmentError as error:
            problems.append(error)
    if not lines:
        problems.append(_at(clm, "the claim has no service lines (LX/SV1); a claim needs 1 to 50"))
    elif len(line_data) == len(lines):
        _check_total(clm, line_data, problems)

    clm05 = clm.composite(5)
    data: dict[str, Any] = {
        "claim_id": clm.get(1),
        "frequency_code": clm05[2] if len(clm05) > 2 else "",
        "payer_claim_id": (f8.get(2) or None) if f8 is not None else None,
        "payer": _payer(clm, ctx, problems, locations),
        "provider": _provider(clm, ctx, unit.rendering, problems, locations),
        "patient": _patient(clm, ctx, problems, locations),
        "place_of_service": clm05[0] if clm05 else "",
        "diagnoses": diagnoses,
        "lines": line_data,
    }
    if f8 is not None:
        locations[("claim", "payer_claim_id")] = f8
    return ClaimDraft(clm.get(1), clm, data, problems, locations)


def _at(seg: Segment, message: str) -> SegmentError:
    return SegmentError(seg.number, seg.id, message)


def _diagnoses(
    hi_segments: list[Segment], problems: list[SegmentError], locations: dict[tuple[str | int, ...], Segment]
) -> list[str]:
    """ICD-10 codes in pointer order, with the dot restored (L309 -> L30.9); ICD-9 is reported."""
    codes: list[str] = []
    icd9: list[tuple[Segment, str, str]] = []
    for hi in hi_segments:
        first = hi.composite(1)
        if not first or first[0] not in _ICD10 + _ICD9:
            continue  # HI for condition codes or anesthesia procedures: no diagnoses
        locations[("claim", "diagnoses")] = hi
        for index in range(1, len(hi.elements)):
            parts = hi.composite(index)
            if not parts or not parts[0]:
                continue
            qualifier, code = parts[0], (parts[1] if len(parts) > 1 else "")
            if not code or qualifier not in _ICD10 + _ICD9:
                problems.append(_at(hi, f"HI{index:02d} {hi.get(index)!r} is not an ABK/ABF (ICD-10) diagnosis"))
            elif qualifier in _ICD9:
                icd9.append((hi, code, qualifier))
            dotted = qualifier in _ICD10 and len(code) > 3 and "." not in code
            codes.append(f"{code[:3]}.{code[3:]}" if dotted else code)
    if icd9:
        hi, code, qualifier = icd9[0]
        more = ", ".join(f"{c} ({q})" for _, c, q in icd9[1:])
        message = f"ICD-9 diagnosis code {code} (HI qualifier {qualifier}) — the contract requires ICD-10-CM"
        if more:
            message += f"; also ICD-9: {more}"
        if _LOOKS_ICD10.fullmatch(code):
            message += f" ({code} looks like an ICD-10-CM code sent under the ICD-9 qualifier: use ABK/ABF)"
        problems.append(_at(hi, message))
    return codes


def _map_line(line: Line, diagnosis_count: int) -> dict[str, Any]:
    lx, sv1 = line.lx, line.sv1
    if sv1 is None:
        raise _at(lx, f"service line LX*{lx.get(1)} has no SV1")
    qualifier, code, modifiers = service_code(sv1, sv1.composite(1), "SV101")
    units = count(sv1, 4, "service units")
    if units < 1:
        raise _at(sv1, f"SV104 service units {sv1.get(4)!r} must be at least 1")
    pointers = []
    for raw in sv1.composite(7):
        if not is_ascii_digits(raw) or not 1 <= int(raw) <= 12:
            raise _at(sv1, f"SV107 diagnosis pointer {raw!r} is not a number from 1 to 12")
        if int(raw) > diagnosis_count:
            raise _at(sv1, f"SV107 points at diagnosis {raw} but the claim's HI lists {diagnosis_count}")
        pointers.append(int(raw))
    if not pointers:
        raise _at(sv1, f"SV107 has no diagnosis pointer for {code}")
    if line.dtp is None:
        raise _at(sv1, f"service line LX*{lx.get(1)} ({code}) has no DTP*472 service date")
    line_id = line.ref.get(2) if line.ref is not None and line.ref.get(2) else lx.get(1)
    return {
        "line_id": line_id,
        "service_date": period_start(line.dtp, 2, "DTP*472 service date"),
        "code_qualifier": qualifier,
        "code": code,
        "modifiers": modifiers,
        "units": units,
        "charge": money(sv1, 2, "line charge"),
        "dx_pointers": pointers,
    }


def _check_total(clm: Segment, lines: list[dict[str, Any]], problems: list[SegmentError]) -> None:
    try:
        total = money(clm, 2, "total claim charge")
    except SegmentError as error:
        problems.append(error)
        return
    lines_total = sum((line["charge"] for line in lines), Decimal("0.00"))
    if total != lines_total:
        problems.append(
            _at(clm, f"CLM02 total charge {total} is not the sum of the {len(lines)} line charges "
                f"({lines_total}): a service line may be missing")
        )  # fmt: skip


def _payer(clm: Segment, ctx: Hierarchy, problems: list[SegmentError], locations: dict[Any, Segment]) -> dict[str, Any]:
    payer_id = ctx.payer.get(9) if ctx.payer is not None else ""
    if not payer_id:
        problems.append(_at(ctx.payer or clm, "no payer id: the subscriber loop has no NM1*PR with NM109"))
    filing = ctx.subscriber.get(9) if ctx.subscriber is not None else ""
    locations[("claim", "payer")] = ctx.payer or clm
    return {"payer_id": payer_id, "kind": _PAYER_KIND.get(filing, "commercial")}


def _provider(
    clm: Segment, ctx: Hierarchy, rendering: Segment | None, problems: list[SegmentError], locations: dict[Any, Segment]
) -> dict[str, Any]:
    billing = ctx.billing
    if billing is None or billing.get(8) != "XX" or not billing.get(9):
        where = billing or clm
        problems.append(_at(where, "no billing provider NPI: 2010AA NM1*85 must carry NM108 XX and the NPI"))
    locations[("claim", "provider", "billing_npi")] = billing or clm
    if rendering is not None:
        locations[("claim", "provider", "rendering_npi")] = rendering
    return {
        "billing_npi": billing.get(9) if billing is not None else "",
        "rendering_npi": rendering.get(9) if rendering is not None and rendering.get(8) == "XX" else None,
    }


def _patient(
    clm: Segment, ctx: Hierarchy, problems: list[SegmentError], locations: dict[Any, Segment]
) -> dict[str, Any]:
    member_id = ctx.insured.get(9) if ctx.insured is not None else ""
    if not member_id:
        problems.append(_at(ctx.insured or clm, "no member id: the subscriber loop has no NM1*IL with NM109"))
    locations[("claim", "patient", "member_id")] = ctx.insured or clm
    dmg = ctx.patient_dmg if ctx.has_patient_level else ctx.insured_dmg
    birth_date = None
    if dmg is not None:
        locations[("claim", "patient")] = dmg
        try:
            birth_date = period_start(dmg, 1, "DMG02 birth date") if dmg.get(2) else None
        except SegmentError as error:
            problems.append(error)
    return {"member_id": member_id, "birth_date": birth_date, "sex": (dmg.get(3) if dmg is not None else "") or "U"}


def convert_837(tx: Transaction) -> tuple[list[ClaimSubmitted], list[SegmentError]]:
    """Every claim that maps and validates, and one problem per reason a claim was not emitted."""
    events: list[ClaimSubmitted] = []
    issues: list[SegmentError] = []
    units = claim_units(tx)
    if not units:
        issues.append(_at(tx.st, f"837 transaction {tx.control_number} holds no CLM claim"))
        return events, issues
    stamp = occurred_at(tx)
    for ordinal, unit in enumerate(units, start=1):
        draft = draft_claim(unit)
        prefix = f"claim {draft.claim_id} not converted: "
        problems = draft.problems
        if not problems:
            envelope = {"event_id": event_id("837", tx, draft.claim_id, ordinal), "occurred_at": stamp}
            try:
                events.append(ClaimSubmitted.model_validate({**envelope, "claim": draft.data}))
                continue
            except ValidationError as error:
                problems = validation_problems(error, draft.locations, draft.clm, draft.claim_id)
        issues.extend(
            SegmentError(p.segment_number, p.segment_id, prefix + p.message, draft.claim_id) for p in problems
        )
    return events, issues
