"""`dermclaims audit`: reconcile a range of inputs with their outputs, dead letters and the group's commits.

Lag compares the committed offset with the end offset: an input the worker skipped but committed past is
invisible to it. The audit maps every input offset to the records that name it (`workers/reconcile.py`)
and prints what is missing, duplicated or uncommitted; it exits 1 when an input was lost. `--serve` runs it
every `--every` seconds and exports the result to Prometheus (`claims_worker_audit_*`).
"""

from __future__ import annotations

import logging
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import click

from workers.audit import AUDITABLE, AuditRange, AuditResult
from workers.reconcile import PartitionAudit, offset_ranges

log = logging.getLogger("dermclaims.audit")
_RELATIVE = re.compile(r"^(\d+)([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_time(text: str | None, now: datetime | None = None) -> datetime | None:
    """`24h`, `30m`, `7d`, `90s` (that long before now) or an ISO 8601 time (naive = UTC)."""
    if text is None:
        return None
    now = now or datetime.now(UTC)
    relative = _RELATIVE.match(text.strip())
    if relative:
        return now - timedelta(**{_UNITS[relative.group(2)]: int(relative.group(1))})
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise click.BadParameter(f"{text!r}: use 24h, 30m, 7d, 90s or an ISO 8601 time like 2026-03-02T10:00") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class RichTracker:
    """One progress bar per read (inputs, then outputs), on stderr, gone when done."""

    def __init__(self, progress: Any) -> None:
        self.progress = progress
        self.task: Any = None

    def start(self, label: str, total: int) -> None:
        if self.task is not None:
            self.progress.update(self.task, completed=self.progress.tasks[self.task].total)
        self.task = self.progress.add_task(f"reading {label}", total=total)

    def advance(self, count: int) -> None:
        self.progress.advance(self.task, count)


def _row(table: Any, logical: str, part: PartitionAudit, show: int) -> None:
    from rich.text import Text

    missing = len(part.missing)
    span = "" if part.first_offset is None else f"{part.first_offset}-{part.last_offset}"
    table.add_row(
        logical,
        "all" if part.partition < 0 else str(part.partition),
        "" if part.partition < 0 else ("none" if part.committed is None else str(part.committed)),
        span,
        str(part.inputs),
        str(part.with_output),
        str(part.dead_lettered),
        str(part.no_output),
        Text(str(missing), style="bold red" if missing else "green"),
        Text(str(part.duplicated), style="yellow" if part.duplicated else ""),
        f"{part.uncommitted} ({part.awaiting})" if part.uncommitted else "0",
        Text(offset_ranges(part.missing, show), style="red") if part.partition >= 0 else "",
    )


def render(result: AuditResult, bootstrap: str, show: int) -> None:
    """The per-partition table, then what the numbers mean and, on a loss, what to do."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    console = Console()
    report = result.report
    table = Table(
        box=box.SIMPLE_HEAD,
        title=f"audit of group {result.group}: {result.records_read:,} records read in {result.seconds:.1f} s",
    )
    for column in ("topic", "p", "committed", "offsets", "inputs", "output", "dead-lettered", "no output"):
        table.add_column(column, justify="left" if column in ("topic", "offsets") else "right")
    table.add_column("MISSING", justify="right")
    table.add_column("duplicated", justify="right")
    table.add_column("uncommitted (no output yet)", justify="right")
    table.add_column("missing offsets")
    for topic in report.topics():
        logical = result.logical.get(topic, topic)
        for part in report.partitions:
            if part.topic == topic:
                _row(table, logical, part, show)
        _row(table, logical, report.totals(topic), show)
        table.add_section()
    console.print(table)
    for topic, count in sorted(result.unattributed.items()):
        console.print(
            f"[yellow]{count:,} record(s) in {topic} carry no source coordinates (written before the worker set them):"
            " inputs they answer look missing. Audit a range that starts after the upgrade (--since).[/]"
        )
    if report.missing == 0:
        console.print(
            "[green]nothing lost:[/] every committed input has an output, a dead letter or a ledger entry. "
            "Uncommitted inputs are not processed yet (see lag), or the group's commit is stuck if their output exists."
        )
        return
    console.print(
        f"[bold red]{report.missing:,} input(s) lost:[/] group {result.group} committed past them, and no output, "
        "dead letter or ledger entry names them. To process them again, stop every worker of the group (the broker "
        "refuses the reset while it has members), rewind each partition to its first missing offset, then start the "
        "workers; the inputs after it are processed again with the same output ids (consumers dedupe on them):"
    )
    for part in report.partitions:
        if part.missing:
            console.print(
                f"  kafka-consumer-groups.sh --bootstrap-server {bootstrap} --group {result.group} --reset-offsets "
                f"--topic {part.topic}:{part.partition} --to-offset {part.missing[0]} --execute",
                soft_wrap=True,
                highlight=False,
            )
    console.print("Then run this audit again: the missing count must be 0.")


def serve_metrics(
    settings: Any, inputs: list[str], since: str | None, until: str | None, every: float, port: int
) -> None:
    """Audit every `every` seconds and export the result (a failed run is logged, counted and retried)."""
    from prometheus_client import CollectorRegistry, start_http_server

    from workers.audit import Auditor
    from workers.bootstrap import configure_logging
    from workers.metrics import build_audit_metrics

    configure_logging(settings.log_level)
    registry = CollectorRegistry()
    metrics = build_audit_metrics(registry, every, inputs)
    start_http_server(port, addr=settings.metrics.host, registry=registry)
    log.info(
        "audit metrics on http://%s:%d/metrics; auditing %s every %.0f s", settings.metrics.host, port, inputs, every
    )
    while True:
        started = time.monotonic()
        try:
            result = Auditor(settings).run(inputs, AuditRange(since=parse_time(since), until=parse_time(until)))
        except Exception as exc:  # the broker may be down: report it, keep the exporter up, try again
            metrics.runs.labels(outcome="failed").inc()
            log.error("audit failed (%s: %s); next try in %.0f s", type(exc).__name__, exc, every)
        else:
            for logical in inputs:
                totals = result.report.totals(settings.topics.all_names()[logical])
                metrics.inputs.labels(topic=logical).set(totals.inputs)
                metrics.missing.labels(topic=logical).set(len(totals.missing))
                metrics.duplicated.labels(topic=logical).set(totals.duplicated)
                metrics.uncommitted.labels(topic=logical).set(totals.uncommitted)
            metrics.duration.set(result.seconds)
            metrics.last_success.set(time.time())
            metrics.runs.labels(outcome="ok").inc()
            audited = sum(part.inputs for part in result.report.partitions)
            log.info("audit: %d input(s), %d missing, in %.1f s", audited, result.report.missing, result.seconds)
        time.sleep(max(every - (time.monotonic() - started), 1.0))


@click.command()
@click.option(
    "--topic",
    type=click.Choice([*AUDITABLE, "all"]),
    default="all",
    show_default=True,
    help="input topic to audit (logical name)",
)
@click.option("--since", help="audit inputs from this time: 24h, 30m, 7d or ISO 8601 (default: the beginning)")
@click.option("--until", help="audit inputs before this time (default: the end)")
@click.option("--from-offset", type=click.IntRange(min=0), help="audit inputs from this offset of every partition")
@click.option("--show", default=10, show_default=True, help="missing offset ranges listed per partition")
@click.option("--serve", is_flag=True, help="run every --every seconds and export claims_worker_audit_* metrics")
@click.option("--every", default=300.0, show_default=True, help="seconds between audits with --serve")
@click.option("--port", default=9109, show_default=True, help="/metrics port with --serve")
def audit(
    topic: str,
    since: str | None,
    until: str | None,
    from_offset: int | None,
    show: int,
    serve: bool,
    every: float,
    port: int,
) -> None:
    """Reconcile inputs with outputs, dead letters and the group's commits; exit 1 if an input was lost.

    Every output names its input (headers source_topic/partition/offset). MISSING = below the committed
    offset of group CLAIMS_APP_ID with no record at all; duplicated = an identical output written twice
    (redelivery, harmless); uncommitted = not committed yet. Nothing joins or commits to any group.
    """
    from rich.progress import Progress

    from workers.audit import AuditError, Auditor
    from workers.settings import WorkerSettings

    settings = WorkerSettings()
    inputs = list(AUDITABLE) if topic == "all" else [topic]
    if serve:
        if from_offset is not None:
            raise click.UsageError("--serve audits a time window (--since 24h); --from-offset is for one-off audits")
        serve_metrics(settings, inputs, since, until, every, port)
        return
    scope = AuditRange(since=parse_time(since), until=parse_time(until), from_offset=from_offset)
    try:
        with Progress(transient=True) as progress:
            result = Auditor(settings, RichTracker(progress)).run(inputs, scope)
    except AuditError as exc:
        raise click.ClickException(str(exc)) from exc
    render(result, settings.kafka.bootstrap_servers, show)
    if result.report.missing:
        raise SystemExit(1)
