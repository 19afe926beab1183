"""E/M with procedures and global periods: modifiers 25, 57 and 24, or a correct denial.

- E/M on the day of a minor procedure (000/010 global): included, unless the chart documents a significant,
  separately identifiable E/M (modifier 25). The decision to do a minor procedure is never separately paid.
- E/M on the day of or the day before a major procedure (090 global): included, except the visit that
  decided the surgery (modifier 57, not 25).
- E/M after the procedure, inside its 010/090 global period: post-operative care is included; an unrelated
  problem is billed with 24.
- A procedure inside another's global period: 79 (unrelated), 58 (staged) or 78 (return to the OR).
"""

from __future__ import annotations

from datetime import timedelta

from schemas.rework import ReworkAction

from rules.facts.modifiers import EM_CODES
from rules.rework import citations
from rules.rework.lookup import global_days
from rules.rework.model import Assessment, DenialCase, ServiceLine

_A = ReworkAction


def _swap(modifiers: tuple[str, ...], remove: set[str], add: str) -> tuple[str, ...]:
    kept = tuple(m for m in modifiers if m not in remove and m != add)
    return (*kept, add)


def _procedure_partners(case: DenialCase) -> list[tuple[ServiceLine, int]]:
    """Other billed lines that carry a 000/010/090 global period, with their global days."""
    out = []
    for other in case.partners(same_day=False):
        days = global_days(case.ruleset, other.code, other.service_date)
        if days is not None and other.service_date is not None:
            out.append((other, days))
    return out


def assess_em(case: DenialCase) -> Assessment | None:
    """The E/M's relation to a billed procedure, or None when no procedure explains the denial."""
    em = case.line
    if em is None or em.code not in EM_CODES or em.service_date is None:
        return None
    day = em.service_date
    partners = _procedure_partners(case)
    major = [p for p, d in partners if d == 90 and p.service_date in (day, day + timedelta(days=1))]
    minor = [p for p, d in partners if d in (0, 10) and p.service_date == day]
    if major:
        return _em_with_major(case, em, major[0])
    if minor:
        return _em_with_minor(case, em, minor[0])
    post = [
        (p, d)
        for p, d in partners
        if d > 0 and p.service_date and p.service_date < day <= p.service_date + timedelta(d)
    ]
    if post:
        return _em_in_global(case, em, *post[0])
    return None


def _em_with_minor(case: DenialCase, em: ServiceLine, proc: ServiceLine) -> Assessment:
    doc = em.doc
    days = global_days(case.ruleset, proc.code, proc.service_date)
    cause = (
        f"E/M {em.label} on the day of minor procedure {proc.label}, {days:03d}-day global: the visit is part of "
        "the procedure unless significant and separately identifiable"
    )
    policy = citations.NCCI_CH3_EM_MINOR
    mods = set(em.modifiers)
    separate = doc.separately_identifiable
    if "25" in mods:
        if separate is True:
            return Assessment(
                _A.APPEAL,
                cause,
                f"Modifier 25 was billed and the chart documents a significant, separately identifiable E/M: the "
                f"denial is wrong. Request a redetermination of line {em.line_id}.",
                policy,
                attach=(
                    f"the E/M note for line {em.line_id} showing the separately identifiable problem(s) addressed, "
                    f"beyond the usual pre-procedure evaluation for {proc.code}"
                ),
            )
        if separate is False:
            return Assessment(
                _A.WRITE_OFF,
                cause,
                f"The chart says the E/M was not separately identifiable from {proc.code}, so modifier 25 is not "
                "supported and the visit is included in the procedure. Write it off; do not rebill.",
                policy,
            )
        return _review_em(cause, policy, em, proc, "25")
    if "57" in mods:
        if separate is True:
            return Assessment(
                _A.RESUBMIT_WITH_MODIFIER,
                cause,
                f"Modifier 57 is for the decision for a 090-day surgery; {proc.code} is a minor procedure. The chart "
                f"documents a separately identifiable E/M, so replace 57 with 25 on line {em.line_id}.",
                f"{policy}; {citations.MCPM_25_57}",
                modifier="25",
                corrected_modifiers=_swap(em.modifiers, {"57"}, "25"),
            )
        return Assessment(
            _A.WRITE_OFF if separate is False or doc.decision_for_surgery else _A.REVIEW,
            cause,
            f"Modifier 57 does not apply to a minor procedure ({proc.code}); the decision to perform a minor "
            "procedure is included in it. "
            + (
                "The chart shows no separately identifiable E/M: write the visit off."
                if separate is False or doc.decision_for_surgery
                else "Decides it: whether the note documents a significant, separately identifiable E/M (then 25 "
                "replaces 57); otherwise write it off."
            ),
            f"{policy}; {citations.MCPM_25_57}",
        )
    if separate is True:
        return Assessment(
            _A.RESUBMIT_WITH_MODIFIER,
            cause,
            f"The chart documents a significant, separately identifiable E/M, but line {em.line_id} was billed "
            f"without modifier 25. Resubmit with 25 on the E/M (never on {proc.code}).",
            policy,
            modifier="25",
            corrected_modifiers=_swap(em.modifiers, set(), "25"),
        )
    if separate is False or doc.decision_for_surgery:
        return Assessment(
            _A.WRITE_OFF,
            cause,
            f"The E/M was only the evaluation and decision to perform {proc.code}, which is included in a minor "
            "procedure: the denial is correct. Write it off; do not add 25 to get past the edit.",
            f"{policy}; {citations.NCCI_CH1_NO_BYPASS}",
        )
    return _review_em(cause, policy, em, proc, None)


