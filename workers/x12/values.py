"""Element readers shared by the 837P and 835 mappings: money, counts, dates, ids, error mapping.

Every reader raises `SegmentError` naming the segment and element, so a problem reads as
"SV102 '1X5.00' is not an amount" next to its segment number.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from schemas.types import HC, SERVICE_CODE_PATTERN
from workers.x12.envelope import Transaction
from workers.x12.exceptions import SegmentError
from workers.x12.tokenizer import Segment

_CPT_HCPCS = re.compile(r"[A-Z0-9]{5}")
_QUALIFIER = re.compile(r"[A-Z0-9]{2}")
_SERVICE_CODE = re.compile(SERVICE_CODE_PATTERN[1:-1])
_MODIFIER = re.compile(r"[A-Z0-9]{2}")
# X12 "R" (decimal) data type: optional sign, digits, optional decimal point; no exponent.
_DECIMAL = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
_CENT = Decimal("0.01")
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:dermclaims:x12")

Locations = Mapping[tuple[str | int, ...], Segment]


def is_ascii_digits(raw: str) -> bool:
    """Only 0-9: `str.isdigit` is also true of superscripts and other scripts' digits, which X12 never carries."""
    return raw.isascii() and raw.isdigit()


def element_name(segment: Segment, index: int) -> str:
    return f"{segment.id}{index:02d}"


def padded(parts: Sequence[str], size: int) -> list[str]:
    """The first `size` items, with '' for the missing ones."""
    return [*parts[:size], *[""] * (size - len(parts[:size]))]


def service_code(segment: Segment, parts: Sequence[str], element: str) -> tuple[str, str, list[str]]:
    """(qualifier, code, modifiers) of an SV101/SVC01 composite: a 5-character CPT/HCPCS code under HC; under
    any other qualifier (N4 NDC, ZZ, AD, ER, IV ...) the code as sent, carried for the record and never judged
    as a procedure code."""
    qualifier, code = padded(parts, 2)
    problem = None
    if not _QUALIFIER.fullmatch(qualifier):
        problem = f"{element}-01 qualifier {qualifier!r} is not a 2-character qualifier"
    elif qualifier == HC and not _CPT_HCPCS.fullmatch(code):
        problem = f"{element}-02 procedure code {code!r} is not a 5-character CPT/HCPCS code"
    elif qualifier != HC and not _SERVICE_CODE.fullmatch(code):
        problem = f"{element}-02 code {code!r} under qualifier {qualifier} is not 1 to 48 letters, digits, '.' or '-'"
    modifiers = [m for m in parts[2:6] if m]
    bad = next((m for m in modifiers if not _MODIFIER.fullmatch(m)), None)
    if problem is None and bad is not None:
        problem = f"modifier {bad!r} on {code} is not a 2-character modifier"
    if problem is not None:
        raise SegmentError(segment.number, segment.id, problem)
    return qualifier, code, modifiers


def decimal_value(segment: Segment, index: int, what: str) -> Decimal:
    raw = segment.get(index)
    if not _DECIMAL.fullmatch(raw):
        shown = "missing" if not raw else f"{raw!r}, not a decimal number"
        raise SegmentError(segment.number, segment.id, f"{element_name(segment, index)} {what} is {shown}")
    return Decimal(raw)


def money(segment: Segment, index: int, what: str) -> Decimal:
    """A money element; more than two decimal places is refused rather than rounded."""
    value = decimal_value(segment, index, what)
    try:
        cents = value.quantize(_CENT)
    except InvalidOperation:  # more digits than the decimal context holds (28): no amount is that large
        message = f"{element_name(segment, index)} {what} {segment.get(index)!r} has too many digits to be an amount"
        raise SegmentError(segment.number, segment.id, message) from None
    if value != cents:
        message = f"{element_name(segment, index)} {what} {segment.get(index)!r} has fractions of a cent"
        raise SegmentError(segment.number, segment.id, message)
    return cents


