"""Denials without a specific analysis here: review, quoting the payer's CARC and RARC texts."""

from __future__ import annotations

from schemas.rework import ReworkAction

from rules.rework.carc import describe_carc, describe_rarc
from rules.rework.model import Assessment, DenialCase


def assess_other(case: DenialCase) -> Assessment:
    where = case.line.label if case.line is not None else "the claim"
    remarks = "; ".join(describe_rarc(r) for r in case.remarks) or "none"
    return Assessment(
        ReworkAction.REVIEW,
        "unknown",
        f"No rework rule here covers {case.group}-{case.reason} on {where}. The payer's reason: "
        f"{describe_carc(case.group, case.reason)}; remarks: {remarks}. Read the payer's policy (835 REF*0K, if "
        "sent), then correct and resubmit, appeal with documentation, or write off.",
        f"X12 CARC {case.reason}",
    )


def assess_not_procedure_code(case: DenialCase) -> Assessment:
    """A denied line whose code is not CPT/HCPCS (SVC01-01 N4, ZZ, AD, ER, IV ...): kept, never judged as one."""
    line = case.line
    assert line is not None  # only ever called for a line
    remarks = "; ".join(describe_rarc(r) for r in case.remarks) or "none"
    return Assessment(
        ReworkAction.REVIEW,
        f"{case.group}-{case.reason} on a {line.code_qualifier} code, not a CPT/HCPCS code",
        f"{line.label} is coded under qualifier {line.code_qualifier}, not HC: it is not a CPT/HCPCS code, so no "
        f"NCCI/MUE edit or CPT coding rule applies and none was used to explain the denial. The payer's reason: "
        f"{describe_carc(case.group, case.reason)}; remarks: {remarks}. Check the code against the payer's "
        "policy for that code set (e.g. the NDC and its quantity for N4), then correct and resubmit, appeal, or "
        "write off.",
        f"X12 835 SVC01-01 product/service id qualifier {line.code_qualifier}; X12 CARC {case.reason}",
    )


def assess_claim_denied_without_reason(case: DenialCase) -> Assessment:
    return Assessment(
        ReworkAction.REVIEW,
        "claim denied (CLP02=4) without a denial reason",
        "The payer reports the claim as denied (CLP02=4) but sent no adjustment reason that says why. Call the "
        "payer or read the remittance advice for the reason before correcting or appealing.",
        "X12 835 CLP02 claim status code 4 (denied)",
    )


def assess_unmatched(case: DenialCase) -> Assessment:
    notes = " ".join(case.matched.notes) if case.matched else ""
    return Assessment(
        ReworkAction.REVIEW,
        "unknown",  # the cause is `unknown` when nothing says why (here: no claim line matched)
        f"{notes} Find the claim line this remittance line belongs to (the payer may have recoded it, or the claim "
        "on file is not the version the payer adjudicated) and work its adjudication by hand.",
        "X12 835 loop 2110 (REF*6R line item control number, SVC06 submitted code): a remittance line that "
        "matches no claim line goes to review, never dropped",
    )
