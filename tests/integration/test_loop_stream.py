"""Closing the loop on a real broker: the rework lifecycle through a kill -9, the expiry sweep, and the report
against the worker's own metrics."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter, defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.harness import Deployment, free_port, values
from tests.integration.test_worker_stream import BIOPSY_AND_EXCISION, claim_event, denial_remit
from workers.routing import derived_id

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXCISION, BIOPSY = BIOPSY_AND_EXCISION
BIOPSY_XS = {**BIOPSY, "modifiers": ["XS"]}

RemitLine = tuple[str, str, str, list[str], tuple[str, str, str] | None]


def remit_event(claim_id: str, event_id: str, lines: list[RemitLine], **extra: Any) -> bytes:
    """A remittance of `claim_id`: (line_id, code, paid, modifiers, (group, reason, amount) or None) per line,
    charge 100.00 each, for services of 2026-03-02, dated 2026-04-06 unless `remit_date`/`occurred_at` say
    otherwise."""
    occurred_at = extra.pop("occurred_at", "2026-04-06T12:00:00Z")
    body = {
        "claim_id": claim_id,
        "payer_claim_id": f"PAY-{claim_id}",
        "status_code": "1",
        "remit_date": "2026-04-06",
        "charge": f"{100 * len(lines)}.00",
        "paid": str(sum(Decimal(paid) for _, _, paid, _, _ in lines)),
        "lines": [
            {
                "line_id": line_id,
                "code": code,
                "modifiers": modifiers,
                "units": 1,
                "service_date": "2026-03-02",
                "charge": "100.00",
                "paid": paid,
                "adjustments": [{"group": a[0], "reason": a[1], "amount": a[2]}] if a else [],
            }
            for line_id, code, paid, modifiers, a in lines
        ],
        **extra,
    }
    return orjson.dumps(
        {"schema": "remit.received.v1", "event_id": event_id, "occurred_at": occurred_at, "remit": body}
    )


def pays_both(claim_id: str, event_id: str, **extra: Any) -> bytes:
    """The resubmission paid: the excision and the biopsy with XS (75.00 recovered on the biopsy)."""
    lines: list[RemitLine] = [
        ("1", "11601", "80.00", [], ("PR", "2", "20.00")),
        ("2", "11102", "75.00", ["XS"], ("PR", "2", "25.00")),
    ]
    return remit_event(claim_id, event_id, lines, **extra)


def denies_again(claim_id: str, event_id: str, **extra: Any) -> bytes:
    """The resubmission's biopsy denied CO-97 again."""
    lines: list[RemitLine] = [
        ("1", "11601", "80.00", [], None),
        ("2", "11102", "0.00", ["XS"], ("CO", "97", "100.00")),
    ]
    return remit_event(claim_id, event_id, lines, **extra)


def lifecycle_steps(claim_id: str, paid: bool) -> list[tuple[str, bytes, bytes]]:
    """Claim, CO-97 denial of the biopsy, frequency-7 resubmission with XS, then the payer's second answer."""
    key = claim_id.encode()
    second = pays_both if paid else denies_again
    return [
        ("claims_submitted", key, claim_event(claim_id, f"{claim_id}-c1", BIOPSY_AND_EXCISION)),
        ("remits_received", key, denial_remit(claim_id, f"{claim_id}-r1")),
        (
            "claims_submitted",
            key,
            claim_event(
                claim_id, f"{claim_id}-c2", [EXCISION, BIOPSY_XS], frequency_code="7", payer_claim_id=f"PAY-{claim_id}"
            ),
        ),
        ("remits_received", key, second(claim_id, f"{claim_id}-r2", payer_claim_id=f"PAY2-{claim_id}")),
    ]


