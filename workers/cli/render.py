"""Readable tables (rich) for people: scrub verdicts and summaries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
ACTION_STYLE = {
    "resubmit_with_modifier": "green",
    "correct_and_resubmit": "green",
    "appeal": "cyan",
    "write_off": "dim",
    "review": "yellow",
}
STATUS_STYLE = {"clean": "green", "flagged": "yellow", "rejected": "bold red"}


def verdict_table(validated: dict[str, Any]) -> Group:
    """One claim's findings and corrected lines."""
    status = validated["status"]
    impact = validated.get("revenue_impact")
    title = Text.assemble(
        ("claim ", "bold"),
        (validated["claim_id"], "bold"),
        "  ",
        (status.upper(), STATUS_STYLE.get(status, "")),
        f"  {len(validated['findings'])} finding(s)",
        f"  revenue impact {signed_money(impact)}" if impact else "",
    )
    parts: list[Any] = [title]
    if validated.get("reason"):
        parts.append(Text(validated["reason"], style="italic"))
    if validated["findings"]:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, expand=True)
        table.add_column("rule", no_wrap=True)
        table.add_column("sev", no_wrap=True)
        table.add_column("lines", no_wrap=True)
        table.add_column("finding", ratio=1)
        table.add_column("fix", no_wrap=False, max_width=34)
        table.add_column("$", justify="right", no_wrap=True)
        for finding in validated["findings"]:
            fix = finding.get("fix") or {}
            # Text, not markup: "[safe]" or a message's "[preview]" must print as written.
            fix_text = Text(f"{fix.get('title', '')} [{fix.get('applicability', '')}]" if fix else "")
            table.add_row(
                finding["rule"],
                Text(finding["severity"], style=SEVERITY_STYLE.get(finding["severity"], "")),
                ",".join(finding["line_ids"]),
                Text(finding["message"]),
                fix_text,
                signed_money(finding.get("revenue_impact")),
            )
        parts.append(table)
    corrected = "  ".join(
        f"{line['code']}{'-' + '-'.join(line['modifiers']) if line['modifiers'] else ''}"
        f"{' x' + str(line['units']) if line['units'] != 1 else ''}"
        for line in validated["corrected_lines"]
    )
    if corrected:
        parts.append(Text.assemble(("  resubmit as: ", "dim"), corrected))
    parts.append(Text(""))
    return Group(*parts)


def money(value: Decimal | str | None) -> str:
    return f"${Decimal(value or 0):,.2f}"


