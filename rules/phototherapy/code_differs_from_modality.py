"""PHO003: an ultraviolet phototherapy code the documented modality, or supervised time, does not describe."""

from __future__ import annotations

from collections.abc import Iterator

from schemas.claim import ClaimLine

from rules.data.treatments import PhototherapyCode, phototherapy_modalities
from rules.facts.context import ClaimContext
from rules.facts.sites import priced, priced_delta
from rules.fixes import replace_code
from rules.model import Applicability, Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule

_MODALITY_WORDS = {
    "uv_light": "ultraviolet light alone (UVB, narrow-band UVB or UVA without a photosensitizer)",
    "tar_or_petrolatum_uvb": "tar or petrolatum with UVB (Goeckerman)",
    "puva": "psoralens with UVA (PUVA)",
    "excimer_laser": "excimer laser",
}


@register(code="PHO003", slug="phototherapy-code-differs-from-modality", status=Stable("0.2.0"))
class PhototherapyCodeDiffersFromModality(Rule):
    """A phototherapy code (96900-96922) whose descriptor is not the documented modality or supervised time.

    ## What it does
    Reads the chart's `modality` on each phototherapy line and the code each modality is billed with
    (`phototherapy_modalities.csv`): ultraviolet light alone is 96900, tar or petrolatum with UVB (Goeckerman)
    96910, psoralens with UVA (PUVA) 96912, excimer laser 96920-96922 by total area (PHO002). A line billed
    with another modality's code is recoded. A 96913 line whose documented supervised time (`time_minutes`) is
    under the 4 hours the descriptor requires is recoded to the session's modality code (96910 or 96912).

    ## Why is this bad?
    The codes are defined by what the light is given with: narrow-band UVB billed as 96910 or 96912 claims a
    photochemotherapy (tar, petrolatum or psoralen) the chart does not show, and 96913 describes severe
    photoresponsive dermatoses "requiring at least 4-8 hours of care under direct supervision of the
    physician"; a routine session billed 96913 is overstated and recoded on audit.

    ## Example
    96912 documenting narrow-band UVB -> 96900. 96913 PUVA with 90 minutes under supervision -> 96912.

    ## Fix safety
    `safe` when the documented modality names the code. `needs_documentation` when the modality is excimer
    laser (the total area treated chooses 96920-96922) or when 96913's time is short and no modality is
    documented (96910 or 96912 by the modality).

    ## References
    AMA CPT 2026 descriptors 96900 ("Actinotherapy (ultraviolet light)"), 96910 ("Photochemotherapy; tar and
    ultraviolet B (Goeckerman treatment) or petrolatum and ultraviolet B"), 96912 ("psoralens and ultraviolet
    A (PUVA)"), 96913 ("Photochemotherapy (Goeckerman and/or PUVA) for severe photoresponsive dermatoses
    requiring at least 4-8 hours of care under direct supervision of the physician") and 96920-96922, as
    reproduced by Coding Ahead "CPT 96913" and MedCoder "96900 Actinotherapy (ultraviolet light)" (UVB or UVA
    without a photosensitizing agent).
    """

    name = "Phototherapy code differs from the documented modality"
    category = Category.CODE_FAMILY
    severity = Severity.ERROR
    reference = "AMA CPT 96900-96913 (modality and supervised time) and 96920-96922 (excimer laser by area)"
    triggers = frozenset(phototherapy_modalities().by_code)

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        table = phototherapy_modalities()
        for line in ctx.lines:
            billed = table.by_code.get(line.code)
            doc = ctx.doc(line)
            if billed is None:
                continue
            if doc.modality is not None and doc.modality not in billed.modalities:
                yield self._modality(ctx, line, doc.modality)
            elif billed.min_minutes and doc.time_minutes is not None and doc.time_minutes < billed.min_minutes:
                yield self._short(ctx, line, billed, doc.time_minutes)

    def _modality(self, ctx: ClaimContext, line: ClaimLine, modality: str) -> Finding:
        table = phototherapy_modalities()
        target = table.base_code(modality)
        words = _MODALITY_WORDS.get(modality, modality)
        head = f"{line.code} on line {line.line_id}"
        if target is None:
            codes = "-".join((table.codes_of(modality)[0], table.codes_of(modality)[-1]))
            return self._ask(
                line,
                codes,
                f"{head} does not describe {words}, the treatment the chart documents: bill "
                f"{codes} by the total area treated in the session (document it).",
            )
        return self._recode(
            ctx,
            line,
            target,
            f"{head} describes another treatment than the chart's {words}: CPT reports that as {target}. Bill {target}",
        )

    def _short(self, ctx: ClaimContext, line: ClaimLine, billed: PhototherapyCode, minutes: int) -> Finding:
        table = phototherapy_modalities()
        modality = ctx.doc(line).modality
        target = table.base_code(modality) if modality else None
        hours = f"{billed.min_minutes // 60} hours" if billed.min_minutes else ""
        head = f"{line.code} on line {line.line_id} documents {minutes} minutes of care under supervision"
        if target is None:
            options = " or ".join(sorted({c for m in billed.modalities if (c := table.base_code(m))}))
            return self._ask(
                line,
                options,
                f"{head}; the code requires at least {hours}. Bill {options} by the modality the chart documents.",
            )
        return self._recode(
            ctx,
            line,
            target,
            f"{head}: the code describes severe photoresponsive dermatoses "
            f"requiring at least {hours} of care under the physician's direct supervision. The "
            f"session is {target}",
        )

    def _ask(self, line: ClaimLine, codes: str, message: str) -> Finding:
        fix = replace_code(line.line_id, None, f"bill {codes}", Applicability.NEEDS_DOCUMENTATION)
        return self.finding([line.line_id], message, fix=fix)

    def _recode(self, ctx: ClaimContext, line: ClaimLine, target: str, message: str) -> Finding:
        impact = priced_delta(ctx, line.service_date, [(line.code, line.units)], [(target, line.units)])
        fix = replace_code(line.line_id, target, f"bill {target}", Applicability.SAFE)
        return self.finding([line.line_id], f"{message} ({priced(impact)}).", fix=fix, revenue_impact=impact)
