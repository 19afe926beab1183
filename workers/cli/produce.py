"""`dermclaims produce FILE --topic T`: JSONL (or X12 files) to a topic, keyed by claim_id, with progress."""

from __future__ import annotations

from pathlib import Path

import click
import orjson


def claim_key(raw: bytes) -> bytes | None:
    """The claim_id of a claim or remittance event (the contract's key), if the line is readable."""
    try:
        document = orjson.loads(raw)
        body = document.get("claim") or document.get("remit") or {}
        claim_id = body.get("claim_id")
        return str(claim_id).encode() if claim_id else None
    except (orjson.JSONDecodeError, AttributeError):
        return None  # bad input is still produced: the worker dead-letters it with the reason


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--topic",
    "topic",
    required=True,
    help="Logical name (claims_submitted, remits_received, x12_raw) or a full topic name.",
)
def produce(files: tuple[Path, ...], topic: str) -> None:
    """Send JSONL events (one per line) to TOPIC. X12 837P/835 files are converted first, claims and
    remittances going to their own topics; with --topic x12_raw the raw file is sent as one message."""
    from kafka import KafkaProducer
    from rich.progress import Progress

    from workers.kafka_access import require_access
    from workers.settings import WorkerSettings
    from workers.topics import client_options

    settings = WorkerSettings()
    names = settings.topics.all_names()
    target = names.get(topic, topic)
    messages: list[tuple[str, bytes | None, bytes]] = []
    issues = 0
    for path in files:
        data = path.read_bytes()
        if target == names["x12_raw"]:
            messages.append((target, path.name.encode(), data))
            continue
        from workers.x12 import convert, looks_like_x12

        if looks_like_x12(data):
            result = convert(data, source=str(path))
            for issue in result.issues:
                issues += 1
                click.echo(
                    f"{issue.source}: segment {issue.segment_number} ({issue.segment_id}): {issue.message}", err=True
                )
            messages += [
                (names["claims_submitted"], e.claim.claim_id.encode(), e.model_dump_json(by_alias=True).encode())
                for e in result.claims
            ]
            messages += [
                (names["remits_received"], e.remit.claim_id.encode(), e.model_dump_json(by_alias=True).encode())
                for e in result.remits
            ]
            continue
        messages += [(target, claim_key(line), line) for line in data.splitlines() if line.strip()]
    require_access(settings.kafka)
    producer = KafkaProducer(
        **client_options(settings.kafka), acks="all", linger_ms=20, max_request_size=4 * 1024 * 1024
    )
    counts: dict[str, int] = {}
    try:
        with Progress(transient=True) as progress:
            task = progress.add_task(f"producing to {target}", total=len(messages))
            for name, key, value in messages:
                producer.send(name, key=key, value=value)
                counts[name] = counts.get(name, 0) + 1
                progress.advance(task)
            producer.flush()
    finally:
        producer.close()
    for name, count in counts.items():
        click.echo(f"produced {count} message(s) to {name}")
    if issues:
        click.echo(f"{issues} X12 issue(s) reported above; those claims/remittances were not produced.", err=True)
