"""The official CMS NCCI file loaders (rules.data.cms) and the operator folder loader, on CMS-format files."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest

from rules.data.cms import (
    merge_ptp_parts,
    parse_aoc,
    parse_mue_csv,
    parse_ptp_file_name,
    parse_ptp_txt,
    quarter_bounds,
)
from rules.data.operator import load_directory
from rules.exceptions import DataTableError

CMS = Path(__file__).parents[2] / "data" / "cms"
Q3_F1 = "ccipra-v322r0-f1.TXT"
Q3_F2 = "ccipra-v322r0-f2.txt"
MUE_Q3 = "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv"
AOC_Q3 = "AOC_V2026Q3_01-MCR.txt"
AOC_Q1_CSV = "AOC_V2026Q1_01-MCR.csv"


def read(name: str) -> bytes:
    return (CMS / name).read_bytes()


class TestPtpFileName:
    def test_version_gives_the_quarter(self) -> None:
        """NCCI version NN.Q: v320r0 is 2026 Q1 and v322r0 is 2026 Q3, part from -fN."""
        q1 = parse_ptp_file_name("ccipra-v320r0-f4.txt")
        q3 = parse_ptp_file_name("medicare-ncci-2026q3-practitioner-ptp-edits-ccipra-v322r0-f1.zip")
        assert q1 is not None
        assert q3 is not None
        assert (q1.year, q1.quarter, q1.part) == (2026, 1, 4)
        assert (q3.year, q3.quarter, q3.part, q3.edition) == (2026, 3, 1, "ccipra-v322r0")
        assert (date(2026, 7, 1), date(2026, 9, 30)) == q3.bounds

    def test_version_31_is_2025(self) -> None:
        """v313r0 (AAD: v31.3 = 2025 Q4) maps to October-December 2025."""
        parsed = parse_ptp_file_name("ccipra-v313r0-f2.TXT")
        assert parsed is not None
        assert (date(2025, 10, 1), date(2025, 12, 31)) == parsed.bounds

    def test_quarter_bounds_q4(self) -> None:
        """The fourth quarter ends on 31 December."""
        assert (date(2026, 10, 1), date(2026, 12, 31)) == quarter_bounds(2026, 4)


class TestPtpTxt:
    def test_reads_data_rows_after_the_notice_and_wrapped_header(self) -> None:
        """The notice, title and four header lines are skipped; data rows load with every field."""
        meta, table = parse_ptp_txt(read(Q3_F1), name=Q3_F1)
        edit = table.edits[("11600", "11102")]
        assert ("1", date(2019, 1, 1), None) == (edit.modifier_indicator, edit.effective, edit.deletion)
        assert edit.rationale == "Standards of medical/surgical practice"
        assert (meta.table, meta.version, meta.curated) == ("ptp", "ccipra-v322r0", False)
        assert (date(2026, 7, 1), date(2026, 9, 30)) == (meta.effective_from, meta.effective_to)
        assert Q3_F1 in meta.source

    def test_duplicate_key_keeps_the_row_in_force(self) -> None:
        """13121/13120 appears deleted (indicator 9) and active (indicator 0): the active row wins."""
        _, table = parse_ptp_txt(read(Q3_F1), name=Q3_F1)
        edit = table.edits[("13121", "13120")]
        assert (edit.modifier_indicator, edit.deletion) == ("0", None)
        assert edit is table.edit("13121", "13120", date(2026, 8, 3))

    def test_duplicate_deleted_key_keeps_the_latest_deletion(self) -> None:
        """17000/17281 appears twice, both deleted: the later deletion (2004-12-31) wins (research-notes 1.2)."""
        _, table = parse_ptp_txt(read(Q3_F1), name=Q3_F1, keep_inactive=True)
        edit = table.edits[("17000", "17281")]
        assert ("1", date(2004, 12, 31)) == (edit.modifier_indicator, edit.deletion)
        assert table.edit("17000", "17281", date(2026, 8, 3)) is None

    def test_rows_deleted_before_the_quarter_are_dropped(self) -> None:
        """An edit deleted before the edition starts cannot apply to any of its dates and is not kept."""
        _, table = parse_ptp_txt(read(Q3_F1), name=Q3_F1)
        assert ("17000", "11900") not in table.edits
        assert ("17000", "17281") not in table.edits

    def test_an_edit_deleted_mid_quarter_applies_until_its_deletion(self) -> None:
        """17110/11400 deleted 2026-08-15 is in force on 2026-08-15 and not after."""
        _, table = parse_ptp_txt(read(Q3_F1), name=Q3_F1)
        assert table.edit("17110", "11400", date(2026, 8, 15)) is not None
        assert table.edit("17110", "11400", date(2026, 8, 16)) is None

    def test_text_input_and_explicit_dates(self) -> None:
        """A decoded text with no version in the name is accepted when the quarter is given."""
        text = read(Q3_F1).decode("latin-1")
        meta, table = parse_ptp_txt(text, name="ptp-upload.txt", effective_from=date(2026, 7, 1))
        assert (date(2026, 7, 1), None, "ptp-upload.txt") == (meta.effective_from, meta.effective_to, meta.version)
        assert ("11600", "11102") in table.edits

    def test_name_without_version_needs_dates(self) -> None:
        """Without a version in the name the quarter is not guessed."""
        with pytest.raises(DataTableError, match="cannot tell the quarter"):
            parse_ptp_txt(read(Q3_F1), name="edits.txt")

    @pytest.mark.parametrize(
        ("row", "problem"),
        [
            ("11600\t1110\t\t20190101\t*\t1\tStandards", "not 5-character"),
            ("11600\t11102\t\t2019-01-01\t*\t1\tStandards", "not YYYYMMDD"),
            ("11600\t11102\t\t20190101\t*\t7\tStandards", "modifier indicator '7'"),
            ("11600\t11102\t20190101", "expected 7 tab-separated fields"),
            ("11600\t11102\t\t20191301\t*\t1\tStandards", "month must be"),
        ],
    )
    def test_bad_row_names_file_and_line(self, row: str, problem: str) -> None:
        """A malformed data row raises with the file name and the physical line number."""
        lines = read(Q3_F1).decode("latin-1").split("\r\n")
        lines.insert(8, row)  # line 9: after the six header lines and two data rows
        with pytest.raises(DataTableError, match=rf"{Q3_F1}: line 9: .*{problem}"):
            parse_ptp_txt("\r\n".join(lines), name=Q3_F1)

    def test_not_a_ptp_file(self) -> None:
        """A file without the PTP header is refused, not parsed as empty."""
        with pytest.raises(DataTableError, match="not a CMS NCCI PTP file"):
            parse_ptp_txt(read(MUE_Q3), name=Q3_F1)

    def test_parts_of_one_quarter_merge(self) -> None:
        """f1 and f2 of v322r0 become one edition holding both parts' edits."""
        merged_meta, merged = merge_ptp_parts(
            [parse_ptp_txt(read(Q3_F1), name=Q3_F1), parse_ptp_txt(read(Q3_F2), name=Q3_F2)]
        )
        assert {("11600", "11102"), ("17311", "11104"), ("99213", "11900")} <= merged.edits.keys()
        assert ("ccipra-v322r0", date(2026, 7, 1)) == (merged_meta.version, merged_meta.effective_from)
        assert Q3_F1 in merged_meta.source
        assert Q3_F2 in merged_meta.source

    def test_parts_of_different_quarters_do_not_merge(self) -> None:
        """Merging a Q1 and a Q3 part is an operator error, reported."""
        q1 = "ccipra-v320r0-f1.TXT"
        with pytest.raises(DataTableError, match="different quarters"):
            merge_ptp_parts([parse_ptp_txt(read(Q3_F1), name=Q3_F1), parse_ptp_txt(read(q1), name=q1)])


