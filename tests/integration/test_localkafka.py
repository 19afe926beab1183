"""Integration tests of workers/localkafka.py against a real Kafka broker on a non-default port.

The broker's jars come from the shared lib cache (resolved once, reused by every run); the run folder
(config, data, log, pid) lives under pytest's tmp dir, so the developer broker on 9092 is not touched.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

with warnings.catch_warnings():
    # kafka-python 3.0.12 loads its protocol schemas with importlib.resources.read_text, deprecated in
    # 3.11; the warning is attributed to importlib, so pyproject's "ignore ...:kafka.*" does not catch it.
    warnings.simplefilter("ignore", DeprecationWarning)
    # kafka-python ships no types; pyproject sets ignore_missing_imports for kafka.*, bare mypy does not.
    from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer  # type: ignore[import-untyped, unused-ignore]

from workers.cli import main
from workers.localkafka import MESSAGE_MAX_BYTES, LocalKafka, LocalKafkaError, is_reachable


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_pair(start: int = 19092) -> tuple[int, int]:
    """Two adjacent free ports (broker, controller), 19092/19093 unless those are taken."""
    for port in range(start, start + 200, 2):
        if _port_free(port) and _port_free(port + 1):
            return port, port + 1
    raise RuntimeError("no free port pair near 19092")


class _Listener:
    """A TCP listener that is not Kafka: accepts and answers every connection with HTTP garbage."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port: int = self.sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    def close(self) -> None:
        self.sock.close()


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalKafka]:
    port, controller = _free_pair()
    kafka = LocalKafka(port=port, controller_port=controller, home=tmp_path_factory.mktemp("localkafka"))
    assert not is_reachable(kafka.bootstrap), f"{kafka.bootstrap} already answers Kafka"
    t0 = time.monotonic()
    assert kafka.up(timeout=120.0) is True
    print(f"broker up on {kafka.bootstrap} in {time.monotonic() - t0:.1f}s")
    try:
        yield kafka
    finally:
        kafka.down()