@pytest.mark.integration
class TestLifecycleCrash:
    def test_kill_9_while_items_move_loses_and_doubles_no_stage(
        self, deployment: Deployment, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Claims flow through all four steps at once (a step is sent once the worker committed the one before,
        as a clearinghouse answers what it received), the worker is killed -9 with claims at every step, and
        restarted. Every rework_id then has each revision of its life exactly once: open, resubmitted, paid
        (75.00 recovered), or open, resubmitted, denied_again with a new item that follows it. A (rework_id,
        revision) seen twice is a redelivery and must carry identical bytes; no other item exists."""
        total, per_tick = 240, 8
        ids = [f"PCN-K{n}" for n in range(total)]
        paid = {claim_id: n % 3 != 0 for n, claim_id in enumerate(ids)}  # a third are denied again
        steps = {claim_id: lifecycle_steps(claim_id, paid[claim_id]) for claim_id in ids}
        step = dict.fromkeys(ids, -1)  # index of the step last sent
        written: dict[str, tuple[str, int, int]] = {}
        waiting = list(ids)
        progress: list[str] = []
        deployment.start_worker()
        killed_at: Counter[int] | None = None
        deadline = time.monotonic() + 480
        while time.monotonic() < deadline:
            committed = deployment.committed(("claims_submitted", "remits_received"))
            done = {c for c in ids if step[c] >= 0 and committed[written[c][:2]] > written[c][2]}
            if len(done) == total and step == dict.fromkeys(ids, 3):
                break
            at = Counter(step.values())
            progress.append(f"{time.monotonic():.1f} sent at step {dict(sorted(at.items()))}, processed {len(done)}")
            if killed_at is None and (len(set(at) & {0, 1, 2, 3}) == 4 or at[3] > total // 3):
                killed_at = at
                worker = deployment.processes[-1]
                worker.send_signal(signal.SIGKILL)
                worker.wait()
                deployment.start_worker()
            fresh, waiting = waiting[:per_tick], waiting[per_tick:]
            batch = [*fresh, *(c for c in done if step[c] < 3)]
            positions = deployment.send(steps[c][step[c] + 1] for c in batch) if batch else []
            for claim_id, position in zip(batch, positions, strict=True):
                step[claim_id] += 1
                written[claim_id] = position
            time.sleep(0.5)
        else:
            pytest.fail("not every claim reached its last step:\n" + "\n".join(progress[-20:]) + deployment.logs())
        assert killed_at is not None

        records = values(deployment.consume("denials_rework", 10 * total, timeout=20))
        copies: dict[tuple[str, int], set[bytes]] = defaultdict(set)
        by_claim: dict[str, dict[str, dict[int, dict[str, Any]]]] = defaultdict(lambda: defaultdict(dict))
        for record in records:
            copies[(record["rework_id"], record["revision"])].add(orjson.dumps(record))
            by_claim[record["claim_id"]][record["rework_id"]][record["revision"]] = record
        # redelivery after the crash may repeat a message; a repeat must be the same bytes, never a new version
        assert [] == [key for key, variants in copies.items() if len(variants) > 1]
        assert set(ids) == set(by_claim)
        wrong = {}
        for claim_id in ids:
            items = by_claim[claim_id]
            first = [rid for rid, revs in items.items() if revs[min(revs)].get("follows_rework_id") is None]
            follows = [
                (
                    revs[min(revs)]["follows_rework_id"],
                    sorted(revs),
                    revs[min(revs)]["stage"],
                    revs[min(revs)]["action"],
                )
                for rid, revs in items.items()
                if rid not in first
            ]
            got: dict[str, Any] = {"first": len(first), "follows": follows}
            if len(first) == 1:
                revs = items[first[0]]
                got["life"] = [(rev, r["stage"], r["status"], r["action"]) for rev, r in sorted(revs.items())]
                got["prediction"] = (revs[min(revs)].get("prediction") or {}).get("outcome")
                got["recovered"] = revs[max(revs)]["recovered_amount"]
            life = [(1, "open", "open", "resubmit_with_modifier"), (2, "resubmitted", "open", "resubmit_with_modifier")]
            want: dict[str, Any]
            if paid[claim_id]:
                want = {"life": [*life, (3, "paid", "closed", "resubmit_with_modifier")], "follows": []}
                want["recovered"] = "75.00"
            else:
                want = {"life": [*life, (3, "denied_again", "closed", "appeal")], "recovered": None}
                want["follows"] = [(first[0] if first else None, [1], "open", "appeal")]
            want |= {"first": 1, "prediction": "predicted"}
            if got != want:
                wrong[claim_id] = (got, want)
        assert {} == wrong, deployment.logs()
        redelivered = len(records) - len(copies)
        validated = values(deployment.consume("claims_validated", 2 * total, timeout=10))
        reprocessed = len(validated) - len({v["event_id"] for v in validated})  # claims processed twice
        with capsys.disabled():
            print(
                f"\n[loop crash] {total} claims x 4 inputs; killed with claims at steps "
                f"{dict(sorted(killed_at.items()))} (-1 = not sent yet); {len(copies)} distinct (rework_id, revision), "
                f"{redelivered} redelivered rework copies; {reprocessed} claim inputs processed again after the kill"
            )


def scrape(port: int) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    """The worker's /metrics: sample name -> labels -> value."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    samples: dict[str, dict[tuple[tuple[str, str], ...], float]] = defaultdict(dict)
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[sample.name][tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def metric_numbers(port: int) -> dict[str, Any]:
    """The worker's prediction and funnel counters in the shape of `dermclaims report --format json`."""
    found = scrape(port)

    def by(name: str, *labels: str) -> dict[tuple[str, ...], float]:
        out = {}
        for key, value in found[name].items():
            named = dict(key)
            out[tuple(named[label] for label in labels)] = value
        return out

    rules = by("claims_worker_prediction_rule_lines_total", "rule_code", "judgement")
    denials = by("claims_worker_prediction_denials_total", "carc_group", "judgement")
    dollars = by("claims_worker_prediction_denied_dollars_total", "carc_group", "judgement")
    funnel = by("claims_worker_rework_funnel_total", "stage")
    funnel_dollars = by("claims_worker_rework_funnel_dollars_total", "stage")
    return {
        "rules": {
            rule: (rules[(rule, "predicted")], rules[(rule, "false_alarm")], rules[(rule, "prevented")])
            for rule, _ in rules
            if any(rules[(rule, j)] for j in ("predicted", "false_alarm", "prevented"))
        },
        "carc_groups": {
            group: (
                denials[(group, "predicted")],
                denials[(group, "missed")],
                round(dollars[(group, "predicted")], 2),
                round(dollars[(group, "missed")], 2),
            )
            for group, _ in denials
            if denials[(group, "predicted")] or denials[(group, "missed")]
        },
        "funnel": {stage: (funnel[(stage,)], round(funnel_dollars[(stage,)], 2)) for (stage,) in funnel},
    }


def report_numbers(claims: list[Path], remits: list[Path], *extra: str) -> dict[str, Any]:
    """`dermclaims report --format json` over the files, in the metrics' shape."""
    args = [sys.executable, "-m", "workers.cli", "report", "--format", "json", *extra]
    for path in claims:
        args += ["--claims", str(path)]
    result = subprocess.run([*args, *map(str, remits)], capture_output=True, check=True, timeout=300)
    numbers = orjson.loads(result.stdout)
    return {
        "rules": {
            r["rule"]: (float(r["predicted"]), float(r["false_alarm"]), float(r["prevented"])) for r in numbers["rules"]
        },
        "carc_groups": {
            g["carc_group"]: (
                float(g["predicted"]),
                float(g["missed"]),
                float(g["predicted_dollars"]),
                float(g["missed_dollars"]),
            )
            for g in numbers["carc_groups"]
        },
        "funnel": {f["stage"]: (float(f["items"]), float(f["dollars"])) for f in numbers["funnel"]},
    }


def run_in_phases(deployment: Deployment, phases: list[tuple[str, Path]]) -> None:
    """Produce each file keyed by claim_id, and wait until the worker committed it before the next one."""
    for logical, path in phases:
        events = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
        body = "claim" if logical == "claims_submitted" else "remit"
        deployment.produce(logical, [(e[body]["claim_id"].encode(), orjson.dumps(e)) for e in events])
        deployment.wait_committed(logical, timeout=120)


@pytest.mark.integration
class TestReportEqualsMetrics:
    def test_the_report_over_the_demo_files_shows_the_worker_metrics(self, deployment: Deployment) -> None:
        """The demo's claims, remittances, resubmission and the payer's later answers through the real worker,
        in the demo's order: its /metrics (rule outcomes, denials and dollars by CARC group, the funnel with
        dollars) read exactly what `dermclaims report` shows over the same files."""
        port = free_port()
        deployment.start_worker(metrics_port=port, extra_env={"CLAIMS_REWORK__EXPIRY_SWEEP_SECONDS": "0"})
        phases = [
            ("claims_submitted", EXAMPLES / "claims.jsonl"),
            ("remits_received", EXAMPLES / "remits.jsonl"),
            ("claims_submitted", EXAMPLES / "resubmissions.jsonl"),
            ("remits_received", EXAMPLES / "remits-after.jsonl"),
        ]
        run_in_phases(deployment, phases)
        report = report_numbers(
            [EXAMPLES / "claims.jsonl", EXAMPLES / "resubmissions.jsonl"],
            [EXAMPLES / "remits.jsonl", EXAMPLES / "remits-after.jsonl"],
        )
        # the worker updates its counters after it hands the outputs over; committed means counted
        assert report == metric_numbers(port), deployment.logs()
        # the demo exercises every number compared: a test comparing zeros with zeros proves nothing
        outcomes = {j for counts in report["rules"].values() for j, n in zip(("p", "f", "v"), counts, strict=True) if n}
        assert {"p", "f"} <= outcomes
        assert {"opened", "resubmitted", "paid", "written_off"} <= {s for s, (n, _) in report["funnel"].items() if n}
        assert any(missed for _, missed, _, _ in report["carc_groups"].values())


@pytest.mark.integration
class TestExpirySweep:
    def test_the_sweep_expires_an_item_past_its_deadline_through_the_worker(
        self, deployment: Deployment, tmp_path: Path
    ) -> None:
        """A denial of a service a year and more ago, its claim quiet since: the worker's sweep (every second
        here) sends a tick on the clock topic and the clock agent expires the item on its rework_id (revision 2,
        closed). The remittance's own date could not expire it (its deadline was still ahead then), and the
        report with --as-of today shows the same funnel as the worker's metrics."""
        claim_id = "PCN-OLD"
        old = orjson.loads(claim_event(claim_id, "old-c1", BIOPSY_AND_EXCISION))
        old["occurred_at"] = "2025-03-03T10:00:00Z"
        for line in old["claim"]["lines"]:
            line["service_date"] = "2025-03-02"
        remit = orjson.loads(denial_remit(claim_id, "old-r1"))
        remit["occurred_at"] = "2025-04-06T12:00:00Z"
        remit["remit"]["remit_date"] = "2025-04-06"
        for line in remit["remit"]["lines"]:
            line["service_date"] = "2025-03-02"
        claims, remits = tmp_path / "old-claims.jsonl", tmp_path / "old-remits.jsonl"
        claims.write_bytes(orjson.dumps(old) + b"\n")
        remits.write_bytes(orjson.dumps(remit) + b"\n")

        port = free_port()
        deployment.start_worker(metrics_port=port, extra_env={"CLAIMS_REWORK__EXPIRY_SWEEP_SECONDS": "1"})
        run_in_phases(deployment, [("claims_submitted", claims), ("remits_received", remits)])
        records = values(deployment.consume("denials_rework", 2, timeout=90))
        assert [(1, "open"), (2, "expired")] == [(r["revision"], r["stage"]) for r in records], deployment.logs()
        opened, expired = records
        assert opened["deadline"] == "2026-03-02"  # a corrected claim within a year of the service
        assert opened["deadline"] > remit["remit"]["remit_date"]
        assert (opened["rework_id"], "closed") == (expired["rework_id"], expired["status"])
        assert derived_id("rework.expired", opened["rework_id"]) == expired["source_event_id"]
        deployment.wait_committed("remits_received")
        time.sleep(3)  # further sweeps find nothing to expire: no third revision
        assert 2 == len(deployment.consume("denials_rework", 3, timeout=3))

        today = datetime.now(UTC).date().isoformat()
        report = report_numbers([claims], [remits], "--as-of", today)
        assert report == metric_numbers(port)
        assert (1.0, 100.0) == report["funnel"]["expired"]
