"""`dermclaims rules [show CODE]`: the rule catalog as a table, and one rule's documentation.

The documentation is the rule's docstring, rendered as Markdown. Fixture examples live in
`tests/rules/fixtures/` and so exist only in a source checkout: `show --fixtures` prints them when found.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import click
from rich.console import Console, Group, RenderableType
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from rules.registry import RULE_REDIRECTS, discover
from rules.rule import Rule

_STATUS_STYLE = {"stable": "green", "preview": "yellow", "deprecated": "red", "removed": "dim"}
_SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}


def family(rule: type[Rule]) -> str:
    """The rule's family: its package under `rules/` (bundling, evaluation, modifiers, ...)."""
    parts = rule.__module__.split(".")
    return parts[1] if len(parts) > 2 else parts[0]


def docstring(rule: type[Rule]) -> str:
    """The rule's documentation: its docstring without the class-body indentation."""
    return inspect.cleandoc(rule.__doc__ or "")


def sections(doc: str) -> tuple[str, list[tuple[str, str]]]:
    """Split a rule docstring into its summary and its `## Title` sections, in order."""
    summary: list[str] = []
    out: list[tuple[str, list[str]]] = []
    for line in doc.splitlines():
        if line.startswith("## "):
            out.append((line[3:].strip(), []))
        elif out:
            out[-1][1].append(line)
        else:
            summary.append(line)
    return "\n".join(summary).strip(), [(title, "\n".join(body).strip()) for title, body in out]


