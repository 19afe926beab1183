"""CO-18 / OA-18: exact duplicate claim or line.

- another line of the same claim has the same code and date, and the chart shows different lesions ->
  resubmit_with_modifier (the distinct-service modifier tells the payer it is a second lesion);
- ... the same lesion -> write_off (it was billed twice);
- ... the chart is silent -> review;
- no such line: the claim or line was already processed (often a resubmission sent before the original was
  adjudicated) -> write_off: the original adjudication stands, work that one instead.
"""

from __future__ import annotations

from schemas.rework import ReworkAction

from rules.facts.sites import distinct_lesions
from rules.rework import citations
from rules.rework.bundling import describe_site
from rules.rework.model import Assessment, DenialCase

_A = ReworkAction
POLICY = "CARC 18 (exact duplicate claim/service)"


def assess_duplicate(case: DenialCase, *, claim_level: bool = False) -> Assessment:
    line = case.line
    if claim_level or line is None:
        return Assessment(
            _A.WRITE_OFF,
            "duplicate claim: already processed",
            "The payer already has this claim (same patient, dates and services): this copy is denied and the "
            "original's adjudication stands. Nothing to recover here; work the original's remittance. Send a "
            "replacement (frequency 7) only to change the original, never a second original.",
            POLICY,
        )
    twins = [o for o in case.partners() if o.code == line.code]
    ctx = case.context
    if twins and ctx is not None and line.claim_line is not None:
        twin = twins[0]
        distinct = distinct_lesions(ctx, twin.claim_line, line.claim_line) if twin.claim_line else None
        cause = f"{line.label} has the same code and date as {twin.label}"
        if distinct is True:
            modifier = case.profile.distinct_modifier
            return Assessment(
                _A.RESUBMIT_WITH_MODIFIER,
                cause,
                f"The chart documents {describe_site(line)}, separate from {describe_site(twin)}: two services, "
                f"but nothing on line {line.line_id} told the payer so. Resubmit it with {modifier}.",
                f"{POLICY}; {citations.A53399}",
                modifier=modifier,
                corrected_modifiers=(*line.modifiers, modifier),
            )
        if distinct is False:
            return Assessment(
                _A.WRITE_OFF,
                cause,
                f"The chart documents the same lesion on both lines: line {line.line_id} billed it twice. Write it "
                "off.",
                POLICY,
            )
        return Assessment(
            _A.REVIEW,
            cause,
            f"Decides it: were lines {twin.line_id} and {line.line_id} different lesions or sites? If yes, resubmit "
            f"line {line.line_id} with {case.profile.distinct_modifier} (or combine the units on one line where the "
            "code counts lesions); if the same service, write it off.",
            POLICY,
        )
    return Assessment(
        _A.WRITE_OFF,
        f"{line.label} already processed on another claim or line",
        "The payer already processed this service (same code and date): the original adjudication stands and this "
        "copy adds nothing. Work the original's remittance instead (if it was denied, that is the item to fix); do "
        "not send the line again.",
        POLICY,
    )
