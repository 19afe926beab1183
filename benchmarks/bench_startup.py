"""Start-up cost of `dermclaims scrub` for one claim: wall time and peak RSS of a child process, best of N.

Run: .venv/bin/python -m benchmarks.bench_startup [--runs 5]
Prints the floor (`python -c pass`) beside it. Budget (issue 10): at most 1.0 s and 150 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generate import generate

ROOT = Path(__file__).resolve().parents[1]  # run this checkout's code (python -m workers.cli), not an install


def measure(command: list[str], stdin: Path | None) -> tuple[float, float]:
    """(wall seconds, peak RSS MB) of one child run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    with stdin.open("rb") if stdin else open(os.devnull, "rb") as source:
        subprocess.run(  # noqa: S603 - argv built here: this interpreter and its own module
            command, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=ROOT
        )
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # max over children so far (KB on Linux)
    return wall, max(peak, before) / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        claim = Path(tmp) / "claim.jsonl"
        claim.write_bytes(next(iter(generate(1, 2026))) + b"\n")
        floor = [sys.executable, "-c", "pass"]
        scrub = [sys.executable, "-m", "workers.cli", "scrub", "-"]
        # ru_maxrss of RUSAGE_CHILDREN is the maximum over all children: measure the floor first.
        for label, command, stdin in (("python -c pass", floor, None), ("dermclaims scrub (1 claim)", scrub, claim)):
            runs = [measure(command, stdin) for _ in range(args.runs)]
            wall = min(r[0] for r in runs)
            rss = max(r[1] for r in runs)
            print(f"{label:28s} best wall {wall:.3f} s   peak RSS {rss:.0f} MB   ({args.runs} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
