"""AOC001: an add-on code billed without any of its primary codes on the same date of service."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from schemas.claim import ClaimLine

from rules.data.ncci import AddonEdit, AddonTable
from rules.facts.biopsy import planned_line
from rules.facts.context import ClaimContext
from rules.facts.destruction import PREMALIGNANT, SKIN_TAGS, premalignant_count, session_count
from rules.facts.mohs import documented_group, expected_code
from rules.facts.mohs import lesions as mohs_lesions
from rules.facts.ownership import prolonged_with_lower_level_visit
from rules.fixes import add_line, remove_line
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule
from rules.scope import ClaimShape, EditIndex


def is_addon_code(ctx: ClaimContext, code: str, day: date, table: AddonTable | None = None) -> bool:
    """An add-on: listed in the add-on edit table in force (`table`, when the caller has it), or global
    ZZZ in the fee schedule."""
    if table is None:
        table = ctx.addons(day)
    if table is not None and table.get(code) is not None:
        return True
    fee = ctx.fee(code, day)
    return fee is not None and fee.is_addon


def recoded_by_family(ctx: ClaimContext, line: ClaimLine) -> bool:
    """A family rule recodes the add-on line, or the primary of its day, into a pairing CPT accepts.

    - Biopsy: the line is in the date's biopsy plan (rules/facts/biopsy.py). The plan's primary is the
      highest technique performed and every other biopsy the add-on of its own technique, which that
      primary accepts (BIO001/BIO002/BIO004 recode toward it, BIO003 splits units).
    - Mohs: the line is an additional stage (+17312/+17314) of a lesion with a first stage that day, and
      its site group as the chart decides it (its documented body region, MOH002, else its billed code's)
      is the lesion's, the group MOH002 codes the first stage in. An undocumented add-on of the other
      group than its first stage is still reported here: only its pairing with that first stage (MOH001)
      says which lesion it belongs to.
    - Destruction: +17003 of a date whose AK count the chart documents (DES002 codes the first lesion
      17000 and the rest +17003), and +11201 of a date whose tag count it documents (TAG001 codes the
      first 15 tags 11200).
    """
    if planned_line(ctx, line) is not None:
        return True
    family = ctx.families.family_of(line.code)
    if family in (PREMALIGNANT, SKIN_TAGS):
        same = [o for o in ctx.by_date[line.service_date] if ctx.families.family_of(o.code) == family]
        if family == SKIN_TAGS:
            return session_count(ctx, same) is not None
        found = premalignant_count(ctx, same)
        return found is not None and found[1] and all(o.code != "17004" for o in same)
    for lesion in mohs_lesions(ctx, line.service_date):
        if any(stage.line_id == line.line_id for stage in lesion.stages):
            billed = ctx.families.get(line.code)
            group = documented_group(ctx, line) or (billed.site_group if billed is not None else None)
            if group is None or group != lesion.group:
                return False
            return expected_code(ctx, line, group) is not None and expected_code(ctx, lesion.primary, group) is not None
    return False


@register(code="AOC001", slug="addon-billed-without-primary", status=Stable("0.1.0"))
class AddonBilledWithoutPrimary(Rule):
    """Add-on code billed without any of its primary codes on the same date of service.

    ## What it does
    For every add-on line (a code in the NCCI add-on code edit table in force on the date of service, or
    a ZZZ-global code in the fee schedule), looks for one of its primaries on the same date:
    - AOC type 1 (CMS lists every acceptable primary): none of them billed -> error;
    - AOC type 3 (CMS lists some primaries, the MAC may accept others): none listed billed -> error when
      no other procedure is billed that day, a warning when one is (the MAC may accept it);
    - AOC type 2 or a ZZZ code not in the table (no primaries listed): error only when the add-on is the
      only service billed that day.
    A primary billed on another date of the claim is mentioned (CMS allows that only in unusual cases).
    Which add-on of a family belongs with which primary (11105 after 11104, 17003 units) is left to the
    family rules, and so is an add-on line they recode into a valid pairing: a biopsy add-on of a date
    the biopsy rules plan (11102 + 11105 -> 11104 + 11103; 11103 alone with its technique documented ->
    11102), a Mohs stage coded by the site the chart documents (MOH002: 17311 + 17314, both on the
    cheek, -> 17311 + 17312), +17003 with the AK count documented (DES002: 17003 x3 for 3 AKs -> 17000 +
    17003 x2) and +11201 with the tag count documented (TAG001: the first 15 tags are 11200). Reporting
    "remove it" or "add 17313" there would contradict the recode. A prolonged-service add-on (+99417,
    +G2212) billed with an office E/M below level 5 is EVM009's (the documented time says whether the visit
    was level 5 by time); billed with no E/M at all it is reported here.

    ## Why is this bad?
    An add-on code is "rarely eligible for payment if it is the only procedure reported" (CMS AOC edits):
    the payer denies it with CARC B15 ("qualifying service/procedure not received/adjudicated") and RARC
    N122 ("Add-on code cannot be billed by itself"). Either the primary service was left off the claim
    (lost revenue) or the add-on is miscoded.

    ## Example
    17003 x7 with no 17000 -> add 17000 if the first lesion was destroyed (8 AKs = 17000 + 17003 x7),
    otherwise recode.

    ## Fix safety
    Adding the primary (when the add-on has a single primary) or removing the add-on `needs_documentation`:
    only the chart says whether the primary service was performed. Where the chart does say it (the
    technique of every biopsy, the site of the Mohs lesion), the family rules recode safely instead.

    ## References
    CMS NCCI add-on code edits (AOC file, types 1-3) and NCCI Policy Manual ch. I (add-on codes); X12 CARC
    B15, RARC N122; AMA CPT "List separately in addition to code for primary procedure"; AMA CPT biopsy
    instructions 11102-11107 and Mohs descriptors 17311-17314 (for the family recodes it defers to).
    """

    name = "Add-on code without its primary"
    category = Category.ADDON_WITHOUT_PRIMARY
    severity = Severity.ERROR
    reference = "CMS NCCI add-on code edits (types 1-3); denial CARC B15 + RARC N122"
    # No static triggers: which codes are add-ons is data (the operator's AOC file lists hundreds). The check
    # is one dict lookup per line.

    def may_find(self, shape: ClaimShape, index: EditIndex) -> bool:
        # Skipped when no add-on code (AOC table or ZZZ global) is billed.
        return not shape.codes.isdisjoint(index.addon_codes)

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for day, lines in ctx.by_date.items():
            table = ctx.addons(day)
            addon_lines = [line for line in lines if is_addon_code(ctx, line.code, day, table)]
            if not addon_lines:
                continue
            billed = {line.code for line in lines}
            addon_ids = {line.line_id for line in addon_lines}
            others = [line for line in lines if line.line_id not in addon_ids]
            for line in addon_lines:
                edit = table.get(line.code) if table is not None else None
                primaries = edit.primaries if edit is not None else frozenset()
                if primaries & billed:
                    continue
                if not primaries and others:
                    continue  # no listed primaries: another service that day may be the primary
                if recoded_by_family(ctx, line):
                    continue  # the biopsy or Mohs rules recode the day into a valid pairing
                if prolonged_with_lower_level_visit(ctx, line):
                    continue  # 99417/G2212 with a lower-level office E/M: EVM009 (ownership.PRECEDENCE)
                yield from self._report(ctx, line, edit, primaries, others)

    def _report(
        self,
        ctx: ClaimContext,
        line: ClaimLine,
        edit: AddonEdit | None,
        primaries: frozenset[str],
        others: list[ClaimLine],
    ) -> Iterator[Finding]:
        listed = ", ".join(sorted(primaries))
        elsewhere = [o for o in ctx.lines if o.code in primaries and o.service_date != line.service_date]
        where = (
            f" {elsewhere[0].code} is billed on {elsewhere[0].service_date} (line {elsewhere[0].line_id}): an add-on "
            "and its primary are reported for the same date except in unusual circumstances."
            if elsewhere
            else ""
        )
        denial = "The payer will deny it with CARC B15 / RARC N122 (add-on code cannot be billed by itself)."
        severity = Severity.ERROR
        if not primaries:
            need = "a primary service on the same date"
        elif edit is not None and edit.aoc_type == 3 and others:
            severity = Severity.WARNING
            need = (
                f"one of its CMS-listed primaries ({listed}); the MAC may accept "
                f"{', '.join(sorted({o.code for o in others}))} as its primary, check the MAC's list"
            )
        else:
            need = f"one of its primaries ({listed}) on the same date"
        if len(primaries) == 1:
            (primary,) = tuple(primaries)
            fix = add_line(
                primary,
                1,
                f"add primary {primary} if it was performed; otherwise recode or remove {line.code}",
                Applicability.NEEDS_DOCUMENTATION,
            )
            action = f"Add {primary} if the chart documents it; otherwise recode or remove line {line.line_id}."
        else:
            fix = remove_line(
                line.line_id,
                f"remove {line.code} unless its primary was performed and is missing from the claim",
                Applicability.NEEDS_DOCUMENTATION,
            )
            action = f"Add the primary performed, or remove line {line.line_id}."
        yield self.finding(
            [line.line_id],
            f"Line {line.line_id} ({line.code}) is an add-on code billed without {need}.{where} {denial} {action}",
            fix=fix,
            severity=severity,
        )
