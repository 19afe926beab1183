"""The last day to act on a denial, per payer: corrected claim from the date of service, appeal from the remit.

Medicare defaults: a corrected (replacement) claim or a reopening must be filed within 1 calendar year of
the date of service (42 CFR 424.44 timely filing); a redetermination (first-level appeal) within 120 days
of receiving the remittance (RARC MA01: "within 120 days of the date you received this notice"), counted
here from the remittance date, which is the safe reading. Other payers set their own windows: override
them per payer id or payer kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

from schemas.rework import ReworkAction


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True, slots=True)
class PayerDeadlines:
    """One payer's windows. `corrected_claim_days` (if set) replaces the calendar-year rule."""

    corrected_claim_years: int = 1
    corrected_claim_days: int | None = None
    appeal_days: int = 120

    def corrected_claim_by(self, service_date: date) -> date:
        if self.corrected_claim_days is not None:
            return service_date + timedelta(days=self.corrected_claim_days)
        return add_years(service_date, self.corrected_claim_years)

    def appeal_by(self, remit_date: date) -> date:
        return remit_date + timedelta(days=self.appeal_days)


@dataclass(frozen=True, slots=True)
class DeadlinePolicy:
    """Deadlines by payer: `payers` is keyed by payer id or payer kind (id wins), else `default` (Medicare)."""

    default: PayerDeadlines = PayerDeadlines()
    payers: Mapping[str, PayerDeadlines] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "payers", MappingProxyType(dict(self.payers)))

    def for_payer(self, payer_id: str | None, payer_kind: str | None) -> PayerDeadlines:
        for key in (payer_id, payer_kind):
            if key and key in self.payers:
                return self.payers[key]
        return self.default

    def deadline(
        self,
        action: ReworkAction,
        *,
        service_date: date | None,
        remit_date: date | None,
        payer_id: str | None = None,
        payer_kind: str | None = None,
    ) -> date | None:
        """Resubmit/correct: DOS window; appeal: remittance window; review: the earlier; write-off: none."""
        windows = self.for_payer(payer_id, payer_kind)
        corrected = windows.corrected_claim_by(service_date) if service_date else None
        appeal = windows.appeal_by(remit_date) if remit_date else None
        if action in (ReworkAction.RESUBMIT_WITH_MODIFIER, ReworkAction.CORRECT_AND_RESUBMIT):
            return corrected
        if action is ReworkAction.APPEAL:
            return appeal
        if action is ReworkAction.REVIEW:
            known = [d for d in (corrected, appeal) if d is not None]
            return min(known) if known else None
        return None

    def explain(self, action: ReworkAction, *, payer_id: str | None, payer_kind: str | None) -> str:
        """One sentence naming the window used, for the rationale."""
        w = self.for_payer(payer_id, payer_kind)
        corrected = (
            f"{w.corrected_claim_days} days from the date of service"
            if w.corrected_claim_days is not None
            else f"{w.corrected_claim_years} year{'s' if w.corrected_claim_years != 1 else ''} from the date of service"
        )
        appeal = f"{w.appeal_days} days from the remittance date"
        if action in (ReworkAction.RESUBMIT_WITH_MODIFIER, ReworkAction.CORRECT_AND_RESUBMIT):
            return f"Deadline: corrected claim within {corrected}."
        if action is ReworkAction.APPEAL:
            return f"Deadline: redetermination within {appeal}."
        if action is ReworkAction.REVIEW:
            return f"Deadline: the earlier of a corrected claim ({corrected}) and an appeal ({appeal})."
        return ""
