"""Classify every verdict that changed between two `dump_verdicts` runs by the table difference that caused it.

Run (the before dump comes from the commit before the official tables, whose curated tables the script reads
with `git show`):

    .venv/bin/python -m benchmarks.dump_verdicts --claims 60000 --out /tmp/after.jsonl
    .venv/bin/python -m benchmarks.verdict_changes /tmp/before.jsonl /tmp/after.jsonl --claims 60000 \
        --before-rev 8e56ea6 --examples 10

A verdict "changed" when its status, findings or corrected lines differ (`data_versions` changes on every
claim and is not counted). The generated claims are rebuilt (same seed) and each changed claim's same-day
code pairs and codes are compared between the before tables (curated) and the official tables in force on
its date of service. Causes, first match wins, in this order: reversed column order, indicator, new pair
(an official edit the curated table lacked), pair no longer an edit, MUE value or MAI, add-on primaries;
"other" when none of the claim's codes differ (e.g. a rule change made with the tables).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import Counter
from datetime import date
from itertools import permutations
from pathlib import Path
from typing import Any

import orjson

from benchmarks.generate import generate
from rules.data.ncci import AddonTable, MueTable, PtpTable, parse_addon_curated, parse_mue_curated, parse_ptp_curated
from rules.ruleset import build_ruleset
from schemas.claim import Claim, ClaimSubmitted

CAUSES = ("reversed column order", "indicator", "new pair", "pair no longer an edit", "MUE value or MAI", "add-on")


def _git(rev: str, path: str) -> str:
    command = ["git", "show", f"{rev}:{path}"]  # the before tables live in the repository's history
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603 - argv built here


def before_tables(rev: str) -> tuple[PtpTable, MueTable, AddonTable]:
    _, ptp = parse_ptp_curated(_git(rev, "rules/data/ptp_curated_2026.csv"))
    _, mue = parse_mue_curated(_git(rev, "rules/data/mue_curated_2026.csv"))
    _, addons = parse_addon_curated(_git(rev, "rules/data/addon_curated_2026.csv"))
    return ptp, mue, addons


def _judged(document: dict[str, Any]) -> Any:
    return (document["status"], document["findings"], document["corrected_lines"])


def causes_of(claim: Claim, before: tuple[PtpTable, MueTable, AddonTable], after: Any) -> list[str]:
    """Every table difference among the claim's codes (by date of service), in CAUSES order."""
    old_ptp, old_mue, old_addons = before
    found: set[str] = set()
    by_day: dict[date, set[str]] = {}
    for line in claim.lines:
        by_day.setdefault(line.service_date, set()).add(line.code)
    for day, codes in by_day.items():
        ptp_edition, mue_edition, aoc_edition = (
            after.ptp.for_date(day),
            after.mue.for_date(day),
            after.addons.for_date(day),
        )
        for a, b in permutations(sorted(codes), 2):
            new = ptp_edition[1].edit(a, b, day) if ptp_edition else None
            old = old_ptp.edit(a, b, day)
            if new is not None and old is None:
                found.add("reversed column order" if old_ptp.edit(b, a, day) is not None else "new pair")
            elif new is None and old is not None:
                reversed_now = ptp_edition is not None and ptp_edition[1].edit(b, a, day) is not None
                found.add("reversed column order" if reversed_now else "pair no longer an edit")
            elif new is not None and old is not None and new.modifier_indicator != old.modifier_indicator:
                found.add("indicator")
        for code in codes:
            new_mue = mue_edition[1].get(code) if mue_edition else None
            old_mue_edit = old_mue.get(code)
            if (new_mue and (new_mue.value, new_mue.mai)) != (old_mue_edit and (old_mue_edit.value, old_mue_edit.mai)):
                found.add("MUE value or MAI")
            new_aoc = aoc_edition[1].get(code) if aoc_edition else None
            old_aoc = old_addons.get(code)
            if (new_aoc and new_aoc.primaries) != (old_aoc and old_aoc.primaries):
                found.add("add-on")
    return [cause for cause in CAUSES if cause in found]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Classify changed verdicts between two dump_verdicts runs.")
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--claims", type=int, default=60_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--before-rev", default="8e56ea6", help="git revision whose curated tables made `before`")
    parser.add_argument("--examples", type=int, default=10)
    args = parser.parse_args(argv)
    before_docs = [orjson.loads(line) for line in args.before.read_bytes().splitlines()]
    after_docs = [orjson.loads(line) for line in args.after.read_bytes().splitlines()]
    old_tables, ruleset = before_tables(args.before_rev), build_ruleset()
    primary: Counter[str] = Counter()
    any_cause: Counter[str] = Counter()
    status_moves: Counter[tuple[str, str]] = Counter()
    examples: dict[str, list[str]] = {}
    changed = 0
    for raw, old, new in zip(generate(args.claims, args.seed), before_docs, after_docs, strict=True):
        if _judged(old) == _judged(new):
            continue
        changed += 1
        claim = ClaimSubmitted.model_validate_json(raw).claim
        causes = causes_of(claim, old_tables, ruleset) or ["other"]
        primary[causes[0]] += 1
        any_cause.update(causes)
        status_moves[(old["status"], new["status"])] += 1
        codes = " ".join(
            f"{ln.code}{'-' + '-'.join(ln.modifiers) if ln.modifiers else ''}x{ln.units}" for ln in claim.lines
        )
        rules_before = sorted({f["rule"] for f in old["findings"]})
        rules_after = sorted({f["rule"] for f in new["findings"]})
        examples.setdefault(causes[0], []).append(
            f"{claim.claim_id}: {codes} | {old['status']} {rules_before} -> {new['status']} {rules_after}"
        )
    print(f"claims: {len(after_docs)}; verdicts changed: {changed}")
    print("by first cause:")
    for cause, count in primary.most_common():
        print(f"  {cause}: {count}")
    print("claims touched by each cause (a claim may have several):")
    for cause, count in any_cause.most_common():
        print(f"  {cause}: {count}")
    print("status moves:")
    for (old_status, new_status), count in status_moves.most_common():
        print(f"  {old_status} -> {new_status}: {count}")
    print("examples:")
    shown = 0
    while shown < args.examples and any(examples.values()):
        for cause in list(examples):
            if examples[cause] and shown < args.examples:
                print(f"  [{cause}] {examples[cause].pop(0)}")
                shown += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
