"""A claim version's verdict, per line, kept with the claim: what the scrubber flagged and what it suggested.

`sent` says how a line of this version relates to the version before it (same claim_id): `as_billed` (the
previous version's line again, its flags ignored), `corrected` (the previous verdict's corrected line for it,
or a line its fix removed left out), `changed` (something else), `new` (no such line before) or `first` (the
first version seen). That is how "went out corrected" is known: a version scrubbed again before the payer
answered (a frequency-1 re-send after fixing) or a frequency-7 replacement carrying the suggested lines.
The payer adjudicates the latest version on file, so a remittance is judged against its summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from schemas.claim import Claim

from rules.engine import Verdict
from rules.outcomes.carc_groups import carc_groups

# (code, modifiers sorted, units): how two billed lines are compared (modifier order carries no meaning here)
Shape = tuple[str, tuple[str, ...], int]


@dataclass(frozen=True, slots=True)
class Flag:
    """One finding on a line that predicts a denial (severity error or warning, a predicting category): the lines
    its fix changes, or the lines it names when it has no fix."""

    rule: str
    category: str


@dataclass(frozen=True, slots=True)
class LineSummary:
    line_id: str
    code: str
    modifiers: tuple[str, ...]
    units: int
    flags: tuple[Flag, ...] = ()
    fix: Shape | None = None  # the corrected line for it; None when the fix removes the line
    sent: str = "first"
    earlier_flags: tuple[Flag, ...] = ()  # the flags of the previous version's line this one corrected

    @property
    def shape(self) -> Shape:
        return (self.code, tuple(sorted(self.modifiers)), self.units)


@dataclass(frozen=True, slots=True)
class ClaimSummary:
    event_id: str
    frequency: str
    lines: tuple[LineSummary, ...]

    def line(self, line_id: str | None) -> LineSummary | None:
        return next((line for line in self.lines if line.line_id == line_id), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "frequency": self.frequency,
            "lines": [
                {
                    "line_id": line.line_id,
                    "code": line.code,
                    "modifiers": list(line.modifiers),
                    "units": line.units,
                    "flags": [[flag.rule, flag.category] for flag in line.flags],
                    "fix": None if line.fix is None else [line.fix[0], list(line.fix[1]), line.fix[2]],
                    "sent": line.sent,
                    "earlier_flags": [[flag.rule, flag.category] for flag in line.earlier_flags],
                }
                for line in self.lines
            ],
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> ClaimSummary:
        lines = tuple(
            LineSummary(
                line_id=line["line_id"],
                code=line["code"],
                modifiers=tuple(line["modifiers"]),
                units=int(line["units"]),
                flags=tuple(Flag(rule, category) for rule, category in line["flags"]),
                fix=None if line["fix"] is None else (line["fix"][0], tuple(line["fix"][1]), int(line["fix"][2])),
                sent=line["sent"],
                earlier_flags=tuple(Flag(rule, category) for rule, category in line["earlier_flags"]),
            )
            for line in value["lines"]
        )
        return cls(value["event_id"], value["frequency"], lines)


def summarize(event_id: str, claim: Claim, verdict: Verdict, previous: ClaimSummary | None = None) -> ClaimSummary:
    """The summary of this claim version, with each line's `sent` against `previous` (None: the first version)."""
    predicting = carc_groups().predicting_categories
    flags: dict[str, list[Flag]] = {}
    for finding in verdict.findings:
        if finding.severity.value == "info" or finding.category.value not in predicting:
            continue
        # A pair edit names both lines; the denial falls on the line its fix changes (the column-2 code).
        flagged = finding.fix.line_ids if finding.fix is not None and finding.fix.line_ids else finding.line_ids
        for line_id in flagged:
            flag = Flag(finding.rule, finding.category.value)
            if flag not in flags.setdefault(line_id, []):
                flags[line_id].append(flag)
    fixes: dict[str, Shape] = {}
    for draft in verdict.corrected_lines:
        if draft.removed:
            continue
        for line_id in draft.line_ids:
            fixes.setdefault(line_id, (draft.code, tuple(sorted(draft.modifiers)), draft.units))
    lines = []
    for claim_line in claim.lines:
        line = LineSummary(
            line_id=claim_line.line_id,
            code=claim_line.code,
            modifiers=tuple(claim_line.modifiers),
            units=claim_line.units,
            flags=tuple(flags.get(claim_line.line_id, ())),
            fix=fixes.get(claim_line.line_id),
        )
        sent, earlier = _sent(line, previous)
        lines.append(LineSummary(**{**_fields(line), "sent": sent, "earlier_flags": earlier}))
    return ClaimSummary(event_id, claim.frequency_code, tuple(lines))


def _fields(line: LineSummary) -> dict[str, Any]:
    return {name: getattr(line, name) for name in LineSummary.__slots__}


def _sent(line: LineSummary, previous: ClaimSummary | None) -> tuple[str, tuple[Flag, ...]]:
    if previous is None:
        return "first", ()
    before = previous.line(line.line_id)
    if before is None:
        return "new", ()
    if line.shape == before.shape:
        return "as_billed", ()
    if before.fix is not None and line.shape == before.fix:
        return "corrected", before.flags
    return "changed", ()
