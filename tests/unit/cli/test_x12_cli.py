"""`dermclaims x12`: JSONL to stdout, issues to stderr, exit 1 only on an issue, --format table."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from schemas import ClaimSubmitted, RemitReceived
from workers.cli.x12 import x12

DATA = Path(__file__).resolve().parents[2] / "data" / "x12"


def _run(*args: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(x12, list(args), input=stdin)


class TestJsonl:
    """The default output is one contract event per line."""

    def test_claims_file(self):
        """derm-office.837 gives four claim.submitted.v1 lines, nothing on stderr, exit 0."""
        result = _run(str(DATA / "derm-office.837"))
        assert (result.exit_code, result.stderr) == (0, "")
        lines = result.stdout.splitlines()
        assert [json.loads(line)["schema"] for line in lines] == ["claim.submitted.v1"] * 4
        assert [ClaimSubmitted.model_validate_json(line).claim.claim_id for line in lines] == [
            "PCN-1001",
            "PCN-1002",
            "PCN-1003",
            "PCN-0950",
        ]

    def test_several_files(self):
        """An 837 and an 835 together: claims then remits, money as decimal strings."""
        result = _run(str(DATA / "derm-office.837"), str(DATA / "derm-remit.835"))
        assert result.exit_code == 0
        schemas = [json.loads(line)["schema"] for line in result.stdout.splitlines()]
        assert schemas == ["claim.submitted.v1"] * 4 + ["remit.received.v1"] * 4
        remit = RemitReceived.model_validate_json(result.stdout.splitlines()[4])
        assert remit.remit.claim_id == "PCN-1001"
        assert '"charge":"338.53"' in result.stdout.splitlines()[4]

    def test_stdin(self):
        """'-' reads the file from standard input."""
        result = _run("-", stdin=(DATA / "managed-care.835").read_bytes())
        assert result.exit_code == 0
        assert len(result.stdout.splitlines()) == 2


class TestIssues:
    """Issues go to stderr as file:segment N (SEG): message, and make the exit code 1."""

    def test_bad_claim_is_reported_and_the_rest_written(self):
        """sv1-4char-code.837: three claims on stdout, one readable line on stderr, exit 1."""
        path = str(DATA / "malformed" / "sv1-4char-code.837")
        result = _run(path)
        assert result.exit_code == 1
        assert len(result.stdout.splitlines()) == 3
        assert result.stderr.splitlines() == [
            f"{path}:segment 58 (SV1): claim PCN-1002 not converted: "
            "SV101-02 procedure code '1160' is not a 5-character CPT/HCPCS code"
        ]

    def test_icd9_sample(self):
        """demo.example1.837 writes nothing and names the ICD-9 code."""
        path = str(DATA / "demo.example1.837")
        result = _run(path)
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr.startswith(
            f"{path}:segment 29 (HI): claim 26463774 not converted: ICD-9 diagnosis code 0340 (HI qualifier BK)"
        )

    def test_not_x12_and_missing_file(self):
        """A CSV and a missing path each give one line; a good file among them still converts."""
        csv, missing = str(DATA / "malformed" / "not-x12.txt"), str(DATA / "no-such.837")
        result = _run(csv, missing, str(DATA / "managed-care.835"))
        assert result.exit_code == 1
        assert len(result.stdout.splitlines()) == 2
        assert result.stderr.splitlines() == [
            f"{csv}: not an X12 file: it does not start with an ISA interchange header "
            "(it starts with 'claim_id,code,charge')",
            f"{missing}: cannot read the file: No such file or directory",
        ]


class TestTable:
    """--format table prints counts per file instead of events."""

    def test_counts(self):
        """Claims, remits, issues and PLB adjustments per file; issues still on stderr."""
        office, remit = str(DATA / "derm-office.837"), str(DATA / "derm-remit.835")
        tertiary = str(DATA / "tertiary-payment.835")
        result = CliRunner().invoke(x12, [office, remit, tertiary, "--format", "table"], terminal_width=200)
        assert result.exit_code == 1
        rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if line.count("│") > 2}
        assert [cell.strip() for cell in rows[office].split("│")[2:6]] == ["4", "0", "0", "0"]
        assert [cell.strip() for cell in rows[remit].split("│")[2:6]] == ["0", "4", "0", "2 (42.50)"]
        assert [cell.strip() for cell in rows[tertiary].split("│")[2:6]] == ["0", "0", "1", "0"]
        assert "claim.submitted.v1" not in result.stdout
        assert result.stderr.startswith(f"{tertiary}:segment 20 (SVC): ")
