"""`WorkerSettings`: every knob of the worker, from `CLAIMS_*` environment variables."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class KafkaSettings(_Frozen):
    """How to reach the cluster. SASL/TLS options are for managed clusters (MSK, Confluent Cloud, Aiven)."""

    bootstrap_servers: str = "127.0.0.1:9092"
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "PLAIN"
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: Path | None = None
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None
    # Consumer-group liveness: a worker that dies stops holding its partitions after `session_timeout_seconds`
    # (the broker's group.min.session.timeout.ms, 6 s by default, is the floor); heartbeats go out every
    # `heartbeat_interval_seconds` (at most a third of the session). Chosen by measurement: README, "Delivery".
    session_timeout_seconds: float = Field(default=10.0, ge=1.0, le=300.0)
    heartbeat_interval_seconds: float = Field(default=3.0, gt=0.0, le=100.0)
    # Outputs wait up to `producer_linger_ms` to share a produce request of up to `producer_max_batch_size`
    # bytes per partition. Chosen by measurement (benchmarks/README.md, "Stream throughput").
    producer_linger_ms: int = Field(default=5, ge=0, le=1000)
    producer_max_batch_size: int = Field(default=256 * 1024, ge=1024, le=16 * 1024 * 1024)


class TopicSettings(_Frozen):
    """Contract topic names, a per-deployment prefix, and how new topics are created."""

    prefix: str = ""
    partitions: int = Field(default=6, ge=1, le=1000)
    replication_factor: int = Field(default=1, ge=1, le=5)
    claims_submitted: str = "claims.submitted.v1"
    remits_received: str = "remits.received.v1"
    claims_validated: str = "claims.validated.v1"
    denials_rework: str = "denials.rework.v1"
    deadletter: str = "deadletter.v1"
    x12_raw: str = "x12.raw.v1"

    def name(self, base: str) -> str:
        return f"{self.prefix}{base}"

    def all_names(self) -> dict[str, str]:
        """Logical name -> full topic name, for every topic the worker reads or writes."""
        return {
            field: self.name(getattr(self, field))
            for field in (
                "claims_submitted",
                "remits_received",
                "claims_validated",
                "denials_rework",
                "deadletter",
                "x12_raw",
            )
        }


class BatchSettings(_Frozen):
    """How many inputs an agent judges per batch, and how long a batch waits to fill (workers.batching)."""

    max_events: int = Field(default=500, ge=1, le=10_000)
    within_seconds: float = Field(default=0.01, gt=0.0, le=5.0)


class MetricsSettings(_Frozen):
    port: int = Field(default=9108, ge=0, le=65535, description="0 disables the /metrics server")
    host: str = "0.0.0.0"  # noqa: S104 - Prometheus scrapes the worker from another container/host


class RulesSettings(_Frozen):
    data_dir: Path | None = Field(default=None, description="operator folder of quarterly CMS PTP/MUE/AOC files")
    conversion_factor: Decimal = Decimal("33.4009")


class ReworkSettings(_Frozen):
    expiry_sweep_seconds: float = Field(
        default=3600.0, ge=0, description="how often rework items past their deadline are looked for (0: never)"
    )


class WorkerSettings(BaseSettings):
    """All settings; build once in `main()` and pass down. Log only `masked()`."""

    model_config = SettingsConfigDict(env_prefix="CLAIMS_", env_nested_delimiter="__", frozen=True, extra="ignore")

    app_id: str = "dermclaims"
    store_url: str = Field(default="memory://", description="memory:// or rocksdb:// (rocksdict) for large tables")
    data_dir: Path = Path("var/worker")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    kafka: KafkaSettings = KafkaSettings()
    topics: TopicSettings = TopicSettings()
    batch: BatchSettings = BatchSettings()
    metrics: MetricsSettings = MetricsSettings()
    rules: RulesSettings = RulesSettings()
    rework: ReworkSettings = ReworkSettings()

    @property
    def ledger_topic(self) -> str:
        """Internal topic of inputs processed with no output (like faust's `<app_id>-*-changelog` topics)."""
        return f"{self.app_id}-processed"

    def masked(self) -> dict[str, Any]:
        """Settings safe to log: secrets are masked by SecretStr's own repr."""
        return self.model_dump(mode="json")
