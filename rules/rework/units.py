"""CARC 151 / CO-96 + N362: units over the Medically Unlikely Edit (MUE) for the code.

Medicare denies the whole line when its units exceed the MUE (MAI 1: per line; MAI 2/3: per code per
date of service, all lines added). The MUE row in force on the date of service (the payer profile may lay its
own over it) decides, by its adjudication indicator (MAI):
- MAI 2 (policy, absolute): no appeal on units. correct_and_resubmit with the allowed units, or, where the
  code family bills further lesions on an add-on (11102 -> +11103, 17000 -> +17003), recoded to the primary
  x1 plus the add-on for the others (write_off if the payer already paid the allowed part, or other lines
  already use the day's maximum);
- MAI 3 (clinical): correctly coded units are kept. appeal when the chart documents each unit (lesion count),
  naming what the appeal needs; correct_and_resubmit to the documented count when the chart documents fewer;
  review when the chart is silent, saying what decides it;
- MAI 1 (line edit): correct_and_resubmit with the allowed units on this line; where CPT reports the code once
  per lesion (excisions, malignant destructions, shaves) and the chart documents the lesions, the other units
  go on added lines of at most the MUE each with the payer's distinct modifier;
- units within the MUE on file, or no MUE on file -> review (the payer applied another limit).
"""

from __future__ import annotations

from schemas.rework import ReworkAction

from rules.data.ncci import MueEdit
from rules.facts.recode import reported_per_lesion
from rules.rework import citations
from rules.rework.lookup import mue
from rules.rework.model import Assessment, DenialCase, ServiceLine

