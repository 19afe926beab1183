"""Engine throughput on one core: the JSON floor versus bytes -> pydantic -> rules.evaluate -> JSON.

(a) floor:  orjson.loads + orjson.dumps of each claim.submitted.v1 event (the cost of touching the bytes);
(b) engine: ClaimSubmitted.model_validate_json -> rules.engine.evaluate -> orjson.dumps of the output
    (status, findings, corrected lines, versions) - what the claims agent does per message, minus Kafka;
(c) ceiling: (b) with no rule registered - the most any rule set can reach on this machine.

Run: .venv/bin/python -m benchmarks.bench_engine                    (100,000 claims, best of 3)
     .venv/bin/python -m benchmarks.bench_engine --claims 20000 --repeat 5 --profile
Target: >= 20,000 claims/s on one core for the engine path.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import platform
import pstats
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table

from benchmarks.generate import generate
from rules.engine import Verdict, evaluate
from rules.ruleset import RuleSet, build_ruleset
from schemas.claim import ClaimSubmitted

TARGET = 20_000  # claims/s, engine path, one core


def output_document(event: ClaimSubmitted, verdict: Verdict) -> dict[str, Any]:
    """The claim.validated.v1-shaped document the benchmark serialises (plain dict, orjson)."""
    return {
        "schema": "claim.validated.v1",
        "source_event_id": event.event_id,
        "claim_id": event.claim.claim_id,
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
                },
            }
            for f in verdict.findings
        ],
        "corrected_lines": [
            {"line_ids": d.line_ids, "code": d.code, "modifiers": d.modifiers, "units": d.units}
            for d in verdict.corrected_lines
        ],
        "ruleset_version": verdict.ruleset_version,
        "data_versions": verdict.data_versions,
    }


def floor_path(events: Sequence[bytes], _ruleset: RuleSet) -> int:
    total = 0
    for raw in events:
        total += len(orjson.dumps(orjson.loads(raw)))
    return total


def engine_path(events: Sequence[bytes], ruleset: RuleSet) -> int:
    total = 0
    validate = ClaimSubmitted.model_validate_json
    for raw in events:
        event = validate(raw)
        verdict = evaluate(event.claim, ruleset)
        total += len(orjson.dumps(output_document(event, verdict)))
    return total


def worker_path(events: Sequence[bytes], ruleset: RuleSet) -> int:
    """The worker's own code: workers.routing.route_claim (decode, evaluate, pydantic output event)."""
    from workers.routing import Source, route_claim

    total = 0
    for number, raw in enumerate(events):
        outcome = route_claim(Source("claims.submitted.v1", 0, number), raw, ruleset, "bench")
        total += sum(len(record.value) for record in outcome.records)
    return total


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    seconds: float  # wall clock, best of the repeats
    claims: int
    cpu_seconds: float | None = None  # process CPU time of that best run (robust to other processes' load)

    @property
    def per_second(self) -> float:
        return self.claims / self.seconds

    @property
    def micros(self) -> float:
        return self.seconds / self.claims * 1e6

    @property
    def cpu_per_second(self) -> float | None:
        return None if not self.cpu_seconds else self.claims / self.cpu_seconds


def measure(
    name: str, path: Callable[[Sequence[bytes], RuleSet], int], events: Sequence[bytes], ruleset: RuleSet, repeat: int
) -> Result:
    path(events[: min(len(events), 2000)], ruleset)  # warm caches and lazy imports
    best = (float("inf"), 0.0)
    for _ in range(repeat):
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        path(events, ruleset)
        best = min(best, (time.perf_counter() - start, time.process_time() - cpu))
    return Result(name, best[0], len(events), best[1])


def stages(events: Sequence[bytes], ruleset: RuleSet) -> list[Result]:
    """The engine path split in its three stages, timed claim by claim (as the stream processes them)."""
    validate = ClaimSubmitted.model_validate_json
    clock = time.perf_counter
    t_validate = t_evaluate = t_output = 0.0
    for raw in events:
        start = clock()
        event = validate(raw)
        parsed = clock()
        verdict = evaluate(event.claim, ruleset)
        evaluated = clock()
        orjson.dumps(output_document(event, verdict))
        t_output += clock() - evaluated
        t_evaluate += evaluated - parsed
        t_validate += parsed - start
    n = len(events)
    return [
        Result("  bytes -> ClaimSubmitted (pydantic)", t_validate, n),
        Result("  rules.evaluate", t_evaluate, n),
        Result("  output dict -> orjson", t_output, n),
    ]


def rule_costs(events: Sequence[bytes], top: int) -> list[tuple[str, float]]:
    """Microseconds per claim spent in each rule's check inside `evaluate` (a separate RuleSet, wrapped)."""
    ruleset = build_ruleset()
    spent: dict[str, float] = {}
    clock = time.perf_counter

    def wrap(code: str, check: Callable[[Any], Any]) -> Callable[[Any], list[Any]]:
        def timed(ctx: Any) -> list[Any]:
            start = clock()
            out = list(check(ctx))
            spent[code] = spent.get(code, 0.0) + clock() - start
            return out

        return timed

    for rule in ruleset.rules:
        setattr(rule, "check", wrap(rule.code, rule.check))  # noqa: B010 - instance-level timing shim
    validate = ClaimSubmitted.model_validate_json
    for raw in events:
        evaluate(validate(raw).claim, ruleset)
    ranked = sorted(spent.items(), key=lambda item: -item[1])[:top]
    return [(code, seconds / len(events) * 1e6) for code, seconds in ranked]


