"""CO-97 / CO-236 / CO-231 (and CO-234, B15 with M80): find what the line was bundled into, judge the chart.

The column-1 line is looked up, in order: an E/M with a same-day minor procedure or a major procedure's
pre-operative day, or inside a global period (`global_surgery`); a same-day NCCI PTP pair in the edition in
force on the date of service (the denied line is column 2); a later procedure inside another's global period.

PTP pair, by chart documentation (`rules.facts.sites.distinct_lesions`, shared with BND001):
- indicator 0 -> write_off (no modifier bypasses the edit);
- same lesion -> write_off (never add a modifier to get past an edit);
- different lesion/site, no distinct modifier billed -> resubmit_with_modifier with the payer profile's
  distinct modifier (XS, or 59 for a payer that wants it) on the column-2 line;
- distinct modifier billed and the chart shows a different lesion/site -> appeal with the chart note
  (an X modifier to a payer that does not accept them -> resubmit with 59 instead);
- chart silent -> review, saying what decides it.
The distinct modifier is read where the table in force reads it: on the column-2 line. One billed on the
column-1 line counts only for a payer profile with `distinct_modifier_either_line`; otherwise the corrected
claim moves it to the column-2 line.

The payer denied the COLUMN-1 line of a pair in force (e.g. CO-97 on 17263 with 17000 paid; v30.1 has 17263 as
column 1 over 17000, indicator 1): the edit never denies column 1, so
- a biopsy of the lesion then treated (same lesion) -> write_off (NCCI Policy Manual ch. III, as BND001);
- indicator 0 -> correct_and_resubmit without the column-2 line (or with it recoded to its family add-on,
  11102 -> 11103 beside 11104): never a modifier;
- same lesion -> correct_and_resubmit without the column-2 line (it is part of the column-1 service);
- different lesion/site -> the distinct modifier goes on the column-2 line (resubmit_with_modifier, the
  corrected claim carries it there), on the denied line only for an either-line payer; a modifier already
  where the table reads it -> appeal, citing the row;
- chart silent -> review, saying which line takes the modifier.
"""

from __future__ import annotations

from schemas.claim import Documentation
from schemas.rework import ReworkAction

from rules.data.ncci import PtpEdit
from rules.facts.biopsy import planned_code
from rules.facts.modifiers import ANATOMIC, DISTINCT_SERVICE
from rules.facts.sites import SHAVE_CODES, distinct_lesions
from rules.rework import citations
from rules.rework.global_surgery import assess_em, assess_procedure_in_global
from rules.rework.lookup import ptp
from rules.rework.model import Assessment, DenialCase, ServiceLine

_A = ReworkAction
X_MODIFIERS = frozenset({"XE", "XS", "XP", "XU"})
BYPASS_MODIFIERS = DISTINCT_SERVICE | ANATOMIC


def describe_site(line: ServiceLine) -> str:
    """`lesion B on the left arm`, from whatever the chart says about the line."""
    doc: Documentation = line.doc
    where = " ".join(p for p in (doc.laterality, doc.body_region.replace("_", " ") if doc.body_region else None) if p)
    lesion = f"lesion {doc.lesion_id}" if doc.lesion_id else f"the lesion of line {line.line_id}"
    return f"{lesion} on the {where}" if where else lesion


def find_column1(case: DenialCase, *, reversed_pair: bool = False) -> tuple[ServiceLine, PtpEdit, str] | None:
    """The same-day line the denied line is column 2 to (with `reversed_pair`: column 1 over), preferring one the
    payer paid; with the edition label."""
    line = case.line
    if line is None or line.service_date is None:
        return None
    edition = ptp(case.ruleset, case.profile, line.service_date)
    if edition is None:
        return None
    meta, table = edition
    hits = []
    for other in case.partners():
        first, second = (line.code, other.code) if reversed_pair else (other.code, line.code)
        edit = table.edit(first, second, line.service_date)
        if edit is not None:
            outcome = case.outcomes.get(other.key)
            paid_first = 0 if outcome is not None and outcome.paid > 0 else 1
            hits.append((paid_first, other, edit))
    if not hits:
        return None
    hits.sort(key=lambda h: h[0])
    return hits[0][1], hits[0][2], meta.label


def assess_bundled(case: DenialCase) -> Assessment:
    em = assess_em(case)
    if em is not None:
        return em
    found = find_column1(case)
    if found is not None:
        return judge_ptp(case, *found)
    over = find_column1(case, reversed_pair=True)
    if over is not None:
        return judge_column1_denied(case, *over)
    global_period = assess_procedure_in_global(case)
    if global_period is not None:
        return global_period
    return _unknown(case)


