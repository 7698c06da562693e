"""Names an answer needs: known places (not people), a person for a role, names when asked."""

from __future__ import annotations

import pytest

from rag.analysis import analyse, analyse_question
from rag.analysis.gazetteer import place_scale
from rag.answering.slots import fillers, slot_fit


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


def test_a_datelines_town_in_capitals_is_a_town_an_acronym_is_not():
    assert place_scale("GAO") == "town"
    assert place_scale("BAMAKO") == "town"
    assert place_scale("JNIM") == ""
    assert place_scale("CSP") == ""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "person"),
    [
        ("What is the name of the officer commanding the camp?", True),
        ("Who is the governor of Ménaka?", True),
        ("Which minister announced the levy?", True),
        ("Comment s'appelle le gouverneur de la région de Ménaka ?", True),
        ("Who did the minister accuse of lying?", False),  # the minister acts; who is asked
        ("Which armed group claimed the attack?", False),
        ("Which company did the Italian engineer work for?", False),
    ],
)
def test_a_question_asking_a_person_by_role(question, person):
    assert analyse_question(question).person is person


@pytest.mark.slow
def test_a_person_by_role_is_not_answered_by_an_organisation():
    (claim,) = analyse("JNIM said its fighters had surrounded the camp.", "en")
    officer = analyse_question("What is the name of the officer commanding the camp?")
    doer = analyse_question("Who surrounded the camp?")
    assert fillers(officer, claim, "en") == []
    assert [m.text for m in fillers(doer, claim, "en")] == ["JNIM"]


@pytest.mark.slow
def test_a_question_asking_for_names_needs_a_name():
    count, names = analyse(
        "Selon les autorités locales, vingt-quatre personnes ont été tuées, dont onze enfants.\n"
        "Parmi les morts figurent Moussa Ag Alhassane et son fils Ibrahim.",
        "fr",
    )
    qa = analyse_question("Quels sont les noms des enfants tués dans la frappe ?")
    assert qa.person
    assert (slot_fit(qa, count, "fr"), slot_fit(qa, names, "fr")) == (0.0, 1.0)
    kinds = analyse_question("What kinds of people were killed in the strike?")
    assert slot_fit(kinds, count, "fr") == 0.5  # no name asked: any sentence may answer


@pytest.mark.slow
def test_the_outlet_a_source_spoke_to_does_not_answer_who():
    """ "…, a local official told the Niger Valley Post": the outlet reports, it did nothing."""
    (told,) = analyse(
        "The attackers struck Ikadewane before moving on to Tinabaw, a local elected official "
        "told the Niger Valley Post.",
        "en",
    )
    who = analyse_question("Who did the Islamic State say it targeted in Ikadewane?")
    assert "Niger Valley Post" not in " ".join(m.text for m in fillers(who, told, "en"))
    (claimed,) = analyse("The Niger Valley Post said the attackers came from Niger.", "en")
    asked = analyse_question("Who said the attackers came from Niger?")
    assert "The Niger Valley Post" in [m.text for m in fillers(asked, claimed, "en")]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("Who claimed to have killed Malian soldiers?", True),
        ("Qui a revendiqué l'attaque ?", True),
        ("Which group said it killed 50 Wagner fighters?", True),
        ("Who killed the soldiers?", False),  # a doer, not a speaker
        ("According to the army, who attacked the camp?", False),  # the army is the source
    ],
)
def test_a_question_asking_who_asserts(question, asked):
    assert analyse_question(question).speaker_asked is asked


@pytest.mark.slow
def test_who_said_is_answered_by_the_speaker_of_the_clause_that_says_it():
    """The rebels, a common noun, answer "who claimed"; a name elsewhere that says nothing
    does not outrank them; in two clauses, each claim has its own speaker."""
    (said,) = analyse(
        "Mali's northern Tuareg rebels said on Thursday they had killed at least 84 Russian "
        "Wagner mercenaries and 47 Malian soldiers.",
        "en",
    )
    (silent,) = analyse(
        "Even before the latest death toll, the losses appeared to be Wagner's heaviest defeat "
        "since it stepped in to help Mali's military authorities in West Africa's Sahel region.",
        "en",
    )
    qa = analyse_question("Who claimed to have killed Malian soldiers?")
    assert [m.text for m in fillers(qa, said, "en")] == ["Mali's northern Tuareg rebels"]
    assert slot_fit(qa, said, "en") > slot_fit(qa, silent, "en")
    assert "Sahel" not in " ".join(m.text for m in fillers(qa, silent, "en"))  # a region
    (two,) = analyse(
        "The rebel movement previously said it had killed dozens in the clashes, while an al "
        "Qaeda affiliate said it had killed 50 Wagner fighters in an ambush.",
        "en",
    )
    which = analyse_question("Which group said it killed 50 Wagner fighters?")
    assert [m.text for m in fillers(which, two, "en")] == ["an al Qaeda affiliate"]


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("What is the CSP?", "CSP"),
        ("Qu'est-ce que le CSP ?", "CSP"),
        ("Who is Sergei Lavrov?", "Sergei Lavrov"),
        ("Qui est Assimi Goïta ?", "Assimi Goïta"),
        ("What is the capital of Mali?", ""),  # a role, not a name to describe
        ("what is meant by sanctification in the bible", ""),
    ],
)
def test_a_question_asking_what_a_name_is(question, name):
    from rag.answering.slots import defined_name

    assert defined_name(question) == name


def test_what_is_the_csp_is_answered_by_the_sentence_that_says_what_it_is():
    from rag.answering.slots import describes

    full = (
        "The rebel movement, the Permanent Strategic Framework for Peace, Security and "
        "Development (CSP), previously said it had killed dozens."
    )
    assert describes(full, "CSP")
    assert describes("JNIM, an al Qaeda affiliate, said it killed 50.", "JNIM")
    assert describes("The al Qaeda-linked group JNIM claimed the attack.", "JNIM")
    assert describes("Foreign Minister Sergei Lavrov had spoken.", "Sergei Lavrov")
    assert not describes("In its statement, the CSP said it had fought alone.", "CSP")
    assert not describes("The Malian army and the CSP fought for days.", "CSP")


@pytest.mark.slow
def test_who_are_the_tuareg_asks_for_a_description_not_a_name():
    assert analyse_question("Who are the Tuareg?").kind == "other"
    assert analyse_question("Who are the rebels?").kind == "actor"
