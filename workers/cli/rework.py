"""`dermclaims rework --claims FILE REMITS...`: remit.received.v1 JSONL in, denial.rework.v1 JSONL out.

Runs the remits agent's code (`workers.routing.route_remit` -> `rules.rework.analyze`) without Kafka:
the claims file plays the claim store (the latest claim per claim_id wins: frequency 7 replaces, 8 voids),
and items go through the worker's revision ledger (`workers.rework_state`, in memory here): a remittance
delivered twice yields its items once, while a changed decision on the same rework_id (a reversal's
`closed` item) goes out as the next `revision`. Every claim is read before the remittances, so a
remittance whose claim is not in the files is worked from its own lines (`review`, `remit_only`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from rich.console import JustifyMethod
    from rich.table import Table

    from schemas import DenialRework
    from schemas.claim import Claim

_RECOVERABLE = ("resubmit_with_modifier", "correct_and_resubmit", "appeal")
_SHORT_CAUSE = 60
# Compact forms of the phrases causes are built from, so the table keeps the facts (pair, indicator, global).
_ABBREVIATIONS = (
    (" column 2 to ", " col2 to "),
    ("PTP modifier indicator ", "ind "),
    ("-day global", "d global"),
    ("(line ", "(ln "),
    ("on the day of ", "same day as "),
    ("minor procedure ", "minor "),
    ("major procedure ", "major "),
)


@click.command()
@click.option(
    "--claims",
    "claim_files",
    required=True,
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, allow_dash=True),
    help="claim.submitted.v1 JSONL (repeatable; `-` = stdin).",
)
@click.argument("remits", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["jsonl", "table"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one denial.rework.v1 per item (the contract); table: the work queue by priority.",
)
def rework(claim_files: tuple[str, ...], remits: tuple[str, ...], output_format: str) -> None:
    """Explain each denial in REMITS (remit.received.v1 JSONL, `-` = stdin) against the claims and propose the fix.

    Bad lines go to stderr as dead letters; the exit code is 1 only if any did.
    """
    from schemas import ClaimSubmitted
    from workers.bootstrap import load_ruleset
    from workers.cli.jsonl import iter_jsonl
    from workers.rework_state import ReworkState
    from workers.routing import InputError, Source, dead_letter, decode
    from workers.settings import WorkerSettings
    from workers.version import worker_version

    if [*claim_files, *remits].count("-") > 1:
        raise click.UsageError("stdin (`-`) can be read only once: give the claims or the remittances as files")
    ruleset = load_ruleset(WorkerSettings())
    version = worker_version()
    failed = 0
    claims: dict[str, Claim] = {}
    for name, number, raw in iter_jsonl(claim_files):
        source = Source(f"file:{name}", None, number)
        try:
            event = decode(raw, ClaimSubmitted)
        except InputError as error:
            failed += 1
            sys.stderr.buffer.write(dead_letter(source, raw, error, version).value + b"\n")
            continue
        assert isinstance(event, ClaimSubmitted)
        if event.claim.frequency_code == "8":
            claims.pop(event.claim.claim_id, None)  # a void: its remittances are worked without a claim
        else:
            claims[event.claim.claim_id] = event.claim  # original, or a replacement (7) of it

    state = ReworkState({}, {})
    items: list[DenialRework] = []
    out = sys.stdout.buffer
    for name, number, raw in iter_jsonl(remits):
        outcome = state.judge_remit(Source(f"file:{name}", None, number), raw, claims.get, ruleset, version)
        state.delivered(outcome)
        for record in outcome.records:
            if record.topic == "deadletter":
                failed += 1
                sys.stderr.buffer.write(record.value + b"\n")
        for item in outcome.rework:
            items.append(item)
            if output_format == "jsonl":
                out.write(item.model_dump_json(by_alias=True).encode() + b"\n")
    out.flush()
    if output_format == "table":
        print_queue(items)
    if failed:
        if sys.stderr.isatty():  # stderr carries the dead letters as JSONL: no prose in it when piped
            click.echo(f"{failed} input line(s) could not be used; dead letters written to stderr.", err=True)
        sys.exit(1)


def work_queue(items: Iterable[DenialRework]) -> list[DenialRework]:
    """The open items, the latest revision per rework_id (a reversal's closure removes one), by priority."""
    latest: dict[str, DenialRework] = {}
    for item in items:
        if item.rework_id not in latest or item.revision >= latest[item.rework_id].revision:
            latest[item.rework_id] = item
    return sorted(
        (item for item in latest.values() if item.status == "open"),
        key=lambda item: (-item.priority, item.deadline.isoformat() if item.deadline else "9999", item.claim_id),
    )


def queue_table(queue: list[DenialRework]) -> Table:
    from rich.table import Table

    table = Table(title="Denial work queue (highest priority first)", show_lines=False)
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("priority $", "right"),
        ("action", "left"),
        ("claim", "left"),
        ("line", "left"),
        ("code+mods", "left"),
        ("CARC", "left"),
        ("denied $", "right"),
        ("deadline", "left"),
        ("modifier", "left"),
        ("cause", "left"),
    )
    for header, justify in columns:
        table.add_column(header, justify=justify)
    for item in queue:
        cause = short_cause(item.cause)
        table.add_row(
            f"{item.priority:.2f}",
            item.action.value,
            item.claim_id,
            item.line_id or "claim",
            "-".join([item.code, *item.modifiers]),
            f"{item.group_code}-{item.reason}" if item.reason else "-",
            f"{item.denied_amount:.2f}",
            item.deadline.isoformat() if item.deadline else "-",
            item.modifier or "-",
            cause,
        )
    return table


def short_cause(cause: str) -> str:
    """The cause in at most 60 characters: abbreviated, then cut."""
    for long, short in _ABBREVIATIONS:
        cause = cause.replace(long, short)
    return cause if len(cause) <= _SHORT_CAUSE else cause[: _SHORT_CAUSE - 1] + "…"


def totals(queue: list[DenialRework]) -> dict[str, Decimal]:
    """Recoverable (resubmit, correct, appeal), written-off and to-review dollars of the open items."""
    sums = {"recoverable": Decimal("0.00"), "written_off": Decimal("0.00"), "review": Decimal("0.00")}
    for item in queue:
        if item.action.value in _RECOVERABLE:
            sums["recoverable"] += item.denied_amount
        elif item.action.value == "write_off":
            sums["written_off"] += item.denied_amount
        else:
            sums["review"] += item.denied_amount
    return sums


def print_queue(items: list[DenialRework]) -> None:
    """Print the open work queue by priority with its totals (the `table` format; also used by `demo`)."""
    from rich.console import Console

    queue = work_queue(items)
    latest = {item.rework_id: item.status for item in items}
    closed = sum(1 for status in latest.values() if status == "closed")
    console = Console(file=sys.stdout, width=None if sys.stdout.isatty() else 200)
    console.print(queue_table(queue))
    sums = totals(queue)
    console.print(
        f"{len(queue)} open item(s): recoverable ${sums['recoverable']:.2f} (resubmit, correct, appeal); "
        f"written off ${sums['written_off']:.2f}; to review ${sums['review']:.2f}"
        + (f"; {closed} closed by reversals" if closed else "")
    )
