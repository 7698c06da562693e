"""Retrieval across languages: each dense model searches each chunk language, RRF fuses them all.

The scripted store of ``test_retrieval`` gives each model's dense order; BM25 runs for real.
"""

from __future__ import annotations

import pytest

from rag.models import Filters
from tests.answering.test_retrieval import (
    QUERY,
    TEXTS,
    ScriptedStore,
    _chunk,
    _retriever,
    _rrf,
)

FRENCH = "Une embuscade contre un convoi a fait douze morts près de Gao."
EN_LIST = {"language": {"$nin": ["fr"]}}
FR_LIST = {"language": "fr"}


@pytest.fixture
def store(tmp_path, fake_embedder) -> ScriptedStore:
    chunks = [_chunk(cid, text) for cid, text in TEXTS.items()]
    french = _chunk("f1", FRENCH).model_copy(update={"language": "fr"})
    s = ScriptedStore(tmp_path / "home", fake_embedder, [*chunks, french], dense=[])
    s.dense = ["c4", "c3", "c1", "f1"]  # the English model puts the French chunk last
    s.multilingual_dense = ["f1", "c1", "c3", "c4"]
    return s


def _table(results) -> list[tuple[str, int | None, int | None, int | None]]:
    return [(r.chunk.id, r.dense_rank, r.multilingual_rank, r.lexical_rank) for r in results]


def test_each_model_searches_each_language_and_rrf_fuses_them(store):
    results = _retriever(store).retrieve(QUERY)
    assert _table(results) == [
        ("c1", 3, 1, 1),
        ("c3", 2, 2, 3),
        ("f1", 1, 1, None),  # first of the French lists: in the top 3
        ("c4", 1, 3, None),
        ("c2", None, None, 2),
    ]
    assert [r.score for r in results] == pytest.approx(
        [_rrf(3, 1, 1), _rrf(2, 2, 3), _rrf(1, 1), _rrf(1, 3), _rrf(2)]
    )
    # the first language takes chunks of unlisted languages and of none
    assert store.searches == [(30, EN_LIST), (30, EN_LIST), (30, FR_LIST), (30, FR_LIST)]


def test_each_languages_best_multilingual_chunks_are_returned_beside_the_top_k(store):
    """Fusion ranks the French chunk, found by the multilingual model alone, fourth: with k=2 it
    still comes back, as the French list's first."""
    results = _retriever(store, k=2, multilingual_reserved=1).retrieve(QUERY)
    assert [r.chunk.id for r in results] == ["c1", "c3", "f1"]
    assert [
        r.chunk.id for r in _retriever(store, k=2, multilingual_reserved=0).retrieve(QUERY)
    ] == [
        "c1",
        "c3",
    ]
    # an English question's English list is read by the main model and BM25: no reserve
    both = _retriever(store, k=1, multilingual_reserved=2).retrieve(QUERY)
    assert [r.chunk.id for r in both] == ["c1", "f1"]
    # a French question: the lists' firsts come back (without the reserve, k=1 is one chunk)
    asked = "Combien de morts dans l'embuscade contre le convoi près de Gao ?"
    french = _retriever(store, k=1, multilingual_reserved=1).retrieve(asked)
    assert {r.chunk.id for r in french} == {"c1", "f1"}
    assert len(_retriever(store, k=1, multilingual_reserved=0).retrieve(asked)) == 1


def test_without_multilingual_vectors_the_main_model_still_searches_per_language(store):
    store.multilingual_dense = None
    results = _retriever(store, k=4).retrieve(QUERY)
    # the French chunk ties the English list's first (equal scores keep the first found)
    assert _table(results) == [
        ("c1", 3, None, 1),
        ("c3", 2, None, 3),
        ("c4", 1, None, None),
        ("f1", 1, None, None),
    ]
    assert store.searches == [(30, EN_LIST), (30, FR_LIST)]


def test_filters_combine_with_the_language_of_each_list(store):
    store.chunks["c1"] = _chunk("c1", TEXTS["c1"], source="AFP")
    store.chunks["f1"] = store.chunks["f1"].model_copy(update={"source": "AFP"})
    results = _retriever(store).retrieve(QUERY, filters=Filters(sources=["AFP"]))
    assert _table(results) == [("c1", 1, 1, 1), ("f1", 1, 1, None)]
    afp = {"source": {"$in": ["AFP"]}}
    assert store.searches == [
        (30, {"$and": [afp, EN_LIST]}),
        (30, {"$and": [afp, EN_LIST]}),
        (30, {"$and": [afp, FR_LIST]}),
        (30, {"$and": [afp, FR_LIST]}),
    ]


def test_one_language_in_the_index_is_one_list_without_a_language_filter(store):
    del store.chunks["f1"]
    store.dense, store.multilingual_dense = ["c4", "c3", "c1"], ["c1", "c3", "c4"]
    _retriever(store).retrieve(QUERY)
    assert store.searches == [(30, None), (30, None)]


@pytest.mark.parametrize(
    ("languages", "present", "lists"),
    [
        (["en", "fr"], {"en", "fr", ""}, [EN_LIST, FR_LIST]),
        (["en", "fr"], {"fr"}, [FR_LIST]),  # no English (nor other) chunk: no empty list
        (["en", "fr"], {"en", "de"}, [None]),
        (["fr", "en"], {"en", "fr"}, [{"language": {"$nin": ["en"]}}, {"language": "en"}]),
    ],
)
def test_language_filters(store, languages, present, lists):
    assert _retriever(store, languages=languages).language_filters(frozenset(present)) == lists
