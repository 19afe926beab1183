"""The corrected claim the engine proposes is a fixpoint of the engine.

A coder who resubmits `corrected_lines` (every `safe` fix applied) and scrubs that claim again must get
(i) the same corrected lines back (no further safe change: two rules that undo or extend each other's
fixes give inconsistent advice), and (ii) no error from a rule that was silent on the first pass (a new
surprise the first pass should have pointed at).

Rebuilding a claim from corrected lines (the harness, `rebuild`)
-----------------------------------------------------------------
`corrected_lines` carry only line_ids, code, modifiers and units; the rest of each resubmitted line comes
from the chart, i.e. from the source lines:

- one source line: that line (id, date, charge, dx pointers, documentation) with the corrected code,
  modifiers and units;
- a merged line (several source lines): the first source line, with the dx pointers of all of them (in
  order, at most 4) and their documentation combined: `repair_length_cm` and `area_sq_cm` summed (REP003
  and DEB001 merge on the summed length or area), `mohs_blocks` summed, `mohs_stage` the highest; fields on
  which the sources disagree (lesion_id, body_region, ...) are dropped rather than guessed;
- an added line (line_ids == []): the date, dx pointers and documentation of the lines its ADD_LINE
  finding names (the k-th added line is the k-th safe ADD_LINE fix, the order `apply_fixes` appends them
  in); an added add-on does not repeat its head's per-line quantities (count, blocks, repair, area); an added
  repair line (REP005) gets the repair documented on its excision(s) (`repair`, `repair_length_cm` summed,
  body region and laterality, the lesion id when there is one excision);
- counted families (premalignant/benign destruction, skin tags, intralesional injection): the session's lesion
  count, as the engine reads it from the billed lines (`session_count`, contract: lesion_count is per line, a
  lone head count is the session total), is documented once on the session's head line. Lines the engine
  removed (17000 + 17003 folded into 17004, an extra 17000) or merged or recoded into another family still
  treated their lesions, so their count moves to the surviving line; left on the lines, a removed line's
  lesions would vanish and 17004 with its own 6 lesions would be recoded to 17000 + 17003 x5 (a rebuild
  artefact).

Documentation the rebuild cannot carry is not the engine's fault, so (ii) ignores `documentation_gap`
findings on the second pass: an added add-on line without a count or blocks (DOC003/DOC005) and a merged
line whose sources disagree on a field are gaps the harness introduced.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from benchmarks.generate import generate
from rules.data.treatments import debridement_depths
from rules.engine import Verdict, evaluate
from rules.facts.context import ClaimContext
from rules.facts.destruction import session_count
from rules.facts.nails import nail_tally
from rules.fixes import DraftLine
from rules.model import Applicability, Category, FixAction, Severity
from rules.testing import default_ruleset, make_claim
from schemas.claim import Claim, ClaimLine, ClaimSubmitted

HERE = Path(__file__).parent
GENERATED = 2000
SEED = 2026

SUMMED = ("lesion_count", "repair_length_cm", "mohs_blocks", "area_sq_cm", "nail_count")
MAXED = ("mohs_stage",)
# Per-line quantities an added add-on line must not repeat from its head line (the head keeps the total).
NOT_REPEATED = ("lesion_count", "mohs_blocks", "mohs_stage", "repair", "repair_length_cm", "area_sq_cm", "nail_count")
REPAIR_FIELDS = ("body_region", "laterality")
COUNTED = ("destruction_premalignant", "destruction_benign", "skin_tag_removal", "intralesional_injection", "paring")
# Families counted in nails (`nail_count`, per line, summed: rules/facts/nails.py).
NAIL_COUNTED = ("nail_debridement", "nail_avulsion")


def _merged_documentation(docs: list[dict[str, Any]]) -> dict[str, Any] | None:
    present = [d for d in docs if d]
    if not present:
        return None
    out: dict[str, Any] = {}
    for key in {k for d in present for k in d}:
        values = [d[key] for d in present if d.get(key) is not None]
        if not values:
            continue
        if key in SUMMED:
            out[key] = round(sum(values), 2) if isinstance(values[0], float) else sum(values)
        elif key in MAXED:
            out[key] = max(values)
        elif all(v == values[0] for v in values):
            out[key] = values[0]
    return out


def _added_documentation(fix_code: str, sources: list[dict[str, Any]]) -> dict[str, Any] | None:
    table = default_ruleset().families
    entry = table.get(fix_code)
    docs = [dict(s.get("documentation") or {}) for s in sources]
    if entry is not None and entry.family.startswith("repair_"):
        kind = entry.family.removeprefix("repair_")
        excisions = [d for d in docs if d.get("repair") == kind]
        if not excisions:
            return None
        out: dict[str, Any] = {"repair": kind}
        lengths = [d["repair_length_cm"] for d in excisions if d.get("repair_length_cm") is not None]
        if lengths:
            out["repair_length_cm"] = round(sum(lengths), 2)
        for key in REPAIR_FIELDS:
            values = {d.get(key) for d in excisions}
            if len(values) == 1 and None not in values:
                out[key] = values.pop()
        ids = {d.get("lesion_id") for d in excisions}
        if len(ids) == 1 and None not in ids:
            out["lesion_id"] = ids.pop()
        return out
    base = _merged_documentation(docs)
    if base is None:
        return None
    debridement_addons = {depth.addon for depth in debridement_depths().by_depth.values()}
    if (entry is not None and entry.is_addon) or fix_code in debridement_addons:
        for key in NOT_REPEATED:
            base.pop(key, None)
        # A Mohs stage add-on covers the stages after the first: it carries the highest stage documented.
        stages = [d["mohs_stage"] for d in docs if d.get("mohs_stage") is not None]
        if stages and entry is not None and entry.measure == "stages":
            base["mohs_stage"] = max(stages)
    return base


def rebuild(claim: Claim, verdict: Verdict) -> Claim:
    """The claim as resubmitted with the verdict's corrected lines (see the module docstring)."""
    source = {line.line_id: line.model_dump(mode="json", exclude_none=True) for line in claim.lines}
    adds = [
        f
        for f in verdict.findings
        if f.fix is not None and f.fix.applicability is Applicability.SAFE and f.fix.action is FixAction.ADD_LINE
    ]
    added = iter(adds)
    lines: list[dict[str, Any]] = []
    origins: list[list[str]] = []  # the source lines each rebuilt line stands for
    for index, draft in enumerate(verdict.corrected_lines, start=1):
        if draft.line_ids:
            sources = [source[i] for i in draft.line_ids]
            origins.append(list(draft.line_ids))
            line = dict(sources[0])
            if len(sources) > 1:
                pointers: list[int] = []
                for s in sources:
                    pointers += [p for p in s["dx_pointers"] if p not in pointers]
                line["dx_pointers"] = pointers[:4]
                doc = _merged_documentation([dict(s.get("documentation") or {}) for s in sources])
                line.pop("documentation", None)
                if doc:
                    line["documentation"] = doc
        else:
            finding = next(added)
            assert finding.fix is not None
            assert finding.fix.code == draft.code, (finding, draft)
            sources = [source[i] for i in finding.line_ids if i in source] or [next(iter(source.values()))]
            origins.append([s["line_id"] for s in sources])
            line = {
                "service_date": sources[0]["service_date"],
                "charge": sources[0]["charge"],
                "dx_pointers": sources[0]["dx_pointers"],
            }
            doc = _added_documentation(draft.code, sources)
            if doc:
                line["documentation"] = doc
            line["line_id"] = f"add{index}"
        line.update(code=draft.code, modifiers=list(draft.modifiers), units=draft.units)
        lines.append(line)
    _document_session_counts(claim, lines, origins)
    _document_session_counts(claim, lines, origins, families=NAIL_COUNTED, field="nail_count", tally=_nails)
    data = claim.model_dump(mode="json", exclude_none=True)
    data["lines"] = lines
    return Claim.model_validate(data)


