"""Group numbered segments into ISA/GS/ST envelopes and check their trailers.

A file may hold several interchanges, each several functional groups, each several transaction
sets. Trailer problems (missing or mismatched SE/GE/IEA, wrong counts) are reported; the
transactions are still handed on, and a transaction without SE is marked incomplete so that the
mappers report the claim it ends inside instead of emitting it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workers.x12.exceptions import SegmentError
from workers.x12.tokenizer import Segment


@dataclass(frozen=True)
class Interchange:
    """ISA facts the events need: control number, sender and date/time (ISA13, ISA06, ISA09, ISA10)."""

    isa: Segment

    @property
    def control_number(self) -> str:
        return self.isa.get(13).strip()

    @property
    def sender(self) -> str:
        return self.isa.get(6).strip()


@dataclass
class Transaction:
    """One ST..SE transaction set; `body` is everything between ST and SE."""

    interchange: Interchange
    gs: Segment | None
    st: Segment
    body: list[Segment] = field(default_factory=list)
    se: Segment | None = None

    @property
    def set_id(self) -> str:
        return self.st.get(1)

    @property
    def control_number(self) -> str:
        return self.st.get(2)

    @property
    def version(self) -> str:
        """ST03, else GS08: e.g. 005010X222A1."""
        return self.st.get(3) or (self.gs.get(8) if self.gs is not None else "")

    @property
    def complete(self) -> bool:
        return self.se is not None

    @property
    def last_number(self) -> int:
        return (self.se or (self.body[-1] if self.body else self.st)).number


class _Walker:
    """State machine over ISA, GS, ST, SE, GE and IEA."""

    def __init__(self) -> None:
        self.transactions: list[Transaction] = []
        self.problems: list[SegmentError] = []
        self.interchange: Interchange | None = None
        self.groups = 0
        self.gs: Segment | None = None
        self.sets = 0
        self.tx: Transaction | None = None

    def problem(self, segment: Segment, message: str) -> None:
        self.problems.append(SegmentError(segment.number, segment.id, message))

    def close_tx(self, last: Segment) -> None:
        if self.tx is not None:
            self.problem(
                self.tx.st,
                f"transaction set {self.tx.set_id} {self.tx.control_number} has no SE trailer "
                f"(it ends at segment {last.number}): truncated or spliced transaction",
            )
            self.tx = None

    def close_group(self, last: Segment) -> None:
        self.close_tx(last)
        if self.gs is not None:
            message = f"functional group {self.gs.get(6)} has no GE trailer (it ends at segment {last.number})"
            self.problem(self.gs, message)
            self.gs = None

    def close_interchange(self, last: Segment) -> None:
        self.close_group(last)
        if self.interchange is not None:
            self.problem(
                self.interchange.isa,
                f"interchange {self.interchange.control_number} has no IEA trailer "
                f"(the file ends at segment {last.number}): truncated file?",
            )
            self.interchange = None

    def feed(self, segment: Segment) -> None:
        handler = getattr(self, f"on_{segment.id.lower()}", None) if segment.id in _CONTROL else None
        if handler is not None:
            handler(segment)
        elif self.tx is not None:
            self.tx.body.append(segment)
        else:
            self.problem(segment, f"segment {segment.text[:40]!r} is outside any ST..SE transaction set; ignored")

    def on_isa(self, segment: Segment) -> None:
        if self.interchange is not None:
            self.close_interchange(segment)
        self.interchange = Interchange(segment)
        self.groups = 0

    def on_gs(self, segment: Segment) -> None:
        if self.interchange is None:
            self.problem(segment, "GS outside an ISA interchange")
            return
        if self.gs is not None:
            self.close_group(segment)
        self.gs, self.sets = segment, 0
        self.groups += 1

    def on_st(self, segment: Segment) -> None:
        if self.interchange is None:
            self.problem(segment, "ST outside an ISA interchange; transaction ignored")
            return
        self.close_tx(segment)
        self.tx = Transaction(self.interchange, self.gs, segment)
        self.transactions.append(self.tx)
        self.sets += 1

    def on_se(self, segment: Segment) -> None:
        tx = self.tx
        if tx is None:
            self.problem(segment, "SE without a matching ST")
            return
        tx.se, self.tx = segment, None
        expected = len(tx.body) + 2
        if segment.get(1) != str(expected):
            self.problem(segment, f"SE01 says {segment.get(1)!r} segments but transaction has {expected} (ST..SE)")
        if segment.get(2) != tx.control_number:
            self.problem(segment, f"SE02 {segment.get(2)!r} does not match ST02 {tx.control_number!r}")

    def on_ge(self, segment: Segment) -> None:
        if self.gs is None:
            self.problem(segment, "GE without a matching GS")
            return
        self.close_tx(segment)
        if segment.get(1) != str(self.sets):
            self.problem(segment, f"GE01 says {segment.get(1)!r} transaction sets but the group has {self.sets}")
        if segment.get(2) != self.gs.get(6):
            self.problem(segment, f"GE02 {segment.get(2)!r} does not match GS06 {self.gs.get(6)!r}")
        self.gs = None

    def on_iea(self, segment: Segment) -> None:
        if self.interchange is None:
            self.problem(segment, "IEA without a matching ISA")
            return
        self.close_group(segment)
        if segment.get(2) != self.interchange.control_number:
            self.problem(segment, f"IEA02 {segment.get(2)!r} does not match ISA13 {self.interchange.control_number!r}")
        if segment.get(1) != str(self.groups):
            message = f"IEA01 says {segment.get(1)!r} functional groups but the interchange has {self.groups}"
            self.problem(segment, message)
        self.interchange = None


_CONTROL = frozenset({"ISA", "GS", "ST", "SE", "GE", "IEA"})


def split_transactions(segments: list[Segment]) -> tuple[list[Transaction], list[SegmentError]]:
    """The transaction sets of the file in order, and the envelope problems."""
    walker = _Walker()
    for segment in segments:
        walker.feed(segment)
    if segments:
        walker.close_interchange(segments[-1])
    return walker.transactions, walker.problems
