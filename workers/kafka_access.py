"""Why a connection to Kafka fails, in words an operator can act on, with one exit code per cause.

kafka-python reports every failed bootstrap as "Unable to bootstrap" (the cause is only in its log lines);
faust/aiokafka retry for ever. So before the first client is built, `require_access` checks the settings'
files and opens one real connection with aiokafka's `create_conn` (TCP, TLS handshake, SASL login, one
Metadata request), which raises the actual cause; `diagnose` turns that cause into a `KafkaAccessError`
naming the `CLAIMS_KAFKA__*` setting to fix.

Exit codes (sysexits.h where one fits; documented in the README's settings section):

| code | cause |
|---|---|
| 69 `EX_UNAVAILABLE` | nothing answers at CLAIMS_KAFKA__BOOTSTRAP_SERVERS |
| 76 `EX_PROTOCOL` | the listener speaks another security protocol or SASL mechanism |
| 77 `EX_NOPERM` | SASL login refused: wrong password or unknown user |
| 78 `EX_CONFIG` | a setting is incomplete or names a file that is missing or unreadable |
| 79 | TLS: the broker's certificate is not trusted with CLAIMS_KAFKA__SSL_CAFILE |
"""

from __future__ import annotations

import asyncio
import os
import ssl
from enum import IntEnum
from pathlib import Path
from typing import Any

from workers.settings import KafkaSettings

__all__ = [
    "AccessFailure",
    "KafkaAccessError",
    "check_settings",
    "diagnose",
    "require_access",
    "split_bootstrap",
    "tls_context",
]


class AccessFailure(IntEnum):
    """The cause of a failed connection; the value is the process exit code."""

    UNREACHABLE = 69
    PROTOCOL_MISMATCH = 76
    AUTHENTICATION = 77
    CONFIG = 78
    TLS_UNTRUSTED = 79


class KafkaAccessError(Exception):
    """Kafka cannot be used with these settings; `str()` says why and which setting to fix."""

    def __init__(self, failure: AccessFailure, message: str) -> None:
        super().__init__(message)
        self.failure = failure

    @property
    def exit_code(self) -> int:
        return int(self.failure)


def split_bootstrap(bootstrap: str) -> list[tuple[str, int]]:
    """`host:port,host:port` (optionally `scheme://`) -> [(host, port), ...]."""
    out: list[tuple[str, int]] = []
    for item in bootstrap.split(","):
        item = item.strip()
        if "://" in item:
            item = item.split("://", 1)[1]
        host, _, port = item.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"bad bootstrap address {item!r}; expected host:port")
        out.append((host.strip("[]"), int(port)))
    return out


def _unreachable(kafka: KafkaSettings, detail: str) -> KafkaAccessError:
    return KafkaAccessError(
        AccessFailure.UNREACHABLE,
        f"Kafka at {kafka.bootstrap_servers} did not answer ({detail}). Start the project's own broker with "
        "`dermclaims kafka up` (or `make up`), or point CLAIMS_KAFKA__BOOTSTRAP_SERVERS (and the "
        "CLAIMS_KAFKA__SECURITY_PROTOCOL / SASL settings) at your cluster.",
    )


def _uses_tls(kafka: KafkaSettings) -> bool:
    return kafka.security_protocol in ("SSL", "SASL_SSL")


def _uses_sasl(kafka: KafkaSettings) -> bool:
    return kafka.security_protocol.startswith("SASL")


