"""The `dermclaims` command line: one module per command group."""

from __future__ import annotations

import os
from typing import Any

import click


class DermclaimsGroup(click.Group):
    """Turns a failed Kafka connection from any command into a message naming the setting to fix, with the
    exit code of its cause (workers/kafka_access.py), instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from kafka.errors import KafkaConnectionError, KafkaTimeoutError

        from workers.kafka_access import KafkaAccessError, diagnose
        from workers.settings import WorkerSettings

        try:
            return super().invoke(ctx)
        except KafkaAccessError as exc:
            raise _failure(exc) from None
        except (KafkaTimeoutError, KafkaConnectionError) as exc:
            found = diagnose(WorkerSettings().kafka, timeout=5.0)
            if found is None:  # it answers now: report what the client saw
                where = os.environ.get("CLAIMS_KAFKA__BOOTSTRAP_SERVERS", "127.0.0.1:9092")
                raise click.ClickException(f"Kafka at {where} did not answer in time ({exc}); retry.") from exc
            raise _failure(found) from exc


def _failure(error: Exception) -> click.ClickException:
    failure = click.ClickException(str(error))
    failure.exit_code = getattr(error, "exit_code", 1)
    return failure


@click.group(cls=DermclaimsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dermclaims")
def main() -> None:
    """Dermatology claims-stream worker: scrub claims, work denials, run the Kafka worker."""


def _register() -> None:
    """Attach each command module's commands to the group (import here, not at module top)."""
    from workers.cli import audit, data, deadletters, demo, kafka, produce, report, rework, scrub, topics, worker, x12
    from workers.cli import rules as rules_cli

    main.add_command(audit.audit)
    main.add_command(data.data)
    main.add_command(deadletters.deadletters)
    main.add_command(demo.demo)
    main.add_command(kafka.kafka)
    main.add_command(produce.produce)
    main.add_command(report.report)
    main.add_command(rework.rework)
    main.add_command(rules_cli.rules)
    main.add_command(scrub.scrub)
    main.add_command(topics.topics)
    main.add_command(worker.worker)
    main.add_command(x12.x12)


_register()
