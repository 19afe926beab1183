"""Start-up wiring shared by the worker and the CLI: logging and the RuleSet from settings."""

from __future__ import annotations

import logging
import sys
from typing import Any

from rules.ruleset import RuleSet, build_ruleset
from workers.settings import WorkerSettings


def configure_logging(level: str) -> None:
    """Plain, PHI-free logs to stderr (events are referred to by topic/partition/offset only)."""
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )


def load_ruleset(settings: WorkerSettings) -> RuleSet:
    """The packaged tables plus the operator's quarterly CMS files from `CLAIMS_RULES__DATA_DIR`, if any."""
    extra: dict[str, list[Any]] = {}
    if settings.rules.data_dir is not None:
        from rules.data.operator import load_directory  # reads the operator's files once, at start-up

        extra = load_directory(settings.rules.data_dir)
        for name in extra.get("ignored", []):
            logging.getLogger("dermclaims.rules").warning(
                "ignored %s in %s: not a CMS PTP/MUE/AOC file", name, settings.rules.data_dir
            )
    return build_ruleset(
        extra_ptp=extra.get("ptp", []),
        extra_mue=extra.get("mue", []),
        extra_addons=extra.get("addon", []),
        conversion_factor=settings.rules.conversion_factor,
    )
