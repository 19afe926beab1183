"""The per-claim view every rule reads: indexes built once, table editions picked by date of service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Generic, TypeVar, overload

from rules.data.ncci import AddonTable, MueTable, PtpTable, overlay_addons, overlay_mue, overlay_ptp
from rules.data.pfs import FeeCode, FeeSchedule
from rules.data.table import Versioned
from rules.ruleset import PayerProfile, RuleSet
from schemas.claim import Claim, ClaimLine, Documentation
from schemas.types import HC

_EMPTY_DOC = Documentation()
_CENT = Decimal("0.01")
_EDITION_TABLES = {"ptp": "ptp", "mue": "mue", "addon": "addons"}  # edition_label's names -> RuleSet fields
T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")


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


class _Lookups:
    """Table answers by date of service for one RuleSet and payer profile, shared by every claim's context.

    They depend only on the RuleSet (immutable) and the profile (one of the RuleSet's), so working them out
    once per date instead of once per claim changes no answer. Performance only.
    """

    __slots__ = ("addons", "fees", "labels", "mue", "profile", "ptp", "ruleset")

    def __init__(self, ruleset: RuleSet, profile: PayerProfile) -> None:
        self.ruleset = ruleset
        self.profile = profile
        self.fees: dict[date, FeeSchedule | None] = {}
        self.ptp: dict[date, PtpTable | None] = {}
        self.mue: dict[date, MueTable | None] = {}
        self.addons: dict[date, AddonTable | None] = {}
        self.labels: dict[tuple[str, date], str | None] = {}


_LOOKUP_LIMIT = 4096  # dates remembered per memo; past that the memo starts afresh (claims span a few quarters)


def _remember(memo: dict[K, V], key: K, value: V) -> V:
    if len(memo) >= _LOOKUP_LIMIT:
        memo.clear()
    memo[key] = value
    return value


_LOOKUPS: dict[tuple[int, int], _Lookups] = {}


def _lookups(ruleset: RuleSet, profile: PayerProfile) -> _Lookups:
    """The shared look-ups of (RuleSet, profile), keyed by identity: the entry holds both, so ids are not reused."""
    key = (id(ruleset), id(profile))
    found = _LOOKUPS.get(key)
    if found is None or found.ruleset is not ruleset or found.profile is not profile:
        if len(_LOOKUPS) >= 64:  # a process builds one RuleSet with a few profiles; tests a handful more
            _LOOKUPS.clear()
        found = _LOOKUPS[key] = _Lookups(ruleset, profile)
    return found


class ClaimContext:
    """Read-only helpers over one claim. Built once per `evaluate`, shared by every rule.

    `lines` (and every index built on it) holds only the CPT/HCPCS lines (`code_qualifier` HC): a line coded
    under another qualifier (an NDC, a ZZ code) is no procedure code, so no NCCI/MUE/CPT rule may judge it;
    it stays on the claim (`claim.lines`) and in the corrected lines unchanged.
    """

    __slots__ = (
        "__dict__",
        "_addons",
        "_fees",
        "_labels",
        "_mue",
        "_ptp",
        "claim",
        "codes",
        "lines",
        "profile",
        "ruleset",
    )

    def __init__(self, claim: Claim, ruleset: RuleSet) -> None:
        self.claim = claim
        self.ruleset = ruleset
        self.lines: tuple[ClaimLine, ...] = tuple(line for line in claim.lines if line.code_qualifier == HC)
        self.codes: frozenset[str] = frozenset(line.code for line in self.lines)
        self.profile: PayerProfile = ruleset.profile_for(claim.payer.payer_id, claim.payer.kind)
        # Memos of the table lookups below, shared by the claims of one RuleSet and profile (every rule asks
        # the same few dates): performance only, the answers are exactly those of the uncached lookups.
        shared = _lookups(ruleset, self.profile)
        self._fees = shared.fees
        self._ptp = shared.ptp
        self._mue = shared.mue
        self._addons = shared.addons
        self._labels = shared.labels

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

    # ---- reference tables, by date of service -------------------------------------------------
    def fee(self, code: str, day: date | None = None) -> FeeCode | None:
        when = day or self.dates[0]
        try:
            schedule = self._fees[when]
        except KeyError:
            edition = self.ruleset.pfs.for_date(when)
            schedule = _remember(self._fees, when, edition[1] if edition else None)
        return schedule.get(code) if schedule is not None else None

    # The payer profile's own rows (payer_profiles.yaml `overrides`) are laid over the edition, without copying.
    def ptp(self, day: date) -> PtpTable | None:
        try:
            return self._ptp[day]
        except KeyError:
            edition = self.ruleset.ptp.for_date(day)
            table = _remember(self._ptp, day, overlay_ptp(edition[1], self.profile.ptp_overrides) if edition else None)
            return table

    def mue(self, day: date) -> MueTable | None:
        try:
            return self._mue[day]
        except KeyError:
            edition = self.ruleset.mue.for_date(day)
            table = _remember(self._mue, day, overlay_mue(edition[1], self.profile.mue_overrides) if edition else None)
            return table

    def addons(self, day: date) -> AddonTable | None:
        try:
            return self._addons[day]
        except KeyError:
            edition = self.ruleset.addons.for_date(day)
            table = _remember(
                self._addons, day, overlay_addons(edition[1], self.profile.addon_overrides) if edition else None
            )
            return table

    def edition_label(self, table: str, day: date) -> str | None:
        """The label of the `ptp`, `mue` or `addon` edition in force on `day` (None when none is loaded)."""
        key = (table, day)
        if key in self._labels:
            return self._labels[key]
        versioned: Versioned[Any] = getattr(self.ruleset, _EDITION_TABLES[table])
        edition = versioned.for_date(day)
        label = _remember(self._labels, key, edition[0].label if edition else None)
        return label

    def revenue(self, code: str, units: int = 1, day: date | None = None) -> Decimal | None:
        """National Medicare amount: total RVU (facility or not, by place of service) x CF x units."""
        fee = self.fee(code, day)
        if fee is None:
            return None
        amount = fee.total_rvu(self.claim.place_of_service) * self.ruleset.conversion_factor * units
        return amount.quantize(_CENT, rounding=ROUND_HALF_UP)
