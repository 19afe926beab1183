"""State at scale: a claims table of N claims under a store, the worker's RSS, and kill -9 to the first new output.

    PYTHONPATH=. .venv/bin/python -m benchmarks.bench_state --claims 1000000 --store rocksdb:// --store memory://

For each store it produces N generated claims (each with its own claim_id) to a fresh deployment, fills the
claims table with them through one worker (the fill rate counts the worker's start-up), reads the worker's
resident memory (VmRSS, and the peak VmHWM), kills it with SIGKILL, starts it again with the same data
directory (as a supervisor would), produces a new claim every 0.5 s from the kill on, and reports the seconds
from the kill to the first output of any of them (log-append time) and the new process's RSS then.
The consumer-group session timeout (`CLAIMS_KAFKA__SESSION_TIMEOUT_SECONDS`, 10 s) is part of that time: the
group waits for the killed member before it hands its partitions over.

Needs the local broker (`.venv/bin/dermclaims kafka up`); writes about 1.5 KB per claim to Kafka, twice (the
input topic and the table's changelog). Long: run it in the background with a time limit.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import orjson
from aiokafka import AIOKafkaProducer
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from rich.console import Console
from rich.table import Table

from benchmarks.bench_stream import ROOT, end_offsets, set_log_append_time, vm_hwm_mb
from benchmarks.generate import generate
from tests.integration.harness import Deployment
from workers.localkafka import is_reachable

CHUNK = 20_000


def vm_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def claims(count: int) -> Iterator[tuple[bytes, bytes]]:
    """`count` generated claims with distinct claim ids: one generated chunk, re-keyed per round."""
    template = [(orjson.loads(value)["claim"]["claim_id"], value) for value in generate(min(count, CHUNK), 2026)]
    for start in range(0, count, CHUNK):
        marker = f"PCN-R{start // CHUNK:04d}"
        for claim_id, value in template[: min(CHUNK, count - start)]:
            key = claim_id.replace("PCN-B", marker)
            yield key.encode(), value.replace(f'"claim_id":"{claim_id}"'.encode(), f'"claim_id":"{key}"'.encode())


async def produce(bootstrap: str, topic: str, messages: Iterator[tuple[bytes, bytes]]) -> int:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=20, max_batch_size=256 * 1024)
    await producer.start()
    sent = 0
    try:
        batch = []
        for key, value in messages:
            batch.append(await producer.send(topic, value, key=key))
            sent += 1
            if len(batch) >= 2000:
                await asyncio.gather(*batch)
                batch.clear()
        await asyncio.gather(*batch)
    finally:
        await producer.stop()
    return sent


class Trickle(threading.Thread):
    """New claims after the kill, one every `period` seconds (ids `prefix-0`, `prefix-1`...), until stopped.

    A trickle, not one claim: faust's fetcher can drop a message it fetched while the restarted worker was
    still recovering (faust-streaming #216/#312, on `main` too); `workers.delivery` re-reads such a message
    once a later offset of its partition is processed, which a lone claim never gives it.
    """

    def __init__(self, bootstrap: str, topic: str, prefix: str, period: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.bootstrap, self.topic, self.prefix, self.period = bootstrap, topic, prefix, period
        self.stop = threading.Event()

    def run(self) -> None:
        producer = KafkaProducer(bootstrap_servers=self.bootstrap, linger_ms=0)
        template = generate(1, 99)[0]
        n = 0
        while not self.stop.is_set():
            claim_id = f"{self.prefix}-{n}"
            value = template.replace(b'"claim_id":"PCN-B0000000"', f'"claim_id":"{claim_id}"'.encode())
            producer.send(self.topic, key=claim_id.encode(), value=value)
            producer.flush()
            n += 1
            self.stop.wait(self.period)
        producer.close()


def first_output_of(deployment: Deployment, claim_id: str, since: dict[int, int], timeout: float) -> float:
    """Log-append time of the first output whose key starts with `claim_id`, reading from `since` on only."""
    consumer = KafkaConsumer(bootstrap_servers=deployment.bootstrap, enable_auto_commit=False)
    name = deployment.topic("claims_validated")
    partitions = [TopicPartition(name, p) for p in range(deployment.partitions)]
    consumer.assign(partitions)
    for tp in partitions:
        consumer.seek(tp, since.get(tp.partition, 0))
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                for record in batch:
                    if record.key is not None and record.key.startswith(claim_id.encode()):
                        return float(record.timestamp) / 1000.0
    finally:
        consumer.close()
    raise TimeoutError(f"no output for {claim_id} within {timeout:.0f} s")


def measure(args: argparse.Namespace, store: str) -> dict[str, str]:
    prefix = f"state{uuid.uuid4().hex[:8]}"
    deployment = Deployment(args.bootstrap, prefix, Path(tempfile.mkdtemp(prefix="bench-state-")), args.partitions)
    deployment.store_url = store
    deployment.create_topics()
    set_log_append_time(args.bootstrap, deployment.topic("claims_validated"))
    topic = deployment.topic("claims_submitted")
    try:
        asyncio.run(produce(args.bootstrap, topic, claims(args.claims)))  # all of it first: the fill has the CPU
        started = time.monotonic()
        worker = deployment.start_worker(data_suffix="w")
        deployment.wait_committed("claims_submitted", timeout=args.timeout)
        filled = time.monotonic() - started
        time.sleep(5)  # let the last changelog writes and a commit settle
        rss, peak = vm_rss_mb(worker.pid), vm_hwm_mb(worker.pid)
        since = end_offsets(deployment, "claims_validated")
        killed = time.time()
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        restarted = deployment.start_worker(data_suffix="w")  # same data directory
        trickle = Trickle(args.bootstrap, topic, "PCN-AFTER-KILL")
        trickle.start()
        try:
            first = first_output_of(deployment, "PCN-AFTER-KILL", since, timeout=args.timeout)
        finally:
            trickle.stop.set()
            trickle.join()
        after_rss = vm_rss_mb(restarted.pid)
    finally:
        deployment.stop_all()
    return {
        "store": store,
        "claims in the table": f"{args.claims:,}",
        "fill, claims/s": f"{args.claims / filled:,.0f}",
        "RSS after the fill, MB": f"{rss:,.0f} (peak {peak:,.0f})",
        "kill -9 to first new output, s": f"{first - killed:.1f}",
        "RSS of the restarted worker then, MB": f"{after_rss:,.0f}",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--partitions", type=int, default=6)
    parser.add_argument("--store", action="append", help="rocksdb:// or memory:// (repeatable)")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds a fill or a restart may take")
    args = parser.parse_args(argv)
    if not is_reachable(args.bootstrap, timeout=5):
        raise SystemExit(f"no Kafka at {args.bootstrap}: start the local one with `.venv/bin/dermclaims kafka up`")
    os.chdir(ROOT)  # the harness starts `python -m workers.cli worker` from the current directory
    rows = []
    for store in args.store or ["rocksdb://", "memory://"]:
        rows.append(measure(args, store))
        print(rows[-1], flush=True)
    table = Table(title=f"Claims table at scale, {args.partitions} partitions, one worker")
    for column in rows[0]:
        table.add_column(column, justify="left" if column == "store" else "right")
    for row in rows:
        table.add_row(*row.values())
    Console(width=160).print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
