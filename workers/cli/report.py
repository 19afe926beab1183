"""`dermclaims report --claims FILE REMITS...`: did the scrubber predict the payer's answer, and did rework pay?

Replays the claims and remittances through the worker's own steps (workers.replay) in event-time order
(`occurred_at`; at the same instant a claim before a remittance; lines that do not decode are counted and left
out), then shows the precision of each rule, recall by CARC group, the denials missed by CARC and the rework
funnel with dollars: a rich table, `--format json`, and with `--html FILE` a self-contained page of charts.
`--as-of DATE` also runs the expiry sweep on that day (the worker's sweep uses its clock's date).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
import orjson


@click.command()
@click.option(
    "--claims",
    "claim_files",
    required=True,
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="claim.submitted.v1 JSONL (repeatable).",
)
@click.argument("remits", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the HTML page here.")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="Also expire items overdue on this day.")
def report(
    claim_files: tuple[str, ...], remits: tuple[str, ...], output_format: str, html_path: Path | None, as_of: Any
) -> None:
    """Precision and recall of the scrubber per rule, missed denials by CARC, and the rework funnel."""
    from workers.bootstrap import load_ruleset
    from workers.cli.jsonl import iter_jsonl
    from workers.replay import Replay
    from workers.report import Tally
    from workers.routing import Source
    from workers.settings import WorkerSettings
    from workers.version import worker_version

    events: list[tuple[str, int, int, str, bytes]] = []
    unreadable = 0
    for kind, order, files in (("claim", 0, claim_files), ("remit", 1, remits)):
        for name, number, raw in iter_jsonl(files):
            try:
                occurred = str(orjson.loads(raw)["occurred_at"])
            except (orjson.JSONDecodeError, KeyError, TypeError):
                unreadable += 1
                continue
            events.append((occurred, order, len(events), f"{kind}:{name}:{number}", raw))
    events.sort()
    replay = Replay(load_ruleset(WorkerSettings()), worker_version())
    tally = Tally()
    for _, order, _, where, raw in events:
        step = replay.claim if order == 0 else replay.remit
        outcome = step(Source(where), raw)
        if outcome.failed is not None:
            unreadable += 1
        tally.add(outcome.loop, outcome.rework)
    if as_of is not None:
        for outcome in replay.sweep(as_of.date()):  # click gives a datetime (a date subclass)
            tally.add(outcome.loop, outcome.rework)
    numbers = tally.to_json()
    if html_path is not None:
        from workers.report_html import render_html

        html_path.write_text(render_html(numbers), encoding="utf-8")
    if output_format == "json":
        sys.stdout.buffer.write(orjson.dumps(numbers, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        print_report(numbers)
        if html_path is not None:
            click.echo(f"charts: {html_path}")
    if unreadable:
        click.echo(f"{unreadable} input line(s) could not be used (see `dermclaims scrub` / `rework`).", err=True)


def print_report(numbers: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    def percent(value: float | None) -> str:
        return "-" if value is None else f"{value:.0%}"

    console = Console(file=sys.stdout, width=None if sys.stdout.isatty() else 160)
    rules = Table(title="Scrubber flags against the payer's answer, by rule")
    for header in ("rule", "predicted", "false alarms", "prevented", "precision"):
        rules.add_column(header, justify="left" if header == "rule" else "right")
    for r in numbers["rules"]:
        rules.add_row(
            r["rule"], str(r["predicted"]), str(r["false_alarm"]), str(r["prevented"]), percent(r["precision"])
        )
    console.print(rules)
    groups = Table(title="Denials predicted and missed, by CARC group")
    for header in ("CARC group", "predicted", "missed", "recall", "predicted $", "missed $"):
        groups.add_column(header, justify="left" if header == "CARC group" else "right")
    for g in numbers["carc_groups"]:
        groups.add_row(
            g["carc_group"],
            str(g["predicted"]),
            str(g["missed"]),
            percent(g["recall"]),
            g["predicted_dollars"],
            g["missed_dollars"],
        )
    console.print(groups)
    missed = Table(title="Missed denials by CARC (for the rule catalog)")
    for header in ("CARC", "group", "lines", "dollars", "RARCs"):
        missed.add_column(header, justify="right" if header in ("lines", "dollars") else "left")
    for m in numbers["missed_by_carc"]:
        missed.add_row(m["carc"], m["carc_group"], str(m["lines"]), m["dollars"], " ".join(m["remarks"]) or "-")
    console.print(missed)
    funnel = Table(title="Rework funnel")
    for header in ("stage", "items", "dollars"):
        funnel.add_column(header, justify="left" if header == "stage" else "right")
    for f in numbers["funnel"]:
        funnel.add_row(f["stage"], str(f["items"]), f["dollars"])
    console.print(funnel)
    console.print("dollars: denied dollars entering each stage; paid = dollars recovered.", style="dim")
