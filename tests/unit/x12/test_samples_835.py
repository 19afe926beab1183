"""The five public 835 samples (LinuxForHealth/x12, azoner/pyx12), converted fact by fact."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from schemas import Adjustment, RemitReceived


def _adjustments(items: list[Adjustment]) -> list[tuple[str, str, Decimal]]:
    return [(a.group, a.reason, a.amount) for a in items]


class TestMultLoops835:
    """azoner/pyx12 835_mult_loops: a denied claim with three T1005 lines."""

    def test_one_denied_remit(self, convert_file):
        """One CLP, status 4, nothing paid, no issue."""
        result = convert_file("835_mult_loops.835")
        assert result.issues == []
        assert result.claims == []
        [event] = result.remits
        remit = event.remit
        assert (remit.claim_id, remit.status_code, remit.payer_claim_id) == ("2005555A", "4", "4276512332")
        assert (Decimal("915.39"), Decimal("0"), None) == (remit.charge, remit.paid, remit.patient_responsibility)
        assert remit.payer_id is None  # N1*PR carries a name only
        assert date(2013, 9, 1) == remit.remit_date  # DTM*405, not BPR16 (2004-10-28)
        assert datetime(2014, 10, 28, 16, 9, tzinfo=UTC) == event.occurred_at  # ISA09/ISA10
        assert remit.adjustments == []

    def test_lines(self, convert_file):
        """Three T1005 lines: units from SVC05, dates from DTM*150, CO-16 / OA-A7 and LQ*HE*N14 each."""
        remit = convert_file("835_mult_loops.835").remits[0].remit
        assert [line.code for line in remit.lines] == ["T1005"] * 3
        assert [line.modifiers for line in remit.lines] == [[]] * 3
        assert [line.units for line in remit.lines] == [68, 16, 36]
        assert [Decimal("500.04"), Decimal("127.8"), Decimal("287.55")] == [line.charge for line in remit.lines]
        assert [Decimal("0")] * 3 == [line.paid for line in remit.lines]
        assert [date(2003, 11, 29), date(2003, 10, 30), date(2003, 10, 31)] == [
            line.service_date for line in remit.lines
        ]
        assert [
            [("CO", "16", Decimal("500.04"))],
            [("OA", "A7", Decimal("127.80"))],
            [("OA", "A7", Decimal("287.55"))],
        ] == [_adjustments(line.adjustments) for line in remit.lines]
        assert [line.remarks for line in remit.lines] == [["N14"]] * 3
        assert [line.line_id for line in remit.lines] == [None] * 3
        assert [line.submitted_code for line in remit.lines] == [None] * 3


class TestCobContractualAdjustment835:
    """LinuxForHealth cob-contractural-adjustment: '>' composite under ISA16 ':', a negative CAS amount."""

    def test_remit(self, convert_file):
        """Secondary payment (status 2) with an empty CLP05."""
        result = convert_file("cob-contractural-adjustment.835")
        assert result.issues == []
        [event] = result.remits
        remit = event.remit
        assert (remit.claim_id, remit.status_code, remit.payer_claim_id) == ("0001000055", "2", "50650619501")
        assert (Decimal("541.00"), Decimal("34.00"), None) == (remit.charge, remit.paid, remit.patient_responsibility)
        assert date(2005, 3, 18) == remit.remit_date

    def test_line_reads_gt_composite_and_negative_amount(self, convert_file):
        """SVC*HC>55669 gives code 55669; CAS*OA*94*-9.00 keeps its sign."""
        [line] = convert_file("cob-contractural-adjustment.835").remits[0].remit.lines
        assert ("55669", [], 1, date(2005, 2, 2)) == (line.code, line.modifiers, line.units, line.service_date)
        assert (Decimal("541.00"), Decimal("34.00")) == (line.charge, line.paid)
        assert [("OA", "23", Decimal("516.00")), ("OA", "94", Decimal("-9.00"))] == _adjustments(line.adjustments)
        assert (line.remarks, line.line_id) == ([], None)

    def test_negative_amount_on_the_wire(self, convert_file):
        """The negative adjustment is the decimal string "-9.00" in the JSON."""
        event = convert_file("cob-contractural-adjustment.835").remits[0]
        assert '"amount":"-9.00"' in event.model_dump_json(by_alias=True)


class TestManagedCare835:
    """LinuxForHealth managed-care: two claims, claim-level CAS, DTM*150/151, no SVC05."""

    def test_two_remits(self, convert_file):
        """Both claims status 1 with patient responsibility and a claim-level CO-A2."""
        result = convert_file("managed-care.835")
        assert result.issues == []
        first, second = (event.remit for event in result.remits)
        assert (first.claim_id, first.status_code, first.payer_claim_id) == ("5554555444", "1", "94060555410000")
        assert (Decimal("800.00"), Decimal("450.00"), Decimal("300.00")) == (
            first.charge,
            first.paid,
            first.patient_responsibility,
        )
        assert [("CO", "A2", Decimal("50.00"))] == _adjustments(first.adjustments)
        assert (second.claim_id, second.status_code) == ("8765432112", "1")
        assert (Decimal("1200.00"), Decimal("495.00"), Decimal("600.00")) == (
            second.charge,
            second.paid,
            second.patient_responsibility,
        )
        assert [("CO", "A2", Decimal("55.00"))] == _adjustments(second.adjustments)

    def test_remit_date_skips_invalid_bpr16(self, convert_file):
        """BPR16 is 20002316 (no such date); DTM*405 20020314 is the remit date and no issue is raised."""
        result = convert_file("managed-care.835")
        assert {date(2002, 3, 14)} == {event.remit.remit_date for event in result.remits}

    def test_lines(self, convert_file):
        """One line each: 99211 and 93555, one unit when SVC05 is absent, start date from DTM*150."""
        first, second = (event.remit.lines for event in convert_file("managed-care.835").remits)
        [line1], [line2] = first, second
        assert ("99211", 1, date(2002, 3, 1), Decimal("800.00"), Decimal("500.00")) == (
            line1.code,
            line1.units,
            line1.service_date,
            line1.charge,
            line1.paid,
        )
        assert [("PR", "1", Decimal("300.00"))] == _adjustments(line1.adjustments)
        assert ("93555", 1, date(2002, 3, 10), Decimal("1200.00"), Decimal("550.00")) == (
            line2.code,
            line2.units,
            line2.service_date,
            line2.charge,
            line2.paid,
        )
        assert [("PR", "1", Decimal("600.00")), ("CO", "45", Decimal("50.00"))] == _adjustments(line2.adjustments)


class TestSecondaryPayment835:
    """LinuxForHealth secondary-payment: a claim without lines, modifier 26 in '>' composites, two CAS triplets."""

    def test_claim_without_lines(self, convert_file):
        """L0004828311 carries only a claim-level OA-23."""
        remit = convert_file("secondary-payment.835").remits[0].remit
        assert (remit.claim_id, remit.status_code, remit.payer_claim_id) == ("L0004828311", "2", "05090256390")
        assert (Decimal("10323.64"), Decimal("912.00"), None) == (
            remit.charge,
            remit.paid,
            remit.patient_responsibility,
        )
        assert [("OA", "23", Decimal("9411.64"))] == _adjustments(remit.adjustments)
        assert remit.lines == []

    def test_claim_with_modifier_26_lines(self, convert_file):
        """0001000053: 12345-26 and 66543-26, CAS*PR*1*150.00**2*70.00 read as two adjustments."""
        result = convert_file("secondary-payment.835")
        assert result.issues == []
        remit = result.remits[1].remit
        assert ("0001000053", Decimal("751.50"), Decimal("310.00"), Decimal("220.00")) == (
            remit.claim_id,
            remit.charge,
            remit.paid,
            remit.patient_responsibility,
        )
        line1, line2 = remit.lines
        assert ("12345", ["26"], 1, date(2005, 1, 6)) == (line1.code, line1.modifiers, line1.units, line1.service_date)
        assert (Decimal("166.50"), Decimal("30.00")) == (line1.charge, line1.paid)
        assert [("OA", "23", Decimal("136.50"))] == _adjustments(line1.adjustments)
        assert (line2.code, line2.modifiers, line2.units) == ("66543", ["26"], 1)
        assert (Decimal("585.00"), Decimal("280.00")) == (line2.charge, line2.paid)
        assert [
            ("PR", "1", Decimal("150.00")),
            ("PR", "2", Decimal("70.00")),
            ("CO", "42", Decimal("85.00")),
        ] == _adjustments(line2.adjustments)


class TestTertiaryPayment835:
    """LinuxForHealth tertiary-payment: the malformed SVC is reported, not recovered."""

    def test_malformed_svc_reports_the_claim(self, convert_file):
        """SVC*HC*24599.00*... gives one issue at segment 20 naming the claim; no remit is emitted."""
        result = convert_file("tertiary-payment.835")
        assert result.remits == []
        [issue] = result.issues
        assert (issue.segment_number, issue.segment_id, issue.claim_id) == (20, "SVC", "0001000054")
        assert issue.message.startswith("remit for claim 0001000054 not converted: SVC01 'HC' has no procedure code")
        assert "shifted one place right" in issue.message
        assert str(issue).startswith("tertiary-payment.835:segment 20 (SVC): ")


class TestRemitEventsValidate:
    """Every emitted remit round-trips through the wire model."""

    def test_round_trip(self, convert_file):
        """model_dump_json(by_alias=True) parses back into an equal RemitReceived."""
        for name in ("835_mult_loops.835", "managed-care.835", "secondary-payment.835"):
            for event in convert_file(name).remits:
                assert event == RemitReceived.model_validate_json(event.model_dump_json(by_alias=True))
