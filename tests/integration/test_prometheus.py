"""Metrics, alerts and dashboard checked against a real Prometheus scraping the real worker on the real broker.

One module-scoped flow: a Deployment (its own topics and group) runs the worker; a Prometheus server from the
Debian package scrapes its /metrics every second and evaluates ops/prometheus/alerts.yml. The test produces
claims (good and bad) and remittances, computes what every counter must read with the same pure routing
code the agents run, and compares that with what Prometheus answers. Never skipped: without the
prometheus/promtool binaries the tests fail and say how to install them.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

from rules.testing import default_ruleset, make_claim
from schemas import Claim
from tests.integration.harness import Deployment, free_port
from workers.loop_state import LoopState
from workers.metrics import carc_label, rework_kind
from workers.rework_state import ReworkState
from workers.routing import Source, route_claim

pytestmark = [pytest.mark.prometheus, pytest.mark.integration]

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS_DIR = ROOT / "ops" / "prometheus"
ALERTS = PROMETHEUS_DIR / "alerts.yml"
ALERT_TESTS = sorted((PROMETHEUS_DIR / "tests").glob("*_test.yml"))  # promtool unit tests of alerts.yml
DASHBOARD = ROOT / "ops" / "grafana" / "dashboards" / "dermclaims.json"
GRAFANA_PROVISIONING = ROOT / "ops" / "grafana" / "provisioning"
RUNBOOK = ROOT / "ops" / "runbook.md"
EXAMPLES = ROOT / "examples"
SETUP_HINT = "run ./scripts/setup.sh (it installs the Debian package `prometheus`, which includes promtool)"
JOB, AUDIT_JOB = (
    job["job_name"] for job in yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text())["scrape_configs"]
)
# Series Prometheus makes itself for every target; an expression may use them without the worker exporting them.
BUILTIN_SERIES = {"up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_series_added"}
# Grafana variables, replaced by values Prometheus accepts before an expression is sent to it.
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$__interval": "15s", "$__range": "1h", "$instance": ".*"}
PROMQL_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool"}
PROMQL_KEYWORDS |= {"offset", "inf", "nan"}
INPUT_TOPICS = ("claims_submitted", "remits_received", "x12_raw")


def binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"`{name}` is not on PATH: {SETUP_HINT}")
    return path


def metric_names(expr: str) -> set[str]:
    """The series names a PromQL expression selects (not functions, keywords, labels or literals)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # string literals
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)  # ranges and subqueries
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)  # label lists
    names = set()
    for match in re.finditer(r"(?<![\w:.$])([a-zA-Z_:][\w:]*)(\s*\()?", text):
        word, call = match.group(1), match.group(2)
        if call is None and word.lower() not in PROMQL_KEYWORDS:
            names.add(word)
    return names


