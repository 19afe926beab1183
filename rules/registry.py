"""Rule registration by decorator, and discovery of every rule module under `rules/`."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import TypeVar

from rules.model import RuleStatus
from rules.rule import Rule

R = TypeVar("R", bound=type[Rule])

_REGISTRY: dict[str, type[Rule]] = {}

# Retired or renamed codes: old code -> new code. Codes are never reused.
RULE_REDIRECTS: dict[str, str] = {}

# The code prefixes of each family package: a rule's code starts with one of its package's prefixes (tested).
RULE_PREFIXES: dict[str, tuple[str, ...]] = {
    "rules.biopsy": ("BIO",),
    "rules.destruction": ("DES", "TAG"),
    "rules.excision": ("EXC",),
    "rules.repair": ("REP",),
    "rules.mohs": ("MOH",),
    "rules.evaluation": ("EVM",),
    "rules.modifiers": ("MOD",),
    "rules.bundling": ("BND", "AOC"),
    "rules.units": ("MUE",),
    "rules.diagnosis": ("DXM",),
    "rules.documentation": ("DOC",),
    "rules.claim": ("DAT", "DUP"),
    "rules.shave": ("SHV",),
    "rules.injection": ("ILI",),
    "rules.phototherapy": ("PHO",),
    "rules.incision": ("IND",),
    "rules.flap": ("ATT", "GRF"),
    "rules.debridement": ("DEB",),
    "rules.nail": ("NAI",),
    "rules.paring": ("PAR",),
    "rules.foot_care": ("FTC",),
}

RULE_PACKAGES = (
    "rules.biopsy",
    "rules.destruction",
    "rules.excision",
    "rules.repair",
    "rules.mohs",
    "rules.evaluation",
    "rules.modifiers",
    "rules.bundling",
    "rules.units",
    "rules.diagnosis",
    "rules.documentation",
    "rules.claim",
    "rules.shave",
    "rules.injection",
    "rules.phototherapy",
    "rules.incision",
    "rules.flap",
    "rules.debridement",
    "rules.nail",
    "rules.paring",
    "rules.foot_care",
)


def register(*, code: str, slug: str, status: RuleStatus) -> Callable[[R], R]:
    """Register a rule class under a unique, never-reused code."""

    def decorate(cls: R) -> R:
        if code in _REGISTRY and _REGISTRY[code] is not cls:
            raise ValueError(f"rule code {code} is already registered by {_REGISTRY[code].__name__}")
        if code in RULE_REDIRECTS:
            raise ValueError(f"rule code {code} was retired (redirects to {RULE_REDIRECTS[code]}); pick a new one")
        cls.code = code
        cls.slug = slug
        cls.status = status
        if not cls.name:
            cls.name = slug
        _REGISTRY[code] = cls
        return cls

    return decorate


def discover() -> dict[str, type[Rule]]:
    """Import every module in the rule packages so their decorators run; return code -> class."""
    for package_name in RULE_PACKAGES:
        try:
            package = importlib.import_module(package_name)
        except ModuleNotFoundError as exc:
            if exc.name == package_name:
                continue  # a family not built yet
            raise
        for module in pkgutil.iter_modules(package.__path__, prefix=f"{package_name}."):
            importlib.import_module(module.name)
    return dict(sorted(_REGISTRY.items()))
