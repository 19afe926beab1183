"""Shared fixtures: the real Kafka broker (session), and per-test isolated worker deployments."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from workers.localkafka import LocalKafka, is_reachable


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """A real Apache Kafka broker: CLAIMS_TEST_BROKER if set, else the project's own local KRaft broker.

    Never skipped: if no broker can be had, the tests fail (CI cannot go green by skipping).
    """
    given = os.environ.get("CLAIMS_TEST_BROKER")
    if given:
        assert is_reachable(given, timeout=10), f"CLAIMS_TEST_BROKER={given} does not answer Kafka requests"
        yield given
        return
    broker = LocalKafka.from_env()
    started = broker.up()
    yield broker.bootstrap
    if started:
        broker.down()


@pytest.fixture
def deployment_id() -> str:
    """A unique topic prefix / app id so tests never see each other's messages."""
    return f"t{uuid.uuid4().hex[:10]}"
