"""All Prometheus metrics of the worker, built per registry (style.md #30-#32).

Labels are bounded: topic, outcome, reason, rule_code, severity, status, action, carc. Never claim ids,
member ids, NPIs or procedure codes.
"""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from rules.engine import Verdict
from rules.ruleset import RuleSet
from schemas import DeadLetterReason, DenialRework

PREFIX = "claims_worker_"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)
ENGINE_BUCKETS = (0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05)


@dataclass(frozen=True)
class WorkerMetrics:
    registry: CollectorRegistry
    events_consumed: Counter
    events_produced: Counter
    dead_letters: Counter
    findings: Counter
    claims: Counter
    rework_items: Counter
    rework_dollars: Counter
    dollars_at_risk: Counter
    latency: Histogram
    evaluate_seconds: Histogram
    build_info: Gauge
    last_progress: Gauge
    committed_offset: Gauge
    end_offset: Gauge
    table_keys: Gauge

    def observe_verdict(self, verdict: Verdict) -> None:
        self.claims.labels(status=verdict.status).inc()
        for finding in verdict.findings:
            self.findings.labels(rule_code=finding.rule, severity=finding.severity.value).inc()
            if finding.revenue_impact is not None and finding.revenue_impact > 0:
                self.dollars_at_risk.inc(float(finding.revenue_impact))

    def observe_rework(self, items: list[DenialRework]) -> None:
        for item in items:
            self.rework_items.labels(action=item.action.value, carc=item.reason).inc()
            kind = (
                "written_off"
                if item.action.value == "write_off"
                else ("review" if item.action.value == "review" else "recoverable")
            )
            self.rework_dollars.labels(kind=kind).inc(float(item.denied_amount))


def build_metrics(registry: CollectorRegistry, ruleset: RuleSet, version: str) -> WorkerMetrics:
    """Create every metric on `registry` and pre-initialise the bounded label values."""
    metrics = WorkerMetrics(
        registry=registry,
        events_consumed=Counter(
            PREFIX + "events_consumed_total",
            "Input events consumed, by topic and outcome (accepted/failed).",
            ["topic", "outcome"],
            registry=registry,
        ),
        events_produced=Counter(
            PREFIX + "events_produced_total", "Output events produced, by topic.", ["topic"], registry=registry
        ),
        dead_letters=Counter(
            PREFIX + "dead_letters_total",
            "Inputs sent to the dead-letter topic, by reason.",
            ["reason"],
            registry=registry,
        ),
        findings=Counter(
            PREFIX + "findings_total",
            "Scrub findings, by rule code and severity.",
            ["rule_code", "severity"],
            registry=registry,
        ),
        claims=Counter(PREFIX + "claims_total", "Claims scrubbed, by verdict status.", ["status"], registry=registry),
        rework_items=Counter(
            PREFIX + "rework_items_total",
            "Denial rework items produced, by action and CARC.",
            ["action", "carc"],
            registry=registry,
        ),
        rework_dollars=Counter(
            PREFIX + "rework_dollars_total",
            "Denied dollars in rework items, by kind (recoverable, written_off, review).",
            ["kind"],
            registry=registry,
        ),
        dollars_at_risk=Counter(
            PREFIX + "findings_revenue_dollars_total",
            "Revenue at stake in scrub findings (sum of positive revenue_impact), in dollars.",
            registry=registry,
        ),
        latency=Histogram(
            PREFIX + "processing_latency_seconds",
            "Event time (occurred_at) to output, in seconds.",
            ["topic"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        ),
        evaluate_seconds=Histogram(
            PREFIX + "evaluate_seconds",
            "Rule-engine time per claim, in seconds.",
            buckets=ENGINE_BUCKETS,
            registry=registry,
        ),
        build_info=Gauge(
            PREFIX + "build_info",
            "Build information (always 1).",
            ["version", "ruleset_version", "data_version"],
            registry=registry,
        ),
        last_progress=Gauge(
            PREFIX + "partition_last_progress_timestamp_seconds",
            "Unix time an input of this partition was last processed.",
            ["topic", "partition"],
            registry=registry,
        ),
        committed_offset=Gauge(
            PREFIX + "partition_committed_offset",
            "Committed consumer offset.",
            ["topic", "partition"],
            registry=registry,
        ),
        end_offset=Gauge(
            PREFIX + "partition_end_offset",
            "Log end offset (high watermark).",
            ["topic", "partition"],
            registry=registry,
        ),
        table_keys=Gauge(
            PREFIX + "table_keys", "Keys held in a state table partition.", ["table", "partition"], registry=registry
        ),
    )
    data_version = ";".join(f"{k}={v}" for k, v in sorted(ruleset.data_labels().items()))
    metrics.build_info.labels(version=version, ruleset_version=ruleset.version, data_version=data_version).set(1)
    for reason in DeadLetterReason:
        metrics.dead_letters.labels(reason=reason.value)
    for rule in ruleset.rules:
        for severity in ("error", "warning", "info"):
            metrics.findings.labels(rule_code=rule.code, severity=severity)
    for status in ("clean", "flagged", "rejected"):
        metrics.claims.labels(status=status)
    return metrics
