"""Run the real worker as a subprocess and read its output topics (integration tests only)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from workers.settings import KafkaSettings, TopicSettings
from workers.topics import create_topics, group_caught_up, group_offsets


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Deployment:
    """One isolated worker deployment: its own topic prefix, app id (consumer group) and data dir."""

    bootstrap: str
    prefix: str
    data_dir: Path
    partitions: int = 3
    store_url: str = "memory://"
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    by_suffix: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)  # the latest worker per data dir
    log_files: list[Any] = field(default_factory=list)

    @property
    def topics(self) -> TopicSettings:
        return TopicSettings(prefix=f"{self.prefix}.", partitions=self.partitions)

    def topic(self, logical: str) -> str:
        return self.topics.all_names()[logical]

    def env(
        self, metrics_port: int = 0, data_suffix: str = "", extra: Mapping[str, str] | None = None
    ) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            CLAIMS_APP_ID=self.prefix,
            CLAIMS_KAFKA__BOOTSTRAP_SERVERS=self.bootstrap,
            CLAIMS_TOPICS__PREFIX=f"{self.prefix}.",
            CLAIMS_TOPICS__PARTITIONS=str(self.partitions),
            CLAIMS_STORE_URL=self.store_url,
            CLAIMS_DATA_DIR=str(self.data_dir / f"worker{data_suffix}"),
            CLAIMS_METRICS__PORT=str(metrics_port),
            CLAIMS_METRICS__HOST="127.0.0.1",
            CLAIMS_LOG_LEVEL="INFO",
        )
        env.update(extra or {})
        return env

    def create_topics(self) -> None:
        create_topics(KafkaSettings(bootstrap_servers=self.bootstrap), self.topics)

    def start_worker(
        self, metrics_port: int = 0, data_suffix: str = "", extra_env: Mapping[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        log = (self.data_dir / f"worker{data_suffix}-{len(self.processes)}.log").open("wb")
        self.log_files.append(log)
        process = subprocess.Popen(
            [sys.executable, "-m", "workers.cli", "worker"],
            env=self.env(metrics_port, data_suffix, extra_env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        self.by_suffix[data_suffix] = process
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self.log_files:
            log.close()
        self.log_files.clear()

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-4000:] for p in sorted(self.data_dir.glob("*.log")))

    def produce(self, logical: str, messages: Iterable[tuple[bytes | None, bytes | None]]) -> int:
        producer = KafkaProducer(
            bootstrap_servers=self.bootstrap, acks="all", linger_ms=10, max_request_size=4 * 1024 * 1024
        )
        count = 0
        for key, value in messages:
            producer.send(self.topic(logical), key=key, value=value)
            count += 1
        producer.flush()
        producer.close()
        return count

    def send(self, messages: Iterable[tuple[str, bytes, bytes]]) -> list[tuple[str, int, int]]:
        """Produce (logical topic, key, value) messages; the (topic, partition, offset) each was written at."""
        producer = KafkaProducer(bootstrap_servers=self.bootstrap, acks="all", linger_ms=10)
        futures = [producer.send(self.topic(logical), key=key, value=value) for logical, key, value in messages]
        producer.flush()
        written = [future.get(timeout=30) for future in futures]
        producer.close()
        return [(meta.topic, meta.partition, meta.offset) for meta in written]

    def committed(self, logicals: Iterable[str]) -> dict[tuple[str, int], int]:
        """The worker group's committed offset per (topic, partition) of the given input topics (0 if none)."""
        from kafka import KafkaAdminClient

        partitions = [TopicPartition(self.topic(name), p) for name in logicals for p in range(self.partitions)]
        admin = KafkaAdminClient(bootstrap_servers=self.bootstrap)
        try:
            found = group_offsets(admin, self.prefix, partitions)
        finally:
            admin.close()
        return {(tp.topic, tp.partition): max(found[tp].offset, 0) if tp in found else 0 for tp in partitions}

    def wait_committed(self, logical: str, timeout: float = 60.0) -> None:
        """Wait until the worker's consumer group has committed every message of the topic (all processed)."""
        from kafka import KafkaAdminClient

        name = self.topic(logical)
        partitions = [TopicPartition(name, p) for p in range(self.partitions)]
        consumer = KafkaConsumer(bootstrap_servers=self.bootstrap)
        end = consumer.end_offsets(partitions)
        consumer.close()
        admin = KafkaAdminClient(bootstrap_servers=self.bootstrap)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if group_caught_up(admin, self.prefix, end):
                    return
                time.sleep(0.5)
        finally:
            admin.close()
        raise AssertionError(f"the worker did not commit all of {name} within {timeout}s\n{self.logs()}")

    def consume(self, logical: str, expected: int, timeout: float = 90.0, distinct: str | None = None) -> list[Any]:
        """Read the whole topic from the beginning until `expected` messages (or the timeout).

        With `distinct` (a JSON field such as "source_event_id"), wait for `expected` distinct values of that
        field instead: redelivered duplicates do not count towards the goal.
        """
        consumer = KafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False, consumer_timeout_ms=1000)
        name = self.topic(logical)
        partitions = [TopicPartition(name, p) for p in range(self.partitions)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        records: list[Any] = []
        deadline = time.monotonic() + timeout
        seen: set[Any] = set()
        while (len(seen) if distinct else len(records)) < expected and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
                if distinct:
                    seen.update(orjson.loads(record.value).get(distinct) for record in batch)
        consumer.close()
        return records


def values(records: list[Any]) -> list[dict[str, Any]]:
    return [orjson.loads(r.value) for r in records]
