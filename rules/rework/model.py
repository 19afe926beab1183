"""The vocabulary of denial rework: billed lines, their adjudication, one denial case and its assessment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from schemas.claim import Claim, ClaimLine, Documentation
from schemas.remit import Adjustment, Remit, RemitLine
from schemas.rework import ReworkAction
from schemas.types import HC

from rules.facts.context import ClaimContext
from rules.reference import PayerProfile
from rules.ruleset import RuleSet

ZERO = Decimal("0.00")
EMPTY_DOC = Documentation()


@dataclass(frozen=True, slots=True)
class ServiceLine:
    """A billed line: from the claim when we have it, else as the remittance reports it."""

    key: str  # stable identity for rework ids: claim line id, REF*6R, or a position key
    line_id: str | None
    code: str
    modifiers: tuple[str, ...]
    units: int
    service_date: date | None
    charge: Decimal
    claim_line: ClaimLine | None = None  # None when the line comes from the remittance only
    diagnoses: tuple[str, ...] = ()
    code_qualifier: str = HC  # not HC: the code is no CPT/HCPCS code (an NDC, a ZZ code), never judged as one

    @property
    def is_procedure(self) -> bool:
        """Whether the code is a CPT/HCPCS code (qualifier HC), the only kind NCCI/MUE edits apply to."""
        return self.code_qualifier == HC

    @property
    def doc(self) -> Documentation:
        if self.claim_line is None or self.claim_line.documentation is None:
            return EMPTY_DOC
        return self.claim_line.documentation

    @property
    def label(self) -> str:
        """`11102 (line 2)`, or `11102 (remit line, no id)`."""
        return f"{self.code} (line {self.line_id})" if self.line_id else f"{self.code} (remittance line {self.key})"


@dataclass(frozen=True, slots=True)
class MatchedLine:
    """One billed line and the remittance line(s) that adjudicated it (two or more when the payer split it)."""

    line: ServiceLine
    remit_lines: tuple[RemitLine, ...]
    matched_by: str  # line_id | position | exact | ignoring_modifiers | split | remit_only | unmatched
    notes: tuple[str, ...] = ()

    @property
    def paid(self) -> Decimal:
        return sum((r.paid for r in self.remit_lines), ZERO)

    @property
    def adjustments(self) -> tuple[Adjustment, ...]:
        return tuple(a for r in self.remit_lines for a in r.adjustments)

    @property
    def remarks(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for r in self.remit_lines:
            for remark in r.remarks:
                seen.setdefault(remark.upper(), None)
        return tuple(seen)

    @property
    def remit_modifiers(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for r in self.remit_lines:
            for m in r.modifiers:
                seen.setdefault(m, None)
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class Outcome:
    """How the payer treated one billed line on this remittance (for explaining its partners)."""

    paid: Decimal
    denials: tuple[str, ...]  # e.g. ("CO-97",)


@dataclass(frozen=True, slots=True)
class DenialCase:
    """One denied line (or a claim-level denial) with everything an assessor may consult."""

    remit: Remit
    claim: Claim | None
    ruleset: RuleSet
    profile: PayerProfile
    matched: MatchedLine | None  # None for a claim-level adjustment
    line: ServiceLine | None  # the denied line (None for claim-level)
    group: str
    reason: str
    remarks: tuple[str, ...]
    denied: Decimal
    lines: tuple[ServiceLine, ...]  # every billed line (the claim's, or the remittance's when unknown)
    outcomes: dict[str, Outcome] = field(default_factory=dict)  # by ServiceLine.key
    other_denials: tuple[str, ...] = ()  # further denial CARCs on the same line

    @property
    def claim_known(self) -> bool:
        return self.claim is not None

    @property
    def context(self) -> ClaimContext | None:
        return ClaimContext(self.claim, self.ruleset) if self.claim is not None else None

    def partners(self, *, same_day: bool = True) -> list[ServiceLine]:
        """The other billed CPT/HCPCS lines (on the denied line's date when `same_day`); a line coded under
        another qualifier is no partner of an NCCI/MUE edit."""
        me = self.line
        if me is None:
            return []
        return [
            other
            for other in self.lines
            if other.key != me.key and other.is_procedure and (not same_day or other.service_date == me.service_date)
        ]


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the denial means and what to do: the assessor's answer, before it becomes a `DenialRework`."""

    action: ReworkAction
    cause: str
    explanation: str
    policy: str
    modifier: str | None = None
    corrected_code: str | None = None
    corrected_modifiers: tuple[str, ...] | None = None
    corrected_units: int | None = None
    added_lines: tuple[tuple[str, tuple[str, ...], int], ...] = ()  # (code, modifiers, units) to add
    # Other billed lines the corrected claim changes, by ServiceLine.key: (code, modifiers), or None to drop the
    # line (e.g. the distinct modifier moved to the column-2 line of the pair in force).
    other_lines: tuple[tuple[str, tuple[str, tuple[str, ...]] | None], ...] = ()
    attach: str | None = None
    new_claim: bool = False  # MA130: send a new claim (frequency 1), not a replacement
    data: tuple[tuple[str, str], ...] = ()  # table editions consulted, e.g. (("ptp", "ptp-curated-2026"),)
