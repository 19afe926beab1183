"""`dermclaims x12 FILE...`: X12 837P / 835 files in, `claim.submitted.v1` / `remit.received.v1` JSONL out."""

from __future__ import annotations

import sys
from decimal import Decimal
from typing import IO

import click

from workers.x12 import X12Issue, X12Result, convert


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    with open(path, "rb") as handle:
        return handle.read()


def _write_events(result: X12Result, out: IO[str]) -> None:
    for claim in result.claims:
        out.write(claim.model_dump_json(by_alias=True) + "\n")
    for remit in result.remits:
        out.write(remit.model_dump_json(by_alias=True) + "\n")


def _table(rows: list[tuple[str, X12Result | None]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="X12 conversion")
    for name in ("file", "claims", "remits", "issues", "PLB adjustments"):
        table.add_column(name, justify="left" if name == "file" else "right")
    for name, result in rows:
        if result is None:
            table.add_row(name, "-", "-", "1", "-")
            continue
        amounts = [row["amount"] for row in result.provider_adjustments]
        plb_total = sum((amount for amount in amounts if isinstance(amount, Decimal)), Decimal("0.00"))
        plb = f"{len(result.provider_adjustments)} ({plb_total:.2f})" if result.provider_adjustments else "0"
        table.add_row(name, str(len(result.claims)), str(len(result.remits)), str(len(result.issues)), plb)
    Console(file=sys.stdout, width=120).print(table)


@click.command("x12")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["jsonl", "table"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one event per line on stdout; table: claims/remits/issues counts per file.",
)
def x12(files: tuple[str, ...], output_format: str) -> None:
    """Convert X12 837P / 835 FILES ('-' = stdin) into claim.submitted.v1 / remit.received.v1 JSONL.

    Issues go to stderr as "file:segment N (SEG): message"; a claim with an issue is not written.
    The exit code is 1 if any file had an issue, else 0.
    """
    rows: list[tuple[str, X12Result | None]] = []
    failed = False
    for path in files:
        name = "<stdin>" if path == "-" else path
        try:
            data = _read(path)
        except OSError as error:
            click.echo(str(X12Issue(name, None, None, None, f"cannot read the file: {error.strerror}")), err=True)
            rows.append((name, None))
            failed = True
            continue
        result = convert(data, source=name)
        if output_format == "jsonl":
            _write_events(result, sys.stdout)
        for issue in result.issues:
            click.echo(str(issue), err=True)
        failed = failed or bool(result.issues)
        rows.append((name, result))
    if output_format == "table":
        _table(rows)
    sys.stdout.flush()
    if failed:
        raise SystemExit(1)
