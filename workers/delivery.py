"""At-least-once without silent loss: commit only offsets whose messages were all processed.

faust-streaming commits the offsets its agents acknowledged, but it also *infers* offsets it never saw:

- a message whose offset is below the partition's read offset is dropped ("DROPPED MESSAGE ROFF"), and
- a jump in offsets is taken for a compacted or transactional gap and filled in (`Consumer._add_gap`),
  even when the jump comes from records fetched before the partition was positioned after a rebalance.

Together they commit past messages that no agent ever processed (faust-streaming #216, #221, #312; seen
here as 3 lost claims on each of two partitions when a worker died during a rebalance). This module
replaces the inference with a ledger:

- `OffsetLedger` (pure) keeps, per partition, the first offset not yet processed. It advances only over
  acknowledged offsets or over ranges proven empty; that offset is what gets committed.
- `GuardedConsumer` feeds it (the acks faust recorded, positions after each rebalance, revocations) and,
  when a partition has acknowledged offsets beyond a hole for `hole_grace` seconds, reads the hole from the
  log with its own group-less consumer: records found there were skipped, so the partition is sought back
  to re-read them (a redelivery: outputs carry deterministic ids); no record there (transaction markers,
  compaction) means the hole is empty and the ledger steps over it.

`GuardedApp` is a `faust.App` that uses this consumer; nothing else in faust changes.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import aiokafka
import faust
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth, server_list
from faust.types import TP
from faust.types.tuples import ack_lock
from mode import Service

from workers.eager_wait import EagerWaitFirst

log = logging.getLogger("dermclaims.delivery")

#: Seconds a hole may stay open before the log is read to tell a skipped message from an empty offset.
#: Processing is in offset order per partition, so a hole older than a few batches is not in flight.
HOLE_GRACE_SECONDS = 5.0
#: Seconds a partition may go without any processed message while its log holds more before it is checked.
#: Longer than HOLE_GRACE_SECONDS: a partition behind a backlog of others is slow, not stuck.
STALL_GRACE_SECONDS = 15.0
#: How long one verification read of a hole may take.
HOLE_READ_TIMEOUT_SECONDS = 10.0


@dataclass
class _PartitionLedger:
    next_offset: int | None = None  # first offset not known to be processed; None until positioned
    ahead: set[int] = field(default_factory=set)  # processed offsets beyond next_offset
    hole_since: float | None = None  # monotonic time the current hole was first seen
    moved_at: float = 0.0  # monotonic time of the last position, ack or step over a hole


class OffsetLedger:
    """Per partition: the first offset not yet processed, advanced only over processed or empty offsets."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._parts: dict[Any, _PartitionLedger] = {}
        self._clock = clock

    def position(self, tp: Any, offset: int) -> None:
        """The partition will be (re)read from `offset` (its committed offset or the log start)."""
        part = self._parts.setdefault(tp, _PartitionLedger())
        part.next_offset = offset
        part.ahead = {o for o in part.ahead if o > offset}
        part.moved_at = self._clock()
        self._advance(part)

    def processed(self, tp: Any, offset: int) -> None:
        """An agent finished the message at `offset` (its outputs are handed to the producer)."""
        part = self._parts.setdefault(tp, _PartitionLedger())
        if part.next_offset is not None and offset < part.next_offset:
            return
        part.ahead.add(offset)
        part.moved_at = self._clock()
        self._advance(part)

    def skip_empty(self, tp: Any, until: int) -> None:
        """Offsets below `until` hold no record to process (proven by reading the log): step over them."""
        part = self._parts.get(tp)
        if part is None or part.next_offset is None or until <= part.next_offset:
            return
        part.next_offset = until
        part.ahead = {o for o in part.ahead if o >= until}
        self._advance(part)

    def forget(self, tps: Iterable[Any]) -> None:
        """The partitions were revoked: their next owner starts from the committed offsets."""
        for tp in tps:
            self._parts.pop(tp, None)

    def committable(self, tp: Any) -> int | None:
        """The offset to commit: every message below it was processed (or does not exist)."""
        part = self._parts.get(tp)
        return None if part is None else part.next_offset

    def holes(self, older_than: float) -> list[tuple[Any, int, int]]:
        """(tp, first missing offset, first processed offset after it) for holes open `older_than` seconds."""
        now = self._clock()
        found = []
        for tp, part in self._parts.items():
            start, since = part.next_offset, part.hole_since
            if start is not None and since is not None and part.ahead and now - since >= older_than:
                found.append((tp, start, min(part.ahead)))
        return found

    def stalled(self, older_than: float) -> list[tuple[Any, int]]:
        """(tp, first offset not processed) for partitions with nothing processed for `older_than` seconds.

        A hole needs a processed offset after it to be seen; a skipped *last* message has none, so a partition
        that has not moved is checked against its end offset instead (`touch` after each check).
        """
        now = self._clock()
        return [
            (tp, part.next_offset)
            for tp, part in self._parts.items()
            if part.next_offset is not None and not part.ahead and now - part.moved_at >= older_than
        ]

    def touch(self, tp: Any) -> None:
        """The partition was checked (or sought back): wait another period before checking it again."""
        part = self._parts.get(tp)
        if part is not None:
            part.moved_at = self._clock()
            if part.hole_since is not None:
                part.hole_since = part.moved_at

    def _advance(self, part: _PartitionLedger) -> None:
        if part.next_offset is None:
            return
        while part.next_offset in part.ahead:
            part.ahead.discard(part.next_offset)
            part.next_offset += 1
        if not part.ahead:
            part.hole_since = None
        elif part.hole_since is None:
            part.hole_since = self._clock()