class TestMueCsv:
    def test_reads_rows_after_the_quoted_notice_and_wrapped_header(self) -> None:
        """The multi-line AMA notice and the 'HCPCS/<newline>CPT Code' header are skipped."""
        meta, table = parse_mue_csv(read(MUE_Q3), name=MUE_Q3)
        assert {"11102", "11600", "17003", "17004", "17110", "99213"} == set(table.edits)
        edit = table.get("17003")
        assert edit is not None
        assert (edit.value, edit.mai, edit.rationale) == (13, 2, "Code Descriptor / CPT Instruction")
        assert (meta.table, meta.version) == ("mue", "mue-2026-07-01")

    def test_mai_is_the_leading_digit_of_the_indicator_text(self) -> None:
        """'1 Line Edit' -> 1, '2 Date of Service Edit: Policy' -> 2, '3 Date of Service Edit: Clinical' -> 3."""
        _, table = parse_mue_csv(read(MUE_Q3), name=MUE_Q3)
        assert [table.edits[c].mai for c in ("11600", "17004", "17110")] == [1, 2, 3]

    def test_effective_date_from_the_file_name(self) -> None:
        """Eff_07-01-2026 is in force from 2026-07-01 to the end of that quarter."""
        meta, _ = parse_mue_csv(read(MUE_Q3), name=MUE_Q3)
        assert (date(2026, 7, 1), date(2026, 9, 30)) == (meta.effective_from, meta.effective_to)

    def test_name_without_effective_date_is_refused(self) -> None:
        """Without Eff_MM-DD-YYYY in the name the date is not guessed."""
        with pytest.raises(DataTableError, match="Eff_MM-DD-YYYY"):
            parse_mue_csv(read(MUE_Q3), name="mue.csv")

    @pytest.mark.parametrize(
        ("row", "problem"),
        [
            ("17004,one,2 Date of Service Edit: Policy,Code Descriptor", "MUE value 'one'"),
            ("17004,1,Date of Service Edit,Code Descriptor", "adjudication indicator"),
            ("1700,1,2 Date of Service Edit: Policy,Code Descriptor", "not a 5-character"),
            ("17004,1", "expected 4 fields"),
        ],
    )
    def test_bad_row_names_file_and_line(self, row: str, problem: str) -> None:
        """A malformed row raises with the file name and its physical line (the notice spans 9 lines)."""
        text = read(MUE_Q3).decode("latin-1").rstrip("\r\n") + "\r\n" + row + "\r\n"
        lines = text.count("\n")
        with pytest.raises(DataTableError, match=rf"{MUE_Q3}: line {lines}: .*{problem}"):
            parse_mue_csv(text, name=MUE_Q3)

    def test_not_an_mue_file(self) -> None:
        """A file without the MUE header is refused."""
        with pytest.raises(DataTableError, match="not a CMS MUE file"):
            parse_mue_csv("code,value\n17004,1\n", name=MUE_Q3)


