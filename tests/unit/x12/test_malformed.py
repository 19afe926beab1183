"""Malformed variants of the dermclaims files (tests/data/x12/malformed): a clear issue, and the good claims convert."""

from __future__ import annotations

import pytest

MALFORMED = [
    # file, good claims still emitted, (segment, segment id, claim, message start)
    (
        "sv1-4char-code.837",
        ["PCN-1001", "PCN-1003", "PCN-0950"],
        [(58, "SV1", "PCN-1002", "claim PCN-1002 not converted: SV101-02 procedure code '1160' is not a 5-character")],
    ),
    (
        "clm-without-lines.837",
        ["PCN-1001", "PCN-1002", "PCN-0950"],
        [(69, "CLM", "PCN-1003", "claim PCN-1003 not converted: the claim has no service lines (LX/SV1)")],
    ),
    (
        "icd9-mixed.837",
        ["PCN-1001", "PCN-1003", "PCN-0950"],
        [(52, "HI", "PCN-1002", "claim PCN-1002 not converted: ICD-9 diagnosis code 1733 (HI qualifier BK)")],
    ),
    (
        "truncated.837",
        ["PCN-1001", "PCN-1002"],
        [
            (1, "ISA", None, "interchange 000000101 has no IEA trailer (the file ends at segment 79)"),
            (2, "GS", None, "functional group 1 has no GE trailer"),
            (3, "ST", None, "transaction set 837 0001 has no SE trailer"),
            (69, "CLM", "PCN-1003", "claim PCN-1003 not converted: the file ends inside this claim"),
            (80, "SV1", None, "segment 'SV1*HC:11200:5' is cut off"),
        ],
    ),
    (
        "missing-iea.835",
        ["PCN-1001", "PCN-0999", "PCN-1002", "PCN-1003"],
        [(1, "ISA", None, "interchange 000000202 has no IEA trailer (the file ends at segment 64)")],
    ),
    (
        "cas-odd-elements.835",
        ["PCN-0999", "PCN-1002", "PCN-1003"],
        [(21, "CAS", "PCN-1001", "remit for claim PCN-1001 not converted: CAS05 reason CO-97 has no amount in CAS06")],
    ),
]


class TestMalformedFiles:
    """Each malformed file names the file and segment, and converts everything else."""

    @pytest.mark.parametrize(("name", "converted", "expected"), MALFORMED, ids=[m[0] for m in MALFORMED])
    def test_issue_and_survivors(self, convert_file, name, converted, expected):
        """The expected issues (segment, id, claim, message) and exactly the good claims."""
        result = convert_file(f"malformed/{name}")
        emitted = [e.claim.claim_id for e in result.claims] + [e.remit.claim_id for e in result.remits]
        assert converted == emitted
        assert [(s, i, c) for s, i, c, _ in expected] == [
            (issue.segment_number, issue.segment_id, issue.claim_id) for issue in result.issues
        ]
        for (_, _, _, start), issue in zip(expected, result.issues, strict=True):
            assert issue.message.startswith(start), issue.message
            assert str(issue).startswith(f"{name}:segment {issue.segment_number} ({issue.segment_id}): ")

    def test_not_x12(self, convert_file):
        """A CSV gives one issue without a segment number, and nothing else."""
        result = convert_file("malformed/not-x12.txt")
        assert (result.claims, result.remits, result.provider_adjustments) == ([], [], [])
        [issue] = result.issues
        assert (issue.source, issue.segment_number, issue.claim_id) == ("not-x12.txt", None, None)
        assert str(issue) == (
            "not-x12.txt: not an X12 file: it does not start with an ISA interchange header "
            "(it starts with 'claim_id,code,charge')"
        )

    def test_good_claims_are_identical_to_the_clean_file(self, convert_file):
        """A bad claim does not change its neighbours: same events, same ids as in the clean file."""
        clean = {e.claim.claim_id: e for e in convert_file("derm-office.837").claims}
        for event in convert_file("malformed/sv1-4char-code.837").claims:
            assert clean[event.claim.claim_id] == event
