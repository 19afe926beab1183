"""Same-run comparison of the engine path of two versions of the code: the working tree against a git ref.

Run: .venv/bin/python -m benchmarks.compare --base main                 (20,000 claims, 3 rounds)
     .venv/bin/python -m benchmarks.compare --base 21a7c17 --path ceiling
The base is exported with `git archive` into a scratch folder. Each round times the base, then the working tree,
in fresh processes over the same generated claims (best of 3 each, CPU time, which moves less than wall clock
when other processes load the machine); rounds alternate so that a change of load hits both sides alike.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATHS = ("engine", "ceiling", "floor")


def run_path(path: str, claims: int, repeat: int) -> dict[str, float]:
    """Time one path of the code on sys.path (the measured child process): best CPU seconds of `repeat` runs."""
    import gc
    import time
    from dataclasses import replace

    from benchmarks.bench_engine import engine_path, floor_path
    from benchmarks.generate import generate
    from rules.ruleset import build_ruleset

    ruleset = build_ruleset()
    events = generate(claims, 2026)
    if path == "ceiling":
        ruleset = replace(ruleset, rules=())
    run = floor_path if path == "floor" else engine_path
    run(events[:500], ruleset)  # warm-up: the compiled engine, the memos of the tables in force
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        run(events, ruleset)
        best = min(best, time.process_time() - start)
    return {"cpu_s": best, "claims_per_cpu_s": claims / best}


def measure(source: Path, path: str, claims: int, repeat: int) -> dict[str, float]:
    """Run `run_path` in a fresh process whose `rules`, `schemas` and `benchmarks` come from `source`."""
    code = (
        f"import json, sys; sys.path.insert(0, {str(source)!r}); "
        f"from benchmarks.compare import run_path; print(json.dumps(run_path({path!r}, {claims}, {repeat})))"
    )
    done = subprocess.run(  # noqa: S603 - argv built here
        [sys.executable, "-c", code], cwd=source, capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Same-run comparison of the working tree against a git ref.")
    parser.add_argument("--base", required=True, help="git ref to compare against, e.g. main")
    parser.add_argument("--path", choices=PATHS, default="engine")
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        command = ["git", "archive", args.base]
        archive = subprocess.run(command, cwd=ROOT, capture_output=True, check=True)  # noqa: S603 - argv built here
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as exported:
            exported.extractall(base, filter="data")
        if not (base / "benchmarks" / "compare.py").exists():  # an older base: lend it this runner
            (base / "benchmarks" / "compare.py").write_text(Path(__file__).read_text())
        rows: dict[str, list[float]] = {args.base: [], "working tree": []}
        for _ in range(args.rounds):
            for name, source in ((args.base, base), ("working tree", ROOT)):
                rows[name].append(measure(source, args.path, args.claims, args.repeat)["claims_per_cpu_s"])
    print(f"{args.path} path, {args.claims:,} claims, best of {args.repeat} a round, {args.rounds} rounds (CPU time)")
    for name, values in rows.items():
        print(f"  {name:>14}: best {max(values):>9,.0f} claims/s   rounds: {', '.join(f'{v:,.0f}' for v in values)}")
    ratio = max(rows["working tree"]) / max(rows[args.base])
    print(f"  working tree / {args.base}: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
