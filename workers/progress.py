"""Per-partition progress, lag and table-size gauges, refreshed by a faust timer.

A partition can stall silently while its lag grows (quix-streams issue #1124, faust issue #517),
so the worker exports, for every input partition assigned to it:

- `claims_worker_partition_committed_offset`: faust's view of the group's committed offset (the next
  offset to process), or the log start offset while the group has none there (auto_offset_reset=earliest,
  so that is where consumption starts and `end - committed` is still the lag);
- `claims_worker_partition_end_offset`: the log end offset (ListOffsets, one request per refresh);
- `claims_worker_partition_last_progress_timestamp_seconds`: set per input by `emit()` in workers.app,
  and here to the assignment time when a partition is newly assigned, so a partition stuck from the
  start is visible too.

Series of partitions revoked from this worker are removed, so another worker's partition never looks
stalled here. It also exports `claims_worker_table_keys` per state-table partition.

Every refresh is cheap (two in-memory reads, at most two offset requests) and exception-safe: a failure
is logged (once until it recovers) and the worker goes on.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from prometheus_client import Gauge

from workers.metrics import WorkerMetrics

log = logging.getLogger("dermclaims.progress")

DEFAULT_INTERVAL = 5.0  # seconds between refreshes
OFFSETS_TIMEOUT = 10.0  # seconds an offsets request may take before this refresh gives up
ROCKSDB_KEYS = "rocksdb.estimate-num-keys"
TABLE_LABELS = ("table", "partition")

Labels = tuple[str, str]


class ProgressReporter:
    """Refreshes the partition and table gauges of one worker from its faust consumer and tables."""

    def __init__(
        self,
        metrics: WorkerMetrics,
        inputs: Mapping[str, str],
        clock: Callable[[], float] = time.time,
        timeout: float = OFFSETS_TIMEOUT,
    ) -> None:
        """`inputs` maps each input topic's full name to its logical name (the `topic` label)."""
        self.metrics = metrics
        self.inputs = dict(inputs)
        self.clock = clock
        self.timeout = timeout
        self.partitions: set[Labels] = set()  # (topic, partition) assigned at the last refresh
        self.tables: set[Labels] = set()  # (table, partition) exported at the last refresh
        self._failing: set[str] = set()

    async def update(self, consumer: Any, tables: Iterable[Any]) -> None:
        """One refresh of every gauge. Never raises, except cancellation."""
        try:
            await self.update_offsets(consumer)
        except Exception as exc:
            self._failed("partition offsets", exc)
        else:
            self._recovered("partition offsets")
        try:
            self.update_tables(tables)
        except Exception as exc:
            self._failed("table sizes", exc)
        else:
            self._recovered("table sizes")

    async def update_offsets(self, consumer: Any) -> None:
        """Committed and end offsets of the assigned input partitions; forget revoked ones."""
        assigned = {
            tp: (self.inputs[tp.topic], str(tp.partition)) for tp in consumer.assignment() if tp.topic in self.inputs
        }
        current = set(assigned.values())
        gauges = (self.metrics.last_progress, self.metrics.committed_offset, self.metrics.end_offset)
        for gauge in gauges:
            for labels in exported(gauge) - current:  # revoked (or set by an input processed while revoking)
                gauge.remove(*labels)
        now = self.clock()
        for labels in current - exported(self.metrics.last_progress):
            self.metrics.last_progress.labels(*labels).set(now)  # assigned, nothing processed yet: clock starts
        self.partitions = current
        if not assigned:
            return
        # faust's own record of the group's commits (updated on every commit and on assignment); read before
        # the end offsets, so end - committed is never negative.
        known: Mapping[Any, int | None] = getattr(consumer, "_committed_offset", {})
        committed: dict[Any, int | None] = {tp: known.get(tp) for tp in assigned}
        missing = [tp for tp, offset in committed.items() if offset is None]
        if missing:
            earliest = await asyncio.wait_for(consumer.earliest_offsets(*missing), self.timeout)
            committed.update({tp: earliest.get(tp) for tp in missing})
        for tp, labels in assigned.items():
            offset = committed.get(tp)
            if offset is not None:
                self.metrics.committed_offset.labels(*labels).set(offset)
        ends = await asyncio.wait_for(consumer.highwaters(*assigned), self.timeout)
        for tp, labels in assigned.items():
            end = ends.get(tp)
            if end is not None:
                self.metrics.end_offset.labels(*labels).set(end)

    def update_tables(self, tables: Iterable[Any]) -> None:
        """Keys per table partition: each RocksDB partition's estimate, or the memory store's total."""
        current: set[Labels] = set()
        for table in tables:
            store = table.data
            dbs = getattr(store, "_dbs", None)  # faust's RocksDB store keeps one DB per partition
            if isinstance(dbs, Mapping):
                for partition, db in list(dbs.items()):
                    labels = (str(table.name), str(partition))
                    self.metrics.table_keys.labels(*labels).set(int(db.property_int_value(ROCKSDB_KEYS) or 0))
                    current.add(labels)
            else:  # faust's memory store is one dict for all partitions
                data = getattr(store, "data", store)
                labels = (str(table.name), "all")
                self.metrics.table_keys.labels(*labels).set(len(data))
                current.add(labels)
        for labels in exported(self.metrics.table_keys, TABLE_LABELS) - current:
            self.metrics.table_keys.remove(*labels)
        self.tables = current

    def _failed(self, what: str, exc: Exception) -> None:
        if what not in self._failing:
            log.warning("could not refresh %s metrics (%s: %s); the worker goes on", what, type(exc).__name__, exc)
            self._failing.add(what)

    def _recovered(self, what: str) -> None:
        if what in self._failing:
            log.info("%s metrics refresh again", what)
            self._failing.discard(what)


def exported(gauge: Gauge, names: tuple[str, str] = ("topic", "partition")) -> set[Labels]:
    """The (`names`) label values of every series `gauge` exports now."""
    return {
        (sample.labels[names[0]], sample.labels[names[1]]) for family in gauge.collect() for sample in family.samples
    }


def register_progress(
    app: Any, metrics: WorkerMetrics, inputs: Mapping[str, str], interval: float = DEFAULT_INTERVAL
) -> ProgressReporter:
    """Add the refresh timer to a faust app (every worker runs it for its own partitions)."""
    reporter = ProgressReporter(metrics, inputs)

    async def report_progress() -> None:
        await reporter.update(app.consumer, list(app.tables.values()))

    app.timer(interval=interval, name="dermclaims.progress")(report_progress)
    return reporter
