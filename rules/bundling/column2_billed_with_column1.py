"""BND001: a column-2 code billed with its column-1 code on the same day."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from schemas.claim import ClaimLine

from rules.data.ncci import PtpEdit, PtpTable
from rules.facts.biopsy import planned_code
from rules.facts.context import ClaimContext
from rules.facts.modifiers import DISTINCT_SERVICE, bypass_modifiers, is_em_like
from rules.facts.ownership import (
    NO_ANSWERS,
    counted_family_pair,
    drainage_of_excised_lesion,
    mohs_biopsy_with_59,
    repair_answers,
    transfer_answers,
)
from rules.facts.sites import REPAIR_CODES, SHAVE_CODES, distinct_lesions
from rules.fixes import add_modifier, remove_line
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule
from rules.scope import ClaimShape, EditIndex

# What a biopsy can be part of when the same lesion is then treated in the session (NCCI Policy Manual ch. III).
_DEFINITIVE_PREFIXES = ("destruction_", "excision_", "mohs", "skin_tag_removal")


def _family(ctx: ClaimContext, code: str) -> str | None:
    return ctx.families.family_of(code)


def _definitive(ctx: ClaimContext, code: str) -> bool:
    family = _family(ctx, code)
    return code in SHAVE_CODES or (family is not None and family.startswith(_DEFINITIVE_PREFIXES))


@dataclass(frozen=True, slots=True)
class _Pair:
    column1: ClaimLine
    code1: str  # the code column 1 will carry (a biopsy line: the code the biopsy rules give it)
    edit: PtpEdit
    bypass: tuple[str, ...]
    distinct: bool | None


@register(code="BND001", slug="column2-billed-with-column1", status=Stable("0.1.0"))
class Column2BilledWithColumn1(Rule):
    """Column-2 code billed with its column-1 code on the same date of service.

    ## What it does
    Looks up every pair of same-day lines in the NCCI practitioner PTP table in force on the date of
    service (the payer profile may lay its own rows over it). When the pair is an edit, the column-2 line
    will be denied (CO-97/CO-236) unless the modifier indicator is 1 and an NCCI-associated modifier
    documents a distinct service. One finding per column-2 line names every column-1 line it is paired
    with. E/M column-2 lines are left to the E/M rules (their bypass is 25 or 57, not XS). Some lines and pairs are
    left to the rule that owns them, so the claim gets one answer:
    - a biopsy of the Mohs lesion billed with 59 on the Mohs day: the documented exception (billable with
      59 when no prior pathology exists), which MOH005 asks the chart to confirm;
    - a repair the excision of the same lesion includes: a simple repair (REP001) or an intermediate or
      complex repair of a benign excision of excised diameter 0.5 cm or less (REP002), which remove it
      with the NCCI policy they follow and its revenue figure. The line is theirs whatever it is column 2
      to: a modifier proposed against another lesion's excision would keep a repair that is not payable;
    - repairs of one complexity in one anatomic group, each with its length documented, that REP003 sums
      into one line (13152 + 13151 -> 13152 for the summed length): the lines merged away are REP003's,
      and the pairs among the group's lines are answered by the summed code, not by removing a line and
      losing its length. Without the lengths, REP003 can only ask for them and the edit is judged here;
    - an excision or repair of the lesion an adjacent tissue transfer closes (the same lesion id), billed with
      59/X{EPSU}: ATT002 removes it with the CPT instruction it follows (the transfer includes the excision
      and repair of its defect);
    - an incision and drainage (10060/10061) and an excision (11400-11646) of the same lesion id: IND002
      removes the drainage, whichever code the PTP table makes column 1 (10060 is column 1 to most
      excisions, so the table alone would deny the excision). Different lesions stay here;
    - 10060 billed beside 10061 on one date: IND001 removes it (10061 already reports every abscess
      drained in the session), as DES001-DES004, NAI001, PAR001 and
      ILI001 (11900 with 11901) answer the pairs within their counted families.
    A biopsy line is judged as the code the biopsy rules give it (rules/facts/biopsy.py: one primary per
    encounter, every other biopsy its add-on): a second primary recoded to its add-on gets no distinct-
    service modifier, since no PTP edit pairs the add-on (add-ons never carry 59/X{EPSU}); the modifier goes
    on the primary, and only where the corrected code forms a PTP pair. A line another family rule recodes
    (REP004: 12032 of the neck is 12042) is judged under its new code by the engine, which runs this rule once
    more on the corrected lines (`Engine.pairs_of_recoded_lines`), so XS goes on the neck repair in the same pass.

    ## Why is this bad?
    CMS pays the column-2 code only when it is a separate service: a different lesion or anatomic site,
    or a separate encounter, shown by the distinct modifier on the column-2 code of the pair in force
    (one on the column-1 code does not count, unless the payer profile reads either line). Indicator 0
    edits can never be bypassed. Pairs within a counted destruction family (17004/17000, 17111/17110,
    indicator 0) are left to DES001-DES004, which know from the lesion count which code is wrong, and so are
    nail debridement 11721/11720 (NAI001, by the nail count) and paring 11056/11055, 11057/11055 and
    11057/11056 (PAR001, by the lesion count). A
    modifier must never be added only to get past an edit. Anatomic modifiers document a distinct site
    only when the two lines carry different ones (11600-LT with 11102-LT is the same side).

    ## Example
    11102 (biopsy, lesion A) with 11600 (excision, lesion A) -> remove 11102 (bundled).
    11104-XS (punch biopsy, lesion A) with 11401 (excision, lesion A) -> remove 11104 (the XS is contradicted).
    11102-59 (biopsy, lesion A) with 17311 (Mohs, lesion A) -> left to MOH005 (59 is the exception's modifier).
    11102 (biopsy, lesion B on the arm) with 11600 (excision, lesion A on the back) -> 11102-XS
    (59 for a payer profile without X{EPSU}).
    17000 + 17003 x7 (AKs, face) with 17263 (malignant lesion, arm) -> 17000-XS (NCCI PTP v30.1: 17263 is
    column 1 over 17000, indicator 1; the AAD 2011 example's 17263-59 predates the deletion of 17000/17263).
    11102 (lesion A, arm) + 11102 (lesion B, leg) with 17000 (AK, face) -> 11102 + 11103 + 17000-XS (11102 is
    column 1 over 17000; BIO001 recodes line 2 to the add-on, which no edit pairs with 17000).
    11102 (lesion A) with 17000 (lesion A, the AK biopsied then destroyed) -> remove 11102 (part of the
    destruction), although the table lists 11102 as column 1.

    ## Fix safety
    Adding the payer's distinct modifier is `safe` only when the chart's lesion ids or sites show distinct
    lesions for every column-1 line; otherwise it `needs_documentation`. Removing the column-2 line is
    `safe` for an indicator-0 edit or a documented same lesion, with or without a billed bypass modifier:
    a modifier that claims a distinct service on the lesion the chart's lesion id names is contradicted,
    not evidence. That holds for a biopsy of the lesion then excised, destroyed or shaved too: it is
    billable only when its result, read before the definitive procedure, decided it, and the
    documentation has no field that records such a result, so the billed modifier is not taken for it.
    The exception is a same-lesion biopsy on a Mohs day: it is billable (with 59 on the biopsy) when no
    prior pathology confirmed the lesion, which the claim cannot tell. Billed with 59 it is left to MOH005;
    billed without a modifier, or with an X modifier (none describes a diagnostic biopsy of the same
    lesion), its removal `needs_documentation`.

    ## References
    NCCI Policy Manual for Medicare Services, ch. I (PTP edits, modifier indicators, NCCI-associated
    modifiers) and ch. III (biopsy with excision: biopsy is column 2); CMS MCD article A53399 (modifier 59);
    AAD DermWorld "Destruction codes for pre-malignant and malignant lesions" (2011); AMA CPT 2026
    biopsy guidelines (a biopsy of the lesion then excised is part of that procedure unless its result, read
    before the definitive procedure, decided it); CMS billing article A56836 (a same-day biopsy of the Mohs
    lesion only when no prior pathology exists, then with 59); NCCI Policy Manual ch.
    III (simple repair is included in excisions: REP001; benign excision 0.5 cm or less includes repairs: REP002);
    AMA CPT repair guidelines (lengths of one classification and anatomic group are summed: REP003);
    AAD "Modifier madness" (2019: add-on codes never carry 59/X{EPSU}).
    """

    name = "Column-2 code billed with its column-1 code"
    category = Category.PTP_BUNDLE
    severity = Severity.ERROR
    reference = "NCCI Policy Manual ch. I (PTP edits, modifier indicators); CMS article A53399 (modifier 59)"

    def may_find(self, shape: ClaimShape, index: EditIndex) -> bool:
        # Skipped when no two billed codes form a PTP pair in any edition. A biopsy line is judged as the code the
        # biopsy rules give it, which may be another biopsy code: with a biopsy billed, every biopsy code counts.
        biopsies = index.family_codes("biopsy")
        if shape.codes.isdisjoint(biopsies):
            return index.has_ptp_pair(shape.codes, repeated=shape.repeats_code)
        return index.has_ptp_pair(shape.codes | biopsies, repeated=True)

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        for day, lines in ctx.by_date.items():
            if len(lines) < 2:
                continue
            table = ctx.ptp(day)
            if table is None:
                continue
            # A biopsy line is judged as the code the biopsy rules give it (a second primary becomes its add-on).
            codes = {line.line_id: planned_code(ctx, line) for line in lines}
            removed, regrouped = (
                repair_answers(ctx, day) if any(ln.code in REPAIR_CODES for ln in lines) else NO_ANSWERS
            )
            biopsies = dict(self._biopsies_of_treated_lesions(ctx, lines, codes, table, day))
            yield from biopsies.values()
            removed = removed | biopsies.keys() | transfer_answers(ctx, day)
            for column2 in lines:
                if is_em_like(column2.code) or column2.line_id in removed:
                    continue  # E/M: the E/M rules; a repair the repair rules remove or merge away: theirs
                pairs = []
                code2 = codes[column2.line_id]
                group = regrouped.get(column2.line_id)
                for column1 in lines:
                    if column1 is column2:
                        continue
                    edit = table.edit(codes[column1.line_id], code2, day)
                    if edit is None:
                        continue  # no edit in force pairs the two codes (most pairs): nothing to answer
                    if group is not None and column1.line_id in group:
                        continue  # repairs REP003 sums into one line: the summed code answers the pair
                    if column1.line_id in biopsies:
                        continue  # a biopsy removed as part of the procedure on its lesion pairs with nothing
                    if counted_family_pair(ctx, column1, column2):
                        continue  # 17004 with 17000/17003, 17111 with 17110: DES001-DES004 (ownership.PRECEDENCE)
                    if drainage_of_excised_lesion(ctx, column1, column2):
                        continue  # I&D and excision of one lesion: IND002 removes the drainage (ownership.PRECEDENCE)
                    either = ctx.profile.distinct_modifier_either_line
                    bypass = tuple(bypass_modifiers(column1, column2, either_line=either))
                    distinct = distinct_lesions(ctx, column1, column2)
                    pairs.append(_Pair(column1, codes[column1.line_id], edit, bypass, distinct))
                pairs = [p for p in pairs if not mohs_biopsy_with_59(ctx, p.column1, column2, p.distinct)]
                if pairs:
                    yield from self._judge(ctx, column2, code2, pairs)

    def _biopsies_of_treated_lesions(
        self, ctx: ClaimContext, lines: Sequence[ClaimLine], codes: dict[str, str], table: PtpTable, day: date
    ) -> Iterator[tuple[str, Finding]]:
        """Biopsy lines that are COLUMN 1 over a destruction, excision, shave or Mohs of the same lesion.

        In NCCI PTP v30.1 11102/11104/11106 are column 1 to 17000, 17110 and other destructions, so the table
        alone would deny the destruction. But a biopsy of the lesion then treated in the same session is part of
        that procedure (NCCI Policy Manual ch. III; CPT): the biopsy is the line not billed. (The reverse order,
        an excision over its biopsy, is the ordinary column-2 path.)"""
        for biopsy in lines:
            if _family(ctx, codes[biopsy.line_id]) != "biopsy":
                continue
            for other in lines:
                if other is biopsy or not _definitive(ctx, other.code):
                    continue
                edit = table.edit(codes[biopsy.line_id], codes[other.line_id], day)
                if edit is None or distinct_lesions(ctx, biopsy, other) is not False:
                    continue
                code = codes[biopsy.line_id]
                yield (
                    biopsy.line_id,
                    self.finding(
                        [biopsy.line_id, other.line_id],
                        f"{_named(biopsy, code)} and {_named(other, other.code)} are the same lesion "
                        f"({ctx.doc(biopsy).lesion_id}): a biopsy of the lesion then treated in the same session is "
                        f"part of that procedure and is not billed (NCCI Policy Manual ch. III). The PTP table lists "
                        f"{code} as column 1 to {other.code} (indicator {edit.modifier_indicator}, {edit.rationale}), "
                        f"so billed together the payer would deny {other.code}, the procedure itself. Remove line "
                        f"{biopsy.line_id} unless the biopsy result, read before the procedure, decided it.",
                        fix=remove_line(biopsy.line_id, f"remove {biopsy.code}", Applicability.SAFE),
                    ),
                )
                break

    def _judge(self, ctx: ClaimContext, column2: ClaimLine, code: str, pairs: Sequence[_Pair]) -> Iterator[Finding]:
        ids = [column2.line_id, *(p.column1.line_id for p in pairs)]
        remove_title = f"remove bundled {column2.code}"
        hard = [p for p in pairs if p.edit.modifier_indicator == "0"]
        if hard:
            p = hard[0]
            yield self.finding(
                ids,
                f"{self._pair(column2, code, p)}, modifier indicator 0 ({p.edit.rationale}): no modifier bypasses "
                f"this edit, so {code} will be denied. Remove line {column2.line_id}.",
                fix=remove_line(column2.line_id, remove_title, Applicability.SAFE),
            )
            return
        same = [p for p in pairs if p.distinct is False]
        if same:
            yield self._same_lesion(ctx, column2, code, same[0], ids)
            return
        open_pairs = [p for p in pairs if not p.bypass]
        if not open_pairs:
            return  # every pairing is bypassed by a modifier and nothing in the chart contradicts it
        modifier = ctx.profile.distinct_modifier
        value = ctx.revenue(code, column2.units, column2.service_date)
        partners = ", ".join(_named(p.column1, p.code1) for p in open_pairs)
        rationale = open_pairs[0].edit.rationale
        misplaced = [p for p in open_pairs if DISTINCT_SERVICE.intersection(p.column1.modifiers)]
        if misplaced:
            where = ", ".join(_named(p.column1, p.code1) for p in misplaced)
            rationale = (
                f"{rationale}; the distinct-service modifier billed on {where}, the column-1 code, does not count: "
                "NCCI reads it on the column-2 code of the pair in force"
            )
        if all(p.distinct for p in open_pairs):
            yield self.finding(
                ids,
                f"{_named(column2, code)} is column 2 to {partners} ({rationale}) and will be denied without a "
                f"distinct-service modifier. The chart documents a different lesion/site, so append {modifier} to "
                f"line {column2.line_id} ({code}).",
                fix=add_modifier(column2.line_id, modifier, f"append {modifier} to {code}", Applicability.SAFE),
                revenue_impact=value,
            )
            return
        yield self.finding(
            ids,
            f"{_named(column2, code)} is column 2 to {partners} ({rationale}) and will be denied "
            f"unless it was a distinct service. Only if the chart documents a different lesion, anatomic site or "
            f"encounter, append {modifier} to line {column2.line_id}; otherwise remove it. Document lesion id and "
            "site for both lines.",
            fix=add_modifier(
                column2.line_id,
                modifier,
                f"append {modifier} to {code} if a distinct lesion is documented",
                Applicability.NEEDS_DOCUMENTATION,
            ),
            revenue_impact=value,
        )

    @staticmethod
    def _pair(column2: ClaimLine, code: str, pair: _Pair) -> str:
        return f"{_named(column2, code)} is column 2 to {_named(pair.column1, pair.code1)}"

    def _same_lesion(self, ctx: ClaimContext, column2: ClaimLine, code: str, pair: _Pair, ids: list[str]) -> Finding:
        lesion = ctx.doc(column2).lesion_id
        family = ctx.families.get(column2.code)
        is_biopsy = family is not None and family.family == "biopsy"
        title = f"remove bundled {column2.code}"
        column1_family = ctx.families.get(pair.column1.code)
        mohs_biopsy = is_biopsy and column1_family is not None and column1_family.family == "mohs"
        if pair.bypass and mohs_biopsy:
            # 59 on the biopsy is left to MOH005 (`_owned_elsewhere`); here another modifier claims the distinction.
            return self.finding(
                ids,
                f"{self._pair(column2, code, pair)}; {', '.join(pair.bypass)} is billed but the chart documents the "
                f"same lesion ({lesion}), so it is not a separate structure or encounter. A same-day biopsy of the "
                "Mohs lesion is billable only when no prior pathology confirmed it, and then with 59 on the biopsy "
                "(no X modifier describes a diagnostic biopsy of the lesion then treated). Remove line "
                f"{column2.line_id} "
                "unless the chart documents that no prior pathology existed; if it does, bill the biopsy with 59.",
                fix=remove_line(column2.line_id, title, Applicability.NEEDS_DOCUMENTATION),
            )
        if pair.bypass:
            # The billed modifier claims a separate lesion/site; the chart's lesion id says otherwise. A biopsy of
            # the lesion then treated is part of that procedure unless its result, read before the definitive
            # procedure, decided it. The documentation has no field recording that, so the billed modifier is not
            # evidence of the exception: the line goes as it would without the modifier.
            exception = (
                " A biopsy of the lesion then treated is part of that procedure unless its result, read before the "
                "definitive procedure, decided it, and the chart records no such result. Keep the line only if the "
                "chart documents that pathology result, read before the procedure, and that it decided it."
                if is_biopsy
                else ""
            )
            return self.finding(
                ids,
                f"{self._pair(column2, code, pair)}; {', '.join(pair.bypass)} is billed but the chart documents the "
                f"same lesion ({lesion}): the service is not distinct and the modifier is not supported. Remove line "
                f"{column2.line_id}.{exception}",
                fix=remove_line(column2.line_id, title, Applicability.SAFE),
            )
        if mohs_biopsy:
            # CPT/LCD A56836: a same-day biopsy of the Mohs lesion is billable (with 59 on the biopsy) when
            # no pathology confirmed the lesion beforehand; the claim cannot tell, so the chart decides.
            return self.finding(
                ids,
                f"{self._pair(column2, code, pair)} on the same lesion ({lesion}). A same-day biopsy of the Mohs "
                "lesion is billable only when no prior pathology confirmed it (then with 59 on the biopsy: no X "
                "modifier describes a diagnostic biopsy of the same lesion); if a prior biopsy diagnosed it, remove "
                f"line {column2.line_id}.",
                fix=remove_line(column2.line_id, title, Applicability.NEEDS_DOCUMENTATION),
            )
        return self.finding(
            ids,
            f"{self._pair(column2, code, pair)} ({pair.edit.rationale}) and the chart documents the same lesion "
            f"({lesion}): {code} is part of {pair.code1} and is not separately payable. Remove line "
            f"{column2.line_id}; do not add a modifier to get past the edit.",
            fix=remove_line(column2.line_id, title, Applicability.SAFE),
        )


def _named(line: ClaimLine, code: str) -> str:
    """`11103 (line 2)`, or `11103 (line 2, billed 11102)` for a line the biopsy rules recode."""
    return f"{code} (line {line.line_id})" if code == line.code else f"{code} (line {line.line_id}, billed {line.code})"
