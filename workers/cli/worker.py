"""`dermclaims worker`: run the stream worker against Kafka."""

from __future__ import annotations

import logging

import click

from workers.settings import WorkerSettings


@click.command()
@click.option(
    "--create-topics/--no-create-topics",
    default=True,
    show_default=True,
    help="Create missing contract topics before starting.",
)
def worker(create_topics: bool) -> None:
    """Run the claims, remits and X12 agents (settings from CLAIMS_* environment variables)."""
    import faust
    from prometheus_client import CollectorRegistry, start_http_server

    from workers.app import create_app
    from workers.bootstrap import configure_logging, load_ruleset
    from workers.kafka_access import require_access
    from workers.metrics import build_metrics
    from workers.topics import create_topics as make_topics
    from workers.version import worker_version

    settings = WorkerSettings()
    configure_logging(settings.log_level)
    log = logging.getLogger("dermclaims.worker")
    log.info("settings: %s", settings.masked())
    ruleset = load_ruleset(settings)
    log.info("ruleset %s with %d rules; data %s", ruleset.version, len(ruleset.rules), ruleset.data_labels())
    # Fail fast with the cause and the setting to fix (faust would retry a refused login for ever).
    if create_topics:
        make_topics(settings.kafka, settings.topics, internal=[settings.ledger_topic])  # checks access first
    else:
        require_access(settings.kafka)
    registry = CollectorRegistry()
    metrics = build_metrics(registry, ruleset, worker_version())
    if settings.metrics.port:
        start_http_server(settings.metrics.port, addr=settings.metrics.host, registry=registry)
        log.info("metrics on http://%s:%d/metrics", settings.metrics.host, settings.metrics.port)
    app = create_app(settings, ruleset, metrics)
    faust.Worker(app, loglevel=settings.log_level.lower(), quiet=True).execute_from_commandline()
