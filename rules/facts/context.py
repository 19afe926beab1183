"""The per-claim facts every rule reads: the claim's lines and indexes, and the tables in force for its payer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, Generic, TypeVar, overload

from schemas.claim import Claim, ClaimLine, Documentation
from schemas.types import HC

from rules.data.families import CodeFamilies
from rules.data.ncci import AddonTable, MueTable, PtpTable
from rules.data.pfs import FeeCode
from rules.reference import InForce, PayerProfile, Tables

_EMPTY_DOC = Documentation()
T = TypeVar("T")


class cached_property(Generic[T]):  # a drop-in for functools.cached_property
    """`functools.cached_property` without the lock Python 3.11 takes on every first access.

    A ClaimContext lives inside one `evaluate` call on one thread, so the lock buys nothing and costs
    about a microsecond per property per claim. Same semantics: computed once, stored in `__dict__`.
    """

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.attrname = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.attrname = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> cached_property[T]: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...
    def __get__(self, instance: object | None, owner: type | None = None) -> T | cached_property[T]:
        if instance is None:
            return self
        value = instance.__dict__[self.attrname] = self.func(instance)
        return value


class ClaimContext:
    """Read-only helpers over one claim. Built once per `evaluate`, shared by every rule.

    `lines` (and every index built on it) holds only the CPT/HCPCS lines (`code_qualifier` HC): a line coded
    under another qualifier (an NDC, a ZZ code) is no procedure code, so no NCCI/MUE/CPT rule may judge it;
    it stays on the claim (`claim.lines`) and in the corrected lines unchanged.
    """

    __slots__ = ("__dict__", "_facts", "claim", "codes", "families", "in_force", "lines", "profile", "tables")

    def __init__(self, claim: Claim, tables: Tables, in_force: InForce | None = None) -> None:
        """`in_force`: the tables in force for the claim's payer profile, shared by the claims of one engine (a
        fresh one, remembering nothing, when not given)."""
        self.claim = claim
        self.tables = tables
        self.families: CodeFamilies = tables.families
        self.lines: tuple[ClaimLine, ...] = tuple(line for line in claim.lines if line.code_qualifier == HC)
        self.codes: frozenset[str] = frozenset(line.code for line in self.lines)
        self.profile: PayerProfile = (
            in_force.profile if in_force is not None else tables.profile_for(claim.payer.payer_id, claim.payer.kind)
        )
        self.in_force = in_force if in_force is not None else InForce(tables, self.profile)
        self._facts: dict[object, Any] = {}

    # ---- derived facts, built once per claim on first use (the one memo of the context) -------------
    def fact(self, build: Callable[[ClaimContext], T]) -> T:
        """`build(self)`, computed once per claim: the claim-wide analyses (biopsy plans, E/M situations...)."""
        facts = self._facts
        try:
            return facts[build]  # type: ignore[no-any-return]  # the builder names the value's type
        except KeyError:
            value = facts[build] = build(self)
            return value

    def day_fact(self, build: Callable[[ClaimContext, date], T], day: date) -> T:
        """`build(self, day)`, computed once per claim and date of service (Mohs lesions, repair groups...)."""
        facts = self._facts
        key = (build, day)
        try:
            return facts[key]  # type: ignore[no-any-return]  # the builder names the value's type
        except KeyError:
            value = facts[key] = build(self, day)
            return value

    def line_fact(self, build: Callable[[ClaimContext, ClaimLine], T], line: ClaimLine) -> T:
        """`build(self, line)`, computed once per claim and line (the expected excision code...)."""
        facts = self._facts
        key = (build, line.line_id)
        try:
            return facts[key]  # type: ignore[no-any-return]  # the builder names the value's type
        except KeyError:
            value = facts[key] = build(self, line)
            return value

    @cached_property
    def modifiers(self) -> frozenset[str]:
        """Every modifier billed on any line: lets a rule about a modifier return at once when it is absent."""
        return frozenset(modifier for line in self.lines for modifier in line.modifiers)

    @cached_property
    def by_code(self) -> dict[str, list[ClaimLine]]:
        out: dict[str, list[ClaimLine]] = {}
        for line in self.lines:
            out.setdefault(line.code, []).append(line)
        return out

    @cached_property
    def by_date(self) -> dict[date, list[ClaimLine]]:
        out: dict[date, list[ClaimLine]] = {}
        for line in self.lines:
            out.setdefault(line.service_date, []).append(line)
        return out

    @cached_property
    def dates(self) -> tuple[date, ...]:
        return tuple(sorted(self.by_date))

    @staticmethod
    def doc(line: ClaimLine) -> Documentation:
        """The line's documentation, or an empty one (every field None)."""
        return line.documentation or _EMPTY_DOC

    def diagnoses(self, line: ClaimLine) -> list[str]:
        """The ICD-10-CM codes the line points to, in pointer order."""
        return [self.claim.diagnoses[p - 1] for p in line.dx_pointers if p <= len(self.claim.diagnoses)]

    def same_day(self, line: ClaimLine) -> list[ClaimLine]:
        """Other lines with the same date of service."""
        return [other for other in self.by_date[line.service_date] if other is not line]

    # ---- reference tables in force, by date of service ------------------------------------------
    def fee(self, code: str, day: date | None = None) -> FeeCode | None:
        return self.in_force.fee(code, day or self.dates[0])

    def ptp(self, day: date) -> PtpTable | None:
        """The PTP edition in force on `day` with the payer profile's own rows laid over it."""
        return self.in_force.ptp(day)

    def mue(self, day: date) -> MueTable | None:
        return self.in_force.mue(day)

    def addons(self, day: date) -> AddonTable | None:
        return self.in_force.addons(day)

    def edition_label(self, table: str, day: date) -> str | None:
        """The label of the `ptp`, `mue` or `addon` edition in force on `day` (None when none is loaded)."""
        return self.in_force.edition_label(table, day)

    def revenue(self, code: str, units: int = 1, day: date | None = None) -> Decimal | None:
        """National Medicare amount: total RVU (facility or not, by place of service) x CF x units."""
        return self.in_force.revenue(code, units, day or self.dates[0], self.claim.place_of_service)
