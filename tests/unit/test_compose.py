"""docker-compose.yml stays consistent with the worker's settings, topics and ports (no Docker engine here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from workers.settings import WorkerSettings

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def settings_from(env: dict[str, str], monkeypatch) -> WorkerSettings:
    for key in [k for k in __import__("os").environ if k.startswith("CLAIMS_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return WorkerSettings()


class TestCompose:
    def test_every_worker_env_name_is_a_real_setting(self) -> None:
        """Each CLAIMS_* variable in the compose file maps to a WorkerSettings field (a typo would be ignored)."""
        env = compose()["services"]["worker"]["environment"]
        fields = WorkerSettings.model_fields
        for name in env:
            assert name.startswith("CLAIMS_"), name
            path = name.removeprefix("CLAIMS_").lower().split("__")
            assert path[0] in fields, f"{name}: no setting {path[0]}"
            if len(path) == 2:
                nested = fields[path[0]].annotation
                assert nested is not None
                assert path[1] in nested.model_fields, f"{name}: no setting {path[0]}.{path[1]}"

    def test_ports_and_bootstrap_agree(self, monkeypatch) -> None:
        """The worker reaches Kafka on an advertised listener, and /metrics is published and scraped on its port."""
        services = compose()["services"]
        settings = settings_from(services["worker"]["environment"], monkeypatch)
        advertised = services["kafka"]["environment"]["KAFKA_ADVERTISED_LISTENERS"]
        assert f"//{settings.kafka.bootstrap_servers}" in advertised
        assert f"{settings.metrics.port}:{settings.metrics.port}" in services["worker"]["ports"]
        scrape = yaml.safe_load((ROOT / "ops/prometheus/prometheus.yml").read_text())
        targets = [t for job in scrape["scrape_configs"] for sc in job["static_configs"] for t in sc["targets"]]
        assert f"worker:{settings.metrics.port}" in targets

    def test_topics_are_the_contract_topics(self, monkeypatch) -> None:
        """The compose deployment uses the contract's topic names (empty prefix) and co-partitioned topics."""
        settings = settings_from(compose()["services"]["worker"]["environment"], monkeypatch)
        names = settings.topics.all_names()
        contract = ROOT.parent / "shared" / "contract.md"
        expected = {
            "claims.submitted.v1",
            "remits.received.v1",
            "claims.validated.v1",
            "denials.rework.v1",
            "deadletter.v1",
        }
        assert expected <= set(names.values())
        if contract.exists():
            for topic in expected:
                assert f"`{topic}`" in contract.read_text()

    def test_single_node_kraft_settings_match_the_local_launcher(self) -> None:
        """The compose broker uses the same single-node KRaft settings as ops/kafka's launcher."""
        env = compose()["services"]["kafka"]["environment"]
        for key in (
            "OFFSETS_TOPIC_REPLICATION_FACTOR",
            "TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
            "TRANSACTION_STATE_LOG_MIN_ISR",
        ):
            assert env[f"KAFKA_{key}"] == "1"
        assert env["KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"] == "0"
        launcher = (ROOT / "workers" / "localkafka.py").read_text()
        assert "group.initial.rebalance.delay.ms" in launcher
        assert "1048588" in launcher
        assert env["KAFKA_MESSAGE_MAX_BYTES"] == "1048588"
