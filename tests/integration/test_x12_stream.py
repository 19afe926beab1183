"""X12 files on the raw topic become claim and remittance events, and end as rework items."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.harness import Deployment, values

X12 = Path(__file__).resolve().parents[2] / "examples" / "x12"


@pytest.mark.integration
class TestX12RawTopic:
    def test_an_835_on_the_raw_topic_ends_as_rework_items(self, deployment: Deployment) -> None:
        """The 837 file is split into scrubbed claims, then the payer's 835 file yields the CO-97 rework item."""
        deployment.start_worker()
        deployment.produce("x12_raw", [(b"derm-office.837", (X12 / "derm-office.837").read_bytes())])
        claims = values(deployment.consume("claims_submitted", 4))
        assert {"PCN-1001", "PCN-1002", "PCN-1003", "PCN-0950"} == {c["claim"]["claim_id"] for c in claims}
        validated = values(deployment.consume("claims_validated", 4))
        assert len(validated) == 4, deployment.logs()
        deployment.produce("x12_raw", [(b"derm-remit.835", (X12 / "derm-remit.835").read_bytes())])
        assert len(deployment.consume("remits_received", 4)) == 4
        rework = values(deployment.consume("denials_rework", 1, timeout=60))
        bundled = [r for r in rework if (r["claim_id"], r["line_id"]) == ("PCN-1001", "1001-2")]
        assert [("CO", "97", "11102")] == [(r["group_code"], r["reason"], r["code"]) for r in bundled]
        assert not values(deployment.consume("deadletter", 1, timeout=3))
