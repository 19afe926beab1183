"""Output sinks behind one tiny protocol: Kafka via faust, or memory for tests and the CLI."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from workers.routing import Record


class Sink(Protocol):
    async def send(self, records: Iterable[Record]) -> None: ...


class MemorySink:
    """Collects records in order (tests, CLI)."""

    def __init__(self) -> None:
        self.records: list[Record] = []

    async def send(self, records: Iterable[Record]) -> None:
        self.records.extend(records)


class FaustSink:
    """Sends records to faust topics; faust flushes the producer before it commits the input offset."""

    def __init__(self, topics: Mapping[str, Any]) -> None:
        self._topics = topics

    async def send(self, records: Iterable[Record]) -> None:
        for record in records:
            await self._topics[record.topic].send(key=record.key, value=record.value, headers=list(record.headers))
