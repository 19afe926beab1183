"""The immutable RuleSet: the enabled rules compiled against the reference tables, built once at start-up."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rules.data import read_packaged
from rules.data.families import parse_families
from rules.data.ncci import AddonTable, MueTable, PtpTable
from rules.data.pfs import FeeSchedule
from rules.data.table import TableMeta, Versioned
from rules.reference import (
    CONVERSION_FACTOR_NON_QP,
    CONVERSION_FACTOR_QP,
    CURATED_AOC,
    PACKAGED_AOC,
    PACKAGED_MUE,
    PACKAGED_PFS,
    PACKAGED_PTP,
    PayerProfile,
    Tables,
    load_profiles,
    packaged,
    packaged_profiles,
    packaged_tables,
)
from rules.registry import discover
from rules.rule import Rule

__all__ = [
    "CONVERSION_FACTOR_NON_QP",
    "CONVERSION_FACTOR_QP",
    "CURATED_AOC",
    "PACKAGED_AOC",
    "PACKAGED_MUE",
    "PACKAGED_PFS",
    "PACKAGED_PTP",
    "PayerProfile",
    "RuleSet",
    "Tables",
    "build_ruleset",
    "load_profiles",
    "packaged",
    "packaged_profiles",
    "packaged_tables",
]

RULESET_SCHEMA = "1"


@dataclass(frozen=True, slots=True)
class RuleSet(Tables):
    """The reference tables (`Tables`) and the rules enabled against them: everything `evaluate` needs, immutable.

    Facts, rules and rework read only the `Tables` part; the engine compiles the rules once per RuleSet
    (`rules.engine.Engine`, kept in `compiled`).
    """

    rules: tuple[Rule, ...] = ()
    version: str = ""
    # The engine compiled for this RuleSet (dispatch plan, indexes, memos), made on first use. Not a field of
    # the value: `dataclasses.replace` starts a new RuleSet with none.
    compiled: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)


def build_ruleset(
    *,
    extra_ptp: Iterable[tuple[TableMeta, PtpTable]] = (),
    extra_mue: Iterable[tuple[TableMeta, MueTable]] = (),
    extra_addons: Iterable[tuple[TableMeta, AddonTable]] = (),
    conversion_factor: Decimal = CONVERSION_FACTOR_NON_QP,
    profiles: Mapping[str, PayerProfile] | None = None,
    enabled: Iterable[str] | None = None,
) -> RuleSet:
    """Discover the rules and load the packaged tables, plus any operator-supplied CMS editions."""
    registry = discover()
    codes = sorted(registry) if enabled is None else sorted(set(enabled) & set(registry))
    rules = tuple(registry[code]() for code in codes if registry[code].status.kind != "removed")
    tables = packaged_tables()
    # Operator editions first: Versioned.of sorts stably by start date, so on a tie (a 2026 Q1 CMS file and
    # the curated 2026 edition both start on 2026-01-01) the official file wins.
    ptp: Versioned[PtpTable] = Versioned.of([*extra_ptp, *tables["ptp"]])  # type: ignore[list-item]
    mue: Versioned[MueTable] = Versioned.of([*extra_mue, *tables["mue"]])  # type: ignore[list-item]
    addons: Versioned[AddonTable] = Versioned.of([*extra_addons, *tables["addon"]])  # type: ignore[list-item]
    pfs: Versioned[FeeSchedule] = Versioned.of(tables["pfs"])  # type: ignore[arg-type]
    digest = hashlib.sha256(
        ("|".join(f"{r.code}:{r.status.kind}" for r in rules) + RULESET_SCHEMA).encode()
    ).hexdigest()[:8]
    from importlib.metadata import PackageNotFoundError, version

    try:
        package_version = version("dermclaims")
    except PackageNotFoundError:
        package_version = "0.0.0"
    return RuleSet(
        rules=rules,
        families=parse_families(read_packaged("code_families.csv"), name="code_families.csv"),
        pfs=pfs,
        ptp=ptp,
        mue=mue,
        addons=addons,
        conversion_factor=conversion_factor,
        profiles=dict(profiles) if profiles else packaged_profiles(),
        version=f"{package_version}+{digest}",
    )