class TestLocalKafkaBroker:
    """A real broker started by `LocalKafka.up()` on a non-default port (tests run in file order)."""

    @pytest.mark.integration
    def test_up_writes_single_node_kraft_config(self, broker: LocalKafka) -> None:
        """`up` writes the single-node KRaft settings, formats storage and leaves a pid file and a log."""
        props = broker.properties_path.read_text().splitlines()
        for line in (
            "process.roles=broker,controller",
            "node.id=1",
            f"controller.quorum.bootstrap.servers=127.0.0.1:{broker.controller_port}",
            f"listeners=PLAINTEXT://127.0.0.1:{broker.port},CONTROLLER://127.0.0.1:{broker.controller_port}",
            "offsets.topic.replication.factor=1",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "auto.create.topics.enable=true",
            f"message.max.bytes={MESSAGE_MAX_BYTES}",
        ):
            assert line in props, line
        assert (broker.data_dir / "meta.properties").is_file()
        assert broker.home is not None
        assert broker.run_dir.is_relative_to(broker.home)
        assert LocalKafka().lib_dir == broker.lib_dir  # jars come from the shared cache, not re-downloaded
        assert broker.pid_path.is_file()
        assert "Kafka Server started" in broker.tail(500)

    @pytest.mark.integration
    def test_second_up_is_harmless(self, broker: LocalKafka) -> None:
        """A second `up` sees the broker answering, returns False and keeps the same process."""
        pid = broker.status().pid
        assert broker.up() is False
        assert pid == broker.status().pid
        assert is_reachable(broker.bootstrap)

    @pytest.mark.integration
    def test_status_reports_running(self, broker: LocalKafka) -> None:
        """`status` reports running, our pid, the bootstrap address and the log path."""
        st = broker.status()
        assert st.running
        assert st.reachable
        assert st.owned
        assert st.pid is not None
        assert st.pid > 0
        assert f"127.0.0.1:{broker.port}" == st.bootstrap
        assert broker.log_path == st.log_path
        assert st.log_path.is_file()

    @pytest.mark.integration
    def test_produce_consume_round_trip(self, broker: LocalKafka) -> None:
        """kafka-python 3 produces to an auto-created topic and a consumer group reads it back."""
        topic = f"localkafka-roundtrip-{uuid.uuid4().hex[:8]}"
        expected = [(f"k{i}".encode(), f"claim-{i}".encode()) for i in range(3)]
        producer = KafkaProducer(bootstrap_servers=broker.bootstrap)
        try:
            for key, value in expected:
                producer.send(topic, key=key, value=value).get(timeout=30)
            producer.flush(timeout=30)
        finally:
            producer.close()

        consumer = KafkaConsumer(
            topic,
            bootstrap_servers=broker.bootstrap,
            group_id=f"localkafka-test-{uuid.uuid4().hex[:8]}",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        got: list[tuple[bytes, bytes]] = []
        try:
            deadline = time.monotonic() + 60
            while len(got) < len(expected) and time.monotonic() < deadline:
                for records in consumer.poll(timeout_ms=1000).values():
                    got.extend((r.key, r.value) for r in records)
            consumer.commit()
        finally:
            consumer.close()
        assert expected == got

    @pytest.mark.integration
    def test_cli_status_sees_the_broker(self, broker: LocalKafka) -> None:
        """`dermclaims kafka status --port N` finds the broker (not ours: the CLI uses the default run folder)."""
        res = CliRunner().invoke(main, ["kafka", "status", "--port", str(broker.port)])
        assert res.exit_code == 0, res.output
        assert broker.bootstrap in res.output
        assert "not started by us" in res.output

    @pytest.mark.integration
    def test_fresh_wipes_data_and_restarts(self, broker: LocalKafka) -> None:
        """`up(fresh=True)` stops our broker, deletes its data and starts a new one."""
        topic = f"localkafka-fresh-{uuid.uuid4().hex[:8]}"
        producer = KafkaProducer(bootstrap_servers=broker.bootstrap)
        try:
            producer.send(topic, b"x").get(timeout=30)
        finally:
            producer.close()
        old_pid = broker.status().pid

        assert broker.up(fresh=True) is True
        st = broker.status()
        assert st.running
        assert st.pid not in (None, old_pid)
        admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap)
        try:
            assert topic not in admin.list_topics()
        finally:
            admin.close()

    @pytest.mark.integration
    def test_down_stops_the_broker(self, broker: LocalKafka) -> None:
        """`down` stops the process, removes the pid file, and the address stops answering."""
        pid = broker.status().pid
        assert pid is not None
        broker.down()
        assert not is_reachable(broker.bootstrap)
        assert not broker.pid_path.exists()
        cmdline = Path(f"/proc/{pid}/cmdline")
        assert not cmdline.exists() or "kafka.Kafka" not in cmdline.read_text()
        st = broker.status()
        assert not st.running
        assert st.pid is None
        broker.down()  # a second down is harmless
        res = CliRunner().invoke(main, ["kafka", "status", "--port", str(broker.port)])
        assert res.exit_code == 1, res.output
        assert "not running" in res.output


class TestPortConflicts:
    """`up` refuses ports held by something that is not Kafka, before starting any JVM."""

    @pytest.mark.integration
    def test_port_held_by_non_kafka_listener_is_a_clear_error(self, tmp_path: Path) -> None:
        """A non-Kafka TCP listener on the broker port yields a LocalKafkaError saying what to do."""
        listener = _Listener()
        try:
            kafka = LocalKafka(port=listener.port, controller_port=_free_pair(19300)[0], home=tmp_path)
            assert not is_reachable(kafka.bootstrap)
            with pytest.raises(LocalKafkaError) as err:
                kafka.up(timeout=10)
            msg = str(err.value)
            assert f"port {listener.port}" in msg
            assert "does not answer Kafka" in msg
            assert "CLAIMS_LOCAL_KAFKA_PORT" in msg
            assert "--port" in msg
            assert not kafka.pid_path.exists()
        finally:
            listener.close()

    @pytest.mark.integration
    def test_controller_port_in_use_is_a_clear_error(self, tmp_path: Path) -> None:
        """A taken controller port yields a LocalKafkaError naming the port and the env var to change."""
        listener = _Listener()
        try:
            port, _ = _free_pair(19400)
            kafka = LocalKafka(port=port, controller_port=listener.port, home=tmp_path)
            with pytest.raises(LocalKafkaError, match=f"controller port {listener.port}.*CONTROLLER_PORT"):
                kafka.up(timeout=10)
        finally:
            listener.close()
