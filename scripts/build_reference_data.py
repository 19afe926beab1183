"""Build the packaged reference tables in `rules/data/` from the official copies in `scripts/data/cms/`.

Run once after replacing a source file, then commit both (the output is what the worker loads):

    .venv/bin/python -m scripts.build_reference_data          # (re)write rules/data/*_cms_*.csv[.gz], carc, rarc
    .venv/bin/python -m scripts.build_reference_data --check  # exit 1 if a committed output is stale

Every output starts with the project's `# key: value` header (table, source, effective_from, effective_to,
version, curated) plus the filter and what this conversion changed, so provenance travels with the data
(`scripts/data/cms/SOURCES.md` tells where each source copy comes from). What the conversion does:

- PTP (NCCI practitioner PTP v30.1, 2024 Q2, rows whose column 1 is a dermatology/E/M/phototherapy code):
  keeps the rows that can apply on or after the edition's effective date (deletion date on or after
  2024-04-01, CMS `*` = none); the source dropped the CMS per-row "Effective Date", so every row applies
  from the edition's effective date (2024-04-01) until its deletion date. Written as a gzip'd CSV
  (column1, column2, deletion_date, modifier_indicator, rationale) so start-up reads it in a few ms.
- MUE (2024-04-01 and the early-2026 table): code, mue, mai, rationale; values unchanged.
- AOC (2024 Q2): one row per add-on/primary pair in force on or after 2024-04-01 (AOC, primary and edit not
  deleted before; the source cut the AOC and primary deletion dates to the year, so a deletion year before
  2024 drops the row; `CCCCC` (contractor-defined primaries) is kept as a row without a primary).
- CARC/RARC (X12 lists scraped 2024-06-12): code, text (CARC: description plus " Usage: " text, as X12
  prints it), start and stop dates.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import lzma
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "scripts" / "data" / "cms"
OUT = ROOT / "rules" / "data"
ACTIVE = "9999-12-31"  # what the source wrote for CMS "*" (no deletion)
EDITION_START = "2024-04-01"  # NCCI v30.1, MUE 2024-04-01, AOC 2024 Q2
DERM_FILTER = (
    "10040-10061, 10120-10180, 11000-11047, 11055-11057, 11102-11107, 11200-11201, 11300-11313, 11400-11646, "
    "11719-11765, 11900-11901, 11950-11971, 12001-12057, 13100-13160, 14000-14350, 15040-15278, 15570-15770, "
    "15780-15879, 17000-17380, 96372, 96900-96999, 99202-99215, 99231-99239, 99281-99285, 99241-99255; "
    "HCPCS G2211, J3301"
)


@dataclass(frozen=True, slots=True)
class Output:
    """One packaged table: its file name in rules/data/ and its full text."""

    name: str
    text: str

    def data(self) -> bytes:
        raw = self.text.encode("utf-8")
        # mtime=0: the same text always gives the same bytes, so a rebuild without changes is no diff.
        return gzip.compress(raw, compresslevel=9, mtime=0) if self.name.endswith(".gz") else raw


def _source_text(name: str) -> str:
    path = SOURCES / name
    if path.suffix == ".xz":
        return lzma.decompress(path.read_bytes()).decode("utf-8")
    return path.read_text(encoding="utf-8")


def _rows(text: str) -> list[dict[str, str]]:
    """The CSV rows after the source's `#` comment lines."""
    body = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))
    return list(csv.DictReader(io.StringIO(body)))


def _header(pairs: Sequence[tuple[str, str]]) -> str:
    return "".join(f"# {key}: {value}\n" for key, value in pairs)


