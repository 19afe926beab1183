"""Match remittance lines to claim lines: REF*6R, then position, then (code, modifiers, date, charge).

Order (X12 835 loop 2110: REF*6R, SVC06):
1. REF*6R line item control number = the claim's line_id (every part of a split line carries it);
2. position (LX/SVC order) when the remittance lists exactly the claim's lines, and code and date agree;
3. (code, modifiers, date, charge), the code being SVC06 (as submitted) when the payer adjudicated another;
4. (code, date, charge) ignoring modifiers: the payer dropped or changed one, which the rationale says;
5. split lines: remittance lines with one claim line's code and date whose charges or units add up to it.
Anything left is unmatched and goes to review with the reason; nothing is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from schemas.claim import Claim, ClaimLine
from schemas.remit import Remit, RemitLine
from schemas.types import HC

from rules.rework.model import MatchedLine, ServiceLine


def from_claim_line(claim: Claim, line: ClaimLine) -> ServiceLine:
    diagnoses = tuple(claim.diagnoses[p - 1] for p in line.dx_pointers if p <= len(claim.diagnoses))
    return ServiceLine(
        key=line.line_id,
        line_id=line.line_id,
        code=line.code,
        modifiers=tuple(line.modifiers),
        units=line.units,
        service_date=line.service_date,
        charge=line.charge,
        claim_line=line,
        diagnoses=diagnoses,
        code_qualifier=line.code_qualifier,
    )


def remit_line_key(line: RemitLine, index: int) -> str:
    """REF*6R when the payer returned it, else the line's position and code on this remittance."""
    return line.line_id if line.line_id else f"svc{index + 1}-{billed_code(line)}"


def from_remit_line(line: RemitLine, index: int) -> ServiceLine:
    return ServiceLine(
        key=remit_line_key(line, index),
        line_id=line.line_id,
        code=billed_code(line),
        modifiers=tuple(line.modifiers),
        units=line.units,
        service_date=line.service_date,
        charge=line.charge,
        code_qualifier=billed_qualifier(line),
    )


def billed_qualifier(line: RemitLine) -> str:
    """The qualifier of `billed_code`: SVC06 is carried only as a CPT/HCPCS code (HC)."""
    return HC if line.submitted_code else line.code_qualifier


def billed_code(line: RemitLine) -> str:
    """The code as submitted: SVC06 when the payer adjudicated a different one, else SVC01-2."""
    return line.submitted_code or line.code


def _dates_agree(remit_day: date | None, claim_day: date) -> bool:
    return remit_day is None or remit_day == claim_day


def _same_service(r: RemitLine, c: ClaimLine, *, modifiers: bool, charge: bool) -> bool:
    return (
        billed_code(r) == c.code
        and billed_qualifier(r) == c.code_qualifier
        and _dates_agree(r.service_date, c.service_date)
        and (not modifiers or sorted(r.modifiers) == sorted(c.modifiers))
        and (not charge or r.charge == c.charge)
    )


def modifier_notes(claim_line: ClaimLine, remit_line: RemitLine) -> list[str]:
    """What the payer did to the billed modifiers (dropped, changed, added)."""
    billed = list(claim_line.modifiers)
    returned = list(remit_line.modifiers)
    dropped = [m for m in billed if m not in returned]
    added = [m for m in returned if m not in billed]
    line = f"line {claim_line.line_id} ({claim_line.code})"
    if dropped and added:
        return [
            f"The payer changed modifier {', '.join(dropped)} to {', '.join(added)} on {line}: the claim carried "
            f"{'-'.join(billed)}, the remittance shows {'-'.join(returned)}."
        ]
    if dropped:
        return [
            f"The payer dropped modifier {', '.join(dropped)} from {line}: the claim carried it, the remittance "
            "does not."
        ]
    if added:
        return [f"The remittance shows modifier {', '.join(added)} on {line}, which the claim did not carry."]
    return []


def code_notes(claim_line: ClaimLine, remit_line: RemitLine) -> list[str]:
    if remit_line.code != claim_line.code:
        return [
            f"The payer adjudicated line {claim_line.line_id} as {remit_line.code} (billed {claim_line.code}"
            f"{', SVC06' if remit_line.submitted_code else ''})."
        ]
    return []


