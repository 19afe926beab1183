"""The dermclaims-authored 837P and 835 files (tests/data/x12/AUTHORED.md): dermatology codes end to end."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from schemas import Adjustment, Claim, ClaimSubmitted


def _lines(claim: Claim) -> list[tuple[object, ...]]:
    return [
        (line.line_id, line.code, line.modifiers, line.units, line.charge, line.dx_pointers, line.service_date)
        for line in claim.lines
    ]


def _adjustments(items: list[Adjustment]) -> list[tuple[object, ...]]:
    return [(a.group, a.reason, a.amount, a.quantity) for a in items]


class TestDermOffice837:
    """derm-office.837: CRLF terminators, ICD-10 ABK/ABF, four claims under three subscribers."""

    def test_all_claims_convert(self, convert_file):
        """Four claims, in file order, no issue."""
        result = convert_file("derm-office.837")
        assert result.issues == []
        assert [e.claim.claim_id for e in result.claims] == ["PCN-1001", "PCN-1002", "PCN-1003", "PCN-0950"]
        assert {datetime(2026, 3, 4, 8, 15, tzinfo=UTC)} == {e.occurred_at for e in result.claims}

    def test_medicare_claim(self, convert_file):
        """PCN-1001: MB filing, rendering NPI, dotted ICD-10 codes, 99213-25 / 11102 / 17000 / 17003 x3, REF*6R ids."""
        claim = convert_file("derm-office.837").claims[0].claim
        assert (claim.frequency_code, claim.payer_claim_id, claim.place_of_service) == ("1", None, "11")
        assert (claim.payer.payer_id, claim.payer.kind) == ("15202", "medicare")
        assert (claim.provider.billing_npi, claim.provider.rendering_npi) == ("1234567893", "1987654328")
        assert ("1EG4TE5MK72", date(1950, 6, 1), "F") == (
            claim.patient.member_id,
            claim.patient.birth_date,
            claim.patient.sex,
        )
        assert claim.diagnoses == ["L57.0", "D48.5", "L82.1"]
        day = date(2026, 3, 2)
        assert [
            ("1001-1", "99213", ["25"], 1, Decimal("95.00"), [1, 3], day),
            ("1001-2", "11102", [], 1, Decimal("143.53"), [2], day),
            ("1001-3", "17000", [], 1, Decimal("70.00"), [1], day),
            ("1001-4", "17003", [], 3, Decimal("30.00"), [1], day),
        ] == _lines(claim)

    def test_replacement_claim_for_a_dependent(self, convert_file):
        """PCN-1002: frequency 7 with REF*F8, dependent's DMG, 2320 payer ignored, RD8 start date, four modifiers."""
        claim = convert_file("derm-office.837").claims[1].claim
        assert (claim.frequency_code, claim.payer_claim_id) == ("7", "ACMECLM778")
        assert (claim.payer.payer_id, claim.payer.kind) == ("ACME01", "commercial")
        assert ("W123456789", date(2010, 5, 15), "F") == (
            claim.patient.member_id,
            claim.patient.birth_date,
            claim.patient.sex,
        )
        assert claim.provider.rendering_npi is None
        assert claim.diagnoses == ["C44.319", "L98.9"]
        assert [
            ("1", "11600", ["59"], 1, Decimal("210.00"), [1], date(2026, 3, 3)),  # no REF*6R: the LX number
            ("B2", "11102", ["XS", "E3", "79", "GA"], 1, Decimal("100.00"), [1, 2], date(2026, 3, 3)),
        ] == _lines(claim)

    def test_medicaid_original_and_void(self, convert_file):
        """PCN-1003 and PCN-0950 share a Medicaid subscriber; the void has frequency 8 and REF*F8."""
        original, void = (e.claim for e in convert_file("derm-office.837").claims[2:])
        assert (original.payer.payer_id, original.payer.kind) == ("SKMD1", "medicaid")
        assert [line.code for line in original.lines] == ["99213", "17110", "11200"]
        assert [line.modifiers for line in original.lines] == [["25"], [], ["59"]]
        assert (void.frequency_code, void.payer_claim_id, void.diagnoses) == ("8", "SKMD0950X", ["L72.3"])
        assert [("1", "10060", [], 1, Decimal("80.00"), [1], date(2026, 2, 10))] == _lines(void)

    def test_events_round_trip(self, convert_file):
        """Every event parses back from its JSON into an equal model."""
        for event in convert_file("derm-office.837").claims:
            assert event == ClaimSubmitted.model_validate_json(event.model_dump_json(by_alias=True))


