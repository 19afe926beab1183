"""The immutable RuleSet: enabled rules plus the reference tables, built once at start-up."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

import yaml

from rules.data import read_packaged, read_packaged_gzip
from rules.data.families import CodeFamilies, parse_families
from rules.data.ncci import (
    AddonEdit,
    AddonTable,
    MueEdit,
    MueTable,
    PtpEdit,
    PtpTable,
    parse_addon_curated,
    parse_mue_curated,
    parse_ptp_packaged,
    supplement_addons,
)
from rules.data.pfs import FeeSchedule, parse_pfs
from rules.data.table import TableMeta, Versioned
from rules.exceptions import DataTableError
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
    # NCCI: the distinct-service modifier goes on the column-2 code of the pair; a payer may accept it on either.
    distinct_modifier_either_line: bool = False
    description: str = ""
    # The payer's own rows laid over the national edition in force (payer_profiles.yaml `overrides`).
    ptp_overrides: Mapping[tuple[str, str], PtpEdit] = field(default_factory=dict)
    mue_overrides: Mapping[str, MueEdit] = field(default_factory=dict)
    addon_overrides: Mapping[str, AddonEdit] = field(default_factory=dict)
    source: str = ""


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
        sources = sorted({p.source for p in self.profiles.values() if p.source})
        if sources:
            out["profiles"] = ",".join(sources)
        return out


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
