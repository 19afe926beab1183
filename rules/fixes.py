"""Apply the `safe` fixes of a verdict to a claim's lines: the claim as an expert would resubmit it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeAlias

from schemas.claim import ClaimLine

from rules.model import Applicability, Finding, Fix, FixAction

LineIds: TypeAlias = str | Iterable[str]  # one line id, or several


def _ids(line_ids: LineIds) -> tuple[str, ...]:
    return (line_ids,) if isinstance(line_ids, str) else tuple(line_ids)


# ---- named fix constructors: what a rule proposes, each stating its applicability -------------------------------
def remove_line(line_ids: LineIds, title: str, applicability: Applicability) -> Fix:
    """Take the line(s) off the claim."""
    return Fix(FixAction.REMOVE_LINE, applicability, _ids(line_ids), title)


def add_modifier(line_ids: LineIds, modifier: str, title: str, applicability: Applicability) -> Fix:
    """Append `modifier` (a distinct-service modifier replaces the other distinct-service modifiers billed)."""
    return Fix(FixAction.ADD_MODIFIER, applicability, _ids(line_ids), title, modifier=modifier)


def remove_modifier(line_ids: LineIds, modifier: str, title: str, applicability: Applicability) -> Fix:
    """Take `modifier` off the line(s)."""
    return Fix(FixAction.REMOVE_MODIFIER, applicability, _ids(line_ids), title, modifier=modifier)


def replace_code(
    line_ids: LineIds, code: str | None, title: str, applicability: Applicability, *, units: int | None = None
) -> Fix:
    """Bill the line(s) under `code` (and `units`, when given); `code` None: the chart must name the code first."""
    return Fix(FixAction.REPLACE_CODE, applicability, _ids(line_ids), title, code=code, units=units)


def set_units(line_ids: LineIds, units: int, title: str, applicability: Applicability) -> Fix:
    """Bill `units` on the line(s)."""
    return Fix(FixAction.SET_UNITS, applicability, _ids(line_ids), title, units=units)


def merge_lines(
    line_ids: LineIds, title: str, applicability: Applicability, *, code: str | None = None, units: int | None = None
) -> Fix:
    """Fold the lines into the first one (units summed unless `units` is given; recoded when `code` is given)."""
    return Fix(FixAction.MERGE_LINES, applicability, _ids(line_ids), title, code=code, units=units)


def add_line(
    code: str, units: int, title: str, applicability: Applicability, *, modifiers: tuple[str, ...] = ()
) -> Fix:
    """A new line of `code` x `units` (with `modifiers`)."""
    return Fix(FixAction.ADD_LINE, applicability, (), title, code=code, units=units, modifiers=modifiers)


# Distinct-service modifiers that replace one another: adding one removes the others (never 59 and X{EPSU}).
DISTINCT_MODIFIERS = ("59", "XE", "XS", "XP", "XU")


@dataclass(slots=True)
class DraftLine:
    """A mutable line while fixes are applied."""

    line_ids: list[str]
    code: str
    modifiers: list[str]
    units: int
    removed: bool = False
    order: tuple[int, int] = (0, 0)
    extra: dict[str, str] = field(default_factory=dict)
    code_qualifier: str = "HC"  # a non-HC line is never a fix's target: carried as billed


def replaced_modifiers(fix: Fix, lines: Iterable[ClaimLine]) -> list[str]:
    """The modifiers an `add_modifier` fix takes off its lines as billed (a distinct-service modifier replaces
    the others: 59 and X{EPSU} are never billed together), so a reader of the fix applies it as the engine does."""
    if fix.action is not FixAction.ADD_MODIFIER or fix.modifier not in DISTINCT_MODIFIERS:
        return []
    targets = set(fix.line_ids)
    billed = {m for line in lines if line.line_id in targets for m in line.modifiers}
    return sorted(m for m in billed if m in DISTINCT_MODIFIERS and m != fix.modifier)


def _add_modifier(line: DraftLine, modifier: str) -> None:
    if modifier in line.modifiers:
        return
    if modifier in DISTINCT_MODIFIERS:
        line.modifiers = [m for m in line.modifiers if m not in DISTINCT_MODIFIERS]
    # Pricing/payment modifiers first (25, 57, 59, X*), then anatomic ones, as payers read them.
    line.modifiers = [modifier, *line.modifiers][:4]


_ORDER = {
    FixAction.REMOVE_LINE: 0,
    FixAction.MERGE_LINES: 1,
    FixAction.REPLACE_CODE: 2,
    FixAction.SET_UNITS: 3,
    FixAction.REMOVE_MODIFIER: 4,
    FixAction.ADD_MODIFIER: 5,
    FixAction.ADD_LINE: 6,
}


def apply_fixes(lines: Iterable[ClaimLine], findings: Iterable[Finding]) -> list[DraftLine]:
    """Return the corrected lines. Only `safe` fixes are applied; the others are reported, not applied."""
    drafts = [
        DraftLine(
            [line.line_id],
            line.code,
            list(line.modifiers),
            line.units,
            order=(index, 0),
            code_qualifier=line.code_qualifier,
        )
        for index, line in enumerate(lines)
    ]
    fixes: list[Fix] = [f.fix for f in findings if f.fix is not None and f.fix.applicability is Applicability.SAFE]
    if not fixes:
        return drafts  # nothing to apply: the lines as billed, in claim order
    by_id = {draft.line_ids[0]: draft for draft in drafts if draft.code_qualifier == "HC"}
    added = 0
    for fix in sorted(fixes, key=lambda f: _ORDER[f.action]):
        targets = [by_id[i] for i in fix.line_ids if i in by_id and not by_id[i].removed]
        if fix.action is FixAction.ADD_LINE:
            added += 1
            drafts.append(DraftLine([], fix.code or "", list(fix.modifiers), fix.units or 1, order=(len(by_id), added)))
            continue
        if not targets:
            continue
        if fix.action is FixAction.REMOVE_LINE:
            for target in targets:
                target.removed = True
        elif fix.action is FixAction.MERGE_LINES:
            keep, *rest = targets
            for other in rest:
                keep.units += other.units
                keep.line_ids.extend(other.line_ids)
                other.removed = True
            if fix.units is not None:
                keep.units = fix.units
            if fix.code:
                keep.code = fix.code
        elif fix.action is FixAction.REPLACE_CODE and fix.code:
            for target in targets:
                target.code = fix.code
                if fix.units is not None:
                    target.units = fix.units
        elif fix.action is FixAction.SET_UNITS and fix.units is not None:
            for target in targets:
                target.units = fix.units
        elif fix.action is FixAction.REMOVE_MODIFIER and fix.modifier:
            for target in targets:
                target.modifiers = [m for m in target.modifiers if m != fix.modifier]
        elif fix.action is FixAction.ADD_MODIFIER and fix.modifier:
            for target in targets:
                _add_modifier(target, fix.modifier)
    return sorted((d for d in drafts if not d.removed), key=lambda d: d.order)
