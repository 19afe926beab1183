"""The clock of rework expiry: a faust timer sweeps the `claim-outcomes` table and sends a tick per claim with an
item past its deadline to the internal `<app_id>-rework-clock` topic (keyed by claim_id, so co-partitioned with
the claim's state); the `rework-clock` agent judges each tick like an input, under the same lock as the claims
and remits agents, so the table is only written inside an event and the expiry goes out on the item's rework_id.

The expiry itself is deterministic in the item (its deadline), not in the tick: two ticks, or a tick redelivered
after a crash, give the same revision, or nothing once it is stored. Each claim's own inputs also expire its
overdue items as of their date, so the sweep only matters for claims that go quiet.
`CLAIMS_REWORK__EXPIRY_SWEEP_SECONDS` sets the interval (0: no sweep).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

import faust
import orjson

from workers.loop_state import LoopState
from workers.routing import Outcome, Source
from workers.settings import WorkerSettings

log = logging.getLogger("dermclaims.worker")


def tick_value(as_of: date) -> bytes:
    return orjson.dumps({"as_of": as_of.isoformat()})


def register_expiry_sweep(
    app: faust.App,
    loop: LoopState,
    guarded: Callable[[Any, Callable[[Source, bytes | None], Outcome]], Awaitable[None]],
    settings: WorkerSettings,
    partitions: int,
) -> None:
    """Declare the clock topic and agent, and the sweep timer when the interval is not 0."""
    clock = app.topic(
        f"{settings.app_id}-rework-clock",
        key_type=bytes,
        value_type=bytes,
        partitions=partitions,
        replicas=settings.topics.replication_factor,
        internal=True,
    )

    def handle_tick(source: Source, value: bytes | None) -> Outcome:
        if source.key is None or not value:
            raise ValueError("a rework-clock tick needs the claim_id key and an as_of date")
        return loop.on_tick(source.key.decode(), date.fromisoformat(orjson.loads(value)["as_of"]))

    @app.agent(clock, name="rework-clock", concurrency=1)
    async def clock_agent(stream: Any) -> None:
        await guarded(stream, handle_tick)

    interval = settings.rework.expiry_sweep_seconds
    if interval <= 0:
        return

    async def expiry_sweep() -> None:
        today = datetime.now(UTC).date()
        claims = list(loop.overdue_claims(today))
        for claim_id in claims:
            await clock.send(key=claim_id.encode(), value=tick_value(today))
        if claims:
            log.info("expiry sweep: %d claim(s) with rework items past their deadline", len(claims))

    app.timer(interval=interval, name="dermclaims.rework-expiry")(expiry_sweep)
