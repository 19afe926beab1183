"""Builders for claims in tests and fixtures: realistic defaults so a fixture states only what matters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from schemas.claim import Claim

from rules.ruleset import RuleSet, build_ruleset

DEFAULT_DATE = "2026-03-02"


@cache
def default_ruleset() -> RuleSet:
    """The packaged ruleset (every registered rule, the shipped tables), built once per process."""
    return build_ruleset()


def make_claim(
    lines: Sequence[Mapping[str, Any]],
    *,
    diagnoses: Sequence[str] = ("L57.0",),
    claim_id: str = "PCN-TEST",
    payer: Mapping[str, str] | None = None,
    place_of_service: str = "11",
    **extra: Any,
) -> Claim:
    """A valid claim with the given lines; each line needs only `code` (ids, dates, units defaulted)."""
    built = []
    for index, line in enumerate(lines, start=1):
        full: dict[str, Any] = {
            "line_id": str(index),
            "service_date": DEFAULT_DATE,
            "units": 1,
            "charge": "100.00",
            "dx_pointers": [1],
            "modifiers": [],
        }
        full.update(line)
        built.append(full)
    return Claim.model_validate(
        {
            "claim_id": claim_id,
            "payer": dict(payer or {"payer_id": "MCR-J15", "kind": "medicare"}),
            "provider": {"billing_npi": "1234567893", "rendering_npi": "1234567893"},
            "patient": {"member_id": "M-TEST", "birth_date": "1950-06-01", "sex": "F"},
            "place_of_service": place_of_service,
            "diagnoses": list(diagnoses),
            "lines": built,
            **extra,
        }
    )
