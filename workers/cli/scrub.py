"""`dermclaims scrub FILE...`: claim.submitted.v1 JSONL in, claim.validated.v1 JSONL out (no Kafka)."""

from __future__ import annotations

import sys

import click
import orjson

from workers.cli.jsonl import iter_jsonl


@click.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["jsonl", "table"]),
    default="jsonl",
    show_default=True,
    help="jsonl for machines (the contract), table for people.",
)
def scrub(files: tuple[str, ...], output_format: str) -> None:
    """Scrub claims with the same code as the worker's claims agent. `-` reads stdin.

    Bad lines go to stderr as dead letters; the exit code is 1 only if any did.
    """
    from rich.console import Console

    from workers.bootstrap import load_ruleset
    from workers.cli.render import leakage_table, verdict_table
    from workers.data_age import BeyondDataWarning
    from workers.routing import Source, route_claim
    from workers.settings import WorkerSettings
    from workers.version import worker_version

    ruleset = load_ruleset(WorkerSettings())
    version = worker_version()
    failed = 0
    console = Console(file=sys.stdout, width=None if sys.stdout.isatty() else 200)
    shown: list[dict[str, object]] = []
    out = sys.stdout.buffer
    beyond_data = BeyondDataWarning(lambda message: click.echo(f"warning: {message}", err=True))
    for name, number, raw in iter_jsonl(files):
        outcome = route_claim(Source(f"file:{name}", None, number), raw, ruleset, version)
        if outcome.verdict is not None and sys.stderr.isatty():  # piped stderr carries only dead-letter JSONL
            beyond_data.observe(outcome.verdict)
        for record in outcome.records:
            if record.topic == "deadletter":
                failed += 1
                sys.stderr.buffer.write(record.value + b"\n")
            elif output_format == "jsonl":
                out.write(record.value + b"\n")
            else:
                validated = orjson.loads(record.value)
                shown.append(validated)
                console.print(verdict_table(validated))
    out.flush()
    if shown:
        console.print(leakage_table(shown))
    if failed:
        if sys.stderr.isatty():  # stderr carries the dead letters as JSONL: no prose in it when piped
            click.echo(f"{failed} input line(s) could not be scrubbed; dead letters written to stderr.", err=True)
        sys.exit(1)
