"""The one I/O function of the rule data: read an operator's folder of quarterly CMS NCCI files at start-up.

`load_directory(path)` returns `{"ptp": [...], "mue": [...], "addon": [...]}`, lists of
`(TableMeta, table)` editions ready for `build_ruleset(extra_ptp=..., extra_mue=..., extra_addons=...)`.
The worker and the CLI call it once; rules never do.

Recognised files, in the folder or any sub-folder, plain or inside the `.zip` files CMS publishes
(names are matched case-insensitively; everything else is ignored and listed in the result's
"ignored" entry for the start-up log):

* practitioner PTP parts `ccipra-vNNQrR-fN.txt` - parts of one version merge into one edition; when
  several revisions of one quarter are present (r0, r1) the highest revision wins;
* practitioner MUE tables `MCR_MUE_PractitionerServices_Eff_MM-DD-YYYY.csv`;
* add-on code edits `AOC_VYYYYQn*.txt|csv`.

Hospital (`ccioph`), outpatient-hospital and DME MUE files are not practitioner tables and are ignored.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from rules.data.cms import merge_ptp_parts, parse_aoc, parse_mue_csv, parse_ptp_file_name, parse_ptp_txt
from rules.data.table import TableMeta
from rules.exceptions import DataTableError

_PTP = re.compile(r"ccipra-v\d{3}r\d+-f\d+\.txt$", re.IGNORECASE)
_MUE = re.compile(r"MCR_MUE_PractitionerServices_Eff_\d{2}-\d{2}-\d{4}[^/]*\.csv$", re.IGNORECASE)
_AOC = re.compile(r"AOC_V\d{4}Q[1-4][^/]*\.(txt|csv)$", re.IGNORECASE)


def _files(root: Path) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of every file under `root`, including the members of zip archives."""
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.suffix.lower() == ".zip":
            with zipfile.ZipFile(path) as archive:
                for member in sorted(archive.namelist()):
                    if not member.endswith("/"):
                        yield f"{path.name}!{Path(member).name}", archive.read(member)
        else:
            yield path.name, path.read_bytes()


def load_directory(path: str | Path) -> dict[str, list[Any]]:
    """Every practitioner PTP/MUE/AOC edition found under `path` (see the module docstring)."""
    root = Path(path)
    if not root.is_dir():
        raise DataTableError(f"{root}: the CMS data folder does not exist or is not a folder")
    ptp_parts: dict[tuple[int, int], dict[int, list[tuple[TableMeta, Any]]]] = {}
    mue: list[tuple[TableMeta, Any]] = []
    addons: list[tuple[TableMeta, Any]] = []
    ignored: list[str] = []
    for name, data in _files(root):
        short = name.rsplit("!", 1)[-1]
        if _PTP.search(short):
            parsed = parse_ptp_file_name(short)
            assert parsed is not None  # the pattern above guarantees a version
            edition = parse_ptp_txt(data, name=short)
            ptp_parts.setdefault((parsed.year, parsed.quarter), {}).setdefault(parsed.revision, []).append(edition)
        elif _MUE.search(short):
            mue.append(parse_mue_csv(data, name=short))
        elif _AOC.search(short):
            addons.append(parse_aoc(data, name=short))
        else:
            ignored.append(name)
    ptp = [merge_ptp_parts(revisions[max(revisions)]) for _, revisions in sorted(ptp_parts.items())]
    origin = str(root)
    return {
        "ptp": [(replace(meta, origin=origin), table) for meta, table in ptp],
        "mue": [(replace(meta, origin=origin), table) for meta, table in mue],
        "addon": [(replace(meta, origin=origin), table) for meta, table in addons],
        "ignored": ignored,
    }