class Prometheus:
    """A real Prometheus on loopback: temp config and storage, scraping one target every second."""

    def __init__(self, executable: str, workdir: Path, targets: dict[str, str]) -> None:
        self.executable = executable
        self.workdir = workdir
        self.targets = targets  # job name -> host:port
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = workdir / "prometheus.log"

    def start(self, timeout: float = 60.0) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s", "scrape_timeout": "1s"},
            "rule_files": [str(ALERTS)],
            "scrape_configs": [
                {"job_name": job, "static_configs": [{"targets": [target]}]} for job, target in self.targets.items()
            ],
        }
        config_path = self.workdir / "prometheus.yml"
        config_path.write_text(yaml.safe_dump(config))
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    self.executable,
                    f"--config.file={config_path}",
                    f"--storage.tsdb.path={self.workdir / 'data'}",
                    f"--web.listen-address=127.0.0.1:{self.port}",
                    "--log.level=warn",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"prometheus exited: {self.logs()}"
            try:
                with urllib.request.urlopen(f"{self.url}/-/ready", timeout=2) as response:  # noqa: S310 - loopback
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail(f"prometheus not ready after {timeout}s: {self.logs()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:] if self.log_path.exists() else ""

    def api(self, path: str, **params: str) -> dict[str, Any]:
        """GET /api/v1/<path>; an error answer (bad expression: HTTP 400) is returned, not raised."""
        url = f"{self.url}/api/v1/{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback URL built here
                body: dict[str, Any] = json.load(response)
        except urllib.error.HTTPError as exc:
            body = json.load(exc)
        return body

    def vector(self, expr: str, by: tuple[str, ...] = ()) -> dict[tuple[str, ...], float]:
        """An instant query's result, keyed by the `by` label values."""
        answer = self.api("query", query=expr)
        assert answer["status"] == "success", (expr, answer)
        return {
            tuple(item["metric"].get(label, "") for label in by): float(item["value"][1])
            for item in answer["data"]["result"]
        }

    def scalar(self, expr: str) -> float | None:
        result = self.vector(expr)
        return result.get((), None)

    def wait_for(self, what: str, check: Callable[[], bool], timeout: float = 120.0) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if check():
                return time.monotonic() - started
            time.sleep(0.5)
        pytest.fail(f"timed out after {timeout}s waiting for {what}\nprometheus log: {self.logs()}")


@dataclass
class Expected:
    """What every counter must read after the flow, computed with the agents' own pure routing."""

    consumed: Counter[tuple[str, str]] = field(default_factory=Counter)
    produced: Counter[str] = field(default_factory=Counter)
    dead_letters: Counter[str] = field(default_factory=Counter)
    claims: Counter[str] = field(default_factory=Counter)
    findings: Counter[tuple[str, str]] = field(default_factory=Counter)
    at_risk: dict[str, Decimal] = field(default_factory=dict)
    rework_items: Counter[tuple[str, str]] = field(default_factory=Counter)
    rework_dollars: dict[str, Decimal] = field(default_factory=dict)
    latency: Counter[str] = field(default_factory=Counter)
    evaluated: int = 0
    claims_table: int = 0
    rework_table: int = 0
    waiting_table: int = 0
    outcomes_table: int = 0
    messages: Counter[str] = field(default_factory=Counter)  # inputs produced per topic


def expect(claims: list[tuple[bytes | None, bytes]], remits: list[tuple[bytes | None, bytes]]) -> Expected:
    """Replay the inputs through workers.routing exactly as the agents in workers.app do."""
    ruleset = default_ruleset()
    out = Expected()
    table: dict[str, Claim] = {}
    rework = ReworkState({}, {})
    loop = LoopState({}, rework.ledger)

    def count(topic: str, outcome: Any) -> None:
        out.messages[topic] += 1
        out.consumed[(topic, "failed" if outcome.failed else "accepted")] += 1
        out.produced.update(record.topic for record in outcome.records)
        if outcome.failed is not None:
            out.dead_letters[outcome.failed.value] += 1
        if outcome.occurred_at is not None:
            out.latency[topic] += 1

    for key, value in claims:
        outcome = route_claim(Source("claims", 0, 0, key), value, ruleset, "test", keyed=True)
        out.evaluated += 1
        count("claims_submitted", outcome)
        if outcome.claim is not None:
            if outcome.claim.frequency_code == "8":
                table.pop(outcome.claim.claim_id, None)
            else:
                table[outcome.claim.claim_id] = outcome.claim
            loop.on_claim(outcome)
            loop.delivered(outcome)
        if outcome.verdict is not None:
            out.claims[outcome.verdict.status] += 1
            for finding in outcome.verdict.findings:
                out.findings[(finding.rule, finding.severity.value)] += 1
                if finding.revenue_impact:
                    direction = "underbilled" if finding.revenue_impact > 0 else "overbilled"
                    out.at_risk[direction] = out.at_risk.get(direction, Decimal(0)) + abs(finding.revenue_impact)
    for key, value in remits:
        outcome = rework.judge_remit(Source("remits", 0, 0, key), value, table.get, ruleset, "test", keyed=True)
        loop.on_remit(outcome)
        rework.delivered(outcome)
        loop.delivered(outcome)
        count("remits_received", outcome)
        for item in outcome.rework:
            out.rework_items[(item.action.value, carc_label(item.reason))] += 1
            kind = rework_kind(item.action)
            out.rework_dollars[kind] = out.rework_dollars.get(kind, Decimal(0)) + item.denied_amount
    out.claims_table = len(table)
    out.rework_table = len(rework.sent)
    out.waiting_table = len(rework.waiting)
    out.outcomes_table = len(loop.store)
    return out


def now_rfc3339() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def fresh(event: dict[str, Any]) -> bytes:
    """The event with occurred_at = now, so the latency histogram measures this run."""
    return orjson.dumps({**event, "occurred_at": now_rfc3339()})


def claim_inputs() -> list[tuple[bytes | None, bytes]]:
    examples = [orjson.loads(line) for line in (EXAMPLES / "claims.jsonl").read_bytes().splitlines()]
    good = [(e["claim"]["claim_id"].encode(), fresh(e)) for e in examples]
    for n in range(30):  # spread over every partition
        claim = make_claim(
            [{"code": "11102", "documentation": {"lesion_id": "A", "body_region": "arm", "technique": "tangential"}}],
            claim_id=f"PCN-P{n}",
        )
        event = {"schema": "claim.submitted.v1", "event_id": f"p-{n}", "claim": claim.model_dump(mode="json")}
        good.append((f"PCN-P{n}".encode(), fresh(event)))
    wrong_schema = fresh({"schema": "remit.received.v1", "event_id": "w"})
    bad: list[tuple[bytes | None, bytes]] = [
        (b"PCN-BAD-1", b"this is not json"),
        (b"PCN-BAD-2", b""),
        (b"PCN-BAD-3", wrong_schema),
        (None, good[0][1]),  # not keyed by claim_id
    ]
    return good + bad


def remit_inputs() -> list[tuple[bytes | None, bytes]]:
    examples = [orjson.loads(line) for line in (EXAMPLES / "remits.jsonl").read_bytes().splitlines()]
    return [(e["remit"]["claim_id"].encode(), fresh(e)) for e in examples] + [(b"PCN-1001", b"{broken")]


@dataclass
class Flow:
    deployment: Deployment
    prometheus: Prometheus
    metrics_port: int
    expected: Expected
    timings: dict[str, float]
    audit_port: int

    def exported(self) -> set[str]:
        """Sample names in the worker's and the audit exporter's own /metrics output."""
        names = set()
        for port in (self.metrics_port, self.audit_port):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
                text = response.read().decode()
            names |= {re.split(r"[{ ]", line, maxsplit=1)[0] for line in text.splitlines() if line and line[0] != "#"}
        return names


@pytest.fixture(scope="module")
def flow(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flow]:
    executable = binary("prometheus")
    binary("promtool")
    started = time.monotonic()
    workdir = tmp_path_factory.mktemp("prometheus-flow")
    deployment = Deployment(kafka_bootstrap, f"t{uuid.uuid4().hex[:10]}", workdir, partitions=3)
    deployment.create_topics()
    metrics_port = free_port()
    deployment.start_worker(metrics_port=metrics_port)
    audit_port = free_port()
    prometheus = Prometheus(
        executable, workdir / "prometheus", {JOB: f"127.0.0.1:{metrics_port}", AUDIT_JOB: f"127.0.0.1:{audit_port}"}
    )
    timings: dict[str, float] = {}
    audit: subprocess.Popen[bytes] | None = None
    try:
        prometheus.start()
        timings["prometheus ready"] = time.monotonic() - started
        timings["worker scraped (up == 1)"] = prometheus.wait_for(
            "the worker to be scraped", lambda: prometheus.scalar(f'max(up{{job="{JOB}"}})') == 1.0
        )
        claims, remits = claim_inputs(), remit_inputs()
        expected = expect(claims, remits)
        deployment.produce("claims_submitted", claims)

        def consumed(topic: str, count: int) -> Callable[[], bool]:
            expr = f'sum(claims_worker_events_consumed_total{{job="{JOB}", topic="{topic}"}})'
            return lambda: prometheus.scalar(expr) == count

        timings["claims processed and scraped"] = prometheus.wait_for(
            "every claim to be counted", consumed("claims_submitted", len(claims))
        )
        deployment.produce("remits_received", remits)  # after the claims: remittances need them in the table
        timings["remits processed and scraped"] = prometheus.wait_for(
            "every remittance to be counted", consumed("remits_received", len(remits))
        )

        def caught_up() -> bool:
            ends = prometheus.vector("claims_worker_partition_end_offset", ("topic", "partition"))
            lag = prometheus.scalar(
                "sum(claims_worker_partition_end_offset - claims_worker_partition_committed_offset)"
            )
            per_topic = Counter[str]()
            for (topic, _), end in ends.items():
                per_topic[topic] += int(end)
            return len(ends) == 3 * len(INPUT_TOPICS) and lag == 0.0 and per_topic == expected.messages

        timings["offsets committed and refreshed (lag 0)"] = prometheus.wait_for(
            "committed == end on every input partition", caught_up
        )
        with (workdir / "audit.log").open("wb") as audit_log:
            audit = subprocess.Popen(
                [sys.executable, "-m", "workers.cli", "audit", "--serve", "--every", "5", "--port", str(audit_port)],
                env=deployment.env(),
                stdout=audit_log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        audited = f'sum(claims_worker_audit_inputs{{job="{AUDIT_JOB}"}})'
        timings["audit run and scraped"] = prometheus.wait_for(
            "the audit of every input", lambda: prometheus.scalar(audited) == sum(expected.messages.values())
        )

        def audit_alerts_clear() -> bool:  # pending from before the first audit until the next rule evaluation
            alerts = prometheus.api("alerts")["data"]["alerts"]
            return not [
                a for a in alerts if a["labels"]["alertname"].startswith(("DermclaimsAudit", "DermclaimsInputs"))
            ]

        timings["audit alerts clear"] = prometheus.wait_for("the audit alerts to clear", audit_alerts_clear, 60)
        timings["flow total"] = time.monotonic() - started
        yield Flow(deployment, prometheus, metrics_port, expected, timings, audit_port)
    finally:
        if audit is not None:
            audit.terminate()
            audit.wait(timeout=30)
        prometheus.stop()
        deployment.stop_all()


def positive(result: dict[tuple[str, ...], float]) -> dict[tuple[str, ...], float]:
    return {labels: value for labels, value in result.items() if value > 0}


def money(values: dict[str, Decimal]) -> dict[tuple[str, ...], Any]:
    return {(kind,): pytest.approx(float(amount)) for kind, amount in values.items() if amount}


class TestCounters:
    def test_counters_equal_what_the_test_produced(self, flow: Flow, capsys: pytest.CaptureFixture[str]) -> None:
        """Consumed, produced, dead letters, claims by status, findings, rework items and dollars read in
        Prometheus exactly what the inputs must give."""
        prom, exp = flow.prometheus, flow.expected
        job = f'job="{JOB}"'
        assert {k: float(v) for k, v in exp.consumed.items()} == positive(
            prom.vector(f"sum by (topic, outcome) (claims_worker_events_consumed_total{{{job}}})", ("topic", "outcome"))
        )
        assert {(k,): float(v) for k, v in exp.produced.items()} == positive(
            prom.vector(f"sum by (topic) (claims_worker_events_produced_total{{{job}}})", ("topic",))
        )
        assert {(k,): float(v) for k, v in exp.dead_letters.items()} == positive(
            prom.vector(f"sum by (reason) (claims_worker_dead_letters_total{{{job}}})", ("reason",))
        )
        assert {(k,): float(v) for k, v in exp.claims.items()} == positive(
            prom.vector(f"sum by (status) (claims_worker_claims_total{{{job}}})", ("status",))
        )
        assert {k: float(v) for k, v in exp.findings.items()} == positive(
            prom.vector(
                f"sum by (rule_code, severity) (claims_worker_findings_total{{{job}}})", ("rule_code", "severity")
            )
        )
        assert money(exp.at_risk) == positive(
            prom.vector(f"sum by (direction) (claims_worker_findings_dollars_at_risk_total{{{job}}})", ("direction",))
        )
        assert {k: float(v) for k, v in exp.rework_items.items()} == positive(
            prom.vector(f"sum by (action, carc) (claims_worker_rework_items_total{{{job}}})", ("action", "carc"))
        )
        assert money(exp.rework_dollars) == positive(
            prom.vector(f"sum by (kind) (claims_worker_rework_dollars_total{{{job}}})", ("kind",))
        )
        # the flow exercised every family: a test that compares empty with empty proves nothing
        assert exp.dead_letters["deserialize_error"]
        assert exp.dead_letters["schema_invalid"]
        assert len(exp.claims) >= 2
        assert exp.findings
        assert exp.rework_items
        assert len(exp.rework_dollars) >= 2
        with capsys.disabled():
            steps = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in flow.timings.items())
            print(f"\n[prometheus flow] {sum(exp.messages.values())} inputs; {steps}")

    def test_dead_letters_and_rework_match_the_topics(self, flow: Flow) -> None:
        """The dead-letter and rework counters equal the messages actually on those topics."""
        letters = sum(flow.expected.dead_letters.values())
        items = sum(flow.expected.rework_items.values())
        assert letters == len(flow.deployment.consume("deadletter", letters, timeout=30))
        assert items == len(flow.deployment.consume("denials_rework", items, timeout=30))

    def test_histograms_count_every_input_and_latency_is_event_time(self, flow: Flow) -> None:
        """Engine time is observed per claim input, latency per decoded input, and p95 latency is seconds, not
        the months between the examples' original occurred_at and today."""
        prom, exp = flow.prometheus, flow.expected
        assert prom.scalar("sum(claims_worker_evaluate_seconds_count)") == exp.evaluated
        assert {(k,): float(v) for k, v in exp.latency.items()} == positive(
            prom.vector("sum by (topic) (claims_worker_processing_latency_seconds_count)", ("topic",))
        )
        p95 = prom.scalar("histogram_quantile(0.95, sum by (le) (claims_worker_processing_latency_seconds_bucket))")
        assert p95 is not None
        assert 0 < p95 <= 60


class TestPartitions:
    def test_committed_equals_end_on_every_input_partition(self, flow: Flow) -> None:
        """After the flow every assigned input partition shows lag 0, end offsets add up to the inputs, and
        each partition has a last-progress time."""
        prom = flow.prometheus
        ends = prom.vector("claims_worker_partition_end_offset", ("topic", "partition"))
        committed = prom.vector("claims_worker_partition_committed_offset", ("topic", "partition"))
        expected_keys = {(topic, str(p)) for topic in INPUT_TOPICS for p in range(3)}
        assert expected_keys == set(ends)
        assert ends == committed
        per_topic = Counter[str]()
        for (topic, _), end in ends.items():
            per_topic[topic] += int(end)
        assert flow.expected.messages == per_topic
        progress = prom.vector("claims_worker_partition_last_progress_timestamp_seconds", ("topic", "partition"))
        assert expected_keys == set(progress)
        assert all(0 < stamp <= time.time() for stamp in progress.values())

    def test_the_audit_finds_every_input_answered(self, flow: Flow) -> None:
        """`dermclaims audit --serve` counted every input the test produced, per topic, and found none lost."""
        inputs = flow.prometheus.vector(f'claims_worker_audit_inputs{{job="{AUDIT_JOB}"}}', ("topic",))
        missing = flow.prometheus.vector(f'claims_worker_audit_missing_inputs{{job="{AUDIT_JOB}"}}', ("topic",))
        assert {(topic,): float(n) for topic, n in flow.expected.messages.items()} == positive(inputs)
        assert {(topic,): 0.0 for topic in INPUT_TOPICS} == missing

    def test_table_keys_and_build_info(self, flow: Flow) -> None:
        """Table sizes reach the claims kept, the claims with rework and the claims whose loop is kept;
        build_info names version and data."""
        prom = flow.prometheus
        expected = {
            ("claims",): float(flow.expected.claims_table),
            ("rework-sent",): float(flow.expected.rework_table),
            ("rework-waiting",): float(flow.expected.waiting_table),
            ("claim-outcomes",): float(flow.expected.outcomes_table),
        }
        # offsets and table sizes are refreshed one after the other: a scrape may hold the previous table sizes
        prom.wait_for(
            f"table keys {expected}",
            lambda: prom.vector("sum by (table) (claims_worker_table_keys)", ("table",)) == expected,
            timeout=30,
        )
        info = prom.vector("claims_worker_build_info", ("ruleset_version", "data_version"))
        assert [(default_ruleset().version,)] == [key[:1] for key in info]
        assert all(value == 1.0 for value in info.values())


def alert_rules() -> list[dict[str, Any]]:
    return [rule for group in yaml.safe_load(ALERTS.read_text())["groups"] for rule in group["rules"]]


def dashboard_expressions() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    exprs = [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]
    for variable in dashboard["templating"]["list"]:
        query = variable.get("query")
        text = query.get("query", "") if isinstance(query, dict) else str(query or "")
        match = re.fullmatch(r"label_values\((\w+),\s*\w+\)", text)
        if match:
            exprs.append(match.group(1))  # the metric Grafana lists label values of
    return exprs


def substitute(expr: str) -> str:
    for variable, value in sorted(GRAFANA_VARIABLES.items(), key=lambda item: -len(item[0])):
        expr = expr.replace(variable, value)
    assert "$" not in expr, f"unknown Grafana variable in {expr}"
    return expr


class TestExpressions:
    def test_metric_name_parser(self) -> None:
        """The name parser keeps series names and drops functions, keywords, labels, strings and durations."""
        expr = 'sum by (le, topic) (rate(a_bucket{x="y z"}[5m])) / on (job) group_left b > 0.95 and time() - c'
        assert {"a_bucket", "b", "c"} == metric_names(expr)

    def test_every_expression_is_valid_and_names_only_exported_metrics(self, flow: Flow) -> None:
        """Each alert and dashboard expression is accepted by Prometheus and selects only series the worker
        exports (or Prometheus' own `up`), so a renamed metric cannot leave a silent alert or an empty panel."""
        exported = flow.exported() | BUILTIN_SERIES
        expressions = [rule["expr"] for rule in alert_rules()] + [substitute(e) for e in dashboard_expressions()]
        assert len(expressions) > 20
        problems = []
        for expr in expressions:
            answer = flow.prometheus.api("query", query=expr)
            if answer["status"] != "success":
                problems.append(f"{expr}: {answer.get('error')}")
            unknown = metric_names(expr) - exported
            if unknown:
                problems.append(f"{expr}: not exported: {sorted(unknown)}")
            if not metric_names(expr):
                problems.append(f"{expr}: selects no series")
        assert [] == problems

    def test_dashboard_panels_return_data(self, flow: Flow) -> None:
        """Every dashboard query returns at least one series after the flow (no empty panel)."""
        empty = [
            e
            for e in dashboard_expressions()
            if not flow.prometheus.api("query", query=substitute(e))["data"]["result"]
        ]
        assert [] == empty


class TestAlerts:
    def test_rules_are_loaded_and_evaluate_without_error(self, flow: Flow) -> None:
        """Prometheus loaded every rule of alerts.yml, evaluates each without error, and none fires on a
        healthy worker."""
        names = {rule["alert"] for rule in alert_rules()}

        def evaluated() -> bool:
            groups = flow.prometheus.api("rules")["data"]["groups"]
            rules = [rule for group in groups for rule in group["rules"]]
            return {r["name"] for r in rules} == names and all(r["health"] == "ok" for r in rules)

        flow.prometheus.wait_for("every rule evaluated", evaluated, timeout=30)
        rules = [r for g in flow.prometheus.api("rules")["data"]["groups"] for r in g["rules"]]
        assert [] == [(r["name"], r.get("lastError")) for r in rules if r.get("lastError")]
        assert [] == flow.prometheus.api("alerts")["data"]["alerts"]

    def test_stopping_the_worker_makes_worker_down_pending(self, flow: Flow) -> None:
        """With the worker stopped, up drops to 0 and DermclaimsWorkerDown becomes pending (it fires after
        its `for: 2m`). Runs last in this module: it stops the shared worker."""
        flow.deployment.stop_all()

        def pending() -> bool:
            alerts = flow.prometheus.api("alerts")["data"]["alerts"]
            return any(a["labels"]["alertname"] == "DermclaimsWorkerDown" and a["state"] == "pending" for a in alerts)

        flow.timings["worker down pending"] = flow.prometheus.wait_for("DermclaimsWorkerDown pending", pending, 60)


class TestOpsFiles:
    def test_promtool_checks_and_alert_unit_tests(self) -> None:
        """promtool accepts the scrape config and the rules, and the alert unit tests pass."""
        promtool = binary("promtool")
        for args in (
            ["check", "config", str(PROMETHEUS_DIR / "prometheus.yml")],
            ["check", "rules", str(ALERTS)],
            ["test", "rules", *map(str, ALERT_TESTS)],
        ):
            result = subprocess.run([promtool, *args], capture_output=True, text=True, timeout=120, check=False)
            assert result.returncode == 0, f"promtool {' '.join(args)}:\n{result.stdout}\n{result.stderr}"

    def test_every_alert_is_tested_labelled_and_has_a_runbook_anchor(self) -> None:
        """Each alert has a severity, summary, description and a runbook_url whose anchor is a runbook heading,
        and each is named in the promtool tests both firing and not firing."""
        anchors = {
            re.sub(r"[^a-z0-9 -]", "", heading.strip().lower()).replace(" ", "-")
            for heading in re.findall(r"^#+ (.+)$", RUNBOOK.read_text(), re.MULTILINE)
        }
        tests = [test for path in ALERT_TESTS for test in yaml.safe_load(path.read_text())["tests"]]
        cases = [case for test in tests for case in test["alert_rule_test"]]
        for rule in alert_rules():
            name = rule["alert"]
            assert rule["labels"]["severity"] in {"critical", "warning", "info"}, name
            assert {"summary", "description", "runbook_url"} <= set(rule["annotations"]), name
            path, _, anchor = rule["annotations"]["runbook_url"].partition("#")
            assert path == "ops/runbook.md", name
            assert anchor in anchors, f"{name}: no heading for #{anchor} in ops/runbook.md"
            mine = [case for case in cases if case["alertname"] == name]
            assert any(case["exp_alerts"] for case in mine), f"{name}: no firing test"
            assert any(not case["exp_alerts"] for case in mine), f"{name}: no not-firing test"

    def test_grafana_provisioning_matches_compose(self) -> None:
        """The datasource points at the compose Prometheus with the uid the panels use, and the dashboard
        provider reads the folder compose mounts the dashboards into."""
        compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
        (source,) = yaml.safe_load((GRAFANA_PROVISIONING / "datasources" / "prometheus.yml").read_text())["datasources"]
        prometheus_port = compose["services"]["prometheus"]["ports"][0].split(":")[-1]
        assert f"http://prometheus:{prometheus_port}" == source["url"]
        dashboard = json.loads(DASHBOARD.read_text())
        uids = {panel["datasource"]["uid"] for panel in dashboard["panels"] if "datasource" in panel}
        assert {source["uid"]} == uids
        (provider,) = yaml.safe_load((GRAFANA_PROVISIONING / "dashboards" / "dashboards.yml").read_text())["providers"]
        mounts = dict(volume.split(":")[:2] for volume in compose["services"]["grafana"]["volumes"])
        assert provider["options"]["path"] == mounts["./ops/grafana/dashboards"]
        assert "/etc/grafana/provisioning" == mounts["./ops/grafana/provisioning"]
