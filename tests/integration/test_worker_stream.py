"""The stream worker on a real Kafka broker: outputs, dead letters, crash recovery, rebalance."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

import orjson
import pytest

from rules.testing import make_claim
from tests.integration.harness import Deployment, values
from workers.routing import derived_id

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def claim_event(claim_id: str, event_id: str, lines: list[dict[str, Any]], **claim_extra: Any) -> bytes:
    claim = make_claim(lines, claim_id=claim_id, diagnoses=("C44.519", "D48.5"), **claim_extra)
    return orjson.dumps(
        {
            "schema": "claim.submitted.v1",
            "event_id": event_id,
            "occurred_at": "2026-03-03T10:00:00Z",
            "claim": claim.model_dump(mode="json"),
        }
    )


BIOPSY_AND_EXCISION: list[dict[str, Any]] = [
    {
        "code": "11601",
        "documentation": {
            "lesion_id": "A",
            "body_region": "trunk",
            "technique": "excision",
            "lesion_type": "malignant",
            "lesion_diameter_cm": 0.6,
            "margin_cm": 0.2,
        },
    },
    {
        "code": "11102",
        "dx_pointers": [2],
        "documentation": {
            "lesion_id": "B",
            "body_region": "arm",
            "technique": "tangential",
            "lesion_type": "uncertain",
        },
    },
]


def denial_remit(claim_id: str, event_id: str) -> bytes:
    """An 835 that pays the excision and denies the biopsy CO-97 (bundled), as a MAC would."""
    return orjson.dumps(
        {
            "schema": "remit.received.v1",
            "event_id": event_id,
            "occurred_at": "2026-04-06T12:00:00Z",
            "remit": {
                "claim_id": claim_id,
                "payer_claim_id": f"PAY-{claim_id}",
                "status_code": "1",
                "remit_date": "2026-04-06",
                "charge": "200.00",
                "paid": "80.00",
                "lines": [
                    {
                        "line_id": "1",
                        "code": "11601",
                        "units": 1,
                        "service_date": "2026-03-02",
                        "charge": "100.00",
                        "paid": "80.00",
                        "adjustments": [{"group": "PR", "reason": "2", "amount": "20.00"}],
                    },
                    {
                        "line_id": "2",
                        "code": "11102",
                        "units": 1,
                        "service_date": "2026-03-02",
                        "charge": "100.00",
                        "paid": "0.00",
                        "adjustments": [{"group": "CO", "reason": "97", "amount": "100.00"}],
                        "remarks": ["M15"],
                    },
                ],
            },
        }
    )


@pytest.mark.integration
class TestEndToEnd:
    def test_examples_flow_to_validated_and_rework_topics(self, deployment: Deployment) -> None:
        """Every example claim yields one validation; a CO-97 on a distinct-lesion biopsy yields an XS resubmission."""
        deployment.start_worker()
        claims = [orjson.loads(line) for line in (EXAMPLES / "claims.jsonl").read_bytes().splitlines()]
        deployment.produce("claims_submitted", [(c["claim"]["claim_id"].encode(), orjson.dumps(c)) for c in claims])
        validated = values(deployment.consume("claims_validated", len(claims)))
        assert len(claims) == len(validated), deployment.logs()
        by_claim = {v["claim_id"]: v for v in validated}
        assert {c["claim"]["claim_id"] for c in claims} == set(by_claim)
        for claim in claims:
            out = by_claim[claim["claim"]["claim_id"]]
            assert derived_id("claim.validated.v1", claim["event_id"]) == out["event_id"]
            assert claim["event_id"] == out["source_event_id"]
        biopsy_case = by_claim["PCN-1002"]
        assert biopsy_case["status"] == "flagged"
        assert any(f["rule"] == "BND001" and f["fix"]["modifier"] == "XS" for f in biopsy_case["findings"])
        assert next(line["modifiers"] for line in biopsy_case["corrected_lines"] if line["code"] == "11102") == ["XS"]

        remits = [orjson.loads(line) for line in (EXAMPLES / "remits.jsonl").read_bytes().splitlines()]
        deployment.produce("remits_received", [(r["remit"]["claim_id"].encode(), orjson.dumps(r)) for r in remits])
        rework = values(deployment.consume("denials_rework", 8, timeout=60))  # every item of the sample remittances
        items = {(r["claim_id"], r["line_id"]): r for r in rework}
        xs = items[("PCN-1002", "2")]
        assert (xs["action"], xs["modifier"]) == ("resubmit_with_modifier", "XS")
        assert items[("PCN-1009", "2")]["action"] == "write_off"  # biopsy of the lesion then excised: correct denial
        assert not [r for r in rework if r["claim_id"] == "PCN-1003"]  # CO-45 and PR-2 are not denials
        full_logs = "".join(p.read_text(errors="replace") for p in deployment.data_dir.glob("*.log"))
        for phi in ("PCN-10", "MBR0", "1948-05-17", "1234567893"):  # claim ids, member ids, birth dates, NPIs
            assert phi not in full_logs, f"{phi} appears in the worker's INFO log"


@pytest.mark.integration
class TestBadInput:
    def test_each_kind_of_bad_input_is_dead_lettered_and_the_worker_goes_on(self, deployment: Deployment) -> None:
        """Not JSON, wrong schema, wrong types, a huge payload, an empty value and a null key each land in
        deadletter.v1 with the right reason, and the good claim produced after them is still validated."""
        good = claim_event("PCN-OK", "evt-ok", BIOPSY_AND_EXCISION)
        wrong_types = orjson.loads(claim_event("PCN-T", "evt-t", BIOPSY_AND_EXCISION))
        wrong_types["claim"]["lines"][0]["units"] = "two"
        huge = b'{"schema":"claim.submitted.v1","event_id":"' + b"x" * 1_000_000 + b'"}'
        bad = [
            (b"PCN-A", b"this is not json", "deserialize_error"),
            (b"PCN-B", orjson.dumps({"schema": "remit.received.v1", "event_id": "r"}), "schema_invalid"),
            (b"PCN-T", orjson.dumps(wrong_types), "schema_invalid"),
            (b"PCN-H", huge, "schema_invalid"),
            (b"PCN-E", b"", "deserialize_error"),
            (None, claim_event("PCN-N", "evt-n", BIOPSY_AND_EXCISION), "schema_invalid"),
        ]
        deployment.partitions = 1  # one partition: the good claim is read after every bad one
        deployment.prefix += "x"
        deployment.create_topics()
        deployment.start_worker()
        deployment.produce("claims_submitted", [(k, v) for k, v, _ in bad] + [(b"PCN-OK", good)])
        letters = values(deployment.consume("deadletter", len(bad)))
        assert [reason for _, _, reason in bad] == [d["reason"] for d in letters], deployment.logs()
        assert all(d["source_topic"] == deployment.topic("claims_submitted") for d in letters)
        assert list(range(len(bad))) == [d["source_offset"] for d in letters]
        assert "lines.0.units" in letters[2]["error_message"]
        assert letters[3]["payload_truncated"]
        assert letters[3]["payload_size"] == len(huge)
        assert letters[5]["error_type"] == "MissingKey"
        validated = values(deployment.consume("claims_validated", 1))
        assert [v["claim_id"] for v in validated] == ["PCN-OK"]


@pytest.mark.integration
class TestCrashRecovery:
    def test_kill_9_midway_loses_nothing_and_the_table_recovers(self, deployment: Deployment, capsys) -> None:
        """10,000 claims, kill -9 while processing, restart: every input has an output, and remittances produced
        after the restart still find claims produced before it (table restored from its changelog)."""
        total = 10_000
        deployment.start_worker()
        deployment.produce(
            "claims_submitted",
            ((f"PCN-{n}".encode(), claim_event(f"PCN-{n}", f"evt-{n}", BIOPSY_AND_EXCISION)) for n in range(total)),
        )
        deadline = time.monotonic() + 180
        seen = 0
        while time.monotonic() < deadline:
            seen = len(deployment.consume("claims_validated", total // 3, timeout=5))
            if seen >= total // 3:
                break
        first = deployment.processes[-1]
        first.send_signal(signal.SIGKILL)
        first.wait()
        killed_at = seen
        deployment.start_worker()
        outputs = values(deployment.consume("claims_validated", total, timeout=900, distinct="source_event_id"))
        distinct = {o["source_event_id"] for o in outputs}
        assert {f"evt-{n}" for n in range(total)} == distinct, deployment.logs()
        redelivered = len(outputs) - len(distinct)
        with capsys.disabled():
            print(
                f"\n[crash test] killed after >= {killed_at} outputs; {len(outputs)} outputs for {total} inputs; "
                f"{redelivered} redelivered (same event_id, consumers dedupe)"
            )
        deployment.produce("remits_received", [(b"PCN-7", denial_remit("PCN-7", "rmt-7"))])
        rework = values(deployment.consume("denials_rework", 1, timeout=60))
        assert [(r["action"], r["modifier"]) for r in rework] == [("resubmit_with_modifier", "XS")], deployment.logs()


@pytest.mark.integration
class TestClaimTable:
    def test_replacement_replaces_and_void_removes_the_claim(self, deployment: Deployment) -> None:
        """A frequency-7 claim replaces the stored claim; a frequency-8 void removes it."""
        deployment.start_worker()
        same_lesion = [
            dict(BIOPSY_AND_EXCISION[0]),
            {
                **BIOPSY_AND_EXCISION[1],
                "documentation": {"lesion_id": "A", "body_region": "trunk", "technique": "tangential"},
            },
        ]
        deployment.produce(
            "claims_submitted",
            [
                (b"PCN-R", claim_event("PCN-R", "r1", same_lesion)),
                (b"PCN-R", claim_event("PCN-R", "r2", BIOPSY_AND_EXCISION, frequency_code="7")),
                (b"PCN-V", claim_event("PCN-V", "v1", BIOPSY_AND_EXCISION)),
                (b"PCN-V", claim_event("PCN-V", "v2", BIOPSY_AND_EXCISION, frequency_code="8")),
            ],
        )
        assert len(deployment.consume("claims_validated", 4)) == 4
        deployment.produce(
            "remits_received",
            [
                (b"PCN-R", denial_remit("PCN-R", "rr")),
                (b"PCN-V", denial_remit("PCN-V", "rv")),
            ],
        )
        rework = {r["claim_id"]: r for r in values(deployment.consume("denials_rework", 2, timeout=60))}
        assert rework["PCN-R"]["action"] == "resubmit_with_modifier"  # the replacement documents lesion B
        assert rework["PCN-V"]["action"] != "resubmit_with_modifier"  # voided: no chart to support a modifier

    def test_rocksdb_store_recovers_claims_after_restart(
        self, kafka_bootstrap: str, deployment_id: str, tmp_path: Path
    ) -> None:
        """With the RocksDB store, a restarted worker still finds a claim produced before the restart."""
        deployment = Deployment(kafka_bootstrap, deployment_id, tmp_path, store_url="rocksdb://")
        deployment.create_topics()
        try:
            deployment.start_worker()
            deployment.produce("claims_submitted", [(b"PCN-K", claim_event("PCN-K", "k1", BIOPSY_AND_EXCISION))])
            assert len(deployment.consume("claims_validated", 1)) == 1
            deployment.stop_all()
            deployment.start_worker()
            deployment.produce("remits_received", [(b"PCN-K", denial_remit("PCN-K", "rk"))])
            rework = values(deployment.consume("denials_rework", 1, timeout=90))
            assert [r["action"] for r in rework] == ["resubmit_with_modifier"], deployment.logs()
        finally:
            deployment.stop_all()


@pytest.mark.integration
class TestRebalance:
    def test_a_second_worker_joining_loses_nothing(self, deployment: Deployment) -> None:
        """Two workers in one consumer group: the rebalance when the second joins loses no input."""
        total = 3000
        deployment.start_worker(data_suffix="a")
        deployment.produce(
            "claims_submitted",
            (
                (f"PCN-{n}".encode(), claim_event(f"PCN-{n}", f"evt-{n}", BIOPSY_AND_EXCISION))
                for n in range(total // 2)
            ),
        )
        deployment.consume("claims_validated", total // 4, timeout=120)
        deployment.start_worker(data_suffix="b")
        deployment.produce(
            "claims_submitted",
            (
                (f"PCN-{n}".encode(), claim_event(f"PCN-{n}", f"evt-{n}", BIOPSY_AND_EXCISION))
                for n in range(total // 2, total)
            ),
        )
        # Usually seconds. After the rebalance faust-streaming sometimes leaves a partition unfetched for minutes
        # before it resumes (faust-streaming #629; seen here at 240 s+ on a loaded 2-vCPU CI machine): the test
        # asserts that nothing is lost, so it waits that stall out rather than calling it a loss.
        outputs = values(deployment.consume("claims_validated", total, timeout=600, distinct="source_event_id"))
        assert {f"evt-{n}" for n in range(total)} == {o["source_event_id"] for o in outputs}, deployment.logs()


@pytest.mark.integration
class TestRemittanceRedelivery:
    def test_the_same_remittance_twice_yields_one_rework_item(self, deployment: Deployment) -> None:
        """A clearinghouse re-sending the same 835 claim payment (new event id) does not duplicate the item."""
        deployment.start_worker()
        deployment.produce("claims_submitted", [(b"PCN-D", claim_event("PCN-D", "d1", BIOPSY_AND_EXCISION))])
        assert len(deployment.consume("claims_validated", 1)) == 1
        deployment.produce("remits_received", [(b"PCN-D", denial_remit("PCN-D", "rd-1"))])
        first = values(deployment.consume("denials_rework", 1, timeout=60))
        assert len(first) == 1, deployment.logs()
        deployment.produce("remits_received", [(b"PCN-D", denial_remit("PCN-D", "rd-2"))])
        deployment.wait_committed("remits_received")  # the re-send was processed (and committed)
        rework = values(deployment.consume("denials_rework", 2, timeout=5))
        assert [first[0]["rework_id"]] == [r["rework_id"] for r in rework]


@pytest.mark.integration
class TestRemittanceBeforeItsClaim:
    def test_the_claim_updates_the_waiting_items_on_their_rework_ids(self, deployment: Deployment) -> None:
        """Remittances first (review, remit_only), then their claims: each item is re-judged on its rework_id
        (four XS resubmissions for a biopsy of another lesion, one write-off for a biopsy of the excised
        lesion); re-sent and redelivered remittances afterwards produce nothing; one message per revision."""
        same_lesion = [
            BIOPSY_AND_EXCISION[0],
            {
                **BIOPSY_AND_EXCISION[1],
                "documentation": {"lesion_id": "A", "body_region": "trunk", "technique": "shave"},
            },
        ]
        charts = {f"PCN-E{n}": BIOPSY_AND_EXCISION for n in range(4)} | {"PCN-E4": same_lesion}
        remits = [(claim_id.encode(), denial_remit(claim_id, f"first-{claim_id}")) for claim_id in charts]
        deployment.start_worker()
        deployment.produce("remits_received", remits)
        before = values(deployment.consume("denials_rework", len(charts), timeout=90))
        assert {("review", "remit_only", 1)} == {(r["action"], r["matched_by"], r["revision"]) for r in before}, (
            deployment.logs()
        )
        assert sorted(charts) == sorted(r["claim_id"] for r in before)

        deployment.produce(
            "claims_submitted",
            [
                (claim_id.encode(), claim_event(claim_id, f"claim-{claim_id}", lines))
                for claim_id, lines in charts.items()
            ],
        )
        rework = values(deployment.consume("denials_rework", 2 * len(charts), timeout=90))
        updates = {r["claim_id"]: r for r in rework if r["revision"] == 2}
        assert len(updates) == len(charts), deployment.logs()
        for claim_id, update in updates.items():
            expected = ("write_off", None) if claim_id == "PCN-E4" else ("resubmit_with_modifier", "XS")
            assert expected == (update["action"], update["modifier"]), claim_id
            assert ("review", "line_id", f"first-{claim_id}") == (
                update["previous_action"],
                update["matched_by"],
                update["source_event_id"],
            )
        assert {r["rework_id"] for r in before} == {u["rework_id"] for u in updates.values()}

        re_sent = [(claim_id.encode(), denial_remit(claim_id, f"again-{claim_id}")) for claim_id in charts]
        deployment.produce("remits_received", remits + re_sent)  # redelivered, then re-sent with new event ids
        deployment.produce("claims_submitted", [(b"PCN-E0", claim_event("PCN-E0", "claim-PCN-E0", charts["PCN-E0"]))])
        deployment.wait_committed("remits_received")
        deployment.wait_committed("claims_submitted")
        after = values(deployment.consume("denials_rework", 2 * len(charts) + 1, timeout=5))
        assert len(after) == 2 * len(charts), [(r["claim_id"], r["revision"], r["action"]) for r in after]
        assert len({(r["rework_id"], r["revision"]) for r in after}) == len(after)

    def test_waiting_remittances_survive_a_restart(self, deployment: Deployment) -> None:
        """The waiting list is a table with a changelog: a worker restarted between the remittance and its
        claim still re-judges the remittance when the claim arrives."""
        deployment.start_worker()
        deployment.produce("remits_received", [(b"PCN-S", denial_remit("PCN-S", "rs"))])
        (first,) = values(deployment.consume("denials_rework", 1, timeout=90))
        assert (first["action"], first["revision"]) == ("review", 1), deployment.logs()
        deployment.wait_committed("remits_received")
        deployment.stop_all()
        deployment.start_worker()
        deployment.produce("claims_submitted", [(b"PCN-S", claim_event("PCN-S", "cs", BIOPSY_AND_EXCISION))])
        rework = values(deployment.consume("denials_rework", 2, timeout=90))
        assert [(first["rework_id"], 2, "resubmit_with_modifier")] == [
            (r["rework_id"], r["revision"], r["action"]) for r in rework[1:]
        ], deployment.logs()
