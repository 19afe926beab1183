"""The secured mode of the local broker: a SASL_SSL listener with SCRAM-SHA-512 and a CA made on first `up`.

Files in the broker's run folder:

- `tls/ca.pem` (what clients trust: `CLAIMS_KAFKA__SSL_CAFILE`), `tls/ca.key`, `tls/broker-keystore.pem`;
- `secure.json`: the broker's own inter-broker SCRAM user and the users created at format time
  (passwords of client users only as SHA-256, to notice a changed `--scram-user`);
- `client.env`: the `CLAIMS_KAFKA__*` settings of the first client user, ready for `set -a; . client.env`.

SCRAM users are written into the KRaft metadata when the storage is formatted (`kafka-storage format
--add-scram`), so no ZooKeeper and no running broker is needed to create them; changing them needs `up --fresh`.
The controller listener stays PLAINTEXT on the broker's host (it is this process talking to itself).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workers.localtls import TlsError, make_ca

__all__ = ["MECHANISM", "BrokerSecurity", "SecurityError", "parse_scram_user"]

MECHANISM = "SCRAM-SHA-512"
#: The broker's own user for the inter-broker listener.
BROKER_USER = "dermclaims-broker"
DEFAULT_USER = "dermclaims"
_TOKEN = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


class SecurityError(Exception):
    """The secured mode cannot be set up as asked; the message says what to do."""


def parse_scram_user(text: str) -> tuple[str, str]:
    """`NAME:PASSWORD` -> (name, password); letters, digits, `.`, `_` and `-` only (they go into JAAS and
    kafka-storage's `[name=...,password=...]` unquoted)."""
    name, sep, password = text.partition(":")
    if not sep or not _TOKEN.match(name) or not _TOKEN.match(password):
        raise SecurityError(
            f"--scram-user {name or text!r}:...: expected NAME:PASSWORD made of letters, digits, '.', '_' or '-'."
        )
    if name == BROKER_USER:
        raise SecurityError(f"--scram-user: {BROKER_USER!r} is the broker's own user; choose another name.")
    return name, password


def _digest(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()


@dataclass(frozen=True)
class BrokerSecurity:
    """TLS files, SCRAM users and listener settings of the secured broker whose run folder is `run_dir`."""

    run_dir: Path
    host: str
    port: int

    @property
    def tls_dir(self) -> Path:
        return self.run_dir / "tls"

    @property
    def ca_path(self) -> Path:
        """The CA certificate clients trust (`CLAIMS_KAFKA__SSL_CAFILE`)."""
        return self.tls_dir / "ca.pem"

    @property
    def keystore_path(self) -> Path:
        return self.tls_dir / "broker-keystore.pem"

    @property
    def state_path(self) -> Path:
        return self.run_dir / "secure.json"

    @property
    def client_env_path(self) -> Path:
        """`CLAIMS_KAFKA__*` settings of the first client user (contains its password)."""
        return self.run_dir / "client.env"

    def exists(self) -> bool:
        """True when this run folder was formatted in secured mode."""
        return self.state_path.is_file()

    def _state(self) -> dict[str, Any]:
        try:
            data = json.loads(self.state_path.read_text())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def ensure_tls(self) -> None:
        """Make the CA and the broker's certificate unless both are there."""
        if self.ca_path.is_file() and self.keystore_path.is_file():
            return
        hosts = tuple(dict.fromkeys((self.host, "127.0.0.1", "localhost")))
        try:
            ca = make_ca(self.tls_dir, f"dermclaims local CA {self.host}:{self.port}")
            ca.issue_server(self.tls_dir, "broker", hosts)
        except TlsError as exc:
            raise SecurityError(str(exc)) from None

    def prepare_users(self, users: tuple[tuple[str, str], ...]) -> list[str]:
        """`kafka-storage format` arguments creating the broker's user and `users` (default: one random
        `dermclaims` user); records them in `secure.json` and writes `client.env`."""
        users = users or ((DEFAULT_USER, secrets.token_urlsafe(18)),)
        broker_password = secrets.token_urlsafe(24)
        state = {
            "mechanism": MECHANISM,
            "broker_user": BROKER_USER,
            "broker_password": broker_password,
            "users": {name: _digest(password) for name, password in users},
        }
        self.state_path.write_text(json.dumps(state, indent=2) + "\n")
        self.state_path.chmod(0o600)
        self._write_client_env(*users[0])
        args: list[str] = []
        for name, password in ((BROKER_USER, broker_password), *users):
            args += ["--add-scram", f"{MECHANISM}=[name={name},password={password}]"]
        return args

    def check_users(self, users: tuple[tuple[str, str], ...]) -> None:
        """Refuse users other than those the storage was formatted with (they cannot be added later here)."""
        if not users:
            return
        wanted = {name: _digest(password) for name, password in users}
        if self._state().get("users") != wanted:
            raise SecurityError(
                f"the SCRAM users of {self.run_dir} were created when it was formatted and differ from the "
                "--scram-user given; use the old ones, or `dermclaims kafka up --secure --fresh` to start over."
            )

    def _write_client_env(self, name: str, password: str) -> None:
        lines = [
            "# Settings for a dermclaims client of the local secured broker (generated; holds a password).",
            f"CLAIMS_KAFKA__BOOTSTRAP_SERVERS={self.host}:{self.port}",
            "CLAIMS_KAFKA__SECURITY_PROTOCOL=SASL_SSL",
            f"CLAIMS_KAFKA__SASL_MECHANISM={MECHANISM}",
            f"CLAIMS_KAFKA__SASL_USERNAME={name}",
            f"CLAIMS_KAFKA__SASL_PASSWORD={password}",
            f"CLAIMS_KAFKA__SSL_CAFILE={self.ca_path}",
            "",
        ]
        self.client_env_path.write_text("\n".join(lines))
        self.client_env_path.chmod(0o600)

    def listener_properties(self, controller_port: int) -> list[str]:
        """server.properties lines for the SASL_SSL listener (replacing the PLAINTEXT listener's)."""
        h, p, c = self.host, self.port, controller_port
        state = self._state()
        jaas = (
            "org.apache.kafka.common.security.scram.ScramLoginModule required "
            f'username="{state.get("broker_user", BROKER_USER)}" password="{state.get("broker_password", "")}";'
        )
        return [
            f"listeners=SASL_SSL://{h}:{p},CONTROLLER://{h}:{c}",
            f"advertised.listeners=SASL_SSL://{h}:{p},CONTROLLER://{h}:{c}",
            "inter.broker.listener.name=SASL_SSL",
            "controller.listener.names=CONTROLLER",
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL",
            f"sasl.enabled.mechanisms={MECHANISM}",
            f"sasl.mechanism.inter.broker.protocol={MECHANISM}",
            f"listener.name.sasl_ssl.{MECHANISM.lower()}.sasl.jaas.config={jaas}",
            "ssl.keystore.type=PEM",
            f"ssl.keystore.location={self.keystore_path}",
            "ssl.truststore.type=PEM",
            f"ssl.truststore.location={self.ca_path}",
            "ssl.client.auth=none",
        ]

    def admin_options(self) -> dict[str, Any]:
        """kafka-python options of the broker's own user (the launcher's readiness probe)."""
        state = self._state()
        return {
            "security_protocol": "SASL_SSL",
            "sasl_mechanism": MECHANISM,
            "sasl_plain_username": state.get("broker_user", BROKER_USER),
            "sasl_plain_password": state.get("broker_password", ""),
            "ssl_cafile": str(self.ca_path),
        }
