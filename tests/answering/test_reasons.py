"""A "why" question is answered first by a sentence that states a reason."""

from __future__ import annotations

import pytest

from rag.analysis import analyse, analyse_question
from rag.answering.reasons import states_reason
from rag.answering.slots import slot_fit


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The toll rose because several of the wounded died of their injuries.", "en"),
        ("The group said the blockade was a response to the army's crimes.", "en"),
        ("The polls were postponed, citing security conditions.", "en"),
        ("Security conditions made it impossible to hold the vote.", "en"),
        ("The delay was due to the rains.", "en"),
        ("Les vols sont suspendus en raison de l'insécurité.", "fr"),
        ("« Nous ne pouvons plus exposer nos employés », a dit la compagnie.", "fr"),
        ("Le scrutin a été reporté afin de permettre le recensement.", "fr"),
    ],
)
def test_causal_and_purpose_connectives_state_a_reason(text, language):
    assert states_reason(text, language)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The convoy reached Gao on Monday after the attack.", "en"),
        ("A car bomb exploded near the camp since early morning.", "en"),  # 'car' is French
        ("Le bus transportait 62 passagers au moment de l'explosion.", "fr"),
        ("The campaign was due to start on June 13.", "en"),  # a schedule, not a cause
    ],
)
def test_time_words_and_plain_reports_do_not(text, language):
    assert not states_reason(text, language)


@pytest.mark.slow
def test_a_why_question_fits_a_sentence_with_a_reason_best():
    qa = analyse_question("Why did the company stop serving Bankass?")
    reason, plain = analyse(
        "The company stopped serving Bankass because two drivers were killed. "
        "The company served Bankass for ten years.",
        "en",
    )
    assert slot_fit(qa, reason, "en") == 1.0
    assert slot_fit(qa, plain, "en") == 0.5
