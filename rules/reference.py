"""The reference-data layer: the loaded tables (`Tables`) and the tables in force for one payer (`InForce`).

Data flows one way: reference tables -> facts (rules/facts/) -> rules -> engine. `Tables` holds every loaded
edition of the NCCI PTP, MUE and add-on tables and of the fee schedule, the code families and the payer profiles;
`InForce` answers "the table in force on this date of service for this payer" (the edition, with the payer's own
rows laid over it), remembering each date's answer. Rules read it through the claim's facts, `rules/rework/`
directly. Pure: the packaged files are read once, at start-up, by `packaged_tables()`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

import yaml

from rules.data import read_packaged, read_packaged_gzip
from rules.data.families import CodeFamilies
from rules.data.ncci import (
    AddonEdit,
    AddonTable,
    MueEdit,
    MueTable,
    PtpEdit,
    PtpTable,
    overlay_addons,
    overlay_mue,
    overlay_ptp,
    parse_addon_curated,
    parse_mue_curated,
    parse_ptp_packaged,
    supplement_addons,
)
from rules.data.pfs import FeeCode, FeeSchedule, parse_pfs
from rules.data.table import TableMeta, Versioned
from rules.exceptions import DataTableError

CONVERSION_FACTOR_NON_QP = Decimal("33.4009")  # CY 2026 PFS final rule, non-qualifying APM participant
CONVERSION_FACTOR_QP = Decimal("33.5675")  # CY 2026 PFS final rule, qualifying APM participant
_CENT = Decimal("0.01")
_EDITION_TABLES = {"ptp": "ptp", "mue": "mue", "addon": "addons"}  # edition_label's names -> Tables fields
K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class PayerProfile:
    """How a payer departs from Medicare: its preferred distinct-service modifier, its own tables."""

    name: str = "medicare"
    distinct_modifier: str = "XS"  # a payer that does not accept X{EPSU} wants "59"
    accepts_x_modifiers: bool = True
    # NCCI: the distinct-service modifier goes on the column-2 code of the pair; a payer may accept it on either.
    distinct_modifier_either_line: bool = False
    description: str = ""
    # The payer's own rows laid over the national edition in force (payer_profiles.yaml `overrides`).
    ptp_overrides: Mapping[tuple[str, str], PtpEdit] = field(default_factory=dict)
    mue_overrides: Mapping[str, MueEdit] = field(default_factory=dict)
    addon_overrides: Mapping[str, AddonEdit] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True, slots=True)
class Tables:
    """The reference tables, immutable: every loaded edition of each table, the code families, the payer profiles.

    Rules, facts and rework never read settings or files: they read this (through `InForce` for one date and payer).
    """

    pfs: Versioned[FeeSchedule]
    ptp: Versioned[PtpTable]
    mue: Versioned[MueTable]
    addons: Versioned[AddonTable]
    families: CodeFamilies
    conversion_factor: Decimal = CONVERSION_FACTOR_NON_QP
    profiles: Mapping[str, PayerProfile] = field(default_factory=lambda: {"medicare": PayerProfile()})

    def profile_for(self, payer_id: str, payer_kind: str) -> PayerProfile:
        """The payer's own profile, else its kind's, else Medicare's."""
        return self.profiles.get(payer_id) or self.profiles.get(payer_kind) or self.profiles["medicare"]

    def data_labels(self) -> dict[str, str]:
        """Every loaded table edition, for `data_versions`."""
        out: dict[str, str] = {}
        for name, versioned in (
            ("pfs", self.pfs),
            ("ptp", self.ptp),
            ("mue", self.mue),
            ("addon", self.addons),
        ):
            out[name] = ",".join(meta.label for meta, _ in versioned.editions)
        sources = sorted({p.source for p in self.profiles.values() if p.source})
        if sources:
            out["profiles"] = ",".join(sources)
        return out


# ---- the editions in force on a date for a payer, with the payer's own rows laid over them ----------------------
def ptp_in_force(tables: Tables, profile: PayerProfile, day: date | None) -> tuple[TableMeta, PtpTable] | None:
    edition = tables.ptp.for_date(day) if day else None
    return (edition[0], overlay_ptp(edition[1], profile.ptp_overrides)) if edition else None


def mue_in_force(tables: Tables, profile: PayerProfile, day: date | None) -> tuple[TableMeta, MueTable] | None:
    edition = tables.mue.for_date(day) if day else None
    return (edition[0], overlay_mue(edition[1], profile.mue_overrides)) if edition else None


def addons_in_force(tables: Tables, profile: PayerProfile, day: date | None) -> tuple[TableMeta, AddonTable] | None:
    edition = tables.addons.for_date(day) if day else None
    return (edition[0], overlay_addons(edition[1], profile.addon_overrides)) if edition else None


_LOOKUP_LIMIT = 4096  # dates remembered per memo; past that the memo starts afresh (claims span a few quarters)


