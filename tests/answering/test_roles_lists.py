"""Who-questions asking for a role, and list questions, on the real spaCy pipelines."""

import pytest

from rag.analysis import Mention, analyse
from rag.analysis.questions import analyse_question
from rag.answering import place_roles
from rag.answering.lists import asked_count, place_names
from rag.answering.roles import asked_role, mention_roles
from rag.answering.slots import slot_fit

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("What is the name of the officer commanding the Kassoro camp?", "command"),
        ("Who heads the Gao hauliers' union that reported drivers killed?", "lead"),
        ("Qui est à la tête de la coalition d'ONG ?", "lead"),
        ("Which army spokesman gave the toll?", "speak"),
        ("Who mediated the release of the engineer?", "mediate"),
        ("Comment s'appelle le gouverneur de la région de Ménaka ?", "govern"),
        ("Which Tuareg-led group claimed the attack?", ""),  # "-led" describes the group
        ("Who claimed the attack?", ""),
        ("Where are the group's headquarters?", ""),  # "head" only as a whole word
    ],
)
def test_asked_role(question, role):
    assert asked_role(question) == role


def _at(claim, name):
    start = claim.text.index(name)
    return Mention(text=name, start=claim.start + start, end=claim.start + start + len(name))


def test_roles_given_before_a_name_and_in_apposition():
    (en,) = analyse("The figure, given by army spokesman Colonel Issa Kanouté, is higher.", "en")
    assert mention_roles(en, _at(en, "Issa Kanouté")) == {"speak"}  # a rank is no role
    (fr,) = analyse(
        "Oumar Touré, président de l'Union des transporteurs, affirme le contraire.", "fr"
    )
    assert mention_roles(fr, _at(fr, "Oumar Touré")) == {"lead"}
    (other,) = analyse("He said Oumar Touré had left for Gao.", "en")
    assert mention_roles(other, _at(other, "Oumar Touré")) == set()


def test_a_spokesman_does_not_answer_who_commands():
    claim = analyse(
        "The new figure was given by armed forces spokesman Lieutenant-Colonel Issa Kanouté.",
        "en",
    )[0]
    commander = analyse_question("What is the name of the officer commanding the Kassoro camp?")
    spokesman = analyse_question("Which army spokesman gave the new figure?")
    assert slot_fit(commander, claim) == 0.0
    assert slot_fit(spokesman, claim) == 1.0


def test_a_name_without_a_stated_role_may_answer_but_fits_less():
    qa = analyse_question("Who commanded the camp?")
    # the sentence says who commands, but not next to the name: the parse may not tie them
    loose = analyse("The camp was commanded from 2022 on by Colonel Assimi Goïta.", "en")[0]
    stated = analyse("The camp commander, Assimi Goïta, inspected it on Monday.", "en")[0]
    assert 0.0 < slot_fit(qa, loose) < slot_fit(qa, stated) == 1.0


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        ("Who commanded the convoy?", "Colonel Assimi Goïta inspected the convoy on Monday."),
        ("Who mediated the release?", "Lorenzo Bassi, who was freed last weekend, is 54."),
        (
            "Qui dirige la coalition ?",
            "Awa Guindo a déclaré que la coalition maintenait ses chiffres.",
        ),
    ],
)
def test_a_sentence_that_never_names_the_asked_role_does_not_answer(question, sentence):
    # a sentence that nowhere says who commands (heads, mediates) cannot tell who does
    claim = analyse(sentence, analyse_question(question).language)[0]
    assert slot_fit(analyse_question(question), claim) == 0.0


def test_list_questions_prefer_sentences_that_list():
    qa = analyse_question("What kinds of people did the spokesman say were among those killed?")
    assert qa.kind == "list"
    listing, single = analyse(
        "He said the victims were traders, herders and children. "
        "The strike killed 21 civilians, the rebels said.",
        "en",
    )
    assert slot_fit(qa, listing) == 1.0
    assert slot_fit(qa, single) == 0.5


def test_a_coordination_of_verbs_is_no_list():
    (cargo,) = analyse("the convoy was carrying troops, fuel and ammunition", "en")
    (strike,) = analyse("A drone hit a market, killing 24 people and wounding 30.", "en")
    assert cargo.listed == 3
    assert strike.listed < 3


def test_which_three_regions_counts_the_named_places():
    qa = analyse_question("Which three regions host the most displaced people?")
    assert qa.kind == "list"
    assert asked_count(qa.question) == 3
    three, one = analyse(
        "The Ménaka region hosts the most displaced people, followed by the Timbuktu and Mopti "
        "regions. The Ménaka region hosts more than 86,000 displaced people.",
        "en",
    )
    assert place_names(three.text, []) >= {"Ménaka", "Timbuktu", "Mopti"}
    assert slot_fit(qa, three) == 1.0
    assert slot_fit(qa, one) == 0.5


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("Which Italian town is Lorenzo Bassi from?", "origin"),
        ("Where was the engineer born?", "origin"),
        ("D'où est originaire l'ingénieur ?", "origin"),
        ("Where does the term cherry picker come from?", ""),  # a word's origin is no place
        ("What town was the convoy trying to reach?", "destination"),
        ("Vers quelle ville les habitants ont-ils fui ?", "destination"),
        ("Where were the wounded taken for treatment?", "destination"),
        ("Near which town was the engineer abducted?", ""),
        ("In which region of Mali is Kassoro?", ""),
    ],
)
def test_asked_place_role(question, role):
    assert place_roles.asked_role(question) == role


def test_where_someone_landed_is_not_where_they_are_from():
    qa = analyse_question("Which Italian town is Lorenzo Bassi from?")
    landed = analyse("Lorenzo Bassi landed at Rome's Ciampino airport on Saturday.", "en")[0]
    native = analyse("Lorenzo Bassi, a 54-year-old engineer from Brescia, was freed.", "en")[0]
    assert slot_fit(qa, landed) == 0.0
    assert slot_fit(qa, native) == 1.0


def test_a_destination_question_prefers_the_place_gone_to():
    qa = analyse_question("What town was the convoy trying to reach?")
    near = analyse("The convoy was attacked near Tessako on Thursday.", "en")[0]
    towards = analyse("The convoy later continued its route towards Bourem.", "en")[0]
    assert 0.0 < slot_fit(qa, near) < slot_fit(qa, towards) == 1.0
    fled = analyse("Les habitants ont fui pour se réfugier à Ménaka.", "fr")[0]
    assert slot_fit(analyse_question("Vers quelle ville les habitants ont-ils fui ?"), fled) == 1.0


def test_an_english_article_is_no_french_preposition():
    qa = analyse_question("What town was the convoy trying to reach?")
    claim = analyse("Gunmen attacked a convoy near Tessako on Thursday.", "en")[0]
    assert slot_fit(qa, claim) == place_roles.ROLE_MISMATCH_FIT  # "a convoy near": no "à"
