"""Property-based: any bytes on a claims or remits topic give an output or a dead letter, never an exception.

Arbitrary bytes, arbitrary JSON, and valid events with one field replaced by an odd value go through
`route_claim` / `route_remit` (the worker's agents' code); each must return an Outcome in under 1 s.
Fixed seed (`derandomize`) and a bounded example count.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.testing import default_ruleset
from workers.routing import Outcome, Source, route_claim, route_remit

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
CLAIMS = [orjson.loads(line) for line in (EXAMPLES / "claims.jsonl").read_bytes().splitlines() if line.strip()]
REMITS = [orjson.loads(line) for line in (EXAMPLES / "remits.jsonl").read_bytes().splitlines() if line.strip()]
RULESET = default_ruleset()
CLAIM_SOURCE = Source("claims.submitted.v1", 0, 1, b"PCN-1")
REMIT_SOURCE = Source("remits.received.v1", 0, 1, b"PCN-1")
ODD = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12),
    st.sampled_from(["9" * 40, "1" * 29 + ".00", "²", "١٢", "NaN", "-0", "", "HC", "N4", "1e999"]),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)  # fmt: skip
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)


def _dumps(document: Any) -> bytes:
    """JSON as a producer might write it: any integer size, NaN/Infinity as Python's json writes them."""
    return json.dumps(document).encode()


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_paths(value, (*prefix, index)))
    return found


@st.composite
def mutated_event(draw: st.DrawFn, events: list[dict[str, Any]]) -> bytes:
    """A valid example event with one to three fields replaced by an odd value (or deleted)."""
    document = orjson.loads(orjson.dumps(draw(st.sampled_from(events))))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(document)))
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        if isinstance(parent, dict) and draw(st.booleans()):
            parent.pop(path[-1], None)
        else:
            parent[path[-1]] = draw(ODD)
    return _dumps(document)


def _route(value: bytes) -> tuple[Outcome, Outcome, float]:
    started = time.perf_counter()
    claim = route_claim(CLAIM_SOURCE, value, RULESET, "test", keyed=False)
    remit = route_remit(REMIT_SOURCE, value, lambda claim_id: None, RULESET, "test")
    return claim, remit, time.perf_counter() - started


def _assert_outcome(outcome: Outcome) -> None:
    assert outcome.records, "every input gives an output or a dead letter"
    if outcome.failed is not None:
        assert [r.topic for r in outcome.records] == ["deadletter"]


@settings(derandomize=True, max_examples=300, deadline=timedelta(seconds=1), database=None)
@given(st.one_of(st.binary(max_size=300), JSON.map(_dumps)))
def test_arbitrary_bytes_are_dead_lettered(value: bytes) -> None:
    claim, remit, seconds = _route(value)
    assert seconds < 1.0
    for outcome in (claim, remit):
        _assert_outcome(outcome)


@settings(derandomize=True, max_examples=400, deadline=timedelta(seconds=1), database=None)
@given(st.one_of(mutated_event(CLAIMS), mutated_event(REMITS)))
def test_mutated_events_give_an_output_or_a_dead_letter(value: bytes) -> None:
    claim, remit, seconds = _route(value)
    assert seconds < 1.0
    _assert_outcome(claim)
    if remit.failed is not None:
        _assert_outcome(remit)
