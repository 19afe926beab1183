"""Integration fixtures: one isolated worker deployment per test (its own topics, group and data dir)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.harness import Deployment


@pytest.fixture
def deployment(kafka_bootstrap: str, deployment_id: str, tmp_path: Path) -> Iterator[Deployment]:
    deployed = Deployment(kafka_bootstrap, deployment_id, tmp_path)
    deployed.create_topics()
    yield deployed
    deployed.stop_all()
