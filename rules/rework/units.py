"""CARC 151 / CO-96 + N362: units over the Medically Unlikely Edit (MUE) for the code.

Medicare denies the whole line when its units exceed the MUE (MAI 1: per line; MAI 2/3: per code per
date of service, all lines added). Then:
- MAI 2 (policy, absolute): the excess is never payable -> correct_and_resubmit with the allowed units
  (write_off if the payer already paid the allowed part, or other lines already use the day's maximum);
- MAI 3 (clinical): appeal when the chart documents more services than the MUE (lesion count), else
  correct_and_resubmit with the allowed units;
- MAI 1 (line edit): correct_and_resubmit with the allowed units on this line; more units go on separate
  lines only with the anatomic/distinct modifier the chart supports;
- units within the MUE on file, or no MUE on file -> review (the payer applied another limit).
"""

from __future__ import annotations

from schemas.rework import ReworkAction

from rules.rework import citations
from rules.rework.lookup import mue
from rules.rework.model import Assessment, DenialCase

_A = ReworkAction


def assess_units(case: DenialCase) -> Assessment:
    line = case.line
    assert line is not None
    edition = mue(case.ruleset, case.profile, line.service_date)
    edit = edition[1].get(line.code) if edition else None
    policy = citations.MUE
    if edition is None or edit is None:
        table = edition[0].label if edition else "no MUE edition for the date of service"
        return Assessment(
            _A.REVIEW,
            f"units of {line.label}: no MUE on file for {line.code} ({table})",
            f"The payer says {line.units} unit(s) of {line.code} exceed its limit, but no MUE value is on file here. "
            "Check the CMS practitioner MUE file for the quarter of the date of service: if the units exceed it, "
            "resubmit with the allowed units; if not, appeal with the documentation of each unit.",
            policy,
            data=(("mue", table),),
        )
    data = (("mue", edition[0].label),)
    same_code = [o for o in case.partners() if o.code == line.code]
    others = sum(o.units for o in same_code)
    counted = line.units if edit.mai == 1 else line.units + others
    scope = "on the line" if edit.mai == 1 else f"on {line.service_date} (all lines of {line.code})"
    cause = f"{line.label}: {counted} unit(s) {scope} over the MUE of {edit.value} (MAI {edit.mai}: {edit.rationale})"
    partial = case.matched is not None and case.matched.paid > 0
    if counted <= edit.value:
        return Assessment(
            _A.REVIEW,
            f"{line.label}: {counted} unit(s) {scope}, within the MUE of {edit.value} on file (MAI {edit.mai})",
            "The billed units are within the MUE on file, so the payer counted other services (another claim on "
            "the same date) or used another edition. Ask the payer; appeal with the documentation if the units "
            "are right.",
            policy,
            data=data,
        )
    allowed = edit.value if edit.mai == 1 else max(edit.value - others, 0)
    if partial or allowed == 0:
        why = (
            "the payer already paid the allowed units"
            if partial
            else f"other lines already report the day's maximum of {edit.value}"
        )
        if edit.mai == 3 and _documented(case, counted):
            return _appeal(cause, line.code, line.line_id, counted, policy, data)
        return Assessment(
            _A.WRITE_OFF if edit.mai != 1 else _A.REVIEW,
            cause,
            f"The excess over the MUE is not payable and {why}. "
            + (
                "Write off the excess (MAI 2 cannot be appealed)."
                if edit.mai == 2
                else "Write off the excess unless the chart documents each unit (then appeal)."
                if edit.mai == 3
                else "Decides it: were the excess units at separate sites (separate lines with anatomic or "
                "distinct modifiers)? Otherwise write them off."
            ),
            policy,
            data=data,
        )
    if edit.mai == 3 and _documented(case, counted):
        return _appeal(cause, line.code, line.line_id, counted, policy, data)
    tail = {
        1: " Units beyond the MUE go on separate lines only with the anatomic or distinct-service modifier the "
        "chart supports for each site.",
        2: " The excess is not payable (MAI 2 is absolute; no appeal).",
        3: " The excess is payable only on appeal with documentation of each unit.",
    }.get(edit.mai, "")
    return Assessment(
        _A.CORRECT_AND_RESUBMIT,
        cause,
        f"The whole line was denied for exceeding the MUE. Resubmit line {line.line_id} with {allowed} unit(s) to "
        f"be paid for what the edit allows.{tail}",
        policy,
        corrected_units=allowed,
        data=data,
    )


def _documented(case: DenialCase, counted: int) -> bool:
    count = case.line.doc.lesion_count if case.line else None
    return count is not None and count >= counted


def _appeal(
    cause: str, code: str, line_id: str | None, counted: int, policy: str, data: tuple[tuple[str, str], ...]
) -> Assessment:
    return Assessment(
        _A.APPEAL,
        cause,
        f"The MUE is clinical (MAI 3) and the chart documents {counted} lesions for {code}: appeal with the "
        "documentation of each unit.",
        policy,
        attach=f"the procedure note for line {line_id} listing each of the {counted} lesions treated",
        data=data,
    )