def _paid_note(case: DenialCase, column1: ServiceLine) -> str:
    outcome = case.outcomes.get(column1.key)
    if outcome is None:
        return ""
    if outcome.paid > 0:
        return f" {column1.label} was paid {outcome.paid:.2f} on this remittance."
    if outcome.denials:
        return f" {column1.label} was itself denied ({', '.join(outcome.denials)}): work that denial too."
    return ""


def judge_ptp(case: DenialCase, column1: ServiceLine, edit: PtpEdit, edition: str) -> Assessment:
    line = case.line
    assert line is not None
    indicator = edit.modifier_indicator
    cause = f"{line.label} column 2 to {column1.label}, PTP modifier indicator {indicator}"
    data = (("ptp", edition),)
    policy = f"{citations.NCCI_CH1}; {citations.NCCI_CH3}"
    paid = _paid_note(case, column1)
    if _biopsy_of_treated_lesion(case, column1, line) and _distinct(case, column1, line) is False:
        return Assessment(
            _A.CORRECT_AND_RESUBMIT,
            cause,
            f"{edition} lists the biopsy {column1.code} as column 1 over {line.code} (indicator {indicator}), and the "
            f"chart documents the same lesion: a biopsy of the lesion then treated in the same session is part of "
            f"that procedure (NCCI Policy Manual ch. III), so the biopsy is the line not billed. Send a corrected "
            f"claim without line {column1.line_id} ({column1.code}) so {line.code} is paid, unless the biopsy "
            f"result, read before the procedure, decided it.{paid}",
            f"{policy}; {citations.NCCI_CH1_NO_BYPASS}",
            other_lines=((column1.key, None),),
            data=data,
        )
    if indicator == "0":
        return Assessment(
            _A.WRITE_OFF,
            cause,
            f"{line.code} is column 2 to {column1.code} ({edit.rationale}) with modifier indicator 0: no modifier "
            f"bypasses this edit, so the denial is correct. Write it off.{paid}",
            f"{policy}; {citations.NCCI_CH1_NO_BYPASS}",
            data=data,
        )
    billed = set(line.modifiers) & BYPASS_MODIFIERS
    # A distinct modifier on the column-1 line: read there only by a payer that reads either line of the pair.
    misplaced = tuple(m for m in column1.modifiers if m in DISTINCT_SERVICE)
    if misplaced and case.profile.distinct_modifier_either_line:
        billed |= set(misplaced)
        misplaced = ()
    distinct = _distinct(case, column1, line)
    sites = f"{describe_site(line)}, separate from {describe_site(column1)}"
    if distinct is False:
        why = f"a bypass modifier ({', '.join(sorted(billed))}) was billed but " if billed else ""
        return Assessment(
            _A.WRITE_OFF,
            cause,
            f"{why}the chart documents the same lesion for {line.label} and {column1.label}: {line.code} is part of "
            f"{column1.code} and not separately payable. Write it off; do not add a modifier to get past the edit."
            f"{paid}",
            f"{policy}; {citations.NCCI_CH1_NO_BYPASS}",
            data=data,
        )
    if billed:
        if billed <= X_MODIFIERS and not case.profile.accepts_x_modifiers and distinct is True:
            return Assessment(
                _A.RESUBMIT_WITH_MODIFIER,
                cause,
                f"The chart documents {sites}, and {', '.join(sorted(billed))} was billed, but this payer "
                f"({case.profile.name}) does not accept X modifiers: resubmit line {line.line_id} with 59 in its "
                f"place.{paid}",
                f"{policy}; {citations.A53399}",
                modifier="59",
                corrected_modifiers=(*[m for m in line.modifiers if m not in X_MODIFIERS], "59"),
                data=data,
            )
        if distinct is True:
            dropped = set(billed) - set(case.matched.remit_modifiers if case.matched else ())
            how = (
                f" The remittance does not show {', '.join(sorted(dropped))}: the payer dropped the modifier, so "
                "ask for a reopening/redetermination rather than rebilling."
                if dropped and case.claim_known
                else ""
            )
            return Assessment(
                _A.APPEAL,
                cause,
                f"{', '.join(sorted(billed))} was billed on line {line.line_id} and the chart documents {sites}: a "
                f"distinct service the edit allows with indicator 1. The denial is wrong; request a redetermination."
                f"{how}{paid}",
                f"{policy}; {citations.A53399}",
                attach=f"chart note showing {sites}",
                data=data,
            )
        return Assessment(
            _A.REVIEW,
            cause,
            f"{', '.join(sorted(billed))} was billed but the chart facts are missing. Decides it: do the notes "
            f"show {line.code} (line {line.line_id}) treated a different lesion or anatomic site than {column1.code} "
            f"(line {column1.line_id})? If yes, appeal with that note; if the same lesion, write it off.{paid}",
            policy,
            data=data,
        )
    modifier = case.profile.distinct_modifier
    if distinct is True:
        moved = (
            f" The {', '.join(misplaced)} billed on {column1.label}, the column-1 code, does not count: NCCI reads "
            f"the distinct modifier on the column-2 code of the pair in force ({edition}), so the corrected claim "
            f"moves it."
            if misplaced
            else ""
        )
        return Assessment(
            _A.RESUBMIT_WITH_MODIFIER,
            cause,
            f"The chart documents {sites}, but line {line.line_id} was billed without a distinct-service modifier. "
            f"Resubmit with {modifier} on {line.code}, the column-2 code.{moved}{paid}",
            f"{policy}; {citations.A53399}",
            modifier=modifier,
            corrected_modifiers=(*line.modifiers, modifier),
            other_lines=_without_distinct(column1) if misplaced else (),
            data=data,
        )
    return Assessment(
        _A.REVIEW,
        cause,
        f"No distinct-service modifier was billed and the chart facts are missing. Decides it: lesion id and "
        f"anatomic site of lines {line.line_id} and {column1.line_id}. A different lesion or site: resubmit with "
        f"{modifier} on {line.code}; the same lesion: write it off (never add a modifier only to pass the edit)."
        f"{paid}",
        f"{policy}; {citations.NCCI_CH1_NO_BYPASS}",
        data=data,
    )


