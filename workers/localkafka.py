"""The project's own single-node Apache Kafka broker (KRaft), resolved from Maven Central.

`LocalKafka(...).up()` resolves `org.apache.kafka:kafka_2.13` plus a log4j2 backend with Maven into a
lib cache (once), writes a single-node KRaft `server.properties`, formats the storage once, starts
`java -cp '<lib>/*' kafka.Kafka server.properties` detached and waits for a real metadata answer.

Layout (the lib cache and the run folder can differ, so tests reuse the downloaded jars):

- lib cache: `lib_home` or `$CLAIMS_LOCAL_KAFKA_HOME` or `${XDG_CACHE_HOME:-~/.cache}/dermclaims/kafka-<version>`,
  jars in `<lib cache>/lib/`, complete when `lib/.dermclaims-complete.json` matches the pom.
- run folder: `<home or lib cache>/run-<port>/` with `server.properties`, `data/`, `broker.log`,
  `broker.pid`, `cluster.json`.

`LocalKafka(secure=True)` serves SASL_SSL with SCRAM-SHA-512 instead of PLAINTEXT, with a CA made on the first
`up` (see workers/localkafka_security.py); the default stays a PLAINTEXT broker on 127.0.0.1:9092.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from workers.kafka_access import split_bootstrap
from workers.localkafka_security import BrokerSecurity, SecurityError

__all__ = [
    "DEFAULT_VERSION",
    "MESSAGE_MAX_BYTES",
    "KafkaStatus",
    "LocalKafka",
    "LocalKafkaError",
    "is_reachable",
]

DEFAULT_VERSION = "4.1.1"
#: Tried in order when the requested version cannot be resolved.
FALLBACK_VERSIONS: tuple[str, ...] = ("4.1.1", "4.1.0", "4.1.2")
#: `message.max.bytes` written to server.properties (Kafka's own default, made explicit).
MESSAGE_MAX_BYTES = 1048588
MIN_JAVA = 17

_OPS_DIR = Path(__file__).resolve().parent.parent / "ops" / "kafka"
_MARKER = ".dermclaims-complete.json"
_SPAWN = (
    "import subprocess, sys\n"
    "log = open(sys.argv[1], 'ab')\n"
    "p = subprocess.Popen(sys.argv[3:], cwd=sys.argv[2], stdin=subprocess.DEVNULL, stdout=log,\n"
    "                     stderr=subprocess.STDOUT, start_new_session=True, close_fds=True)\n"
    "print(p.pid, flush=True)\n"
)

Progress = Callable[[str], None]


class LocalKafkaError(Exception):
    """The local broker could not be resolved, started or stopped; the message says what to do."""


class _Probe(Enum):
    CLOSED = "nothing listening"
    KAFKA = "Kafka"
    OTHER = "listening, but no Kafka answer"


@dataclass(frozen=True)
class KafkaStatus:
    """What `LocalKafka.status()` found."""

    running: bool
    pid: int | None
    bootstrap: str
    log_path: Path
    reachable: bool = False
    owned: bool = False

    def describe(self) -> str:
        """One short human line."""
        if self.owned and self.reachable:
            return f"running (pid {self.pid}) on {self.bootstrap}"
        if self.owned:
            return f"starting or unresponsive (pid {self.pid}) on {self.bootstrap}"
        if self.reachable:
            return f"a broker not started by us answers on {self.bootstrap}"
        return f"not running ({self.bootstrap})"


def _stderr(msg: str) -> None:
    sys.stderr.write(f"kafka: {msg}\n")
    sys.stderr.flush()


def _default_cache(version: str) -> Path:
    env = os.environ.get("CLAIMS_LOCAL_KAFKA_HOME")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg).expanduser() / "dermclaims" / f"kafka-{version}"


def _tcp_open(host: str, port: int, timeout: float) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _kafka_answers(bootstrap: str, timeout: float, security: dict[str, Any] | None = None) -> bool:
    """A real metadata round-trip (kafka-python bootstrap = ApiVersions + Metadata with >= 1 broker).

    `security`: extra kafka-python options (SASL/TLS) for a secured listener.
    """
    # kafka-python ships no types; pyproject sets ignore_missing_imports for kafka.*, bare mypy does not.
    from kafka import KafkaAdminClient  # type: ignore[import-untyped, unused-ignore]

    ms = max(500, int(timeout * 1000))
    # KafkaAdminClient starts an IO thread before bootstrapping and leaks it when bootstrap fails;
    # keep a handle on the network client so a failed probe can close it.
    default_client = KafkaAdminClient.DEFAULT_CONFIG["kafka_client"]
    clients: list[Any] = []

    def make_client(**configs: Any) -> Any:
        clients.append(default_client(**configs))
        return clients[-1]

    try:
        admin = KafkaAdminClient(
            bootstrap_servers=bootstrap,
            client_id="dermclaims-localkafka-probe",
            request_timeout_ms=ms,
            bootstrap_timeout_ms=ms,
            reconnect_backoff_ms=100,
            reconnect_backoff_max_ms=500,
            kafka_client=make_client,
            **(security or {}),
        )
    except Exception:
        for client in clients:
            with contextlib.suppress(Exception):
                client.close()
        return False
    try:
        cluster = admin.describe_cluster()
        return bool(cluster.get("brokers"))
    except Exception:
        return False
    finally:
        with contextlib.suppress(Exception):
            admin.close()


def _probe(bootstrap: str, timeout: float, security: dict[str, Any] | None = None) -> _Probe:
    addrs = split_bootstrap(bootstrap)
    if not any(_tcp_open(h, p, min(timeout, 2.0)) for h, p in addrs):
        return _Probe.CLOSED
    return _Probe.KAFKA if _kafka_answers(bootstrap, timeout, security) else _Probe.OTHER


def is_reachable(bootstrap: str, timeout: float = 2.0) -> bool:
    """True if a Kafka broker at `bootstrap` answers a metadata request within about `timeout` s."""
    return _probe(bootstrap, timeout) is _Probe.KAFKA


def _pid_alive(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError, OSError):
        done, _ = os.waitpid(pid, os.WNOHANG)  # reap if it happens to be our child
        if done == pid:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def _cmdline(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return [p.decode(errors="replace") for p in raw.split(b"\0") if p]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _find_java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        java = str(Path(java_home) / "bin" / "java")
    else:
        found = shutil.which("java")
        if not found:
            raise LocalKafkaError(
                f"`java` not found. Kafka 4.x needs Java {MIN_JAVA}+: install it "
                "(Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME."
            )
        java = found
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)  # noqa: S603 - resolved java
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if m:
        major = int(m.group(1))
        if major == 1 and m.group(2):
            major = int(m.group(2))
        if major < MIN_JAVA:
            raise LocalKafkaError(
                f"{java} is Java {major}; Kafka 4.x needs Java {MIN_JAVA}+. "
                "Install a newer JDK/JRE or point JAVA_HOME at one."
            )
    return java


def _tail(path: Path, lines: int) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 256 * 1024))
            data = fh.read().decode(errors="replace")
    except OSError:
        return ""
    return "\n".join(data.splitlines()[-lines:]) if lines > 0 else ""


@dataclass(frozen=True)
class LocalKafka:
    """A single-node KRaft broker owned by this project, on `host:port` (controller on `controller_port`)."""

    host: str = "127.0.0.1"
    port: int = 9092
    controller_port: int = 9093
    version: str = DEFAULT_VERSION
    home: Path | None = None  # run folders root; None -> the lib cache folder
    lib_home: Path | None = None  # lib cache; None -> $CLAIMS_LOCAL_KAFKA_HOME or the XDG cache
    progress: Progress | None = field(default=None, repr=False, compare=False)
    secure: bool = False  # SASL_SSL + SCRAM-SHA-512 listener, CA made on first `up`
    scram_users: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # created when formatting

    # ---- construction -------------------------------------------------------------------------

    @classmethod
    def from_env(
        cls,
        *,
        port: int | None = None,
        controller_port: int | None = None,
        host: str | None = None,
        home: Path | None = None,
    ) -> LocalKafka:
        """Settings from `CLAIMS_LOCAL_KAFKA_{PORT,CONTROLLER_PORT,HOST,VERSION}` (arguments win).

        Without an explicit controller port it is `port + 1`, so brokers on other ports do not collide.
        """

        def env_int(name: str) -> int | None:
            raw = os.environ.get(name, "").strip()
            if not raw:
                return None
            if not raw.isdigit() or not 0 < int(raw) < 65536:
                raise LocalKafkaError(f"{name}={raw!r} is not a TCP port; set it to e.g. 9092 or unset it.")
            return int(raw)

        p = port if port is not None else env_int("CLAIMS_LOCAL_KAFKA_PORT") or 9092
        c = controller_port if controller_port is not None else env_int("CLAIMS_LOCAL_KAFKA_CONTROLLER_PORT")
        if c is None:
            c = p + 1
        if c == p:
            raise LocalKafkaError(f"broker and controller port are both {p}; choose two different ports.")
        return cls(
            host=host or os.environ.get("CLAIMS_LOCAL_KAFKA_HOST") or "127.0.0.1",
            port=p,
            controller_port=c,
            version=os.environ.get("CLAIMS_LOCAL_KAFKA_VERSION") or DEFAULT_VERSION,
            home=home,
        )

    # ---- paths --------------------------------------------------------------------------------

    @property
    def bootstrap(self) -> str:
        """`host:port` for clients."""
        return f"{self.host}:{self.port}"

    @property
    def cache_dir(self) -> Path:
        """The lib cache folder (jars in `lib/`)."""
        return Path(self.lib_home).expanduser() if self.lib_home else _default_cache(self.version)

    @property
    def lib_dir(self) -> Path:
        """Folder of the broker's jars."""
        return self.cache_dir / "lib"

    @property
    def run_dir(self) -> Path:
        """Per-port run folder: config, data, log, pid."""
        root = Path(self.home).expanduser() if self.home else self.cache_dir
        return root / f"run-{self.port}"

    @property
    def data_dir(self) -> Path:
        """KRaft metadata and topic data (`log.dirs`)."""
        return self.run_dir / "data"

    @property
    def properties_path(self) -> Path:
        """The generated server.properties."""
        return self.run_dir / "server.properties"

    @property
    def log_path(self) -> Path:
        """The broker's stdout/stderr (log4j2 writes to stdout)."""
        return self.run_dir / "broker.log"

    @property
    def pid_path(self) -> Path:
        """Pid file of the broker we started."""
        return self.run_dir / "broker.pid"

    @property
    def security(self) -> BrokerSecurity:
        """TLS files, SCRAM users and client settings of the secured mode (`ca_path`, `client_env_path`)."""
        return BrokerSecurity(self.run_dir, self.host, self.port)

    @property
    def _state_path(self) -> Path:
        return self.run_dir / "cluster.json"

    @property
    def _log4j_path(self) -> Path:
        return self.run_dir / "log4j2.yaml"

    # ---- public operations --------------------------------------------------------------------

    def up(self, *, timeout: float = 90.0, fresh: bool = False) -> bool:
        """Make a broker answer on `bootstrap`. True if this call started one, False if one already answered.

        `timeout` bounds the wait for the started broker (the first jar resolution is not counted).
        `fresh` stops our broker and deletes its run folder (data, log) first.
        """
        with _locked(self.run_dir.parent / f".run-{self.port}.lock"):
            pid = self._our_pid()
            if fresh:
                if pid is not None:
                    self.down()
                    pid = None
                elif self._probe_self(3.0) is _Probe.KAFKA:
                    raise LocalKafkaError(
                        f"--fresh: the broker on {self.bootstrap} was not started by us (no pid file in "
                        f"{self.run_dir}); stop it yourself or use another port (--port / CLAIMS_LOCAL_KAFKA_PORT)."
                    )
                if self.run_dir.exists():
                    self._say(f"wiping {self.run_dir}")
                    shutil.rmtree(self.run_dir)

            probe = self._probe_self(3.0)
            if probe is _Probe.KAFKA:
                if pid is not None:
                    self._say(f"already running (pid {pid}) on {self.bootstrap}")
                else:
                    self._say(f"a Kafka broker not started by us already answers on {self.bootstrap}; reusing it")
                return False
            if pid is not None:
                self._say(f"broker (pid {pid}) is up but not answering yet; waiting")
                self._wait_ready(pid, timeout, started=time.monotonic())
                return False
            if probe is _Probe.OTHER:
                raise LocalKafkaError(
                    f"port {self.port} on {self.host} is in use by something that does not answer Kafka "
                    f"metadata requests. Stop it (see `ss -ltnp 'sport = :{self.port}'`) or run the broker on "
                    f"another port: `dermclaims kafka up --port N` or CLAIMS_LOCAL_KAFKA_PORT=N."
                )
            if _tcp_open(self.host, self.controller_port, 1.0):
                raise LocalKafkaError(
                    f"controller port {self.controller_port} on {self.host} is already in use (another broker's "
                    "controller?). Choose a free one: CLAIMS_LOCAL_KAFKA_CONTROLLER_PORT=N or "
                    "`dermclaims kafka up --controller-port N`."
                )
            self._start(timeout)
            return True

    def down(self) -> None:
        """Stop our broker: SIGTERM, wait up to 30 s, then SIGKILL; remove the pid file."""
        pid = self._our_pid()
        if pid is None:
            self.pid_path.unlink(missing_ok=True)
            if self._probe_self(2.0) is _Probe.KAFKA:
                self._say(f"the broker on {self.bootstrap} was not started by us; leaving it alone")
            else:
                self._say(f"not running ({self.bootstrap})")
            return
        started = time.monotonic()
        self._say(f"stopping broker (pid {pid})")
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        if not self._wait_exit(pid, 30.0):
            self._say(f"broker (pid {pid}) ignored SIGTERM for 30 s; sending SIGKILL")
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            if not self._wait_exit(pid, 10.0):
                raise LocalKafkaError(f"broker pid {pid} survived SIGKILL; check `ps -p {pid}`.")
        self.pid_path.unlink(missing_ok=True)
        self._say(f"stopped in {time.monotonic() - started:.1f}s")

    def status(self) -> KafkaStatus:
        """Running/not running, our pid (if we started it), bootstrap and log path."""
        pid = self._our_pid()
        reachable = self._probe_self(2.0) is _Probe.KAFKA
        return KafkaStatus(
            running=reachable or pid is not None,
            pid=pid,
            bootstrap=self.bootstrap,
            log_path=self.log_path,
            reachable=reachable,
            owned=pid is not None,
        )

    def tail(self, lines: int = 50) -> str:
        """The last `lines` lines of the broker log ('' if there is none)."""
        return _tail(self.log_path, lines)

    def ensure_lib(self) -> Path:
        """Resolve the broker's jars into `lib_dir` unless already complete; return `lib_dir`."""
        if self._lib_complete():
            return self.lib_dir
        with _locked(self.cache_dir / ".resolve.lock"):
            if not self._lib_complete():
                self._resolve()
        return self.lib_dir

    # ---- internals ----------------------------------------------------------------------------

    def _say(self, msg: str) -> None:
        (self.progress or _stderr)(msg)

    def _probe_self(self, timeout: float) -> _Probe:
        """Probe our bootstrap, as the broker's own SCRAM user if this run folder is secured."""
        security = self.security
        return _probe(self.bootstrap, timeout, security.admin_options() if self.secure or security.exists() else None)

    def _prepare_security(self) -> list[str]:
        """Secured mode: TLS files, and the `--add-scram` format arguments if the storage is new."""
        security = self.security
        formatted = (self.data_dir / "meta.properties").is_file()
        try:
            if not self.secure:
                if formatted and security.exists():
                    raise SecurityError(
                        f"{self.run_dir} holds a secured (SASL_SSL) broker; start it with `dermclaims kafka up "
                        "--secure`, or `up --fresh` to wipe it."
                    )
                return []
            security.ensure_tls()
            if formatted:
                security.check_users(self.scram_users)
                return []
            return security.prepare_users(self.scram_users)
        except SecurityError as exc:
            raise LocalKafkaError(str(exc)) from None

    def _pom(self) -> Path:
        pom = _OPS_DIR / "pom.xml"
        if not pom.is_file():
            raise LocalKafkaError(f"{pom} is missing; run from a full checkout of the project.")
        return pom

    def _read_marker(self) -> dict[str, object] | None:
        try:
            data = json.loads((self.lib_dir / _MARKER).read_text())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _lib_complete(self) -> bool:
        marker = self._read_marker()
        if marker is None or marker.get("pom_sha256") != _sha256(self._pom()):
            return False
        if marker.get("requested") != self.version:
            return False
        jars = marker.get("jars")
        if not isinstance(jars, list) or not jars:
            return False
        return all((self.lib_dir / str(j)).is_file() for j in jars)

    def resolved_version(self) -> str | None:
        """The Kafka version actually in `lib_dir` (may be a fallback), or None if not resolved."""
        marker = self._read_marker()
        value = marker.get("kafka") if marker else None
        return value if isinstance(value, str) else None

    def _resolve(self) -> None:
        mvn = shutil.which("mvn")
        if not mvn:
            raise LocalKafkaError(
                "`mvn` not found: Maven resolves the Kafka jars from Maven Central on first use. "
                "Install it (Debian: apt-get install maven) or put jars + marker in " + str(self.lib_dir)
            )
        pom = self._pom()
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        mvn_log = self.cache_dir / "maven.log"
        candidates = [self.version] + [v for v in FALLBACK_VERSIONS if v != self.version]
        partial = self.cache_dir / "lib.partial"
        t0 = time.monotonic()
        self._say(f"resolving Apache Kafka {self.version} from Maven Central into {self.lib_dir} (first time only)")
        for i, version in enumerate(candidates):
            if i:
                self._say(f"Kafka {candidates[i - 1]} could not be resolved; trying {version}")
            shutil.rmtree(partial, ignore_errors=True)
            cmd = [
                mvn, "-B", "-f", str(pom), f"-Dkafka.version={version}",
                "dependency:copy-dependencies", f"-DoutputDirectory={partial}",
            ]  # fmt: skip
            if self._run_maven(cmd, mvn_log, append=i > 0):
                jars = sorted(p.name for p in partial.glob("*.jar"))
                if not any(j.startswith(f"kafka_2.13-{version}") for j in jars):
                    continue
                shutil.rmtree(self.lib_dir, ignore_errors=True)
                partial.rename(self.lib_dir)
                marker = {
                    "requested": self.version,
                    "kafka": version,
                    "pom_sha256": _sha256(pom),
                    "jars": jars,
                    "resolved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                }
                (self.lib_dir / _MARKER).write_text(json.dumps(marker, indent=2) + "\n")
                self._say(f"resolved Kafka {version}: {len(jars)} jars in {time.monotonic() - t0:.0f}s")
                return
        shutil.rmtree(partial, ignore_errors=True)
        raise LocalKafkaError(
            f"Maven could not resolve Kafka {' / '.join(candidates)} from Maven Central. "
            "Check access to https://repo.maven.apache.org (proxy/mirror in ~/.m2/settings.xml) and retry. "
            f"Full Maven output: {mvn_log}\n--- last lines ---\n{_tail(mvn_log, 25)}"
        )

    def _run_maven(self, cmd: list[str], mvn_log: Path, *, append: bool) -> bool:
        size_re = re.compile(r"\((\d+(?:\.\d+)?) (B|kB|KB|MB|GB)")
        mult = {"B": 1.0, "kB": 1e3, "KB": 1e3, "MB": 1e6, "GB": 1e9}
        files, nbytes = 0, 0.0
        start = last = time.monotonic()
        with open(mvn_log, "a" if append else "w") as log:
            log.write("$ " + shlex.join(cmd) + "\n")
            log.flush()
            proc = subprocess.Popen(  # noqa: S603 - argv built here: mvn + our pom + cache paths
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
            )
            assert proc.stdout is not None
            for line in proc.stdout:
                log.write(line)
                if "Downloaded from" in line:
                    files += 1
                    m = size_re.search(line)
                    if m:
                        nbytes += float(m.group(1)) * mult[m.group(2)]
                now = time.monotonic()
                if now - last >= 5.0:
                    last = now
                    self._say(f"  ... {files} files downloaded ({nbytes / 1e6:.1f} MB), {now - start:.0f}s")
            rc = proc.wait()
        return rc == 0

    def _our_pid(self) -> int | None:
        """Pid of the broker started from this run folder, if alive (pid file, else a /proc scan)."""
        props = str(self.properties_path)

        def ours(pid: int) -> bool:
            if not _pid_alive(pid):
                return False
            cmd = _cmdline(pid)
            return cmd is None or ("kafka.Kafka" in cmd and props in cmd)

        try:
            pid = int(self.pid_path.read_text().strip())
        except (OSError, ValueError):
            pid = 0
        if pid > 0 and ours(pid):
            return pid
        proc = Path("/proc")
        if proc.is_dir():
            for entry in proc.iterdir():
                if entry.name.isdigit():
                    cmd = _cmdline(int(entry.name))
                    if cmd and "kafka.Kafka" in cmd and props in cmd and _pid_alive(int(entry.name)):
                        self.pid_path.write_text(f"{entry.name}\n")
                        return int(entry.name)
        return None

    def _server_properties(self) -> str:
        h, p, c = self.host, self.port, self.controller_port
        data = str(self.data_dir).replace("\\", "\\\\")
        lines = [
            "# Generated by workers/localkafka.py on every `up`; edits are overwritten.",
            "# Single-node KRaft: this one process is broker and controller.",
            "process.roles=broker,controller",
            "node.id=1",
            f"controller.quorum.bootstrap.servers={h}:{c}",
            f"listeners=PLAINTEXT://{h}:{p},CONTROLLER://{h}:{c}",
            f"advertised.listeners=PLAINTEXT://{h}:{p},CONTROLLER://{h}:{c}",
            "inter.broker.listener.name=PLAINTEXT",
            "controller.listener.names=CONTROLLER",
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            f"log.dirs={data}",
            "num.partitions=1",
            "default.replication.factor=1",
            "min.insync.replicas=1",
            "auto.create.topics.enable=true",
            "offsets.topic.replication.factor=1",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            f"message.max.bytes={MESSAGE_MAX_BYTES}",
            "log.retention.hours=168",
            "",
        ]
        if self.secure:
            listener = lines.index(f"listeners=PLAINTEXT://{h}:{p},CONTROLLER://{h}:{c}")
            lines[listener : listener + 5] = self.security.listener_properties(c)
        return "\n".join(lines)

    def _java_cmd(self, java: str, main: str, *args: str) -> list[str]:
        return [
            java,
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={self._log4j_path}",
            f"-Dkafka.logs.dir={self.run_dir}",
            "-cp",
            f"{self.lib_dir}/*",
            main,
            *args,
        ]

    def _storage_tool(self, java: str, *args: str) -> str:
        cmd = self._java_cmd(java, "kafka.tools.StorageTool", *args)
        cmd[1:1] = ["-Xmx256m"]
        out = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=self.run_dir)  # noqa: S603 - own argv
        if out.returncode != 0:
            raise LocalKafkaError(
                f"kafka-storage {args[0]} failed (exit {out.returncode}). Try `dermclaims kafka up --fresh` "
                f"(wipes {self.run_dir}).\n{(out.stdout + out.stderr).strip()[-3000:]}"
            )
        return out.stdout

    def _ensure_formatted(self, java: str, format_args: list[str]) -> None:
        state: dict[str, object] = {}
        with contextlib.suppress(OSError, ValueError):
            state = json.loads(self._state_path.read_text())
        if (self.data_dir / "meta.properties").is_file():
            if state and (state.get("controller_port"), state.get("host")) != (self.controller_port, self.host):
                raise LocalKafkaError(
                    f"{self.data_dir} was formatted for controller {state.get('host')}:{state.get('controller_port')}, "
                    f"not {self.host}:{self.controller_port}. Use the old setting again, or `up --fresh` to wipe it."
                )
            return
        shutil.rmtree(self.data_dir, ignore_errors=True)
        cluster_id = self._storage_tool(java, "random-uuid").strip().splitlines()[-1].strip()
        self._say(f"formatting KRaft storage (cluster id {cluster_id})")
        self._storage_tool(
            java, "format", "-t", cluster_id, "-c", str(self.properties_path), "--standalone", *format_args
        )
        state = {
            "cluster_id": cluster_id,
            "host": self.host,
            "port": self.port,
            "controller_port": self.controller_port,
            "kafka": self.resolved_version(),
        }
        self._state_path.write_text(json.dumps(state, indent=2) + "\n")

    def _start(self, timeout: float) -> None:
        java = _find_java()
        self.ensure_lib()
        log4j = _OPS_DIR / "log4j2.yaml"
        if not log4j.is_file():
            raise LocalKafkaError(f"{log4j} is missing; run from a full checkout of the project.")
        self.run_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(log4j, self._log4j_path)
        format_args = self._prepare_security()
        self.properties_path.write_text(self._server_properties())
        self._ensure_formatted(java, format_args)

        if self.log_path.exists():
            self.log_path.replace(self.log_path.with_name(self.log_path.name + ".1"))
        cmd = self._java_cmd(java, "kafka.Kafka", str(self.properties_path))
        jvm = ["-Xms256m", "-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:+ExitOnOutOfMemoryError"]
        jvm += shlex.split(os.environ.get("CLAIMS_LOCAL_KAFKA_JVM_OPTS", ""))
        cmd[1:1] = jvm
        started = time.monotonic()
        spawn = subprocess.run(  # noqa: S603 - our interpreter, our spawn script, our java argv
            [sys.executable, "-c", _SPAWN, str(self.log_path), str(self.run_dir), *cmd],
            capture_output=True,
            text=True,
            check=False,
        )
        try:
            pid = int(spawn.stdout.strip())
        except ValueError:
            raise LocalKafkaError(f"could not launch java: {spawn.stderr.strip() or spawn.stdout.strip()}") from None
        self.pid_path.write_text(f"{pid}\n")
        self._say(f"started Kafka {self.resolved_version()} (pid {pid}) on {self.bootstrap}; log {self.log_path}")
        self._wait_ready(pid, timeout, started)

    def _wait_ready(self, pid: int, timeout: float, started: float) -> None:
        deadline = started + timeout
        while time.monotonic() < deadline:
            if not _pid_alive(pid):
                self.pid_path.unlink(missing_ok=True)
                raise LocalKafkaError(
                    f"the broker (pid {pid}) exited during startup. Read {self.log_path}; if the data is "
                    "damaged or from another version, `dermclaims kafka up --fresh` starts clean.\n"
                    f"--- last lines of {self.log_path} ---\n{self.tail(30)}"
                )
            if self._probe_self(2.0) is _Probe.KAFKA:
                self._say(f"ready on {self.bootstrap} in {time.monotonic() - started:.1f}s")
                return
            time.sleep(0.5)
        self._say(f"no answer after {timeout:.0f}s; stopping pid {pid}")
        self.down()
        raise LocalKafkaError(
            f"the broker did not answer on {self.bootstrap} within {timeout:.0f}s and was stopped. "
            f"Read {self.log_path}; retry with a longer timeout or `dermclaims kafka up --fresh`.\n"
            f"--- last lines of {self.log_path} ---\n{self.tail(30)}"
        )

    def _wait_exit(self, pid: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _pid_alive(pid):
                return True
            time.sleep(0.2)
        return not _pid_alive(pid)

    def with_port(self, port: int, controller_port: int | None = None) -> LocalKafka:
        """A copy on another port (controller `port + 1` unless given)."""
        return dataclasses.replace(
            self, port=port, controller_port=controller_port if controller_port is not None else port + 1
        )
