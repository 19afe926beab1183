"""The progress timer's gauges, driven by a stand-in consumer and tables (no Kafka)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

import pytest
from faust.types import TP
from prometheus_client import CollectorRegistry

from rules.testing import default_ruleset
from workers.metrics import PREFIX, WorkerMetrics, build_metrics
from workers.progress import ProgressReporter

INPUTS = {"p.claims.submitted.v1": "claims_submitted", "p.remits.received.v1": "remits_received"}
CLAIMS = "p.claims.submitted.v1"
REMITS = "p.remits.received.v1"


class FakeConsumer:
    """The part of faust's consumer the reporter reads."""

    def __init__(
        self, assigned: set[TP], committed: Mapping[TP, int | None], ends: Mapping[TP, int], earliest: int = 0
    ) -> None:
        self.assigned = assigned
        self._committed_offset = dict(committed)
        self.ends = dict(ends)
        self.earliest = earliest
        self.earliest_asked: list[TP] = []
        self.fail: Exception | None = None

    def assignment(self) -> set[TP]:
        if self.fail is not None:
            raise self.fail
        return set(self.assigned)

    async def highwaters(self, *partitions: TP) -> Mapping[TP, int]:
        return {tp: self.ends[tp] for tp in partitions if tp in self.ends}

    async def earliest_offsets(self, *partitions: TP) -> Mapping[TP, int]:
        self.earliest_asked.extend(partitions)
        return dict.fromkeys(partitions, self.earliest)


class FakeTable:
    def __init__(self, name: str, data: Any) -> None:
        self.name = name
        self.data = data


class MemoryStore:
    def __init__(self, keys: int) -> None:
        self.data = {str(n).encode(): b"" for n in range(keys)}


class RocksDB:
    def __init__(self, estimate: int) -> None:
        self.estimate = estimate

    def property_int_value(self, name: str) -> int:
        assert name == "rocksdb.estimate-num-keys"
        return self.estimate


class RocksStore:
    def __init__(self, dbs: dict[int, RocksDB]) -> None:
        self._dbs = dbs


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def metrics() -> WorkerMetrics:
    return build_metrics(CollectorRegistry(), default_ruleset(), "0")


def series(metrics: WorkerMetrics, name: str) -> dict[tuple[str, str], float]:
    return {
        (s.labels.get("topic", s.labels.get("table", "")), s.labels["partition"]): s.value
        for family in metrics.registry.collect()
        for s in family.samples
        if s.name == PREFIX + name
    }


def refresh(reporter: ProgressReporter, consumer: Any, tables: list[Any] | None = None) -> None:
    asyncio.run(reporter.update(consumer, tables or []))


class TestOffsets:
    def test_committed_and_end_offsets_per_assigned_input_partition(self, metrics: WorkerMetrics) -> None:
        """Each assigned input partition exports committed and end offsets; changelog partitions are ignored."""
        a, b, changelog = TP(CLAIMS, 0), TP(REMITS, 1), TP("p-claims-changelog", 0)
        consumer = FakeConsumer({a, b, changelog}, {a: 7, b: 2, changelog: 50}, {a: 10, b: 2, changelog: 50})
        refresh(ProgressReporter(metrics, INPUTS, clock=Clock(100.0)), consumer)
        assert series(metrics, "partition_committed_offset") == {
            ("claims_submitted", "0"): 7.0,
            ("remits_received", "1"): 2.0,
        }
        assert series(metrics, "partition_end_offset") == {
            ("claims_submitted", "0"): 10.0,
            ("remits_received", "1"): 2.0,
        }

    def test_no_commit_yet_reports_the_log_start(self, metrics: WorkerMetrics) -> None:
        """A partition the group never committed reports its log start offset, so end - committed is the lag."""
        a = TP(CLAIMS, 0)
        consumer = FakeConsumer({a}, {a: None}, {a: 40}, earliest=12)
        refresh(ProgressReporter(metrics, INPUTS), consumer)
        assert [a] == consumer.earliest_asked
        assert series(metrics, "partition_committed_offset") == {("claims_submitted", "0"): 12.0}
        assert series(metrics, "partition_end_offset") == {("claims_submitted", "0"): 40.0}

    def test_revoked_partitions_are_forgotten(self, metrics: WorkerMetrics) -> None:
        """After a rebalance the partitions this worker lost disappear from every partition gauge."""
        a, b = TP(CLAIMS, 0), TP(CLAIMS, 1)
        consumer = FakeConsumer({a, b}, {a: 1, b: 1}, {a: 1, b: 1})
        reporter = ProgressReporter(metrics, INPUTS)
        refresh(reporter, consumer)
        metrics.last_progress.labels(topic="claims_submitted", partition="1").set(5.0)
        consumer.assigned = {a}
        refresh(reporter, consumer)
        for name in ("partition_committed_offset", "partition_end_offset", "partition_last_progress_timestamp_seconds"):
            assert {("claims_submitted", "0")} == set(series(metrics, name)), name