_A = ReworkAction
Data = tuple[tuple[str, str], ...]


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
    if edit.mai == 3:
        return _clinical(case, line, edit, cause, counted, allowed, partial, data)
    if partial or allowed == 0:
        why = (
            "the payer already paid the allowed units"
            if partial
            else f"other lines already report the day's maximum of {edit.value}"
        )
        return Assessment(
            _A.WRITE_OFF if edit.mai != 1 else _A.REVIEW,
            cause,
            f"The excess over the MUE is not payable and {why}. "
            + (
                "Write off the excess (MAI 2 cannot be appealed)."
                if edit.mai == 2
                else "Decides it: were the excess units at separate sites (separate lines with anatomic or "
                "distinct modifiers)? Otherwise write them off."
            ),
            policy,
            data=data,
        )
    if edit.mai == 2:
        recode = _addon_recode(case, line, counted, allowed)
        if recode is not None:
            return recode_assessment(line, edit, cause, allowed, recode, data)
    if edit.mai == 1:
        split = _line_split(case, line, edit)
        if split:
            return Assessment(
                _A.CORRECT_AND_RESUBMIT,
                cause,
                f"The whole line was denied for exceeding the line MUE of {edit.value}. {line.code} is reported once "
                f"per lesion and the chart documents {line.doc.lesion_count} lesions: resubmit line {line.line_id} "
                f"with {allowed} unit(s) and the other {line.units - allowed} on {len(split)} added line(s) of at "
                f"most {edit.value} with {split[0][1][0]}, one lesion per unit (a line edit applies to each line).",
                policy,
                corrected_units=allowed,
                added_lines=split,
                data=data,
            )
    tail = {
        1: " Units beyond the MUE go on separate lines only with the anatomic or distinct-service modifier the "
        "chart supports for each site.",
        2: " The excess is not payable (MAI 2 is absolute; no appeal).",
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


def _clinical(
    case: DenialCase,
    line: ServiceLine,
    edit: MueEdit,
    cause: str,
    counted: int,
    allowed: int,
    partial: bool,
    data: Data,
) -> Assessment:
    """MAI 3: the units stand if the chart documents each one (appeal, saying what it needs); else they are
    corrected to what it documents; a silent chart decides nothing here."""
    documented = line.doc.lesion_count
    if documented is not None and documented >= counted:
        return _appeal(cause, line, counted, edit, data)
    if documented is not None or not case.claim_known:
        payable = allowed if documented is None else min(documented - (counted - line.units), allowed)
        if partial or payable <= 0:
            return Assessment(
                _A.WRITE_OFF,
                cause,
                "The chart does not document more units than were paid: write off the excess (a clinical MUE is "
                "appealable only with documentation of each unit).",
                citations.MUE,
                data=data,
            )
        basis = f"the chart documents {documented} lesion(s)" if documented is not None else "the claim is not on file"
        return Assessment(
            _A.CORRECT_AND_RESUBMIT,
            cause,
            f"The whole line was denied for exceeding the MUE of {edit.value} and {basis}: resubmit line "
            f"{line.line_id} with {payable} unit(s). The excess is payable only on appeal with documentation of "
            "each unit.",
            citations.MUE,
            corrected_units=payable,
            data=data,
        )
    return Assessment(
        _A.REVIEW,
        cause,
        f"The MUE is clinical (MAI 3): correctly coded units are kept when documented. Decides it: does the procedure "
        f"note for line {line.line_id} document each of the {counted} units ({_what(line.code)})? If yes, appeal "
        f"with it; if not, resubmit line {line.line_id} with {allowed} unit(s).",
        citations.MUE,
        data=data,
    )


def _what(code: str) -> str:
    return f"each lesion of {code} with its site, size and diagnosis, and why more than the MUE were necessary"


def _appeal(cause: str, line: ServiceLine, counted: int, edit: MueEdit, data: Data) -> Assessment:
    return Assessment(
        _A.APPEAL,
        cause,
        f"The MUE is clinical (MAI 3) and the chart documents {counted} lesions for {line.code}: appeal with the "
        "documentation of each unit.",
        citations.MUE,
        attach=(
            f"the procedure note for line {line.line_id} listing each of the {counted} lesions treated (site, size, "
            f"technique and diagnosis of each) and why more than {edit.value} were medically necessary that day"
        ),
        data=data,
    )


def _addon_recode(case: DenialCase, line: ServiceLine, counted: int, allowed: int) -> tuple[str, int] | None:
    """(add-on code, units) when the code family bills the further units on the code's add-on (11102 x3 ->
    11102 + 11103 x2, 17000 x3 -> 17000 + 17003 x2) and no line of that add-on is billed that day."""
    families = case.ruleset.families
    addon = families.addon_of(line.code)
    if addon is None or addon.code == line.code or (addon.per or 1) != 1 or addon.count_min is None:
        return None
    if any(o.code == addon.code for o in case.partners()) or allowed < 1:
        return None
    return addon.code, counted - allowed


def recode_assessment(
    line: ServiceLine, edit: MueEdit, cause: str, allowed: int, recode: tuple[str, int], data: Data
) -> Assessment:
    addon, units = recode
    return Assessment(
        _A.CORRECT_AND_RESUBMIT,
        cause,
        f"The whole line was denied for exceeding the MUE of {edit.value} (MAI 2 is absolute; no appeal on units). "
        f"{line.code} describes one lesion and the others are its add-on {addon}: resubmit line {line.line_id} with "
        f"{allowed} unit(s) and add {addon} x{units} (CPT: further lesions on the add-on, not more {line.code} units).",
        citations.MUE,
        corrected_units=allowed,
        added_lines=((addon, (), units),),
        data=data,
    )


def _line_split(case: DenialCase, line: ServiceLine, edit: MueEdit) -> tuple[tuple[str, tuple[str, ...], int], ...]:
    """MAI 1: the further units on added lines of at most the MUE each, when CPT reports the code once per lesion
    and the chart documents the lesions; () otherwise."""
    count = line.doc.lesion_count
    if (
        edit.value < 1
        or count is None
        or count < line.units
        or not reported_per_lesion(case.ruleset.families, line.code)
    ):
        return ()
    modifier = case.profile.distinct_modifier
    left = line.units - edit.value
    out = []
    while left > 0:
        units = min(edit.value, left)
        out.append((line.code, (modifier,), units))
        left -= units
    return tuple(out)
