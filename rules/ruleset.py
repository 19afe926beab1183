"""The immutable RuleSet: enabled rules plus the reference tables, built once at start-up."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from rules.data import read_packaged
from rules.data.families import CodeFamilies, parse_families
from rules.data.ncci import (
    AddonTable,
    MueTable,
    PtpTable,
    parse_addon_curated,
    parse_mue_curated,
    parse_ptp_curated,
)
from rules.data.pfs import FeeSchedule, parse_pfs
from rules.data.table import TableMeta, Versioned
from rules.model import Rule
from rules.registry import discover

RULESET_SCHEMA = "1"
CONVERSION_FACTOR_NON_QP = Decimal("33.4009")  # CY 2026 PFS final rule, non-qualifying APM participant
CONVERSION_FACTOR_QP = Decimal("33.5675")  # CY 2026 PFS final rule, qualifying APM participant


@dataclass(frozen=True, slots=True)
class PayerProfile:
    """How a payer departs from Medicare: its preferred distinct-service modifier, its own tables."""

    name: str = "medicare"
    distinct_modifier: str = "XS"  # a payer that does not accept X{EPSU} wants "59"
    accepts_x_modifiers: bool = True


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Everything `evaluate` needs, immutable. Rules never read settings: they read this."""

    rules: tuple[Rule, ...]
    pfs: Versioned[FeeSchedule]
    ptp: Versioned[PtpTable]
    mue: Versioned[MueTable]
    addons: Versioned[AddonTable]
    families: CodeFamilies
    conversion_factor: Decimal = CONVERSION_FACTOR_NON_QP
    profiles: Mapping[str, PayerProfile] = field(default_factory=lambda: {"medicare": PayerProfile()})
    version: str = ""

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
        return out


def packaged_tables() -> dict[str, list[tuple[TableMeta, object]]]:
    """The tables shipped in `rules/data/` (curated editions and the CY 2026 PFS)."""
    pfs = parse_pfs(read_packaged("pfs_rvu_2026.csv"), name="pfs_rvu_2026.csv")
    return {
        "pfs": [(pfs.meta, pfs)],
        "ptp": [parse_ptp_curated(read_packaged("ptp_curated_2026.csv"), name="ptp_curated_2026.csv")],
        "mue": [parse_mue_curated(read_packaged("mue_curated_2026.csv"), name="mue_curated_2026.csv")],
        "addon": [parse_addon_curated(read_packaged("addon_curated_2026.csv"), name="addon_curated_2026.csv")],
    }


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
    ptp: Versioned[PtpTable] = Versioned.of([*tables["ptp"], *extra_ptp])  # type: ignore[list-item]
    mue: Versioned[MueTable] = Versioned.of([*tables["mue"], *extra_mue])  # type: ignore[list-item]
    addons: Versioned[AddonTable] = Versioned.of([*tables["addon"], *extra_addons])  # type: ignore[list-item]
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
        profiles=dict(profiles) if profiles else {"medicare": PayerProfile()},
        version=f"{package_version}+{digest}",
    )
