"""Create the contract's topics (kafka-python admin), co-partitioned for claims and remits."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kafka import KafkaAdminClient, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import (
    CoordinatorLoadInProgressError,
    CoordinatorNotAvailableError,
    NotCoordinatorError,
    TopicAlreadyExistsError,
)

from workers.kafka_access import require_access
from workers.settings import KafkaSettings, TopicSettings

# What a group coordinator answers for a few seconds on a fresh broker (or while it moves): ask again.
COORDINATOR_STARTING = (CoordinatorNotAvailableError, NotCoordinatorError, CoordinatorLoadInProgressError)

# Topics keyed by claim_id that must have the same partition count (co-partitioning: the claim a
# remittance needs is then in the same partition number, on the same worker).
CO_PARTITIONED = ("claims_submitted", "remits_received")


@dataclass(frozen=True)
class TopicState:
    name: str
    partitions: int
    created: bool


def client_options(kafka: KafkaSettings) -> dict[str, Any]:
    """kafka-python connection options from the settings (SASL/TLS included)."""
    options: dict[str, Any] = {
        "bootstrap_servers": kafka.bootstrap_servers.split(","),
        "security_protocol": kafka.security_protocol,
        "bootstrap_timeout_ms": 10_000,  # a CLI user hears within 10 s that no broker answers (default 30 s)
    }
    if kafka.security_protocol.startswith("SASL"):
        options["sasl_mechanism"] = kafka.sasl_mechanism
        options["sasl_plain_username"] = kafka.sasl_username
        options["sasl_plain_password"] = kafka.sasl_password.get_secret_value() if kafka.sasl_password else None
    if kafka.ssl_cafile:
        options["ssl_cafile"] = str(kafka.ssl_cafile)
    if kafka.ssl_certfile:
        options["ssl_certfile"] = str(kafka.ssl_certfile)
    if kafka.ssl_keyfile:
        options["ssl_keyfile"] = str(kafka.ssl_keyfile)
    return options


class TopicLayoutError(RuntimeError):
    """Existing topics cannot serve the worker (e.g. claims and remits not co-partitioned)."""


def _describe(admin: KafkaAdminClient, names: list[str], wait: float = 10.0) -> dict[str, int]:
    """Partition count per topic; a topic created a moment ago may show none until the metadata has
    propagated (seen on a broker's first `topics create`), so ask again for up to `wait` seconds."""
    deadline = time.monotonic() + wait
    while True:
        described = {d.get("name", d.get("topic")): len(d["partitions"]) for d in admin.describe_topics(names)}
        if all(described.get(name, 0) > 0 for name in names) or time.monotonic() > deadline:
            return described
        time.sleep(0.2)


def create_topics(kafka: KafkaSettings, topics: TopicSettings, internal: Iterable[str] = ()) -> list[TopicState]:
    """Create every missing topic with `topics.partitions`; check co-partitioning of existing ones.

    `internal` names worker-internal topics to create alongside (the audit ledger, `WorkerSettings.ledger_topic`).

    Raises `KafkaAccessError` (the cause and the setting to fix) if the settings cannot reach Kafka.
    """
    require_access(kafka)
    admin = KafkaAdminClient(**client_options(kafka), client_id="dermclaims-admin")
    try:
        names = {**topics.all_names(), **{name: name for name in internal}}
        existing = set(admin.list_topics())
        created: set[str] = set()
        for name in names.values():
            if name in existing:
                continue
            try:
                admin.create_topics(
                    [NewTopic(name, num_partitions=topics.partitions, replication_factor=topics.replication_factor)]
                )
                created.add(name)
            except TopicAlreadyExistsError:
                pass
        described = _describe(admin, list(names.values()))
    finally:
        admin.close()
    states = [TopicState(name, described.get(name, 0), name in created) for name in names.values()]
    counts = {described.get(names[logical], 0) for logical in CO_PARTITIONED}
    if len(counts) > 1:
        raise TopicLayoutError(
            f"{names['claims_submitted']} and {names['remits_received']} have different partition counts "
            f"({', '.join(str(described.get(names[n])) for n in CO_PARTITIONED)}): remittances would not find their "
            "claims. Recreate them with the same count (CLAIMS_TOPICS__PARTITIONS)."
        )
    return states


def group_offsets(
    admin: KafkaAdminClient, group: str, partitions: Iterable[TopicPartition], wait: float = 30.0
) -> dict[TopicPartition, Any]:
    """The group's committed offsets; a coordinator still starting (a fresh broker) is asked again for `wait` s."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return dict(admin.list_group_offsets({group: list(partitions)}).get(group, {}))
        except COORDINATOR_STARTING:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.5)


def group_caught_up(admin: KafkaAdminClient, group: str, end: Mapping[TopicPartition, int]) -> bool:
    """True when the consumer group has committed every message up to `end` (it has processed them all)."""
    try:
        committed = group_offsets(admin, group, end, wait=0.0)
    except COORDINATOR_STARTING:  # callers poll: not caught up yet
        return False
    return all(offset == 0 or (tp in committed and committed[tp].offset >= offset) for tp, offset in end.items())
