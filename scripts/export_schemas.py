"""Export each event model's JSON Schema to schemas/json/ (run after changing a model).

Run: .venv/bin/python scripts/export_schemas.py   (tests/unit/schemas/test_json_export.py fails when stale)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from schemas import ClaimSubmitted, ClaimValidated, DeadLetter, DenialRework, RemitReceived

OUT = Path(__file__).resolve().parent.parent / "schemas" / "json"
MODELS: dict[str, tuple[Any, str]] = {
    "claim.submitted.v1": (ClaimSubmitted, "validation"),
    "remit.received.v1": (RemitReceived, "validation"),
    "claim.validated.v1": (ClaimValidated, "serialization"),
    "denial.rework.v1": (DenialRework, "serialization"),
    "deadletter.v1": (DeadLetter, "serialization"),
}


def rendered() -> dict[str, str]:
    """File name -> JSON text of every schema."""
    out = {}
    for name, (model, mode) in MODELS.items():
        schema = model.model_json_schema(by_alias=True, mode=mode)
        schema["$id"] = f"https://dermclaims.example/schemas/{name}.json"
        out[f"{name}.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return out


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in rendered().items():
        (OUT / name).write_text(text)
    print(f"wrote {len(MODELS)} schemas to {OUT}")


if __name__ == "__main__":
    main()
