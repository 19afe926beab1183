"""Loaders for the official CMS NCCI file formats: practitioner PTP `.TXT`, MUE `.csv`, add-on code edits.

Pure: text or bytes in, `(TableMeta, PtpTable | MueTable | AddonTable)` out, so a quarter's official
files and the curated CSVs in this package are interchangeable editions of one `Versioned` table.
Reading a directory of files is `rules.data.operator.load_directory`, called once at start-up.

Formats (as established from public copies of the 2026 files):

Practitioner PTP, `ccipra-vNNQrR-fN.TXT` (Latin-1, tab-delimited, CRLF or LF)::

    CPT only copyright 2025 American Medical Association.  All rights reserved.<TAB>...
    Column1/Column2 Edits<TAB>...
    Column 1<TAB>Column 2<TAB>*=in existence<TAB>Effective<TAB>Deletion<TAB>Modifier<TAB>PTP Edit Rationale
    <TAB><TAB>prior to 1996<TAB>Date<TAB>Date<TAB>0=not allowed<TAB>
    <TAB><TAB><TAB><TAB>*=no data<TAB>1=allowed<TAB>
    <TAB><TAB><TAB><TAB><TAB>9=not applicable<TAB>
    13121<TAB>13120<TAB>*<TAB>19960101<TAB>*<TAB>0<TAB>CPT Manual or CMS manual coding instruction

  Everything before the line whose first cell is `Column 1` is notice; the wrapped header continues on
  the following lines whose first two cells are empty. Data: column 1, column 2, `*` if in existence
  before 1996, effective date YYYYMMDD, deletion date YYYYMMDD or `*` (none), modifier indicator 0/1/9,
  rationale. The same pair can appear on several rows: the row in force wins, else the latest deletion
  (CMS NCCI PTP file layout). The quarter comes from the version in the file name: NCCI version NN.Q, where
  NN = year - 1994 and Q = quarter - 1, so `v320r0` is 2026 Q1 and `v322r0` 2026 Q3; `rR` is a revision
  of the same quarter. Parts f1..f4 of one quarter (split by column-1 range) merge into one edition.

Practitioner MUE, `MCR_MUE_PractitionerServices_Eff_MM-DD-YYYY.csv` (Latin-1, CSV)::

    "CPT codes ... copyright ... American Medical Association ... (multi-line, quoted)",,,
    "HCPCS/
    CPT Code",Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale
    17004,1,2 Date of Service Edit: Policy,Code Descriptor / CPT Instruction

  The header's first cell may hold an embedded line break. The MAI is the leading digit of the
  indicator cell ("1 Line Edit", "2 Date of Service Edit: Policy", "3 Date of Service Edit: Clinical").
  The file carries no dates: the edition starts on the date in the file name and, by default, runs to
  the end of that calendar quarter (MUE tables are published quarterly).

Add-on code edits, `AOC_V2026Q1_01-MCR.txt` / `.csv` (CMS also ships `.xlsx`; export it to CSV first).
ASSUMED LAYOUT - the CMS file itself could not be read here (no copy of it was found: NOT
FOUND). Column names were established from public scripts that read the CMS workbook
(`AOC_V2024Q2-MCR`): Add-on Code, Primary Code (`CCCCC` = no specific primaries, contractor defined),
AOC Edit Type (1/2/3), AOC Del Dt, Primary Code Del Dt, AOC Edit Eff Dt, AOC Edit Del Dt (later files
suffix the date columns with "Julian"), Special Instruction Notes. Dates were reported as Julian
`YYYYDDD`. So this loader is deliberately tolerant: notice lines before the header are skipped; the
delimiter is a tab, comma or `|` (whichever splits the header best); header names are matched after
case-folding and dropping everything but letters and digits, so `Add-On_Code`, `ADD ON CODE` and
`Add-on Code` all match; dates may be `YYYYDDD`, `YYYYMMDD`, `YYYY-MM-DD` or `MM/DD/YYYY`; blank or `*`
means none. The quarter comes from `VYYYYQn` in the file name. A pair is kept when its edit is in force
at some point in the edition's quarter and neither code was deleted before the quarter began.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from rules.data.ncci import AddonEdit, AddonTable, MueEdit, MueTable, PtpEdit, PtpTable
from rules.data.table import TableMeta
from rules.exceptions import DataTableError

_CODE = re.compile(r"^[A-Z0-9]{5}$")
_PTP_NAME = re.compile(r"ccipra-v(?P<nn>\d{2})(?P<q>[0-3])r(?P<rev>\d+)(?:-f(?P<part>\d+))?", re.IGNORECASE)
_MUE_NAME = re.compile(r"Eff_(?P<m>\d{2})-(?P<d>\d{2})-(?P<y>\d{4})", re.IGNORECASE)
_AOC_NAME = re.compile(r"AOC_V(?P<y>\d{4})Q(?P<q>[1-4])", re.IGNORECASE)
_NO_DATE = ("", "*")
NCCI_BASE_YEAR = 1994  # NCCI version 30 = 2024, 32 = 2026


def _text(data: str | bytes) -> str:
    """CMS files are Latin-1; a UTF-8 BOM (re-saved files) is dropped."""
    if isinstance(data, bytes):
        if data.startswith(b"\xef\xbb\xbf"):
            return data[3:].decode("utf-8")
        return data.decode("latin-1")
    return data.lstrip("\ufeff")


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a calendar quarter."""
    start = date(year, 3 * (quarter - 1) + 1, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end - timedelta(days=1)


def _quarter_of(day: date) -> tuple[date, date]:
    return quarter_bounds(day.year, (day.month - 1) // 3 + 1)


@dataclass(frozen=True, slots=True)
class PtpFileName:
    """What a practitioner PTP file name says: `ccipra-v322r0-f1.TXT` -> v322r0, 2026 Q3, part 1."""

    version: str  # e.g. "v322r0"
    year: int
    quarter: int
    revision: int
    part: int | None

    @property
    def edition(self) -> str:
        return f"ccipra-{self.version}"

    @property
    def bounds(self) -> tuple[date, date]:
        return quarter_bounds(self.year, self.quarter)


def parse_ptp_file_name(name: str) -> PtpFileName | None:
    match = _PTP_NAME.search(name)
    if match is None:
        return None
    nn, q, rev = int(match["nn"]), int(match["q"]), int(match["rev"])
    return PtpFileName(
        version=f"v{match['nn']}{match['q']}r{match['rev']}",
        year=NCCI_BASE_YEAR + nn,
        quarter=q + 1,
        revision=rev,
        part=int(match["part"]) if match["part"] else None,
    )


# ---- PTP -----------------------------------------------------------------------------------------


def _yyyymmdd(value: str) -> date:
    if len(value) != 8 or not value.isdigit():
        raise ValueError(f"date {value!r} is not YYYYMMDD")
    return date(int(value[:4]), int(value[4:6]), int(value[6:]))


def _prefer(new: PtpEdit, old: PtpEdit, start: date | None) -> bool:
    """Duplicate keys: the row in force at the edition start wins, then no deletion, then the latest one."""

    def rank(edit: PtpEdit) -> tuple[bool, bool, date, bool, date]:
        in_force = start is not None and edit.active_on(start) and edit.modifier_indicator != "9"
        return (
            in_force,
            edit.deletion is None,
            edit.deletion or date.max,
            edit.modifier_indicator != "9",
            edit.effective,
        )

    return rank(new) > rank(old)


def _ptp_rows(text: str, name: str) -> Iterable[tuple[int, list[str]]]:
    """Data rows (line number, cells) after the notice and the wrapped header."""
    lines = text.splitlines()
    header_at = None
    for number, line in enumerate(lines[:50], start=1):
        if line.split("\t", 1)[0].strip().lower() in ("column 1", "column1"):
            header_at = number
            break
    if header_at is None:
        raise DataTableError(
            f"{name}: not a CMS NCCI PTP file: no 'Column 1<TAB>Column 2<TAB>...' header in the first 50 lines"
        )
    in_header = True
    for number, line in enumerate(lines[header_at:], start=header_at + 1):
        cells = line.split("\t")
        if in_header and not cells[0].strip() and (len(cells) < 2 or not cells[1].strip()):
            continue  # wrapped header continuation
        in_header = False
        if not line.strip():
            continue
        yield number, cells


def parse_ptp_txt(
    data: str | bytes,
    *,
    name: str,
    effective_from: date | None = None,
    effective_to: date | None = None,
    keep_inactive: bool = False,
) -> tuple[TableMeta, PtpTable]:
    """One practitioner PTP file (one part of a quarter). Bad rows raise, naming the file and line.

    The edition's dates come from the file name's version unless given. Unless `keep_inactive`, rows
    that cannot apply to a date of service in the edition (deleted before it starts, or effective after
    it ends) are dropped: the full files hold about 2.6 million rows, many long deleted.
    """
    parsed = parse_ptp_file_name(name)
    if effective_from is None:
        if parsed is None:
            raise DataTableError(
                f"{name}: cannot tell the quarter: the name has no 'ccipra-vNNQrR' version; pass effective_from"
            )
        effective_from, default_to = parsed.bounds
        effective_to = effective_to or default_to
    edits: dict[tuple[str, str], PtpEdit] = {}
    # Millions of rows share a few thousand codes, dates and rationales: one object each keeps memory down.
    strings: dict[str, str] = {}
    dates: dict[str, date] = {}
    source = f"CMS NCCI practitioner PTP edits, {name}"
    for number, cells in _ptp_rows(_text(data), name):
        if len(cells) < 6:
            raise DataTableError(f"{name}: line {number}: expected 7 tab-separated fields, found {len(cells)}")
        column1, column2, effective, deletion, indicator = (
            cells[0].strip(),
            cells[1].strip(),
            cells[3].strip(),
            cells[4].strip(),
            cells[5].strip(),
        )
        rationale = cells[6].strip() if len(cells) > 6 else ""
        try:
            if not _CODE.match(column1) or not _CODE.match(column2):
                raise ValueError(f"codes {column1!r}/{column2!r} are not 5-character HCPCS/CPT codes")
            if indicator not in ("0", "1", "9"):
                raise ValueError(f"modifier indicator {indicator!r} is not 0, 1 or 9")
            effective_on = dates.get(effective) or dates.setdefault(effective, _yyyymmdd(effective))
            deleted_on = (
                None if deletion in _NO_DATE else dates.get(deletion) or dates.setdefault(deletion, _yyyymmdd(deletion))
            )
        except ValueError as exc:
            raise DataTableError(f"{name}: line {number}: {exc}") from exc
        if not keep_inactive and (
            (deleted_on is not None and deleted_on < effective_from)
            or (effective_to is not None and effective_on > effective_to)
        ):
            continue
        column1 = strings.setdefault(column1, column1)
        column2 = strings.setdefault(column2, column2)
        edit = PtpEdit(
            column1=column1,
            column2=column2,
            effective=effective_on,
            deletion=deleted_on,
            modifier_indicator=strings.setdefault(indicator, indicator),
            rationale=strings.setdefault(rationale, rationale),
            source=source,
        )
        key = (column1, column2)
        old = edits.get(key)
        if old is None or _prefer(edit, old, effective_from):
            edits[key] = edit
    meta = TableMeta(
        table="ptp",
        source=source,
        effective_from=effective_from,
        effective_to=effective_to,
        version=parsed.edition if parsed else name,
        curated=False,
    )
    return meta, PtpTable(edits)


def merge_ptp_parts(parts: Sequence[tuple[TableMeta, PtpTable]]) -> tuple[TableMeta, PtpTable]:
    """The f1..f4 parts of one quarter as one edition (they must agree on the quarter)."""
    if not parts:
        raise DataTableError("no PTP parts to merge")
    first = parts[0][0]
    for meta, _ in parts[1:]:
        if (meta.effective_from, meta.effective_to) != (first.effective_from, first.effective_to):
            raise DataTableError(
                f"PTP parts of different quarters cannot merge: {first.source} ({first.effective_from}) and "
                f"{meta.source} ({meta.effective_from})"
            )
    edits: dict[tuple[str, str], PtpEdit] = {}
    for _, table in parts:
        for key, edit in table.edits.items():
            old = edits.get(key)
            if old is None or _prefer(edit, old, first.effective_from):
                edits[key] = edit
    names = "; ".join(meta.source.rsplit(", ", 1)[-1] for meta, _ in parts)
    meta = TableMeta(
        table="ptp",
        source=f"CMS NCCI practitioner PTP edits, {names}",
        effective_from=first.effective_from,
        effective_to=first.effective_to,
        version=first.version,
        curated=False,
    )
    return meta, PtpTable(edits)


# ---- MUE -----------------------------------------------------------------------------------------


def _squash(cell: str) -> str:
    """Header text without any whitespace (the CMS header cell wraps 'HCPCS/' and 'CPT Code')."""
    return "".join(cell.split()).lower()


def parse_mue_csv(
    data: str | bytes,
    *,
    name: str,
    effective_from: date | None = None,
    effective_to: date | None = None,
) -> tuple[TableMeta, MueTable]:
    """One practitioner MUE CSV. Bad rows raise, naming the file and line."""
    if effective_from is None:
        match = _MUE_NAME.search(name)
        if match is None:
            raise DataTableError(f"{name}: cannot tell the effective date: no 'Eff_MM-DD-YYYY' in the name")
        try:
            effective_from = date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError as exc:
            raise DataTableError(f"{name}: bad effective date in the file name: {exc}") from exc
        effective_to = effective_to or _quarter_of(effective_from)[1]
    reader = csv.reader(io.StringIO(_text(data), newline=""))
    header_seen = False
    edits: dict[str, MueEdit] = {}
    source = f"CMS NCCI practitioner MUE table, {name}"
    for cells in reader:
        if not header_seen:
            if cells and _squash(cells[0]) == "hcpcs/cptcode":
                header_seen = True
            elif reader.line_num > 200:
                break
            continue
        if not any(c.strip() for c in cells):
            continue
        line = reader.line_num
        try:
            if len(cells) < 3:
                raise ValueError(f"expected 4 fields (code, MUE, MAI, rationale), found {len(cells)}")
            code, value, indicator = (c.strip() for c in cells[:3])
            rationale = cells[3].strip() if len(cells) > 3 else ""
            if not _CODE.match(code):
                raise ValueError(f"code {code!r} is not a 5-character HCPCS/CPT code")
            if not value.isdigit():
                raise ValueError(f"MUE value {value!r} is not a whole number")
            if indicator[:1] not in ("1", "2", "3"):
                raise ValueError(f"MUE adjudication indicator {indicator!r} does not start with 1, 2 or 3")
        except ValueError as exc:
            raise DataTableError(f"{name}: line {line}: {exc}") from exc
        edits[code] = MueEdit(code, int(value), int(indicator[0]), rationale, source)
    if not header_seen:
        raise DataTableError(
            f"{name}: not a CMS MUE file: no 'HCPCS/CPT Code,Practitioner Services MUE Values,...' header"
        )
    meta = TableMeta(
        table="mue",
        source=source,
        effective_from=effective_from,
        effective_to=effective_to,
        version=f"mue-{effective_from.isoformat()}",
        curated=False,
    )
    return meta, MueTable(edits)


# ---- AOC -----------------------------------------------------------------------------------------

_AOC_COLUMNS: dict[str, tuple[str, ...]] = {
    # key: normalised header prefixes (letters and digits only, lower case), most specific first
    "addon": ("addoncode", "addon"),
    "primary": ("primarycode", "primary"),
    "type": ("aocedittype", "edittype"),
    "addon_deleted": ("aocdel",),
    "primary_deleted": ("primarycodedel", "primarydel"),
    "edit_effective": ("aocediteff",),
    "edit_deleted": ("aoceditdel",),
}
_EXACT = frozenset({"addon", "primary", "type"})  # these must match a whole header name


def _norm(cell: str) -> str:
    return re.sub(r"[^a-z0-9]", "", cell.lower())


def _match_columns(cells: Sequence[str]) -> dict[str, int] | None:
    names = [_norm(c) for c in cells]
    found: dict[str, int] = {}
    for key, aliases in _AOC_COLUMNS.items():
        for index, cell in enumerate(names):
            if any(cell == alias or (key not in _EXACT and cell.startswith(alias)) for alias in aliases):
                found[key] = index
                break
    if found.keys() >= _EXACT:
        return found
    return None


def _any_date(value: str) -> date | None:
    value = value.strip()
    if value in _NO_DATE:
        return None
    if re.fullmatch(r"\d{7}", value):  # Julian YYYYDDD
        year, day = int(value[:4]), int(value[4:])
        if not 1 <= day <= 366:
            raise ValueError(f"Julian date {value!r} has day-of-year {day}")
        return date(year, 1, 1) + timedelta(days=day - 1)
    if re.fullmatch(r"\d{8}", value):
        return _yyyymmdd(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value)
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
    if match:
        return date(int(match[3]), int(match[1]), int(match[2]))
    raise ValueError(f"date {value!r} is not YYYYDDD, YYYYMMDD, YYYY-MM-DD or MM/DD/YYYY")


def _split(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter))


def parse_aoc(
    data: str | bytes,
    *,
    name: str,
    effective_from: date | None = None,
    effective_to: date | None = None,
) -> tuple[TableMeta, AddonTable]:
    """One CMS add-on code edit file (tab, comma or pipe delimited). Bad rows raise, naming file and line."""
    named = _AOC_NAME.search(name)
    if effective_from is None:
        if named is None:
            raise DataTableError(f"{name}: cannot tell the quarter: no 'AOC_VYYYYQn' in the name; pass effective_from")
        effective_from, default_to = quarter_bounds(int(named["y"]), int(named["q"]))
        effective_to = effective_to or default_to
    lines = _text(data).splitlines()
    columns: dict[str, int] | None = None
    delimiter = "\t"
    start = 0
    for index, line in enumerate(lines[:50]):
        for candidate in ("\t", ",", "|"):
            columns = _match_columns(_split(line, candidate)) if candidate in line else None
            if columns is not None:
                delimiter, start = candidate, index + 1
                break
        if columns is not None:
            break
    if columns is None:
        raise DataTableError(
            f"{name}: not a CMS add-on code edit file: no header with 'Add-on Code', 'Primary Code' and "
            "'AOC Edit Type' in the first 50 lines"
        )
    width = max(columns.values()) + 1
    source = f"CMS NCCI add-on code edits, {name}"
    grouped: dict[str, tuple[set[str], int]] = {}
    edition_end = effective_to or date.max
    for number, line in enumerate(lines[start:], start=start + 1):
        if not line.strip():
            continue
        cells = [c.strip() for c in _split(line, delimiter)]
        try:
            if len(cells) < width:
                raise ValueError(f"expected at least {width} fields, found {len(cells)}")
            addon, primary, kind = cells[columns["addon"]], cells[columns["primary"]], cells[columns["type"]]
            if not _CODE.match(addon):
                raise ValueError(f"add-on code {addon!r} is not a 5-character HCPCS/CPT code")
            if primary != "CCCCC" and not _CODE.match(primary):
                raise ValueError(f"primary code {primary!r} is neither a HCPCS/CPT code nor CCCCC")
            if kind not in ("1", "2", "3"):
                raise ValueError(f"AOC edit type {kind!r} is not 1, 2 or 3")
            dates = {
                key: _any_date(cells[columns[key]]) if key in columns else None
                for key in ("addon_deleted", "primary_deleted", "edit_effective", "edit_deleted")
            }
        except ValueError as exc:
            raise DataTableError(f"{name}: line {number}: {exc}") from exc
        if dates["addon_deleted"] is not None and dates["addon_deleted"] < effective_from:
            continue
        primaries, _ = grouped.setdefault(addon, (set(), int(kind)))
        in_force = (
            (dates["edit_effective"] is None or dates["edit_effective"] <= edition_end)
            and (dates["edit_deleted"] is None or dates["edit_deleted"] >= effective_from)
            and (dates["primary_deleted"] is None or dates["primary_deleted"] >= effective_from)
        )
        if primary != "CCCCC" and in_force:
            primaries.add(primary)
    edits = {code: AddonEdit(code, frozenset(p), t, source) for code, (p, t) in grouped.items()}
    meta = TableMeta(
        table="addon",
        source=source,
        effective_from=effective_from,
        effective_to=effective_to,
        version=f"aoc-{named['y']}Q{named['q']}" if named else name,
        curated=False,
    )
    return meta, AddonTable(edits)
