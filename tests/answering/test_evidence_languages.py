"""Evidence in another language than the question's: scored with the multilingual embedder."""

from __future__ import annotations

import numpy as np
import pytest

from rag.answering.evidence import _candidates, cross_language
from rag.answering.retrieval import Retrieved
from rag.language import question_language
from rag.models import Chunk
from rag.settings import AnswerSettings


def _chunk(cid: str, text: str, language: str) -> Chunk:
    return Chunk(
        id=cid,
        doc_id=f"doc-{cid}",
        index=0,
        text=text,
        start=0,
        end=len(text),
        sentences=[(0, len(text))],
        language=language,
    )


EN = _chunk("en", "Rebels attacked a convoy near Gao.", "en")
FR = _chunk("fr", "Une attaque contre un convoi près de Gao.", "fr")
UNKNOWN = _chunk("xx", "Rebels attacked a convoy near Gao again.", "")
SETTINGS = AnswerSettings(cross_language_shift=0.5, cross_language_scale=2.0)


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Who attacked the convoy?", "en"),
        ("Qui a attaqué le convoi ?", "fr"),
        ("Combien de soldats ont été tués à Kidal ?", "fr"),
        ("When did Wagner leave Mali?", "en"),
        ("", "en"),
    ],
)
def test_question_language(question, language):
    assert question_language(question, ("en", "fr")) == language


def test_only_the_other_language_is_rescored_with_the_multilingual_model(fake_multilingual):
    cands = _candidates([Retrieved(c, 0.0) for c in (EN, FR, UNKNOWN)], {})
    question = "Who attacked the convoy near Gao?"
    sims = np.array([0.5, 0.1, 0.4])
    floors = cross_language(question, cands, sims, fake_multilingual, ("en", "fr"), SETTINGS)
    assert fake_multilingual.calls == [("query", 1), ("passage", 1)]  # the French one only
    cos = float(
        fake_multilingual.encode_passages([FR.text])[0]
        @ fake_multilingual.encode_queries([question])[0]
    )
    expected = (cos - 0.5) * 2.0
    assert floors == pytest.approx([0.0, expected, 0.0])  # '' counts as English
    assert sims == pytest.approx([0.5, expected, 0.4])


def test_a_french_question_rescores_every_sentence_but_floors_only_english_ones(
    fake_multilingual,
):
    """The English main model does not read a French question: French sentences get the
    multilingual cosine as similarity too, but keep their lexical coverage (no floor)."""
    cands = _candidates([Retrieved(c, 0.0) for c in (EN, FR)], {})
    sims = np.array([0.1, 0.6])
    question = "Qui a attaqué le convoi près de Gao ?"
    floors = cross_language(question, cands, sims, fake_multilingual, ("en", "fr"), SETTINGS)
    qvec = fake_multilingual.encode_queries([question])[0]
    expected = [
        (float(v @ qvec) - 0.5) * 2.0 for v in fake_multilingual.encode_passages([EN.text, FR.text])
    ]
    assert sims == pytest.approx(expected)
    assert floors == pytest.approx([expected[0], 0.0])


def test_without_a_multilingual_model_nothing_changes():
    cands = _candidates([Retrieved(c, 0.0) for c in (EN, FR)], {})
    sims = np.array([0.5, 0.1])
    assert cross_language("Who attacked?", cands, sims, None, ("en", "fr"), SETTINGS) == [0, 0]
    assert sims == pytest.approx([0.5, 0.1])
