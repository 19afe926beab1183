"""835 (005010X221A1) transaction -> `remit.received.v1` events, one per CLP claim payment.

`loops835` sorts the segments; this module maps and validates them.

- CLP01..07: claim id, status (1, 2, 3, 4, 19-23, 25; 22 is a reversal whose amounts are negated,
  and whose negated SVC05 units are read as a count), charge, paid, patient responsibility,
  filing indicator (not carried), payer claim control number.
- SVC01 qualifier:code:mod1..mod4: HC (CPT/HCPCS) and every other qualifier (N4 NDC, ZZ, AD, ER,
  IV ...), carried as `code_qualifier` and `code` so no payment or adjustment is dropped for its code
  set; SVC02 charge, SVC03 paid, SVC05 units (1 when empty, as the IG says; a fraction only on a
  non-HC line, kept in `quantity`), SVC06 the submitted CPT/HCPCS code when it differs.
- Line date: DTM*472, else DTM*150 (period start), else the claim's DTM*232 when the claim period
  is a single day.
- CAS: group (CO, PR, OA, PI and the 4010-era CR) and up to six reason/amount/quantity triplets;
  negative amounts kept. LQ*HE remarks, REF*6R line id.
- PLB: provider-level adjustments are returned apart, never attached to a claim line.

The malformed SVC of LinuxForHealth's tertiary-payment.835 (`SVC*HC*24599.00*1766.50*187.50**1`:
SVC01 is a bare qualifier, the code sits in SVC02 and every amount one element right) is
*reported*, not recovered: reading it "shifted" would mean guessing the code from an amount-shaped
'24599.00' and trusting positions the sender already got wrong, and a remit drives denial rework
and write-offs, so a wrong amount costs more than a rejected file.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pydantic import ValidationError

from schemas import RemitReceived
from schemas.types import HC
from workers.x12.envelope import Transaction
from workers.x12.exceptions import SegmentError
from workers.x12.loops835 import RemitHeader, RemitLineUnit, RemitUnit, remit_units
from workers.x12.tokenizer import Segment
from workers.x12.values import (
    ccyymmdd,
    count,
    decimal_value,
    event_id,
    money,
    occurred_at,
    optional_money,
    padded,
    service_code,
    validation_problems,
)

_STATUS = frozenset({"1", "2", "3", "4", "19", "20", "21", "22", "23", "25"})
_GROUPS = ("CO", "PR", "OA", "PI", "CR")
_REVERSAL = "22"


def _at(seg: Segment, message: str) -> SegmentError:
    return SegmentError(seg.number, seg.id, message)


def adjustments(cas: Segment) -> list[dict[str, Any]]:
    """The reason/amount/quantity triplets of one CAS segment (CAS02-04 ... CAS17-19)."""
    group = cas.get(1)
    if group not in _GROUPS:
        raise _at(cas, f"CAS01 group code {group!r} is not one of {', '.join(_GROUPS)}")
    values = list(cas.elements[2:])
    while values and not values[-1]:
        values.pop()
    if not values:
        raise _at(cas, f"CAS {group} has no reason code")
    if len(values) > 18:
        raise _at(cas, f"CAS has {len(values) + 1} elements: more than six reason/amount/quantity triplets")
    found = []
    for start in range(0, len(values), 3):
        reason, amount, quantity = padded(values[start : start + 3], 3)
        index = start + 2  # element number of the reason
        if not (reason or amount or quantity):
            continue
        if not reason:
            raise _at(cas, f"CAS{index + 1:02d} amount {amount!r} has no reason code in CAS{index:02d}")
        if not amount:
            raise _at(
                cas,
                f"CAS{index:02d} reason {group}-{reason} has no amount in CAS{index + 1:02d}: CAS holds "
                f"reason/amount/quantity triplets, and this one has {len(values) + 1} elements",
            )
        found.append(
            {
                "group": group,
                "reason": reason,
                "amount": money(cas, index + 1, f"{group}-{reason} adjustment amount"),
                "quantity": float(decimal_value(cas, index + 2, "adjustment quantity")) if quantity else None,
            }
        )
    return found


def _malformed_svc01(svc: Segment) -> SegmentError:
    message = f"SVC01 {svc.get(1)!r} has no procedure code (SVC01-02 is missing)"
    if "." in svc.get(4):
        message += (
            f"; SVC04 {svc.get(4)!r} is amount-shaped, so the elements look shifted one place right with the "
            f"code in SVC02 ({svc.get(2)!r}): a malformed SVC, reported rather than guessed"
        )
    return _at(svc, message)


def _map_line(line: RemitLineUnit, unit: RemitUnit, reversal: bool) -> dict[str, Any]:
    svc = line.svc
    parts = svc.composite(1)
    if not padded(parts, 2)[1]:
        raise _malformed_svc01(svc)
    qualifier, code, modifiers = service_code(svc, parts, "SVC01")
    units, quantity = _units(svc, qualifier)
    submitted = svc.composite(6)
    submitted_hc = len(submitted) > 1 and submitted[0] == HC  # SVC06 is carried as a CPT/HCPCS code only
    submitted_code = submitted[1] if submitted_hc and submitted[1] != code else None
    adjustments_found = [adjustment for cas in line.cas for adjustment in adjustments(cas)]
    data: dict[str, Any] = {
        "line_id": line.ref.get(2) if line.ref is not None and line.ref.get(2) else None,
        "code_qualifier": qualifier,
        "code": code,
        "modifiers": modifiers,
        "units": abs(units) if reversal else units,
        "service_date": _service_date(line, unit),
        "charge": money(svc, 2, "line charge"),
        "paid": money(svc, 3, "line paid amount"),
        "adjustments": adjustments_found,
        "remarks": [lq.get(2) for lq in line.remarks],
        "submitted_code": submitted_code,
    }
    if quantity is not None:
        data["quantity"] = quantity.removeprefix("-") if reversal else quantity
    return data


def _units(svc: Segment, qualifier: str) -> tuple[int, str | None]:
    """SVC05 as (units, quantity). Units of a CPT/HCPCS line are whole; a line coded under another qualifier
    may be paid a fraction (1.9 hours, 2.5 ML of a drug): then `quantity` is SVC05 as sent and `units` it
    rounded half up, so the payment is kept, not dropped."""
    if qualifier == HC or not svc.get(5):
        return count(svc, 5, "units of service paid", default=1), None
    value = decimal_value(svc, 5, "units of service paid")
    if value == value.to_integral_value():
        return int(value), None
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP)), svc.get(5)


def _service_date(line: RemitLineUnit, unit: RemitUnit) -> Any:
    for qualifier in ("472", "150"):
        dtm = line.dates.get(qualifier)
        if dtm is not None:
            return ccyymmdd(dtm, dtm.get(2), f"DTM*{qualifier} service date")
    start, end = unit.dates.get("232"), unit.dates.get("233")
    if start is not None and (end is None or end.get(2) == start.get(2)):
        return ccyymmdd(start, start.get(2), "DTM*232 claim statement date")
    return None


def _map_remit(unit: RemitUnit, header: RemitHeader, problems: list[SegmentError]) -> dict[str, Any]:
    clp = unit.clp
    status = clp.get(2)
    if status not in _STATUS:
        problems.append(_at(clp, f"CLP02 claim status {status!r} is not a 5010 status code"))
    lines = []
    for line in unit.lines:
        try:
            lines.append(_map_line(line, unit, status == _REVERSAL))
        except SegmentError as error:
            problems.append(error)
    claim_adjustments = []
    for cas in unit.cas:
        try:
            claim_adjustments.extend(adjustments(cas))
        except SegmentError as error:
            problems.append(error)
    data: dict[str, Any] = {
        "claim_id": clp.get(1),
        "payer_claim_id": clp.get(7) or None,
        "payer_id": header.payer_id,
        "remit_date": header.remit_date,
        "status_code": status,
        "adjustments": claim_adjustments,
        "lines": lines,
    }
    try:
        data["charge"] = money(clp, 3, "total claim charge")
        data["paid"] = money(clp, 4, "claim payment amount")
        data["patient_responsibility"] = optional_money(clp, 5, "patient responsibility")
    except SegmentError as error:
        problems.append(error)
    return data


def provider_adjustments(plb: Segment) -> list[dict[str, object]]:
    """The adjustment pairs of one PLB segment (PLB03/04 ... PLB13/14)."""
    provider, period = plb.get(1), ccyymmdd(plb, plb.get(2), "PLB02 fiscal period date")
    found: list[dict[str, object]] = []
    for index in range(3, 15, 2):
        if not plb.get(index) and not plb.get(index + 1):
            continue
        parts = plb.composite(index)
        found.append(
            {
                "segment_number": plb.number,
                "provider_id": provider,
                "fiscal_period_date": period,
                "reason": parts[0] if parts else "",
                "reference": parts[1] if len(parts) > 1 and parts[1] else None,
                "amount": money(plb, index + 1, "provider adjustment amount"),
            }
        )
    if not found:
        raise _at(plb, "PLB carries no adjustment reason and amount")
    return found


def convert_835(tx: Transaction) -> tuple[list[RemitReceived], list[SegmentError], list[dict[str, object]]]:
    """Remits that map and validate, problems (one per reason a remit was not emitted), PLB rows."""
    header, units, plbs = remit_units(tx)
    events: list[RemitReceived] = []
    issues: list[SegmentError] = list(header.problems)
    plb_rows: list[dict[str, object]] = []
    for plb in plbs:
        try:
            plb_rows.extend(provider_adjustments(plb))
        except SegmentError as error:
            issues.append(error)
    if not units and not plbs:
        issues.append(_at(tx.st, f"835 transaction {tx.control_number} holds no CLP claim payment"))
    stamp = occurred_at(tx) if units else None
    for ordinal, unit in enumerate(units, start=1):
        claim_id = unit.clp.get(1)
        problems = list(unit.problems)
        data = _map_remit(unit, header, problems)
        if not unit.closed:  # whatever else is wrong follows from the cut; say only that
            problems = [
                _at(unit.clp, "the file ends inside this claim payment (no SE trailer), so segments may be missing")
            ]
        if not problems:
            envelope = {"event_id": event_id("835", tx, claim_id, ordinal), "occurred_at": stamp}
            try:
                events.append(RemitReceived.model_validate({**envelope, "remit": data}))
                continue
            except ValidationError as error:
                locations: dict[tuple[str | int, ...], Segment] = {
                    ("remit", "lines", i): line.svc for i, line in enumerate(unit.lines)
                }
                problems = validation_problems(error, locations, unit.clp, claim_id)
        prefix = f"remit for claim {claim_id} not converted: "
        issues.extend(SegmentError(p.segment_number, p.segment_id, prefix + p.message, claim_id) for p in problems)
    return events, issues, plb_rows
