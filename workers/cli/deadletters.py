"""`dermclaims deadletters show|replay`: inspect the dead-letter topic and re-send inputs once fixed."""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Iterator
from typing import Any

import click


def _read_all(settings: Any) -> Iterator[tuple[int, int, dict[str, Any]]]:
    """Every dead letter, from the beginning, without joining a consumer group: (partition, offset, letter)."""
    from kafka import KafkaConsumer, TopicPartition

    from schemas import DeadLetter
    from workers.kafka_access import require_access
    from workers.topics import client_options

    topic = settings.topics.name(settings.topics.deadletter)
    require_access(settings.kafka)
    consumer = KafkaConsumer(**client_options(settings.kafka), enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not partitions:
            raise click.ClickException(f"topic {topic} does not exist; check CLAIMS_TOPICS__PREFIX")
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end = consumer.end_offsets(partitions)
        remaining = {tp for tp in partitions if end[tp] > 0}
        while remaining:
            for tp, records in consumer.poll(timeout_ms=1000).items():
                for record in records:
                    if record.offset + 1 >= end[tp]:
                        remaining.discard(tp)
                    try:
                        letter = DeadLetter.model_validate_json(record.value).model_dump(mode="json", by_alias=True)
                    except ValueError:
                        click.echo(
                            f"skipped {topic}[{record.partition}]@{record.offset}: not a deadletter.v1 event", err=True
                        )
                        continue
                    yield record.partition, record.offset, letter
    finally:
        consumer.close()


def _matches(letter: dict[str, Any], reason: str | None, error_type: str | None, rule_code: str | None) -> bool:
    return (
        (reason is None or letter["reason"] == reason)
        and (error_type is None or letter["error_type"] == error_type)
        and (rule_code is None or letter.get("rule_code") == rule_code)
    )


_FILTERS = [
    click.option("--reason", type=click.Choice(["deserialize_error", "schema_invalid", "processing_error"])),
    click.option("--error-type", help="e.g. ValidationError, MissingKey, RuleCrashError"),
    click.option("--rule-code", help="dead letters of one crashing rule, e.g. BND001"),
]


def _with_filters(command: Any) -> Any:
    for option in reversed(_FILTERS):
        command = option(command)
    return command


@click.group()
def deadletters() -> None:
    """Inspect and replay the dead-letter topic (nothing that fails is dropped)."""


@deadletters.command()
@_with_filters
@click.option("--limit", default=50, show_default=True, help="rows to show (the counts cover all)")
def show(reason: str | None, error_type: str | None, rule_code: str | None, limit: int) -> None:
    """Counts by reason and error type, and the latest dead letters as a table (no payloads: they may hold PHI)."""
    from rich.console import Console
    from rich.table import Table

    from workers.settings import WorkerSettings

    rows = [
        (partition, offset, letter)
        for partition, offset, letter in _read_all(WorkerSettings())
        if _matches(letter, reason, error_type, rule_code)
    ]
    console = Console()
    counts = Counter((letter["reason"], letter["error_type"]) for _, _, letter in rows)
    summary = Table("reason", "error type", "count", title=f"{len(rows)} dead letter(s)")
    for (why, kind), count in counts.most_common():
        summary.add_row(why, kind, str(count))
    console.print(summary)
    table = Table("dl p@offset", "reason", "error", "rule", "source", "message", title=f"latest {limit}")
    for partition, offset, letter in rows[-limit:]:
        source = f"{letter['source_topic']}[{letter['source_partition']}]@{letter['source_offset']}"
        table.add_row(
            f"{partition}@{offset}",
            letter["reason"],
            letter["error_type"],
            letter.get("rule_code") or "",
            source,
            letter["error_message"][:200],
        )
    console.print(table)


@deadletters.command()
@_with_filters
@click.option("--dry-run", is_flag=True, help="list what would be replayed, send nothing")
def replay(reason: str | None, error_type: str | None, rule_code: str | None, dry_run: bool) -> None:
    """Re-send the original bytes of the selected dead letters to their source topics, with their keys.

    Replay after the cause is fixed (a new ruleset, a corrected table); an input replayed unchanged into the
    same bug is dead-lettered again. Truncated payloads (over 512 KiB) are listed, not replayed.
    """
    from kafka import KafkaProducer

    from workers.settings import WorkerSettings
    from workers.topics import client_options

    settings = WorkerSettings()
    selected = [letter for _, _, letter in _read_all(settings) if _matches(letter, reason, error_type, rule_code)]
    truncated = [letter for letter in selected if letter.get("payload_truncated")]
    sendable = [letter for letter in selected if not letter.get("payload_truncated")]
    for letter in truncated:
        click.echo(
            f"not replayable (payload truncated): {letter['source_topic']}[{letter['source_partition']}]"
            f"@{letter['source_offset']}",
            err=True,
        )
    if dry_run:
        click.echo(f"would replay {len(sendable)} dead letter(s); {len(truncated)} truncated")
        return
    producer = KafkaProducer(**client_options(settings.kafka), acks="all", max_request_size=4 * 1024 * 1024)
    try:
        for letter in sendable:
            key = letter["source_key"].encode() if letter.get("source_key") is not None else None
            producer.send(letter["source_topic"], key=key, value=base64.b64decode(letter["payload"]))
        producer.flush()
    finally:
        producer.close()
    click.echo(f"replayed {len(sendable)} dead letter(s) to their source topics; {len(truncated)} truncated")