def calibration() -> float:
    """Microseconds for sum(range(1000)): a machine-speed yardstick (about 8-10 us on a 2023 desktop core)."""
    best = float("inf")
    for _ in range(200):
        start = time.perf_counter()
        sum(range(1000))
        best = min(best, time.perf_counter() - start)
    return best * 1e6


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def pin_to_one_core() -> str:
    """Pin the process to one CPU (Linux) so the figures are one core's; say which."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    allowed = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {allowed[-1]})
    return f"pinned to CPU {allowed[-1]} of {len(allowed)} available"


def profile(events: Sequence[bytes], ruleset: RuleSet, top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    engine_path(events, ruleset)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Engine throughput on one core (claims/s).")
    parser.add_argument("--claims", type=int, default=100_000, help="claims to generate (default 100000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per path; the best is reported")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--pin", action="store_true", help="pin the process to one CPU (Linux sched_setaffinity)")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of the engine path")
    parser.add_argument("--worker", action="store_true", help="also time workers.routing.route_claim")
    parser.add_argument("--rules", type=int, default=0, metavar="N", help="also print the N costliest rules")
    args = parser.parse_args(argv)
    console = Console()
    if not console.is_terminal:
        console = Console(width=120)

    pinned = pin_to_one_core() if args.pin else "single thread, not pinned (--pin to pin)"
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    start = time.perf_counter()
    events = generate(args.claims, args.seed)
    generated = time.perf_counter() - start
    ruleset = build_ruleset()
    lines = sum(len(orjson.loads(raw)["claim"]["lines"]) for raw in events)

    floor = measure("(a) floor: orjson.loads + orjson.dumps", floor_path, events, ruleset, args.repeat)
    engine = measure("(b) engine: pydantic -> evaluate -> orjson", engine_path, events, ruleset, args.repeat)
    # The same path with no rule registered: what validation, the engine's frame and the output cost with no
    # rule at all, so the most any rule set can reach on this machine.
    ceiling = measure("(c) ceiling: (b) with no rules", engine_path, events, replace(ruleset, rules=()), args.repeat)
    breakdown = stages(events, ruleset)
    extra = [ceiling]
    if args.worker:
        extra.append(
            measure("(d) worker: routing.route_claim (pydantic output)", worker_path, events, ruleset, args.repeat)
        )

    load_after = os.getloadavg() if hasattr(os, "getloadavg") else None
    console.print(f"Python {platform.python_version()} ({platform.python_implementation()}) on {platform.system()}")
    console.print(f"CPU: {cpu_model()}; {pinned}; sum(range(1000)) = {calibration():.1f} µs (desktop 2023: ~8-10)")
    if load_before and load_after:
        console.print(f"load average (1 min) before/after: {load_before[0]:.2f} / {load_after[0]:.2f}")
    console.print(
        f"{len(events):,} claims ({lines:,} lines, {lines / len(events):.2f} a claim), seed {args.seed}, generated in "
        f"{generated:.1f} s; {len(ruleset.rules)} rules, ruleset {ruleset.version}; best of {args.repeat}"
    )
    table = Table(title="Throughput, one core", title_justify="left")
    table.add_column("Path")
    table.add_column("claims/s", justify="right")
    table.add_column("µs/claim", justify="right")
    table.add_column("claims/s (CPU time)", justify="right")
    table.add_column("seconds", justify="right")
    for result in (floor, engine, *extra, *breakdown):
        if result is breakdown[0]:
            table.add_section()
        cpu = result.cpu_per_second
        table.add_row(
            result.name,
            f"{result.per_second:,.0f}",
            f"{result.micros:,.1f}",
            "" if cpu is None else f"{cpu:,.0f}",
            f"{result.seconds:.2f}",
        )
    console.print(table)
    ratio = floor.per_second / engine.per_second
    met = engine.per_second >= TARGET
    console.print(
        f"floor/engine ratio: {ratio:.1f}x. Target >= {TARGET:,} claims/s for the engine path: "
        + ("[green]met[/green]" if met else "[red]NOT met[/red]")
        + f" (with no rules at all: {ceiling.per_second:,.0f} claims/s)"
    )
    if args.rules:
        console.print(f"Costliest rules inside evaluate ({min(len(events), 20_000):,} claims, claim by claim):")
        costs = Table()
        costs.add_column("Rule")
        costs.add_column("µs/claim", justify="right")
        for code, micros in rule_costs(events[:20_000], args.rules):
            costs.add_row(code, f"{micros:.2f}")
        console.print(costs)
    if args.profile:
        console.print(profile(events[: min(len(events), 20_000)], ruleset, 30), markup=False, highlight=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