def check_settings(kafka: KafkaSettings) -> None:
    """Refuse settings that cannot work before any connection: missing files, SASL without credentials."""
    try:
        split_bootstrap(kafka.bootstrap_servers)
    except ValueError as exc:
        raise KafkaAccessError(AccessFailure.CONFIG, f"CLAIMS_KAFKA__BOOTSTRAP_SERVERS: {exc}.") from None
    files = {
        "CLAIMS_KAFKA__SSL_CAFILE": kafka.ssl_cafile,
        "CLAIMS_KAFKA__SSL_CERTFILE": kafka.ssl_certfile,
        "CLAIMS_KAFKA__SSL_KEYFILE": kafka.ssl_keyfile,
    }
    for setting, path in files.items():
        if path is None:
            continue
        if not Path(path).is_file():
            raise KafkaAccessError(
                AccessFailure.CONFIG,
                f"{setting}={path}: no such file. Point {setting} at the PEM file "
                + ("of the CA that signed the brokers' certificates." if setting.endswith("CAFILE") else "to use."),
            )
        if not os.access(path, os.R_OK):
            raise KafkaAccessError(
                AccessFailure.CONFIG, f"{setting}={path}: not readable by this user; fix its permissions."
            )
    if _uses_tls(kafka):
        try:
            ssl.create_default_context(cafile=str(kafka.ssl_cafile) if kafka.ssl_cafile else None)
        except (ssl.SSLError, ValueError) as exc:
            raise KafkaAccessError(
                AccessFailure.CONFIG,
                f"CLAIMS_KAFKA__SSL_CAFILE={kafka.ssl_cafile}: not a PEM CA certificate ({exc}); point it at the "
                "PEM file of the CA that signed the brokers' certificates.",
            ) from None
        try:
            tls_context(kafka)
        except (ssl.SSLError, ValueError) as exc:
            raise KafkaAccessError(
                AccessFailure.CONFIG,
                f"CLAIMS_KAFKA__SSL_CERTFILE={kafka.ssl_certfile} / CLAIMS_KAFKA__SSL_KEYFILE={kafka.ssl_keyfile}: "
                f"not a usable client certificate and key ({exc}).",
            ) from None
    if _uses_sasl(kafka) and (not kafka.sasl_username or kafka.sasl_password is None):
        raise KafkaAccessError(
            AccessFailure.CONFIG,
            f"CLAIMS_KAFKA__SECURITY_PROTOCOL={kafka.security_protocol} needs CLAIMS_KAFKA__SASL_USERNAME and "
            "CLAIMS_KAFKA__SASL_PASSWORD; set both (or a security protocol without SASL).",
        )


def tls_context(kafka: KafkaSettings) -> ssl.SSLContext:
    """The client TLS context of these settings (CA file, else the system CAs; optional client certificate)."""
    context = ssl.create_default_context(cafile=str(kafka.ssl_cafile) if kafka.ssl_cafile else None)
    if kafka.ssl_certfile:
        context.load_cert_chain(str(kafka.ssl_certfile), str(kafka.ssl_keyfile) if kafka.ssl_keyfile else None)
    return context


def _speaks_tls(host: str, port: int, timeout: float) -> bool:
    """True if a TLS handshake (no verification: only the protocol matters here) succeeds on host:port."""
    import socket

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as sock,
            context.wrap_socket(sock, server_hostname=host),
        ):
            return True
    except (OSError, ValueError):
        return False


async def _connect_once(kafka: KafkaSettings, host: str, port: int, seconds: float) -> None:
    from aiokafka.conn import create_conn
    from aiokafka.protocol.metadata import MetadataRequest

    options: dict[str, Any] = {"security_protocol": kafka.security_protocol}
    if _uses_tls(kafka):
        options["ssl_context"] = tls_context(kafka)
    if _uses_sasl(kafka):
        options["sasl_mechanism"] = kafka.sasl_mechanism
        options["sasl_plain_username"] = kafka.sasl_username
        options["sasl_plain_password"] = kafka.sasl_password.get_secret_value() if kafka.sasl_password else None
    async with asyncio.timeout(seconds):
        conn = await create_conn(
            host, port, client_id="dermclaims-access-check", request_timeout_ms=int(seconds * 1000), **options
        )
        try:
            await conn.send(MetadataRequest([]))
        finally:
            conn.close()


