"""CO-16: the claim or line lacks information; the remark codes say what.

- remarks name the missing item ("Missing/incomplete/invalid ...") -> correct_and_resubmit, naming it;
  with MA130 the claim was unprocessable and has no appeal rights: send a NEW claim (frequency 1);
- remarks not on file, or none (CARC 16 requires one) -> review with the texts we have.
"""

from __future__ import annotations

from schemas.rework import ReworkAction

from rules.rework.carc import describe_rarc, missing_item
from rules.rework.model import Assessment, DenialCase

_A = ReworkAction
POLICY = 'CARC 16 ("At least one Remark Code must be provided"); the RARC names what is missing'


def assess_missing_info(case: DenialCase, *, claim_level: bool = False) -> Assessment:
    where = "the claim" if claim_level or case.line is None else case.line.label
    remarks = case.remarks
    if claim_level:
        return Assessment(
            _A.REVIEW,
            "claim-level CO-16: the claim lacks information",
            "The payer rejected the whole claim for missing or invalid information. Claim-level remark codes (MOA) "
            "are not carried on remit.received.v1: read them on the remittance advice, fix the claim and send it "
            "again" + (f" (line remarks: {'; '.join(describe_rarc(r) for r in remarks)})" if remarks else "") + ".",
            POLICY,
        )
    if not remarks:
        return Assessment(
            _A.REVIEW,
            f"CO-16 on {where} without a remark code",
            "CARC 16 requires a remark code naming what is missing and none came with it: call the payer or read "
            "the paper remittance advice, then correct and resubmit.",
            POLICY,
        )
    missing = [(r, item) for r in remarks if (item := missing_item(r)) is not None]
    unprocessable = "MA130" in remarks
    if missing:
        items = "; ".join(f"{item} ({code})" for code, item in missing)
        how = (
            "MA130: the claim was unprocessable and has no appeal rights."
            if unprocessable
            else "Correct it and send a replacement claim."
        )
        return Assessment(
            _A.CORRECT_AND_RESUBMIT,
            f"missing/incomplete/invalid {items} on {where}",
            f"The payer says {where} lacks or has invalid: {items}. Check that field against the chart and the 837. "
            f"{how}",
            POLICY,
            new_claim=unprocessable,
        )
    texts = "; ".join(describe_rarc(r) for r in remarks)
    return Assessment(
        _A.REVIEW,
        f"CO-16 on {where}: remarks {', '.join(remarks)}",
        f"The remark codes do not name a missing field this worker knows ({texts}). Read them on the X12 RARC "
        "list, fix what they name, and resubmit"
        + (" as a NEW claim (MA130: unprocessable, no appeal rights)." if unprocessable else "."),
        POLICY,
        new_claim=unprocessable,
    )
