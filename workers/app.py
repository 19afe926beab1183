"""`create_app(settings, ruleset, metrics)`: the faust app, its tables and its three thin agents.

Agents stay thin (style.md #23): decode -> route (pure, in workers.routing) -> send, a batch of inputs at a
time (workers.batching). Every input has an outcome: an output, or a dead letter with its reason. Nothing
escapes the batch loop but cancellation (an escaping exception would ack the batch and lose it: faust
#416/#586); what cannot be finished exits the process unacknowledged instead.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import faust

from rules.ruleset import RuleSet
from schemas import Claim
from workers.batching import BatchStep, OutputProducer, run_agent
from workers.claim_store import load_claim, stored_claim
from workers.data_age import BeyondDataWarning
from workers.delivery import GuardedApp
from workers.kafka_access import tls_context
from workers.loop_clock import register_expiry_sweep
from workers.loop_state import LoopState
from workers.metrics import INPUT_TOPICS, WorkerMetrics
from workers.progress import register_progress
from workers.rework_state import ReworkState
from workers.routing import LEDGER, Outcome, Source, route_claim
from workers.settings import KafkaSettings, WorkerSettings
from workers.version import worker_version
from workers.x12_events import split_x12

log = logging.getLogger("dermclaims.worker")

#: RocksDB settings of each table partition under `rocksdb://` (ignored by `memory://`). faust's defaults,
#: 64 MB write buffers (up to 3) and a 2 GB block cache per partition, took a worker filling 1,000,000 claims
#: past 560 MB; with these it stays under the 500 MB budget (benchmarks/bench_state.py, benchmarks/README.md).
ROCKSDB_OPTIONS = {"write_buffer_size": 8 * 1024**2, "max_write_buffer_number": 2, "block_cache_size": 8 * 1024**2}


def broker_credentials(kafka: KafkaSettings) -> Any:
    """faust credentials for SASL and/or TLS, or None for PLAINTEXT."""
    context = tls_context(kafka) if kafka.security_protocol in ("SSL", "SASL_SSL") else None
    if kafka.security_protocol.startswith("SASL"):
        password = kafka.sasl_password.get_secret_value() if kafka.sasl_password else ""
        if kafka.sasl_mechanism == "PLAIN":
            return faust.SASLCredentials(username=kafka.sasl_username, password=password, ssl_context=context)
        return faust.SASLCredentials(
            username=kafka.sasl_username, password=password, mechanism=kafka.sasl_mechanism, ssl_context=context
        )
    if context is not None:
        return faust.SSLCredentials(context)
    return None


def create_app(settings: WorkerSettings, ruleset: RuleSet, metrics: WorkerMetrics) -> faust.App:
    """Build the app; nothing runs until a faust Worker starts it."""
    version = worker_version()
    partitions = settings.topics.partitions
    app = GuardedApp(
        settings.app_id,
        broker=[f"kafka://{server.strip()}" for server in settings.kafka.bootstrap_servers.split(",")],
        broker_credentials=broker_credentials(settings.kafka),
        store=settings.store_url,
        datadir=str(settings.data_dir),
        web_enabled=False,  # /metrics is served by prometheus_client on settings.metrics.port
        processing_guarantee="at_least_once",
        topic_partitions=partitions,
        topic_replication_factor=settings.topics.replication_factor,
        consumer_auto_offset_reset="earliest",
        key_serializer="raw",
        value_serializer="raw",
        broker_commit_every=500,
        broker_commit_interval=1.0,
        broker_session_timeout=settings.kafka.session_timeout_seconds,
        broker_heartbeat_interval=settings.kafka.heartbeat_interval_seconds,
        table_standby_replicas=0,
        producer_max_request_size=4 * 1024 * 1024,
        producer_linger_ms=settings.kafka.producer_linger_ms,
        producer_max_batch_size=settings.kafka.producer_max_batch_size,
    )
    names = settings.topics.all_names()
    topics = {
        logical: app.topic(
            full, key_type=bytes, value_type=bytes, partitions=partitions, replicas=settings.topics.replication_factor
        )
        for logical, full in names.items()
    }
    topics[LEDGER] = app.topic(  # inputs processed with no output: `dermclaims audit` reads it
        settings.ledger_topic,
        key_type=bytes,
        value_type=bytes,
        partitions=partitions,
        replicas=settings.topics.replication_factor,
    )

    def table(name: str, purpose: str) -> Any:
        """A bytes -> bytes faust table, co-partitioned with the input topics, with a changelog."""
        return app.Table(
            name,
            default=None,
            partitions=partitions,
            key_type=bytes,
            value_type=bytes,
            help=purpose,
            options=dict(ROCKSDB_OPTIONS),  # a copy: faust's store pops keys from it
        )

    claims_table = table(
        "claims", "Latest version of each claim (lines and documentation), keyed by claim_id, for the remits agent."
    )
    rework_sent = table(
        "rework-sent", "rework_id -> revision and decisions already produced per claim_id (workers.revisions)."
    )
    rework_waiting = table(
        "rework-waiting",
        "claim_id -> remittances worked without that claim, re-judged when it arrives (workers.rework_state).",
    )
    rework_state = ReworkState(rework_sent, rework_waiting)
    loop = LoopState(
        table("claim-outcomes", "claim_id -> verdict summaries, judged lines, rework item stages (loop_state)."),
        rework_state.ledger,
    )
    full_to_logical = {full: logical for logical, full in names.items()}

    def lookup(claim_id: str) -> Claim | None:
        stored = claims_table.get(claim_id.encode())
        return load_claim(stored) if stored else None

    def remember(outcome: Outcome) -> None:
        """What an input produced, once handed to the producer: rework revisions and the loop's stages."""
        rework_state.delivered(outcome)
        loop.delivered(outcome)
        metrics.observe_loop(outcome.loop, outcome.rework)

    step = BatchStep(
        output=OutputProducer(app.producer, {**names, LEDGER: settings.ledger_topic}),
        metrics=metrics,
        version=version,
        full_to_logical=full_to_logical,
        # The claims and remits agents read and write the same tables: one batch at a time is judged, sent
        # and recorded, so a remittance never slips between a claim's re-judging and the tables' update.
        lock=asyncio.Lock(),
        delivered=remember,
    )
    batches = settings.batch

    async def guarded(stream: Any, handle: Any) -> None:
        """Run `handle` over the stream's batches (the internal clock agent's entry point)."""
        await run_agent(stream, step, handle, batches.max_events, batches.within_seconds)

    beyond_data = BeyondDataWarning(log.warning)

    def handle_claim(source: Source, value: bytes | None) -> Outcome:
        started = time.perf_counter()
        outcome = route_claim(source, value, ruleset, version, keyed=True)
        metrics.evaluate_seconds.observe(time.perf_counter() - started)
        if outcome.claim is not None:
            key = outcome.claim.claim_id.encode()
            if outcome.claim.frequency_code == "8":
                claims_table.pop(key, None)  # a void removes the claim
            else:
                claims_table[key] = stored_claim(value, outcome.claim)  # original or replacement (7)
            rework_state.judge_waiting(outcome, ruleset, version)  # remittances that came before this claim
            loop.on_claim(outcome)  # its verdict summary; a replacement resubmits the open items
        if outcome.verdict is not None:
            metrics.observe_verdict(outcome.verdict)
            beyond_data.observe(outcome.verdict)
        return outcome

    def handle_remit(source: Source, value: bytes | None) -> Outcome:
        outcome = rework_state.judge_remit(source, value, lookup, ruleset, version, keyed=True)
        loop.on_remit(outcome)  # the payer's answer against the verdict; earlier items paid or denied again
        return outcome

    def handle_x12(source: Source, value: bytes | None) -> Outcome:
        return split_x12(source, value, version)

    app.on_offset_hole = lambda topic, resolution: metrics.offset_holes.labels(
        topic=full_to_logical.get(topic, topic), resolution=resolution
    ).inc()

    # Per-partition committed/end offsets (lag), last progress of idle partitions and table sizes.
    register_progress(app, metrics, {names[logical]: logical for logical in INPUT_TOPICS})

    @app.agent(topics["claims_submitted"], name="claims", concurrency=1)
    async def claims_agent(stream: Any) -> None:
        await run_agent(stream, step, handle_claim, batches.max_events, batches.within_seconds)

    @app.agent(topics["remits_received"], name="remits", concurrency=1)
    async def remits_agent(stream: Any) -> None:
        await run_agent(stream, step, handle_remit, batches.max_events, batches.within_seconds)

    @app.agent(topics["x12_raw"], name="x12-raw", concurrency=1)
    async def x12_agent(stream: Any) -> None:
        await run_agent(stream, step, handle_x12, 1, batches.within_seconds)  # one file is a batch

    # Rework items past their deadline expire: a periodic sweep sends a tick per claim, judged like an input.
    register_expiry_sweep(app, loop, guarded, settings, partitions)
    return app
