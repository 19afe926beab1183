"""Probe `ClaimSubmitted` with generated claims and many mutations of them; write every outcome as JSONL.

For each input, in JSON mode (`model_validate_json`) and Python mode (`model_validate`): the validated
model dumped as JSON, or every error's type, location, message, input and context plus the rendered
message. Run it before and after a change to the schemas and compare the files byte for byte: identical
output means the same inputs are accepted, with the same values, and the same are rejected, with the same
errors.

Run: .venv/bin/python -m benchmarks.probe_schema --claims 300 --out /tmp/schema.jsonl
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from benchmarks.generate import generate
from schemas.claim import ClaimSubmitted

# Values put in place of a field: good, bad and borderline for the field types the claim uses.
VALUES: tuple[Any, ...] = (
    None, 0, 1, -1, 1.5, 95.19, "", "1", "95.191", "-1.00", "-0.00", "0.00", "95.53", "12345", "1234567893",
    "1234567890", "1245319599", "123456789", "12345678901", "99213", "9921", "LT", "L", "A", "x" * 39, "x" * 65,
    [], [1], [3], [1, 2, 3, 4, 5], ["25"], ["5"], ["25", "59", "XS", "LT", "RT"], {}, {"body_region": "elbow"},
    True, "2026-13-01", "2026-02-30", "1e3", " 95.53", "95.5", "95.53\n", "1234567893 ", "١٢٣٤٥٦٧٨٩٣", 10**20,
    "999999999.99", "1000000000.00", 12, 13, "L57.0", "not-icd", "2026-03-02", {"lesion_count": 0},
    {"lesion_diameter_cm": 0}, {"mohs_stage": 1.0}, {"lesion_count": "2"}, Decimal("1.00"), Decimal("-1.00"),
)  # fmt: skip
Path_ = tuple[str | int, ...]


def paths(value: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    """Every key path in a JSON document."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield (*prefix, key)
            yield from paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield (*prefix, index)
            yield from paths(child, (*prefix, index))


def replaced(document: dict[str, Any], path: Path_, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(document)
    target: Any = out
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = copy.deepcopy(value)
    return out


def outcome(document: dict[str, Any]) -> list[Any]:
    """How both validation modes answer: the model as JSON, or the errors."""
    out: list[Any] = []
    try:
        data: bytes | None = orjson.dumps(document, default=str)
    except TypeError:
        data = None
    for mode in ("json", "python"):
        if mode == "json" and data is None:
            continue
        try:
            model = (
                ClaimSubmitted.model_validate_json(data)
                if mode == "json" and data is not None
                else ClaimSubmitted.model_validate(document)
            )
            out.append(["ok", model.model_dump_json()])
        except ValidationError as exc:
            errors = [
                [e["type"], list(e["loc"]), e["msg"], repr(e.get("input")), repr(e.get("ctx"))]
                for e in exc.errors(include_url=False)
            ]
            out.append(["error", errors, str(exc)])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Probe ClaimSubmitted with mutated claims; write outcomes.")
    parser.add_argument("--claims", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    rng = random.Random(5)
    count = 0
    with args.out.open("wb") as handle:
        for raw in generate(args.claims, args.seed):
            event: dict[str, Any] = orjson.loads(raw)
            variants: list[tuple[Any, dict[str, Any]]] = [("as generated", event)]
            every = list(paths(event))
            for path in rng.sample(every, min(25, len(every))):
                variants.extend(
                    ((list(map(str, path)), repr(value)), replaced(event, path, value))
                    for value in rng.sample(VALUES, 12)
                )
            lines = event["claim"]["lines"]
            if len(lines) > 1:
                twice = replaced(event, ("claim", "lines", 1, "line_id"), lines[0]["line_id"])
                variants.append(
                    ("repeated line id, pointer 9", replaced(twice, ("claim", "lines", 0, "dx_pointers"), [9]))
                )
            variants.append(("no diagnoses", replaced(event, ("claim", "diagnoses"), [])))
            for label, document in variants:
                handle.write(orjson.dumps([label, outcome(document)], default=str) + b"\n")
                count += 1
    print(f"{count:,} inputs probed -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
