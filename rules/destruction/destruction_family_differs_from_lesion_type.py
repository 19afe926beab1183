"""DES005: the destruction code family does not match the documented lesion type."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from schemas.claim import ClaimLine

from rules.data.families import FamilyEntry
from rules.facts.context import ClaimContext
from rules.facts.destruction import (
    BENIGN,
    LESION_TYPES,
    MALIGNANT,
    PREMALIGNANT,
    SKIN_TAGS,
    contradicted,
    session_count,
    skin_tag_diagnoses,
    skin_tags_only,
)
from rules.facts.sites import DESTRUCTION_CODES, delta, family_lines, money, site_group_of
from rules.fixes import add_line, merge_lines, replace_code
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule

_FAMILY_OF_TYPE = {"premalignant": PREMALIGNANT, "benign": BENIGN, "malignant": MALIGNANT}


@register(code="DES005", slug="destruction-family-differs-from-lesion-type", status=Stable("0.1.0"))
class DestructionFamilyDiffersFromLesionType(Rule):
    """The destruction code family does not match the documented lesion type.

    ## What it does
    Destruction codes are chosen by what the lesion is: premalignant (actinic keratoses) 17000/+17003/
    17004, benign (warts, seborrheic keratoses) 17110/17111, malignant 17260-17286 by site and lesion
    diameter, one line per lesion. When `documentation.lesion_type` names another family, recodes into it
    by the documented lesion count (benign/premalignant) or site and diameter (malignant). Skin tags are
    not benign destruction: a 17110/17111 line whose pointed diagnoses are all skin tags (ICD-10-CM L91.8,
    acrochordon) is recoded to 11200 (up to 15 tags) + 11201 per additional 10 by the documented count.

    ## Why is this bad?
    A benign lesion coded 17000 or a premalignant one coded 17110 is a code-selection error: the payer's
    edits and audits compare the code family with the pathology and diagnosis.

    ## Example
    17000 + 17003 x4 for 5 seborrheic keratoses (lesion_type benign) -> 17110 x1.
    17110 for 8 actinic keratoses (lesion_type premalignant) -> 17000 + 17003 x7.
    17110 for 5 skin tags (pointed diagnosis L91.8 only, lesion_count 5) -> 11200 x1.

    ## Fix safety
    `safe` when the documentation gives what the new code needs (lesion type and count; for malignant,
    body region and diameter of a single lesion; for skin tags, the count and only skin-tag diagnoses
    pointed, with no other lesion type documented). Otherwise the finding asks for that documentation;
    a line that also points to another diagnosis is not recoded.

    ## References
    AMA CPT 2026 destruction descriptors 17000-17004, 17110-17111, 17260-17286 and skin tag removal
    descriptors 11200/+11201 (the code family follows the lesion type: 17110 is "benign lesions other
    than skin tags or cutaneous vascular proliferative lesions");
    ICD-10-CM 2026 L91.8 (skin tag, acrochordon; rules/data/diagnosis_classes.csv).
    """

    name = "Destruction family differs from the lesion type"
    category = Category.CODE_SELECTION
    severity = Severity.ERROR
    reference = "AMA CPT 17000-17286 descriptors (the code family follows the lesion type)"
    triggers = DESTRUCTION_CODES

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        table = ctx.families
        for day, lines in family_lines(ctx, PREMALIGNANT, BENIGN, MALIGNANT):
            groups: dict[tuple[str, str], list[ClaimLine]] = {}
            for line in lines:
                entry = table.get(line.code)
                documented = ctx.doc(line).lesion_type
                if entry is not None and documented in LESION_TYPES and documented != entry.lesion_type:
                    groups.setdefault((entry.family, str(documented)), []).append(line)
            for (family, kind), group in groups.items():
                if family == PREMALIGNANT:  # add-on lines follow their primary
                    group = [ln for ln in lines if table.family_of(ln.code) == PREMALIGNANT]
                existing = [ln for ln in lines if table.family_of(ln.code) == _FAMILY_OF_TYPE[kind]]
                yield from self._recode(ctx, day, family, kind, group, existing)
            tags = [ln for ln in lines if skin_tags_only(ctx, ln)]
            if tags:
                yield from self._to_skin_tags(ctx, day, tags)
            for line in lines:
                if line not in tags and not contradicted(ctx, line):
                    yield from self._some_skin_tags(ctx, line)

    def _some_skin_tags(self, ctx: ClaimContext, line: ClaimLine) -> Iterator[Finding]:
        """A 17110/17111 line pointing to skin tags and to other lesions: the tags belong on their own 11200 line."""
        tags = skin_tag_diagnoses(ctx, line)
        if not tags or ctx.families.family_of(line.code) != BENIGN:
            return
        others = ", ".join(dx for dx in ctx.diagnoses(line) if dx not in tags)
        yield self.finding(
            [line.line_id],
            f"{line.code} (line {line.line_id}) points to {', '.join(tags)} (skin tags) and to {others}: skin tags are "
            f"not benign destruction. Bill the skin tags on their own 11200 line (+11201 per additional 10 beyond 15) "
            f"with their count, and keep {line.code} for the other lesions only, with their count.",
            fix=None,
            severity=Severity.WARNING,
        )

    def _to_skin_tags(self, ctx: ClaimContext, day: date, group: list[ClaimLine]) -> Iterator[Finding]:
        """17110/17111 lines whose pointed diagnoses are all skin tags (L91.8): 11200 (+11201 by count)."""
        table = ctx.families
        ids = tuple(ln.line_id for ln in group)
        billed = " + ".join(f"{ln.code} x{ln.units} (line {ln.line_id})" for ln in group)
        dxs = ", ".join(dict.fromkeys(dx for ln in group for dx in ctx.diagnoses(ln)))
        lead = (
            f"{billed}: the pointed diagnosis ({dxs}) is skin tags (acrochordons), but {group[0].code} is benign "
            "destruction of lesions other than skin tags. Skin tag removal, whatever the method, is 11200 (up to "
            "and including 15 tags) + 11201 for each additional 10 tags or part thereof."
        )
        existing = [ln for ln in ctx.by_date[day] if table.family_of(ln.code) == SKIN_TAGS]
        if existing:
            yield self.finding(
                ids,
                f"{lead} Report these tags with the skin tag removal already billed (line {existing[0].line_id}) for "
                f"the session's total count and remove line(s) {', '.join(ids)}.",
                fix=None,
            )
            return
        # the claim schema: lesion_count is the lesions treated on that line, so several lines add up (each must say).
        counts = [ctx.doc(ln).lesion_count for ln in group]
        count = None if None in counts else sum(c for c in counts if c is not None)
        target = table.counted(SKIN_TAGS, count or 1)
        if target is None:
            return
        if count is None:
            yield self.finding(
                ids,
                f"{lead} Count the tags in the chart (lesion_count) and recode line {ids[0]} to {target.code}, adding "
                "11201 units for tags beyond 15.",
                fix=replace_code(
                    ids[:1],
                    target.code,
                    f"recode as {target.code} if the chart documents skin tags",
                    Applicability.NEEDS_DOCUMENTATION,
                    units=1,
                ),
            )
            return
        yield from self._merge_into(
            ctx,
            day,
            group,
            target,
            count,
            f"{lead} {count} skin tag(s) documented are",
            f"{count} skin tags documented: tags 16-{count} are",
            " (each additional 10 or part thereof)",
        )

    def _recode(
        self, ctx: ClaimContext, day: date, family: str, kind: str, group: list[ClaimLine], existing: list[ClaimLine]
    ) -> Iterator[Finding]:
        table = ctx.families
        ids = tuple(ln.line_id for ln in group)
        billed = " + ".join(f"{ln.code} x{ln.units} (line {ln.line_id})" for ln in group)
        head = table.get(group[0].code)
        lead = (
            f"{billed}: the chart documents {kind} lesion(s), but {group[0].code} is {head.lesion_type if head else ''}"
        )
        if kind == "malignant":
            yield from self._to_malignant(ctx, day, lead, group)
            return
        if existing:
            yield self.finding(
                ids,
                f"{lead} destruction. Report them with the {kind} destruction already billed "
                f"(line {existing[0].line_id}) for the session's total count.",
                fix=None,
            )
            return
        count = session_count(ctx, group) if family != MALIGNANT else len(group)
        if count is None and head is not None:
            if head.role == "alone" and (head.count_min or 0) > 1:
                count = head.count_min  # 17004/17111 state "15 or more"
            elif family == PREMALIGNANT:
                count = sum(ln.units for ln in group)  # 17000 + 17003 units count the lesions
        if count is None:
            first = table.counted(_FAMILY_OF_TYPE[kind], 1)
            yield self.finding(
                ids,
                f"{lead} destruction. Count the lesions in the chart and code {kind} "
                f"destruction{f' starting with {first.code}' if first else ''}.",
                fix=replace_code(
                    ids[:1],
                    first.code if first else None,
                    f"recode as {kind} destruction",
                    Applicability.NEEDS_DOCUMENTATION,
                    units=1,
                ),
            )
            return
        target = table.counted(_FAMILY_OF_TYPE[kind], count)
        if target is None:
            return
        yield from self._merge_into(
            ctx,
            day,
            group,
            target,
            count,
            f"{lead} destruction. {count} {kind} lesion(s) are coded",
            f"{count} {kind} lesions documented: lesions 2-{count} are",
        )

    def _merge_into(
        self,
        ctx: ClaimContext,
        day: date,
        group: list[ClaimLine],
        target: FamilyEntry,
        count: int,
        what: str,
        addon_what: str,
        addon_note: str = "",
    ) -> Iterator[Finding]:
        """Merge `group` into `target` x1 and add its add-on's units for `count` lesions (both safe: the chart
        documents the count). `what` and `addon_what` open the two messages, which go on with the codes."""
        table = ctx.families
        ids = tuple(ln.line_id for ln in group)
        addon = table.addon_of(target.code)
        extra = table.addon_units(addon, count) if addon else 0
        after = [(target.code, 1)] + ([(addon.code, extra)] if addon and extra else [])
        impact = delta(ctx, day, [(ln.code, ln.units) for ln in group], after)
        coded = " + ".join(f"{c} x{u}" for c, u in after)
        yield self.finding(
            ids,
            f"{what} {coded}: merge line(s) {', '.join(ids)} into {target.code} x1"
            f"{f' and add {addon.code} x{extra}' if addon and extra else ''} ({money(impact)}).",
            fix=merge_lines(ids, f"recode as {target.code}", Applicability.SAFE, code=target.code, units=1),
            revenue_impact=impact,
        )
        if addon and extra:
            yield self.finding(
                ids,
                f"{addon_what} {addon.code} x{extra}{addon_note}.",
                fix=add_line(addon.code, extra, f"add {addon.code} x{extra}", Applicability.SAFE),
            )

    def _to_malignant(self, ctx: ClaimContext, day: date, lead: str, group: list[ClaimLine]) -> Iterator[Finding]:
        table = ctx.families
        advice = (
            " Malignant destruction is coded per lesion, one line each, by site group and lesion diameter "
            "(17260-17286): document body region and diameter of each lesion and recode."
        )
        for line in group:
            entry = table.get(line.code)
            doc = ctx.doc(line)
            group_name = site_group_of(ctx, "lesion", line)
            single = (doc.lesion_count or 1) == 1 and line.units == 1 and entry is not None and not entry.is_addon
            target = (
                table.sized(MALIGNANT, group_name, doc.lesion_diameter_cm)
                if single and group_name and doc.lesion_diameter_cm
                else None
            )
            if target is None:
                yield self.finding([line.line_id], f"{lead} destruction.{advice}", fix=None)
                continue
            impact = delta(ctx, day, [(line.code, line.units)], [(target.code, 1)])
            yield self.finding(
                [line.line_id],
                f"{lead} destruction. A {doc.lesion_diameter_cm:.1f} cm malignant lesion on the {doc.body_region} is "
                f"{target.code}: replace {line.code} on line {line.line_id} ({money(impact)}).",
                fix=replace_code(line.line_id, target.code, f"replace with {target.code}", Applicability.SAFE, units=1),
                revenue_impact=impact,
            )
