"""Loop walking for 835: the payer header, each CLP claim payment with its SVC lines, and PLB.

Header (before the first LX/CLP): BPR (BPR16 check/EFT date), DTM*405 (production date), loop
1000A N1*PR with REF*2U (payer id), 1000B N1*PE. Detail: LX headers (TS3/TS2 skipped); CLP starts
a claim payment (2100) whose CAS and DTM*232/233 before the first SVC are claim-level; SVC starts a
service line (2110): DTM*472/150/151, CAS, REF*6R, LQ*HE. PLB after the detail is provider-level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from workers.x12.envelope import Transaction
from workers.x12.exceptions import SegmentError
from workers.x12.tokenizer import Segment
from workers.x12.values import ccyymmdd


@dataclass
class RemitLineUnit:
    """One 2110 loop."""

    svc: Segment
    dates: dict[str, Segment] = field(default_factory=dict)
    cas: list[Segment] = field(default_factory=list)
    ref: Segment | None = None
    remarks: list[Segment] = field(default_factory=list)


@dataclass
class RemitUnit:
    """One 2100 loop."""

    clp: Segment
    closed: bool = True
    cas: list[Segment] = field(default_factory=list)
    dates: dict[str, Segment] = field(default_factory=dict)
    lines: list[RemitLineUnit] = field(default_factory=list)
    problems: list[SegmentError] = field(default_factory=list)

    def add(self, seg: Segment) -> None:
        """Place one segment of the claim payment loop."""
        line = self.lines[-1] if self.lines else None
        if seg.garbled:
            self.problems.append(SegmentError(seg.number, seg.id, f"unreadable segment {seg.text[:30]!r} in the claim"))
        elif seg.id == "SVC":
            self.lines.append(RemitLineUnit(seg))
        elif seg.id == "CAS":
            (line.cas if line is not None else self.cas).append(seg)
        elif seg.id == "DTM":
            dates = line.dates if line is not None else self.dates
            dates.setdefault(seg.get(1), seg)
        elif line is not None and seg.id == "REF" and seg.get(1) == "6R":
            line.ref = line.ref or seg
        elif line is not None and seg.id == "LQ" and seg.get(1) == "HE":
            line.remarks.append(seg)


@dataclass
class RemitHeader:
    """What every claim payment in the transaction shares."""

    payer_id: str | None = None
    remit_date: date | None = None
    problems: list[SegmentError] = field(default_factory=list)


def remit_units(tx: Transaction) -> tuple[RemitHeader, list[RemitUnit], list[Segment]]:
    """The header, the CLP loops in order and the PLB segments of one 835 transaction."""
    units: list[RemitUnit] = []
    plbs: list[Segment] = []
    header_segments: list[Segment] = []
    current: RemitUnit | None = None
    in_detail = False
    for seg in tx.body:
        if seg.id == "CLP":
            current, in_detail = RemitUnit(seg), True
            units.append(current)
        elif seg.id in ("LX", "PLB"):
            current, in_detail = None, True
            if seg.id == "PLB":
                plbs.append(seg)
        elif current is not None:
            current.add(seg)
        elif not in_detail:
            header_segments.append(seg)
    if units and not tx.complete and not plbs:
        units[-1].closed = False
    return _header(header_segments), units, plbs


def _header(segments: list[Segment]) -> RemitHeader:
    header = RemitHeader()
    bpr: Segment | None = None
    dtm405: Segment | None = None
    party = ""
    for seg in segments:
        if seg.id == "BPR":
            bpr = seg
        elif seg.id == "DTM" and seg.get(1) == "405":
            dtm405 = seg
        elif seg.id == "N1":
            party = seg.get(1)
            if party == "PR" and seg.get(4):
                header.payer_id = seg.get(4)
        elif seg.id == "REF" and seg.get(1) == "2U" and party == "PR" and header.payer_id is None:
            header.payer_id = seg.get(2) or None
    # The production date (DTM*405) is the remit date; BPR16 (check/EFT date) stands in without it.
    for source, index, what in ((dtm405, 2, "DTM*405 production date"), (bpr, 16, "BPR16 check/EFT date")):
        if source is not None and source.get(index):
            try:
                header.remit_date = ccyymmdd(source, source.get(index), what)
                break
            except SegmentError as error:
                header.problems.append(error)
    return header
