"""Without a reachable Kafka, commands say what happened and what to do (no traceback)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.integration.harness import free_port

ROOT = Path(__file__).resolve().parents[3]


class TestNoBroker:
    def test_topics_create_explains_how_to_start_kafka(self) -> None:
        """`topics create` against a closed port names the address and the command that starts a broker.

        Run as a subprocess: kafka-python 3.0.12 leaks the sockets of a client that failed to bootstrap.
        """
        address = f"127.0.0.1:{free_port()}"
        result = subprocess.run(
            [sys.executable, "-m", "workers.cli", "topics", "create"],
            cwd=ROOT,
            env=dict(os.environ, CLAIMS_KAFKA__BOOTSTRAP_SERVERS=address),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 69  # EX_UNAVAILABLE (README, settings: exit codes)
        assert f"Kafka at {address} did not answer" in result.stderr
        assert "CLAIMS_KAFKA__BOOTSTRAP_SERVERS" in result.stderr
        assert "dermclaims kafka up" in result.stderr
        assert "Traceback" not in result.stderr
