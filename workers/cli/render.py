"""Readable tables (rich) for people: scrub verdicts and summaries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
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
        f"  revenue impact ${impact}" if impact else "",
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
            fix_text = f"{fix.get('title', '')} [{fix.get('applicability', '')}]" if fix else ""
            table.add_row(
                finding["rule"],
                Text(finding["severity"], style=SEVERITY_STYLE.get(finding["severity"], "")),
                ",".join(finding["line_ids"]),
                finding["message"],
                fix_text,
                finding.get("revenue_impact") or "",
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
