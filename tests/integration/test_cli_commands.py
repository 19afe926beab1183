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
