"""Dates by role ("from which date") and sources by description ("a spokesman for the group")."""

from __future__ import annotations

import pytest

from rag.analysis import analyse, analyse_question
from rag.answering.date_roles import asked_role, has_role
from rag.answering.lead import lead
from rag.answering.slots import slot_fit
from rag.models import Evidence


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("From which date will tankers be considered targets?", "start"),
        ("Since when has the town been under blockade?", "start"),
        ("À partir de quelle date les camions seront-ils visés ?", "start"),
        ("Until when is the curfew in force?", "end"),
        ("Jusqu'à quand le couvre-feu est-il en vigueur ?", "end"),
        ("When did JNIM issue its warning?", ""),
    ],
)
def test_the_role_a_date_question_asks(question, role):
    from rag.analysis.models import QuestionAnalysis

    assert asked_role(QuestionAnalysis(question=question, language="en")) == role


@pytest.mark.slow
def test_the_date_after_from_answers_from_which_date():
    text = "The group said on January 28, 2025 that trucks would be targets from February 1, 2025."
    (claim,) = analyse(text, "en")
    qa = analyse_question("From which date would trucks be targets?")
    assert [has_role(d, claim, "start") for d in claim.dates] == [False, True]
    assert slot_fit(qa, claim, "en") == 1.0
    evidence = Evidence(
        chunk_id="c",
        doc_id="d",
        text=text,
        start=0,
        end=len(text),
        similarity=0.5,
        coverage=0.5,
        type_ok=True,
        score=1.0,
        claim=claim,
        language="en",
    )
    first, _ = lead(qa, [evidence]) or ("", [])
    assert first.startswith("1 February 2025"), first
    (other,) = analyse("The group issued its warning on January 28, 2025.", "en")
    assert slot_fit(qa, other, "en") == 0.75  # a date, but not the asked end of the period


@pytest.mark.slow
def test_a_speaker_described_by_the_article_is_the_named_source():
    from rag.answering.slots import source_fit

    qa = analyse_question("From which date did JNIM warn that trucks would be attacked?")
    (claim,) = analyse("A spokesman for the group said trucks would be targets.", "en")
    assert source_fit(qa, claim, "The al Qaeda-linked group JNIM declared a blockade.") == 1.0
    assert source_fit(qa, claim, "JNIM and another group clashed near Gao.") == 0.0
    assert source_fit(qa, claim) == 0.0
    army = analyse_question("How many soldiers did the army say were killed?")
    (rebels,) = analyse("The rebels said 47 soldiers were killed.", "en")
    assert source_fit(army, rebels, "The army and the rebels clashed.") == 0.0  # no name