def _nails(ctx: ClaimContext, lines: list[ClaimLine]) -> int | None:
    tally = nail_tally(ctx, lines)
    return tally[0] if tally is not None else None


def _document_session_counts(
    claim: Claim,
    lines: list[dict[str, Any]],
    origins: list[list[str]],
    *,
    families: tuple[str, ...] = COUNTED,
    field: str = "lesion_count",
    tally: Callable[[ClaimContext, list[ClaimLine]], int | None] = session_count,
) -> None:
    """Counted families (destruction, skin tags, paring; nails by `nail_count`): the chart's count of a session,
    as the engine reads it from the billed lines (`session_count`, `nail_tally`), is documented once, on the
    session's first head line.

    The lesions of a line the engine removed (17000/17003 folded into 17004, an extra 17000) or merged or
    recoded into another family are still treated in the session: their count moves to the surviving line.
    """
    ruleset = default_ruleset()
    table = ruleset.families
    ctx = ClaimContext(claim, ruleset)
    original = {line.line_id: line for line in claim.lines}
    kept = {i for ids in origins for i in ids}
    sessions: dict[tuple[str, str], list[int]] = {}
    for position, line in enumerate(lines):
        family = table.family_of(line["code"])
        if family in families:
            sessions.setdefault((line["service_date"], family), []).append(position)
    for (day, family), positions in sessions.items():
        ids = {i for p in positions for i in origins[p]}
        ids |= {
            i
            for i, line in original.items()
            if i not in kept and line.service_date.isoformat() == day and table.family_of(line.code) == family
        }
        total = tally(ctx, [line for i, line in original.items() if i in ids])
        if total is None:
            continue
        heads = [p for p in positions if (e := table.get(lines[p]["code"])) is not None and not e.is_addon]
        head = (heads or positions)[0]
        for p in positions:
            doc = dict(lines[p].get("documentation") or {})
            doc.pop(field, None)
            if p == head:
                doc[field] = total
            if doc:
                lines[p]["documentation"] = doc


