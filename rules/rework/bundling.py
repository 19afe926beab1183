"""CO-97 / CO-236 / CO-231 (and CO-234, B15 with M80): find what the line was bundled into, judge the chart.

The column-1 line is looked up, in order: an E/M with a same-day minor procedure or a major procedure's
pre-operative day, or inside a global period (`global_surgery`); a same-day NCCI PTP pair in the edition in
force on the date of service (the denied line is column 2); a later procedure inside another's global period.

PTP pair, by chart documentation (`distinct_by_documentation`, shared with BND001):
- indicator 0 -> write_off (no modifier bypasses the edit);
- same lesion -> write_off (never add a modifier to get past an edit);
- different lesion/site, no distinct modifier billed -> resubmit_with_modifier with the payer profile's
  distinct modifier (XS, or 59 for a payer that wants it) on the column-2 line;
- distinct modifier billed and the chart shows a different lesion/site -> appeal with the chart note
  (an X modifier to a payer that does not accept them -> resubmit with 59 instead);
- chart silent -> review, saying what decides it.
"""

from __future__ import annotations

from schemas.claim import Documentation
from schemas.rework import ReworkAction

from rules.bundling.column2_billed_with_column1 import distinct_by_documentation
from rules.data.ncci import PtpEdit
from rules.modifiers_common import ANATOMIC, DISTINCT_SERVICE
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


def find_column1(case: DenialCase) -> tuple[ServiceLine, PtpEdit, str] | None:
    """The same-day line the denied line is column 2 to, preferring one the payer paid; with the edition label."""
    line = case.line
    if line is None or line.service_date is None:
        return None
    edition = ptp(case.ruleset, case.profile, line.service_date)
    if edition is None:
        return None
    meta, table = edition
    hits = []
    for other in case.partners():
        edit = table.edit(other.code, line.code, line.service_date)
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
        return Assessment(
            _A.RESUBMIT_WITH_MODIFIER,
            cause,
            f"The chart documents {sites}, but line {line.line_id} was billed without a distinct-service modifier. "
            f"Resubmit with {modifier} on {line.code}, the column-2 code.{paid}",
            f"{policy}; {citations.A53399}",
            modifier=modifier,
            corrected_modifiers=(*line.modifiers, modifier),
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


def _distinct(case: DenialCase, column1: ServiceLine, column2: ServiceLine) -> bool | None:
    ctx = case.context
    if ctx is None or column1.claim_line is None or column2.claim_line is None:
        return None
    return distinct_by_documentation(ctx, column1.claim_line, column2.claim_line)


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