class TestAoc:
    def test_tab_file_with_julian_dates(self) -> None:
        """Primaries group by add-on; the AOC type is kept; Julian YYYYDDD dates are read."""
        meta, table = parse_aoc(read(AOC_Q3), name=AOC_Q3)
        biopsy = table.get("11103")
        assert biopsy is not None
        assert (frozenset({"11102", "11104", "11106"}), 1) == (biopsy.primaries, biopsy.aoc_type)
        assert ("addon", "aoc-2026Q3", date(2026, 7, 1), date(2026, 9, 30)) == (
            meta.table,
            meta.version,
            meta.effective_from,
            meta.effective_to,
        )

    def test_pair_deleted_before_the_quarter_is_not_a_primary(self) -> None:
        """17312's pair with 17313 was deleted 2026-03-31 (2026090): only 17311 remains in Q3."""
        _, table = parse_aoc(read(AOC_Q3), name=AOC_Q3)
        mohs = table.get("17312")
        assert mohs is not None
        assert frozenset({"17311"}) == mohs.primaries

    def test_addon_deleted_before_the_quarter_is_dropped(self) -> None:
        """11201 deleted 2026-06-30 (2026181) is not an add-on edit in Q3."""
        _, table = parse_aoc(read(AOC_Q3), name=AOC_Q3)
        assert table.get("11201") is None

    def test_cccc_means_no_specific_primaries(self) -> None:
        """A type 2 add-on with primary CCCCC has no listed primaries."""
        _, table = parse_aoc(read(AOC_Q3), name=AOC_Q3)
        contractor = table.get("G2211")
        assert contractor is not None
        assert (frozenset(), 2) == (contractor.primaries, contractor.aoc_type)

    def test_csv_variant_with_spaced_headers(self) -> None:
        """The CSV variant with 'Add-on Code'/'Primary Code' headers and YYYYMMDD dates reads the same way."""
        meta, table = parse_aoc(read(AOC_Q1_CSV), name=AOC_Q1_CSV)
        assert frozenset({"17000"}) == table.edits["17003"].primaries
        assert (frozenset(), 2) == (table.edits["G2211"].primaries, table.edits["G2211"].aoc_type)
        assert (date(2026, 1, 1), date(2026, 3, 31)) == (meta.effective_from, meta.effective_to)

    def test_bad_row_names_file_and_line(self) -> None:
        """An edit type outside 1-3 raises with the file name and line number."""
        text = read(AOC_Q3).decode("latin-1") + "4\t11105\t\t11104\t\t2019001\t\t\r\n"
        with pytest.raises(DataTableError, match=rf"{AOC_Q3}: line 12: AOC edit type '4'"):
            parse_aoc(text, name=AOC_Q3)

    def test_bad_julian_date(self) -> None:
        """A Julian date with day 400 is an error, not a guess."""
        text = read(AOC_Q3).decode("latin-1") + "1\t11105\t\t11104\t\t2019400\t\t\r\n"
        with pytest.raises(DataTableError, match="line 12: Julian date '2019400'"):
            parse_aoc(text, name=AOC_Q3)

    def test_not_an_aoc_file(self) -> None:
        """A file without the add-on/primary/type header is refused."""
        with pytest.raises(DataTableError, match="not a CMS add-on code edit file"):
            parse_aoc("a,b,c\n1,2,3\n", name=AOC_Q3)


