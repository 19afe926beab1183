"""`dermclaims topics create`: create the contract topics (co-partitioned)."""

from __future__ import annotations

import click


@click.group()
def topics() -> None:
    """Manage the contract's Kafka topics."""


@topics.command("create")
def create() -> None:
    """Create missing topics with CLAIMS_TOPICS__PARTITIONS partitions; check claims/remits co-partitioning."""
    from rich.console import Console
    from rich.table import Table

    from workers.settings import WorkerSettings
    from workers.topics import create_topics

    settings = WorkerSettings()
    table = Table("topic", "partitions", "state")
    for state in create_topics(settings.kafka, settings.topics, internal=[settings.ledger_topic]):
        table.add_row(state.name, str(state.partitions), "created" if state.created else "exists")
    Console().print(table)
