"""Instructions per claim of the engine path, counted by valgrind (callgrind): a figure that does not move
with the machine's load, for comparing two versions of the code on a shared or noisy machine.

Run: .venv/bin/python -m benchmarks.instructions                 (engine path, 1,000 vs 3,000 claims)
     .venv/bin/python -m benchmarks.instructions --path floor
The claims are generated first, outside valgrind, into a file the measured process reads. Each count runs
the path once under callgrind for N and for 3N claims; the difference divided by 2N is the cost of one
claim without the start-up (imports, ruleset, reading the file). Needs valgrind (apt install valgrind);
takes a few minutes (callgrind runs Python about 50x slower).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PATHS = ("engine", "floor", "ceiling")


def run_path(path: str, events_file: Path) -> None:
    """Run one path once over the events in `events_file` (the process callgrind measures)."""
    from dataclasses import replace

    from benchmarks.bench_engine import engine_path, floor_path
    from rules.ruleset import build_ruleset

    ruleset = build_ruleset()
    events = events_file.read_bytes().splitlines()
    if path == "floor":
        floor_path(events, ruleset)
    elif path == "ceiling":
        engine_path(events, replace(ruleset, rules=()))
    else:
        engine_path(events, ruleset)


def count(path: str, claims: int, seed: int) -> int:
    """Instructions callgrind collects for one run of `path` over `claims` claims."""
    from benchmarks.generate import generate

    with tempfile.TemporaryDirectory() as scratch:
        events_file = Path(scratch) / "events.jsonl"
        events_file.write_bytes(b"\n".join(generate(claims, seed)))
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={Path(scratch) / 'out'}",
            sys.executable,
            "-m",
            "benchmarks.instructions",
            "--run",
            path,
            "--events",
            str(events_file),
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603 - argv built here
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no instruction count:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Instructions per claim (callgrind), independent of load.")
    parser.add_argument("--path", choices=PATHS, default="engine")
    parser.add_argument("--claims", type=int, default=1000, help="N: runs N and 3N claims (default 1000)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--run", choices=PATHS, help=argparse.SUPPRESS)  # the measured child process
    parser.add_argument("--events", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        run_path(args.run, args.events)
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: apt install valgrind, then rerun.", file=sys.stderr)
        return 2
    print(f"callgrind: {args.path} path, {args.claims:,} and {3 * args.claims:,} claims (a few minutes)...")
    small = count(args.path, args.claims, args.seed)
    large = count(args.path, 3 * args.claims, args.seed)
    print(f"{args.path}: {(large - small) / (2 * args.claims):,.0f} instructions/claim")
    return 0


if __name__ == "__main__":
    sys.exit(main())
