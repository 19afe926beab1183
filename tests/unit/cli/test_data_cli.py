"""`dermclaims data`: the loaded reference tables and the edition a date of service uses (no broker)."""

from __future__ import annotations

import gzip
import shutil
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

from rules.engine import evaluate
from rules.testing import default_ruleset, make_claim
from workers.cli.data import data

CMS = Path(__file__).parents[2] / "data" / "cms"
DATA = Path(__file__).parents[3] / "rules" / "data"
NEWER_MUE = "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv"


def invoke(*args: str, folder: Path | None = None) -> tuple[int, str]:
    """Run the command; without `folder`, CLAIMS_RULES__DATA_DIR is unset (the packaged tables alone)."""
    env = {"COLUMNS": "200", "CLAIMS_RULES__DATA_DIR": str(folder) if folder is not None else None}
    result = CliRunner().invoke(data, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def as_json(*args: str, folder: Path | None = None) -> dict[str, Any]:
    code, out = invoke("--format", "json", *args, folder=folder)
    assert code == 0, out
    document: dict[str, Any] = orjson.loads(out)
    return document


def header_rows(name: str) -> int:
    """The `# rows: N` a packaged file's header states (written by scripts/build_reference_data.py)."""
    raw = resources.files("rules.data").joinpath(name).read_bytes()
    text = gzip.decompress(raw).decode() if name.endswith(".gz") else raw.decode()
    line = next(line for line in text.splitlines() if line.startswith("# rows:"))
    return int(line.split(":", 1)[1])


def header_field(name: str, key: str) -> str:
    """A `# key: value` field of a packaged file's header."""
    raw = (DATA / name).read_bytes()
    text = gzip.decompress(raw).decode() if name.endswith(".gz") else raw.decode()
    line = next(line for line in text.splitlines() if line.startswith(f"# {key}:"))
    return line.split(":", 1)[1].strip()


def used(document: dict[str, Any], table: str) -> dict[str, Any]:
    found: dict[str, Any] = next(use for use in document["on_date"] if use["table"] == table)
    return found


@pytest.fixture
def operator_folder(tmp_path: Path) -> Path:
    """An operator's CLAIMS_RULES__DATA_DIR holding one newer quarterly MUE file (2026 Q3)."""
    shutil.copy(CMS / NEWER_MUE, tmp_path / NEWER_MUE)
    return tmp_path


class TestLoadedTables:
    def test_every_packaged_table_with_its_source_file_and_rows(self) -> None:
        """PTP, both MUE editions, AOC, CARC and RARC are listed with the row counts their file headers state."""
        tables = as_json()["tables"]
        by_origin = {t["origin"]: t for t in tables}
        for name in (
            "ptp_cms_v30.1_2024q2.csv.gz",
            "mue_cms_2024-04-01.csv",
            "mue_cms_2026-04-01.csv",
            "carc.csv",
            "rarc.csv",
        ):
            assert by_origin[f"rules/data/{name}"]["rows"] == header_rows(name), name
        kinds = {t["table"] for t in tables}
        assert {"ptp", "mue", "addon", "addon_curated", "pfs", "code_families", "payer_profiles"} <= kinds
        ptp = by_origin["rules/data/ptp_cms_v30.1_2024q2.csv.gz"]
        assert (ptp["version"], ptp["effective_from"], ptp["curated"]) == ("ccipra-v301r0", "2024-04-01", False)
        assert by_origin["rules/data/addon_curated_2026.csv"]["curated"] is True

    def test_every_table_file_shipped_in_rules_data_is_listed_with_its_header(self) -> None:
        """Each CSV in rules/data/ (the directory itself, not a list in the code) is one listed table whose
        version and effective date are its header's: a new packaged table cannot be left out of the listing."""
        shipped = sorted(p.name for p in DATA.iterdir() if p.name.endswith((".csv", ".csv.gz")))
        assert {"code_homes.csv", "procedure_diagnoses.csv", "g2211_policy.csv", "prolonged_services.csv"} <= set(
            shipped
        )
        by_origin = {t["origin"]: t for t in as_json()["tables"]}
        missing = [name for name in shipped if f"rules/data/{name}" not in by_origin]
        assert missing == [], f"packaged tables `dermclaims data` does not list: {missing}"
        for name in shipped:
            header = header_field(name, "effective_from")
            assert by_origin[f"rules/data/{name}"]["effective_from"] == header, name
            if name.endswith(".csv") and not name.startswith(("mue_", "pfs_")):
                assert by_origin[f"rules/data/{name}"]["version"] == header_field(name, "version"), name

    def test_table_output_shows_the_policy_tables_with_version_and_source(self) -> None:
        code, out = invoke()
        assert code == 0, out
        versions = [header_field(name, "version") for name in ("prolonged_services.csv", "code_homes.csv")]
        for text in ("prolonged services by payer", *versions, header_field("g2211_policy.csv", "version")):
            assert text in out, text
        assert "from rules/data/lcd_references.csv" in out

    def test_an_edition_is_in_force_until_the_next_one_starts(self) -> None:
        """The 2024-04-01 MUE table ends the day before the 2026-04-01 one starts, not at its quarter's end."""
        mue = [t for t in as_json()["tables"] if t["table"] == "mue"]
        assert [(t["version"], t["in_force_to"]) for t in mue] == [
            ("mue-2024-04-01", "2026-03-31"),
            ("mue-2026-04-01", None),
        ]

    def test_operator_files_are_listed_with_their_folder(self, operator_folder: Path) -> None:
        """A quarterly file from CLAIMS_RULES__DATA_DIR appears as its own edition, from that folder."""
        tables = as_json(folder=operator_folder)["tables"]
        newer = [t for t in tables if t["origin"] == str(operator_folder)]
        assert [(t["table"], t["version"], t["effective_from"]) for t in newer] == [
            ("mue", "mue-2026-07-01", "2026-07-01")
        ]
        packaged = next(t for t in tables if t["version"] == "mue-2026-04-01")
        assert packaged["in_force_to"] == "2026-06-30"

    def test_table_output_names_the_operator_folder(self, operator_folder: Path) -> None:
        code, out = invoke(folder=operator_folder)
        assert code == 0, out
        assert "mue-2026-07-01" in out
        assert str(operator_folder) in out


class TestDateOfService:
    def test_a_date_after_the_operator_quarter_starts_uses_it(self, operator_folder: Path) -> None:
        """With a newer MUE file loaded, 2026-08-01 uses it; 2026-06-30 still uses the packaged 2026-04-01 table."""
        assert used(as_json("--date", "2026-08-01", folder=operator_folder), "mue")["version"] == "mue-2026-07-01"
        assert used(as_json("--date", "2026-06-30", folder=operator_folder), "mue")["version"] == "mue-2026-04-01"

    def test_a_date_before_2024_04_01_is_not_covered_and_the_claim_is_rejected(self) -> None:
        """2024-03-31 precedes every loaded PTP and MUE edition: reported as rejected, as the engine does."""
        document = as_json("--date", "2024-03-31")
        assert document["scrubbed"] is False
        assert used(document, "ptp")["status"] == used(document, "mue")["status"] == "before_oldest"
        verdict = evaluate(make_claim([{"code": "11102", "service_date": "2024-03-31"}]), default_ruleset())
        assert verdict.status == "rejected"
        code, out = invoke("--date", "2024-03-31")
        assert code == 0, out
        assert "rejected" in out

    def test_a_date_beyond_the_newest_quarter_says_how_old_the_edition_is(self) -> None:
        """2026-08-01 is scrubbed with PTP v30.1, whose quarter ended 2024-06-30: the age is stated in days."""
        document = as_json("--date", "2026-08-01")
        ptp = used(document, "ptp")
        days = (date(2026, 8, 1) - date(2024, 6, 30)).days
        assert (ptp["version"], ptp["status"], ptp["days_after_period"]) == ("ccipra-v301r0", "beyond_newest", days)
        assert document["scrubbed"] is True
        verdict = evaluate(make_claim([{"code": "11102", "service_date": "2026-08-01"}]), default_ruleset())
        assert f"used {days} days after its period" in verdict.data_versions["ptp_age"]
        code, out = invoke("--date", "2026-08-01")
        assert code == 0, out
        assert f"{days} days after its period" in out
        assert "CLAIMS_RULES__DATA_DIR" in out

    def test_a_date_within_the_newest_mue_quarter_is_in_force(self) -> None:
        """2026-05-01 falls in the period the 2026-04-01 MUE table was published for: no age to report."""
        mue = used(as_json("--date", "2026-05-01"), "mue")
        assert (mue["version"], mue["status"], mue["days_after_period"]) == ("mue-2026-04-01", "in_force", None)

    def test_a_malformed_date_is_a_usage_error(self) -> None:
        code, out = invoke("--date", "2026-13-01")
        assert code == 2
        assert "YYYY-MM-DD" in out or "%Y-%m-%d" in out
