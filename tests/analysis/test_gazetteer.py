"""Known place names correct spaCy's people-for-places and answer "which town"."""

from __future__ import annotations

import pytest

from rag.analysis import analyse, analyse_question
from rag.analysis.gazetteer import place_scale
from rag.answering.slots import fillers


def test_countries_and_towns_are_known_names_are_not():
    assert place_scale("Mali") == "country"
    assert place_scale("Niger") == "country"
    assert place_scale("Bourem") == "town"
    assert place_scale("Gao") == "town"
    assert place_scale("Issa Kanouté") == ""
    assert place_scale("mali") == ""  # exactly as written: a common word is not a place


@pytest.mark.slow
def test_a_place_taken_for_a_person_answers_where_and_not_who():
    (claim,) = analyse("Mali's army said the convoy had reached Bourem.", "en")
    who = analyse_question("Who commanded the convoy?")
    where = analyse_question("What town was the convoy trying to reach?")
    assert not any(place_scale(m.text) for m in fillers(who, claim, "en"))
    assert "Bourem" in [m.text for m in fillers(where, claim, "en")]


@pytest.mark.slow
def test_a_country_does_not_answer_which_town():
    (claim,) = analyse("The engineer was abducted in Mali, near the town of Diéma.", "en")
    town = analyse_question("Near which town was the engineer abducted?")
    anywhere = analyse_question("Where was the engineer abducted?")
    assert [m.text for m in fillers(town, claim, "en")] == ["Diéma"]
    assert "Mali" in [m.text for m in fillers(anywhere, claim, "en")]
