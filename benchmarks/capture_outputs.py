"""Every output of a real worker run over a fixed input set, as sorted JSONL: `cmp` before/after a change.

The inputs, produced in four phases (each waits until the worker committed everything before the next):

1. the example remittances (their claims are not there yet: they wait) and bad inputs (not JSON, empty,
   wrong schema, wrong key) on both input topics;
2. the example claims, `--claims` generated claims, a replacement (frequency 7) and a void (8);
3. the example remittances again (already worked: ledger entries) and a remittance for the voided claim;
4. the example X12 837P file, then (5.) the 835 file, on the raw X12 topic (their events go round through
   the input topics; one file a phase, so the claims and remittances they carry do not race each other).

Each output record (validated, rework, dead letters, the no-output ledger, X12 events) is written as
`{"topic", "partition", "key", "headers", "value"}` with the logical topic name and the run's topic prefix written as
`PREFIX`; exact duplicates (redeliveries) are
dropped and the lines sorted, so two runs of the same code give the same file.

    PYTHONPATH=. .venv/bin/python -m benchmarks.capture_outputs --out /tmp/outputs-before.jsonl
    ... change the worker ...
    PYTHONPATH=. .venv/bin/python -m benchmarks.capture_outputs --out /tmp/outputs-after.jsonl
    cmp /tmp/outputs-before.jsonl /tmp/outputs-after.jsonl

Needs the local broker (`.venv/bin/dermclaims kafka up`); it starts the worker of this checkout (`python -m
workers.cli worker` from the repository root).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import orjson
from kafka import KafkaConsumer, TopicPartition

from benchmarks.generate import generate
from tests.integration.harness import Deployment
from workers.localkafka import is_reachable
from workers.routing import derived_id

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
INPUTS = ("x12_raw", "claims_submitted", "remits_received")  # X12 first: its events land on the others
OUTPUTS = ("claims_validated", "denials_rework", "deadletter", "claims_submitted", "remits_received")


def _lines(path: Path) -> list[bytes]:
    return [line for line in path.read_bytes().splitlines() if line.strip()]


def _key(event: bytes) -> bytes:
    document = orjson.loads(event)
    return str((document.get("claim") or document.get("remit"))["claim_id"]).encode()


def _variant(event: bytes, event_id: str, frequency_code: str) -> bytes:
    document = orjson.loads(event)
    document["event_id"] = event_id
    document["claim"]["frequency_code"] = frequency_code
    return orjson.dumps(document)


def bad_inputs(topic: str) -> Messages:
    """One of each kind of bad input the agents dead-letter."""
    schema = "claim.submitted.v1" if topic == "claims_submitted" else "remit.received.v1"
    return [
        (b"BAD-1", b"{not json"),
        (b"BAD-2", b""),
        (b"BAD-3", b"[1, 2]"),
        (b"BAD-4", orjson.dumps({"schema": "something.else.v9", "event_id": "x"})),
        (b"BAD-5", orjson.dumps({"schema": schema, "event_id": f"bad-{topic}", "occurred_at": "2026-01-01T00:00:00Z"})),
    ]


Messages = list[tuple[bytes | None, bytes | None]]


def phases(claims: int) -> list[list[tuple[str, Messages]]]:
    remits = _lines(EXAMPLES / "remits.jsonl")
    example_claims = _lines(EXAMPLES / "claims.jsonl")
    generated = generate(claims, 2026)
    # a claim keyed by another claim's id: the key check dead-letters it
    wrong_key: Messages = [(b"PCN-WRONG", generated[0])] if generated else []
    replacement = _variant(example_claims[0], "clm-evt-1001-r", "7")
    void = _variant(example_claims[1], "clm-evt-1002-v", "8")
    remit_for_void = orjson.loads(remits[1])
    remit_for_void["event_id"] = "rmt-evt-1002-after-void"
    x12: list[list[tuple[str, Messages]]] = [
        [("x12_raw", [(path.name.encode(), path.read_bytes())])] for path in sorted(EXAMPLES.glob("x12/*.83*"))
    ]
    example_remits: Messages = [(_key(r), r) for r in remits]
    return [
        [
            ("remits_received", example_remits + bad_inputs("remits_received")),
            ("claims_submitted", bad_inputs("claims_submitted") + wrong_key),
        ],
        [("claims_submitted", [(_key(c), c) for c in (*example_claims, *generated, replacement, void)])],
        [("remits_received", [(_key(r), r) for r in (*remits, orjson.dumps(remit_for_void))])],
        *x12,  # one file a phase: the 837's claims and the 835's remittances must not race each other
    ]


def _same_every_run(value: bytes) -> bytes:
    """A dead letter's event_id hashes the run's topic name: checked against its source, then written as such."""
    try:
        document = orjson.loads(value)
    except orjson.JSONDecodeError:
        return value
    if not isinstance(document, dict) or document.get("schema") != "deadletter.v1":
        return value
    parts = (document["source_topic"], str(document["source_partition"]), str(document["source_offset"]))
    if document["event_id"] == derived_id("deadletter.v1", *parts, document["payload_sha256"]):
        document["event_id"] = "derived from the source coordinates and payload"
    return orjson.dumps(document)


def read_outputs(deployment: Deployment, ledger_topic: str) -> list[dict[str, Any]]:
    """Every record of the output topics (input topics: only records a worker wrote, i.e. with headers)."""
    names = {deployment.topic(logical): logical for logical in OUTPUTS}
    names[ledger_topic] = "processed"
    consumer = KafkaConsumer(bootstrap_servers=deployment.bootstrap, enable_auto_commit=False)
    partitions = [TopicPartition(name, p) for name in names for p in range(deployment.partitions)]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    end = consumer.end_offsets(partitions)
    rows: set[bytes] = set()
    while any(consumer.position(tp) < end[tp] for tp in partitions):
        for tp, batch in consumer.poll(timeout_ms=1000).items():
            for record in batch:
                headers = [[name, value.decode("utf-8", "replace")] for name, value in record.headers or []]
                if not headers:  # an input this script produced, not an output
                    continue
                row = {
                    "topic": names[tp.topic],
                    "partition": tp.partition,
                    "key": None if record.key is None else record.key.decode("utf-8", "replace"),
                    "headers": headers,
                    "value": _same_every_run(record.value or b"").decode("utf-8", "replace"),
                }
                # topic names carry this run's prefix (in headers and dead letters): name it the same every run
                rows.add(orjson.dumps(row).replace(deployment.prefix.encode(), b"PREFIX"))
    consumer.close()
    return [orjson.loads(row) for row in sorted(rows)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--claims", type=int, default=5000)
    parser.add_argument("--partitions", type=int, default=6)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if not is_reachable(args.bootstrap, timeout=5):
        raise SystemExit(f"no Kafka at {args.bootstrap}: start the local one with `.venv/bin/dermclaims kafka up`")
    os.chdir(ROOT)  # the harness starts `python -m workers.cli worker` from the current directory
    prefix = f"cap{uuid.uuid4().hex[:8]}"
    deployment = Deployment(args.bootstrap, prefix, Path(tempfile.mkdtemp(prefix="capture-")), args.partitions)
    deployment.create_topics()
    started = time.monotonic()
    try:
        deployment.start_worker()
        for number, phase in enumerate(phases(args.claims), 1):
            for logical, messages in phase:
                deployment.produce(logical, messages)
            for logical in INPUTS:
                deployment.wait_committed(logical, timeout=600)
            print(f"phase {number} committed after {time.monotonic() - started:.1f} s")
        outputs = read_outputs(deployment, f"{prefix}-processed")
    finally:
        deployment.stop_all()
    args.out.write_bytes(b"".join(orjson.dumps(row, option=orjson.OPT_SORT_KEYS) + b"\n" for row in outputs))
    by_topic: dict[str, int] = {}
    for row in outputs:
        by_topic[row["topic"]] = by_topic.get(row["topic"], 0) + 1
    print(f"{len(outputs)} distinct outputs to {args.out}: {by_topic}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