class TestLoadDirectory:
    def test_reads_every_recognised_file(self) -> None:
        """PTP parts merge by quarter, MUE and AOC files load, anything else is listed as ignored."""
        found = load_directory(CMS)
        assert [meta.version for meta, _ in found["ptp"]] == ["ccipra-v320r0", "ccipra-v322r0"]
        q3 = found["ptp"][1][1]
        assert {("11600", "11102"), ("17311", "11104")} <= q3.edits.keys()
        assert {"mue-2026-01-01", "mue-2026-07-01"} == {meta.version for meta, _ in found["mue"]}
        assert {"aoc-2026Q1", "aoc-2026Q3"} == {meta.version for meta, _ in found["addon"]}
        assert found["ignored"] == ["README.md"]

    def test_reads_cms_zips_and_keeps_the_latest_revision(self, tmp_path: Path) -> None:
        """Files inside the CMS zips load; r1 of a quarter replaces r0."""
        with zipfile.ZipFile(tmp_path / "medicare-ncci-2026q3-practitioner-ptp-edits-ccipra-v322r0-f1.zip", "w") as z:
            z.writestr("ccipra-v322r0-f1.TXT", read(Q3_F1))
        revised = read(Q3_F2).replace(b"17311\t11104\t\t20190101\t*\t1", b"17311\t11104\t\t20190101\t*\t0")
        (tmp_path / "ccipra-v322r1-f1.txt").write_bytes(revised)
        found = load_directory(tmp_path)
        [(meta, table)] = found["ptp"]
        assert meta.version == "ccipra-v322r1"
        assert table.edits[("17311", "11104")].modifier_indicator == "0"
        assert ("11600", "11102") not in table.edits  # r0 parts are superseded by the revision

    def test_missing_folder(self, tmp_path: Path) -> None:
        """A configured folder that does not exist is a start-up error."""
        with pytest.raises(DataTableError, match="does not exist"):
            load_directory(tmp_path / "nope")
