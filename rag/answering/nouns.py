"""Whether two nouns name the same thing, by the bundled multilingual embedder.

"fighters" and "Wagner fighters", "soldats" and "militaires", "civils" and "civilians".
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from rag.answering.counts import fold


def head_word(phrase: str, lemma: str) -> str:
    """The word of ``phrase`` that its head ``lemma`` is of: "véhicules militaires" -> "véhicules"."""
    stem = fold(lemma)[: max(3, len(lemma) - 2)]
    return next((w for w in phrase.split() if fold(w).startswith(stem)), phrase) if stem else phrase


SAME_NOUN = 0.925
"""Multilingual-e5 cosine from which two nouns of one language count the same thing.

Measured on word pairs: synonyms voyageurs/passagers 0.933, soldats/militaires 0.943,
soldiers/troops 0.947; different things soldats/assaillants 0.916, soldiers/civilians 0.919.
"""
SAME_NOUN_ACROSS = 0.895
"""The same across English and French (translations score lower than synonyms): civils/
civilians 0.961, personnes/people 0.901, écoles/schools 0.906; different things personnes/bodies
0.877, personnes/kilometres 0.862, civils/soldiers 0.883."""


def same_noun(asked: str, counted: str, *, cross: bool = False) -> bool:
    """``counted`` (what a figure counts) names what ``asked`` does, in either language.

    By the bundled multilingual embedder; False when it is off.
    """
    return noun_similarity(asked, counted) >= (SAME_NOUN_ACROSS if cross else SAME_NOUN)


def noun_similarity(asked: str, counted: str) -> float:
    """The multilingual-e5 cosine of two nouns (0 when either is empty or the model is off)."""
    if not asked or not counted:
        return 0.0
    a, b = _noun_vector(asked.lower()), _noun_vector(counted.lower())
    if a is None or b is None:
        return 0.0
    return float(a @ b)


@lru_cache(maxsize=8192)
def _noun_vector(phrase: str) -> np.ndarray | None:
    from rag.embeddings.multilingual import get_multilingual_embedder
    from rag.settings import get_settings

    encoder = get_multilingual_embedder(get_settings().embedding)  # None when turned off
    return None if encoder is None else np.asarray(encoder.encode_passages([phrase])[0])
