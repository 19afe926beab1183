"""The `dermclaims` command line: one module per command group."""

from __future__ import annotations

import os
from typing import Any

import click


class DermclaimsGroup(click.Group):
    """Turns "no Kafka answers" from any command into a message that says what to do."""

    def invoke(self, ctx: click.Context) -> Any:
        from kafka.errors import KafkaConnectionError, KafkaTimeoutError

        try:
            return super().invoke(ctx)
        except (KafkaTimeoutError, KafkaConnectionError) as exc:
            where = os.environ.get("CLAIMS_KAFKA__BOOTSTRAP_SERVERS", "127.0.0.1:9092")
            raise click.ClickException(
                f"Kafka at {where} did not answer ({exc}). Start the project's own broker with "
                "`dermclaims kafka up` (or `make up`), or point CLAIMS_KAFKA__BOOTSTRAP_SERVERS (and the "
                "CLAIMS_KAFKA__SECURITY_PROTOCOL / SASL settings) at your cluster."
            ) from exc


@click.group(cls=DermclaimsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dermclaims")
def main() -> None:
    """Dermatology claims-stream worker: scrub claims, work denials, run the Kafka worker."""


def _register() -> None:
    """Attach each command module's commands to the group (import here, not at module top)."""
    from workers.cli import audit, deadletters, demo, kafka, produce, rework, scrub, topics, worker, x12
    from workers.cli import rules as rules_cli

    main.add_command(audit.audit)
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
