"""Loop walking for 837P: which segments belong to which claim, line and party.

Hierarchy: HL 20 (billing provider, 2010AA NM1*85), HL 22 (subscriber: SBR, 2010BA NM1*IL + DMG,
2010BB NM1*PR), optional HL 23 (patient: DMG). Inside a claim (2300): CLM, REF*F8, HI, NM1*82; an
SBR starts loop 2320 (other payer), whose NM1*IL / NM1*PR are *not* the claim's; LX starts a 2400
line: SV1, DTP*472, REF*6R. Line-level 2410-2430 loops (drug, line providers, COB adjudication)
are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from workers.x12.envelope import Transaction
from workers.x12.exceptions import SegmentError
from workers.x12.tokenizer import Segment


@dataclass(frozen=True)
class Hierarchy:
    """The HL-level segments in force when a CLM is read."""

    billing: Segment | None = None
    subscriber: Segment | None = None
    insured: Segment | None = None
    insured_dmg: Segment | None = None
    payer: Segment | None = None
    has_patient_level: bool = False
    patient_dmg: Segment | None = None

    def with_subscriber_segment(self, seg: Segment) -> Hierarchy:
        if seg.id == "SBR":
            return replace(self, subscriber=seg)
        if seg.id == "DMG":
            return replace(self, insured_dmg=seg)
        if seg.id == "NM1" and seg.get(1) == "IL":
            return replace(self, insured=seg)
        if seg.id == "NM1" and seg.get(1) == "PR":
            return replace(self, payer=seg)
        return self


@dataclass
class Line:
    """One 2400 loop."""

    lx: Segment
    sv1: Segment | None = None
    dtp: Segment | None = None
    ref: Segment | None = None


@dataclass
class ClaimUnit:
    """One CLM loop, sorted into the parts the mapping reads, with the problems met on the way."""

    clm: Segment
    context: Hierarchy
    closed: bool = True
    hi: list[Segment] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    f8: Segment | None = None
    rendering: Segment | None = None
    problems: list[SegmentError] = field(default_factory=list)
    in_other_subscriber: bool = False

    def add(self, seg: Segment) -> None:
        """Place one segment of the claim loop."""
        if seg.garbled:
            self.problems.append(SegmentError(seg.number, seg.id, f"unreadable segment {seg.text[:30]!r} in the claim"))
        elif seg.id == "LX":
            self.lines.append(Line(seg))
        elif self.lines:
            self._add_to_line(self.lines[-1], seg)
        elif seg.id == "SBR":
            self.in_other_subscriber = True  # loop 2320: another payer's data from here on
        elif seg.id == "SV1":
            self.problems.append(SegmentError(seg.number, seg.id, "SV1 without an LX service line number before it"))
        elif self.in_other_subscriber:
            return
        elif seg.id == "HI":
            self.hi.append(seg)
        elif seg.id == "REF" and seg.get(1) == "F8":
            self.f8 = seg
        elif seg.id == "NM1" and seg.get(1) == "82":
            self.rendering = seg

    def _add_to_line(self, line: Line, seg: Segment) -> None:
        if seg.id == "SV1":
            if line.sv1 is not None:
                message = f"a second SV1 in service line LX*{line.lx.get(1)}"
                self.problems.append(SegmentError(seg.number, seg.id, message))
            line.sv1 = seg
        elif seg.id == "DTP" and seg.get(1) == "472" and line.dtp is None:
            line.dtp = seg
        elif seg.id == "REF" and seg.get(1) == "6R" and line.ref is None:
            line.ref = seg


def claim_units(tx: Transaction) -> list[ClaimUnit]:
    """Split the transaction body at HL and CLM into claim loops, each with its hierarchy."""
    units: list[ClaimUnit] = []
    context, level, current = Hierarchy(), "", None
    for seg in tx.body:
        if seg.id == "HL":
            current, level = None, seg.get(3)
            if level == "20":
                context = Hierarchy()
            elif level == "22":
                context = Hierarchy(billing=context.billing)
            elif level == "23":
                context = replace(context, has_patient_level=True, patient_dmg=None)
        elif seg.id == "CLM":
            current = ClaimUnit(seg, context)
            units.append(current)
        elif current is not None:
            current.add(seg)
        elif level == "20" and seg.id == "NM1" and seg.get(1) == "85":
            context = replace(context, billing=seg)
        elif level == "22":
            context = context.with_subscriber_segment(seg)
        elif level == "23" and seg.id == "DMG":
            context = replace(context, patient_dmg=seg)
    if units and not tx.complete:
        units[-1].closed = False
    return units
