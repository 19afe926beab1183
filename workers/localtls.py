"""Throw-away TLS material for the local secured broker: a CA and a broker certificate, made with `openssl`.

Nothing here is meant for production: the keys are unencrypted PEM files in the broker's run folder, the
certificates live a few days. The broker reads `broker-keystore.pem` (key + certificate chain, Kafka's PEM
keystore); clients trust `ca.pem` (`CLAIMS_KAFKA__SSL_CAFILE`).
"""

from __future__ import annotations

import ipaddress
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CertificateAuthority", "TlsError", "make_ca"]

_DAYS = "3"


class TlsError(Exception):
    """openssl is missing or refused a command; the message says what to do."""


def _openssl(*args: str, cwd: Path) -> None:
    exe = shutil.which("openssl")
    if not exe:
        raise TlsError(
            "`openssl` not found: the secured broker makes its CA with it (Debian: apt-get install openssl)."
        )
    out = subprocess.run([exe, *args], cwd=cwd, capture_output=True, text=True, check=False)  # noqa: S603 - own argv
    if out.returncode != 0:
        raise TlsError(
            f"openssl {args[0]} failed (exit {out.returncode}): {(out.stderr or out.stdout).strip()[-2000:]}"
        )


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class CertificateAuthority:
    """A CA's certificate (`cert`, what clients trust) and its private key (`key`, to sign with)."""

    cert: Path
    key: Path

    def issue_server(self, folder: Path, name: str, hosts: tuple[str, ...]) -> Path:
        """A PEM keystore (private key, then certificate, then this CA) for a server known by `hosts`."""
        folder.mkdir(parents=True, exist_ok=True)
        key, csr, cert = folder / f"{name}.key", folder / f"{name}.csr", folder / f"{name}.pem"
        names = ",".join(f"IP:{h}" if _is_ip(h) else f"DNS:{h}" for h in hosts)
        ext = folder / f"{name}.ext"
        ext.write_text(
            f"subjectAltName={names}\nbasicConstraints=critical,CA:FALSE\n"
            "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n"
        )
        _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", str(key), cwd=folder)
        _openssl("req", "-new", "-key", str(key), "-subj", f"/CN={hosts[0]}", "-out", str(csr), cwd=folder)
        _openssl(
            "x509", "-req", "-in", str(csr), "-CA", str(self.cert), "-CAkey", str(self.key), "-CAcreateserial",
            "-days", _DAYS, "-sha256", "-extfile", str(ext), "-out", str(cert),
            cwd=folder,
        )  # fmt: skip
        keystore = folder / f"{name}-keystore.pem"
        keystore.write_text(key.read_text() + cert.read_text() + self.cert.read_text())
        keystore.chmod(0o600)
        csr.unlink()
        ext.unlink()
        return keystore


def make_ca(folder: Path, common_name: str = "dermclaims local CA") -> CertificateAuthority:
    """A new self-signed CA in `folder` (`ca.pem`, `ca.key`), valid a few days."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "ca.pem", folder / "ca.key"
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", str(key), cwd=folder)
    _openssl(
        "req", "-x509", "-new", "-key", str(key), "-subj", f"/CN={common_name}", "-days", _DAYS, "-sha256",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        "-out", str(cert),
        cwd=folder,
    )  # fmt: skip
    key.chmod(0o600)
    return CertificateAuthority(cert=cert, key=key)
