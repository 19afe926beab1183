"""Stream throughput: the worker against the same work in a plain aiokafka loop, in one run on one broker.

    PYTHONPATH=. .venv/bin/python -m benchmarks.bench_stream                  # 20,000 claims, 6 partitions
    PYTHONPATH=. .venv/bin/python -m benchmarks.bench_stream --claims 50000 --scale-out --store rocksdb://

It uses the local broker (start it with `.venv/bin/dermclaims kafka up`) and starts nothing else but the
worker of this checkout (`python -m workers.cli worker`, from the repository root). It produces N generated
claims (`benchmarks.generate`) once to a fresh topic, then reads them with each row's own consumer group:

1. `route_claim` over the bytes, no Kafka (the engine and the output event, one core);
2. aiokafka consume -> orjson loads/dumps -> produce, commit per batch (the transport floor);
3. aiokafka consume -> `route_claim` -> produce, commit per batch (the same work as the worker, no faust);
4. `dermclaims worker`, first output to last output (its start-up is reported on its own line);
5. with --scale-out, two worker processes in one group, first output to last output.

Then, with the first worker caught up, it produces claims at half that worker's measured rate for --steady
seconds and reports the latency from each input's log-append time to its output's log-append time (both
topics are set to LogAppendTime, so the broker's clock times both ends and a producer slowed by the shared
CPU does not count against the worker), p50/p99/max, and the worker's peak RSS (VmHWM).

The Kafka rows run --repeat times, interleaved, each over its own topics holding the same claims; the table
gives the median, the range, and per repetition the ratio to the aiokafka + route_claim row of that
repetition (on a shared machine, compare within a repetition).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from kafka import KafkaConsumer
from kafka import TopicPartition as SyncTopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient
from rich.console import Console
from rich.table import Table

from benchmarks.generate import generate
from tests.integration.harness import Deployment
from workers.bootstrap import load_ruleset
from workers.localkafka import is_reachable
from workers.routing import Source, route_claim
from workers.settings import WorkerSettings
from workers.version import worker_version

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = "aiokafka consume -> route_claim -> produce, commit per batch"
REFERENCE_SHORT = "aiokafka + route_claim"
WORKER = "dermclaims worker (faust), first to last output"
TWO_WORKERS = "2 worker processes, one group, first to last output"


@dataclass
class Row:
    name: str
    claims: int
    seconds: float
    note: str = ""

    @property
    def rate(self) -> float:
        return self.claims / self.seconds if self.seconds else 0.0


@dataclass
class Run:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    startups: list[float] = field(default_factory=list)


def keyed_claims(count: int, seed: int) -> list[tuple[bytes, bytes]]:
    return [(orjson.loads(value)["claim"]["claim_id"].encode(), value) for value in generate(count, seed)]


async def produce_all(bootstrap: str, topic: str, messages: Sequence[tuple[bytes, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=20, max_batch_size=256 * 1024)
    await producer.start()
    try:
        for start in range(0, len(messages), 1000):
            await asyncio.gather(
                *[await producer.send(topic, value, key=key) for key, value in messages[start : start + 1000]]
            )
    finally:
        await producer.stop()


def engine_row(messages: Sequence[tuple[bytes, bytes]], topic: str) -> Row:
    ruleset = load_ruleset(WorkerSettings())
    version = worker_version()
    started = time.perf_counter()
    for offset, (key, value) in enumerate(messages):
        route_claim(Source(topic, 0, offset, key), value, ruleset, version, keyed=True)
    return Row("route_claim over the bytes, no Kafka", len(messages), time.perf_counter() - started)


async def aiokafka_row(bootstrap: str, topic: str, sink: str, count: int, judge: bool) -> Row:
    """Consume every record with a fresh group, transform, produce without awaiting each, commit per batch."""
    ruleset = load_ruleset(WorkerSettings()) if judge else None
    version = worker_version()
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"bench-{uuid.uuid4().hex[:8]}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=500,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5, max_batch_size=256 * 1024)
    await producer.start()
    await consumer.start()
    seen, started = 0, 0.0
    try:
        while seen < count:
            batches = await consumer.getmany(timeout_ms=1000)
            if not batches:
                continue
            started = started or time.perf_counter()
            pending = []
            for records in batches.values():
                for record in records:
                    if ruleset is not None:
                        source = Source(record.topic, record.partition, record.offset, record.key)
                        outcome = route_claim(source, record.value, ruleset, version, keyed=True)
                        for out in outcome.records:
                            pending.append(await producer.send(sink, out.value, key=out.key, headers=list(out.headers)))
                    else:
                        value = orjson.dumps(orjson.loads(record.value))
                        pending.append(await producer.send(sink, value, key=record.key))
                seen += len(records)
            await asyncio.gather(*pending)  # delivered before the offsets are committed
            await consumer.commit({tp: records[-1].offset + 1 for tp, records in batches.items()})
        elapsed = time.perf_counter() - started
    finally:
        await consumer.stop()
        await producer.stop()
    name = REFERENCE if judge else "aiokafka consume -> orjson -> produce (transport floor)"
    return Row(name, count, elapsed)


def vm_hwm_mb(pid: int) -> float:
    """Peak resident set of a running process (VmHWM), MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def output_records(deployment: Deployment, logical: str) -> list[Any]:
    consumer = KafkaConsumer(bootstrap_servers=deployment.bootstrap, enable_auto_commit=False)
    name = deployment.topic(logical)
    partitions = [SyncTopicPartition(name, p) for p in range(deployment.partitions)]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    end = consumer.end_offsets(partitions)
    records: list[Any] = []
    while any(consumer.position(tp) < end[tp] for tp in partitions):
        for batch in consumer.poll(timeout_ms=1000, max_records=5000).values():
            records.extend(batch)
    consumer.close()
    return records


