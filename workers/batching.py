"""The agents' loop, a batch at a time: judge each input in order, hand its outputs to the producer without
waiting for them, wait once for the whole batch's deliveries, then count the batch.

Per event the worker used to await one faust `Topic.send` per output and update a dozen metric series; per
batch, outputs go straight to the producer (`faust` transport producer, the same partitioner and the same
bytes), and counters move once per label value.

At-least-once, nothing lost:

- the events of a batch come from `Stream.take_events`, which acknowledges them only when the next batch is
  asked for, i.e. after `run` returned: after every output of the batch was delivered (the broker answered).
  `workers.delivery` commits only acknowledged offsets, and faust flushes the producer before a commit.
- an output the producer refuses at once (too large...) dead-letters its input instead, as before; if even
  the dead letter is refused, a delivery fails after the producer's own retries, or anything else stops the
  batch (a table write...), the process exits without acknowledging the batch (like kill -9): the batch is
  redelivered after the restart. An exception leaving the agent would instead end `take_events`, which acks.
- tables: faust finds the partition of a table write from the "current event" (a context variable);
  `take_events` iterates the stream in a task of its own, so the agent's task makes each input of the batch
  its current event before judging it. Only the agent task's context changes: `Stream.current_event`, which
  the background iteration reads, is left alone.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from faust.streams import _current_event

from schemas import DeadLetterReason
from workers.metrics import WorkerMetrics
from workers.routing import InputError, Outcome, Record, Source, dead_letter, traced

log = logging.getLogger("dermclaims.worker")

#: Exit status when outputs cannot be produced: no commit happens, the supervisor restarts the worker.
EX_SOFTWARE = 70

Handle = Callable[[Source, bytes | None], Outcome]


class OutputProducer:
    """Hands records to the faust transport producer (the one faust flushes before committing offsets).

    `send` returns the delivery futures; a record the producer refuses at once raises.
    """

    def __init__(self, producer: Any, names: Mapping[str, str]) -> None:
        self._producer = producer
        self._names = names  # logical -> full topic name

    async def send(self, records: Iterable[Record]) -> list[asyncio.Future[Any]]:
        pending = []
        for record in records:
            pending.append(
                await self._producer.send(
                    self._names[record.topic],
                    key=record.key,
                    value=record.value,
                    partition=None,
                    timestamp=None,
                    headers=list(record.headers),
                )
            )
        return pending


@dataclass
class _Tally:
    """What a batch did, counted once per label value when the batch is delivered."""

    produced: Counter[str] = field(default_factory=Counter)
    dead_letters: Counter[str] = field(default_factory=Counter)
    consumed: Counter[tuple[str, str]] = field(default_factory=Counter)
    partitions: set[tuple[str, int]] = field(default_factory=set)
    latencies: list[tuple[str, Any]] = field(default_factory=list)


@dataclass
class BatchStep:
    """One agent's step over a batch of events (the agents share `lock`, `rework_state` and the producer)."""

    output: OutputProducer
    metrics: WorkerMetrics
    version: str
    full_to_logical: Mapping[str, str]
    lock: asyncio.Lock
    delivered: Callable[[Outcome], None]  # records what an input produced once it was handed to the producer

    async def run(self, events: Sequence[Any], handle: Handle) -> None:
        """Judge, send and record every event of the batch in order, then wait for the deliveries."""
        pending: list[asyncio.Future[Any]] = []
        tally = _Tally()
        try:
            # The claims and remits agents read and write the same tables: one batch at a time is judged, sent
            # and recorded, so a remittance never slips between a claim's re-judging and the tables' update.
            async with self.lock:
                for event in events:
                    token = _current_event.set(weakref.ref(event))  # the partition of this input's table writes
                    try:
                        await self._one(event, handle, pending, tally)
                    finally:
                        _current_event.reset(token)
            await self._wait_delivered(pending)
            self._count(tally)
        except asyncio.CancelledError:
            raise
        except Exception:  # escaping, it would end the agent and `take_events` would ack the batch: a loss
            log.critical("the batch could not be finished; exiting so its inputs are redelivered", exc_info=True)
            os._exit(EX_SOFTWARE)

    async def _one(self, event: Any, handle: Handle, pending: list[asyncio.Future[Any]], tally: _Tally) -> None:
        message = event.message
        source = Source(message.topic, message.partition, message.offset, message.key)
        try:
            outcome = handle(source, event.value)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug, not a verdict: dead-letter it and keep consuming
            log.exception("processing failed at %s[%s]@%s", source.topic, source.partition, source.offset)
            error = InputError(DeadLetterReason.PROCESSING_ERROR, type(exc).__name__, str(exc))
            outcome = Outcome([dead_letter(source, event.value, error, self.version)], failed=error.reason)
        delivered = await self._send(outcome, source, event.value, pending)
        if delivered is outcome:  # only what was handed to the producer is remembered (a replay produces the rest)
            self.delivered(outcome)
            self.metrics.observe_rework(outcome.rework, outcome.waiting)
        for record in delivered.records:
            tally.produced[record.topic] += 1
        if delivered.failed is not None:
            tally.dead_letters[delivered.failed.value] += 1
        logical = self.full_to_logical.get(source.topic, source.topic)
        if delivered.occurred_at is not None:
            tally.latencies.append((logical, delivered.occurred_at))
        tally.consumed[(logical, "failed" if delivered.failed else "accepted")] += 1
        if source.partition is not None:
            tally.partitions.add((logical, source.partition))

    async def _send(
        self, outcome: Outcome, source: Source, raw: bytes | None, pending: list[asyncio.Future[Any]]
    ) -> Outcome:
        """Hand the outputs to the producer; an output it refuses (e.g. too large) dead-letters the input."""
        try:
            pending.extend(await self.output.send(traced(outcome.records, source)))  # source coordinates on all
            return outcome
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("could not produce the outputs of %s[%s]@%s", source.topic, source.partition, source.offset)
            error = InputError(DeadLetterReason.PROCESSING_ERROR, type(exc).__name__, f"output not produced: {exc}")
            fallback = Outcome([dead_letter(source, raw, error, self.version)], failed=error.reason)
            try:
                pending.extend(await self.output.send(fallback.records))
            except Exception:
                log.critical("the dead-letter topic refuses writes too; exiting so the input is redelivered")
                os._exit(EX_SOFTWARE)
            return fallback

    async def _wait_delivered(self, pending: list[asyncio.Future[Any]]) -> None:
        """Every output of the batch is on the broker, or the process exits before the batch is acknowledged."""
        if not pending:
            return
        results = await asyncio.gather(*pending, return_exceptions=True)
        failed = [result for result in results if isinstance(result, BaseException)]
        if failed:
            log.critical(
                "%d of %d outputs were not delivered (%r); exiting so their inputs are redelivered",
                len(failed),
                len(results),
                failed[0],
            )
            os._exit(EX_SOFTWARE)

    def _count(self, tally: _Tally) -> None:
        metrics = self.metrics
        for topic, count in tally.produced.items():
            metrics.events_produced.labels(topic=topic).inc(count)
        for reason, count in tally.dead_letters.items():
            metrics.dead_letters.labels(reason=reason).inc(count)
        now = time.time()
        for topic, occurred_at in tally.latencies:
            metrics.observe_latency(topic, occurred_at, now)
        for (topic, outcome), count in tally.consumed.items():
            metrics.events_consumed.labels(topic=topic, outcome=outcome).inc(count)
        for topic, partition in tally.partitions:
            metrics.last_progress.labels(topic=topic, partition=str(partition)).set(now)


async def run_agent(stream: Any, step: BatchStep, handle: Handle, max_events: int, within: float) -> None:
    """An agent's body: batches of at most `max_events` events, or what came within `within` seconds."""
    async for events in stream.take_events(max_events, within):
        await step.run(events, handle)