def _classify(kafka: KafkaSettings, host: str, port: int, exc: BaseException, timeout: float) -> KafkaAccessError:
    from aiokafka import errors

    where = f"{host}:{port}"
    protocol = f"CLAIMS_KAFKA__SECURITY_PROTOCOL={kafka.security_protocol}"
    if isinstance(exc, errors.SaslAuthenticationFailed):
        return KafkaAccessError(
            AccessFailure.AUTHENTICATION,
            f"Kafka at {where} refused the SASL {kafka.sasl_mechanism} login of user {kafka.sasl_username!r}: "
            "the password is wrong or the user does not exist (Kafka answers both the same way, on purpose). "
            "Fix CLAIMS_KAFKA__SASL_USERNAME / CLAIMS_KAFKA__SASL_PASSWORD, or ask the cluster's admin to create "
            f"the user for {kafka.sasl_mechanism}.",
        )
    if isinstance(exc, errors.UnsupportedSaslMechanismError):
        return KafkaAccessError(
            AccessFailure.PROTOCOL_MISMATCH,
            f"Kafka at {where} does not enable SASL mechanism {kafka.sasl_mechanism}: set "
            "CLAIMS_KAFKA__SASL_MECHANISM to the one its listener enables (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512).",
        )
    if isinstance(exc, errors.IllegalSaslStateError):
        return KafkaAccessError(
            AccessFailure.PROTOCOL_MISMATCH,
            f"Kafka at {where} does not take a SASL login on this port, but {protocol}: set "
            "CLAIMS_KAFKA__SECURITY_PROTOCOL to the listener's protocol (PLAINTEXT or SSL).",
        )
    if isinstance(exc, ssl.SSLCertVerificationError):
        if exc.verify_code == 62:  # X509_V_ERR_HOSTNAME_MISMATCH
            return KafkaAccessError(
                AccessFailure.TLS_UNTRUSTED,
                f"the TLS certificate of Kafka at {where} is not issued to {host!r} ({exc.verify_message}): use the "
                "host name in its certificate in CLAIMS_KAFKA__BOOTSTRAP_SERVERS.",
            )
        trusted = f"the CA in CLAIMS_KAFKA__SSL_CAFILE={kafka.ssl_cafile}" if kafka.ssl_cafile else "the system CAs"
        return KafkaAccessError(
            AccessFailure.TLS_UNTRUSTED,
            f"the TLS certificate of Kafka at {where} is not trusted by {trusted} ({exc.verify_message}): point "
            "CLAIMS_KAFKA__SSL_CAFILE at the PEM file of the CA that signed the brokers' certificates.",
        )
    if isinstance(exc, (ConnectionRefusedError, OSError)) and not isinstance(exc, (ssl.SSLError, ConnectionResetError)):
        return _unreachable(kafka, str(exc) or type(exc).__name__)
    # The listener answered, but not in the protocol we spoke: find out whether it speaks TLS.
    if _uses_tls(kafka):
        if not _speaks_tls(host, port, timeout):
            return KafkaAccessError(
                AccessFailure.PROTOCOL_MISMATCH,
                f"Kafka at {where} does not speak TLS, but {protocol}: set CLAIMS_KAFKA__SECURITY_PROTOCOL to the "
                "listener's protocol (PLAINTEXT or SASL_PLAINTEXT), or use the cluster's TLS port.",
            )
        if not _uses_sasl(kafka):
            return KafkaAccessError(
                AccessFailure.PROTOCOL_MISMATCH,
                f"Kafka at {where} closed the connection after the TLS handshake: its listener probably expects "
                f"a SASL login, but {protocol}. Set CLAIMS_KAFKA__SECURITY_PROTOCOL=SASL_SSL and the "
                "CLAIMS_KAFKA__SASL_* settings.",
            )
    elif _speaks_tls(host, port, timeout):
        return KafkaAccessError(
            AccessFailure.PROTOCOL_MISMATCH,
            f"Kafka at {where} speaks TLS, but {protocol}: set CLAIMS_KAFKA__SECURITY_PROTOCOL to SSL or SASL_SSL "
            "(the listener's protocol) and CLAIMS_KAFKA__SSL_CAFILE to the CA of its certificate.",
        )
    elif not _uses_sasl(kafka):
        return KafkaAccessError(
            AccessFailure.PROTOCOL_MISMATCH,
            f"Kafka at {where} closed the connection: its listener probably expects a SASL login, but {protocol}. "
            "Set CLAIMS_KAFKA__SECURITY_PROTOCOL=SASL_PLAINTEXT and the CLAIMS_KAFKA__SASL_* settings.",
        )
    return _unreachable(kafka, f"{type(exc).__name__}: {exc}".rstrip(": "))


def diagnose(kafka: KafkaSettings, timeout: float = 10.0) -> KafkaAccessError | None:
    """Open one connection per bootstrap address until one works; None if one does, else the first cause
    that is not "unreachable" (an address that answers tells more than one that does not)."""
    try:
        check_settings(kafka)
    except KafkaAccessError as exc:
        return exc
    found: list[KafkaAccessError] = []
    for host, port in split_bootstrap(kafka.bootstrap_servers):
        try:
            asyncio.run(_connect_once(kafka, host, port, timeout))
        except asyncio.CancelledError:
            raise
        except TimeoutError:
            found.append(_unreachable(kafka, f"no answer from {host}:{port} within {timeout:.0f} s"))
        except Exception as exc:
            found.append(_classify(kafka, host, port, exc, min(timeout, 5.0)))
        else:
            return None
    answered = [error for error in found if error.failure is not AccessFailure.UNREACHABLE]
    return (answered or found)[0]


def require_access(kafka: KafkaSettings, timeout: float = 10.0) -> None:
    """Raise `KafkaAccessError` unless one connection with these settings logs in and gets metadata."""
    error = diagnose(kafka, timeout)
    if error is not None:
        raise error
