"""MOD006: an anatomic modifier (LT/RT, E1-E4, FA/F1-F9, TA/T1-T9, coronary) the documented site contradicts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from schemas.claim import ClaimLine, Documentation

from rules.facts.context import ClaimContext
from rules.facts.modifiers import ANATOMIC, ANATOMIC_REGION, ANATOMIC_SIDE, CORONARY, MIRROR
from rules.fixes import add_modifier, remove_modifier
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule

# The documented body regions an anatomic modifier's region may be charted as (`face` when no more is said).
_COMPATIBLE = {"eyelid": frozenset({"eyelid", "face"}), "hand": frozenset({"hand"}), "foot": frozenset({"foot"})}
_NAMES = {"eyelid": "an eyelid", "hand": "a finger (hand)", "foot": "a toe (foot)"}


@register(code="MOD006", slug="anatomic-modifier-contradicting-documentation", status=Stable("0.1.0"))
class AnatomicModifierContradictingDocumentation(Rule):
    """Anatomic modifier that contradicts the documented body region or side.

    ## What it does
    Compares each anatomic modifier on a line with the line's `documentation.body_region` and `laterality`:
    E1-E4 name an eyelid (E1/E2 left, E3/E4 right); FA, F1-F9 a finger (hand; FA-F4 left, F5-F9 right); TA,
    T1-T9 a toe (foot; TA-T4 left, T5-T9 right); LT/RT a side (not a midline site); LC/LD/LM/RC/RI coronary
    arteries, never a skin site. A modifier the chart contradicts is removed; when only the side is wrong
    the same structure's other-side modifier is proposed (LT <-> RT, E1 <-> E3, F1 <-> F6, TA <-> T5...).
    A line without documented site or side is not judged.

    ## Why is this bad?
    Anatomic modifiers are NCCI-associated modifiers: they tell the payer two services were at different
    sites, which can bypass a PTP edit. One that contradicts the chart asserts a distinction the record
    does not support (an audit finding), and a modifier invalid for the site is rejected (CO-4).

    ## Example
    11104-LT, chart: right forearm -> 11104-RT. 11102-E1, chart: arm -> 11102 (E1 removed).

    ## Fix safety
    `safe`: the chart documents the site; the modifier is brought in line with it. If the chart itself is
    wrong, correct the documentation instead.

    ## References
    HCPCS Level II modifier descriptors (LT, RT, E1-E4, FA, F1-F9, TA, T1-T9, LC, LD, LM, RC, RI); NCCI Policy
    Manual ch. I §E (NCCI-associated anatomic modifiers); CPT Appendix A.
    """

    name = "Anatomic modifier contradicting the documented site"
    category = Category.MODIFIER_INVALID
    severity = Severity.ERROR
    reference = "HCPCS Level II anatomic modifier descriptors; NCCI Policy Manual ch. I §E (anatomic modifiers)"

    # The engine skips the rule on a claim billing none of these (performance; the check tests it again).
    modifier_triggers: ClassVar[frozenset[str]] = ANATOMIC

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        if ANATOMIC.isdisjoint(ctx.modifiers):
            return
        for line in ctx.lines:
            doc = line.documentation
            if doc is None or not (doc.body_region or doc.laterality) or not ANATOMIC.intersection(line.modifiers):
                continue
            for modifier in line.modifiers:
                if modifier in ANATOMIC:
                    yield from self._judge(line, doc, modifier)

    def _judge(self, line: ClaimLine, doc: Documentation, modifier: str) -> Iterator[Finding]:
        where = f"line {line.line_id} ({line.code})"
        charted = " ".join(part for part in (doc.laterality, doc.body_region) if part)
        region = ANATOMIC_REGION.get(modifier)
        if modifier in CORONARY and doc.body_region:
            yield self._remove(
                line, modifier, f"{modifier} is a coronary artery modifier, but {where} is charted on the {charted}"
            )
            return
        if region is not None and doc.body_region and doc.body_region not in _COMPATIBLE[region]:
            yield self._remove(
                line, modifier, f"{modifier} names {_NAMES[region]}, but {where} is charted on the {charted}"
            )
            return
        side = ANATOMIC_SIDE.get(modifier)
        if side is None or doc.laterality is None or side == doc.laterality:
            return
        if doc.laterality == "midline":
            yield self._remove(line, modifier, f"{modifier} names the {side} side, but {where} is charted as midline")
            return
        mirror = MIRROR[modifier]
        message = f"{modifier} names the {side} side, but {where} is charted on the {doc.laterality}"
        yield self._remove(line, modifier, f"{message}; {mirror} is the modifier the chart supports")
        if mirror not in line.modifiers:
            yield self.finding(
                [line.line_id],
                f"{message}: append {mirror} to line {line.line_id} in place of {modifier}.",
                fix=add_modifier(line.line_id, mirror, f"append {mirror} to {line.code}", Applicability.SAFE),
            )

    def _remove(self, line: ClaimLine, modifier: str, reason: str) -> Finding:
        return self.finding(
            [line.line_id],
            f"{reason}. A site modifier the chart contradicts is invalid (CO-4) and, as an NCCI-associated modifier, "
            f"asserts a distinct site the record does not support: remove {modifier} from line {line.line_id} (or "
            "correct the documentation if the chart is wrong).",
            fix=remove_modifier(line.line_id, modifier, f"remove {modifier} from {line.code}", Applicability.SAFE),
        )
