"""`dermclaims demo`: the whole job end to end on the project's own local Kafka, with results shown."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import orjson

EXAMPLES = Path("examples")


def _read(path: Path) -> list[tuple[bytes | None, bytes]]:
    """(claim_id key, event bytes) for each JSONL line."""
    from workers.cli.produce import claim_key

    return [(claim_key(line), line) for line in path.read_bytes().splitlines() if line.strip()]


def _wait(what: str, done: Callable[[], bool], timeout: float, on_fail: Callable[[], str]) -> None:
    from rich.console import Console

    with Console(stderr=True).status(what):
        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() > deadline:
                raise click.ClickException(f"timed out {what.lower()}\n{on_fail()}")
            time.sleep(0.5)


@click.command()
@click.option(
    "--claims",
    "claims_file",
    type=click.Path(exists=True, path_type=Path),
    default=EXAMPLES / "claims.jsonl",
    show_default=True,
)
@click.option(
    "--remits",
    "remits_file",
    type=click.Path(exists=True, path_type=Path),
    default=EXAMPLES / "remits.jsonl",
    show_default=True,
)
@click.option(
    "--resubmissions",
    "resubmissions_file",
    type=click.Path(exists=True, path_type=Path),
    default=EXAMPLES / "resubmissions.jsonl",
    show_default=True,
    help="frequency-7 claims sent after the remittances (closing the loop)",
)
@click.option(
    "--later-remits",
    "later_remits_file",
    type=click.Path(exists=True, path_type=Path),
    default=EXAMPLES / "remits-after.jsonl",
    show_default=True,
    help="remittances sent after the resubmissions",
)
@click.option("--keep-running", is_flag=True, help="Leave the worker and broker running afterwards.")
@click.option("--timeout", default=180.0, show_default=True, help="Seconds to wait for each stage.")
def demo(
    claims_file: Path,
    remits_file: Path,
    resubmissions_file: Path,
    later_remits_file: Path,
    keep_running: bool,
    timeout: float,
) -> None:
    """Start Kafka if none answers, create topics, run the worker, send the sample claims and remittances,
    and show the findings and the denial work queue."""
    from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
    from rich.console import Console

    from schemas import DenialRework
    from workers.cli.render import findings_table, loop_table, summary_table
    from workers.cli.rework import print_queue
    from workers.localkafka import LocalKafka, is_reachable
    from workers.settings import TopicSettings, WorkerSettings
    from workers.topics import client_options, create_topics, group_caught_up

    console = Console()
    settings = WorkerSettings()
    broker: LocalKafka | None = None
    if not is_reachable(settings.kafka.bootstrap_servers):
        local = LocalKafka.from_env()
        if local.bootstrap != settings.kafka.bootstrap_servers:
            raise click.ClickException(
                f"no Kafka answers at {settings.kafka.bootstrap_servers}; start it, or unset "
                "CLAIMS_KAFKA__BOOTSTRAP_SERVERS to use the project's local broker"
            )
        console.print("[bold]1.[/] starting the project's local Apache Kafka (first run downloads it with Maven)")
        broker = local if local.up() else None
    else:
        console.print(f"[bold]1.[/] Kafka answers at {settings.kafka.bootstrap_servers}")
    run = time.strftime("%Y%m%d%H%M%S")
    topics = TopicSettings(prefix=f"demo.{run}.", partitions=settings.topics.partitions)
    app_id = f"dermclaims-demo-{run}"
    create_topics(settings.kafka, topics)
    names = topics.all_names()
    console.print(f"[bold]2.[/] created topics {names['claims_submitted']}, ... (prefix demo.{run}.)")
    workdir = Path(tempfile.mkdtemp(prefix="dermclaims-demo-"))
    metrics_port = settings.metrics.port or 9108
    env = dict(
        os.environ,
        CLAIMS_TOPICS__PREFIX=topics.prefix,
        CLAIMS_APP_ID=app_id,
        CLAIMS_DATA_DIR=str(workdir / "state"),
        CLAIMS_METRICS__PORT=str(metrics_port),
        CLAIMS_METRICS__HOST="127.0.0.1",
    )
    log_path = workdir / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "workers.cli", "worker"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    console.print(f"[bold]3.[/] worker started (pid {worker.pid}, log {log_path})")

    def worker_log() -> str:
        return log_path.read_text(errors="replace")[-3000:]

    options = client_options(settings.kafka)
    consumer = KafkaConsumer(**options, enable_auto_commit=False)
    collected: dict[str, list[dict[str, Any]]] = {"claims_validated": [], "denials_rework": [], "deadletter": []}
    assigned = [TopicPartition(names[t], p) for t in collected for p in range(topics.partitions)]
    consumer.assign(assigned)
    consumer.seek_to_beginning(*assigned)
    by_topic = {names[t]: t for t in collected}

    def drain() -> None:
        for records in consumer.poll(timeout_ms=200).values():
            for record in records:
                collected[by_topic[record.topic]].append(orjson.loads(record.value))

    try:
        producer = KafkaProducer(**options, acks="all")
        claims = _read(claims_file)
        for key, value in claims:
            producer.send(names["claims_submitted"], key=key, value=value)
        producer.flush()
        console.print(f"[bold]4.[/] produced {len(claims)} claims from {claims_file}")

        def claims_done() -> bool:
            drain()
            if worker.poll() is not None:
                raise click.ClickException(f"the worker exited with {worker.returncode}\n{worker_log()}")
            return len(collected["claims_validated"]) >= len(claims)

        _wait("Waiting for the worker to scrub the claims", claims_done, timeout, worker_log)
        admin = KafkaAdminClient(**options)

        def send_and_wait(logical: str, path: Path, step: str) -> None:
            """Send one file to a topic and wait until the worker's group has committed all of it."""
            messages = _read(path)
            sender = KafkaProducer(**options, acks="all")
            for key, value in messages:
                sender.send(names[logical], key=key, value=value)
            sender.flush()
            sender.close()
            console.print(f"[bold]{step}[/] produced {len(messages)} events from {path}")
            partitions = [TopicPartition(names[logical], p) for p in range(topics.partitions)]
            end = consumer.end_offsets(partitions)

            def done() -> bool:
                drain()
                return group_caught_up(admin, app_id, end)

            _wait(f"Waiting for the worker to work {path.name}", done, timeout, worker_log)

        producer.close()
        send_and_wait("remits_received", remits_file, "5.")
        send_and_wait("claims_submitted", resubmissions_file, "6.")  # corrected claims, as the rework items say
        send_and_wait("remits_received", later_remits_file, "7.")  # the payer's answer to them
        time.sleep(1.0)
        drain()
        admin.close()
        console.rule("[bold]Scrub results (claims.validated.v1)")
        console.print(summary_table(collected["claims_validated"]))
        console.print(findings_table(collected["claims_validated"]))
        console.rule("[bold]Denial work queue (denials.rework.v1)")
        items = [DenialRework.model_validate(item) for item in collected["denials_rework"]]
        print_queue(items)
        console.rule("[bold]Closing the loop: the payer's answer against the verdict, and the items' lives")
        console.print(loop_table(items))
        if collected["deadletter"]:
            console.print(f"[yellow]{len(collected['deadletter'])} input(s) dead-lettered[/]")
        _show_metrics(console, metrics_port)
    finally:
        consumer.close()
        if keep_running:
            console.print(f"worker left running (pid {worker.pid}); stop it with: kill {worker.pid}")
        else:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
            if broker is not None:
                broker.down()
                console.print("stopped the worker and the local Kafka this demo started")
            else:
                console.print("stopped the worker")


def _show_metrics(console: Any, port: int) -> None:
    """Where the metrics are, and the headline counters read from them."""
    url = f"http://127.0.0.1:{port}/metrics"
    try:
        text = urllib.request.urlopen(url, timeout=5).read().decode()
    except OSError as exc:
        console.print(f"metrics at {url} could not be read: {exc}")
        return
    wanted = (
        "claims_worker_events_consumed_total",
        "claims_worker_claims_total",
        "claims_worker_dead_letters_total",
        "claims_worker_rework_items_total",
        "claims_worker_rework_dollars_total",
        "claims_worker_prediction_",
        "claims_worker_rework_funnel",
    )
    lines = [
        line
        for line in text.splitlines()
        if line.startswith(wanted) and not line.endswith(" 0.0") and "_created{" not in line
    ]
    console.rule(f"[bold]Prometheus metrics at {url} (while the worker runs)")
    for line in lines:
        series, _, value = line.rpartition(" ")
        console.print(f"{series} {float(value):,.10g}", highlight=False, soft_wrap=True)