def view(lines: tuple[DraftLine, ...]) -> list[tuple[str, tuple[str, ...], int]]:
    return [(d.code, tuple(d.modifiers), d.units) for d in lines]


def describe(claim: Claim, verdict: Verdict) -> str:
    billed = ", ".join(
        f"{line.line_id}:{line.code}{'-' + '-'.join(line.modifiers) if line.modifiers else ''}x{line.units}"
        for line in claim.lines
    )
    found = "\n    ".join(
        f"{f.rule} {f.severity.value} {f.category.value} {list(f.line_ids)}"
        f" {f.fix.action.value + '/' + f.fix.applicability.value if f.fix else '-'}: {f.message}"
        for f in verdict.findings
    )
    return f"  lines: {billed}\n  corrected: {view(verdict.corrected_lines)}\n    {found}"


def fixpoint_problems(claim: Claim) -> list[str]:
    """What breaks the fixpoint for `claim` (empty when the corrected claim is stable)."""
    ruleset = default_ruleset()
    first = evaluate(claim, ruleset)
    if first.status == "rejected":
        return []
    resubmitted = rebuild(claim, first)
    second = evaluate(resubmitted, ruleset)
    problems = []
    if view(second.corrected_lines) != view(first.corrected_lines):
        problems.append("(i) the second pass changes the corrected claim again")
    reported = {f.rule for f in first.findings}
    new = sorted(
        {
            f.rule
            for f in second.findings
            if f.severity is Severity.ERROR and f.rule not in reported and f.category is not Category.DOCUMENTATION_GAP
        }
    )
    if new:
        problems.append(f"(ii) new error(s) on the second pass: {', '.join(new)}")
    if problems:
        problems += [
            "first pass:\n" + describe(claim, first),
            "second pass:\n" + describe(resubmitted, second),
        ]
    return problems


# ---- engine bugs this test found, now fixed: their minimal claims run as regression cases ----------------
# A primary biopsy recoded to its add-on (BIO001/BIO004) kept the 59/X{EPSU} billed on it, or swapped in by MOD010;
# MOD005 removed it only on the re-scrub. BND001 appended XS/59 to a biopsy line BIO001 recodes to its add-on.
# (coding-rules.md Biopsies: add-on codes never carry 59/X{EPSU}.)


