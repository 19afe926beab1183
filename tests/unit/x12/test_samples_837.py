"""The four public 837P samples (LinuxForHealth/x12): every claim carries ICD-9 (BK/BF), so each is reported.

The contract cannot carry ICD-9, so no event is emitted; the drafts (the mapping before the ICD-10
gate and model validation) are checked too, so the loop walking is proven on the real files.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from workers.x12.claim837 import ClaimDraft, draft_claim
from workers.x12.loops837 import claim_units

ICD9_REPORTS = [
    (
        "demo.example1.837",
        29,
        "26463774",
        "ICD-9 diagnosis code 0340 (HI qualifier BK) — the contract requires ICD-10-CM; also ICD-9: V7389 (BF)",
    ),
    (
        "demo.example2.837",
        27,
        "26462967",
        "ICD-9 diagnosis code 0340 (HI qualifier BK) — the contract requires ICD-10-CM; also ICD-9: V7389 (BF)",
    ),
    (
        "demo.cob.example3.A.837",
        32,
        "26407789",
        "ICD-9 diagnosis code 4779 (HI qualifier BK) — the contract requires ICD-10-CM; "
        "also ICD-9: 2724 (BF), 2780 (BF), 53081 (BF)",
    ),
    (
        "demo.example6.837",
        26,
        "125WILL",
        "ICD-9 diagnosis code 7215 (HI qualifier BK) — the contract requires ICD-10-CM",
    ),
]


def _line_facts(draft: ClaimDraft) -> list[tuple[object, ...]]:
    return [
        (line["line_id"], line["code"], line["modifiers"], line["units"], line["charge"], line["dx_pointers"],
         line["service_date"])
        for line in draft.data["lines"]
    ]  # fmt: skip


class TestIcd9ClaimsAreReported:
    """A BK/BF claim gives exactly one issue at its HI segment and no event."""

    @pytest.mark.parametrize(("name", "segment", "claim_id", "message"), ICD9_REPORTS)
    def test_reported(self, convert_file, name, segment, claim_id, message):
        """The one issue names the file, the HI segment number, the claim and the ICD-9 code."""
        result = convert_file(name)
        assert (result.claims, result.remits) == ([], [])
        [issue] = result.issues
        assert (name, segment, "HI", claim_id) == (issue.source, issue.segment_number, issue.segment_id, issue.claim_id)
        assert f"claim {claim_id} not converted: {message}" == issue.message


class TestExample1Draft:
    """demo.example1: dependent patient (HL 23), commercial (CI), four single-pointer lines."""

    def test_parties(self, transactions_of):
        """Billing NPI, member id from the subscriber, birth date and sex from the patient's DMG."""
        [unit] = claim_units(transactions_of("demo.example1.837")[0])
        draft = draft_claim(unit)
        claim = draft.data
        assert (
            claim["claim_id"],
            claim["frequency_code"],
            claim["place_of_service"],
            claim["payer_claim_id"],
        ) == ("26463774", "1", "11", None)
        assert claim["payer"] == {"payer_id": "999996666", "kind": "commercial"}
        assert claim["provider"] == {"billing_npi": "1912301953", "rendering_npi": None}
        assert {"member_id": "JS00111223333", "birth_date": date(1973, 5, 1), "sex": "M"} == claim["patient"]
        assert claim["diagnoses"] == ["0340", "V7389"]  # ICD-9 kept as sent (no dot added)

    def test_lines(self, transactions_of):
        """Four lines, line ids from LX, pointers 1,1,2,2, DTP*472 dates."""
        draft = draft_claim(claim_units(transactions_of("demo.example1.837")[0])[0])
        assert [
            ("1", "99213", [], 1, Decimal("40.00"), [1], date(2006, 10, 3)),
            ("2", "87070", [], 1, Decimal("15.00"), [1], date(2006, 10, 3)),
            ("3", "99214", [], 1, Decimal("35.00"), [2], date(2006, 10, 10)),
            ("4", "86663", [], 1, Decimal("10.00"), [2], date(2006, 10, 10)),
        ] == _line_facts(draft)
        assert [problem.segment_id for problem in draft.problems] == ["HI"]


class TestExample2Draft:
    """demo.example2: the subscriber is the patient; HMO filing is commercial."""

    def test_parties_and_lines(self, transactions_of):
        """Payer 741234 commercial, subscriber DMG, codes 99213/87072/99214/86663."""
        draft = draft_claim(claim_units(transactions_of("demo.example2.837")[0])[0])
        claim = draft.data
        assert claim["payer"] == {"payer_id": "741234", "kind": "commercial"}
        assert {"member_id": "00221111", "birth_date": date(1943, 5, 1), "sex": "M"} == claim["patient"]
        assert claim["provider"]["billing_npi"] == "9876543210"
        assert [line["code"] for line in claim["lines"]] == ["99213", "87072", "99214", "86663"]
        assert [line["dx_pointers"] for line in claim["lines"]] == [[1], [1], [2], [2]]


class TestCobExample3Draft:
    """demo.cob.example3.A: the 2320 other-payer loop must not replace the claim's own payer and member."""

    def test_other_subscriber_loop_is_not_the_claims_party(self, transactions_of):
        """Payer 999996666 (SBR09 CI) and member 111223333, not 2320's filing 12 / NM1*IL T55TY666."""
        claim = draft_claim(claim_units(transactions_of("demo.cob.example3.A.837")[0])[0]).data
        assert claim["payer"] == {"payer_id": "999996666", "kind": "commercial"}
        assert {"member_id": "111223333", "birth_date": date(1973, 5, 1), "sex": "M"} == claim["patient"]
        assert claim["provider"] == {"billing_npi": "1999996666", "rendering_npi": "1999996666"}

    def test_multi_pointer_lines(self, transactions_of):
        """Pointers 1:2:3:4, 1:2, 1:2 over four ICD-9 codes; J3301 is a 5-character HCPCS code."""
        draft = draft_claim(claim_units(transactions_of("demo.cob.example3.A.837")[0])[0])
        assert draft.data["diagnoses"] == ["4779", "2724", "2780", "53081"]
        assert [
            ("1", "99213", [], 1, Decimal("43.00"), [1, 2, 3, 4], date(2005, 10, 3)),
            ("2", "90782", [], 1, Decimal("15.00"), [1, 2], date(2005, 10, 3)),
            ("3", "J3301", [], 1, Decimal("21.04"), [1, 2], date(2005, 10, 3)),
        ] == _line_facts(draft)


class TestExample6Draft:
    """demo.example6: Medicare (MB), '>' composites under ISA16 ':', REF*6R on the line."""

    def test_gt_composites_and_line_id(self, transactions_of):
        """CLM05 11>B>1, HI*BK>7215 and SV1*HC>98940 split; REF*6R*01 is the line id."""
        draft = draft_claim(claim_units(transactions_of("demo.example6.837")[0])[0])
        claim = draft.data
        assert (claim["claim_id"], claim["place_of_service"], claim["frequency_code"]) == ("125WILL", "11", "1")
        assert claim["diagnoses"] == ["7215"]
        assert claim["payer"] == {"payer_id": "C12345", "kind": "medicare"}
        assert {"member_id": "123456789A", "birth_date": date(1925, 1, 10), "sex": "M"} == claim["patient"]
        assert [("01", "98940", [], 1, Decimal("145.50"), [1], date(2005, 2, 15))] == _line_facts(draft)