def judge_column1_denied(case: DenialCase, column2: ServiceLine, edit: PtpEdit, edition: str) -> Assessment:
    """The payer denied the column-1 line of a pair in force on the date of service: the edit denies column 2,
    so the answer is about the column-2 line (see the module docstring)."""
    line = case.line
    assert line is not None
    indicator = edit.modifier_indicator
    cause = (
        f"{line.label} column 1 over {column2.label} (PTP {line.code}/{column2.code} in {edition}), PTP modifier "
        f"indicator {indicator}: the payer denied the column-1 code"
    )
    data = (("ptp", edition),)
    policy = f"{citations.NCCI_CH1}; {citations.NCCI_CH3}"
    paid = _paid_note(case, column2)
    order = (
        f"In {edition}, {line.code} is column 1 and {column2.code} column 2 ({edit.rationale}, modifier indicator "
        f"{indicator}): the edit pays {line.code} and denies {column2.code}, yet the payer denied {line.code}."
    )
    distinct = _distinct(case, line, column2)
    if distinct is False and _biopsy_of_treated_lesion(case, line, column2):
        return Assessment(
            _A.WRITE_OFF,
            cause,
            f"{order} But the chart documents the same lesion: a biopsy of the lesion then treated in the same "
            f"session is part of that procedure and not billed (NCCI Policy Manual ch. III), so the denial of "
            f"{line.code} is right. Write it off unless the biopsy result, read before {column2.code}, decided "
            f"it.{paid}",
            f"{policy}; {citations.NCCI_CH1_NO_BYPASS}",
            data=data,
        )
    if indicator == "0" or distinct is False:
        why = (
            "no modifier bypasses an indicator-0 edit"
            if indicator == "0"
            else f"the chart documents the same lesion, so {column2.code} is part of {line.code}"
        )
        recoded = _recoded(case, column2)
        how = (
            f"recodes line {column2.line_id} to {recoded}, the code CPT gives it beside {line.code}"
            if recoded
            else f"drops line {column2.line_id} ({column2.code})"
        )
        return Assessment(
            _A.CORRECT_AND_RESUBMIT,
            cause,
            f"{order} {why[0].upper()}{why[1:]}: the claim should not bill {column2.code} with {line.code}. Send a "
            f"corrected claim that {how}, so {line.code} is paid; do not add a modifier to get past the edit."
            f"{paid}",
            f"{policy}; {citations.NCCI_CH1_NO_BYPASS}",
            other_lines=((column2.key, (recoded, _strip_distinct(column2.modifiers)) if recoded else None),),
            data=data,
        )
    either = case.profile.distinct_modifier_either_line
    modifier = case.profile.distinct_modifier
    placed = set(column2.modifiers) & BYPASS_MODIFIERS
    if either:
        placed |= set(line.modifiers) & DISTINCT_SERVICE
    sites = f"{describe_site(line)}, separate from {describe_site(column2)}"
    if distinct is True and placed:
        return Assessment(
            _A.APPEAL,
            cause,
            f"{order} {', '.join(sorted(placed))} is billed where the payer reads it and the chart documents {sites}: "
            f"the edit allows both with indicator 1. The denial is wrong; request a redetermination.{paid}",
            f"{policy}; {citations.A53399}",
            attach=f"chart note showing {sites}, and the PTP row {line.code}/{column2.code} of {edition}",
            data=data,
        )
    if distinct is True and either:
        return Assessment(
            _A.RESUBMIT_WITH_MODIFIER,
            cause,
            f"{order} The chart documents {sites}. This payer ({case.profile.name}) reads the distinct modifier on "
            f"either code of the pair: resubmit line {line.line_id} with {modifier}.{paid}",
            f"{policy}; {citations.A53399}",
            modifier=modifier,
            corrected_modifiers=(*line.modifiers, modifier),
            data=data,
        )
    if distinct is True:
        return Assessment(
            _A.RESUBMIT_WITH_MODIFIER,
            cause,
            f"{order} The chart documents {sites}, and no distinct-service modifier is on the column-2 line. "
            f"Resubmit with {modifier} on line {column2.line_id} ({column2.code}), the column-2 code: NCCI reads it "
            f"there, not on {line.code}, which goes back unchanged.{paid}",
            f"{policy}; {citations.A53399}",
            modifier=modifier,
            corrected_modifiers=_strip_distinct(line.modifiers),
            other_lines=((column2.key, (column2.code, (*column2.modifiers, modifier))),),
            data=data,
        )
    return Assessment(
        _A.REVIEW,
        cause,
        f"{order} The chart facts are missing. Decides it: lesion id and anatomic site of lines {line.line_id} and "
        f"{column2.line_id}. A different lesion or site: resubmit with {modifier} on {column2.code} (line "
        f"{column2.line_id}), the column-2 code, not on {line.code}; the same lesion: a corrected claim without "
        f"{column2.code}. Never add a modifier only to pass the edit.{paid}",
        f"{policy}; {citations.NCCI_CH1_NO_BYPASS}",
        data=data,
    )


