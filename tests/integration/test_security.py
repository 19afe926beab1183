"""A real secured broker (SASL_SSL, SCRAM-SHA-512) started by the project's launcher with a CA made at test time.

The claims flow end to end through `dermclaims worker` over SASL_SSL; each wrong setting (password, user,
CA file missing, CA of another authority, plaintext client, nothing listening) makes the real CLI exit
fast with its own exit code and a message naming the `CLAIMS_KAFKA__*` setting to fix, never a traceback.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest

with warnings.catch_warnings():
    # kafka-python 3.0.12 loads its protocol schemas with importlib.resources.read_text (deprecated in 3.11).
    warnings.simplefilter("ignore", DeprecationWarning)
    from kafka import KafkaConsumer, TopicPartition  # type: ignore[import-untyped, unused-ignore]

from tests.integration.harness import free_port
from tests.integration.test_cli_commands import run_cli
from workers.localkafka import LocalKafka
from workers.localtls import make_ca
from workers.settings import KafkaSettings
from workers.topics import client_options

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
USER, PASSWORD = "claims-svc", f"pw-{uuid.uuid4().hex[:12]}"
PARTITIONS = 2


@dataclass(frozen=True)
class Secured:
    broker: LocalKafka
    other_ca: Path  # a second CA made at test time: it did not sign the broker's certificate

    def env(self, prefix: str, **overrides: str) -> dict[str, str]:
        """The environment of a dermclaims client of this broker (right settings unless overridden)."""
        env = dict(os.environ)
        env.update(
            CLAIMS_KAFKA__BOOTSTRAP_SERVERS=self.broker.bootstrap,
            CLAIMS_KAFKA__SECURITY_PROTOCOL="SASL_SSL",
            CLAIMS_KAFKA__SASL_MECHANISM="SCRAM-SHA-512",
            CLAIMS_KAFKA__SASL_USERNAME=USER,
            CLAIMS_KAFKA__SASL_PASSWORD=PASSWORD,
            CLAIMS_KAFKA__SSL_CAFILE=str(self.broker.security.ca_path),
            CLAIMS_APP_ID=prefix,
            CLAIMS_TOPICS__PREFIX=f"{prefix}.",
            CLAIMS_TOPICS__PARTITIONS=str(PARTITIONS),
            CLAIMS_METRICS__PORT="0",
            CLAIMS_DATA_DIR=str(self.broker.run_dir.parent / f"worker-{prefix}"),
            CLAIMS_LOG_LEVEL="INFO",
        )
        env.update(overrides)
        return env

    def settings(self) -> KafkaSettings:
        env = self.env("unused")
        return KafkaSettings.model_validate(
            {
                "bootstrap_servers": env["CLAIMS_KAFKA__BOOTSTRAP_SERVERS"],
                "security_protocol": "SASL_SSL",
                "sasl_mechanism": "SCRAM-SHA-512",
                "sasl_username": USER,
                "sasl_password": PASSWORD,
                "ssl_cafile": env["CLAIMS_KAFKA__SSL_CAFILE"],
            }
        )


def _free_pair() -> tuple[int, int]:
    """Two adjacent free ports (broker, controller), away from the PLAINTEXT broker's 9092/9093."""
    for _ in range(50):
        port = free_port()
        if port < 65535 and port not in (9092, 9093):
            try:
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port + 1))
                return port, port + 1
            except OSError:
                continue
    raise RuntimeError("no free port pair")


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Secured]:
    """The launcher's secured broker in a fresh home: its CA and certificate are made by this `up`."""
    home = tmp_path_factory.mktemp("secured-kafka")
    port, controller = _free_pair()
    broker = LocalKafka(port=port, controller_port=controller, home=home, secure=True, scram_users=((USER, PASSWORD),))
    t0 = time.time()
    assert broker.up(timeout=120.0) is True, "the secured broker was already running?"
    assert broker.security.ca_path.stat().st_mtime >= t0 - 1, "the CA was not made by this test run"
    other = make_ca(tmp_path_factory.mktemp("other-ca"), "an unrelated CA")
    try:
        yield Secured(broker, other.cert)
    finally:
        broker.down()


