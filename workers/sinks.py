"""Output sinks behind one tiny protocol: memory for tests and the CLI (Kafka: workers.batching)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from workers.routing import Record


class Sink(Protocol):
    async def send(self, records: Iterable[Record]) -> None: ...


class MemorySink:
    """Collects records in order (tests, CLI)."""

    def __init__(self) -> None:
        self.records: list[Record] = []

    async def send(self, records: Iterable[Record]) -> None:
        self.records.extend(records)
