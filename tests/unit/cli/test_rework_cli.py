"""`dermclaims rework --claims FILE REMITS...` through click's CliRunner, with JSONL files under tmp_path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from workers.cli.rework import rework

DOS = "2026-03-02"


def claim_event(
    event_id: str, *, frequency: str = "1", documented: bool = True, claim_id: str = "PCN-1"
) -> dict[str, Any]:
    lesion_a = {"lesion_id": "A", "body_region": "trunk"} if documented else None
    lesion_b = {"lesion_id": "B", "body_region": "arm", "laterality": "left"} if documented else None
    line = {"service_date": DOS, "units": 1, "dx_pointers": [1]}
    return {
        "schema": "claim.submitted.v1",
        "event_id": event_id,
        "occurred_at": "2026-03-03T10:00:00Z",
        "claim": {
            "claim_id": claim_id,
            "frequency_code": frequency,
            "payer": {"payer_id": "MCR-J15", "kind": "medicare"},
            "provider": {"billing_npi": "1234567893"},
            "patient": {"member_id": "M00001", "sex": "F"},
            "diagnoses": ["C44.519"],
            "lines": [
                {**line, "line_id": "1", "code": "11600", "charge": "150.00", "documentation": lesion_a},
                {**line, "line_id": "2", "code": "11102", "charge": "95.53", "documentation": lesion_b},
            ],
        },
    }


def remit_event(event_id: str, *, status: str = "1", sign: str = "", claim_id: str = "PCN-1") -> dict[str, Any]:
    return {
        "schema": "remit.received.v1",
        "event_id": event_id,
        "occurred_at": "2026-03-20T08:00:00Z",
        "remit": {
            "claim_id": claim_id,
            "payer_claim_id": "PCC123",
            "status_code": status,
            "charge": "245.53",
            "paid": f"{sign}90.00",
            "lines": [
                {
                    "line_id": "1",
                    "code": "11600",
                    "service_date": DOS,
                    "charge": "150.00",
                    "paid": f"{sign}90.00",
                    "adjustments": [{"group": "CO", "reason": "45", "amount": f"{sign}60.00"}],
                },
                {
                    "line_id": "2",
                    "code": "11102",
                    "service_date": DOS,
                    "charge": "95.53",
                    "paid": "0.00",
                    "adjustments": [{"group": "CO", "reason": "97", "amount": f"{sign}95.53"}],
                    "remarks": ["M15"],
                },
            ],
        },
    }


def write_jsonl(path: Path, *events: Any) -> str:
    path.write_text("".join((e if isinstance(e, str) else json.dumps(e)) + "\n" for e in events))
    return str(path)


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(rework, list(args), input=stdin)


def items(result: Result) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


class TestReworkJsonl:
    def test_denial_becomes_a_rework_item(self, tmp_path):
        """A CO-97 on a documented second lesion is one denial.rework.v1 item: resubmit 11102 with XS."""
        claims = write_jsonl(tmp_path / "claims.jsonl", claim_event("c1"))
        remits = write_jsonl(tmp_path / "remits.jsonl", remit_event("r1"))
        result = run("--claims", claims, remits)
        assert result.exit_code == 0, result.stderr
        (item,) = items(result)
        assert (item["schema"], item["line_id"], item["action"], item["modifier"], item["deadline"]) == (
            "denial.rework.v1",
            "2",
            "resubmit_with_modifier",
            "XS",
            "2027-03-02",
        )
        assert (item["denied_amount"], item["priority"], item["source_event_id"]) == ("95.53", "81.20", "r1")

    def test_same_remittance_twice_is_one_item(self, tmp_path):
        """A remittance delivered twice (two files, two event ids) yields one item."""
        claims = write_jsonl(tmp_path / "claims.jsonl", claim_event("c1"))
        first = write_jsonl(tmp_path / "a.jsonl", remit_event("r1"))
        again = write_jsonl(tmp_path / "b.jsonl", remit_event("r2"))
        result = run("--claims", claims, first, again)
        assert result.exit_code == 0, result.stderr
        assert len(items(result)) == 1

    def test_latest_claim_wins_and_a_void_removes_it(self, tmp_path):
        """A replacement (7) with the chart facts decides the item; after a void (8) the remit stands alone."""
        remits = write_jsonl(tmp_path / "remits.jsonl", remit_event("r1"))
        replaced = write_jsonl(
            tmp_path / "claims.jsonl",
            claim_event("c1", documented=False),
            claim_event("c2", frequency="7", documented=True),
        )
        voided = write_jsonl(
            tmp_path / "voided.jsonl", claim_event("c1"), claim_event("c3", frequency="8", documented=False)
        )
        assert [i["action"] for i in items(run("--claims", replaced, remits))] == ["resubmit_with_modifier"]
        assert [(i["action"], i["matched_by"]) for i in items(run("--claims", voided, remits))] == [
            ("review", "remit_only")
        ]

    def test_reversal_closes_the_item(self, tmp_path):
        """The reversal's item has the original's rework_id and status closed; both go out once."""
        claims = write_jsonl(tmp_path / "claims.jsonl", claim_event("c1"))
        remits = write_jsonl(
            tmp_path / "remits.jsonl", remit_event("r1"), remit_event("r2", status="22", sign="-"), remit_event("r1")
        )
        result = run("--claims", claims, remits)
        assert result.exit_code == 0, result.stderr
        out = items(result)
        assert [i["status"] for i in out] == ["open", "closed"]
        assert out[0]["rework_id"] == out[1]["rework_id"]
        assert [(1, None), (2, "resubmit_with_modifier")] == [(i["revision"], i["previous_action"]) for i in out]

    def test_remits_from_stdin(self, tmp_path):
        """`-` reads the remittances from stdin."""
        claims = write_jsonl(tmp_path / "claims.jsonl", claim_event("c1"))
        result = run("--claims", claims, "-", stdin=json.dumps(remit_event("r1")) + "\n")
        assert result.exit_code == 0, result.stderr
        assert len(items(result)) == 1

    def test_stdin_twice_is_a_usage_error(self):
        """Claims and remittances cannot both come from stdin."""
        result = run("--claims", "-", "-", stdin="")
        assert result.exit_code == 2


class TestDeadLetters:
    def test_bad_remit_line_is_dead_lettered_and_exit_1(self, tmp_path):
        """A line that is not JSON goes to stderr as a dead letter; the good lines are still worked; exit code 1."""
        claims = write_jsonl(tmp_path / "claims.jsonl", claim_event("c1"))
        remits = write_jsonl(tmp_path / "remits.jsonl", "{not json", remit_event("r1"))
        result = run("--claims", claims, remits)
        assert result.exit_code == 1
        assert len(items(result)) == 1
        letters = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
        assert [(d["reason"], d["source_offset"]) for d in letters] == [("deserialize_error", 1)]
        assert {"error_type", "error_message", "payload"} <= set(letters[0])

    def test_bad_claim_line_is_dead_lettered(self, tmp_path):
        """A claim that fails the schema (no lines) is a schema_invalid dead letter; exit code 1."""
        bad = claim_event("c0", claim_id="PCN-BAD")
        bad["claim"]["lines"] = []
        claims = write_jsonl(tmp_path / "claims.jsonl", bad, claim_event("c1"))
        remits = write_jsonl(tmp_path / "remits.jsonl", remit_event("r1"))
        result = run("--claims", claims, remits)
        assert result.exit_code == 1
        letters = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
        assert [d["reason"] for d in letters] == ["schema_invalid"]
        assert [i["action"] for i in items(result)] == ["resubmit_with_modifier"]


class TestReworkTable:
    def test_work_queue_with_totals(self, tmp_path):
        """The table lists open items by priority with recoverable and written-off totals."""
        same_lesion = claim_event("c2", claim_id="PCN-2")
        for line in same_lesion["claim"]["lines"]:
            line["documentation"] = {"lesion_id": "A", "body_region": "trunk"}
        claims = write_jsonl(tmp_path / "claims.jsonl", claim_event("c1"), same_lesion)
        remits = write_jsonl(tmp_path / "remits.jsonl", remit_event("r1"), remit_event("r2", claim_id="PCN-2"))
        result = run("--claims", claims, remits, "--format", "table")
        assert result.exit_code == 0, result.stderr
        text = result.stdout
        assert "resubmit_with_modifier" in text
        assert "write_off" in text
        assert text.index("resubmit_with_modifier") < text.index("write_off")
        assert "recoverable $95.53" in text
        assert "written off $95.53" in text