def _review_em(cause: str, policy: str, em: ServiceLine, proc: ServiceLine, billed: str | None) -> Assessment:
    then = f"appeal line {em.line_id} with the note" if billed else f"resubmit line {em.line_id} with modifier 25"
    return Assessment(
        _A.REVIEW,
        cause,
        f"The chart facts are missing. Decides it: does the E/M note for line {em.line_id} document a significant, "
        f"separately identifiable service (another problem, or work beyond the usual pre-procedure evaluation for "
        f"{proc.code})? If yes, {then}; if it only led to the decision to do {proc.code}, write it off.",
        policy,
    )


def _em_with_major(case: DenialCase, em: ServiceLine, proc: ServiceLine) -> Assessment:
    doc = em.doc
    when = "day of" if proc.service_date == em.service_date else "day before"
    cause = (
        f"E/M {em.label} on the {when} major procedure {proc.label}, 090-day global: pre-operative visits are "
        "in the global package except the decision for surgery"
    )
    policy = f"{citations.MCPM_25_57}; {citations.MCPM_GLOBAL}"
    mods = set(em.modifiers)
    decided, separate = doc.decision_for_surgery, doc.separately_identifiable
    if "57" in mods and decided is True:
        return Assessment(
            _A.APPEAL,
            cause,
            f"Modifier 57 was billed and the chart shows this visit decided {proc.code}: the denial is wrong. Request "
            f"a redetermination of line {em.line_id}.",
            policy,
            attach=f"the E/M note for line {em.line_id} documenting the decision to perform {proc.code}",
        )
    if decided is True:
        return Assessment(
            _A.RESUBMIT_WITH_MODIFIER,
            cause,
            f"The chart shows this visit decided {proc.code} (090-day global), but line {em.line_id} was billed "
            f"without 57{' (25 is wrong here)' if '25' in mods else ''}. Resubmit the E/M with 57.",
            policy,
            modifier="57",
            corrected_modifiers=_swap(em.modifiers, {"25"}, "57"),
        )
    if separate is True and "25" in mods:
        return Assessment(
            _A.APPEAL,
            cause,
            f"Modifier 25 was billed and the chart documents a separately identifiable problem unrelated to the "
            f"decision for {proc.code}: request a redetermination of line {em.line_id}.",
            policy,
            attach=f"the E/M note for line {em.line_id} showing the unrelated problem addressed",
        )
    if separate is True:
        return Assessment(
            _A.RESUBMIT_WITH_MODIFIER,
            cause,
            f"The chart documents a separately identifiable problem unrelated to the decision for {proc.code}; "
            f"resubmit line {em.line_id} with 25.",
            policy,
            modifier="25",
            corrected_modifiers=_swap(em.modifiers, {"57"}, "25"),
        )
    if decided is False or separate is False:
        return Assessment(
            _A.WRITE_OFF,
            cause,
            f"The chart shows the visit neither decided {proc.code} nor addressed a separate problem: it is "
            "pre-operative care inside the global package. Write it off.",
            policy,
        )
    return Assessment(
        _A.REVIEW,
        cause,
        f"The chart facts are missing. Decides it: did this visit make the decision to perform {proc.code} (then "
        f"57 on line {em.line_id}), or address a separate problem (then 25)? Otherwise it is pre-operative care: "
        "write it off.",
        policy,
    )


