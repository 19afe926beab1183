"""The `dermclaims` command line: one module per command group."""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dermclaims")
def main() -> None:
    """Dermatology claims-stream worker: scrub claims, work denials, run the Kafka worker."""


def _register() -> None:
    """Attach each command module's commands to the group (import here, not at module top)."""
    from workers.cli import deadletters, demo, kafka, produce, rework, scrub, topics, worker, x12
    from workers.cli import rules as rules_cli

    main.add_command(deadletters.deadletters)
    main.add_command(demo.demo)
    main.add_command(kafka.kafka)
    main.add_command(produce.produce)
    main.add_command(rework.rework)
    main.add_command(rules_cli.rules)
    main.add_command(scrub.scrub)
    main.add_command(topics.topics)
    main.add_command(worker.worker)
    main.add_command(x12.x12)


_register()
