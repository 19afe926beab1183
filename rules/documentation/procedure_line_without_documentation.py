"""DOC006: a procedure line with no documentation at all."""

from __future__ import annotations

from collections.abc import Iterator

from rules.facts.context import ClaimContext
from rules.facts.sites import PROCEDURE_CODES
from rules.model import Category, Finding, Severity, Stable
from rules.registry import register
from rules.rule import Rule
from rules.scope import ClaimShape, EditIndex


@register(code="DOC006", slug="procedure-line-without-documentation", status=Stable("0.1.0"))
class ProcedureLineWithoutDocumentation(Rule):
    """A biopsy, destruction, excision, repair, skin-tag or Mohs line with no documentation object.

    ## What it does
    Reports, once per line and as info, that nothing of the chart came with the line, so the rules that
    verify the code from the documentation could not run. Add-on lines are skipped when a line of their
    family on the same date carries documentation (the session's facts are documented there). The
    detailed checklist rules (DOC001-DOC005) only look at lines that have documentation, so an undocumented
    line gets this one finding, not a list.

    ## Why is this bad?
    Missing documentation is audit vulnerability: size, site, technique, count and pathology choose the
    code, and a medical review denies or recoups what the record does not support.

    ## Example
    11602 with no documentation -> info "no chart documentation sent with line 1".

    ## Fix safety
    No fix: only the chart can supply the facts.

    ## References
    AMA CPT descriptors of the procedure families (what selects each code); CMS Medicare Program Integrity
    Manual (Pub. 100-08) ch. 3 (medical review of the record behind a claim); the claim line
    `documentation` (optional chart facts per line, schemas/claim.py).
    """

    name = "Procedure line without documentation"
    category = Category.DOCUMENTATION_GAP
    severity = Severity.INFO
    reference = "AMA CPT descriptors (size, site, technique, count select the code); CMS PIM ch. 3 (medical review)"
    triggers = PROCEDURE_CODES

    def may_find(self, shape: ClaimShape, index: EditIndex) -> bool:
        # Skipped when every line carries documentation.
        return shape.undocumented

    def check(self, ctx: ClaimContext) -> Iterator[Finding]:
        table = ctx.families
        for line in ctx.lines:
            if line.documentation is not None or line.code not in PROCEDURE_CODES:
                continue
            entry = table.get(line.code)
            if entry is not None and entry.is_addon:
                family = [o for o in ctx.by_date[line.service_date] if table.family_of(o.code) == entry.family]
                if any(o.documentation is not None for o in family):
                    continue
            yield self.finding(
                [line.line_id],
                f"No chart documentation was sent with line {line.line_id} ({line.code}): its code cannot be checked "
                "against lesion size, site, technique, count or pathology. Send the documentation with the claim.",
            )