def _em_in_global(case: DenialCase, em: ServiceLine, proc: ServiceLine, days: int) -> Assessment:
    cause = (
        f"E/M {em.label} on {em.service_date} in the {days:03d}-day global period of {proc.label} on "
        f"{proc.service_date}"
    )
    policy = f"{citations.MCPM_GLOBAL}; CPT modifier 24 (unrelated E/M in a post-operative period)"
    related = bool(em.diagnoses) and set(em.diagnoses) <= set(proc.diagnoses)
    separate = em.doc.separately_identifiable
    if "24" in em.modifiers:
        if separate is True or (em.diagnoses and not related):
            return Assessment(
                _A.APPEAL,
                cause,
                f"Modifier 24 was billed and the visit treated a problem other than the surgery's "
                f"(diagnoses {', '.join(em.diagnoses)}): request a redetermination.",
                policy,
                attach=f"the E/M note for line {em.line_id} showing the problem is unrelated to {proc.code}",
            )
        return Assessment(
            _A.REVIEW,
            cause,
            "Modifier 24 was billed but the visit's diagnoses are the surgery's. Decides it: does the note show "
            "an unrelated problem? If yes, appeal with it; if it was post-operative care, write it off.",
            policy,
        )
    if separate is True and not related:
        return Assessment(
            _A.RESUBMIT_WITH_MODIFIER,
            cause,
            f"The visit addressed a problem unrelated to {proc.code} (diagnoses {', '.join(em.diagnoses)}) but was "
            f"billed without 24: resubmit line {em.line_id} with 24.",
            policy,
            modifier="24",
            corrected_modifiers=_swap(em.modifiers, set(), "24"),
        )
    if related and separate is not True:
        return Assessment(
            _A.WRITE_OFF,
            cause,
            f"The visit's diagnoses are those of {proc.code}: post-operative care is included in its global "
            "period. Write it off.",
            policy,
        )
    return Assessment(
        _A.REVIEW,
        cause,
        f"Decides it: did the visit treat a problem unrelated to {proc.code} (then 24 on line {em.line_id}, with "
        "that problem's diagnosis first) or was it post-operative care (write it off)?",
        policy,
    )


def assess_procedure_in_global(case: DenialCase) -> Assessment | None:
    """A procedure on a later date inside another billed procedure's 010/090 global period."""
    line = case.line
    if line is None or line.service_date is None or line.code in EM_CODES:
        return None
    day = line.service_date
    for proc, days in _procedure_partners(case):
        if (
            days > 0
            and proc.service_date is not None
            and proc.service_date < day <= proc.service_date + timedelta(days)
        ):
            return Assessment(
                _A.REVIEW,
                f"{line.label} on {day} in the {days:03d}-day global period of {proc.label} on {proc.service_date}",
                "Decides it: was this procedure unrelated to the first (modifier 79), staged or planned (58), or an "
                "unplanned return to the procedure room for a complication (78)? Resubmit with the modifier the "
                "chart supports; if it was routine post-operative care, write it off.",
                f"{citations.MCPM_GLOBAL}; CPT modifiers 58, 78, 79",
            )
    return None
