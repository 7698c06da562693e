"""A "why" question is answered first by a sentence that states a reason."""

from __future__ import annotations

from collections import Counter

import pytest

from rag.analysis import analyse, analyse_question
from rag.answering.evidence import select_evidence
from rag.answering.reasons import states_reason
from rag.answering.retrieval import LexicalIndex, Retrieved
from rag.answering.slots import slot_fit
from rag.models import Chunk
from rag.settings import AnswerSettings
from rag.text import split_sentences


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The toll rose because several of the wounded died of their injuries.", "en"),
        ("The group said the blockade was a response to the army's crimes.", "en"),
        ("The polls were postponed, citing security conditions.", "en"),
        ("Security conditions made it impossible to hold the vote.", "en"),
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


def _chunk(doc: str, text: str) -> Retrieved:
    spans = split_sentences(text)
    chunk = Chunk(
        id=f"{doc}-0", doc_id=doc, index=0, text=text, start=0, end=len(text), sentences=spans
    )
    return Retrieved(chunk, 0.0)


@pytest.mark.slow
def test_the_answering_articles_stated_reason_comes_first(fake_embedder):
    """Once "why" is answered, the answering article's sentence that gives a reason leads, even
    below the bar; another article's reason does not."""
    question = "Why did JNIM cut off fuel deliveries to southern Mali?"
    plain = "JNIM cut off fuel deliveries to southern Mali in January."
    reason = "A spokesman said the measure was a response to crimes by the army."
    results = [_chunk("a", f"{plain} Traders queued. {reason}")]
    others = [_chunk("c", f"{plain} Traders queued."), _chunk("b", "Prices rose because of it.")]
    lexical = LexicalIndex(0, [r.chunk for r in results + others], None, Counter())

    def select(settings: AnswerSettings, docs: list[Retrieved]) -> tuple[list, list]:
        return select_evidence(
            question, docs, embedder=fake_embedder, lexical=lexical, settings=settings
        )

    _, scored = select(AnswerSettings(min_answerability=-1.0), results)
    bars = {e.text: e.coverage + e.similarity for e in scored}
    assert bars[plain] > bars[reason]
    between = AnswerSettings(min_answerability=(bars[plain] + bars[reason]) / 2)
    selected, _ = select(between, results)
    assert [e.text for e in selected][:2] == [reason, plain]
    # another article's reason is not the answer's: the plain sentence leads
    selected, scored = select(between, others)
    assert [e.signals["type_fit"] for e in scored if "because" in e.text] == [1.0]
    assert selected[0].text == plain
