"""Project-format PTP tables with per-row dates (rules.data.ncci.parse_ptp_curated): one edit per pair, the row
in force wins. (The packaged PTP edition is the official CMS table: test_official_tables.py.)"""

from __future__ import annotations

from datetime import date

import pytest

from rules.data.ncci import parse_ptp_curated
from rules.exceptions import DataTableError

HEADER = (
    "# table: ptp\n# source: test\n# effective_from: 2026-01-01\n# effective_to: 2026-12-31\n"
    "column1,column2,effective_date,deletion_date,modifier_indicator,rationale,source\n"
)
CMS_DELETED = "17000,17281,1999-07-01,2004-12-31,1,Mutually exclusive procedures,CMS row (deleted edit)\n"
CURATED = "17000,17281,2005-01-01,,1,Mutually exclusive procedures,curated [P6]\n"
DAY = date(2026, 3, 2)


class TestDuplicatePairs:
    @pytest.mark.parametrize("rows", [CMS_DELETED + CURATED, CURATED + CMS_DELETED], ids=["cms-first", "cms-last"])
    def test_row_in_force_wins_whatever_the_order(self, rows: str) -> None:
        _, table = parse_ptp_curated(HEADER + rows)
        edit = table.edit("17000", "17281", DAY)
        assert edit is not None
        assert edit.source == "curated [P6]"

    def test_two_deleted_rows_keep_the_latest_deletion_and_apply_to_no_date(self) -> None:
        older = "17000,17281,1996-01-01,1998-12-31,1,Mutually exclusive procedures,older\n"
        _, table = parse_ptp_curated(HEADER + CMS_DELETED + older)
        assert table.edits[("17000", "17281")].deletion == date(2004, 12, 31)
        assert table.edit("17000", "17281", DAY) is None

    def test_two_rows_in_force_in_the_edition_are_refused(self) -> None:
        """Rows in force on different days of one edition cannot share the one edit a pair holds."""
        ends = "17000,17281,2005-01-01,2026-06-30,1,Mutually exclusive procedures,first half\n"
        starts = "17000,17281,2026-07-01,,0,Mutually exclusive procedures,second half\n"
        with pytest.raises(DataTableError, match="two rows in force"):
            parse_ptp_curated(HEADER + ends + starts)

    def test_indicator_9_row_does_not_override_a_row_in_force(self) -> None:
        off = "17000,17281,2005-01-01,,9,Not applicable,switched off\n"
        _, table = parse_ptp_curated(HEADER + CURATED + off)
        assert table.edit("17000", "17281", DAY) is not None
