"""CARC -> denial group (bundling, units, modifier ...), and the finding categories that explain each CARC.

Data, not code: `rules/data/carc_groups.csv` (versioned, with its source). A CARC not listed is `other`, which
no finding category explains. The group is the bounded `carc_group` label of the prediction metrics.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rules.data import read_packaged
from rules.data.table import TableMeta, parse_table
from rules.exceptions import DataTableError

OTHER = "other"


@dataclass(frozen=True, slots=True)
class CarcGroups:
    meta: TableMeta
    groups: dict[str, str]  # CARC -> group
    categories: dict[str, frozenset[str]]  # CARC -> finding categories whose flag names that denial

    def group(self, reason: str) -> str:
        return self.groups.get(reason.strip().upper(), OTHER)

    def explains(self, category: str, reason: str) -> bool:
        return category in self.categories.get(reason.strip().upper(), frozenset())

    @property
    def names(self) -> tuple[str, ...]:
        """Every group, `other` last (the label values to pre-initialise)."""
        return (*dict.fromkeys(self.groups.values()), OTHER)

    @property
    def predicting_categories(self) -> frozenset[str]:
        """Categories whose findings predict some denial (a revenue opportunity predicts none)."""
        return frozenset().union(*self.categories.values())


def parse_carc_groups(text: str, *, name: str = "carc_groups.csv") -> CarcGroups:
    meta, rows = parse_table(text, name=name, required=("carc", "group", "categories"))
    groups: dict[str, str] = {}
    categories: dict[str, frozenset[str]] = {}
    for number, row in enumerate(rows, start=2):
        code = row["carc"].upper()
        if not code or not row["group"]:
            raise DataTableError(f"{name}: data row {number}: carc and group are required")
        if row["group"] == OTHER:
            raise DataTableError(f"{name}: data row {number}: `other` is the group of unlisted CARCs; name a group")
        groups[code] = row["group"]
        categories[code] = frozenset(row["categories"].split())
    return CarcGroups(meta, groups, categories)


@cache
def carc_groups() -> CarcGroups:
    """The packaged table (read once per process)."""
    return parse_carc_groups(read_packaged("carc_groups.csv"))


def carc_group(reason: str) -> str:
    return carc_groups().group(reason)


def explains(category: str, reason: str) -> bool:
    """Whether a finding of `category` names the problem the payer's CARC `reason` denies for."""
    return carc_groups().explains(category, reason)


CARC_GROUPS: tuple[str, ...] = carc_groups().names
