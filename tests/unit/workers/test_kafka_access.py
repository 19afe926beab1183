"""Settings that cannot work are refused before any connection, naming the setting (no broker needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workers.kafka_access import AccessFailure, KafkaAccessError, check_settings
from workers.settings import KafkaSettings


def _sasl_ssl(**changes: object) -> KafkaSettings:
    values: dict[str, object] = {
        "bootstrap_servers": "127.0.0.1:9094",
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_username": "claims-svc",
        "sasl_password": "secret",
    }
    values.update(changes)
    return KafkaSettings.model_validate(values)


def _refused(settings: KafkaSettings) -> KafkaAccessError:
    with pytest.raises(KafkaAccessError) as caught:
        check_settings(settings)
    return caught.value


class TestCheckSettings:
    def test_a_missing_ca_file_is_a_config_error_naming_the_setting(self, tmp_path: Path) -> None:
        error = _refused(_sasl_ssl(ssl_cafile=tmp_path / "ca.pem"))
        assert error.exit_code == 78
        assert "CLAIMS_KAFKA__SSL_CAFILE" in str(error)
        assert str(tmp_path / "ca.pem") in str(error)

    def test_a_ca_file_that_is_not_pem_is_a_config_error(self, tmp_path: Path) -> None:
        not_pem = tmp_path / "ca.pem"
        not_pem.write_text("this is not a certificate\n")
        error = _refused(_sasl_ssl(ssl_cafile=not_pem))
        assert error.failure is AccessFailure.CONFIG
        assert "CLAIMS_KAFKA__SSL_CAFILE" in str(error)

    def test_sasl_without_a_password_names_both_credentials(self) -> None:
        error = _refused(_sasl_ssl(sasl_password=None))
        assert error.exit_code == 78
        assert "CLAIMS_KAFKA__SASL_PASSWORD" in str(error)

    def test_a_malformed_bootstrap_address_names_the_setting(self) -> None:
        error = _refused(_sasl_ssl(bootstrap_servers="broker-without-port"))
        assert "CLAIMS_KAFKA__BOOTSTRAP_SERVERS" in str(error)

    def test_plaintext_defaults_pass(self) -> None:
        check_settings(KafkaSettings())
