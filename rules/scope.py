"""What can be known about a claim before any rule runs, and which rules can possibly find something on it.

Most rules prove an absence on most claims: no add-on code, no PTP pair, no repeated code, no unit above
one. `ClaimShape` is a small summary of a claim (its codes, modifiers and a few flags) and `EditIndex` the
RuleSet's tables reduced to code sets (every add-on code, every PTP pair, every MUE of 0, the codes of each
global period and family, over every loaded edition and payer override). A rule's `may_find(shape, index)`
answers False only when its `check` cannot yield a finding for any claim of that shape; the engine then
skips it. Claims repeat a few shapes, so the engine remembers the answer per shape.

Performance only: a gate must never change a verdict. The unions over editions and overrides make every
gate an over-approximation (a pair in some edition, a zero in some payer's table), and
`tests/rules/test_rule_gates.py` runs every rule on the claims its gate skips and expects no finding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import permutations

from rules.reference import Tables


@dataclass(frozen=True, slots=True)
class ClaimShape:
    """The facts about a claim that rule gates read (hashable: the engine remembers answers per shape)."""

    codes: frozenset[str]
    modifiers: frozenset[str]
    repeats_code: bool  # some code is billed on more than one line
    multi_unit: bool  # some line bills more than one unit
    fully_covered: bool  # every date of service has a PTP, an MUE and an add-on edition in force
    undocumented: bool  # some line carries no documentation


class EditIndex:
    """The reference tables as code sets, unioned over every edition and payer profile override."""

    __slots__ = ("_asked", "_families", "_globals", "addon_codes", "mue_zero_codes", "ptp_pairs")

    def __init__(self, tables: Tables) -> None:
        profiles = tuple(tables.profiles.values())
        addons = {code for _, table in tables.addons.editions for code in table.edits}
        addons.update(code for profile in profiles for code in profile.addon_overrides)
        zero_mue = {code for _, table in tables.mue.editions for code, edit in table.edits.items() if edit.value == 0}
        zero_mue.update(code for p in profiles for code, edit in p.mue_overrides.items() if edit.value == 0)
        pairs = {pair for _, table in tables.ptp.editions for pair in table.edits}
        pairs.update(pair for profile in profiles for pair in profile.ptp_overrides)
        globals_: dict[str, set[str]] = {}
        for _, schedule in tables.pfs.editions:
            for code, fee in schedule.codes.items():
                globals_.setdefault(fee.global_days, set()).add(code)
        addons.update(globals_.get("ZZZ", ()))  # a ZZZ code is an add-on even when no AOC row lists it
        self.addon_codes = frozenset(addons)
        self.mue_zero_codes = frozenset(zero_mue)
        self.ptp_pairs = frozenset(pairs)
        self._globals = {days: frozenset(codes) for days, codes in globals_.items()}
        self._families = tables.families
        self._asked: dict[tuple[str, ...], frozenset[str]] = {}

    def global_codes(self, *periods: str) -> frozenset[str]:
        """Every code whose global period (000, 010, 090, XXX, ZZZ) is one of `periods` in some PFS edition."""
        key = ("global", *periods)
        found = self._asked.get(key)
        if found is None:
            found = self._asked[key] = frozenset().union(*(self._globals.get(days, frozenset()) for days in periods))
        return found

    def family_codes(self, *families: str) -> frozenset[str]:
        """Every code of `families` in the code-family table."""
        key = ("family", *families)
        found = self._asked.get(key)
        if found is None:
            found = self._asked[key] = frozenset(e.code for f in families for e in self._families.in_family(f))
        return found

    def has_ptp_pair(self, codes: Iterable[str], *, repeated: bool) -> bool:
        """Whether two of `codes` (or one code twice, when `repeated`) form a pair in some PTP table."""
        found = set(codes)
        pairs = self.ptp_pairs
        if repeated and any((code, code) in pairs for code in found):
            return True
        return any(pair in pairs for pair in permutations(found, 2))
