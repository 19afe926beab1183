"""Read an input range, its outputs and the group's commits from Kafka, and reconcile them (kafka-python).

Order matters: the group's committed offsets are read first, then the output topics' end offsets. The
worker flushes an input's outputs before it commits past that input, so every output of a committed input
is below those end offsets: an input below its committed offset with no record up to them was lost.
Outputs are read from the earliest input's timestamp minus `CLOCK_SLACK` (producers' clocks differ) to
those end offsets; nothing joins or commits to any consumer group.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.admin import OffsetSpec

from workers.reconcile import AuditReport, Coordinates, OutputKind, OutputRef, reconcile
from workers.settings import WorkerSettings
from workers.topics import client_options, group_offsets

AUDITABLE = ("claims_submitted", "remits_received", "x12_raw")
OUTPUT_KINDS = {"claims_validated": OutputKind.OUTPUT, "denials_rework": OutputKind.OUTPUT}
X12_OUTPUTS = ("claims_submitted", "remits_received")  # an X12 file's claims and remittances
CLOCK_SLACK = timedelta(minutes=10)
READ_TIMEOUT = 60.0  # seconds without a record before a read of a non-empty range gives up

Bounds = dict[TopicPartition, tuple[int, int]]  # [start, stop) per partition


class AuditError(RuntimeError):
    """The audit could not be run (a topic is missing, the broker stopped answering)."""


class Tracker(Protocol):
    """Progress of the reads (a rich progress bar in the CLI)."""

    def start(self, label: str, total: int) -> None: ...

    def advance(self, count: int) -> None: ...


class NoProgress:
    def start(self, label: str, total: int) -> None:
        pass

    def advance(self, count: int) -> None:
        pass


@dataclass(frozen=True)
class AuditRange:
    """Which inputs to audit: offsets from `from_offset` and/or timestamps in [since, until)."""

    since: datetime | None = None
    until: datetime | None = None
    from_offset: int | None = None


@dataclass
class AuditResult:
    report: AuditReport
    group: str
    logical: dict[str, str]  # full input topic name -> logical name
    unattributed: Counter[str] = field(default_factory=Counter)  # output topic -> records without coordinates
    records_read: int = 0
    seconds: float = 0.0


def _index(partition: dict[str, Any]) -> int:
    return int(partition["partition_index"])


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def fingerprint(topic: str, key: bytes | None, value: bytes | None) -> bytes:
    """Equal for the identical record of a redelivered input (output ids and bytes are deterministic)."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (topic.encode(), key or b"", value or b""):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.digest()


def source_of(headers: Iterable[tuple[str, bytes]]) -> Coordinates | None:
    """The input coordinates a record's headers carry, or None (written before coordinates existed)."""
    found = {name: value for name, value in headers if name.startswith("source_")}
    try:
        return Coordinates(found["source_topic"].decode(), int(found["source_partition"]), int(found["source_offset"]))
    except (KeyError, ValueError, UnicodeDecodeError):
        return None


