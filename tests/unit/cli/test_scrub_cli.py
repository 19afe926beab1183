"""`dermclaims scrub`: the contract's JSONL, dead letters on stderr, and the people's table with batch totals."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import orjson
from click.testing import CliRunner

from workers.cli.scrub import scrub

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "claims.jsonl"


class TestScrubCli:
    def test_jsonl_out_and_bad_lines_as_dead_letters(self, tmp_path: Path) -> None:
        """One claim.validated.v1 per good line on stdout; a bad line goes to stderr and the exit code is 1."""
        source = tmp_path / "in.jsonl"
        source.write_bytes(EXAMPLES.read_bytes() + b"{not json\n")
        result = CliRunner().invoke(scrub, [str(source)])
        assert result.exit_code == 1
        outputs = [orjson.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
        assert len(outputs) == len(EXAMPLES.read_bytes().splitlines())  # every example claim, none lost
        assert {o["schema"] for o in outputs} == {"claim.validated.v1"}
        assert '"reason":"deserialize_error"' in result.stderr

    def test_table_totals_match_the_findings(self) -> None:
        """The batch line of the table adds up exactly the revenue impacts of the JSONL findings."""
        jsonl = CliRunner().invoke(scrub, [str(EXAMPLES)])
        impacts = [
            Decimal(f["revenue_impact"])
            for line in jsonl.stdout.splitlines()
            for f in orjson.loads(line)["findings"]
            if f.get("revenue_impact")
        ]
        up = sum((i for i in impacts if i > 0), Decimal(0))
        down = -sum((i for i in impacts if i < 0), Decimal(0))
        table = CliRunner().invoke(scrub, ["--format", "table", str(EXAMPLES)], env={"COLUMNS": "200"})
        assert table.exit_code == 0
        assert f"underbilled ${up:,.2f} to recover; overbilled ${down:,.2f} at audit risk" in table.stdout

    def test_every_stderr_line_is_a_dead_letter_when_piped(self, tmp_path: Path) -> None:
        """stderr carries the dead letters as JSONL: a consumer can parse every line of it."""
        source = tmp_path / "in.jsonl"
        source.write_bytes(b"{not json\n" + EXAMPLES.read_bytes().splitlines()[0] + b"\n[1]\n")
        result = CliRunner().invoke(scrub, [str(source)])
        assert result.exit_code == 1
        letters = [orjson.loads(line) for line in result.stderr.splitlines()]
        assert ["deadletter.v1", "deadletter.v1"] == [letter["schema"] for letter in letters]

    def test_a_missing_file_is_an_error_message_not_a_traceback(self, tmp_path: Path) -> None:
        result = CliRunner().invoke(scrub, [str(EXAMPLES), str(tmp_path / "nope.jsonl")])
        assert result.exit_code == 2  # a usage error, not the "some lines were dead-lettered" code 1
        assert "does not exist" in result.output
        assert "Traceback" not in result.output

    def test_the_table_shows_fix_applicability_and_signed_amounts(self) -> None:
        """`[safe]` / `[needs_documentation]` print as written (not eaten as markup); amounts read -$x / +$x."""
        table = CliRunner().invoke(scrub, ["--format", "table", str(EXAMPLES)])
        assert table.exit_code == 0
        assert "[safe]" in table.stdout or "[needs_documentation]" in table.stdout
        assert "$-" not in table.stdout
