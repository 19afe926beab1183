"""The README's commands, run as a user would, against the real broker."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.harness import Deployment, free_port, values

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workers.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.integration
class TestDemo:
    def test_demo_shows_findings_and_the_rework_queue(self, kafka_bootstrap: str) -> None:
        """`dermclaims demo` scrubs the sample claims, works the remittances and prints the queue with totals."""
        env = dict(
            os.environ,
            CLAIMS_KAFKA__BOOTSTRAP_SERVERS=kafka_bootstrap,
            CLAIMS_METRICS__PORT=str(free_port()),
            COLUMNS="200",
        )
        result = run_cli("demo", env=env)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        out = result.stdout
        assert "PCN-1002" in out
        assert "BND001" in out
        assert "resubmit_with_modifier" in out
        assert "write_off" in out
        assert "recoverable $" in out
        assert "claims_worker_claims_total" in out
        assert "stopped the worker" in out


@pytest.mark.integration
class TestProduce:
    def test_produce_converts_x12_files_to_claim_events(
        self, kafka_bootstrap: str, deployment_id: str, tmp_path: Path
    ) -> None:
        """`dermclaims produce FILE.837` converts the X12 file and produces one keyed event per claim."""
        deployment = Deployment(kafka_bootstrap, deployment_id, tmp_path)
        deployment.create_topics()
        result = run_cli("produce", "examples/x12/derm-office.837", "--topic", "claims_submitted", env=deployment.env())
        assert result.returncode == 0, result.stderr
        assert f"produced 4 message(s) to {deployment.topic('claims_submitted')}" in result.stdout
        records = deployment.consume("claims_submitted", 4)
        assert {r.key for r in records} == {v["claim"]["claim_id"].encode() for v in values(records)}


@pytest.mark.integration
class TestDeadLetters:
    def test_show_lists_and_replay_resends_once_the_cause_is_fixed(
        self, kafka_bootstrap: str, deployment_id: str, tmp_path: Path
    ) -> None:
        """`deadletters show` tables the dead letters; `replay` re-sends the original bytes to the source topic,
        where a worker without the earlier bug validates them."""
        import base64

        import orjson

        from tests.integration.test_worker_stream import BIOPSY_AND_EXCISION, claim_event

        deployment = Deployment(kafka_bootstrap, deployment_id, tmp_path)
        deployment.create_topics()
        good = claim_event("PCN-DL", "evt-dl", BIOPSY_AND_EXCISION)
        crashed = {  # as an earlier worker with a crashing rule dead-lettered it
            "schema": "deadletter.v1",
            "event_id": "dl-1",
            "reason": "processing_error",
            "error_type": "RuleCrashError",
            "error_message": "rule BND001 crashed",
            "rule_code": "BND001",
            "source_topic": deployment.topic("claims_submitted"),
            "source_partition": 0,
            "source_offset": 7,
            "source_key": "PCN-DL",
            "payload": base64.b64encode(good).decode(),
            "payload_size": len(good),
            "payload_sha256": "",
            "payload_truncated": False,
            "worker_version": "0.0.9",
        }
        deployment.produce(
            "deadletter",
            [(b"PCN-DL", orjson.dumps(crashed)), (None, claim_event("PCN-X", "evt-x", BIOPSY_AND_EXCISION))],
        )
        env = dict(deployment.env(), COLUMNS="200")
        shown = run_cli("deadletters", "show", env=env)
        assert shown.returncode == 0, shown.stderr
        assert "RuleCrashError" in shown.stdout
        assert "BND001" in shown.stdout
        assert "not a deadletter.v1 event" in shown.stderr  # a foreign message is reported, not a crash
        replayed = run_cli("deadletters", "replay", "--rule-code", "BND001", env=env)
        assert replayed.returncode == 0, replayed.stderr
        assert "replayed 1 dead letter(s)" in replayed.stdout
        deployment.start_worker()
        try:
            validated = values(deployment.consume("claims_validated", 1))
            assert ["evt-dl"] == [v["source_event_id"] for v in validated], deployment.logs()
        finally:
            deployment.stop_all()