def _csv(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()


PTP_SOURCE = "ncci_ptp_practitioner_v30.1_2024q2_derm_col1.csv.xz"
PTP_OUT = "ptp_cms_v30.1_2024q2.csv.gz"


def build_ptp() -> Output:
    source = _rows(_source_text(PTP_SOURCE))
    kept: dict[tuple[str, str], dict[str, str]] = {}
    for row in source:
        if row["deletion"] < EDITION_START:
            continue  # deleted before the edition starts: applies to no date of service it covers
        key = (row["column_1"], row["column_2"])
        old = kept.get(key)
        # The same pair twice in force: the row deleted later wins (none in v30.1 derm col1; kept for refreshes).
        if old is None or row["deletion"] > old["deletion"]:
            kept[key] = row
    rows = [
        (c1, c2, "" if r["deletion"] == ACTIVE else r["deletion"], r["modifier"], r["rationale"])
        for (c1, c2), r in sorted(kept.items())
    ]
    header = _header(
        (
            ("table", "ptp"),
            (
                "source",
                "CMS NCCI procedure-to-procedure (PTP) edits, practitioner services, version 30.1 (CMS files "
                "ccipra-v301r0-f1..f4), rows whose column 1 is a dermatology, E/M or phototherapy code; copied "
                "unchanged from a public decoding of the CMS files (scripts/data/cms/SOURCES.md)",
            ),
            ("edition", "NCCI PTP v30.1 (ccipra-v301r0), 2024 Q2"),
            ("effective_from", EDITION_START),
            ("effective_to", "2024-06-30"),
            ("version", "ccipra-v301r0"),
            ("curated", "false"),
            ("filter", f"column 1 in {DERM_FILTER}"),
            (
                "row_effective",
                "the source dropped the CMS per-row Effective Date: every row applies from the edition's "
                f"effective date ({EDITION_START}) until its deletion_date (empty = CMS '*', no deletion)",
            ),
            (
                "kept",
                f"{len(rows)} of {len(source)} source rows: those not deleted before {EDITION_START}; "
                "rationale = CMS PTP Edit Rationale",
            ),
            ("rows", str(len(rows))),
        )
    )
    columns = ("column1", "column2", "deletion_date", "modifier_indicator", "rationale")
    return Output(PTP_OUT, header + _csv(columns, rows))


def _mue(out: str, rows: list[tuple[str, str, str, str]], meta: Sequence[tuple[str, str]]) -> Output:
    header = _header((*meta, ("filter", f"code in {DERM_FILTER}"), ("rows", str(len(rows)))))
    return Output(out, header + _csv(("code", "mue", "mai", "rationale"), rows))


def build_mue_2024() -> Output:
    source = _rows(_source_text("ncci_mue_practitioner_2024-04-01_derm.csv"))
    rows = [(r["hcpcs"], r["mue_uos"], r["mue_mai"], r["mue_rationale"]) for r in source]
    return _mue(
        "mue_cms_2024-04-01.csv",
        rows,
        (
            ("table", "mue"),
            (
                "source",
                "CMS NCCI Medically Unlikely Edits, practitioner services, CMS file "
                "MCR_MUE_PractitionerServices_Eff_04-01-2024; copied unchanged from a public decoding of the CMS "
                "file (scripts/data/cms/SOURCES.md); mai = the leading digit of the CMS MUE Adjudication Indicator "
                "(1 Line Edit, 2 Date of Service Edit: Policy, 3 Date of Service Edit: Clinical)",
            ),
            ("edition", "MUE practitioner 2024-04-01 (2024 Q2)"),
            ("effective_from", EDITION_START),
            ("effective_to", "2024-06-30"),
            ("version", "mue-2024-04-01"),
            ("curated", "false"),
        ),
    )


def build_mue_2026() -> Output:
    source = _rows(_source_text("ncci_mue_practitioner_2026-early_raidenexn_derm.csv"))
    rows = [
        (
            r["HCPCS/CPT Code"],
            r["Practitioner Services MUE Values"],
            r["MUE Adjudication Indicator"],
            r["MUE Rationale"],
        )
        for r in source
    ]
    return _mue(
        "mue_cms_2026-04-01.csv",
        rows,
        (
            ("table", "mue"),
            (
                "source",
                "CMS NCCI Medically Unlikely Edits, practitioner services, the table CMS posted for early 2026; "
                "copied unchanged from a public web-app bundle tagged 2026-04-02 that does not name the CMS file "
                "(scripts/data/cms/SOURCES.md); mai = the MUE Adjudication Indicator digit",
            ),
            ("edition", "MUE practitioner, early 2026 (taken as 2026 Q2)"),
            ("effective_from", "2026-04-01"),
            ("effective_to", "2026-06-30"),
            (
                "effective_note",
                "the source states no effective date; its data tag (2026-04-02) makes it the 2026 Q1 or Q2 table, "
                "so it is taken as effective 2026-04-01 (the later, safer choice: before it the 2024-04-01 table "
                "applies, which agrees with it on every code but 15819, absent here)",
            ),
            ("version", "mue-2026-04-01"),
            ("curated", "false"),
        ),
    )


def build_aoc() -> Output:
    source = _rows(_source_text("ncci_aoc_2024q2_derm.csv"))
    year = EDITION_START[:4]
    rows: list[tuple[str, str, str]] = []
    for r in source:
        if r["add_del"] and r["add_del"] < year:
            continue  # add-on code deleted (year only in the source) before 2024
        if r["prim_del"] and r["prim_del"] < year:
            continue  # primary deleted before 2024
        if r["edit_del"] and r["edit_del"][:4] < year:
            continue  # the pair's edit deleted before 2024 (CMS Julian YYYYDDD)
        rows.append((r["addon"], "" if r["primary"] == "CCCCC" else r["primary"], r["edit"]))
    rows = sorted(set(rows))
    header = _header(
        (
            ("table", "addon"),
            (
                "source",
                "CMS NCCI add-on code (AOC) edits, Medicare, CMS file AOC_V2024Q2-MCR; copied from a public "
                "decoding of the CMS file (scripts/data/cms/SOURCES.md); aoc_type = CMS AOC Edit Type (1 primaries "
                "listed, 2 none listed, 3 some listed); an empty primary = CMS CCCCC (contractor-defined primaries)",
            ),
            ("edition", "AOC_V2024Q2-MCR, 2024 Q2"),
            ("effective_from", EDITION_START),
            ("effective_to", "2024-06-30"),
            ("version", "aoc-2024Q2"),
            ("curated", "false"),
            ("filter", f"add-on or primary code in {DERM_FILTER}"),
            (
                "kept",
                f"{len(rows)} pairs of {len(source)} source rows: those whose add-on, primary and edit were not "
                f"deleted before {year} (the source kept only the year of the add-on and primary deletion dates)",
            ),
            ("rows", str(len(rows))),
        )
    )
    return Output("aoc_cms_2024q2.csv", header + _csv(("addon", "primary", "aoc_type"), rows))


def _code_list(kind: str, source_name: str, out: str) -> Output:
    source = _rows(_source_text(source_name))
    rows = []
    for r in source:
        text = r["description"]
        if r.get("usage"):
            text = f"{text} Usage: {r['usage']}"
        rows.append((r["code"], text, r["start_date"], r.get("end_date", "")))
    header = _header(
        (
            ("table", kind.lower()),
            (
                "source",
                f"X12 {'Claim Adjustment Reason Codes' if kind == 'CARC' else 'Remittance Advice Remark Codes'} "
                f"(x12.org code list), full list as published on 2024-06-12; copied from a public scrape of the "
                "X12 page (scripts/data/cms/SOURCES.md); text = the X12 description"
                + (" plus its Usage note" if kind == "CARC" else ""),
            ),
            ("edition", f"X12 {kind} list, 2024-06-12"),
            ("effective_from", "2024-06-12"),
            ("version", f"{kind.lower()}-x12-2024-06-12"),
            ("curated", "false"),
            ("rows", str(len(rows))),
        )
    )
    return Output(out, header + _csv(("code", "text", "start_date", "stop_date"), rows))


def build_carc() -> Output:
    return _code_list("CARC", "x12_carc_2024-06-12.csv", "carc.csv")


def build_rarc() -> Output:
    return _code_list("RARC", "x12_rarc_2024-06-12.csv", "rarc.csv")


BUILDERS = (build_ptp, build_mue_2024, build_mue_2026, build_aoc, build_carc, build_rarc)


def build_all() -> list[Output]:
    return [builder() for builder in BUILDERS]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build rules/data/ reference tables from scripts/data/cms/.")
    parser.add_argument("--check", action="store_true", help="only check that the committed outputs are current")
    args = parser.parse_args(argv)
    stale = []
    for output in build_all():
        path = OUT / output.name
        if args.check:
            current = path.read_bytes() if path.exists() else b""
            if output.name.endswith(".gz"):
                current = gzip.decompress(current) if current else b""
            if current != output.text.encode("utf-8"):
                stale.append(output.name)
            continue
        path.write_bytes(output.data())
        print(f"wrote {path.relative_to(ROOT)} ({len(output.text.splitlines())} lines)")
    if stale:
        print(f"stale: {', '.join(stale)}; run .venv/bin/python -m scripts.build_reference_data", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