def signed_money(value: Decimal | str | None) -> str:
    """`+$25.72` / `-$148.97` (empty when there is no figure)."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    return f"{'-' if amount < 0 else '+'}${abs(amount):,.2f}"


def summary_table(validated: list[dict[str, Any]]) -> Table:
    """One row per scrubbed claim: status, findings by severity, revenue impact, corrected claim."""
    table = Table(box=box.SIMPLE_HEAD, title="claims")
    for column in ("claim", "status", "errors", "warnings", "info", "impact $", "resubmit as"):
        table.add_column(column, justify="right" if column in ("errors", "warnings", "info", "impact $") else "left")
    for item in sorted(validated, key=lambda v: v["claim_id"]):
        severities = [f["severity"] for f in item["findings"]]
        corrected = " ".join(
            f"{line['code']}{'-' + '-'.join(line['modifiers']) if line['modifiers'] else ''}"
            f"{'x' + str(line['units']) if line['units'] != 1 else ''}"
            for line in item["corrected_lines"]
        )
        table.add_row(
            item["claim_id"],
            Text(item["status"], style=STATUS_STYLE.get(item["status"], "")),
            str(severities.count("error")),
            str(severities.count("warning")),
            str(severities.count("info")),
            item.get("revenue_impact") or "",
            corrected,
        )
    return table


def findings_table(validated: list[dict[str, Any]]) -> Table:
    """Every error and warning finding, one row each (info findings are counted in the summary)."""
    table = Table(box=box.SIMPLE_HEAD, title="findings (errors and warnings)", expand=True)
    table.add_column("claim", no_wrap=True)
    table.add_column("rule", no_wrap=True)
    table.add_column("lines", no_wrap=True)
    table.add_column("what, why, how to fix", ratio=1)
    table.add_column("$", justify="right", no_wrap=True)
    for item in sorted(validated, key=lambda v: v["claim_id"]):
        for finding in item["findings"]:
            if finding["severity"] == "info":
                continue
            table.add_row(
                item["claim_id"],
                Text(finding["rule"], style=SEVERITY_STYLE[finding["severity"]]),
                ",".join(finding["line_ids"]),
                finding["message"],
                finding.get("revenue_impact") or "",
            )
    return table


def leakage_table(validated: list[dict[str, Any]]) -> Group:
    """Batch totals for revenue-cycle managers: claims by status and dollars at stake by rule."""
    statuses: dict[str, int] = {}
    by_rule: dict[str, list[Decimal]] = {}
    counts: dict[str, int] = {}
    for item in validated:
        statuses[item["status"]] = statuses.get(item["status"], 0) + 1
        for finding in item["findings"]:
            counts[finding["rule"]] = counts.get(finding["rule"], 0) + 1
            sums = by_rule.setdefault(finding["rule"], [Decimal(0), Decimal(0)])
            impact = Decimal(finding.get("revenue_impact") or 0)
            sums[0 if impact > 0 else 1] += impact
    table = Table(box=box.SIMPLE_HEAD, title="findings by rule (whole batch)")
    table.add_column("rule")
    table.add_column("findings", justify="right")
    table.add_column("underbilled $ (to recover)", justify="right")
    table.add_column("overbilled $ (to refund/avoid)", justify="right")
    for rule, (up, down) in sorted(by_rule.items(), key=lambda kv: (-(kv[1][0] - kv[1][1]), kv[0])):
        table.add_row(rule, str(counts[rule]), money(up) if up else "", money(-down) if down else "")
    up_total = sum((v[0] for v in by_rule.values()), Decimal(0))
    down_total = sum((v[1] for v in by_rule.values()), Decimal(0))
    status_text = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
    head = Text(f"{len(validated)} claims: {status_text}", style="bold")
    foot = Text(
        f"underbilled {money(up_total)} to recover; overbilled {money(-down_total)} at audit risk", style="bold"
    )
    return Group(head, table, foot)


USE_STYLE = {"in_force": "green", "beyond_newest": "yellow", "before_oldest": "bold red"}


def reference_table(tables: Sequence[Any], day: date | None = None, uses: Sequence[Any] = ()) -> Table:
    """`dermclaims data`: one row per loaded reference table edition (workers/cli/data.py `LoadedTable`);
    with a date, the editions that date uses are marked."""
    used = {(use.table, use.version) for use in uses}
    table = Table(box=box.SIMPLE_HEAD, title="reference data loaded", expand=True)
    table.add_column("table", no_wrap=True)
    table.add_column("edition", ratio=1)
    table.add_column("effective", no_wrap=True)
    table.add_column("in force", no_wrap=True)
    table.add_column("rows", justify="right", max_width=24)
    table.add_column("source (--format json: in full)", ratio=2)
    if day is not None:
        table.add_column(f"used on {day}", no_wrap=True)
    for row in tables:
        effective = f"{row.effective_from}..{row.effective_to or 'open'}" if row.effective_from else ""
        cells: list[Any] = [
            Text(row.title, style="dim" if row.curated else ""),
            Text(f"{row.edition}\n{row.version}" if row.edition != row.version else row.edition),
            effective,
            _in_force(row),
            Text(f"{row.rows:,}\n{row.rows_note}", justify="right") if row.rows_note else f"{row.rows:,}",
            Text.assemble(short_source(row.source), "\n", (f"from {row.origin}", "dim")),
        ]
        if day is not None:
            cells.append(Text("yes", style="green") if (row.table, row.version) in used else "")
        table.add_row(*cells)
    return table


def short_source(source: str, limit: int = 110) -> str:
    """The source's first clause (its full text is in the file header and `--format json`)."""
    first = source.split(";", 1)[0].strip()
    return first if len(first) <= limit else first[: limit - 3].rstrip() + "..."


def _in_force(row: Any) -> str:
    if not row.dated:
        return "always (one edition)"
    if row.in_force_to is None:
        return f"{row.effective_from}.. (until a newer one)"
    if row.in_force_to < row.effective_from:
        return "never: a newer edition starts the same day"
    return f"{row.effective_from}..{row.in_force_to}"


def date_use_table(day: date, uses: list[Any], outcome: tuple[bool, str]) -> Group:
    """`dermclaims data --date`: the edition of each dated table a claim of that date is judged with."""
    table = Table(box=box.SIMPLE_HEAD, title=f"editions used for a date of service {day}")
    table.add_column("table", no_wrap=True)
    table.add_column("edition", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("what it means", ratio=1)
    for use in uses:
        table.add_row(
            use.table.upper(),
            use.version or "none",
            Text(use.status.replace("_", " "), style=USE_STYLE.get(use.status, "")),
            Text(use.message),
        )
    scrubbed, message = outcome
    verdict = Text(message, style="bold" if scrubbed else "bold red")
    return Group(table, verdict)


def loop_table(items: Sequence[Any]) -> Table:
    """Each rework item's revisions in order: its prediction, stage, action and recovered dollars."""
    table = Table(title="Rework items: did the scrubber predict the denial, and what became of it")
    for header in ("claim", "line", "CARC", "prediction", "rules", "rev", "stage", "action", "recovered $"):
        table.add_column(header, justify="right" if header in ("rev", "recovered $") else "left")
    for item in sorted(items, key=lambda i: (i.claim_id, i.rework_id, i.revision)):
        prediction = item.prediction
        table.add_row(
            item.claim_id,
            item.line_id or "claim",
            f"{item.group_code}-{item.reason}",
            prediction.outcome if prediction else "-",
            " ".join(prediction.rules or prediction.other_rules) if prediction else "",
            str(item.revision),
            item.stage,
            item.action.value,
            f"{item.recovered_amount:.2f}" if item.recovered_amount is not None else "",
        )
    return table
