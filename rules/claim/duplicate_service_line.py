"""DUP001: the same service billed on two or more lines (same code, modifiers, date and lesion)."""

from __future__ import annotations

from collections.abc import Iterator

from schemas.claim import ClaimLine

from rules.facts.context import ClaimContext
from rules.facts.lesions import same_service
from rules.facts.modifiers import DISTINCT_SERVICE, EM_ONLY, PROCEDURE_ONLY, is_cpt_procedure, is_em_like
from rules.facts.sites import is_addon
from rules.fixes import merge_lines, remove_line
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule
from rules.scope import ClaimShape, EditIndex

# Office/outpatient E/M: one per physician (or same-specialty group) a day (MCPM ch. 12 §30.6.7.B).
DISTINCT = "59/X{EPSU}"
OFFICE_EM = frozenset({*(f"9920{n}" for n in range(2, 6)), *(f"9921{n}" for n in range(1, 6))})


@register(code="DUP001", slug="duplicate-service-line", status=Stable("0.1.0"))
class DuplicateServiceLine(Rule):
    """The same service billed on more than one line of the claim.

    ## What it does
    Groups lines with the same code, the same modifiers (in any order) and the same date of service, then
    keeps together only lines for the same lesion, or lines where the chart names no lesion at all. Two
    11600 lines for lesions A and B (or on the arm and the back) are two services, not duplicates.
    - Add-on codes (ZZZ global or role `addon` in the code families), whose units count lesions, stages
      or blocks: the lines are merged into one line with the summed units.
    - Any other code: the later lines are removed.

    ## Why is this bad?
    A repeated line is denied as an exact duplicate (CARC 18, group OA) or, for units-based codes, trips
    the date-of-service MUE; add-on units belong on one line per date.

    ## Example
    17003 x3 (line 2) + 17003 x4 (line 3), same day -> one 17003 line x7.
    99213 on line 1 and again on line 2 -> remove line 2.

    ## Fix safety
    Merging add-on units is `safe`. Removing a repeated line is `safe` when the chart names the same
    lesion on both, or the code's date-of-service MUE (MAI 2) allows one unit and its further services
    have no add-on code, or it is an office E/M (99202-99215: one per physician per day, visits of the day
    are combined into one, Medicare Claims Processing Manual ch. 12 §30.6.7.B; the official MUE of 99213,
    2 with MAI 3, does not say so); otherwise it `needs_documentation`: if the lines are different lesions, document
    them and add a distinct modifier (or, for 11102-style codes, report the later ones as the add-on).

    ## References
    X12 CARC 18 (exact duplicate claim/service); CMS NCCI MUE (MAI 2 date-of-service edits); AMA CPT
    add-on code units; Medicare Claims Processing Manual ch. 12 §30.6.7.B (one office E/M a day).
    """

    name = "Duplicate service line"
    category = Category.DUPLICATE_LINE
    severity = Severity.ERROR
    reference = "X12 CARC 18 (exact duplicate service); CMS NCCI MUE date-of-service edits"

    def may_find(self, shape: ClaimShape, index: EditIndex) -> bool:
        # Skipped when every line bills a different code: nothing can repeat.
        return shape.repeats_code

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        groups: dict[tuple[object, ...], list[list[ClaimLine]]] = {}
        for line in ctx.lines:
            clusters = groups.setdefault((line.service_date, line.code, self._modifiers(ctx, line)), [])
            for cluster in clusters:
                if all(same_service(ctx, other, line) for other in cluster):
                    cluster.append(line)
                    break
            else:
                clusters.append([line])
        for clusters in groups.values():
            for cluster in clusters:
                if len(cluster) > 1:
                    yield self._finding(ctx, cluster)

    @staticmethod
    def _modifiers(ctx: ClaimContext, line: ClaimLine) -> frozenset[str]:
        """The modifiers that tell two lines of a code apart, as the modifier rules leave them: 59 and X{EPSU} all
        claim a distinct service (one is swapped for another for the payer); an add-on or an E/M takes none (MOD005,
        MOD011); 24/25/57 go only on an E/M (MOD001, MOD002, MOD007) and procedure modifiers never on one."""
        em = is_em_like(line.code)
        dropped = PROCEDURE_ONLY if em else (EM_ONLY if is_cpt_procedure(line.code) else frozenset())
        if not DISTINCT_SERVICE.isdisjoint(line.modifiers):
            family = ctx.families.get(line.code)
            addon = is_addon(ctx, line.code, line.service_date) or (family is not None and family.role == "addon")
            if em or addon:
                dropped = dropped | DISTINCT_SERVICE
        kept = (m for m in line.modifiers if m not in dropped)
        return frozenset(DISTINCT if m in DISTINCT_SERVICE else m for m in kept)

    def _finding(self, ctx: ClaimContext, lines: list[ClaimLine]) -> Finding:
        first, rest = lines[0], lines[1:]
        ids = [line.line_id for line in lines]
        shown = ", ".join(ids)
        code, day = first.code, first.service_date
        modifiers = f"-{'-'.join(first.modifiers)}" if first.modifiers else ""
        family = ctx.families.get(code)
        if is_addon(ctx, code, day) or (family is not None and family.role == "addon"):
            total = sum(line.units for line in lines)
            return self.finding(
                ids,
                f"{code}{modifiers} is billed on lines {shown} for {day}: add-on units belong on one line. Merge them "
                f"into line {first.line_id} with {total} units (a repeated line is denied as a duplicate, OA-18).",
                fix=merge_lines(tuple(ids), f"one {code} line x{total}", Applicability.SAFE),
            )
        lesion = ctx.doc(first).lesion_id
        table = ctx.mue(day)
        edit = table.get(code) if table is not None else None
        addon = ctx.families.addon_of(code)
        further = addon.code if addon is not None and addon.code != code else None
        # One unit per day makes a repeat certain to be denied, unless further services of the code are
        # reported with its add-on (a second 11102 may be a second biopsy, +11103): then it needs the chart.
        one_per_day = edit is not None and edit.mai == 2 and edit.value <= 1 and further is None
        office_visit = code in OFFICE_EM
        removed = ", ".join(line.line_id for line in rest)
        if lesion or one_per_day or office_visit:
            if lesion:
                why = f"for the same lesion ({lesion})"
            elif office_visit:
                why = "and office visits of one physician on one day are one E/M (MCPM ch. 12 §30.6.7.B)"
            else:
                why = f"and its MUE allows {edit.value if edit else 1} per day"
            return self.finding(
                ids,
                f"{code}{modifiers} is billed on lines {shown} for {day} {why}: the repeat is denied as an "
                f"exact duplicate (OA-18). Remove line(s) {removed}.",
                fix=remove_line(tuple(r.line_id for r in rest), f"remove {code}", Applicability.SAFE),
            )
        if further is not None:
            otherwise = f"report line(s) {removed} as its add-on {further} (the family rules say how)"
        else:
            otherwise = f"append {ctx.profile.distinct_modifier} to line(s) {removed}"
        return self.finding(
            ids,
            f"{code}{modifiers} is billed on lines {shown} for {day} with no lesion or site to tell them apart: the "
            f"repeat will be denied as an exact duplicate (OA-18). If they are different lesions, document each "
            f"line's lesion and site and {otherwise}; otherwise remove line(s) {removed}.",
            fix=remove_line(
                tuple(r.line_id for r in rest),
                f"remove repeated {code} unless it is a different lesion",
                Applicability.NEEDS_DOCUMENTATION,
            ),
        )
