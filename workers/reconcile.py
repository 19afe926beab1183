"""Pure reconciliation of inputs with their outputs: what `dermclaims audit` reports. No Kafka here.

Every output the worker writes carries its input's coordinates (headers `source_topic`, `source_partition`,
`source_offset`; `workers.routing.traced`): a validated claim, a rework item, an event split from an X12
file, a dead letter, or, for an input that legitimately yields nothing, one entry in the internal ledger
topic. So each input offset has at least one record somewhere once it is processed, and the group commits
an offset only after the records of the inputs before it were flushed (at-least-once). Hence:

- an input below the group's committed offset with no record at all was **missing**: skipped, acked and
  lost (the faust prefetch/seek race of issue #11). Lag cannot see it: the offset was committed;
- an input at or above the committed offset is **uncommitted**: not processed yet, or the commit is stuck
  (issue #11 run 2: outputs present, commit far behind); `awaiting` counts those with no record yet;
- an input whose identical record (same topic, key and bytes) appears twice was **duplicated**: redelivered
  and processed again. Harmless (output ids are deterministic, consumers dedupe) but counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple


class Coordinates(NamedTuple):
    """Where an input sits: full topic name, partition, offset."""

    topic: str
    partition: int
    offset: int


class OutputKind(StrEnum):
    OUTPUT = "output"  # a contract output (validated, rework, events split from an X12 file)
    DEAD_LETTER = "dead_letter"
    NO_OUTPUT = "no_output"  # a ledger entry: processed, nothing to emit


@dataclass(frozen=True, slots=True)
class OutputRef:
    """One output record, reduced to what the audit needs: its input, its kind and a digest of
    (output topic, key, value), equal for a redelivered input's identical record."""

    source: Coordinates
    kind: OutputKind
    fingerprint: bytes


@dataclass
class PartitionAudit:
    """The audit of one input partition over the audited range."""

    topic: str
    partition: int
    committed: int | None  # the group's committed offset (next to process); None = never committed
    inputs: int = 0
    with_output: int = 0
    dead_lettered: int = 0
    no_output: int = 0
    duplicated: int = 0
    uncommitted: int = 0
    awaiting: int = 0  # uncommitted and no record yet
    missing: list[int] = field(default_factory=list)
    first_offset: int | None = None
    last_offset: int | None = None


@dataclass
class AuditReport:
    """One row per input partition, ordered by (topic, partition)."""

    partitions: list[PartitionAudit]

    @property
    def missing(self) -> int:
        return sum(len(p.missing) for p in self.partitions)

    def totals(self, topic: str) -> PartitionAudit:
        """The sum of the partitions of one topic (partition -1)."""
        total = PartitionAudit(topic, -1, None)
        for part in self.partitions:
            if part.topic != topic:
                continue
            for name in (
                "inputs",
                "with_output",
                "dead_lettered",
                "no_output",
                "duplicated",
                "uncommitted",
                "awaiting",
            ):
                setattr(total, name, getattr(total, name) + getattr(part, name))
            total.missing.extend(part.missing)
        return total

    def topics(self) -> list[str]:
        return sorted({p.topic for p in self.partitions})


def reconcile(
    inputs: Iterable[Coordinates],
    outputs: Iterable[OutputRef],
    committed: Mapping[tuple[str, int], int | None],
) -> AuditReport:
    """Classify every input by the records that name it and the group's committed offset of its partition.

    `committed` lists every audited partition (a partition with no input in range still gets a row); outputs
    naming an input that is not in `inputs` (outside the range) are ignored.
    """
    kinds: dict[Coordinates, set[OutputKind]] = defaultdict(set)
    seen: dict[Coordinates, set[bytes]] = defaultdict(set)
    duplicated: set[Coordinates] = set()
    for output in outputs:
        kinds[output.source].add(output.kind)
        if output.fingerprint in seen[output.source]:
            duplicated.add(output.source)
        seen[output.source].add(output.fingerprint)
    rows = {key: PartitionAudit(key[0], key[1], offset) for key, offset in committed.items()}
    for source in inputs:
        row = rows.setdefault((source.topic, source.partition), PartitionAudit(source.topic, source.partition, None))
        row.inputs += 1
        row.first_offset = source.offset if row.first_offset is None else min(row.first_offset, source.offset)
        row.last_offset = source.offset if row.last_offset is None else max(row.last_offset, source.offset)
        found = kinds.get(source, set())
        is_committed = row.committed is not None and source.offset < row.committed
        if not is_committed:
            row.uncommitted += 1
        if OutputKind.DEAD_LETTER in found:
            row.dead_lettered += 1
        elif OutputKind.OUTPUT in found:
            row.with_output += 1
        elif OutputKind.NO_OUTPUT in found:
            row.no_output += 1
        elif is_committed:
            row.missing.append(source.offset)
        else:
            row.awaiting += 1
        if source in duplicated:
            row.duplicated += 1
    for row in rows.values():
        row.missing.sort()
    return AuditReport([rows[key] for key in sorted(rows)])


def offset_ranges(offsets: Iterable[int], limit: int = 10) -> str:
    """`1201-1203, 1214-1216` for sorted offsets; at most `limit` ranges, then `(+N more)`."""
    spans: list[list[int]] = []
    for offset in offsets:
        if spans and offset == spans[-1][1] + 1:
            spans[-1][1] = offset
        else:
            spans.append([offset, offset])
    text = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans[:limit])
    return text + (f" (+{len(spans) - limit} more ranges)" if len(spans) > limit else "")
