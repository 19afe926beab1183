"""Constrained field types shared by the wire models ('JSON everywhere')."""

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
    ValidationInfo,
    WithJsonSchema,
)
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

# X12 product/service id qualifier of SV101-01 / SVC01-01: HC (CPT/HCPCS) is the one the rules judge; the others
# (N4 NDC, ZZ mutually defined, AD ADA, ER jurisdiction-specific, IV HIEC, NU revenue code, WK ABC ...) are
# carried as sent and never judged as a CPT/HCPCS code.
HC = "HC"
PROCEDURE_CODE_PATTERN = r"^[A-Z0-9]{5}$"
SERVICE_CODE_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z.-]{0,47}$"
_PROCEDURE_CODE = re.compile(PROCEDURE_CODE_PATTERN[1:-1])  # fullmatch: Python's $ would let a final newline in
_SERVICE_CODE = re.compile(SERVICE_CODE_PATTERN[1:-1])

ProcedureCode = Annotated[
    str,
    StringConstraints(pattern=PROCEDURE_CODE_PATTERN),
    Field(description="CPT/HCPCS code: exactly 5 characters, digits or capital letters"),
]

CodeQualifier = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z0-9]{2}$"),
    Field(
        default=HC,
        exclude_if=lambda qualifier: qualifier == HC,
        description="X12 product/service id qualifier of the code (SV101-01/SVC01-01): HC (CPT/HCPCS, the "
        "default, and left out of the JSON when HC), N4 (NDC), ZZ, AD, ER, IV, NU, WK ...; only HC lines are "
        "judged by the rules",
    ),
]


def _qualified_code(code: str, info: ValidationInfo) -> str:
    """A CPT/HCPCS code when the line's `code_qualifier` (validated before it) is HC, else any code up to 48;
    the error is the one a `pattern` constraint gives, so an HC line fails exactly as before the qualifier."""
    hc = info.data.get("code_qualifier", HC) == HC
    if not (_PROCEDURE_CODE if hc else _SERVICE_CODE).fullmatch(code):
        pattern = PROCEDURE_CODE_PATTERN if hc else SERVICE_CODE_PATTERN
        raise PydanticCustomError(
            "string_pattern_mismatch", "String should match pattern '{pattern}'", {"pattern": pattern}
        )
    return code


QualifiedCode = Annotated[
    str,
    AfterValidator(_qualified_code),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": SERVICE_CODE_PATTERN,
            "description": "the service code: a 5-character CPT/HCPCS code when code_qualifier is HC (or absent), "
            "else the code as sent under that qualifier (e.g. an 11-digit NDC under N4), 1 to 48 characters",
        }
    ),
]
"""`code` of a line that carries `code_qualifier` (declared before it): checked against the qualifier."""

QUALIFIED_CODE_SCHEMA: JsonDict = {
    "if": {"properties": {"code_qualifier": {"const": HC}}},
    "then": {"properties": {"code": {"pattern": PROCEDURE_CODE_PATTERN}}},
}
"""JSON Schema of a model with `code_qualifier` and `code`: an HC line (or one without a qualifier) has a
CPT/HCPCS code."""

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
    """Money travels as a decimal string ; floats would lose cents, so they are refused."""
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
