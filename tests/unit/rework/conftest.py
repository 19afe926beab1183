"""Builders for remittances in rework tests: a scenario states only the lines and adjustments that matter."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import pytest

from rules.ruleset import RuleSet
from rules.testing import DEFAULT_DATE, default_ruleset
from schemas.remit import Remit

RemitBuilder = Callable[..., Remit]


def adjustment(text: str) -> dict[str, Any]:
    """`"CO-97 95.53"` -> {"group": "CO", "reason": "97", "amount": "95.53"}."""
    code, amount = text.split()
    group, reason = code.split("-", 1)
    return {"group": group, "reason": reason, "amount": amount}


def remit_line(spec: Mapping[str, Any]) -> dict[str, Any]:
    line: dict[str, Any] = {
        "line_id": None,
        "modifiers": [],
        "units": 1,
        "service_date": DEFAULT_DATE,
        "charge": "100.00",
        "paid": "0.00",
        "remarks": [],
    }
    line.update({k: v for k, v in spec.items() if k != "adj"})
    line["adjustments"] = [adjustment(a) for a in spec.get("adj", [])]
    for key in ("charge", "paid"):
        line[key] = str(line[key])
    return line


def build_remit(
    lines: Sequence[Mapping[str, Any]] = (),
    *,
    claim_id: str = "PCN-TEST",
    payer_claim_id: str | None = "PCC-1",
    status_code: str = "1",
    remit_date: str | None = "2026-03-20",
    adjustments: Sequence[str] = (),
    **extra: Any,
) -> Remit:
    built = [remit_line(spec) for spec in lines]
    charge = sum((Decimal(line["charge"]) for line in built), Decimal("0.00"))
    paid = sum((Decimal(line["paid"]) for line in built), Decimal("0.00"))
    return Remit.model_validate(
        {
            "claim_id": claim_id,
            "payer_claim_id": payer_claim_id,
            "status_code": status_code,
            "remit_date": remit_date,
            "charge": f"{charge:.2f}",
            "paid": f"{paid:.2f}",
            "adjustments": [adjustment(a) for a in adjustments],
            "lines": built,
            **extra,
        }
    )


@pytest.fixture
def make_remit() -> RemitBuilder:
    """`make_remit(lines, claim_id=..., status_code=...)`: lines take `adj: ["CO-97 95.53"]` shorthand."""
    return build_remit


@pytest.fixture
def ruleset() -> RuleSet:
    return default_ruleset()
