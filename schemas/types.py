"""Constrained field types shared by the wire models (contract.md, 'JSON everywhere')."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Annotated

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)

ProcedureCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z0-9]{5}$"),
    Field(description="CPT/HCPCS code: exactly 5 characters, digits or capital letters"),
]
Modifier = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z0-9]{2}$"),
    Field(description="two-character CPT/HCPCS modifier"),
]
# ICD-10-CM: letter, digit, digit-or-letter, then optionally a dot and 1-4 characters (no 'U' first letter
# except U07 etc.; kept permissive on the tail, strict on shape).
Icd10Code = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$"),
    Field(description="ICD-10-CM diagnosis code, e.g. L57.0 or D485"),
]


@lru_cache(maxsize=4096)
def _luhn_valid(value: str) -> bool:
    """Whether a 10-digit NPI's Luhn digit is right, with the 80840 prefix (cached: a practice has few NPIs)."""
    total = 24  # the constant contribution of the '80840' prefix
    for index, char in enumerate(reversed(value[:-1])):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return (10 - total % 10) % 10 == int(value[-1])


def _luhn_npi(value: str) -> str:
    """Check an NPI's Luhn digit with the 80840 prefix (CMS NPI check-digit standard)."""
    if not _luhn_valid(value):
        raise ValueError(f"NPI {value} fails the Luhn check digit (CMS NPI standard); check for a typo")
    return value


Npi = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{10}$"),
    AfterValidator(_luhn_npi),
    Field(description="10-digit National Provider Identifier with a valid Luhn check digit"),
]

_MONEY_PATTERN = r"^-?[0-9]{1,9}(\.[0-9]{1,2})?$"
_MONEY_RE = re.compile(_MONEY_PATTERN)


@lru_cache(maxsize=4096)
def _money_from_text(text: str) -> Decimal | None:
    """The amount a money string spells, or None when it is not one (cached: charges repeat; Decimal is immutable)."""
    return Decimal(text) if _MONEY_RE.match(text) else None


def _money_input(value: object) -> object:
    """Money travels as a decimal string (contract.md); floats would lose cents, so they are refused."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        amount = _money_from_text(value)
        if amount is not None:
            return amount
    raise ValueError(f'money must be a decimal string such as "95.53", got {value!r}')


def _money_text(value: Decimal) -> str:
    return f"{value:.2f}"


Money = Annotated[
    Decimal,
    BeforeValidator(_money_input),
    PlainSerializer(_money_text, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": _MONEY_PATTERN, "description": "decimal string, e.g. 95.53"}),
]
"""Any money amount (may be negative in remittances)."""


def _non_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError(f"amount must not be negative, got {value}")
    return value


NonNegativeMoney = Annotated[
    Money,
    AfterValidator(_non_negative),
    WithJsonSchema({"type": "string", "pattern": _MONEY_PATTERN.replace("-?", ""), "description": "decimal >= 0"}),
]
