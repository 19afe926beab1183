"""CO-B15 + N122: an add-on code paid only with its primary on the same date.

- primary billed and allowed on this remittance -> appeal (reopening): the payer missed it;
- primary billed but denied -> review: the add-on follows that denial, work it first;
- primary billed but not on this remittance -> review (split claim: wait for its adjudication);
- no primary billed and the add-on's own primary is known (same family and technique) -> correct_and_resubmit:
  the first unit becomes the primary (11103 x3 alone -> 11102 + 11103 x2);
- otherwise -> review.
"""

from __future__ import annotations

from schemas.rework import ReworkAction

from rules.rework import citations
from rules.rework.lookup import addons
from rules.rework.model import Assessment, DenialCase

_A = ReworkAction


def own_primary(case: DenialCase, addon: str, primaries: frozenset[str]) -> str | None:
    """The primary of the add-on's own family and technique (code_families), else the only listed primary."""
    entry = case.ruleset.families.get(addon)
    if entry is not None and entry.role == "addon":
        same = [
            e.code
            for e in case.ruleset.families.in_family(entry.family)
            if e.role == "primary" and e.technique == entry.technique and (not primaries or e.code in primaries)
        ]
        if len(same) == 1:
            return same[0]
    return next(iter(primaries)) if len(primaries) == 1 else None


def assess_addon(case: DenialCase) -> Assessment:
    line = case.line
    assert line is not None
    edition = addons(case.ruleset, case.profile, line.service_date)
    edit = edition[1].get(line.code) if edition else None
    primaries = edit.primaries if edit else frozenset()
    data = (("addon", edition[0].label),) if edition else ()
    listed = ", ".join(sorted(primaries)) or "not listed in the add-on table"
    policy = citations.ADDON
    billed = [p for p in case.partners() if p.code in primaries]
    if billed:
        primary = billed[0]
        cause = f"add-on {line.label} with primary {primary.label}"
        outcome = case.outcomes.get(primary.key)
        if outcome is not None and not outcome.denials:
            return Assessment(
                _A.APPEAL,
                cause,
                f"The primary {primary.label} was billed on the same date and allowed on this remittance (paid "
                f"{outcome.paid:.2f}), so the add-on's denial for a missing primary is a processing error. Request a "
                "reopening/redetermination.",
                policy,
                attach=f"this remittance showing {primary.code} allowed for {line.service_date}",
                data=data,
            )
        if outcome is not None and outcome.denials:
            return Assessment(
                _A.REVIEW,
                f"{cause}, which was denied ({', '.join(outcome.denials)})",
                f"The add-on follows its primary: {primary.label} was denied ({', '.join(outcome.denials)}). Work "
                "that denial first; once the primary is paid, the add-on is payable (reopen or resubmit it with it).",
                policy,
                data=data,
            )
        return Assessment(
            _A.REVIEW,
            cause,
            f"The primary {primary.label} is on the claim but not on this remittance (the payer may have split the "
            "claim). Wait for its adjudication, then ask for the add-on to be reprocessed.",
            policy,
            data=data,
        )
    primary_code = own_primary(case, line.code, primaries)
    if primary_code is None:
        return Assessment(
            _A.REVIEW,
            f"add-on {line.label} billed without a primary (primaries: {listed})",
            f"No primary for {line.code} ({listed}) was billed on {line.service_date}. Decides it: which primary "
            "procedure was performed that day and whether it was billed on another claim; add it (or have the "
            "add-on reprocessed with that claim).",
            policy,
            data=data,
        )
    cause = f"add-on {line.label} billed without its primary {primary_code} (primaries: {listed})"
    if line.units > 1:
        explanation = (
            f"{line.code} x{line.units} was billed alone. The first service is the primary: report {primary_code} "
            f"x1 and {line.code} x{line.units - 1}, unless the primary was billed on another claim for "
            f"{line.service_date} (then have this line reprocessed with it)."
        )
        return Assessment(
            _A.CORRECT_AND_RESUBMIT,
            cause,
            explanation,
            policy,
            corrected_units=line.units - 1,
            added_lines=((primary_code, (), 1),),
            data=data,
        )
    return Assessment(
        _A.CORRECT_AND_RESUBMIT,
        cause,
        f"{line.code} was billed alone for a single service: that service is the primary, {primary_code}. Replace "
        f"{line.code} with {primary_code} on line {line.line_id}, unless the primary was billed on another claim "
        f"for {line.service_date}.",
        policy,
        corrected_code=primary_code,
        data=data,
    )