class TestDermRemit835:
    """derm-remit.835: ISA16 '>', no newlines at all, CO-97 + M15, reversal, PLB."""

    def test_remits(self, convert_file):
        """Four claim payments, N1*PR N104 payer id, DTM*405 remit date, no issue."""
        result = convert_file("derm-remit.835")
        assert result.issues == []
        assert [e.remit.claim_id for e in result.remits] == ["PCN-1001", "PCN-0999", "PCN-1002", "PCN-1003"]
        assert {("15202", date(2026, 3, 18))} == {(e.remit.payer_id, e.remit.remit_date) for e in result.remits}
        assert [e.remit.status_code for e in result.remits] == ["1", "22", "4", "1"]

    def test_co97_denial_with_m15(self, convert_file):
        """PCN-1001 line 1001-2 (11102) is denied CO-97 with remark M15; the E/M line is paid with CO-45."""
        remit = convert_file("derm-remit.835").remits[0].remit
        assert (Decimal("338.53"), Decimal("146.42"), Decimal("15.00"), "PCC123") == (
            remit.charge,
            remit.paid,
            remit.patient_responsibility,
            remit.payer_claim_id,
        )
        em, biopsy, destruction, addon = remit.lines
        assert ("1001-1", "99213", ["25"], Decimal("76.42")) == (em.line_id, em.code, em.modifiers, em.paid)
        assert [("CO", "45", Decimal("18.58"), None)] == _adjustments(em.adjustments)
        assert ("1001-2", "11102", Decimal("143.53"), Decimal("0")) == (
            biopsy.line_id,
            biopsy.code,
            biopsy.charge,
            biopsy.paid,
        )
        assert [("CO", "97", Decimal("143.53"), None)] == _adjustments(biopsy.adjustments)
        assert biopsy.remarks == ["M15"]
        assert ("1001-3", date(2026, 3, 2)) == (destruction.line_id, destruction.service_date)
        assert (addon.code, addon.submitted_code, addon.units) == ("17003", "17004", 3)
        assert [
            ("PR", "1", Decimal("10.00"), 1.0),
            ("PR", "2", Decimal("4.00"), None),
            ("PR", "3", Decimal("1.00"), None),
        ] == _adjustments(addon.adjustments)
        assert addon.remarks == ["N381", "MA130"]

    def test_reversal(self, convert_file):
        """CLP02 22: negated amounts kept, the negated SVC05 read as one unit."""
        remit = convert_file("derm-remit.835").remits[1].remit
        assert (Decimal("-120.00"), Decimal("-96.00"), Decimal("-24.00")) == (
            remit.charge,
            remit.paid,
            remit.patient_responsibility,
        )
        [line] = remit.lines
        assert (line.line_id, line.code, line.modifiers, line.units) == ("0999-1", "11102", ["59"], 1)
        assert [("PR", "2", Decimal("-24.00"), None)] == _adjustments(line.adjustments)

    def test_denied_claim_without_lines(self, convert_file):
        """PCN-1002 is denied at claim level (CO-29) and has no SVC."""
        remit = convert_file("derm-remit.835").remits[2].remit
        assert ("4", [], [("CO", "29", Decimal("310.00"), None)]) == (
            remit.status_code,
            remit.lines,
            _adjustments(remit.adjustments),
        )

    def test_six_triplets_cr_group_and_missing_date(self, convert_file):
        """A CAS with six triplets (one negative), the 4010-era group CR, and a line with no date or SVC05."""
        six, crossover, bare = convert_file("derm-remit.835").remits[3].remit.lines
        assert [
            ("CO", "45", Decimal("1.00"), None),
            ("CO", "253", Decimal("0.50"), None),
            ("CO", "59", Decimal("2.00"), None),
            ("CO", "97", Decimal("3.00"), None),
            ("CO", "B15", Decimal("4.00"), None),
            ("CO", "94", Decimal("-1.50"), None),
        ] == _adjustments(six.adjustments)
        assert (date(2026, 3, 4), None) == (six.service_date, six.line_id)  # DTM*150
        assert (13, [("CR", "18", Decimal("25.00"), None)]) == (crossover.units, _adjustments(crossover.adjustments))
        assert (bare.code, bare.units, bare.service_date, bare.remarks) == ("11102", 1, None, ["M15"])

    def test_provider_adjustments(self, convert_file):
        """PLB pairs are returned apart: L6 interest -2.50 and WO overpayment recovery 45.00."""
        rows = convert_file("derm-remit.835").provider_adjustments
        assert [
            ("L6", "PCN-1001", Decimal("-2.50")),
            ("WO", "OVP778", Decimal("45.00")),
        ] == [(row["reason"], row["reference"], row["amount"]) for row in rows]
        assert {("derm-remit.835", 62, "1234567893", date(2026, 12, 31), "000000202")} == {
            (row["source"], row["segment_number"], row["provider_id"], row["fiscal_period_date"], row["interchange"])
            for row in rows
        }


class TestTwoEnvelopes837:
    """two-envelopes.837: two ISA interchanges, the second with '|' elements and '>' components."""

    def test_both_interchanges_convert(self, convert_file):
        """One claim from each interchange, each stamped with its own ISA09/ISA10."""
        result = convert_file("two-envelopes.837")
        assert result.issues == []
        assert [
            ("PCN-1001", datetime(2026, 3, 5, 9, 0, tzinfo=UTC)),
            ("PCN-1002", datetime(2026, 3, 5, 9, 30, tzinfo=UTC)),
        ] == [(e.claim.claim_id, e.occurred_at) for e in result.claims]

    def test_second_interchange_reads_its_own_separators(self, convert_file):
        """The '|'-separated claim maps exactly like its '*'-separated twin in derm-office.837."""
        twin = convert_file("derm-office.837").claims[1].claim
        assert twin == convert_file("two-envelopes.837").claims[1].claim


class TestEventIds:
    """Event ids are deterministic and distinct."""

    def test_reconverting_gives_the_same_ids(self, convert_file):
        """Converting the same file twice yields the same event ids."""
        first = [e.event_id for e in convert_file("derm-office.837").claims]
        assert first == [e.event_id for e in convert_file("derm-office.837").claims]
        assert len(set(first)) == len(first)

    def test_same_claim_in_another_interchange_gets_another_id(self, convert_file):
        """PCN-1001 in derm-office.837 (ISA13 101) and two-envelopes.837 (ISA13 301) are different events."""
        office = convert_file("derm-office.837").claims[0]
        again = convert_file("two-envelopes.837").claims[0]
        assert office.claim == again.claim
        assert office.event_id != again.event_id

    def test_bytes_and_text_convert_alike(self, data_dir):
        """convert accepts str as well as bytes, with the same result."""
        from workers.x12 import convert

        raw = (data_dir / "derm-remit.835").read_bytes()
        assert convert(raw) == convert(raw.decode("ascii"))
