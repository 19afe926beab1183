"""Dump the engine's verdicts for generated claims, one JSON line a claim, to compare before/after a change.

Every field a verdict carries is written (status, reason, findings with category, severity, line ids,
message, reference, revenue impact and every fix field, corrected lines, data and ruleset versions), so
an optimisation that keeps the output byte-identical keeps the behaviour.

Run: .venv/bin/python -m benchmarks.dump_verdicts --claims 30000 --out /tmp/verdicts.jsonl
     cmp /tmp/verdicts-before.jsonl /tmp/verdicts-after.jsonl
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import orjson

from benchmarks.generate import generate
from rules.engine import Verdict, evaluate
from rules.ruleset import build_ruleset
from schemas.claim import ClaimSubmitted


def verdict_document(verdict: Verdict) -> dict[str, Any]:
    """Everything in a verdict, as plain JSON values (Decimals as strings)."""
    return {
        "status": verdict.status,
        "reason": verdict.reason,
        "findings": [
            {
                "rule": f.rule,
                "category": f.category.value,
                "severity": f.severity.value,
                "line_ids": list(f.line_ids),
                "message": f.message,
                "reference": f.reference,
                "revenue_impact": None if f.revenue_impact is None else str(f.revenue_impact),
                "fix": None
                if f.fix is None
                else {
                    "action": f.fix.action.value,
                    "applicability": f.fix.applicability.value,
                    "line_ids": list(f.fix.line_ids),
                    "title": f.fix.title,
                    "modifier": f.fix.modifier,
                    "code": f.fix.code,
                    "units": f.fix.units,
                    "modifiers": list(f.fix.modifiers),
                },
            }
            for f in verdict.findings
        ],
        "corrected_lines": [
            {
                "line_ids": d.line_ids,
                "code": d.code,
                "modifiers": d.modifiers,
                "units": d.units,
                "removed": d.removed,
                "order": list(d.order),
                "extra": d.extra,
            }
            for d in verdict.corrected_lines
        ],
        "revenue_impact": None if verdict.revenue_impact is None else str(verdict.revenue_impact),
        "ruleset_version": verdict.ruleset_version,
        "data_versions": verdict.data_versions,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the engine's verdicts for generated claims as JSONL.")
    parser.add_argument("--claims", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    ruleset = build_ruleset()
    validate = ClaimSubmitted.model_validate_json
    with args.out.open("wb") as handle:
        for raw in generate(args.claims, args.seed):
            event = validate(raw)
            document = {"claim_id": event.claim.claim_id, **verdict_document(evaluate(event.claim, ruleset))}
            handle.write(orjson.dumps(document, option=orjson.OPT_SORT_KEYS) + b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
