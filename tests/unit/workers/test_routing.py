"""Pure routing: every input has exactly one outcome, and output ids are deterministic."""

from __future__ import annotations

import base64
import dataclasses
from typing import Any

import orjson

from rules.model import Category
from rules.rule import Rule
from rules.testing import default_ruleset, make_claim
from workers.routing import MAX_DEADLETTER_PAYLOAD, Source, route_claim

SOURCE = Source("claims.submitted.v1", 2, 41, b"PCN-1")


def event(claim_id: str = "PCN-1", frequency: str = "1", event_id: str = "evt-1") -> bytes:
    claim = make_claim([{"code": "11102"}], claim_id=claim_id, frequency_code=frequency)
    return orjson.dumps(
        {
            "schema": "claim.submitted.v1",
            "event_id": event_id,
            "occurred_at": "2026-03-03T10:00:00Z",
            "claim": claim.model_dump(mode="json"),
        }
    )


def body(outcome: Any) -> dict[str, Any]:
    assert len(outcome.records) == 1
    return orjson.loads(outcome.records[0].value)


class CrashingRule(Rule):
    """A rule with a bug."""

    code = "TST999"
    category = Category.CODE_FAMILY

    def check(self, ctx: Any) -> Any:
        raise ZeroDivisionError("bug in rule")


class TestRouteClaim:
    def test_same_input_gives_the_same_output_id(self) -> None:
        """A redelivered claim yields the same event_id, so consumers can dedupe."""
        first = body(route_claim(SOURCE, event(), default_ruleset(), "1.0"))
        again = body(route_claim(dataclasses.replace(SOURCE, offset=99), event(), default_ruleset(), "1.0"))
        assert first["event_id"] == again["event_id"]
        assert (
            first["event_id"]
            != body(route_claim(SOURCE, event(event_id="evt-2"), default_ruleset(), "1.0"))["event_id"]
        )

    def test_a_crashing_rule_dead_letters_the_claim_with_its_code(self) -> None:
        """A rule that raises never yields a partial verdict: the claim is dead-lettered naming the rule."""
        ruleset = dataclasses.replace(default_ruleset(), rules=(CrashingRule(),))
        outcome = route_claim(SOURCE, event(), ruleset, "1.0")
        letter = body(outcome)
        assert outcome.records[0].topic == "deadletter"
        assert (letter["reason"], letter["rule_code"], letter["error_type"]) == (
            "processing_error",
            "TST999",
            "RuleCrashError",
        )
        assert base64.b64decode(letter["payload"]) == event()
        assert (letter["source_topic"], letter["source_partition"], letter["source_offset"]) == (
            "claims.submitted.v1",
            2,
            41,
        )

    def test_kafka_inputs_must_be_keyed_by_claim_id(self) -> None:
        """A null key or a key other than the claim_id is dead-lettered on the Kafka path, not by the CLI."""
        no_key = dataclasses.replace(SOURCE, key=None)
        assert body(route_claim(no_key, event(), default_ruleset(), "1.0", keyed=True))["error_type"] == "MissingKey"
        wrong = dataclasses.replace(SOURCE, key=b"PCN-2")
        assert body(route_claim(wrong, event(), default_ruleset(), "1.0", keyed=True))["error_type"] == "KeyMismatch"
        assert body(route_claim(no_key, event(), default_ruleset(), "1.0"))["schema"] == "claim.validated.v1"

    def test_a_void_is_acknowledged_without_scrubbing(self) -> None:
        """Frequency 8 voids the claim: no findings, the reason says so, and the claim is handed to the table."""
        outcome = route_claim(SOURCE, event(frequency="8"), default_ruleset(), "1.0")
        validated = body(outcome)
        assert (validated["status"], validated["findings"]) == ("clean", [])
        assert "void" in validated["reason"]
        assert outcome.claim is not None
        assert outcome.claim.frequency_code == "8"

    def test_oversized_payloads_are_cut_but_identified(self) -> None:
        """A payload too large to dead-letter whole keeps its size, digest and source offset."""
        huge = b"{" + b" " * (MAX_DEADLETTER_PAYLOAD * 2) + b"}"
        letter = body(route_claim(SOURCE, huge, default_ruleset(), "1.0"))
        assert letter["payload_truncated"]
        assert letter["payload_size"] == len(huge)
        assert len(base64.b64decode(letter["payload"])) == MAX_DEADLETTER_PAYLOAD

    def test_wrong_event_type_names_the_schema(self) -> None:
        """A remittance on the claims topic is schema_invalid and says which schema the topic carries."""
        letter = body(route_claim(SOURCE, b'{"schema":"remit.received.v1"}', default_ruleset(), "1.0"))
        assert letter["reason"] == "schema_invalid"
        assert "claim.submitted.v1" in letter["error_message"]


MALIGNANT = "malignant"


class TestFixFields:
    """The added fix fields let a consumer apply a fix exactly as `corrected_lines` does."""

    @staticmethod
    def validated(lines: list[dict[str, Any]], diagnoses: list[str]) -> dict[str, Any]:
        claim = make_claim(lines, diagnoses=diagnoses)
        raw = orjson.dumps(
            {
                "schema": "claim.submitted.v1",
                "event_id": "evt-fix",
                "occurred_at": "2026-03-03T10:00:00Z",
                "claim": claim.model_dump(mode="json"),
            }
        )
        return body(route_claim(SOURCE, raw, default_ruleset(), "1.0"))

    def test_an_x_modifier_fix_says_it_replaces_the_billed_59(self) -> None:
        out = self.validated(
            [
                {
                    "code": "11600",
                    "documentation": {
                        "lesion_id": "A",
                        "body_region": "trunk",
                        "technique": "excision",
                        "lesion_type": "malignant",
                        "lesion_diameter_cm": 0.3,
                        "margin_cm": 0.1,
                    },
                },
                {
                    "code": "11102",
                    "modifiers": ["59"],
                    "dx_pointers": [2],
                    "documentation": {"lesion_id": "B", "body_region": "arm", "technique": "tangential"},
                },
            ],
            ["C44.519", "D48.5"],
        )
        fixes = [f["fix"] for f in out["findings"] if f["fix"] and f["fix"]["action"] == "add_modifier"]
        assert [{"modifier": "XS", "replaces": ["59"]}] == [
            {"modifier": f["modifier"], "replaces": f["replaces"]} for f in fixes
        ]
        corrected = [line for line in out["corrected_lines"] if line["code"] == "11102"]
        assert ["XS"] == corrected[0]["modifiers"]

    def test_a_new_modifier_on_a_bare_line_replaces_nothing(self) -> None:
        out = self.validated(
            [
                {"code": "17263", "documentation": {"lesion_id": "A", "body_region": "arm", "lesion_type": MALIGNANT}},
                {"code": "17263", "documentation": {"lesion_id": "B", "body_region": "leg", "lesion_type": MALIGNANT}},
            ],
            ["C44.619", "C44.719"],
        )
        fixes = [f["fix"] for f in out["findings"] if f["fix"] and f["fix"]["action"] == "add_modifier"]
        assert fixes, out["findings"]
        assert all([] == f["replaces"] for f in fixes)
