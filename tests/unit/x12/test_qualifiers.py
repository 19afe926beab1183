"""Lines coded under a qualifier other than HC (N4 NDC, ZZ, ER ...) are carried, never a reason to drop a claim
payment or a claim; the rules and the rework analysis keep them without judging them as CPT/HCPCS codes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from rules.engine import evaluate
from rules.rework import analyze
from rules.ruleset import build_ruleset
from schemas.rework import ReworkAction
from workers.routing import validated_event
from workers.x12 import convert

DATA = Path(__file__).resolve().parents[2] / "data" / "x12"
OFFICE = (DATA / "derm-office.837").read_text()
REMIT = (DATA / "derm-remit.835").read_text()
# PCN-1001's 17000 line (paid, CO-45) recoded as an NDC and denied CO-16: the claim payment also holds the
# CO-97 denial of its 11102 line.
NDC_LINE = ("SVC*HC>17000*70.00*55.00**1~DTM*472*20260302~CAS*CO*45*15.00~",
            "SVC*N4>00006073461*70.00*0**2.5~DTM*472*20260302~CAS*CO*16*70.00~")  # fmt: skip


class TestPublicRemittance:
    """oopfactory-payments.835 (a public 4010 sample, SOURCES.md): 9 claim payments, 3 with ZZ service codes."""

    def test_every_claim_payment_is_kept(self):
        result = convert((DATA / "oopfactory-payments.835").read_bytes(), source="oopfactory-payments.835")
        ids = [event.remit.claim_id for event in result.remits]
        assert ids == ["444444", "999999", "888888", "111111", "121212", "333333", "777777", "123456", "090909"]
        # the only issue left is the sample's own wrong SE01 count, which drops nothing
        assert [(i.segment_id, i.claim_id) for i in result.issues] == [("SE", None)]

    def test_zz_lines_are_carried_with_their_payments_and_adjustments(self):
        remits = {e.remit.claim_id: e.remit for e in convert((DATA / "oopfactory-payments.835").read_bytes()).remits}
        [line] = remits["888888"].lines
        assert (line.code_qualifier, line.code, line.modifiers) == ("ZZ", "M151000", ["F0"])
        assert (line.quantity, line.units) == ("1.9", 2)  # SVC05 1.9 as sent; units rounded half up
        assert [(a.group, a.reason, a.amount) for a in line.adjustments] == [
            ("CO", "29", Decimal("162.13")),
            ("CO", "42", Decimal("0.00")),
        ]
        [ambulance] = remits["333333"].lines
        assert (ambulance.code_qualifier, ambulance.code, ambulance.paid) == ("ZZ", "A0230", Decimal("59.69"))
        assert remits["444444"].lines[0].code_qualifier == "HC"

    def test_an_hc_line_is_written_exactly_as_before(self):
        """The qualifier is left out of the JSON of an HC line, so existing output does not change."""
        remits = {e.remit.claim_id: e for e in convert((DATA / "oopfactory-payments.835").read_bytes()).remits}
        assert '"code_qualifier"' not in remits["444444"].model_dump_json()
        assert '"code_qualifier":"ZZ","code":"M2200"' in remits["999999"].model_dump_json()


class TestReworkKeepsTheDenial:
    """The CO-97 on the HC line of a claim payment that also holds a non-HC line reaches rework."""

    def _items(self, claim_known: bool):
        remit_text = REMIT.replace(*NDC_LINE)
        [remit] = [e.remit for e in convert(remit_text).remits if e.remit.claim_id == "PCN-1001"]
        claim = None
        if claim_known:  # the claim billed the same line under N4 too
            claim_text = OFFICE.replace("SV1*HC:17000*70.00*UN*1***1", "SV1*N4:00006073461*70.00*UN*1***1", 1)
            claim = next(e.claim for e in convert(claim_text).claims if e.claim.claim_id == "PCN-1001")
        return remit, analyze(remit, claim, build_ruleset())

    def test_remittance_with_an_ndc_line_converts(self):
        remit, _ = self._items(claim_known=True)
        ndc = remit.lines[2]
        assert (ndc.code_qualifier, ndc.code, ndc.quantity, ndc.units) == ("N4", "00006073461", "2.5", 3)

    def test_co97_on_the_hc_line_is_worked(self):
        """Before, the whole claim payment was dropped for its N4 line, so the CO-97 never reached rework."""
        for known in (True, False):
            _, items = self._items(claim_known=known)
            [co97] = [i for i in items if (i.group_code, i.reason) == ("CO", "97")]
            assert (co97.code, co97.line_id, co97.level, co97.denied_amount) == (
                "11102",
                "1001-2",
                "line",
                Decimal("143.53"),
            )
            assert "00006073461" not in co97.cause  # an NDC is no NCCI column 1 code

    def test_denied_ndc_line_goes_to_review_saying_it_is_no_cpt_code(self):
        for known in (True, False):
            _, items = self._items(claim_known=known)
            [ndc] = [i for i in items if i.code == "00006073461"]
            assert (ndc.code_qualifier, ndc.action, ndc.reason) == ("N4", ReworkAction.REVIEW, "16")
            assert "not a CPT/HCPCS code, so no NCCI/MUE edit" in ndc.rationale
            assert '"code_qualifier":"N4"' in ndc.model_dump_json()


class TestClaimLines:
    """An 837P line coded under another qualifier is carried, never judged, and stays in corrected_lines."""

    def test_claim_with_an_er_line_converts_and_keeps_it(self):
        text = OFFICE.replace("SV1*HC:17000*70.00*UN*1***1", "SV1*ER:XYZ123*70.00*UN*1***1", 1)
        claim = next(e for e in convert(text).claims if e.claim.claim_id == "PCN-1001")
        line = claim.claim.lines[2]
        assert (line.code_qualifier, line.code) == ("ER", "XYZ123")

    def test_non_hc_line_gets_no_finding_and_stays_unchanged(self):
        """17003 x3 needs its primary 17000: recoded under IV, the 17000 line is no primary and no partner."""
        ruleset = build_ruleset()
        text = OFFICE.replace("SV1*HC:17000*70.00*UN*1***1", "SV1*IV:17000*70.00*UN*1***1", 1)
        event = next(e for e in convert(text).claims if e.claim.claim_id == "PCN-1001")
        verdict = evaluate(event.claim, ruleset)
        iv_id = event.claim.lines[2].line_id
        assert all(iv_id not in f.line_ids for f in verdict.findings)
        validated = validated_event(event, verdict)
        [kept] = [c for c in validated.corrected_lines if c.line_ids == [iv_id]]
        assert (kept.code_qualifier, kept.code, kept.modifiers, kept.units) == ("IV", "17000", [], 1)
        assert '"code_qualifier":"IV","code":"17000"' in validated.model_dump_json()

    def test_claim_of_only_non_hc_lines_is_clean_and_kept(self):
        event = convert(OFFICE).claims[0]
        lines = [line.model_copy(update={"code_qualifier": "ZZ"}) for line in event.claim.lines]
        claim = event.claim.model_copy(update={"lines": lines})
        verdict = evaluate(claim, build_ruleset())
        assert (verdict.status, verdict.findings) == ("clean", ())
        assert [(d.code_qualifier, d.code) for d in verdict.corrected_lines] == [("ZZ", line.code) for line in lines]


class TestFuzzFoundCrashes:
    """Two inputs that made `dermclaims x12` exit with a traceback and convert nothing else in the file."""

    def _run(self, text: str):
        from click.testing import CliRunner

        from workers.cli.x12 import x12

        with CliRunner().isolated_filesystem():
            Path("in.x12").write_text(text, encoding="utf-8", newline="")
            return CliRunner().invoke(x12, ["in.x12"])

    def test_amount_of_29_digits_is_an_issue(self):
        result = self._run(REMIT.replace("CLP*PCN-1001*1*338.53", "CLP*PCN-1001*1*" + "9" * 29, 1))
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert result.exit_code == 1  # an issue, not a crash
        assert "in.x12:segment 15 (CLP): remit for claim PCN-1001 not converted: CLP03 total claim charge" in (
            result.stderr
        )
        assert "has too many digits to be an amount" in result.stderr
        ids = [line.split('"claim_id":"')[1].split('"')[0] for line in result.stdout.splitlines()]
        assert ids == ["PCN-0999", "PCN-1002", "PCN-1003"]

    def test_superscript_diagnosis_pointer_is_an_issue(self):
        result = self._run(OFFICE.replace("SV1*HC:11102*143.53*UN*1***2", "SV1*HC:11102*143.53*UN*1***²", 1))
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert result.exit_code == 1
        assert "SV107 diagnosis pointer '²' is not a number from 1 to 12" in result.stderr
        assert "(SV1): claim PCN-1001 not converted" in result.stderr
        assert len(result.stdout.splitlines()) == 3  # PCN-1002, PCN-1003, PCN-0950
