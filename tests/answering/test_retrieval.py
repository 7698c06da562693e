"""Hybrid retrieval: RRF fusion, cuts, filters, BM25 weights and caching, on fixed fakes.

A scripted in-memory store gives the dense ranking; BM25 (bm25s) runs for real over the
store's chunks, whose texts make its ranking obvious. One test pins the ranking over the
seed article indexed with the fake embedder.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rag.answering.retrieval import HybridRetriever, LexicalIndex
from rag.index.store import Hit, Store
from rag.models import Chunk, Filters
from rag.settings import RetrievalSettings
from rag.text import TERMS_VERSION

QUERY = "wagner convoy ambush"
# the same length each (BM25 normalises by length), sharing 3, 2, 1 and 0 query terms
TEXTS = {
    "c1": "Wagner convoy ambush reported near the border town.",
    "c2": "Wagner convoy seen moving near the border town.",
    "c3": "Wagner fighters seen moving near the border town.",
    "c4": "Rebels fighters seen moving near the border town.",
}


def _rrf(*ranks: int, k: int = 60) -> float:
    return sum(1.0 / (k + r) for r in ranks)


@dataclass
class _Collection:
    id: str = "fake-collection"


class ScriptedStore:
    """The parts of :class:`Store` the retriever uses; dense search returns a set order."""

    def __init__(self, home: Path, embedder: Any, chunks: list[Chunk], dense: list[str]):
        self.home = home
        self.embedder = embedder
        self.collection = _Collection()
        self.revision = 1
        self.chunks = {c.id: c for c in chunks}
        self.dense = dense
        self.multilingual_dense: list[str] | None = None  # set: the multilingual list's order
        self.searches: list[tuple[int, dict[str, Any] | None]] = []

    @property
    def cross_language(self) -> bool:
        return self.multilingual_dense is not None

    @property
    def multilingual(self) -> Any:
        from tests.conftest import FakeDualEncoder

        return FakeDualEncoder() if self.cross_language else None

    def iter_chunks(self) -> list[Chunk]:
        return list(self.chunks.values())

    def get_chunks(self, ids: list[str]) -> dict[str, Chunk]:
        return {i: self.chunks[i] for i in ids if i in self.chunks}

    def search(
        self,
        vector: np.ndarray,
        n: int,
        where: dict[str, Any] | None = None,
        known: dict[str, Chunk] | None = None,
        *,
        multilingual: bool = False,
    ) -> list[Hit]:
        self.searches.append((n, where))
        order = self.multilingual_dense if multilingual else self.dense
        if order is None:  # the retriever must not search a list this store does not keep
            raise AssertionError(f"searched the {'multilingual' if multilingual else 'dense'} list")
        ids = [i for i in order if _passes(self.chunks[i], where)]
        return [Hit(self.chunks[i], 0.9 - 0.1 * r) for r, i in enumerate(ids[:n])]


def _passes(chunk: Chunk, where: dict[str, Any] | None) -> bool:
    """The few Chroma filters the retriever writes: $and, source $in, language eq / $nin."""
    if not where:
        return True
    if "$and" in where:
        return all(_passes(chunk, w) for w in where["$and"])
    if "source" in where:
        return chunk.source in where["source"]["$in"]
    if "language" in where:
        lang = where["language"]
        return (
            chunk.language not in lang["$nin"] if isinstance(lang, dict) else chunk.language == lang
        )
    return True


def _chunk(cid: str, text: str, source: str = "Reuters") -> Chunk:
    return Chunk(
        id=cid,
        doc_id=f"doc-{cid}",
        index=0,
        text=text,
        start=0,
        end=len(text),
        sentences=[(0, len(text))],
        source=source,
        published="2024-08-01",
    )


@pytest.fixture
def store(tmp_path, fake_embedder) -> ScriptedStore:
    chunks = [_chunk(cid, text) for cid, text in TEXTS.items()]
    return ScriptedStore(tmp_path / "home", fake_embedder, chunks, dense=["c4", "c3", "c1"])


def _retriever(store: ScriptedStore, **settings: Any) -> HybridRetriever:
    return HybridRetriever(store, RetrievalSettings(**settings))  # type: ignore[arg-type]


def _table(results) -> list[tuple[str, int | None, int | None]]:
    return [(r.chunk.id, r.dense_rank, r.lexical_rank) for r in results]


def test_bm25_ranks_by_shared_query_terms(store):
    lexical = LexicalIndex.build(store)
    ranked = lexical.search(QUERY, 10)
    # c4 shares no term: a zero score is no match
    assert [lexical.chunks[pos].id for pos, _ in ranked] == ["c1", "c2", "c3"]
    assert [s for _, s in ranked] == sorted((s for _, s in ranked), reverse=True)


def test_rrf_fuses_the_dense_and_bm25_rankings(store):
    results = _retriever(store).retrieve(QUERY)
    assert _table(results) == [
        ("c1", 3, 1),
        ("c3", 2, 3),
        ("c4", 1, None),
        ("c2", None, 2),
    ]
    assert [r.score for r in results] == pytest.approx([_rrf(3, 1), _rrf(2, 3), _rrf(1), _rrf(2)])
    assert [r.dense_similarity for r in results] == pytest.approx([0.7, 0.8, 0.9, None])
    assert store.searches == [(30, None)]  # `candidates` from the dense side


def test_rrf_constant_comes_from_the_settings(store):
    results = _retriever(store, rrf_k=1).retrieve(QUERY)
    assert _table(results) == [("c1", 3, 1), ("c3", 2, 3), ("c4", 1, None), ("c2", None, 2)]
    assert [r.score for r in results] == pytest.approx([1 / 4 + 1 / 2, 1 / 3 + 1 / 4, 1 / 2, 1 / 3])


def test_k_cuts_the_fused_list(store):
    assert _table(_retriever(store, k=2).retrieve(QUERY)) == [("c1", 3, 1), ("c3", 2, 3)]
    # the argument wins over the setting
    assert _table(_retriever(store, k=2).retrieve(QUERY, k=1)) == [("c1", 3, 1)]


def test_candidates_cut_each_ranking_before_fusion(store):
    results = _retriever(store, k=2, candidates=2).retrieve(QUERY)
    # dense keeps c4, c3; BM25 keeps c1, c2: ties keep dense results first
    assert _table(results) == [("c4", 1, None), ("c1", None, 1)]
    assert [r.score for r in results] == pytest.approx([_rrf(1), _rrf(1)])
    assert store.searches == [(2, None)]


def test_filters_apply_to_both_retrievers(store):
    store.chunks["c1"] = _chunk("c1", TEXTS["c1"], source="AFP")
    store.chunks["c3"] = _chunk("c3", TEXTS["c3"], source="AFP")
    results = _retriever(store).retrieve(QUERY, filters=Filters(sources=["AFP"]))
    # dense: Chroma's where clause; BM25: the same filter, ranks counted among matches only;
    # equal scores keep the dense side's order
    assert _table(results) == [("c3", 1, 2), ("c1", 2, 1)]
    assert [r.score for r in results] == pytest.approx([_rrf(1, 2), _rrf(2, 1)])
    assert store.searches == [(30, {"source": {"$in": ["AFP"]}})]


def test_a_stale_bm25_index_reads_current_texts_and_drops_removed_chunks(store):
    retriever = _retriever(store, background_rebuild_chunks=0)
    assert _table(retriever.retrieve(QUERY))[0] == ("c1", 3, 1)
    # the index changes: c2 removed, c1 rewritten; the large-index path rebuilds BM25 in a
    # background thread and answers from the previous one meanwhile
    del store.chunks["c2"]
    store.chunks["c1"] = _chunk("c1", "Rewritten text about the convoy ambush near the town.")
    store.revision = 2
    store.dense = ["c4", "c3", "c1"]
    results = retriever.retrieve(QUERY)
    assert _table(results) == [("c1", 3, 1), ("c3", 2, 2), ("c4", 1, None)]
    assert results[0].chunk.text.startswith("Rewritten")
    assert retriever._refresh is not None
    retriever._refresh.join(timeout=30)
    lexical, fresh = retriever.current()
    assert (lexical.revision, fresh, sorted(lexical.by_id)) == (2, True, ["c1", "c3", "c4"])


def test_a_small_stale_index_is_rebuilt_before_the_query(store):
    retriever = _retriever(store)
    retriever.retrieve(QUERY)
    del store.chunks["c1"]
    store.revision = 2
    store.dense = ["c4", "c3"]
    assert _table(retriever.retrieve(QUERY)) == [("c3", 2, 2), ("c4", 1, None), ("c2", None, 1)]
    assert retriever._refresh is None


def test_term_weight_is_one_plus_idf(store):
    lexical = LexicalIndex.build(store)
    n = 4
    assert lexical.df["wagner"] == 3 and lexical.df["convoy"] == 2
    assert lexical.weight("wagner") == pytest.approx(1 + math.log(1 + (n - 3 + 0.5) / 3.5))
    assert lexical.weight("convoy") == pytest.approx(1 + math.log(1 + (n - 2 + 0.5) / 2.5))
    assert lexical.weight("town") == pytest.approx(1 + math.log(1 + 0.5 / 4.5))
    assert lexical.weight("unseen") == pytest.approx(1 + math.log(10))


def test_cached_index_is_saved_reloaded_and_replaced(store):
    first = LexicalIndex.cached(store)
    folder = store.home / "bm25" / f"fake-collection-t{TERMS_VERSION}-r1"
    assert (folder / "done.json").exists()
    again = LexicalIndex.load(folder)
    assert again.revision == 1
    assert [c.id for c in again.chunks] == [c.id for c in first.chunks]
    assert again.df == first.df
    ranked, reloaded = first.search(QUERY, 10), again.search(QUERY, 10)
    assert [pos for pos, _ in reloaded] == [pos for pos, _ in ranked] == [0, 1, 2]
    assert [s for _, s in reloaded] == pytest.approx([s for _, s in ranked])
    store.revision = 2
    LexicalIndex.cached(store)
    assert sorted(p.name for p in (store.home / "bm25").iterdir()) == [
        f"fake-collection-t{TERMS_VERSION}-r2"
    ]


def test_empty_store_retrieves_nothing(tmp_path, fake_embedder):
    empty = ScriptedStore(tmp_path / "home", fake_embedder, [], dense=[])
    assert _retriever(empty).retrieve(QUERY) == []


# -- the seed article, indexed with the fake embedder ---------------------------------------
@pytest.fixture
def indexed_store(indexed, fake_embedder):
    return Store(indexed, fake_embedder)


def test_seed_article_ranking(indexed_store):
    retriever = HybridRetriever(indexed_store, RetrievalSettings())
    results = retriever.retrieve("How many Wagner fighters did the rebels say they killed?")
    # (chunk index in the article, dense rank, BM25 rank): all five chunks, k=6
    assert [(r.chunk.index, r.dense_rank, r.lexical_rank) for r in results] == [
        (0, 1, 2),
        (3, 2, 1),
        (2, 3, 5),
        (4, 5, 3),
        (1, 4, 4),
    ]
    for r in results:
        ranks = [x for x in (r.dense_rank, r.lexical_rank) if x is not None]
        assert r.score == pytest.approx(_rrf(*ranks))
    (doc_id,) = indexed_store.documents()  # the one article
    assert [r.chunk.doc_id for r in results] == [doc_id] * 5


def test_seed_article_filters(indexed_store):
    retriever = HybridRetriever(indexed_store, RetrievalSettings())
    q = "How many Wagner fighters did the rebels say they killed?"
    plain = [r.chunk.id for r in retriever.retrieve(q)]
    reuters = retriever.retrieve(q, filters=Filters(sources=["Reuters"]))
    assert [r.chunk.id for r in reuters] == plain
    assert retriever.retrieve(q, filters=Filters(sources=["AFP"])) == []
    assert retriever.retrieve(q, filters=Filters(date_from="2024-08-02")) == []
    until = retriever.retrieve(q, filters=Filters(date_to="2024-08-01"))
    assert [r.chunk.id for r in until] == plain
