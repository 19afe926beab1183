"""No silent loss when a worker dies in the middle of a rebalance (issue: 6 claims lost, a commit stuck).

The probe that found it: worker A runs, worker B joins, A is killed -9 right after it synced the new generation,
and A comes back a little later. Before `workers.delivery`, faust-streaming committed past messages the new
owner's fetcher had skipped (lag 0, outputs missing) or left a partition's commit stuck below its end.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from tests.integration.harness import Deployment, values
from tests.integration.test_worker_stream import BIOPSY_AND_EXCISION, claim_event
from workers.topics import group_offsets

ASSIGNED = "Executing _on_partitions_assigned"  # faust logs it at INFO on every new generation


def _claims(first: int, end: int):
    return ((f"PCN-{n}".encode(), claim_event(f"PCN-{n}", f"evt-{n}", BIOPSY_AND_EXCISION)) for n in range(first, end))


def _wait_for_new_generation(log: Path, seen: int, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.read_text(errors="replace").count(ASSIGNED) > seen:
            return
        time.sleep(0.02)
    raise AssertionError(f"{log.name} saw no new generation within {timeout:.0f}s")


def _worker_log(deployment: Deployment, suffix: str) -> Path:
    return max(deployment.data_dir.glob(f"worker{suffix}-*.log"), key=lambda p: p.stat().st_mtime)


def _committed_and_end(deployment: Deployment) -> dict[int, tuple[int | None, int]]:
    name = deployment.topic("claims_submitted")
    partitions = [TopicPartition(name, p) for p in range(deployment.partitions)]
    consumer = KafkaConsumer(bootstrap_servers=deployment.bootstrap)
    end = consumer.end_offsets(partitions)
    consumer.close()
    admin = KafkaAdminClient(bootstrap_servers=deployment.bootstrap)
    committed = group_offsets(admin, deployment.prefix, partitions)
    admin.close()
    return {tp.partition: (committed[tp].offset if tp in committed else None, end[tp]) for tp in partitions}


@pytest.mark.integration
def test_killing_a_worker_as_it_syncs_a_new_generation_loses_nothing(
    kafka_bootstrap: str, deployment_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Three rounds: a worker joins, the other is killed -9 just after it synced the new generation and
    restarted 3 s later. Every claim has its output, and every partition's committed offset reaches the end."""
    deployment = Deployment(kafka_bootstrap, deployment_id, tmp_path, partitions=6)
    deployment.create_topics()
    per_round, rounds = 2000, 3
    try:
        deployment.start_worker(data_suffix="r0")
        victim = "r0"
        for round_no in range(rounds):
            first = round_no * per_round
            deployment.produce("claims_submitted", _claims(first, first + per_round))
            deployment.consume("claims_validated", first + per_round // 4, timeout=180, distinct="source_event_id")
            log = _worker_log(deployment, victim)
            seen = log.read_text(errors="replace").count(ASSIGNED)
            joiner = f"j{round_no}"
            deployment.start_worker(data_suffix=joiner)
            _wait_for_new_generation(log, seen)
            process = deployment.by_suffix[victim]
            process.send_signal(signal.SIGKILL)
            process.wait()
            time.sleep(3)
            deployment.start_worker(data_suffix=victim)  # back with the same data dir, as a supervisor restarts it
            victim = joiner  # next round kills the worker that joined this one
        total = rounds * per_round
        outputs = values(deployment.consume("claims_validated", total, timeout=600, distinct="source_event_id"))
        missing = {f"evt-{n}" for n in range(total)} - {o["source_event_id"] for o in outputs}
        assert not missing, f"{len(missing)} claims lost, e.g. {sorted(missing)[:10]}\n{deployment.logs()}"
        deadline = time.monotonic() + 60
        while True:
            state = _committed_and_end(deployment)
            if all(committed is not None and committed >= end for committed, end in state.values()):
                break
            assert time.monotonic() < deadline, f"commits stuck below the end (committed, end): {state}"
            time.sleep(1)
        with capsys.disabled():
            print(f"\n[rebalance kill] {rounds} kills, {len(outputs)} outputs for {total} claims, committed {state}")
    finally:
        deployment.stop_all()
