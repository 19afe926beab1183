"""The packaged official CMS tables: built from their source copies, facts the rules rely on, no curated
row contradicting them, and the dates policy (docs/official-tables.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rules.data import read_packaged
from rules.data.ncci import AddonTable, MueTable, PtpTable, parse_addon_curated, parse_mue_curated
from rules.data.table import TableMeta
from rules.ruleset import CURATED_AOC, packaged_tables
from rules.testing import default_ruleset
from scripts.build_reference_data import OUT, build_all

DAY = date(2026, 3, 2)


@pytest.mark.parametrize("output", build_all(), ids=lambda o: o.name)
def test_packaged_file_is_the_conversion_of_its_source(output: object) -> None:
    """Each rules/data/ file equals scripts/build_reference_data.py's conversion of scripts/data/cms/ (rerun the
    script after replacing a source)."""
    import gzip

    name, text = output.name, output.text  # type: ignore[attr-defined]
    data = (OUT / name).read_bytes()
    assert (gzip.decompress(data) if name.endswith(".gz") else data).decode("utf-8") == text


class TestTableFacts:
    """Rows the rules' docstrings and messages state, as the official tables have them."""

    def ptp(self) -> PtpTable:
        return default_ruleset().ptp.for_date(DAY)[1]  # type: ignore[index]

    @pytest.mark.parametrize(
        ("column1", "column2"),
        [
            ("17260", "17000"),
            ("17263", "17000"),
            ("17281", "17000"),
            ("17286", "17000"),
            ("17262", "17004"),
            ("17286", "17004"),
            ("17004", "17260"),  # the table wins over prose: 17004 is column 1 over 17260/17261
            ("11102", "17000"),
            ("11104", "17000"),
            ("11106", "17000"),
            ("11104", "17110"),
            ("11106", "17110"),
            ("17110", "11102"),  # but 17110 is column 1 over the tangential biopsy
        ],
    )
    def test_column_order_indicator_1(self, column1: str, column2: str) -> None:
        """official PTP v30.1 rows (active, indicator 1); the reverse order has no row in force."""
        edit = self.ptp().edit(column1, column2, DAY)
        assert edit is not None
        assert edit.modifier_indicator == "1"
        assert self.ptp().edit(column2, column1, DAY) is None

    def test_indicator_0_within_the_ak_family(self) -> None:
        edit = self.ptp().edit("17004", "17000", DAY)
        assert edit is not None
        assert edit.modifier_indicator == "0"

    @pytest.mark.parametrize(("code", "value", "mai"), [("11201", 1, 3), ("11900", 1, 2), ("17003", 13, 2)])
    def test_mue(self, code: str, value: int, mai: int) -> None:
        for day in (date(2024, 4, 1), date(2026, 5, 4)):
            table = default_ruleset().mue.for_date(day)
            assert table is not None
            edit = table[1].get(code)
            assert edit is not None
            assert (edit.value, edit.mai) == (value, mai)

    def test_provenance_is_carried_in_the_data(self) -> None:
        for name, editions in packaged_tables().items():
            for meta, _ in editions:
                if name != "pfs":
                    assert not meta.curated, name
                    assert "CMS" in meta.source, name


def _contradictions(
    curated: tuple[TableMeta, object], official: list[tuple[TableMeta, object]], kind: str
) -> list[str]:
    """Every curated row that an official edition in force on a date the curated edition covers speaks against."""
    meta, table = curated
    found: list[str] = []
    for official_meta, official_table in official:
        start = max(meta.effective_from, official_meta.effective_from)
        if meta.effective_to is not None and start > meta.effective_to:
            continue
        if kind == "ptp":
            assert isinstance(table, PtpTable)
            assert isinstance(official_table, PtpTable)
            for (c1, c2), edit in table.edits.items():
                if not edit.active_on(start) or edit.modifier_indicator == "9":
                    continue
                same, other = official_table.edit(c1, c2, start), official_table.edit(c2, c1, start)
                if other is not None:
                    found.append(f"PTP {c1}/{c2}: official order is {c2}/{c1} ({official_meta.label})")
                elif same is not None and same.modifier_indicator != edit.modifier_indicator:
                    found.append(
                        f"PTP {c1}/{c2}: indicator {edit.modifier_indicator}, official {same.modifier_indicator}"
                    )
        elif kind == "mue":
            assert isinstance(table, MueTable)
            assert isinstance(official_table, MueTable)
            for code, mue in table.edits.items():
                off = official_table.get(code)
                if off is not None and (off.value, off.mai) != (mue.value, mue.mai):
                    found.append(f"MUE {code}: {mue.value}/MAI {mue.mai}, official {off.value}/MAI {off.mai}")
        else:
            assert isinstance(table, AddonTable)
            assert isinstance(official_table, AddonTable)
            for code, addon in table.edits.items():
                off_addon = official_table.get(code)
                if (
                    off_addon is not None
                    and off_addon.source != addon.source
                    and off_addon.primaries != addon.primaries
                ):
                    found.append(
                        f"AOC {code}: primaries {sorted(addon.primaries)}, official {sorted(off_addon.primaries)}"
                    )
    return found


def _official(kind: str) -> list[tuple[TableMeta, object]]:
    return [(m, t) for m, t in packaged_tables()[kind] if not m.curated]


class TestCuratedRowsNeverContradictTheOfficialTables:
    def test_curated_addon_rows(self) -> None:
        curated = parse_addon_curated(read_packaged(CURATED_AOC), name=CURATED_AOC)
        assert _contradictions(curated, _official("addon"), "addon") == []

    def test_no_curated_ptp_or_mue_table_is_shipped(self) -> None:
        """The official PTP and MUE tables speak for every dermatology code: no curated rows remain."""
        data = Path(OUT)
        assert not list(data.glob("ptp_curated*"))
        assert not list(data.glob("mue_curated*"))

    def test_the_check_finds_a_contradicting_row(self) -> None:
        """The check would fail on a curated row that reverses an official pair or changes an MUE or primaries."""
        header = "# table: {t}\n# source: test\n# effective_from: 2026-01-01\n# curated: true\n"
        mue = parse_mue_curated(header.format(t="mue") + "code,mue,mai,rationale,source\n17263,1,1,x,curated\n")
        assert _contradictions(mue, _official("mue"), "mue") == [
            "MUE 17263: 1/MAI 1, official 3/MAI 3",
            "MUE 17263: 1/MAI 1, official 3/MAI 3",
        ]
        addon = parse_addon_curated(header.format(t="addon") + "addon,primary,aoc_type,source\n13102,13100,1,c\n")
        assert _contradictions(addon, _official("addon"), "addon") == [
            "AOC 13102: primaries ['13100'], official ['13101']"
        ]
        from rules.data.ncci import parse_ptp_curated

        ptp = parse_ptp_curated(
            header.format(t="ptp")
            + "column1,column2,effective_date,deletion_date,modifier_indicator,rationale,source\n"
            + "17000,17263,2005-01-01,,1,Mutually exclusive procedures,curated\n"
        )
        assert _contradictions(ptp, _official("ptp"), "ptp") == [
            "PTP 17000/17263: official order is 17263/17000 (ccipra-v301r0)"
        ]