def catalog_table(registry: Mapping[str, type[Rule]], *, title: str = "Rules") -> Table:
    table = Table(title=title, title_justify="left", header_style="bold", expand=False)
    table.add_column("Code", style="bold", no_wrap=True)
    table.add_column("Name")
    table.add_column("Category", no_wrap=True)
    table.add_column("Severity", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    for code, rule in registry.items():
        status = rule.status
        table.add_row(
            code,
            f"{rule.name}\n[dim]{rule.slug}[/dim]" if rule.name != rule.slug else rule.slug,
            rule.category.value,
            Text(rule.severity.value, style=_SEVERITY_STYLE.get(rule.severity.value, "")),
            Text(f"{status.kind} {status.since}", style=_STATUS_STYLE.get(status.kind, "")),
        )
    return table


def find_fixtures(code: str) -> Path | None:
    """`tests/rules/fixtures/<CODE>.yaml` when running from a source checkout, else None."""
    import rules

    root = Path(rules.__file__).resolve().parent.parent
    path = root / "tests" / "rules" / "fixtures" / f"{code}.yaml"
    return path if path.is_file() else None


def _line_text(line: Mapping[str, Any]) -> Text:
    text = Text(str(line.get("code", "?")))
    modifiers = line.get("modifiers") or []
    if modifiers:
        text.append("-" + "-".join(str(m) for m in modifiers))
    units = line.get("units", 1)
    if units != 1:
        text.append(f" x{units}")
    if line.get("service_date"):
        text.append(f" ({line['service_date']})")
    doc = line.get("documentation")
    if doc:
        text.append(" {" + ", ".join(f"{k}: {v}" for k, v in doc.items()) + "}", style="dim")
    return text


def fixture_cases(code: str, cases: Iterable[Mapping[str, Any]]) -> Table:
    table = Table(title=f"Fixture cases (tests/rules/fixtures/{code}.yaml)", title_justify="left", show_lines=True)
    table.add_column("Case")
    table.add_column("Claim lines")
    table.add_column("Fires", no_wrap=True)
    table.add_column("Expected fix / corrected lines")
    for case in cases:
        claim = case.get("claim", {})
        lines = Text("\n").join(_line_text(line) for line in claim.get("lines", []))
        fires = code in (case.get("expect") or [])
        expected = Text()
        if "expect_fix" in case:
            expected.append(", ".join(f"{k}={v}" for k, v in case["expect_fix"].items()))
        if "expect_corrected" in case:
            if expected:
                expected.append("\n")
            expected.append("-> ")
            expected.append(Text(" + ").join(_line_text(line) for line in case["expect_corrected"]))
        table.add_row(
            Text(str(case.get("name", ""))),
            lines,
            Text("yes" if fires else "no", style="red" if fires else "green"),
            expected,
        )
    return table


def rule_view(rule: type[Rule]) -> RenderableType:
    """Facts panel, the docstring as Markdown, then its Example section set apart as the examples."""
    summary, parts = sections(docstring(rule))
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    facts.add_row("Slug", rule.slug)
    facts.add_row("Family", family(rule))
    facts.add_row("Category", rule.category.value)
    facts.add_row("Severity", Text(rule.severity.value, style=_SEVERITY_STYLE.get(rule.severity.value, "")))
    facts.add_row("Status", f"{rule.status.kind} since {rule.status.since}")
    facts.add_row("Reference", rule.reference)
    body = "\n\n".join(f"## {title}\n\n{text}" for title, text in parts if title.lower() != "example")
    examples = [text for title, text in parts if title.lower() == "example"]
    renderables: list[RenderableType] = [
        Panel(facts, title=f"[bold]{rule.code}[/bold] {rule.name}", title_align="left"),
        Markdown(f"**{summary}**\n\n{body}"),
    ]
    if examples:
        # Plain text keeps the docstring's one-example-per-line layout (Markdown would reflow it).
        renderables.append(Panel(Text(examples[0]), title="Example", title_align="left"))
    return Group(*renderables)


def resolve(code_or_slug: str, registry: Mapping[str, type[Rule]]) -> type[Rule]:
    """A rule by code (any case, following redirects) or by slug; `click.BadParameter` otherwise."""
    wanted = code_or_slug.strip()
    code = RULE_REDIRECTS.get(wanted.upper(), wanted.upper())
    if code in registry:
        return registry[code]
    for rule in registry.values():
        if rule.slug == wanted.lower():
            return rule
    prefix = wanted.upper()[:3]
    near = [c for c in registry if c.startswith(prefix)] or list(registry)
    raise click.BadParameter(
        f"no rule {code_or_slug!r}. Known codes: {', '.join(near[:20])}{' ...' if len(near) > 20 else ''}",
        param_hint="CODE",
    )


@click.group(invoke_without_command=True)
@click.option("--family", "family_filter", default=None, help="Only this family (e.g. modifiers, evaluation).")
@click.option("--category", default=None, help="Only this finding category (e.g. modifier_invalid).")
@click.pass_context
def rules(ctx: click.Context, family_filter: str | None, category: str | None) -> None:
    """List the rule catalog (code, name, category, severity, status). `rules show CODE` documents one rule."""
    if ctx.invoked_subcommand is not None:
        return
    registry = discover()
    selected = {
        code: rule
        for code, rule in registry.items()
        if (family_filter is None or family(rule) == family_filter)
        and (category is None or rule.category.value == category)
    }
    console = Console()
    if not selected:
        raise click.ClickException("no rule matches the filters")
    console.print(catalog_table(selected, title=f"Rules ({len(selected)} of {len(registry)})"))
    console.print("[dim]dermclaims rules show CODE[/dim] prints a rule's documentation.")


@rules.command()
@click.argument("code")
@click.option(
    "--fixtures/--no-fixtures",
    default=False,
    help="Also print the rule's fixture cases (only in a source checkout, from tests/rules/fixtures/).",
)
def show(code: str, fixtures: bool) -> None:
    """Print the documentation of rule CODE (code or slug): its docstring, with its Example section."""
    rule = resolve(code, discover())
    console = Console()
    console.print(rule_view(rule))
    if not fixtures:
        return
    path = find_fixtures(rule.code)
    if path is None:
        console.print(
            f"[dim]No fixture file for {rule.code}: fixtures ship only with a source checkout "
            "(tests/rules/fixtures/); the Example section above is the installed documentation.[/dim]"
        )
        return
    import yaml

    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    console.print(fixture_cases(rule.code, document.get("cases", [])))
