"""`dermclaims report` over the sample claims and remittances, and its HTML page in a real headless browser."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"


def report(*extra: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "workers.cli", "report", "--claims", str(EXAMPLES / "claims.jsonl"),
         "--claims", str(EXAMPLES / "resubmissions.jsonl"), str(EXAMPLES / "remits.jsonl"),
         str(EXAMPLES / "remits-after.jsonl"), *extra],
        capture_output=True, check=True, cwd=ROOT,
    )  # fmt: skip


def by(rows: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in rows}


class TestReport:
    def test_the_samples_show_predicted_missed_false_alarm_and_an_item_paid(self) -> None:
        """PCN-1002's CO-97 biopsy was flagged (BND001, predicted), resubmitted with XS and paid 76.42; the B15
        add-on billed alone was flagged by TAG001 (predicted); the clean claim's repair denied CO-252 for the
        operative note was missed; PCN-1005's two 11102 lines were paid as billed (false alarms of MUE002)."""
        numbers = orjson.loads(report("--format", "json").stdout)
        rules = by(numbers["rules"], "rule")
        assert (2, 0) == (rules["BND001"]["predicted"], rules["BND001"]["false_alarm"])
        assert (0, 2) == (rules["MUE002"]["predicted"], rules["MUE002"]["false_alarm"])
        assert (1, 0) == (rules["TAG001"]["predicted"], rules["TAG001"]["false_alarm"])
        missed = by(numbers["missed_by_carc"], "carc")
        assert {"CO-252"} == set(missed)
        assert ("311.96", ["M127"]) == (missed["CO-252"]["dollars"], missed["CO-252"]["remarks"])
        funnel = {row["stage"]: (row["items"], row["dollars"]) for row in numbers["funnel"]}
        assert (1, "95.53") == funnel["resubmitted"]
        assert (1, "76.42") == funnel["paid"]

    def test_as_of_expires_what_was_neither_resubmitted_nor_written_off_once_past_its_deadline(self) -> None:
        """--as-of runs the expiry sweep on that day: the day after the remittances nothing is due yet; in 2030
        every opened item but the resubmitted (then paid) one and the write-off has expired."""

        def funnel(day: str) -> dict[str, tuple[int, Decimal]]:
            rows = orjson.loads(report("--format", "json", "--as-of", day).stdout)["funnel"]
            return {row["stage"]: (row["items"], Decimal(row["dollars"])) for row in rows}

        assert (0, Decimal("0.00")) == funnel("2026-04-07")["expired"]
        late = funnel("2030-01-01")
        opened, resubmitted, written_off = late["opened"], late["resubmitted"], late["written_off"]
        assert (opened[0] - resubmitted[0] - written_off[0], opened[1] - resubmitted[1] - written_off[1]) == late[
            "expired"
        ]

    def test_the_table_names_each_section(self) -> None:
        out = report().stdout.decode()
        for title in ("by rule", "by CARC group", "Missed denials by CARC", "Rework funnel"):
            assert title in out


class TestReportPage:
    def test_the_page_renders_its_four_charts_offline_in_chromium(self, tmp_path: Path) -> None:
        """The page is one file with plotly inlined: chromium (no network) draws all four charts."""
        page = tmp_path / "report.html"
        report("--html", str(page))
        text = page.read_text()
        assert not re.search(r"<script[^>]+src=", text), "the page must not load scripts from elsewhere"
        browser = shutil.which("chromium")
        assert browser is not None, "chromium is needed (scripts/setup.sh installs it: apt-get install chromium)"
        common = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=8000"]
        common += ["--proxy-server=127.0.0.1:9", "--window-size=1200,2600"]  # nothing from the network
        dom = subprocess.run([*common, "--dump-dom", page.as_uri()], capture_output=True, check=True, timeout=120)
        rendered = dom.stdout.decode()
        charts = rendered.split('<div class="chart">')[1:]
        assert 4 == len(charts)
        assert all('class="main-svg"' in chart for chart in charts), "a chart did not render"
        assert "BND001" in rendered
        assert "opened" in rendered
        shot = tmp_path / "report.png"
        subprocess.run([*common, f"--screenshot={shot}", page.as_uri()], capture_output=True, check=True, timeout=120)
        assert shot.stat().st_size > 20_000  # a drawn page, not a blank one
