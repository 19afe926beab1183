"""All Prometheus metrics of the worker, built per registry.

Names carry the `claims_worker_` prefix, counters end in `_total`, durations are `_seconds` histograms and
money is in dollars (the base unit of the wire format's decimal strings). Labels are bounded: topic (the
logical topic name, never the per-deployment prefix), outcome, reason, rule_code (the rule registry),
severity, status, action, from_action/to_action (the rework actions, or `unknown`), carc (CARC-shaped codes
only, else `other`), kind, direction, table, partition, and the three build_info labels. Never claim ids,
member ids, NPIs, procedure codes or free text. docs/metrics.md lists them.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from rules.engine import Verdict
from rules.outcomes.carc_groups import CARC_GROUPS
from rules.outcomes.lifecycle import FUNNEL, funnel_steps
from rules.ruleset import RuleSet
from schemas import DeadLetterReason, DenialRework, ReworkAction

if TYPE_CHECKING:
    from workers.loop_state import LoopTrace
    from workers.rework_state import Waiting

PREFIX = "claims_worker_"
# Event time to output: from a few ms (live) to minutes (a backlog being worked off).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)
ENGINE_BUCKETS = (0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05)

# Logical topic names (WorkerSettings.topics fields): what the `topic` label carries.
INPUT_TOPICS = ("claims_submitted", "remits_received", "x12_raw")
OUTPUT_TOPICS = ("claims_validated", "denials_rework", "deadletter", "claims_submitted", "remits_received")
EVENT_TIME_TOPICS = ("claims_submitted", "remits_received")  # inputs that carry occurred_at
CONSUMED_OUTCOMES = ("accepted", "failed")
CLAIM_STATUSES = ("clean", "flagged", "rejected")
SEVERITIES = ("error", "warning", "info")
REWORK_KINDS = ("recoverable", "written_off", "review")
REVENUE_DIRECTIONS = ("underbilled", "overbilled")
PREDICTION_RULE_OUTCOMES = ("predicted", "false_alarm", "prevented")
OFFSET_HOLE_RESOLUTIONS = ("reread", "empty")  # workers.delivery: skipped messages re-read, or offsets without a record
# X12 CARC codes are 1-3 digits or a letter and 1-2 digits (A1, B15, P24); anything else is `other`, so a
# malformed remittance cannot create label values at will.
_CARC = re.compile(r"^(?:[1-9][0-9]{0,2}|[A-Z][0-9]{1,2})$")


def carc_label(reason: str) -> str:
    """The `carc` label value: the code when it is CARC-shaped, else `other` (bounded cardinality)."""
    code = reason.strip().upper()
    return code if _CARC.match(code) else "other"


def rework_kind(action: ReworkAction) -> str:
    """Recoverable (resubmit, correct, appeal), written off, or still to be reviewed."""
    if action is ReworkAction.WRITE_OFF:
        return "written_off"
    if action is ReworkAction.REVIEW:
        return "review"
    return "recoverable"


@dataclass(frozen=True)
class WorkerMetrics:
    registry: CollectorRegistry
    events_consumed: Counter
    events_produced: Counter
    dead_letters: Counter
    findings: Counter
    claims: Counter
    claims_beyond_data: Counter
    rework_items: Counter
    rework_dollars: Counter
    rework_updates: Counter
    rework_waiting_evicted: Counter
    dollars_at_risk: Counter
    latency: Histogram
    evaluate_seconds: Histogram
    build_info: Gauge
    last_progress: Gauge
    committed_offset: Gauge
    end_offset: Gauge
    table_keys: Gauge
    offset_holes: Counter
    prediction_rule_lines: Counter
    prediction_denials: Counter
    prediction_denied_dollars: Counter
    rework_funnel: Counter
    rework_funnel_dollars: Counter
    # Label children already looked up, per metric and label values (`labels()` takes a lock and builds a key:
    # ~5 µs, several times per claim). Only series that are never removed are kept here (bounded labels).
    _children: dict[tuple[int, tuple[str, ...]], Any] = field(default_factory=dict, compare=False, repr=False)

    def _labeled(self, metric: Counter | Histogram, *values: str) -> Any:
        key = (id(metric), values)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*values)
        return child

    def observe_verdict(self, verdict: Verdict) -> None:
        self._labeled(self.claims, verdict.status).inc()
        for table in verdict.beyond_data:
            self._labeled(self.claims_beyond_data, table).inc()
        for finding in verdict.findings:
            self._labeled(self.findings, finding.rule, finding.severity.value).inc()
            impact = finding.revenue_impact
            if impact is not None and impact != 0:
                direction = "underbilled" if impact > 0 else "overbilled"
                self._labeled(self.dollars_at_risk, direction).inc(float(abs(impact)))

    def observe_rework(self, items: list[DenialRework], waiting: Waiting | None = None) -> None:
        for item in items:
            self.rework_items.labels(action=item.action.value, carc=carc_label(item.reason)).inc()
            self.rework_dollars.labels(kind=rework_kind(item.action)).inc(float(item.denied_amount))
            if item.revision > 1:
                before = item.previous_action.value if item.previous_action else "unknown"
                self.rework_updates.labels(from_action=before, to_action=item.action.value).inc()
        if waiting is not None and waiting.evicted:
            self.rework_waiting_evicted.inc(waiting.evicted)

    def observe_loop(self, trace: LoopTrace | None, items: list[DenialRework]) -> None:
        """The payer's answer against the verdict (per rule, per CARC group) and the rework funnel's steps."""
        if trace is not None:
            for judgement in trace.judgements:
                for rule in judgement.rules:
                    self.prediction_rule_lines.labels(rule_code=rule, judgement=judgement.outcome).inc()
                if judgement.outcome in ("predicted", "missed"):
                    group = judgement.carc_group or "other"
                    self.prediction_denials.labels(carc_group=group, judgement=judgement.outcome).inc()
                    self.prediction_denied_dollars.labels(carc_group=group, judgement=judgement.outcome).inc(
                        float(judgement.amount)
                    )
        for item in items:
            for step, dollars in funnel_steps(item):
                self.rework_funnel.labels(stage=step).inc()
                self.rework_funnel_dollars.labels(stage=step).inc(float(dollars))

    def observe_latency(self, topic: str, occurred_at: datetime, now: float | None = None) -> None:
        """Event time to now; a clock-skewed future event time counts as 0, never negative."""
        if occurred_at.tzinfo is None:  # RFC 3339 requires an offset; read a naive time as UTC, not local
            occurred_at = occurred_at.replace(tzinfo=UTC)
        elapsed = (time.time() if now is None else now) - occurred_at.timestamp()
        self._labeled(self.latency, topic).observe(max(elapsed, 0.0))


def build_metrics(registry: CollectorRegistry, ruleset: RuleSet, version: str) -> WorkerMetrics:
    """Create every metric on `registry` and pre-initialise the bounded label values."""
    metrics = WorkerMetrics(
        registry=registry,
        events_consumed=Counter(
            PREFIX + "events_consumed_total",
            "Input events consumed, by logical topic and outcome (accepted, or failed = dead-lettered).",
            ["topic", "outcome"],
            registry=registry,
        ),
        events_produced=Counter(
            PREFIX + "events_produced_total",
            "Output events handed to the producer, by logical topic.",
            ["topic"],
            registry=registry,
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
        claims_beyond_data=Counter(
            PREFIX + "claims_beyond_data_total",
            "Claims dated after the newest loaded quarter of an edit table (ptp, mue, addon), scrubbed with that "
            "newest edition all the same: load newer CMS quarterly files.",
            ["table"],
            registry=registry,
        ),
        rework_items=Counter(
            PREFIX + "rework_items_total",
            "Denial rework items produced, by action and CARC (other when not CARC-shaped).",
            ["action", "carc"],
            registry=registry,
        ),
        rework_dollars=Counter(
            PREFIX + "rework_dollars_total",
            "Denied dollars in rework items, by kind (recoverable, written_off, review).",
            ["kind"],
            registry=registry,
        ),
        rework_updates=Counter(
            PREFIX + "rework_updates_total",
            "Rework items produced as a new revision of their rework_id (the decision changed: the claim arrived "
            "after the remittance, a reversal closed it), by the previous and the new action.",
            ["from_action", "to_action"],
            registry=registry,
        ),
        rework_waiting_evicted=Counter(
            PREFIX + "rework_waiting_evicted_total",
            "Remittances dropped from a claim's full waiting list (oldest first) before the claim arrived.",
            registry=registry,
        ),
        dollars_at_risk=Counter(
            PREFIX + "findings_dollars_at_risk_total",
            "Dollars at stake in scrub findings (|revenue_impact|), by direction: underbilled (the fix adds "
            "revenue) or overbilled (the fix removes a charge that would be denied or recouped).",
            ["direction"],
            registry=registry,
        ),
        latency=Histogram(
            PREFIX + "processing_latency_seconds",
            "Event time (occurred_at) to the outputs handed to the producer, by input logical topic, in seconds.",
            ["topic"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        ),
        evaluate_seconds=Histogram(
            PREFIX + "evaluate_seconds",
            "Rule-engine time per claim (decode, evaluate, route), in seconds.",
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
            "Unix time an input of this assigned partition was last processed (or the partition was assigned).",
            ["topic", "partition"],
            registry=registry,
        ),
        committed_offset=Gauge(
            PREFIX + "partition_committed_offset",
            "Committed consumer-group offset (next offset to process) of an assigned input partition; the log "
            "start offset while the group has no commit there.",
            ["topic", "partition"],
            registry=registry,
        ),
        end_offset=Gauge(
            PREFIX + "partition_end_offset",
            "Log end offset (high watermark) of an assigned input partition; lag = end - committed.",
            ["topic", "partition"],
            registry=registry,
        ),
        table_keys=Gauge(
            PREFIX + "table_keys",
            "Keys held in a state table partition (RocksDB: the store's estimate; memory store: partition=all).",
            ["table", "partition"],
            registry=registry,
        ),
        offset_holes=Counter(
            PREFIX + "offset_holes_total",
            "Holes in an input partition's processed offsets older than the grace period, by logical topic and "
            "resolution: reread (records the fetcher skipped, sought back and processed) or empty (no record there).",
            ["topic", "resolution"],
            registry=registry,
        ),
        prediction_rule_lines=Counter(
            PREFIX + "prediction_rule_lines_total",
            "Claim lines a rule flagged, judged against the payer's first answer, by rule code and outcome: predicted "
            "(denied with a CARC the rule's category explains), false_alarm (paid although flagged), prevented "
            "(went out corrected as the rule suggested and was paid). Precision = predicted / (predicted + "
            "false_alarm).",
            ["rule_code", "judgement"],
            registry=registry,
        ),
        prediction_denials=Counter(
            PREFIX + "prediction_denials_total",
            "Denied claim lines, by CARC group and outcome: predicted (a rule whose category explains the CARC "
            "flagged the line) or missed. Recall = predicted / (predicted + missed).",
            ["carc_group", "judgement"],
            registry=registry,
        ),
        prediction_denied_dollars=Counter(
            PREFIX + "prediction_denied_dollars_total",
            "Denied dollars of judged claim lines, by CARC group and outcome (predicted, missed).",
            ["carc_group", "judgement"],
            registry=registry,
        ),
        rework_funnel=Counter(
            PREFIX + "rework_funnel_total",
            "Rework items entering each funnel stage: opened, resubmitted, paid, denied_again, written_off, expired.",
            ["stage"],
            registry=registry,
        ),
        rework_funnel_dollars=Counter(
            PREFIX + "rework_funnel_dollars_total",
            "Dollars entering each funnel stage: denied dollars, except paid = the dollars recovered.",
            ["stage"],
            registry=registry,
        ),
    )
    data_version = ";".join(f"{k}={v}" for k, v in sorted(ruleset.data_labels().items()))
    metrics.build_info.labels(version=version, ruleset_version=ruleset.version, data_version=data_version).set(1)
    for topic in INPUT_TOPICS:
        for outcome in CONSUMED_OUTCOMES:
            metrics.events_consumed.labels(topic=topic, outcome=outcome)
    for topic in OUTPUT_TOPICS:
        metrics.events_produced.labels(topic=topic)
    for topic in EVENT_TIME_TOPICS:
        metrics.latency.labels(topic=topic)
    for reason in DeadLetterReason:
        metrics.dead_letters.labels(reason=reason.value)
    for rule in ruleset.rules:
        for severity in SEVERITIES:
            metrics.findings.labels(rule_code=rule.code, severity=severity)
    for status in CLAIM_STATUSES:
        metrics.claims.labels(status=status)
    for table in ("ptp", "mue", "addon"):
        metrics.claims_beyond_data.labels(table=table)
    for kind in REWORK_KINDS:
        metrics.rework_dollars.labels(kind=kind)
    for before in ReworkAction:
        for after in ReworkAction:
            metrics.rework_updates.labels(from_action=before.value, to_action=after.value)
    for direction in REVENUE_DIRECTIONS:
        metrics.dollars_at_risk.labels(direction=direction)
    for topic in INPUT_TOPICS:
        for resolution in OFFSET_HOLE_RESOLUTIONS:
            metrics.offset_holes.labels(topic=topic, resolution=resolution)
    for rule in ruleset.rules:
        for outcome in PREDICTION_RULE_OUTCOMES:
            metrics.prediction_rule_lines.labels(rule_code=rule.code, judgement=outcome)
    for group in CARC_GROUPS:
        for outcome in ("predicted", "missed"):
            metrics.prediction_denials.labels(carc_group=group, judgement=outcome)
            metrics.prediction_denied_dollars.labels(carc_group=group, judgement=outcome)
    for stage in FUNNEL:
        metrics.rework_funnel.labels(stage=stage)
        metrics.rework_funnel_dollars.labels(stage=stage)
    return metrics


@dataclass(frozen=True)
class AuditMetrics:
    """What `dermclaims audit --serve` exports: the result of its latest run, per input logical topic."""

    registry: CollectorRegistry
    inputs: Gauge
    missing: Gauge
    duplicated: Gauge
    uncommitted: Gauge
    last_success: Gauge
    duration: Gauge
    interval: Gauge
    runs: Counter


AUDIT_OUTCOMES = ("ok", "failed")


def build_audit_metrics(
    registry: CollectorRegistry, interval: float, topics: Iterable[str] = INPUT_TOPICS
) -> AuditMetrics:
    """Create the audit exporter's metrics on `registry`; the audited topics' labels start at 0."""

    def per_topic(name: str, what: str) -> Gauge:
        return Gauge(PREFIX + name, what, ["topic"], registry=registry)

    metrics = AuditMetrics(
        registry=registry,
        inputs=per_topic("audit_inputs", "Inputs in the audited window of the latest audit, by logical topic."),
        missing=per_topic(
            "audit_missing_inputs",
            "Inputs below the group's committed offset with no output, dead letter or ledger entry: lost.",
        ),
        duplicated=per_topic(
            "audit_duplicated_inputs", "Inputs whose identical output was written more than once (redelivered)."
        ),
        uncommitted=per_topic(
            "audit_uncommitted_inputs", "Inputs at or above the group's committed offset (not processed or stuck)."
        ),
        last_success=Gauge(
            PREFIX + "audit_last_success_timestamp_seconds",
            "Unix time the latest successful audit finished (0 until the first one).",
            registry=registry,
        ),
        duration=Gauge(PREFIX + "audit_duration_seconds", "Duration of the latest audit.", registry=registry),
        interval=Gauge(PREFIX + "audit_interval_seconds", "Seconds between two audits (--every).", registry=registry),
        runs=Counter(
            PREFIX + "audit_runs_total", "Audits run, by outcome (ok, failed).", ["outcome"], registry=registry
        ),
    )
    metrics.interval.set(interval)
    for topic in topics:
        for gauge in (metrics.inputs, metrics.missing, metrics.duplicated, metrics.uncommitted):
            gauge.labels(topic=topic)
    for outcome in AUDIT_OUTCOMES:
        metrics.runs.labels(outcome=outcome)
    return metrics
