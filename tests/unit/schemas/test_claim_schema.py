"""claim.submitted.v1 and remit.received.v1 reject bad input with a message naming the field."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from schemas import ClaimSubmitted, RemitReceived

GOOD: dict[str, Any] = {
    "schema": "claim.submitted.v1",
    "event_id": "e1",
    "occurred_at": "2026-03-03T10:00:00Z",
    "claim": {
        "claim_id": "PCN-1001",
        "frequency_code": "1",
        "payer": {"payer_id": "MCR-J15", "kind": "medicare"},
        "provider": {"billing_npi": "1234567893", "rendering_npi": "1234567893"},
        "patient": {"member_id": "M00001", "birth_date": "1950-06-01", "sex": "F"},
        "place_of_service": "11",
        "diagnoses": ["L30.9", "D48.5"],
        "lines": [
            {
                "line_id": "1",
                "service_date": "2026-03-02",
                "code": "99213",
                "modifiers": ["25"],
                "units": 1,
                "charge": "95.19",
                "dx_pointers": [1],
            },
            {
                "line_id": "2",
                "service_date": "2026-03-02",
                "code": "11102",
                "modifiers": [],
                "units": 1,
                "charge": "95.53",
                "dx_pointers": [2],
                "documentation": {"lesion_id": "A", "technique": "tangential"},
            },
        ],
    },
}


def with_change(path: str, value: Any) -> dict[str, Any]:
    event = copy.deepcopy(GOOD)
    target: Any = event
    *parents, last = path.split(".")
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return event


class TestClaimSubmitted:
    def test_the_contract_example_is_valid(self) -> None:
        """The contract's own example validates, and unknown extra fields are ignored."""
        event = copy.deepcopy(GOOD)
        event["claim"]["new_field_from_a_newer_producer"] = 1
        documentation = ClaimSubmitted.model_validate(event).claim.lines[1].documentation
        assert documentation is not None
        assert documentation.technique == "tangential"

    @pytest.mark.parametrize(
        ("path", "value", "field"),
        [
            ("claim.lines.0.code", "9921", "claim.lines.0.code"),
            ("claim.lines.0.code", "992134", "claim.lines.0.code"),
            ("claim.lines.0.modifiers", ["25", "59", "XS", "LT", "RT"], "claim.lines.0.modifiers"),
            ("claim.lines.0.modifiers", ["5"], "claim.lines.0.modifiers.0"),
            ("claim.diagnoses", ["L30.9", "not-icd"], "claim.diagnoses.1"),
            ("claim.lines.0.units", 0, "claim.lines.0.units"),
            ("claim.lines.0.units", 1.5, "claim.lines.0.units"),
            ("claim.lines.0.units", "1", "claim.lines.0.units"),
            ("claim.lines.1.dx_pointers", [3], "lines[1].dx_pointers"),
            ("claim.lines.1.line_id", "1", "lines[1].line_id"),
            ("claim.provider.billing_npi", "1234567890", "claim.provider.billing_npi"),
            ("claim.provider.billing_npi", "12345", "claim.provider.billing_npi"),
            ("claim.lines.0.charge", 95.19, "claim.lines.0.charge"),
            ("claim.lines.0.charge", "95.191", "claim.lines.0.charge"),
            ("claim.lines.0.charge", "-1.00", "claim.lines.0.charge"),
            ("claim.frequency_code", "9", "claim.frequency_code"),
            ("claim.patient.sex", "X", "claim.patient.sex"),
            ("claim.lines", [], "claim.lines"),
            ("claim.claim_id", "x" * 39, "claim.claim_id"),
            ("claim.lines.0.documentation", {"body_region": "elbow"}, "claim.lines.0.documentation.body_region"),
        ],
    )
    def test_bad_input_is_rejected_naming_the_field(self, path: str, value: Any, field: str) -> None:
        """Each kind of bad input fails validation with an error that names the offending field."""
        with pytest.raises(ValidationError) as caught:
            ClaimSubmitted.model_validate(with_change(path, value))
        text = str(caught.value)
        located = {".".join(str(p) for p in error["loc"]) for error in caught.value.errors()}
        assert field in located or field in text, text


class TestRemitReceived:
    def test_negative_amounts_and_cr_group_are_accepted(self) -> None:
        """Reversals carry negative amounts and 4010-era CR group codes; both are valid input."""
        remit = RemitReceived.model_validate(
            {
                "event_id": "r",
                "occurred_at": "2026-04-01T00:00:00Z",
                "remit": {
                    "claim_id": "PCN-1",
                    "status_code": "22",
                    "charge": "-95.53",
                    "paid": "-76.42",
                    "lines": [
                        {
                            "code": "11102",
                            "charge": "-95.53",
                            "paid": "-76.42",
                            "adjustments": [{"group": "CR", "reason": "18", "amount": "-19.11"}],
                        }
                    ],
                },
            }
        )
        assert str(remit.remit.lines[0].adjustments[0].amount) == "-19.11"

    def test_unknown_group_code_is_rejected(self) -> None:
        """A CAS group outside CO/PR/OA/PI/CR is refused, naming the field."""
        with pytest.raises(ValidationError, match=r"remit\.lines\.0\.adjustments\.0\.group"):
            RemitReceived.model_validate(
                {
                    "event_id": "r",
                    "occurred_at": "2026-04-01T00:00:00Z",
                    "remit": {
                        "claim_id": "PCN-1",
                        "status_code": "1",
                        "charge": "1.00",
                        "paid": "0.00",
                        "lines": [
                            {
                                "code": "11102",
                                "charge": "1.00",
                                "paid": "0.00",
                                "adjustments": [{"group": "XX", "reason": "97", "amount": "1.00"}],
                            }
                        ],
                    },
                }
            )