def _bio(lesion: str, region: str, technique: str = "tangential") -> dict[str, str]:
    return {"lesion_id": lesion, "body_region": region, "technique": technique}


_AK: dict[str, Any] = {
    "body_region": "face",
    "technique": "destruction",
    "lesion_type": "premalignant",
    "lesion_count": 1,
}
_BIOPSIES_AND_AK: list[dict[str, Any]] = [
    {"code": "11102", "documentation": _bio("A", "arm")},
    {"code": "11102", "documentation": _bio("B", "leg")},
    {"code": "17000", "dx_pointers": [2], "documentation": _AK},
]
# Minimal claims of each bug: (id, claim).
FIXED_BUG_CLAIMS = [
    (
        "bug:BIO001 recodes 11102-XS to 11103 and keeps XS",
        make_claim(
            [
                {"code": "11102", "documentation": _bio("A", "arm")},
                {"code": "11102", "modifiers": ["XS"], "documentation": _bio("B", "leg")},
            ],
            diagnoses=["D48.5"],
        ),
    ),
    (
        "bug:BIO004 recodes 11104-XS (tangential documented) to 11103 and keeps XS",
        make_claim(
            [
                {"code": "11104", "documentation": _bio("A", "arm", "punch")},
                {"code": "11104", "modifiers": ["XS"], "documentation": _bio("B", "leg")},
            ],
            diagnoses=["D48.5"],
        ),
    ),
    (
        "bug:BND001 appends XS to the 11102 that BIO001 recodes to 11103 (with 17000)",
        make_claim(_BIOPSIES_AND_AK, diagnoses=["D48.5", "L57.0"]),
    ),
    (
        "bug:BND001 appends 59 (no-X payer) to the 11102 that BIO001 recodes to 11103",
        make_claim(
            _BIOPSIES_AND_AK, diagnoses=["D48.5", "L57.0"], payer={"payer_id": "ACME-PPO", "kind": "commercial"}
        ),
    ),
]
# Generated claims (seed 2026) that fail the fixpoint because of a known bug, by claim number: none now.
KNOWN_BUG_GENERATED: dict[int, str] = {}


# ---- cases ---------------------------------------------------------------------------------------------
def _scenario_claims() -> Iterator[Any]:
    for s in yaml.safe_load((HERE / "expert_scenarios.yaml").read_text())["scenarios"]:
        if s["name"].startswith("BUG: "):
            continue
        extra = {key: s[key] for key in ("payer", "place_of_service") if key in s}
        yield pytest.param(make_claim(s["lines"], diagnoses=s["diagnoses"], **extra), id=f"scenario:{s['name']}")


def _fixture_claims() -> Iterator[Any]:
    for path in sorted((HERE / "fixtures").glob("*.yaml")):
        for case in yaml.safe_load(path.read_text())["cases"]:
            if not case.get("expect") or "expect_corrected" not in case:
                continue
            spec = dict(case["claim"])
            yield pytest.param(make_claim(spec.pop("lines"), **spec), id=f"{path.stem}:{case['name']}")


def _generated_claims() -> Iterator[Any]:
    for number, raw in enumerate(generate(GENERATED, SEED)):
        reason = KNOWN_BUG_GENERATED.get(number)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        yield pytest.param(ClaimSubmitted.model_validate_json(raw).claim, id=f"generated:{SEED}:{number}", marks=marks)


def _fixed_bug_claims() -> Iterator[Any]:
    for name, claim in FIXED_BUG_CLAIMS:
        yield pytest.param(claim, id=name)


CASES = [*_scenario_claims(), *_fixture_claims(), *_fixed_bug_claims(), *_generated_claims()]


@pytest.mark.parametrize("claim", CASES)
def test_corrected_claim_is_a_fixpoint(claim: Claim) -> None:
    """Scrubbing the resubmitted corrected claim applies no further safe fix and raises no new error."""
    problems = fixpoint_problems(claim)
    assert not problems, "\n".join(problems)
