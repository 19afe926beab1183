"""`dermclaims data [--date YYYY-MM-DD]`: every reference table the worker loads, and which edition a date uses.

The tables are the ones `dermclaims scrub` and the worker load (`workers.bootstrap.load_ruleset`): the
packaged official CMS editions, the curated add-on rows, the fee schedule, the code-family tables, the payer
profiles, the CARC/RARC lists and the rework likelihoods, plus the operator's quarterly CMS files from
`CLAIMS_RULES__DATA_DIR`. Dates follow docs/official-tables.md: an edition is in force from its start until a
newer loaded one starts; a date after the newest quarter is still scrubbed with it (and says how old it is);
a date before the oldest PTP and MUE editions is rejected.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from typing import Any

import click
import orjson

from rules.data.table import TableMeta, Versioned
from rules.ruleset import RuleSet

# The tables a date of service selects an edition of, in the order `data_versions` names them.
DATED = ("ptp", "mue", "addon", "pfs")
TITLES = {
    "ptp": "NCCI PTP edits",
    "mue": "MUE (practitioner)",
    "addon": "add-on code edits",
    "addon_curated": "add-on rows (curated)",
    "pfs": "fee schedule (PFS RVUs)",
    "code_families": "code families",
    "site_groups": "site groups",
    "diagnosis_classes": "diagnosis classes",
    "payer_profiles": "payer profiles",
    "carc": "CARC texts",
    "rarc": "RARC texts",
    "rework_likelihood": "rework likelihoods",
    "carc_groups": "CARC groups",
    "code_homes": "code homes (coverage)",
    "procedure_diagnoses": "procedure diagnoses",
    "g2211_policy": "G2211 policy by year",
    "lcd_references": "LCD references",
    "prolonged_services": "prolonged services by payer",
}


@dataclass(frozen=True, slots=True)
class LoadedTable:
    """One loaded edition of a reference table, as `dermclaims data` lists it."""

    table: str
    edition: str  # the human name, else the version label
    version: str  # the label verdicts carry in data_versions
    source: str
    origin: str  # rules/data/<file> or the operator's folder
    effective_from: str
    effective_to: str | None  # the end of the period it was published for (None: open)
    in_force_to: str | None  # the day before a newer loaded edition starts (None: until one is loaded)
    rows: int
    rows_note: str
    curated: bool
    dated: bool  # the engine picks an edition of this table by date of service

    @property
    def title(self) -> str:
        return TITLES.get(self.table, self.table)


@dataclass(frozen=True, slots=True)
class DateUse:
    """Which edition of a dated table a date of service uses, and how."""

    table: str
    version: str | None
    status: str  # in_force | beyond_newest | before_oldest
    days_after_period: int | None
    message: str


def _row(
    table: str, meta: TableMeta, rows: int, note: str = "", *, to: date | None = None, dated: bool = False
) -> LoadedTable:
    return LoadedTable(
        table=table,
        edition=meta.edition or meta.label,
        version=meta.label,
        source=meta.source,
        origin=meta.origin or "rules/data",
        effective_from=meta.effective_from.isoformat(),
        effective_to=meta.effective_to.isoformat() if meta.effective_to else None,
        in_force_to=to.isoformat() if to else None,
        rows=rows,
        rows_note=note,
        curated=meta.curated,
        dated=dated,
    )


def _editions(table: str, versioned: Versioned[Any], count: Any) -> Iterator[LoadedTable]:
    """Oldest first; each in force until the day before the next newer edition starts."""
    newer: date | None = None
    found: list[LoadedTable] = []
    for meta, edition in versioned.editions:  # newest first
        to = newer - timedelta(days=1) if newer is not None else None
        rows, note = count(edition)
        found.append(_row(table, meta, rows, note, to=to, dated=True))
        newer = meta.effective_from
    yield from reversed(found)


def _ptp_rows(table: Any) -> tuple[int, str]:
    return len(table.edits), "pairs"


def _mue_rows(table: Any) -> tuple[int, str]:
    return len(table.edits), "codes"


def _addon_rows(table: Any) -> tuple[int, str]:
    pairs = sum(len(edit.primaries) for edit in table.edits.values())
    return len(table.edits), f"add-on codes, {pairs} pairs"


def _pfs_rows(table: Any) -> tuple[int, str]:
    return len(table.codes), "codes"


def loaded_tables(ruleset: RuleSet) -> list[LoadedTable]:
    """Every reference table the RuleSet and the rework analyzer read, with its provenance and row count."""
    from rules.data import read_packaged
    from rules.data.ncci import parse_addon_curated
    from rules.rework.carc import carc_table, rarc_table
    from rules.rework.priority import likelihoods
    from rules.ruleset import CURATED_AOC

    out = [
        *_editions("ptp", ruleset.ptp, _ptp_rows),
        *_editions("mue", ruleset.mue, _mue_rows),
        *_editions("addon", ruleset.addons, _addon_rows),
    ]
    curated_meta, curated = parse_addon_curated(read_packaged(CURATED_AOC), name=CURATED_AOC)
    rows, _ = _addon_rows(curated)
    out.append(
        _row(
            "addon_curated",
            curated_meta,
            rows,
            "add-on codes",
        )
    )
    out.extend(_editions("pfs", ruleset.pfs, _pfs_rows))
    families = ruleset.families
    out.append(_row("code_families", families.meta, len(families.entries), "codes"))
    counts = {"site_groups": len(families.site_groups), "diagnosis_classes": len(families.diagnosis_classes)}
    for meta in families.metas:
        out.append(_row(meta.table, meta, counts.get(meta.table, 0), "rows"))
    profiles = {id(p): p for p in ruleset.profiles.values()}.values()
    overrides = sum(len(p.ptp_overrides) + len(p.mue_overrides) + len(p.addon_overrides) for p in profiles)
    sources = sorted({p.source for p in profiles if p.source}) or ["packaged payer_profiles.yaml"]
    out.append(
        LoadedTable(
            table="payer_profiles",
            edition=", ".join(sorted(p.name for p in profiles)),
            version=", ".join(sources),
            source=", ".join(sources),
            origin="rules/data/payer_profiles.yaml",
            effective_from="",
            effective_to=None,
            in_force_to=None,
            rows=len(profiles),
            rows_note=f"profiles, {overrides} override rows",
            curated=True,
            dated=False,
        )
    )
    carc, rarc = carc_table(), rarc_table()
    out.append(_row("carc", carc.meta, len(carc.texts), "codes"))
    out.append(_row("rarc", rarc.meta, len(rarc.texts), "codes"))
    table = likelihoods()
    out.append(_row("rework_likelihood", table.meta, len(table.by_action), "actions"))
    listed = [_with_origin(row) for row in out]
    return listed + list(_other_packaged(listed))


def packaged_files() -> list[str]:
    """Every table file shipped in `rules/data/` (CSV, gzip'd CSV), by name."""
    from importlib import resources

    names = (entry.name for entry in resources.files("rules.data").iterdir())
    return sorted(name for name in names if name.endswith((".csv", ".csv.gz")))


def _other_packaged(listed: Iterable[LoadedTable]) -> Iterator[LoadedTable]:
    """The packaged tables the rule families read on their own (code homes, policy tables, LCD references...),
    found from their file headers so a new table is listed without naming it here. The dated editions
    (PTP, MUE, add-on, fee schedule) are listed above as the RuleSet loaded them, never rediscovered."""
    from rules.data import read_packaged
    from rules.data.table import parse_table

    seen = {row.origin for row in listed}
    for name in packaged_files():
        origin = f"rules/data/{name}"
        if origin in seen or name.endswith(".gz"):
            continue
        meta, rows = parse_table(read_packaged(name), name=name)
        if meta.table in DATED:
            continue
        yield replace(_row(meta.table, meta, len(rows), "rows"), origin=origin)


_FILES = {
    "addon_curated": "addon_curated_2026.csv",
    "code_families": "code_families.csv",
    "site_groups": "site_groups.csv",
    "diagnosis_classes": "diagnosis_classes.csv",
    "carc": "carc.csv",
    "rarc": "rarc.csv",
    "rework_likelihood": "rework_likelihood.csv",
}


def _with_origin(row: LoadedTable) -> LoadedTable:
    """Single-file packaged tables name their file (the dated editions carry it in their metadata)."""
    if row.origin != "rules/data" or row.table not in _FILES:
        return row
    return replace(row, origin=f"rules/data/{_FILES[row.table]}")


def uses_on(ruleset: RuleSet, day: date) -> list[DateUse]:
    """The edition of each dated table a claim with this date of service is judged with."""
    out: list[DateUse] = []
    for name, versioned in (
        ("ptp", ruleset.ptp),
        ("mue", ruleset.mue),
        ("addon", ruleset.addons),
        ("pfs", ruleset.pfs),
    ):
        edition = versioned.for_date(day)
        if edition is None:
            oldest = versioned.editions[-1][0] if versioned.editions else None
            since = (
                f"the oldest loaded edition, {oldest.label}, starts {oldest.effective_from}"
                if oldest
                else "none is loaded"
            )
            what = "no revenue figures" if name == "pfs" else "no edit of this table is checked"
            out.append(DateUse(name, None, "before_oldest", None, f"no edition in force on {day}: {since} ({what})"))
            continue
        meta = edition[0]
        late = versioned.beyond(day)
        if late is not None and name != "pfs":
            _, days = late
            out.append(
                DateUse(
                    name,
                    meta.label,
                    "beyond_newest",
                    days,
                    f"{meta.label} ({meta.effective_from}..{meta.effective_to}), used {days} days after its period: "
                    "load newer CMS quarterly files",
                )
            )
        else:
            out.append(
                DateUse(name, meta.label, "in_force", None, f"{meta.label}, in force since {meta.effective_from}")
            )
    return out


def verdict_on(ruleset: RuleSet, day: date, uses: Iterable[DateUse]) -> tuple[bool, str]:
    """Whether a claim dated `day` is scrubbed, and what to tell the operator (the engine's coverage rule: a
    date no PTP and no MUE edition covers is rejected)."""
    by_table = {use.table: use for use in uses}
    if by_table["ptp"].status == "before_oldest" and by_table["mue"].status == "before_oldest":
        return False, (
            f"{day} is before the oldest loaded PTP and MUE editions: a claim with this date of service is rejected "
            "(nothing is guessed). Load that quarter's CMS files into CLAIMS_RULES__DATA_DIR to scrub it."
        )
    late = [use for use in by_table.values() if use.status == "beyond_newest"]
    if late:
        oldest = max(use.days_after_period or 0 for use in late)
        tables = ", ".join(use.table.upper() for use in late)
        return True, (
            f"{day} is after the newest loaded {tables} quarter (up to {oldest} days): scrubbed with the newest "
            "editions all the same; put the newer CMS quarterly files in CLAIMS_RULES__DATA_DIR and restart."
        )
    gaps = [use.table.upper() for use in by_table.values() if use.status == "before_oldest"]
    if gaps:
        return True, f"scrubbed; no {', '.join(gaps)} edition covers {day} (see above)."
    return True, f"scrubbed with the editions in force on {day}."


def as_json(
    tables: list[LoadedTable], day: date | None, uses: list[DateUse], outcome: tuple[bool, str] | None
) -> bytes:
    document: dict[str, Any] = {"tables": [asdict(table) for table in tables]}
    if day is not None and outcome is not None:
        document["date"] = day.isoformat()
        document["on_date"] = [asdict(use) for use in uses]
        document["scrubbed"], document["message"] = outcome
    return orjson.dumps(document, option=orjson.OPT_INDENT_2)


@click.command()
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="A date of service (YYYY-MM-DD): which edition of each dated table it uses.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table for people, json for machines.",
)
def data(day: Any, output_format: str) -> None:
    """List every loaded reference table (source, edition, effective window, rows), with the operator's
    quarterly CMS files from CLAIMS_RULES__DATA_DIR; --date says which edition a date of service uses."""
    from rich.console import Console

    from workers.bootstrap import load_ruleset
    from workers.cli.render import date_use_table, reference_table
    from workers.settings import WorkerSettings

    settings = WorkerSettings()
    ruleset = load_ruleset(settings)
    when: date | None = day.date() if day is not None else None
    tables = loaded_tables(ruleset)
    uses = uses_on(ruleset, when) if when is not None else []
    outcome = verdict_on(ruleset, when, uses) if when is not None else None
    if output_format == "json":
        sys.stdout.buffer.write(as_json(tables, when, uses, outcome) + b"\n")
        return
    console = Console(file=sys.stdout, width=None if sys.stdout.isatty() else 200)
    folder = settings.rules.data_dir
    console.print(reference_table(tables, when, uses))
    console.print(
        f"operator folder (CLAIMS_RULES__DATA_DIR): {folder}"
        if folder
        else "operator folder: none "
        "(set CLAIMS_RULES__DATA_DIR to a folder of CMS quarterly PTP/MUE/AOC files to load newer quarters)"
    )
    if when is not None and outcome is not None:
        console.print(date_use_table(when, uses, outcome))
