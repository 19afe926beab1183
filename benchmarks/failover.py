"""How long a partition goes without output when a worker dies (kill -9) or restarts (SIGTERM).

Two workers share a consumer group over 6 partitions; a steady trickle of claims goes to every partition.
One worker is then killed -9 (the group must notice: `CLAIMS_KAFKA__SESSION_TIMEOUT_SECONDS`), brought back,
and later stopped with SIGTERM and started again (a planned restart: it leaves the group at once). For each
event the table shows the longest time any partition went without an output, and the loss check.

    .venv/bin/python -m benchmarks.failover                      # the worker's default settings
    CLAIMS_KAFKA__SESSION_TIMEOUT_SECONDS=30 .venv/bin/python -m benchmarks.failover

Needs the local broker (`.venv/bin/dermclaims kafka up`); it starts nothing else.
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import tempfile
import threading
import time
import uuid
from pathlib import Path

import orjson
from kafka import KafkaProducer
from rich.console import Console
from rich.table import Table

from tests.integration.harness import Deployment
from tests.integration.test_worker_stream import BIOPSY_AND_EXCISION, claim_event
from workers.localkafka import is_reachable

PARTITIONS = 6


class Trickle(threading.Thread):
    """One claim per partition every `period` seconds, claim ids naming the partition."""

    def __init__(self, deployment: Deployment, period: float) -> None:
        super().__init__(daemon=True)
        self.deployment, self.period = deployment, period
        self.stop = threading.Event()
        self.sent = 0

    def run(self) -> None:
        producer = KafkaProducer(bootstrap_servers=self.deployment.bootstrap, linger_ms=0)
        topic = self.deployment.topic("claims_submitted")
        n = 0
        while not self.stop.is_set():
            for partition in range(PARTITIONS):
                claim_id = f"PCN-p{partition}-{n}"
                value = claim_event(claim_id, f"evt-{claim_id}", BIOPSY_AND_EXCISION)
                producer.send(topic, key=claim_id.encode(), value=value, partition=partition)
                self.sent += 1
            n += 1
            producer.flush()
            time.sleep(self.period)
        producer.close()


def outputs_by_partition(deployment: Deployment, expected: int) -> tuple[dict[int, list[float]], set[str]]:
    records = deployment.consume("claims_validated", expected, timeout=120, distinct="source_event_id")
    times: dict[int, list[float]] = {p: [] for p in range(PARTITIONS)}
    seen: set[str] = set()
    for record in records:
        event = orjson.loads(record.value)
        partition = int(event["claim_id"].split("-")[1][1:])
        times[partition].append(record.timestamp / 1000.0)
        seen.add(event["source_event_id"])
    return times, seen


def longest_silence(times: dict[int, list[float]], start: float, end: float) -> float:
    """The longest stretch in [start, end] without an output, over all partitions."""
    worst = 0.0
    for stamps in times.values():
        points = [start, *sorted(t for t in stamps if start <= t <= end), end]
        worst = max(worst, *(b - a for a, b in itertools.pairwise(points)))
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--period", type=float, default=0.2, help="seconds between trickle rounds")
    parser.add_argument("--settle", type=float, default=20.0, help="seconds to watch after each event")
    args = parser.parse_args()
    if not is_reachable(args.bootstrap, timeout=5):
        raise SystemExit(f"no Kafka at {args.bootstrap}: start the local one with `.venv/bin/dermclaims kafka up`")
    console = Console()
    session = os.environ.get("CLAIMS_KAFKA__SESSION_TIMEOUT_SECONDS", "10 (default)")
    deployment = Deployment(args.bootstrap, f"f{uuid.uuid4().hex[:8]}", Path(tempfile.mkdtemp()), PARTITIONS)
    deployment.create_topics()
    trickle = Trickle(deployment, args.period)
    events: list[tuple[str, float, float]] = []
    try:
        deployment.start_worker(data_suffix="a")
        deployment.start_worker(data_suffix="b")
        trickle.start()
        time.sleep(args.settle)  # both workers up and sharing the partitions
        console.print("kill -9 worker a")
        killed = time.time()
        deployment.by_suffix["a"].send_signal(signal.SIGKILL)
        deployment.by_suffix["a"].wait()
        time.sleep(args.settle)
        events.append(("kill -9 (a), not restarted", killed, time.time()))
        deployment.start_worker(data_suffix="a")
        time.sleep(args.settle)
        console.print("SIGTERM worker b, restart it at once")
        stopped = time.time()
        deployment.by_suffix["b"].send_signal(signal.SIGTERM)
        deployment.by_suffix["b"].wait(timeout=60)
        deployment.start_worker(data_suffix="b")
        time.sleep(args.settle)
        events.append(("planned restart (b): SIGTERM, start", stopped, time.time()))
    finally:
        trickle.stop.set()
        trickle.join()
    try:
        times, seen = outputs_by_partition(deployment, trickle.sent)
    finally:
        deployment.stop_all()
    table = Table(title=f"Failover, session timeout {session} s, {PARTITIONS} partitions, 2 workers")
    table.add_column("event")
    table.add_column("longest partition silence, s", justify="right")
    for name, start, end in events:
        table.add_row(name, f"{longest_silence(times, start, end):.1f}")
    table.add_row("steady state (before the kill)", f"{longest_silence(times, killed - args.settle / 2, killed):.1f}")
    console.print(table)
    console.print(f"inputs {trickle.sent}, with an output {len(seen)}, lost {trickle.sent - len(seen)}")


if __name__ == "__main__":
    main()