def _remember(memo: dict[K, V], key: K, value: V) -> V:
    if len(memo) >= _LOOKUP_LIMIT:
        memo.clear()
    memo[key] = value
    return value


class InForce:
    """The tables in force for one payer profile, by date of service, shared by every claim of that payer.

    An answer depends only on the tables (immutable) and the profile, so each date's is worked out once (the
    engine keeps one `InForce` per profile). Performance only: the answers are those of the uncached look-ups.
    """

    __slots__ = ("_addons", "_fees", "_labels", "_mue", "_ptp", "profile", "tables")

    def __init__(self, tables: Tables, profile: PayerProfile) -> None:
        self.tables = tables
        self.profile = profile
        self._fees: dict[date, FeeSchedule | None] = {}
        self._ptp: dict[date, PtpTable | None] = {}
        self._mue: dict[date, MueTable | None] = {}
        self._addons: dict[date, AddonTable | None] = {}
        self._labels: dict[tuple[str, date], str | None] = {}

    def fee(self, code: str, day: date) -> FeeCode | None:
        try:
            schedule = self._fees[day]
        except KeyError:
            edition = self.tables.pfs.for_date(day)
            schedule = _remember(self._fees, day, edition[1] if edition else None)
        return schedule.get(code) if schedule is not None else None

    def ptp(self, day: date) -> PtpTable | None:
        try:
            return self._ptp[day]
        except KeyError:
            found = ptp_in_force(self.tables, self.profile, day)
            return _remember(self._ptp, day, found[1] if found else None)

    def mue(self, day: date) -> MueTable | None:
        try:
            return self._mue[day]
        except KeyError:
            found = mue_in_force(self.tables, self.profile, day)
            return _remember(self._mue, day, found[1] if found else None)

    def addons(self, day: date) -> AddonTable | None:
        try:
            return self._addons[day]
        except KeyError:
            found = addons_in_force(self.tables, self.profile, day)
            return _remember(self._addons, day, found[1] if found else None)

    def edition_label(self, table: str, day: date) -> str | None:
        """The label of the `ptp`, `mue` or `addon` edition in force on `day` (None when none is loaded)."""
        key = (table, day)
        if key in self._labels:
            return self._labels[key]
        versioned: Versioned[Any] = getattr(self.tables, _EDITION_TABLES[table])
        edition = versioned.for_date(day)
        return _remember(self._labels, key, edition[0].label if edition else None)

    def revenue(self, code: str, units: int, day: date, place_of_service: str) -> Decimal | None:
        """National Medicare amount: total RVU (facility or not, by place of service) x CF x units."""
        fee = self.fee(code, day)
        if fee is None:
            return None
        amount = fee.total_rvu(place_of_service) * self.tables.conversion_factor * units
        return amount.quantize(_CENT, rounding=ROUND_HALF_UP)


def fees_on(tables: Tables, day: date | None) -> FeeSchedule | None:
    """The fee schedule in force on `day`; with no date (a remittance line without one) the newest schedule,
    which still says which codes are add-ons or have a global period."""
    if day is not None:
        edition = tables.pfs.for_date(day)
        if edition is not None:
            return edition[1]
    return tables.pfs.editions[0][1] if tables.pfs.editions else None


_DISTINCT = ("59", "XE", "XS", "XP", "XU")


