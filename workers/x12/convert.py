"""`convert`: X12 bytes -> validated claim/remit events, issues and PLB rows, for one file."""

from __future__ import annotations

from schemas import ClaimSubmitted, RemitReceived
from workers.x12.claim837 import convert_837
from workers.x12.envelope import Transaction, split_transactions
from workers.x12.exceptions import NotX12Error, SegmentError
from workers.x12.remit835 import convert_835
from workers.x12.result import X12Issue, X12Result
from workers.x12.tokenizer import decode, tokenize

_PROFESSIONAL = ("X222", "X098")  # 5010 and 4010 837P implementation guides
_OTHER_837 = {"X223": "institutional (837I)", "X096": "institutional (837I)", "X224": "dental (837D)", "X097": "dental"}


def _unsupported(tx: Transaction) -> str | None:
    """Why this transaction set is skipped, or None when it is an 837P or 835."""
    if tx.set_id == "835":
        return None
    if tx.set_id == "837":
        if any(guide in tx.version for guide in _PROFESSIONAL) or not tx.version:
            return None
        kind = next((name for guide, name in _OTHER_837.items() if guide in tx.version), tx.version)
        return f"837 transaction {tx.control_number} is {kind}, not professional (005010X222A1); skipped"
    return f"transaction set {tx.set_id!r} ({tx.control_number}) is not an 837P or 835; skipped"


def convert(data: bytes | str, *, source: str = "<input>") -> X12Result:
    """Convert one X12 file (any number of ISA/GS/ST envelopes) into events.

    An event is emitted only when its whole claim or claim payment mapped and validated against the
    pydantic model; everything else becomes an `X12Issue` naming the file, segment and claim.
    """
    text = decode(data)
    if not text.strip():
        return X12Result([], [], [X12Issue(source, None, None, None, "the file is empty")], [])
    try:
        segments, problems = tokenize(text)
    except NotX12Error as error:
        start = text.lstrip()[:20]
        message = f"not an X12 file: {error} (it starts with {start!r})"
        return X12Result([], [], [X12Issue(source, None, None, None, message)], [])
    transactions, envelope_problems = split_transactions(segments)
    problems.extend(envelope_problems)
    claims: list[ClaimSubmitted] = []
    remits: list[RemitReceived] = []
    plb_rows: list[dict[str, object]] = []
    if not transactions:
        problems.append(SegmentError(1, "ISA", "the interchange holds no ST transaction set"))
    for tx in transactions:
        reason = _unsupported(tx)
        if reason is not None:
            problems.append(SegmentError(tx.st.number, "ST", reason))
            continue
        try:
            if tx.set_id == "837":
                events, found = convert_837(tx)
                claims.extend(events)
            else:
                remit_events, found, rows = convert_835(tx)
                remits.extend(remit_events)
                plb_rows.extend({"source": source, "interchange": tx.interchange.control_number, **row} for row in rows)
        except SegmentError as error:  # a transaction-wide fact (e.g. the ISA date) is unreadable
            error.message += f"; nothing in transaction {tx.control_number} was converted"
            found = [error]
        except Exception as error:  # last resort: a reader bug costs one transaction, not the file
            message = (
                f"unexpected error {type(error).__name__} ({error}) converting transaction {tx.control_number}; "
                "nothing in it was converted. This is a bug in the X12 reader: report it with this file"
            )
            found = [SegmentError(tx.st.number, "ST", message)]
        problems.extend(found)
    problems.sort(key=lambda p: p.segment_number or 0)
    issues = [X12Issue(source, p.segment_number, p.segment_id, p.claim_id, p.message) for p in problems]
    return X12Result(claims, remits, issues, plb_rows)
