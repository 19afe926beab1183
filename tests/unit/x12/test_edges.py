"""Edge cases built from the clean files by small edits: separators, envelopes, mapping rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from workers.x12 import convert, looks_like_x12
from workers.x12.tokenizer import Segment, Separators, decode, tokenize

DATA = Path(__file__).resolve().parents[2] / "data" / "x12"
OFFICE = (DATA / "derm-office.837").read_bytes().decode()  # keeps the CRLF terminators
REMIT = (DATA / "derm-remit.835").read_bytes().decode()


def _claim_ids(text: str) -> list[str]:
    return [e.claim.claim_id for e in convert(text, source="t").claims]


def _issues(text: str) -> list[tuple[int | None, str | None, str]]:
    return [(i.segment_number, i.segment_id, i.message) for i in convert(text, source="t").issues]


class TestTokenizer:
    """Separators come from each ISA; terminators may be followed by LF, CRLF or nothing."""

    def test_terminator_styles_give_the_same_events(self):
        """CRLF (the file), LF and no newline at all convert to equal events."""
        crlf = convert(OFFICE)
        lf = convert(OFFICE.replace("~\r\n", "~\n"))
        bare = convert(OFFICE.replace("~\r\n", "~"))
        assert crlf == lf == bare
        assert len(crlf.claims) == 4

    def test_separators_from_isa(self):
        """ISA11 is the repetition, ISA16 the component separator, the next character the terminator."""
        segments, problems = tokenize(decode((DATA / "derm-remit.835").read_bytes()))
        assert problems == []
        assert Separators(element="*", component=">", repetition="^", segment="~") == segments[0].separators
        assert len(segments) == 65

    def test_unpadded_isa_reads(self):
        """ISA fields that are not padded to their fixed widths still give the separators."""
        text = OFFICE.replace("*ZZ*SUNDERM01      *", "*ZZ*SUNDERM01*", 1)
        assert len(convert(text).claims) == 4

    def test_gt_composite_when_isa16_is_colon(self):
        """An element without ISA16 but with '>' splits on '>' (LinuxForHealth files)."""
        seps = Separators("*", ":", "^", "~")
        segment = Segment(1, ("SVC", "HC>12345>26", "166.50"), seps)
        assert segment.composite(1) == ["HC", "12345", "26"]
        assert segment.composite(2) == ["166.50"]
        assert segment.composite(9) == []

    def test_colon_composite_when_isa16_is_gt(self):
        """The same tolerance the other way round."""
        segment = Segment(1, ("SV1", "HC:11102:59"), Separators("*", ">", "^", "~"))
        assert segment.composite(1) == ["HC", "11102", "59"]

    def test_bom_and_leading_whitespace(self):
        """A UTF-8 byte order mark, blank lines before ISA and a trailing Ctrl-Z are skipped."""
        result = convert(b"\xef\xbb\xbf\r\n" + OFFICE.encode() + b"\x1a")
        assert (len(result.claims), result.issues) == (4, [])

    def test_looks_like_x12(self):
        """True for an ISA file, false for JSON, CSV, empty or an ISA prefix without 16 elements."""
        assert looks_like_x12(OFFICE.encode())
        assert looks_like_x12(b"  \n" + REMIT.encode())
        for other in (b'{"schema": "claim.submitted.v1"}', b"claim_id,code\n", b"", b"ISA*00*short~"):
            assert not looks_like_x12(other)

    def test_garbled_segment_id_reports_its_claim(self):
        """A segment whose id is not an X12 id is reported, and so is the claim that holds it."""
        text = OFFICE.replace("REF*6R*1003-2~", "R#F*6R*1003-2~")
        assert _claim_ids(text) == ["PCN-1001", "PCN-1002", "PCN-0950"]
        assert [(number, seg) for number, seg, _ in _issues(text)] == [(78, "R#F"), (78, "R#F")]


class TestEnvelope:
    """Trailer checks are reported, and do not stop complete claims."""

    def test_se_count_mismatch(self):
        """A wrong SE01 is reported at the SE segment; the claims still convert."""
        text = OFFICE.replace("SE*87*0001", "SE*86*0001")
        assert len(_claim_ids(text)) == 4
        assert _issues(text) == [(89, "SE", "SE01 says '86' segments but transaction has 87 (ST..SE)")]

    def test_iea_control_number_mismatch(self):
        """IEA02 must repeat ISA13."""
        text = OFFICE.replace("IEA*1*000000101", "IEA*1*000000999")
        assert _issues(text) == [(91, "IEA", "IEA02 '000000999' does not match ISA13 '000000101'")]

    def test_unsupported_transaction_set(self):
        """A 270 eligibility inquiry is skipped with one issue at its ST."""
        text = OFFICE.replace("ST*837*0001*005010X222A1", "ST*270*0001*005010X279A1")
        result = convert(text)
        assert result.claims == []
        assert _issues(text) == [(3, "ST", "transaction set '270' (0001) is not an 837P or 835; skipped")]

    def test_institutional_837_is_not_professional(self):
        """An 837I (X223) is reported, not misread as professional."""
        text = OFFICE.replace("005010X222A1", "005010X223A2")
        [(number, _, message)] = _issues(text)
        assert (number, "institutional (837I)" in message) == (3, True)

    def test_empty_input(self):
        """An empty file is one issue."""
        assert _issues("") == [(None, None, "the file is empty")]


class TestClaimRules:
    """837P mapping problems name the segment and the claim."""

    @pytest.mark.parametrize(
        ("old", "new", "segment", "message"),
        [
            ("SV1*HC:17000*70.00*UN*1***1~", "SV1*HC:17000*70.00*UN*1***4~", 34,
             "SV107 points at diagnosis 4 but the claim's HI lists 3"),
            ("DTP*472*D8*20260302~\r\nREF*6R*1001-3", "DTP*471*D8*20260302~\r\nREF*6R*1001-3", 34,
             "service line LX*3 (17000) has no DTP*472 service date"),
            ("SV1*HC:17003*30.00*UN*3***1~", "SV1*HC:17003*30.00*UN*2.5***1~", 38,
             "SV104 service units '2.5' is not a whole number"),
            ("SV1*HC:17003*30.00*UN*3***1~", "SV1*HC:17003*30.00*UN*3~", 38,
             "SV107 has no diagnosis pointer for 17003"),
            ("SV1*HC:17003*30.00*UN*3***1~", "SV1*HC:17003:X*30.00*UN*3***1~", 38,
             "modifier 'X' on 17003 is not a 2-character modifier"),
            ("SV1*HC:17003*30.00*", "SV1*HC:17003*30.005*", 38, "SV102 line charge '30.005' has fractions of a cent"),
            ("CLM*PCN-1001*338.53*", "CLM*PCN-1001*300.00*", 21,
             "CLM02 total charge 300.00 is not the sum of the 4 line charges (338.53): a service line may be missing"),
            ("HI*ABK:L570*", "HI*ABK:L570*XYZ:1234*", 22, "HI02 'XYZ:1234' is not an ABK/ABF (ICD-10) diagnosis"),
        ],
    )  # fmt: skip
    def test_problem_reports_claim(self, old, new, segment, message):
        """The edited claim PCN-1001 is reported at the right segment; the three others convert."""
        assert old in OFFICE
        text = OFFICE.replace(old, new, 1)
        assert _claim_ids(text) == ["PCN-1002", "PCN-1003", "PCN-0950"]
        [issue] = convert(text, source="t").issues
        assert (segment, "PCN-1001") == (issue.segment_number, issue.claim_id)
        assert f"claim PCN-1001 not converted: {message}" == issue.message

    def test_luhn_failure_maps_to_the_billing_nm1(self):
        """The pydantic NPI check is reported at NM1*85 (segment 10) for every claim under it."""
        text = OFFICE.replace("XX*1234567893", "XX*1234567890")
        result = convert(text, source="t")
        assert result.claims == []
        assert [(i.segment_number, i.segment_id) for i in result.issues] == [(10, "NM1")] * 4
        assert (
            "provider.billing_npi: Value error, NPI 1234567890 fails the Luhn check digit" in result.issues[0].message
        )

    def test_icd10_sent_under_icd9_qualifier_gets_a_hint(self):
        """BK with an ICD-10-shaped code says to use ABK/ABF."""
        text = OFFICE.replace("HI*ABK:L570*ABF:D485*ABF:L821", "HI*BK:L570*BF:D485*BF:L821")
        [issue] = convert(text).issues
        assert issue.message.endswith("(L570 looks like an ICD-10-CM code sent under the ICD-9 qualifier: use ABK/ABF)")

    def test_frequency_outside_the_contract(self):
        """CLM05-3 '6' is not 1, 7 or 8: the validation error is reported at CLM."""
        text = OFFICE.replace("11:B:1*Y*A*Y*Y~\r\nHI*ABK:L570", "11:B:6*Y*A*Y*Y~\r\nHI*ABK:L570")
        [issue] = convert(text).issues
        assert (issue.segment_number, issue.segment_id) == (21, "CLM")
        assert "frequency_code: Input should be '1', '7' or '8' (got '6')" in issue.message


class TestRemitRules:
    """835 mapping problems name the segment and the claim."""

    @pytest.mark.parametrize(
        ("old", "new", "segment", "message"),
        [
            ("CAS*CO*45*18.58~", "CAS*XX*45*18.58~", 21, "CAS01 group code 'XX' is not one of CO, PR, OA, PI, CR"),
            ("CAS*CO*45*18.58~", "CAS*CO*45*18.58" + "**1*1.00" * 6 + "~", 21,
             "CAS has 21 elements: more than six reason/amount/quantity triplets"),
            ("SVC*HC>11102*143.53*0**1~", "SVC*N4>0000607 3461*143.53*0**1~", 24,
             "SVC01-02 code '0000607 3461' under qualifier N4 is not 1 to 48 letters, digits, '.' or '-'"),
            ("SVC*HC>11102*143.53*0**1~", "SVC*H>11102*143.53*0**1~", 24,
             "SVC01-01 qualifier 'H' is not a 2-character qualifier"),
            ("CLP*PCN-1001*1*", "CLP*PCN-1001*5*", 15, "CLP02 claim status '5' is not a 5010 status code"),
            ("SVC*HC>11102*143.53*0**1~", "SVC*HC>11102*143.53*0**1.5~", 24,
             "SVC05 units of service paid '1.5' is not a whole number"),
        ],
    )  # fmt: skip
    def test_problem_reports_remit(self, old, new, segment, message):
        """Remit PCN-1001 is reported at the right segment; the three others convert."""
        assert old in REMIT
        result = convert(REMIT.replace(old, new, 1), source="t")
        assert [e.remit.claim_id for e in result.remits] == ["PCN-0999", "PCN-1002", "PCN-1003"]
        [issue] = result.issues
        assert (segment, "PCN-1001") == (issue.segment_number, issue.claim_id)
        assert f"remit for claim PCN-1001 not converted: {message}" == issue.message

    def test_bad_plb_amount(self):
        """A PLB with an unreadable amount is reported; the remits still convert."""
        result = convert(REMIT.replace("WO>OVP778*45.00", "WO>OVP778*4X"), source="t")
        assert len(result.remits) == 4
        assert [(i.segment_number, i.segment_id, i.claim_id, i.message) for i in result.issues] == [
            (62, "PLB", None, "PLB06 provider adjustment amount is '4X', not a decimal number")
        ]
        assert result.provider_adjustments == []  # nothing half-read from that PLB