class TestLastProgress:
    def test_newly_assigned_partition_starts_its_clock_at_assignment(self, metrics: WorkerMetrics) -> None:
        """An idle, newly assigned partition gets the assignment time, so a partition stuck from the start shows."""
        a = TP(CLAIMS, 0)
        clock = Clock(1000.0)
        reporter = ProgressReporter(metrics, INPUTS, clock=clock)
        refresh(reporter, FakeConsumer({a}, {a: 0}, {a: 0}))
        clock.now = 2000.0
        refresh(reporter, FakeConsumer({a}, {a: 0}, {a: 0}))
        assert series(metrics, "partition_last_progress_timestamp_seconds") == {("claims_submitted", "0"): 1000.0}

    def test_progress_recorded_by_the_agent_is_kept(self, metrics: WorkerMetrics) -> None:
        """A partition whose input was already processed keeps that time (the refresh does not move it)."""
        a = TP(CLAIMS, 0)
        metrics.last_progress.labels(topic="claims_submitted", partition="0").set(900.0)
        refresh(ProgressReporter(metrics, INPUTS, clock=Clock(1000.0)), FakeConsumer({a}, {a: 3}, {a: 3}))
        assert series(metrics, "partition_last_progress_timestamp_seconds") == {("claims_submitted", "0"): 900.0}


class TestTables:
    def test_memory_store_total_and_rocksdb_per_partition(self, metrics: WorkerMetrics) -> None:
        """The memory store reports its total as partition=all; RocksDB each partition's estimate."""
        tables = [
            FakeTable("claims", MemoryStore(5)),
            FakeTable("rework-sent", RocksStore({0: RocksDB(3), 2: RocksDB(8)})),
        ]
        refresh(ProgressReporter(metrics, INPUTS), FakeConsumer(set(), {}, {}), tables)
        assert series(metrics, "table_keys") == {
            ("claims", "all"): 5.0,
            ("rework-sent", "0"): 3.0,
            ("rework-sent", "2"): 8.0,
        }

    def test_closed_partition_db_is_forgotten(self, metrics: WorkerMetrics) -> None:
        """A RocksDB partition closed on revocation disappears from the gauge."""
        store = RocksStore({0: RocksDB(3), 1: RocksDB(4)})
        reporter = ProgressReporter(metrics, INPUTS)
        refresh(reporter, FakeConsumer(set(), {}, {}), [FakeTable("claims", store)])
        del store._dbs[1]
        refresh(reporter, FakeConsumer(set(), {}, {}), [FakeTable("claims", store)])
        assert series(metrics, "table_keys") == {("claims", "0"): 3.0}


class TestFailures:
    def test_a_failing_consumer_never_raises_and_tables_still_refresh(
        self, metrics: WorkerMetrics, caplog: pytest.LogCaptureFixture
    ) -> None:
        """A consumer error is logged once, the refresh returns, and the table gauges are still updated."""
        consumer = FakeConsumer(set(), {}, {})
        consumer.fail = RuntimeError("consumer not started")
        reporter = ProgressReporter(metrics, INPUTS)
        with caplog.at_level(logging.WARNING, logger="dermclaims.progress"):
            refresh(reporter, consumer, [FakeTable("claims", MemoryStore(2))])
            refresh(reporter, consumer, [FakeTable("claims", MemoryStore(2))])
        assert sum("could not refresh partition offsets" in r.getMessage() for r in caplog.records) == 1
        assert series(metrics, "table_keys") == {("claims", "all"): 2.0}

    def test_a_hanging_offsets_request_times_out(self, metrics: WorkerMetrics) -> None:
        """An end-offsets request that hangs is abandoned after the timeout; the worker is not blocked."""
        a = TP(CLAIMS, 0)

        class Hanging(FakeConsumer):
            async def highwaters(self, *partitions: TP) -> Mapping[TP, int]:
                await asyncio.sleep(60)
                return {}

        reporter = ProgressReporter(metrics, INPUTS, timeout=0.05)
        refresh(reporter, Hanging({a}, {a: 4}, {}))
        assert series(metrics, "partition_committed_offset") == {("claims_submitted", "0"): 4.0}
        assert series(metrics, "partition_end_offset") == {}

    def test_a_broken_table_store_is_contained(self, metrics: WorkerMetrics) -> None:
        """A store that raises does not stop the offsets refresh."""

        class Broken:
            @property
            def data(self) -> Any:
                raise OSError("rocksdb closed")

            name = "claims"

        a = TP(CLAIMS, 0)
        refresh(ProgressReporter(metrics, INPUTS), FakeConsumer({a}, {a: 1}, {a: 1}), [Broken()])
        assert series(metrics, "partition_end_offset") == {("claims_submitted", "0"): 1.0}
