"""The claims table keeps the validated input bytes; the remits agent reads back the claim the agent judged."""

from __future__ import annotations

import orjson

from benchmarks.generate import generate
from schemas import Claim, ClaimSubmitted
from workers.claim_store import load_claim, stored_claim


def test_the_table_keeps_the_input_bytes_and_gives_back_the_same_claim() -> None:
    for raw in generate(200, seed=7):
        judged = ClaimSubmitted.model_validate(orjson.loads(raw)).claim  # what the claims agent validated
        stored = stored_claim(raw, judged)
        assert raw == stored  # no re-encoding
        assert judged == load_claim(stored)


def test_a_claim_written_by_an_earlier_version_is_still_read() -> None:
    for raw in generate(50, seed=8):
        judged = ClaimSubmitted.model_validate(orjson.loads(raw)).claim
        earlier = judged.model_dump_json().encode()  # the value before this format
        assert Claim.model_validate_json(earlier) == load_claim(earlier)


def test_an_event_without_the_optional_schema_field_is_read_as_an_event() -> None:
    document = orjson.loads(generate(1, seed=9)[0])
    del document["schema"]  # the input contract accepts it (workers.routing.decode)
    raw = orjson.dumps(document)
    assert ClaimSubmitted.model_validate(document).claim == load_claim(raw)
