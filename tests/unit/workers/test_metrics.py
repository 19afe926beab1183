"""Metric names, units and labels follow prometheus.io and style.md #30-#32; observations land where they should."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from rules.engine import Verdict
from rules.model import Category, Finding, Severity
from rules.outcomes.carc_groups import CARC_GROUPS
from rules.outcomes.lifecycle import FUNNEL
from rules.testing import default_ruleset
from schemas import DeadLetterReason, DenialRework, ReworkAction
from workers import metrics as metrics_module
from workers.metrics import PREFIX, WorkerMetrics, build_metrics, carc_label, rework_kind

# Every label name the worker may use. A new one is a design decision: add it here and to docs/metrics.md.
ALLOWED_LABELS = {
    "topic",
    "carc_group",  # rules/data/carc_groups.csv groups, or other
    "stage",  # the rework funnel stages
    "judgement",  # predicted, missed, false_alarm, prevented
    "outcome",
    "reason",
    "rule_code",
    "severity",
    "status",
    "action",
    "from_action",
    "to_action",
    "carc",
    "kind",
    "resolution",
    "direction",
    "table",
    "partition",
    "version",
    "ruleset_version",
    "data_version",
}
# Identifiers and PHI never become labels (cardinality and privacy). `rule_code` (the rule registry) and `carc`
# (a bounded code list) are the only code-valued labels.
BANNED_LABEL = re.compile(r"claim|member|patient|npi|provider|payer|procedure|cpt|hcpcs|icd|diag|dx|line|^code$|_id$")
BASE_UNIT_VIOLATIONS = re.compile(r"_(milliseconds|ms|microseconds|minutes|hours|days|cents|kilobytes|megabytes)(_|$)")
# Label values that come from closed vocabularies (the other labels are checked by their own tests).
VOCABULARIES = {
    "topic": set(metrics_module.INPUT_TOPICS) | set(metrics_module.OUTPUT_TOPICS),
    "outcome": set(metrics_module.CONSUMED_OUTCOMES),
    "reason": {r.value for r in DeadLetterReason},
    "severity": {s.value for s in Severity},
    "status": set(metrics_module.CLAIM_STATUSES),
    "action": {a.value for a in ReworkAction},
    "from_action": {a.value for a in ReworkAction} | {"unknown"},
    "to_action": {a.value for a in ReworkAction},
    "kind": set(metrics_module.REWORK_KINDS),
    "direction": set(metrics_module.REVENUE_DIRECTIONS),
    "resolution": set(metrics_module.OFFSET_HOLE_RESOLUTIONS),
    "judgement": {"predicted", "missed", "false_alarm", "prevented"},
    "stage": set(FUNNEL),
    "carc_group": set(CARC_GROUPS),
}


@pytest.fixture
def metrics() -> WorkerMetrics:
    return build_metrics(CollectorRegistry(), default_ruleset(), "9.9.9")


def families(metrics: WorkerMetrics) -> list[Any]:
    return list(metrics.registry.collect())


def finding(rule: str, severity: Severity, impact: str | None) -> Finding:
    return Finding(
        rule=rule,
        category=Category.PTP_BUNDLE,
        severity=severity,
        line_ids=("1",),
        message="m",
        reference="r",
        revenue_impact=None if impact is None else Decimal(impact),
    )


def rework(action: ReworkAction, reason: str, amount: str, **update: Any) -> DenialRework:
    return DenialRework(
        rework_id="rw-1",
        claim_id="PCN-SECRET-1",
        line_id="2",
        code="11102",
        service_date=date(2026, 3, 2),
        group_code="CO",
        reason=reason,
        denied_amount=Decimal(amount),
        cause="unknown",
        action=action,
        rationale="r",
        priority=Decimal(amount),
        deadline=None,
        **update,
    )


def exercise(metrics: WorkerMetrics) -> None:
    """Drive every observe method once with realistic and hostile inputs."""
    metrics.observe_verdict(
        Verdict(
            "flagged",
            (finding("BND001", Severity.ERROR, "95.53"), finding("MUE001", Severity.WARNING, "-40.00")),
            (),
            {},
            "v",
        )
    )
    metrics.observe_rework(
        [
            rework(ReworkAction.RESUBMIT_WITH_MODIFIER, "97", "100.00"),
            rework(ReworkAction.WRITE_OFF, "B15", "20.00"),
            rework(ReworkAction.REVIEW, "ZZZZZ", "5.00"),
            rework(ReworkAction.WRITE_OFF, "97", "7.00", revision=2, previous_action=ReworkAction.REVIEW),
            rework(ReworkAction.REVIEW, "97", "7.00", revision=2),  # recorded before revisions: action unknown
        ]
    )
    metrics.observe_latency("claims_submitted", datetime.now(UTC) - timedelta(seconds=2))
    metrics.evaluate_seconds.observe(0.001)
    metrics.events_consumed.labels(topic="claims_submitted", outcome="accepted").inc()
    metrics.events_produced.labels(topic="claims_validated").inc()
    metrics.dead_letters.labels(reason="schema_invalid").inc()
    metrics.last_progress.labels(topic="claims_submitted", partition="0").set(1.0)
    metrics.committed_offset.labels(topic="claims_submitted", partition="0").set(3)
    metrics.end_offset.labels(topic="claims_submitted", partition="0").set(4)
    metrics.table_keys.labels(table="claims", partition="all").set(7)


def value(metrics: WorkerMetrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


class TestNaming:
    def test_every_metric_has_the_prefix(self, metrics: WorkerMetrics) -> None:
        """Every family the worker registers is named claims_worker_*."""
        names = [family.name for family in families(metrics)]
        assert [name for name in names if not name.startswith(PREFIX)] == []
        assert len(names) == len(set(names))

    def test_counters_end_in_total(self, metrics: WorkerMetrics) -> None:
        """Every counter sample is exposed as *_total (besides client_python's *_created timestamps)."""
        exercise(metrics)
        bad = [
            sample.name
            for family in families(metrics)
            if family.type == "counter"
            for sample in family.samples
            if not sample.name.endswith(("_total", "_created"))
        ]
        assert bad == []
        gauges = [family.name for family in families(metrics) if family.type == "gauge"]
        assert [name for name in gauges if name.endswith("_total")] == []

    def test_durations_are_seconds_histograms(self, metrics: WorkerMetrics) -> None:
        """Every histogram is a *_seconds duration, and every *_seconds duration (not a timestamp) is a histogram."""
        typed = {family.name: family.type for family in families(metrics)}
        histograms = {name for name, kind in typed.items() if kind == "histogram"}
        durations = {
            name
            for name in typed
            if re.search(r"seconds|latency|duration|time", name) and not name.endswith("_timestamp_seconds")
        }
        assert {PREFIX + "processing_latency_seconds", PREFIX + "evaluate_seconds"} == histograms
        assert histograms == durations
        assert all(name.endswith("_seconds") for name in durations)

    def test_only_base_units(self, metrics: WorkerMetrics) -> None:
        """No milliseconds, minutes, cents or kilobytes in a name: seconds, bytes and dollars only."""
        assert [f.name for f in families(metrics) if BASE_UNIT_VIOLATIONS.search(f.name)] == []


class TestLabels:
    def test_label_names_are_known_and_never_identifiers(self, metrics: WorkerMetrics) -> None:
        """Only the documented label names; none named like a claim, member, NPI, patient or procedure code."""
        exercise(metrics)
        used = {name for family in families(metrics) for sample in family.samples for name in sample.labels}
        used.discard("le")  # histogram buckets
        assert set() == used - ALLOWED_LABELS
        assert sorted(name for name in used if BANNED_LABEL.search(name) and name != "rule_code") == []

    def test_label_values_are_bounded(self, metrics: WorkerMetrics) -> None:
        """Closed vocabularies stay closed; rule codes come from the registry; CARCs are CARC-shaped or `other`."""
        exercise(metrics)
        codes = {rule.code for rule in default_ruleset().rules}
        for family in families(metrics):
            for sample in family.samples:
                for name, label_value in sample.labels.items():
                    if name in VOCABULARIES:
                        assert label_value in VOCABULARIES[name], (sample.name, name, label_value)
                    elif name == "rule_code":
                        assert label_value in codes, label_value
                    elif name == "carc":
                        assert label_value == "other" or re.fullmatch(r"[1-9]\d{0,2}|[A-Z]\d{1,2}", label_value)
                    elif name == "partition":
                        assert label_value == "all" or label_value.isdigit()
                    assert "PCN-SECRET" not in label_value

    def test_label_sets_are_preinitialised(self, metrics: WorkerMetrics) -> None:
        """Every rule code x severity, dead-letter reason, status and input topic is exported at 0 from the start."""
        ruleset = default_ruleset()
        for rule in ruleset.rules:
            for severity in ("error", "warning", "info"):
                assert value(metrics, PREFIX + "findings_total", rule_code=rule.code, severity=severity) == 0.0
        for reason in DeadLetterReason:
            assert value(metrics, PREFIX + "dead_letters_total", reason=reason.value) == 0.0
        for status in ("clean", "flagged", "rejected"):
            assert value(metrics, PREFIX + "claims_total", status=status) == 0.0
        for topic in ("claims_submitted", "remits_received", "x12_raw"):
            for outcome in ("accepted", "failed"):
                assert value(metrics, PREFIX + "events_consumed_total", topic=topic, outcome=outcome) == 0.0
        for kind in ("recoverable", "written_off", "review"):
            assert value(metrics, PREFIX + "rework_dollars_total", kind=kind) == 0.0

    def test_build_info_is_one_series_set_to_one(self, metrics: WorkerMetrics) -> None:
        """build_info carries version, ruleset and data versions, value 1."""
        (family,) = [f for f in families(metrics) if f.name == PREFIX + "build_info"]
        (sample,) = family.samples
        assert sample.value == 1.0
        assert {"version", "ruleset_version", "data_version"} == set(sample.labels)
        assert sample.labels["version"] == "9.9.9"
        assert default_ruleset().version == sample.labels["ruleset_version"]
        assert "ptp=" in sample.labels["data_version"]


class TestObservations:
    def test_verdict_counts_status_findings_and_dollars_by_direction(self, metrics: WorkerMetrics) -> None:
        """A flagged claim counts once, each finding once, and |revenue_impact| by sign."""
        exercise(metrics)
        assert value(metrics, PREFIX + "claims_total", status="flagged") == 1.0
        assert value(metrics, PREFIX + "findings_total", rule_code="BND001", severity="error") == 1.0
        assert value(metrics, PREFIX + "findings_total", rule_code="MUE001", severity="warning") == 1.0
        underbilled = value(metrics, PREFIX + "findings_dollars_at_risk_total", direction="underbilled")
        assert underbilled == pytest.approx(95.53)
        assert value(metrics, PREFIX + "findings_dollars_at_risk_total", direction="overbilled") == 40.0

    def test_rework_counts_items_by_action_and_carc_and_dollars_by_kind(self, metrics: WorkerMetrics) -> None:
        """Resubmissions are recoverable, write-offs written off; a malformed CARC is `other`."""
        exercise(metrics)
        rework_items = PREFIX + "rework_items_total"
        assert value(metrics, rework_items, action="resubmit_with_modifier", carc="97") == 1.0
        assert value(metrics, rework_items, action="write_off", carc="B15") == 1.0
        assert value(metrics, rework_items, action="review", carc="other") == 1.0
        assert value(metrics, PREFIX + "rework_dollars_total", kind="recoverable") == 100.0
        assert value(metrics, PREFIX + "rework_dollars_total", kind="written_off") == 27.0
        assert value(metrics, PREFIX + "rework_dollars_total", kind="review") == 12.0

    def test_rework_updates_count_revisions_by_previous_and_new_action(self, metrics: WorkerMetrics) -> None:
        """Only revisions after the first are updates; an entry from before revisions counts as `unknown`."""
        exercise(metrics)
        updates = PREFIX + "rework_updates_total"
        assert value(metrics, updates, from_action="review", to_action="write_off") == 1.0
        assert value(metrics, updates, from_action="unknown", to_action="review") == 1.0
        assert value(metrics, updates, from_action="review", to_action="resubmit_with_modifier") == 0.0

    def test_latency_is_event_time_to_now_in_seconds(self, metrics: WorkerMetrics) -> None:
        """occurred_at 90 s ago lands in the 60-300 s buckets; a future time counts 0; naive times are UTC."""
        now = datetime(2026, 3, 3, 10, 0, tzinfo=UTC).timestamp()
        metrics.observe_latency("remits_received", datetime(2026, 3, 3, 9, 58, 30, tzinfo=UTC), now=now)
        metrics.observe_latency("remits_received", datetime(2026, 3, 3, 10, 5, tzinfo=UTC), now=now)
        metrics.observe_latency("remits_received", datetime(2026, 3, 3, 9, 59, 59), now=now)  # naive = UTC
        name = PREFIX + "processing_latency_seconds"
        assert value(metrics, name + "_count", topic="remits_received") == 3.0
        assert value(metrics, name + "_sum", topic="remits_received") == 91.0
        assert value(metrics, name + "_bucket", topic="remits_received", le="60.0") == 2.0
        assert value(metrics, name + "_bucket", topic="remits_received", le="300.0") == 3.0


class TestHelpers:
    @pytest.mark.parametrize(
        ("reason", "expected"),
        [("97", "97"), (" b15 ", "B15"), ("P24", "P24"), ("0", "other"), ("1234", "other"), ("ABCDE", "other")],
    )
    def test_carc_label(self, reason: str, expected: str) -> None:
        """CARC-shaped codes pass, anything else is `other`."""
        assert expected == carc_label(reason)

    @pytest.mark.parametrize(
        ("action", "expected"),
        [
            (ReworkAction.RESUBMIT_WITH_MODIFIER, "recoverable"),
            (ReworkAction.CORRECT_AND_RESUBMIT, "recoverable"),
            (ReworkAction.APPEAL, "recoverable"),
            (ReworkAction.WRITE_OFF, "written_off"),
            (ReworkAction.REVIEW, "review"),
        ],
    )
    def test_rework_kind(self, action: ReworkAction, expected: str) -> None:
        """Every rework action maps to one dollars kind."""
        assert expected == rework_kind(action)