def optional_money(segment: Segment, index: int, what: str) -> Decimal | None:
    return money(segment, index, what) if segment.get(index) else None


def count(segment: Segment, index: int, what: str, default: int | None = None) -> int:
    """A whole-number quantity such as units ('1.00' is 1); `default` when the element is empty."""
    if not segment.get(index) and default is not None:
        return default
    value = decimal_value(segment, index, what)
    if value != value.to_integral_value():
        message = f"{element_name(segment, index)} {what} {segment.get(index)!r} is not a whole number"
        raise SegmentError(segment.number, segment.id, message)
    return int(value)


def ccyymmdd(segment: Segment, raw: str, what: str) -> date:
    try:
        if len(raw) != 8 or not is_ascii_digits(raw):
            raise ValueError(raw)
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        raise SegmentError(segment.number, segment.id, f"{what} {raw!r} is not a CCYYMMDD date") from None


def period_start(segment: Segment, format_index: int, what: str) -> date:
    """A D8 date or the start of an RD8 range (element `format_index` is the qualifier)."""
    qualifier, raw = segment.get(format_index), segment.get(format_index + 1)
    if qualifier == "RD8":
        return ccyymmdd(segment, raw.split("-", 1)[0], what)
    if qualifier in ("D8", ""):
        return ccyymmdd(segment, raw, what)
    raise SegmentError(segment.number, segment.id, f"{what}: date format {qualifier!r} is not D8 or RD8")


def occurred_at(tx: Transaction) -> datetime:
    """The interchange date and time (ISA09 YYMMDD, ISA10 HHMM), read as UTC; X12 carries no zone."""
    isa = tx.interchange.isa
    raw_date, raw_time = isa.get(9), isa.get(10)
    try:
        if not (is_ascii_digits(raw_date) and is_ascii_digits(raw_time)):
            raise ValueError(raw_date + raw_time)
        return datetime(
            2000 + int(raw_date[:2]), int(raw_date[2:4]), int(raw_date[4:6]),
            int(raw_time[:2]), int(raw_time[2:4]), tzinfo=UTC,
        )  # fmt: skip
    except ValueError:
        message = f"ISA09/ISA10 {raw_date!r} {raw_time!r} is not a YYMMDD HHMM date/time"
        raise SegmentError(isa.number, "ISA", message) from None


def event_id(kind: str, tx: Transaction, claim_id: str, ordinal: int) -> str:
    """uuid5 over sender, ISA13, GS06, ST02, CLM01/CLP01 and the claim's ordinal in the transaction."""
    gs06 = tx.gs.get(6) if tx.gs is not None else ""
    name = "|".join(
        (kind, tx.interchange.sender, tx.interchange.control_number, gs06, tx.control_number, claim_id, str(ordinal))
    )
    return str(uuid.uuid5(_NAMESPACE, name))


def _shown(value: object) -> str:
    if isinstance(value, Decimal | date):
        return f" (got {value})"
    if isinstance(value, str | int | float):
        return f" (got {value!r})"
    return ""


def validation_problems(
    error: ValidationError, locations: Locations, default: Segment, claim_id: str
) -> list[SegmentError]:
    """One problem per pydantic error, attached to the segment the failing field came from."""
    problems = []
    for detail in error.errors(include_url=False):
        loc: tuple[str | int, ...] = tuple(detail["loc"])
        segment = _closest(locations, loc) or default
        field = ".".join(str(part) for part in loc[1:]) or "claim"
        input_value: Any = detail.get("input")
        message = f"{field}: {detail['msg']}{_shown(input_value)}"
        problems.append(SegmentError(segment.number, segment.id, message, claim_id))
    return problems


def _closest(locations: Locations, loc: Sequence[str | int]) -> Segment | None:
    for end in range(len(loc), 0, -1):
        found = locations.get(tuple(loc[:end]))
        if found is not None:
            return found
    return None