def set_log_append_time(bootstrap: str, topic: str) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.alter_configs(
            [ConfigResource(ConfigResourceType.TOPIC, topic, {"message.timestamp.type": "LogAppendTime"})]
        )
    finally:
        admin.close()


def worker_rows(deployment: Deployment, count: int, workers: int, started: float) -> tuple[Row, float]:
    """Run `workers` workers until the group committed every claim; (first -> last output row, start-up s)."""
    deployment.wait_committed("claims_submitted", timeout=1800)
    stamps = sorted(r.timestamp / 1000.0 for r in output_records(deployment, "claims_validated"))
    stamps = stamps[-count:]
    name = WORKER if workers == 1 else TWO_WORKERS
    return Row(name, count, stamps[-1] - stamps[0]), stamps[0] - started


async def steady_load(
    bootstrap: str, topic: str, messages: Sequence[tuple[bytes, bytes]], rate: float, seconds: float
) -> int:
    """Produce at `rate` claims/s for `seconds`, in 10 ms ticks; the number produced."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=0)
    await producer.start()
    sent, tick, begun = 0, 0.01, time.monotonic()
    try:
        while (elapsed := time.monotonic() - begun) < seconds:
            due = int(rate * elapsed) - sent
            for _ in range(max(due, 0)):
                key, value = messages[sent % len(messages)]
                await producer.send(topic, value, key=key)
                sent += 1
            await asyncio.sleep(tick)
        await producer.flush()
    finally:
        await producer.stop()
    return sent


def latencies(deployment: Deployment, since: dict[int, int]) -> list[tuple[float, float]]:
    """(input log-append time, output log-append time minus it) for inputs at or after `since` (per partition)."""
    produced: dict[tuple[int, int], float] = {}
    for record in output_records(deployment, "claims_submitted"):
        if record.offset >= since.get(record.partition, 0):
            produced[(record.partition, record.offset)] = record.timestamp / 1000.0
    found = []
    for record in output_records(deployment, "claims_validated"):
        headers = dict(record.headers or [])
        coordinates = (int(headers["source_partition"]), int(headers["source_offset"]))
        if coordinates in produced:
            sent = produced.pop(coordinates)
            found.append((sent, record.timestamp / 1000.0 - sent))
    return sorted(found)


def trace(found: list[tuple[float, float]]) -> str:
    """Per second of the steady load: the worst latency, ms (a queue shows as a rising line, a stall as a spike)."""
    if not found:
        return ""
    start = found[0][0]
    worst: dict[int, float] = {}
    for sent, latency in found:
        second = int(sent - start)
        worst[second] = max(worst.get(second, 0.0), latency)
    return " ".join(f"{worst[second] * 1000:.0f}" for second in sorted(worst))


def end_offsets(deployment: Deployment, logical: str) -> dict[int, int]:
    consumer = KafkaConsumer(bootstrap_servers=deployment.bootstrap)
    name = deployment.topic(logical)
    end = consumer.end_offsets([SyncTopicPartition(name, p) for p in range(deployment.partitions)])
    consumer.close()
    return {tp.partition: offset for tp, offset in end.items()}


def profile(pid: int, out: Path) -> subprocess.Popen[bytes]:
    """`py-spy record` of the worker (collapsed stacks, idle frames left out), until SIGINT."""
    py_spy = str(Path(sys.executable).with_name("py-spy"))  # installed beside this interpreter (dev extras)
    command = [py_spy, "record", "--pid", str(pid), "--format", "raw", "--output", str(out), "--rate", "200"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603


def percentile(values: Sequence[float], share: float) -> float:
    return values[min(len(values) - 1, int(share * len(values)))] if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--partitions", type=int, default=6)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--store", default="memory://", help="the worker's CLAIMS_STORE_URL")
    parser.add_argument("--steady", type=float, default=20.0, help="seconds of steady load for the latency (0: skip)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of the Kafka rows, interleaved")
    parser.add_argument("--scale-out", action="store_true", help="also run two worker processes in one group")
    parser.add_argument(
        "--baseline", type=Path, help="also run the worker of another checkout (e.g. `git archive main`) as a row"
    )
    parser.add_argument("--trace", action="store_true", help="print the worst latency per second of the load")
    parser.add_argument("--profile", type=Path, help="py-spy record the worker's throughput run to this file (raw)")
    args = parser.parse_args(argv)
    if not is_reachable(args.bootstrap, timeout=5):
        raise SystemExit(f"no Kafka at {args.bootstrap}: start the local one with `.venv/bin/dermclaims kafka up`")
    os.chdir(ROOT)  # the harness starts `python -m workers.cli worker` from the current directory
    console = Console(width=130)
    messages = keyed_claims(args.claims, args.seed)
    load_before = os.getloadavg()
    run = Run()
    run.rows.append(engine_row(messages, "claims"))
    for repetition in range(args.repeat):  # rows interleaved, so a change in the machine's load hits them all
        deployment = fresh_deployment(args, messages)
        source, sink = deployment.topic("claims_submitted"), f"{deployment.prefix}.bench-sink"
        run.rows.append(asyncio.run(aiokafka_row(args.bootstrap, source, sink, len(messages), judge=False)))
        run.rows.append(asyncio.run(aiokafka_row(args.bootstrap, source, sink, len(messages), judge=True)))
        if args.baseline:
            run.rows.append(worker_row_elsewhere(args, messages, args.baseline))
        run.rows.append(worker_run(args, deployment, messages, run, steady=repetition == 0))
        if args.scale_out:
            run.rows.append(scale_out_row(args, messages))
    report(console, run, args, load_before)
    return 0


def worker_run(
    args: argparse.Namespace, deployment: Deployment, messages: Sequence[tuple[bytes, bytes]], run: Run, steady: bool
) -> Row:
    """This checkout's worker over the deployment's claims; with `steady`, then the latency and the RSS."""
    try:
        started = time.time()
        process = deployment.start_worker()
        profiler = profile(process.pid, args.profile) if args.profile and steady else None
        worker, startup = worker_rows(deployment, len(messages), 1, started)
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)
            profiler.wait(timeout=60)
        run.startups.append(startup)
        if steady and args.steady > 0:
            since = end_offsets(deployment, "claims_submitted")
            rate = worker.rate / 2
            source = deployment.topic("claims_submitted")
            sent = asyncio.run(steady_load(args.bootstrap, source, messages, rate, args.steady))
            if process.poll() is not None:
                raise SystemExit(f"the worker exited ({process.returncode}) during the steady load: see its log")
            deployment.wait_committed("claims_submitted", timeout=300)
            traced = latencies(deployment, since)
            found = sorted(latency for _, latency in traced)
            if args.trace:
                run.notes.append(f"worst latency per second of the steady load, ms: {trace(traced)}")
            run.notes.append(
                f"latency at {rate:,.0f} claims/s (half the worker's rate) for {args.steady:.0f} s, {sent} claims, "
                f"{len(found)} matched: p50 {percentile(found, 0.5) * 1000:.0f} ms, "
                f"p99 {percentile(found, 0.99) * 1000:.0f} ms, max {found[-1] * 1000 if found else 0:.0f} ms"
            )
        if steady:
            run.notes.append(f"worker peak RSS (VmHWM): {vm_hwm_mb(process.pid):.0f} MB, store {args.store}")
    finally:
        deployment.stop_all()
    return worker


def fresh_deployment(args: argparse.Namespace, messages: Sequence[tuple[bytes, bytes]]) -> Deployment:
    """Its own topics (and consumer group), holding the same claims."""
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    deployment = Deployment(args.bootstrap, prefix, Path(tempfile.mkdtemp(prefix="bench-stream-")), args.partitions)
    deployment.store_url = args.store
    deployment.create_topics()
    for logical in ("claims_submitted", "claims_validated"):  # latency on the broker's clock, both ends
        set_log_append_time(args.bootstrap, deployment.topic(logical))
    asyncio.run(produce_all(args.bootstrap, deployment.topic("claims_submitted"), messages))
    return deployment


def worker_row_elsewhere(args: argparse.Namespace, messages: Sequence[tuple[bytes, bytes]], checkout: Path) -> Row:
    """The worker of another checkout over the same claims (its code: `python -m workers.cli` run there)."""
    deployment = fresh_deployment(args, messages)
    log = (deployment.data_dir / "baseline.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "workers.cli", "worker"],
        env=deployment.env(),
        cwd=checkout,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        row, _ = worker_rows(deployment, len(messages), 1, time.time())
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        log.close()
    row.name = f"worker of {checkout}, first to last output"
    return row


def scale_out_row(args: argparse.Namespace, messages: Sequence[tuple[bytes, bytes]]) -> Row:
    """Two workers in one group over a fresh copy of the claims (a deployment of its own)."""
    deployment = fresh_deployment(args, messages)
    try:
        started = time.time()
        deployment.start_worker(data_suffix="a")
        deployment.start_worker(data_suffix="b")
        row, _ = worker_rows(deployment, len(messages), 2, started)
    finally:
        deployment.stop_all()
    return row


def report(console: Console, run: Run, args: argparse.Namespace, load_before: tuple[float, float, float]) -> None:
    by_name: dict[str, list[Row]] = {}
    for row in run.rows:
        by_name.setdefault(row.name, []).append(row)
    reference = by_name.get(REFERENCE, [])
    table = Table(
        title=f"{args.claims:,} generated claims, {args.partitions} partitions, one broker, {args.repeat} repetitions"
    )
    table.add_column("row")
    table.add_column("claims/s, median", justify="right")
    table.add_column("range", justify="right")
    table.add_column(f"of '{REFERENCE_SHORT}', per repetition", justify="right")
    for name, rows in by_name.items():
        rates = sorted(row.rate for row in rows)
        shares = [f"{row.rate / ref.rate:.2f}" for row, ref in zip(rows, reference, strict=False) if ref.rate]
        table.add_row(name, f"{median(rates):,.0f}", f"{rates[0]:,.0f}-{rates[-1]:,.0f}", " ".join(shares))
    console.print(table)
    if run.startups:
        console.print(
            "worker start-up (process start to first output, topic already full): "
            + ", ".join(f"{s:.2f}" for s in run.startups)
            + " s"
        )
    for note in run.notes:
        console.print(note)
    one, two = by_name.get(WORKER, []), by_name.get(TWO_WORKERS, [])
    if one and two:
        factors = " ".join(f"{b.rate / a.rate:.2f}" for a, b in zip(one, two, strict=False))
        console.print(f"scale-out factor, 2 workers / 1 worker, per repetition: {factors}")
    console.print(
        f"cpus {os.cpu_count()}, load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f} "
        "(the machine is shared: compare rows of one repetition, not runs)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
