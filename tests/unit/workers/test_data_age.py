"""Claims dated after the newest loaded quarter: counted by table, warned about once (not once per claim)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from rules.engine import evaluate
from rules.testing import default_ruleset, make_claim
from workers.data_age import BeyondDataWarning
from workers.metrics import PREFIX, build_metrics


def verdict_on(day: str):
    return evaluate(make_claim([{"code": "11600", "service_date": day}]), default_ruleset())


def test_claims_beyond_the_newest_quarter_are_counted_by_table() -> None:
    """Packaged tables: PTP and AOC are 2024 Q2, so a 2026-03 claim is beyond both; a 2024-05 claim is not."""
    registry = CollectorRegistry()
    metrics = build_metrics(registry, default_ruleset(), "test")
    for day in ("2026-03-02", "2026-03-03", "2024-05-06"):
        metrics.observe_verdict(verdict_on(day))
    name = PREFIX + "claims_beyond_data_total"
    assert registry.get_sample_value(name, {"table": "ptp"}) == 2
    assert registry.get_sample_value(name, {"table": "addon"}) == 2
    assert registry.get_sample_value(name, {"table": "mue"}) == 0


def test_the_warning_comes_once_per_table_and_names_the_edition() -> None:
    said: list[str] = []
    warning = BeyondDataWarning(said.append)
    for day in ("2026-03-02", "2026-03-03", "2026-09-07"):
        warning.observe(verdict_on(day))
    # PTP and AOC from the first claim; the MUE (2026 Q2) only once a claim is past 2026-06-30.
    assert len(said) == 3
    assert "newest loaded PTP quarter" in said[0]
    assert "ccipra-v301r0 (2024-04-01..2024-06-30)" in said[0]
    assert "CLAIMS_RULES__DATA_DIR" in said[0]
    assert "mue-2026-04-01" in said[2]


def test_no_warning_within_the_newest_quarter() -> None:
    said: list[str] = []
    BeyondDataWarning(said.append).observe(verdict_on("2024-05-06"))
    assert said == []
