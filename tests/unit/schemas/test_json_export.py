"""The exported JSON Schemas in schemas/json/ match the models."""

from __future__ import annotations

from pathlib import Path

from scripts.export_schemas import OUT, rendered


class TestJsonSchemaExport:
    def test_exported_schemas_are_current(self) -> None:
        """Every model's JSON Schema file exists and equals a fresh export (else run scripts/export_schemas.py)."""
        for name, text in rendered().items():
            path = Path(OUT) / name
            assert path.exists(), f"{name} missing: run .venv/bin/python scripts/export_schemas.py"
            assert text == path.read_text(), f"{name} is stale: run .venv/bin/python scripts/export_schemas.py"