class GuardedConsumer(EagerWaitFirst, faust_aiokafka.Consumer):
    """faust's aiokafka consumer, committing what `OffsetLedger` proves processed (see the module doc).

    Its fetch loop hands messages to the streams without a task per message (`workers.eager_wait`).
    """

    hole_grace: ClassVar[float] = HOLE_GRACE_SECONDS
    stall_grace: ClassVar[float] = STALL_GRACE_SECONDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ledger = OffsetLedger()
        self._hole_reader: aiokafka.AIOKafkaConsumer | None = None

    async def perform_seek(self) -> None:
        """Position the ledger where faust positions the partitions: committed offset, else the log start."""
        await super().perform_seek()
        acking = self.app.topics.acks_enabled_for
        assigned = [tp for tp in self.assignment() if acking(tp.topic) and not self._is_changelog_tp(tp)]
        committed = {tp: self._committed_offset.get(tp) for tp in assigned}
        unpositioned = [tp for tp, offset in committed.items() if offset is None]
        starts: Mapping[TP, int] = await self.earliest_offsets(*unpositioned) if unpositioned else {}
        for tp in assigned:
            offset = committed[tp]
            self.ledger.position(tp, offset if offset is not None else int(starts.get(tp, 0)))

    async def _add_gap(self, tp: TP, offset_from: int, offset_to: int) -> None:
        """faust's gap inference is what commits past skipped messages; the ledger decides instead."""

    async def on_partitions_revoked(self, revoked: set[TP]) -> None:
        """Commit what the ledger proves processed before the partitions go.

        faust discards the acks of revoked partitions before it waits for the events in flight, so their
        progress since the last commit would be re-read by the next owner: the acks are kept in the ledger
        before faust drops them, the events still in flight finish, and then the proven offsets are committed.
        """
        for tp in revoked:
            self._feed(tp)
        await super().on_partitions_revoked(revoked)
        offsets = {}
        for tp in revoked:
            self._feed(tp)
            offset = self.ledger.committable(tp)
            if offset is not None:
                offsets[tp] = offset
        try:
            if offsets:
                await self.maybe_wait_for_commit_to_finish()
                done = await self._commit_offsets(offsets)
                log.info("revoked partitions: committed %s (%s)", _describe(offsets), "ok" if done else "not taken")
        except Exception as exc:  # the generation moved on: the next owner re-reads from the last commit
            log.warning("could not commit the progress of revoked partitions; their next owner re-reads it: %r", exc)
        self.ledger.forget(revoked)

    def _feed(self, tp: TP) -> None:
        """Move the offsets faust's acks recorded into the ledger (faust's Cython stream path inlines
        `Consumer.ack`, so they are read from `_acked`, under the lock every ack takes)."""
        with ack_lock:
            acked = self._acked.get(tp)
            if not acked:
                return
            for done in acked:
                self.ledger.processed(tp, done)
            acked.clear()
            self._acked_index[tp].clear()

    def _new_offset(self, tp: TP) -> int | None:
        """The ledger's answer (not faust's gap inference), when it is past the committed offset."""
        self._feed(tp)
        offset = self.ledger.committable(tp)
        committed = self._committed_offset.get(tp)
        if offset is None or (committed is not None and offset <= committed):
            return None
        return offset

    @Service.timer(1.0)
    async def _resolve_holes(self) -> None:
        for tp, start, until in self.ledger.holes(self.hole_grace):
            await self._check(tp, start, until)
        stalled = dict(self.ledger.stalled(self.stall_grace))
        if stalled:
            try:
                ends = await self.highwaters(*stalled)
            except Exception as exc:  # the broker is away: try again on the next tick
                log.warning("could not read the end offsets of %d stalled partitions: %r", len(stalled), exc)
                return
            for tp, start in stalled.items():
                self.ledger.touch(tp)
                end = ends.get(tp)
                if end is not None and end > start:
                    await self._check(tp, start, int(end))

    async def _check(self, tp: TP, start: int, until: int) -> None:
        """Read [start, until) from the log: re-read a skipped record, or step over offsets without one."""
        try:
            found = await self._first_record_in(tp, start, until)
        except Exception as exc:  # the broker is away: try again on the next tick
            log.warning("could not read %s[%s] offsets %d-%d to check a hole: %r", *tp, start, until - 1, exc)
            return
        if found is None:
            log.info("%s[%s] offsets %d-%d hold no record (markers or compaction)", *tp, start, until - 1)
            self.ledger.skip_empty(tp, until)
            self._report(tp.topic, "empty")
            return
        log.warning(
            "%s[%s] offsets %d-%d were not processed although later offsets were or the log holds them "
            "(faust-streaming #216/#312); re-reading from %d before the offset is committed",
            *tp,
            start,
            until - 1,
            found,
        )
        self.ledger.skip_empty(tp, found)
        self.ledger.touch(tp)
        await self.seek(tp, found)
        self._report(tp.topic, "reread")

    def _report(self, topic: str, kind: str) -> None:
        hook = getattr(self.app, "on_offset_hole", None)
        if hook is not None:
            hook(topic, kind)

    async def _first_record_in(self, tp: TP, start: int, until: int) -> int | None:
        """The offset of the first record in [start, until) on the broker, or None when there is none."""
        reader = await self._reader()
        topic_partition = aiokafka.TopicPartition(tp.topic, tp.partition)
        reader.assign([topic_partition])
        reader.seek(topic_partition, start)
        deadline = time.monotonic() + HOLE_READ_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            batch = await reader.getmany(topic_partition, timeout_ms=1000, max_records=1)
            records = batch.get(topic_partition, [])
            if records:
                offset = int(records[0].offset)
                return offset if offset < until else None
            if await reader.position(topic_partition) >= until:
                return None
        raise TimeoutError(f"no answer within {HOLE_READ_TIMEOUT_SECONDS:.0f}s")

    async def _reader(self) -> aiokafka.AIOKafkaConsumer:
        if self._hole_reader is None:
            conf = self.app.conf
            reader = aiokafka.AIOKafkaConsumer(
                bootstrap_servers=server_list(self.transport.url, faust_aiokafka.Transport.default_port),
                client_id=f"{conf.broker_client_id}-hole-reader",
                group_id=None,
                enable_auto_commit=False,
                request_timeout_ms=int(conf.broker_request_timeout * 1000.0),
                **credentials_to_aiokafka_auth(conf.broker_credentials, conf.ssl_context),
            )
            await reader.start()
            self._hole_reader = reader
        return self._hole_reader

    async def on_stop(self) -> None:
        if self._hole_reader is not None:
            with contextlib.suppress(Exception):
                await self._hole_reader.stop()
            self._hole_reader = None
        await super().on_stop()


class GuardedTransport(faust_aiokafka.Transport):
    Consumer = GuardedConsumer


class GuardedApp(faust.App):
    """A faust App whose consumer commits only processed offsets (`GuardedConsumer`).

    `on_offset_hole(topic, kind)`, when set, hears of every resolved hole ("reread" or "empty").
    """

    on_offset_hole: Callable[[str, str], None] | None = None

    def _new_transport(self) -> Any:
        return GuardedTransport(self.conf.broker_consumer, self)


def _describe(offsets: Mapping[TP, int]) -> str:
    return ", ".join(f"{tp.topic}[{tp.partition}]@{offset}" for tp, offset in sorted(offsets.items()))