def _read(settings: KafkaSettings, topic: str, expected: int, timeout: float = 90.0) -> list[dict[str, object]]:
    """Every message of `topic` from the beginning, over SASL_SSL, until `expected` (or the timeout)."""
    consumer = KafkaConsumer(**client_options(settings), enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        found: list[dict[str, object]] = []
        deadline = time.monotonic() + timeout
        while len(found) < expected and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                found += [orjson.loads(record.value) for record in batch]
        return found
    finally:
        consumer.close()


class TestSecuredClaimsFlow:
    def test_claims_flow_through_the_worker_over_sasl_ssl(self, secured: Secured, tmp_path: Path) -> None:
        """Topics, a claim produced with `dermclaims produce`, and its verdict on claims.validated.v1, all over
        SASL_SSL with SCRAM-SHA-512 and the CA the launcher made."""
        prefix = f"t{uuid.uuid4().hex[:10]}"
        env = secured.env(prefix)
        created = run_cli("topics", "create", env=env)
        assert created.returncode == 0, created.stderr[-3000:]
        assert f"{prefix}.claims.validated.v1" in created.stdout
        claims = ROOT / "examples" / "claims.jsonl"
        claim_ids = [orjson.loads(line)["claim"]["claim_id"] for line in claims.read_bytes().splitlines()[:3]]
        one_file = tmp_path / "claims.jsonl"
        one_file.write_bytes(b"\n".join(claims.read_bytes().splitlines()[:3]) + b"\n")
        log = (tmp_path / "worker.log").open("wb")
        worker = subprocess.Popen(
            [sys.executable, "-m", "workers.cli", "worker"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            produced = run_cli("produce", str(one_file), "--topic", "claims_submitted", env=env)
            assert produced.returncode == 0, produced.stderr[-3000:]
            validated = _read(secured.settings(), f"{prefix}.claims.validated.v1", len(claim_ids))
        finally:
            worker.terminate()
            worker.wait(timeout=60)
            log.close()
        worker_log = (tmp_path / "worker.log").read_text(errors="replace")[-4000:]
        assert sorted(str(v["claim_id"]) for v in validated) == sorted(claim_ids), worker_log
        assert all(v["schema"] == "claim.validated.v1" for v in validated)


def _wrong(secured: Secured, case: str) -> dict[str, str]:
    return {
        "wrong password": {"CLAIMS_KAFKA__SASL_PASSWORD": "not-the-password"},
        "unknown user": {"CLAIMS_KAFKA__SASL_USERNAME": "nobody-here"},
        "missing CA file": {"CLAIMS_KAFKA__SSL_CAFILE": str(secured.broker.run_dir / "no-such-ca.pem")},
        "wrong CA": {"CLAIMS_KAFKA__SSL_CAFILE": str(secured.other_ca)},
        "plaintext client": {"CLAIMS_KAFKA__SECURITY_PROTOCOL": "PLAINTEXT"},
        "nothing listening": {"CLAIMS_KAFKA__BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}"},
    }[case]


# case -> (exit code, the setting the message must name, words of the cause)
CASES = {
    "wrong password": (77, "CLAIMS_KAFKA__SASL_PASSWORD", "password is wrong or the user does not exist"),
    "unknown user": (77, "CLAIMS_KAFKA__SASL_USERNAME", "password is wrong or the user does not exist"),
    "missing CA file": (78, "CLAIMS_KAFKA__SSL_CAFILE", "no such file"),
    "wrong CA": (79, "CLAIMS_KAFKA__SSL_CAFILE", "not trusted"),
    "plaintext client": (76, "CLAIMS_KAFKA__SECURITY_PROTOCOL", "speaks TLS"),
    "nothing listening": (69, "CLAIMS_KAFKA__BOOTSTRAP_SERVERS", "did not answer"),
}
COMMANDS = {
    "topics create": ("topics", "create"),
    "worker": ("worker",),
    "produce": ("produce", str(ROOT / "examples" / "claims.jsonl"), "--topic", "claims_submitted"),
    "deadletters show": ("deadletters", "show"),
}


class TestClearFailures:
    @pytest.mark.parametrize("command", ["topics create", "worker"])
    @pytest.mark.parametrize("case", list(CASES))
    def test_each_cause_has_its_exit_code_and_names_the_setting(
        self, secured: Secured, case: str, command: str
    ) -> None:
        """The real CLI stops within seconds (the worker does not retry for ever), with the cause's exit code
        and a message naming the setting to fix; no library traceback."""
        code, setting, cause = CASES[case]
        env = secured.env(f"t{uuid.uuid4().hex[:10]}", **_wrong(secured, case))
        started = time.monotonic()
        result = run_cli(*COMMANDS[command], env=env, timeout=60)
        elapsed = time.monotonic() - started
        assert result.returncode == code, result.stderr[-3000:]
        assert setting in result.stderr, result.stderr[-3000:]
        assert cause in result.stderr, result.stderr[-3000:]
        assert "Traceback" not in result.stderr
        assert PASSWORD not in result.stderr + result.stdout
        assert elapsed < 30, f"{command} took {elapsed:.0f}s to give up"

    @pytest.mark.parametrize("command", ["produce", "deadletters show"])
    def test_other_commands_report_a_refused_login_too(self, secured: Secured, command: str) -> None:
        """`produce` and `deadletters show` give the same answer for a refused login as the worker."""
        env = secured.env(f"t{uuid.uuid4().hex[:10]}", **_wrong(secured, "wrong password"))
        result = run_cli(*COMMANDS[command], env=env)
        assert result.returncode == 77, result.stderr[-3000:]
        assert "CLAIMS_KAFKA__SASL_PASSWORD" in result.stderr
        assert "Traceback" not in result.stderr
