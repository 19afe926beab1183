"""Warn once (not once per claim) when claims are dated after the newest loaded quarter of an edit table.

Such claims are still scrubbed with the newest edition (the dates policy in docs/official-tables.md); their
verdict's `data_versions["<table>_age"]` says how old it was. The worker and the CLI log one warning per
table per process, naming the edition, so an operator knows to load newer CMS quarterly files.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from rules.engine import Verdict

log = logging.getLogger("dermclaims.data")


class BeyondDataWarning:
    """Tells `warn` once per table that claims are dated after its newest loaded quarter."""

    def __init__(self, warn: Callable[[str], None] | None = None) -> None:
        self._warn = warn or log.warning
        self._warned: set[str] = set()

    def observe(self, verdict: Verdict) -> list[str]:
        """The tables the verdict was judged with past their newest quarter (warning for the first of each)."""
        beyond = verdict.beyond_data
        for table, age in beyond.items():
            if table not in self._warned:
                self._warned.add(table)
                self._warn(
                    f"claims are dated after the newest loaded {table.upper()} quarter and are scrubbed with it: "
                    f"{age}. Put the newer CMS quarterly files in CLAIMS_RULES__DATA_DIR and restart "
                    "(`dermclaims data` lists the loaded editions). Warned once per table."
                )
        return sorted(beyond)
