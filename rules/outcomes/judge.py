"""One remittance's adjudicated lines against the verdict of the claim version it paid.

For each claim line the remittance adjudicates (first adjudication only: a re-sent, reversed or re-paid
remittance does not count a line twice):

| payer | scrubber on that line | outcome |
|---|---|---|
| denied (a line-level rework item) | a flag whose category explains the CARC | `predicted`, by each such rule |
| denied | no flag explaining the CARC | `missed`, with the CARC group, CARC and RARCs (and any other flags) |
| paid (no denial on it, paid > 0) | flagged | `false_alarm`, by each flagging rule |
| paid | not flagged, the line went out corrected from a flagged earlier version | `prevented`, by the earlier rules |

Claim-level denials and remittance lines tied to no claim line are not judged (the verdict is per line); a
reversal (CLP02=22) is not an adjudication. Precision of a rule = predicted / (predicted + false alarms).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from schemas.remit import Remit, RemitLine
from schemas.rework import DenialRework

from rules.outcomes.carc_groups import carc_groups
from rules.outcomes.summary import ClaimSummary, LineSummary

REVERSAL = "22"
JUDGEABLE_MATCHES = frozenset({"line_id", "position", "exact", "ignoring_modifiers", "split"})


@dataclass(frozen=True, slots=True)
class LineJudgement:
    """The verdict of one claim line against the payer's answer."""

    line_id: str
    outcome: str  # predicted | missed | false_alarm | prevented
    rules: tuple[str, ...]  # predicted: the rules whose category explains the CARC; false_alarm/prevented: flags
    amount: Decimal  # denied dollars (predicted, missed) or paid dollars (false_alarm, prevented)
    carc: str | None = None
    group_code: str | None = None
    carc_group: str | None = None
    remarks: tuple[str, ...] = ()
    other_rules: tuple[str, ...] = ()  # missed: rules that flagged the line for another problem
    sent: str = "first"
    rework_id: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "outcome": self.outcome,
            "rules": list(self.rules),
            "carc_group": self.carc_group,
            "other_rules": list(self.other_rules),
            "sent": self.sent,
        }


def judge_remit(
    remit: Remit, summary: ClaimSummary | None, analyzed: Iterable[DenialRework], judged: Iterable[str] = ()
) -> list[LineJudgement]:
    """The judgement of each claim line this remittance adjudicates for the first time (`judged`: already done)."""
    if summary is None or remit.status_code == REVERSAL:
        return []
    done = set(judged)
    table = carc_groups()
    denied: dict[str, DenialRework] = {}
    for item in analyzed:
        if item.level == "line" and item.line_id and item.status == "open" and item.matched_by in JUDGEABLE_MATCHES:
            denied.setdefault(item.line_id, item)  # analyze sorts by priority: the first is the main denial
    out: list[LineJudgement] = []
    for line_id, item in denied.items():
        line = summary.line(line_id)
        if line is None or line_id in done:
            continue
        done.add(line_id)
        explaining = tuple(f.rule for f in line.flags if table.explains(f.category, item.reason))
        common = {
            "line_id": line_id,
            "amount": item.denied_amount,
            "carc": item.reason,
            "group_code": item.group_code,
            "carc_group": table.group(item.reason),
            "remarks": tuple(item.remarks),
            "sent": line.sent,
            "rework_id": item.rework_id,
        }
        if explaining:
            out.append(LineJudgement(outcome="predicted", rules=explaining, **common))  # type: ignore[arg-type]
        else:
            others = tuple(f.rule for f in line.flags)
            out.append(LineJudgement(outcome="missed", rules=(), other_rules=others, **common))  # type: ignore[arg-type]
    for line, paid in _paid_lines(remit, summary, denied):
        if line.line_id in done:
            continue
        done.add(line.line_id)
        if line.flags:
            rules = tuple(f.rule for f in line.flags)
            out.append(LineJudgement(line.line_id, "false_alarm", rules, paid, sent=line.sent))
        elif line.sent == "corrected" and line.earlier_flags:
            rules = tuple(f.rule for f in line.earlier_flags)
            out.append(LineJudgement(line.line_id, "prevented", rules, paid, sent=line.sent))
    return out


def _paid_lines(remit: Remit, summary: ClaimSummary, denied: Iterable[str | None]) -> list[tuple[LineSummary, Decimal]]:
    """Claim lines the remittance pays (paid > 0) and does not deny, matched by REF*6R, else by code and units."""
    if remit.status_code == REVERSAL:
        return []
    skip = set(denied)
    taken: set[str] = set()
    out: list[tuple[LineSummary, Decimal]] = []
    for remit_line in remit.lines:
        line = _claim_line(remit_line, summary, taken)
        if line is None:
            continue
        taken.add(line.line_id)
        if line.line_id not in skip and remit_line.paid > 0:
            out.append((line, remit_line.paid))
    return out


def _claim_line(remit_line: RemitLine, summary: ClaimSummary, taken: set[str]) -> LineSummary | None:
    if remit_line.line_id is not None:
        line = summary.line(remit_line.line_id)
        if line is not None and line.line_id not in taken:
            return line
    candidates = [line for line in summary.lines if line.line_id not in taken and line.code == remit_line.code]
    exact = [line for line in candidates if line.units == remit_line.units]
    found = exact or candidates
    return found[0] if found else None