class Auditor:
    """One audit run against the cluster of `settings` (security settings included)."""

    def __init__(self, settings: WorkerSettings, tracker: Tracker | None = None) -> None:
        self.settings = settings
        self.tracker = tracker or NoProgress()
        self.names = settings.topics.all_names()

    def run(self, logical_inputs: Iterable[str], scope: AuditRange) -> AuditResult:
        started = time.monotonic()
        logical = {self.names[name]: name for name in logical_inputs}
        options = client_options(self.settings.kafka)
        consumer = KafkaConsumer(**options, enable_auto_commit=False, group_id=None, client_id="dermclaims-audit")
        admin = KafkaAdminClient(**options, client_id="dermclaims-audit")
        try:
            input_tps = [tp for topic in logical for tp in self._partitions(admin, topic, required=True)]
            committed = self._committed(admin, input_tps)  # first: see the module docstring
            output_kinds = self._output_kinds(logical.values())
            output_tps = [tp for topic in output_kinds for tp in self._partitions(admin, topic, required=False)]
            output_end = self._offsets(admin, output_tps, OffsetSpec.LATEST)
            bounds = self._input_bounds(admin, input_tps, scope)
            inputs: list[Coordinates] = []
            earliest: list[int] = []

            def take_input(record: Any) -> None:
                inputs.append(Coordinates(record.topic, record.partition, record.offset))
                if record.timestamp is not None and record.timestamp >= 0:
                    earliest[:] = [min(earliest[0], record.timestamp)] if earliest else [record.timestamp]

            read = self._read(consumer, bounds, take_input, "inputs")
            outputs: list[OutputRef] = []
            result = AuditResult(reconcile([], [], {}), self.settings.app_id, logical)
            x12_targets = {self.names[name] for name in X12_OUTPUTS}
            wanted = {(tp.topic, tp.partition): span for tp, span in bounds.items()}

            def take_output(record: Any) -> None:
                source = source_of(record.headers or ())
                if source is None:
                    if output_kinds[record.topic] is not OutputKind.OUTPUT or record.topic not in x12_targets:
                        result.unattributed[record.topic] += 1  # not a client's claim or remittance: a gap
                    return
                span = wanted.get((source.topic, source.partition))
                if span is not None and span[0] <= source.offset < span[1]:
                    outputs.append(
                        OutputRef(
                            source, output_kinds[record.topic], fingerprint(record.topic, record.key, record.value)
                        )
                    )

            if inputs:
                start = self._output_start(admin, output_tps, output_end, earliest[0] if earliest else None)
                out_bounds = {tp: (start[tp], output_end[tp] or 0) for tp in output_tps}
                read += self._read(consumer, out_bounds, take_output, "outputs")
        finally:
            consumer.close()
            admin.close()
        result.report = reconcile(inputs, outputs, {(tp.topic, tp.partition): committed.get(tp) for tp in input_tps})
        result.records_read = read
        result.seconds = time.monotonic() - started
        return result

    def _output_kinds(self, logical_inputs: Iterable[str]) -> dict[str, OutputKind]:
        """Full name -> kind of every topic that may hold a record naming one of the audited inputs."""
        kinds = {self.names[name]: kind for name, kind in OUTPUT_KINDS.items()}
        kinds[self.names["deadletter"]] = OutputKind.DEAD_LETTER
        kinds[self.settings.ledger_topic] = OutputKind.NO_OUTPUT
        if "x12_raw" in logical_inputs:
            kinds.update({self.names[name]: OutputKind.OUTPUT for name in X12_OUTPUTS})
        return kinds

    @staticmethod
    def _partitions(admin: KafkaAdminClient, topic: str, required: bool) -> list[TopicPartition]:
        if topic not in set(admin.list_topics()):
            if required:
                raise AuditError(f"topic {topic} does not exist; check CLAIMS_TOPICS__PREFIX and the cluster")
            return []
        (described,) = admin.describe_topics([topic])
        return [TopicPartition(topic, p["partition_index"]) for p in sorted(described["partitions"], key=_index)]

    def _committed(self, admin: KafkaAdminClient, tps: list[TopicPartition]) -> dict[TopicPartition, int | None]:
        group = self.settings.app_id
        offsets = group_offsets(admin, group, tps)
        return {tp: (meta.offset if tp in offsets and meta.offset >= 0 else None) for tp, meta in offsets.items()}

    @staticmethod
    def _offsets(admin: KafkaAdminClient, tps: list[TopicPartition], spec: int) -> dict[TopicPartition, int | None]:
        """ListOffsets through the admin client (it routes by fresh metadata; the consumer's lookups drop
        partitions of topics it is not assigned). A time with no message at or after it gives None."""
        if not tps:
            return {}
        found = admin.list_partition_offsets(dict.fromkeys(tps, spec))
        return {tp: (found[tp].offset if tp in found and found[tp].offset >= 0 else None) for tp in tps}

    def _input_bounds(self, admin: KafkaAdminClient, tps: list[TopicPartition], scope: AuditRange) -> Bounds:
        begin, end = self._offsets(admin, tps, OffsetSpec.EARLIEST), self._offsets(admin, tps, OffsetSpec.LATEST)
        bounds = {tp: (max(begin[tp] or 0, scope.from_offset or 0), end[tp] or 0) for tp in tps}
        for moment, side in ((scope.since, 0), (scope.until, 1)):
            if moment is None:
                continue
            for tp, at in self._offsets(admin, tps, _millis(moment)).items():
                offset = (end[tp] or 0) if at is None else at
                start, stop = bounds[tp]
                bounds[tp] = (max(start, offset), stop) if side == 0 else (start, min(stop, offset))
        return bounds

    def _output_start(
        self,
        admin: KafkaAdminClient,
        tps: list[TopicPartition],
        end: dict[TopicPartition, int | None],
        earliest_ms: int | None,
    ) -> dict[TopicPartition, int]:
        """Where the outputs of inputs written from `earliest_ms` on can start (minus the clock slack)."""
        begin = self._offsets(admin, tps, OffsetSpec.EARLIEST)
        since = None if earliest_ms is None else earliest_ms - int(CLOCK_SLACK.total_seconds() * 1000)
        if since is None or since <= 0:
            return {tp: begin[tp] or 0 for tp in tps}
        found = self._offsets(admin, tps, since)
        return {tp: (end[tp] or 0) if found[tp] is None else (found[tp] or 0) for tp in tps}

    def _read(self, consumer: KafkaConsumer, bounds: Bounds, take: Callable[[Any], None], label: str) -> int:
        """Read [start, stop) of every partition (no group, no commit); returns the records read."""
        active = {tp: span for tp, span in bounds.items() if span[0] < span[1]}
        self.tracker.start(label, sum(stop - start for start, stop in active.values()))
        if not active:
            return 0
        consumer.assign(list(active))
        consumer.resume(*active)  # assign() keeps the pause of a partition read by an earlier call
        for tp, (start, _) in active.items():
            consumer.seek(tp, start)
        count, last_record = 0, time.monotonic()
        while active:
            got = 0
            for tp, records in consumer.poll(timeout_ms=500, max_records=5000).items():
                stop = active.get(tp, (0, 0))[1]
                for record in records:
                    if record.offset < stop:
                        take(record)
                        got += 1
            for tp in list(active):
                if consumer.position(tp) >= active[tp][1]:  # also past a transaction marker at the end
                    del active[tp]
                    consumer.pause(tp)
            count += got
            self.tracker.advance(got)
            if got:
                last_record = time.monotonic()
            elif active and time.monotonic() - last_record > READ_TIMEOUT:
                where = ", ".join(f"{tp.topic}[{tp.partition}]@{consumer.position(tp)}" for tp in active)
                raise AuditError(f"no record for {READ_TIMEOUT:.0f}s while reading {label} at {where}")
        return count
