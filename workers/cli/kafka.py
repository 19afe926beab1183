"""`dermclaims kafka ...`: the project's local single-node Kafka broker (see workers/localkafka.py)."""

from __future__ import annotations

import dataclasses
import time

import click

from workers.localkafka import LocalKafka, LocalKafkaError
from workers.localkafka_security import SecurityError, parse_scram_user

_port_option = click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Broker port (default $CLAIMS_LOCAL_KAFKA_PORT or 9092).",
)
_controller_option = click.option(
    "--controller-port",
    type=click.IntRange(1, 65535),
    default=None,
    help="KRaft controller port (default $CLAIMS_LOCAL_KAFKA_CONTROLLER_PORT or port+1).",
)


def _broker(port: int | None, controller_port: int | None = None) -> LocalKafka:
    try:
        return LocalKafka.from_env(port=port, controller_port=controller_port)
    except LocalKafkaError as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
def kafka() -> None:
    """Run the project's own single-node Apache Kafka broker (KRaft, jars from Maven Central)."""


@kafka.command()
@click.option("--fresh", is_flag=True, help="Stop our broker and wipe its data and log first.")
@_port_option
@_controller_option
@click.option("--timeout", type=float, default=90.0, show_default=True, help="Seconds to wait for the broker.")
@click.option(
    "--secure",
    is_flag=True,
    help="Serve SASL_SSL with SCRAM-SHA-512 (a CA is made on the first start); use another port than the "
    "PLAINTEXT broker's.",
)
@click.option(
    "--scram-user",
    "scram_users",
    multiple=True,
    metavar="NAME:PASSWORD",
    help="With --secure: a SCRAM-SHA-512 user created when the storage is formatted (repeatable; default one "
    "random `dermclaims` user). The first one's settings are written to client.env in the run folder.",
)
def up(
    fresh: bool,
    port: int | None,
    controller_port: int | None,
    timeout: float,
    secure: bool,
    scram_users: tuple[str, ...],
) -> None:
    """Start the broker (resolving jars the first time); harmless if it is already up."""
    if scram_users and not secure:
        raise click.UsageError("--scram-user needs --secure.")
    try:
        users = tuple(parse_scram_user(text) for text in scram_users)
    except SecurityError as exc:
        raise click.UsageError(str(exc)) from None
    broker = _broker(port, controller_port)
    if secure:
        broker = dataclasses.replace(broker, secure=True, scram_users=users)
    t0 = time.monotonic()
    try:
        started = broker.up(timeout=timeout, fresh=fresh)
    except LocalKafkaError as exc:
        raise click.ClickException(str(exc)) from None
    verb = "started" if started else "already up"
    click.echo(f"{verb}: {broker.bootstrap}  ({time.monotonic() - t0:.1f}s, log {broker.log_path})")
    if secure:
        click.echo(
            f"SASL_SSL, SCRAM-SHA-512; CA {broker.security.ca_path}; client settings {broker.security.client_env_path}"
        )


@kafka.command()
@_port_option
def down(port: int | None) -> None:
    """Stop the broker we started (SIGTERM, then SIGKILL after 30 s)."""
    broker = _broker(port)
    try:
        broker.down()
    except LocalKafkaError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"down: {broker.bootstrap}")


@kafka.command()
@_port_option
def status(port: int | None) -> None:
    """Say whether a broker answers, and where its pid and log are (exit 1 if not running)."""
    broker = _broker(port)
    st = broker.status()
    click.echo(st.describe())
    click.echo(f"  bootstrap  {st.bootstrap}")
    click.echo(f"  pid        {st.pid if st.pid is not None else '-'}")
    click.echo(f"  version    {broker.resolved_version() or '-'}")
    click.echo(f"  log        {st.log_path}")
    click.echo(f"  data       {broker.data_dir}")
    if not st.running:
        click.echo("  start it with: dermclaims kafka up")
        raise SystemExit(1)


@kafka.command()
@_port_option
@click.option("-n", "--lines", "lines", type=click.IntRange(min=0), default=50, show_default=True)
def logs(port: int | None, lines: int) -> None:
    """Print the last lines of the broker log."""
    broker = _broker(port)
    text = broker.tail(lines)
    if not text:
        raise click.ClickException(f"no broker log at {broker.log_path} (start one with `dermclaims kafka up`)")
    click.echo(text)