def _profile_overrides(name: str, label: str, spec: Mapping[str, Any]) -> dict[str, Any]:
    """The `overrides:` block of one profile as edit objects keyed like the national tables."""
    out: dict[str, Any] = {"ptp_overrides": {}, "mue_overrides": {}, "addon_overrides": {}}
    try:
        for row in spec.get("ptp", []) or []:
            edit = PtpEdit(
                column1=str(row["column1"]),
                column2=str(row["column2"]),
                effective=date.fromisoformat(str(row.get("effective_date", "1900-01-01"))),
                deletion=date.fromisoformat(str(row["deletion_date"])) if row.get("deletion_date") else None,
                modifier_indicator=str(row["modifier_indicator"]),
                rationale=str(row.get("rationale", "")),
                source=str(row.get("source", label)),
            )
            if edit.modifier_indicator not in ("0", "1", "9"):
                raise ValueError(f"ptp override {edit.column1}/{edit.column2}: modifier indicator must be 0, 1 or 9")
            out["ptp_overrides"][(edit.column1, edit.column2)] = edit
        for row in spec.get("mue", []) or []:
            mue = MueEdit(
                str(row["code"]),
                int(row["mue"]),
                int(row["mai"]),
                str(row.get("rationale", "")),
                str(row.get("source", label)),
            )
            if mue.mai not in (1, 2, 3):
                raise ValueError(f"mue override {mue.code}: MAI must be 1, 2 or 3")
            out["mue_overrides"][mue.code] = mue
        for row in spec.get("addon", []) or []:
            addon = str(row["addon"])
            primaries = frozenset(str(p) for p in row.get("primaries", []))
            out["addon_overrides"][addon] = AddonEdit(
                addon, primaries, int(row.get("aoc_type", 1)), str(row.get("source", label))
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise DataTableError(f"payer profile {name!r}: bad override: {exc!r}") from exc
    return out


def load_profiles(text: str, *, name: str = "payer_profiles.yaml") -> dict[str, PayerProfile]:
    """Payer profiles from YAML, keyed by profile name and by every payer id and payer kind they match.

    `RuleSet.profile_for` looks a claim's payer up by payer id, then kind, then falls back to `medicare`,
    which must exist.
    """
    try:
        document = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise DataTableError(f"{name}: not valid YAML: {exc}") from exc
    meta = document.get("meta") or {}
    label = f"{name} ({meta.get('version', 'unversioned')})"
    out: dict[str, PayerProfile] = {}
    for profile_name, spec in (document.get("profiles") or {}).items():
        spec = spec or {}
        modifier = str(spec.get("distinct_modifier", "XS"))
        accepts_x = bool(spec.get("accepts_x_modifiers", True))
        if modifier not in _DISTINCT:
            raise DataTableError(f"{name}: profile {profile_name!r}: distinct_modifier must be one of {_DISTINCT}")
        if modifier.startswith("X") and not accepts_x:
            raise DataTableError(
                f"{name}: profile {profile_name!r} does not accept X modifiers but prefers {modifier}; use 59"
            )
        profile = PayerProfile(
            name=str(profile_name),
            distinct_modifier=modifier,
            accepts_x_modifiers=accepts_x,
            distinct_modifier_either_line=bool(spec.get("distinct_modifier_either_line", False)),
            description=str(spec.get("description", "")),
            source=label,
            **_profile_overrides(str(profile_name), label, spec.get("overrides") or {}),
        )
        match = spec.get("match") or {}
        for key in (str(profile_name), *map(str, match.get("payer_ids", [])), *map(str, match.get("kinds", []))):
            if key in out and out[key] is not profile:
                raise DataTableError(f"{name}: {key!r} is matched by both {out[key].name!r} and {profile_name!r}")
            out[key] = profile
    if "medicare" not in out:
        raise DataTableError(f"{name}: a 'medicare' profile is required (the default for every payer)")
    return out


def packaged_profiles() -> dict[str, PayerProfile]:
    """The payer profiles shipped in `rules/data/payer_profiles.yaml`."""
    return load_profiles(read_packaged("payer_profiles.yaml"))


# The official CMS editions shipped in rules/data/ (scripts/build_reference_data.py builds them from the copies
# in scripts/data/cms/), oldest first, and the curated rows kept where no official table speaks.
PACKAGED_PTP = ("ptp_cms_v30.1_2024q2.csv.gz",)
PACKAGED_MUE = ("mue_cms_2024-04-01.csv", "mue_cms_2026-04-01.csv")
PACKAGED_AOC = ("aoc_cms_2024q2.csv",)
CURATED_AOC = "addon_curated_2026.csv"
PACKAGED_PFS = "pfs_rvu_2026.csv"


def packaged_tables() -> dict[str, list[tuple[TableMeta, object]]]:
    """The tables shipped in `rules/data/`: the official NCCI PTP, MUE and add-on editions, the CY 2026 PFS.

    Curated add-on rows fill in the packaged add-on edition only for add-on codes its filter left out (an
    operator's full quarterly CMS file speaks for every code, so it gets none).
    """
    pfs = parse_pfs(read_packaged(PACKAGED_PFS), name=PACKAGED_PFS)
    _, curated = parse_addon_curated(read_packaged(CURATED_AOC), name=CURATED_AOC)
    addons: list[tuple[TableMeta, object]] = []
    for name in PACKAGED_AOC:
        meta, table = parse_addon_curated(read_packaged(name), name=name)
        addons.append((packaged(meta, name), supplement_addons(table, curated)))
    ptp = [parse_ptp_packaged(read_packaged_gzip(name), name=name) for name in PACKAGED_PTP]
    mue = [parse_mue_curated(read_packaged(name), name=name) for name in PACKAGED_MUE]
    return {
        "pfs": [(packaged(pfs.meta, PACKAGED_PFS), pfs)],
        "ptp": [(packaged(meta, name), table) for name, (meta, table) in zip(PACKAGED_PTP, ptp, strict=True)],
        "mue": [(packaged(meta, name), table) for name, (meta, table) in zip(PACKAGED_MUE, mue, strict=True)],
        "addon": addons,
    }


def packaged(meta: TableMeta, name: str) -> TableMeta:
    """`meta` marked as read from the packaged file `rules/data/<name>` (for `dermclaims data`)."""
    return replace(meta, origin=f"rules/data/{name}")
