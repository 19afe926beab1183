"""The rework data tables: CARC/RARC texts and the likelihood of recovery per action."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rules.exceptions import DataTableError
from rules.rework.carc import carc_table, describe_carc, missing_item, rarc_table
from rules.rework.priority import likelihoods, parse_likelihoods, priority
from schemas.rework import ReworkAction


class TestCodeTexts:
    def test_every_carc_the_analysis_handles_has_its_text(self):
        """The CARCs with a specific analysis (and the non-denials) are on file, with a named source."""
        handled = {
            "1",
            "2",
            "3",
            "4",
            "16",
            "18",
            "23",
            "45",
            "59",
            "96",
            "97",
            "151",
            "231",
            "234",
            "236",
            "253",
            "B15",
        }
        assert handled <= set(carc_table().texts)
        assert carc_table().meta.source

    def test_carc_text_is_verbatim_from_the_research_notes(self):
        """CARC 97 reads as the X12 list does (research-notes section 5.1)."""
        assert carc_table().get("97") == (
            "The benefit for this service is included in the payment/allowance for another service/procedure that "
            "has already been adjudicated. Usage: Refer to the 835 Healthcare Policy Identification Segment (loop "
            "2110 Service Payment Information REF), if present."
        )

    def test_unknown_code_points_to_the_x12_list(self):
        """A CARC not on file is named, never invented."""
        assert "not in rules/data/carc.csv" in describe_carc("CO", "999")

    def test_missing_item_from_a_remark(self):
        """`Missing/incomplete/invalid ...` remarks say what is missing; others say nothing."""
        assert (missing_item("M51"), missing_item("M15"), missing_item("ZZ99")) == ("procedure code(s)", None, None)

    def test_rarc_pairs_from_the_notes(self):
        """The remarks that ride with bundling, add-on and MUE denials are on file."""
        assert {"M15", "M80", "N20", "N122", "N362", "MA130"} <= set(rarc_table().texts)


class TestLikelihood:
    def test_every_action_has_a_likelihood(self):
        """The packaged table covers every action; a write-off recovers nothing."""
        table = likelihoods()
        assert {a: table.of(a) > 0 for a in ReworkAction} == {
            ReworkAction.RESUBMIT_WITH_MODIFIER: True,
            ReworkAction.CORRECT_AND_RESUBMIT: True,
            ReworkAction.APPEAL: True,
            ReworkAction.REVIEW: True,
            ReworkAction.WRITE_OFF: False,
        }

    def test_priority_rounds_to_the_cent(self):
        """95.53 at 0.85 is 81.20."""
        assert priority(Decimal("95.53"), ReworkAction.RESUBMIT_WITH_MODIFIER) == Decimal("81.20")

    def test_a_table_missing_an_action_is_refused(self):
        """A likelihood table must name every action, so no item goes unranked."""
        text = "# table: t\n# source: s\n# effective_from: 2026-01-01\naction,likelihood\nappeal,0.5\n"
        with pytest.raises(DataTableError, match="no likelihood"):
            parse_likelihoods(text)