class _Matcher:
    def __init__(self, remit: Remit, claim: Claim) -> None:
        self.remit = remit
        self.claim = claim
        self.assigned: dict[int, list[int]] = {}  # claim index -> remit indexes
        self.method: dict[int, str] = {}  # remit index -> how it was matched
        self.free = list(range(len(remit.lines)))

    def assign(self, remit_index: int, claim_index: int, method: str) -> None:
        self.assigned.setdefault(claim_index, []).append(remit_index)
        self.method[remit_index] = method
        self.free.remove(remit_index)

    def open_claim_lines(self) -> Iterable[int]:
        return (i for i in range(len(self.claim.lines)) if i not in self.assigned)

    def run(self) -> None:
        remit_lines, claim_lines = self.remit.lines, self.claim.lines
        by_id = {line.line_id: index for index, line in enumerate(claim_lines)}
        for ri in list(self.free):
            line_id = remit_lines[ri].line_id
            if line_id is not None and line_id in by_id:
                self.assign(ri, by_id[line_id], "line_id")
        if len(remit_lines) == len(claim_lines):
            for ri in list(self.free):
                free_claim_line = ri not in self.assigned and remit_lines[ri].line_id is None
                if free_claim_line and _same_service(remit_lines[ri], claim_lines[ri], modifiers=False, charge=False):
                    self.assign(ri, ri, "position")
        for modifiers, method in ((True, "exact"), (False, "ignoring_modifiers")):
            for ri in list(self.free):
                for ci in self.open_claim_lines():
                    if _same_service(remit_lines[ri], claim_lines[ci], modifiers=modifiers, charge=True):
                        self.assign(ri, ci, method)
                        break
        self._splits()

    def _splits(self) -> None:
        remit_lines, claim_lines = self.remit.lines, self.claim.lines
        for ci in list(self.open_claim_lines()):
            c = claim_lines[ci]
            parts = [
                ri
                for ri in self.free
                if _same_service(remit_lines[ri], c, modifiers=False, charge=False)
                and remit_lines[ri].charge < c.charge
            ]
            if len(parts) < 2:
                continue
            charges = sum((remit_lines[ri].charge for ri in parts), Decimal(0))
            units = sum(remit_lines[ri].units for ri in parts)
            if charges == c.charge or units == c.units:
                for ri in parts:
                    self.assign(ri, ci, "split")


def _split_note(claim_line: ClaimLine, parts: list[RemitLine]) -> str:
    units = " + ".join(str(p.units) for p in parts)
    charges = " + ".join(f"{p.charge:.2f}" for p in parts)
    return (
        f"The payer split line {claim_line.line_id} ({claim_line.code} x{claim_line.units}, {claim_line.charge:.2f}) "
        f"into {len(parts)} remittance lines (units {units}; charges {charges})."
    )


def _unmatched_note(line: RemitLine, claim: Claim) -> str:
    billed = "; ".join(
        f"line {c.line_id} {c.code}{'-' + '-'.join(c.modifiers) if c.modifiers else ''} {c.service_date} {c.charge:.2f}"
        for c in claim.lines
    )
    ref = f"REF*6R {line.line_id} is not a line of the claim; " if line.line_id else "no REF*6R; "
    return (
        f"Unmatched remittance line {line.code}{'-' + '-'.join(line.modifiers) if line.modifiers else ''} "
        f"{line.service_date or 'no date'} {line.charge:.2f}: {ref}no claim line has its code, date and charge "
        f"(claim {claim.claim_id}: {billed})."
    )


def match_lines(remit: Remit, claim: Claim | None) -> list[MatchedLine]:
    """Every remittance line, grouped under the billed line it adjudicated (claim order, then unmatched)."""
    if claim is None:
        return [
            MatchedLine(line=from_remit_line(line, index), remit_lines=(line,), matched_by="remit_only")
            for index, line in enumerate(remit.lines)
        ]
    matcher = _Matcher(remit, claim)
    matcher.run()
    out: list[MatchedLine] = []
    for ci, claim_line in enumerate(claim.lines):
        indexes = matcher.assigned.get(ci)
        if not indexes:
            continue
        parts = [remit.lines[ri] for ri in indexes]
        notes: list[str] = []
        for part in parts:
            for note in (*modifier_notes(claim_line, part), *code_notes(claim_line, part)):
                if note not in notes:
                    notes.append(note)
        if len(parts) > 1:
            notes.append(_split_note(claim_line, parts))
        methods = sorted({matcher.method[ri] for ri in indexes})
        method = "split" if len(parts) > 1 else methods[0]
        out.append(MatchedLine(from_claim_line(claim, claim_line), tuple(parts), method, tuple(notes)))
    for ri in matcher.free:
        line = remit.lines[ri]
        out.append(MatchedLine(from_remit_line(line, ri), (line,), "unmatched", (_unmatched_note(line, claim),)))
    return out
