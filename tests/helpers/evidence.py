"""Evidence selection over one hand-made chunk, every threshold open (fast unit tests)."""

from __future__ import annotations

from collections import Counter

from rag.answering.evidence import select_evidence
from rag.answering.retrieval import LexicalIndex, Retrieved
from rag.embeddings.base import TextEncoder
from rag.models import Chunk, Evidence
from rag.settings import AnswerSettings
from rag.text import split_sentences

LOOSE = AnswerSettings(min_coverage=0.0, min_similarity=-1.0, min_answerability=-1.0)
"""Settings under which any sentence of the right type can answer."""


def select_in_text(
    question: str,
    text: str,
    embedder: TextEncoder,
    *,
    sentences: list[tuple[int, int]] | None = None,
    title: str = "",
    settings: AnswerSettings = LOOSE,
) -> tuple[list[Evidence], list[Evidence]]:
    """:func:`select_evidence` over ``text`` as the one retrieved chunk (default :data:`LOOSE`)."""
    chunk = Chunk(
        id="d-0",
        doc_id="d",
        index=0,
        text=text,
        start=0,
        end=len(text),
        sentences=sentences if sentences is not None else split_sentences(text),
        title=title,
    )
    return select_evidence(
        question,
        [Retrieved(chunk, 0.0)],
        embedder=embedder,
        lexical=LexicalIndex(0, [chunk], None, Counter()),
        settings=settings,
    )