def _biopsy_of_treated_lesion(case: DenialCase, biopsy: ServiceLine, other: ServiceLine) -> bool:
    """A biopsy line over a destruction, excision, shave or Mohs of the same lesion (BND001's exception)."""
    families = case.ruleset.families
    if families.family_of(biopsy.code) != "biopsy":
        return False
    family = families.family_of(other.code) or ""
    return other.code in SHAVE_CODES or family.startswith(("destruction_", "excision_", "mohs", "skin_tag_removal"))


def _recoded(case: DenialCase, line: ServiceLine) -> str | None:
    """The code the biopsy rules give the line on this claim (11102 beside 11104 -> 11103), if another."""
    ctx = case.context
    if ctx is None or line.claim_line is None:
        return None
    code = planned_code(ctx, line.claim_line)
    return code if code != line.code else None


def _strip_distinct(modifiers: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(m for m in modifiers if m not in DISTINCT_SERVICE)


def _without_distinct(line: ServiceLine) -> tuple[tuple[str, tuple[str, tuple[str, ...]] | None], ...]:
    return ((line.key, (line.code, _strip_distinct(line.modifiers))),)


def _distinct(case: DenialCase, column1: ServiceLine, column2: ServiceLine) -> bool | None:
    ctx = case.context
    if ctx is None or column1.claim_line is None or column2.claim_line is None:
        return None
    return distinct_lesions(ctx, column1.claim_line, column2.claim_line)


def _unknown(case: DenialCase) -> Assessment:
    line = case.line
    assert line is not None
    edition = ptp(case.ruleset, case.profile, line.service_date)
    table = edition[0].label if edition else "no PTP edition covers the date of service"
    others = ", ".join(o.label for o in case.partners()) or "none"
    return Assessment(
        _A.REVIEW,
        "unknown",
        f"No billed line explains the bundling: no same-day PTP pair with {line.code} in {table} (same-day lines: "
        f"{others}), no E/M-procedure or global-period relation. Ask the payer which service it was bundled into "
        "(the 835 REF*0K policy identification, if sent), and check for another claim on the same date.",
        citations.NCCI_CH1,
        data=(("ptp", table),),
    )
