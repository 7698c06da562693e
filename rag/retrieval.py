"""Hybrid retrieval: dense (Chroma) and lexical (BM25 over the same chunks), fused by RRF."""

from __future__ import annotations

import math
import threading
from collections import Counter
from dataclasses import dataclass, field

import bm25s
import numpy as np

from rag.models import Chunk, Filters
from rag.settings import RetrievalSettings
from rag.store import Store
from rag.text import content_terms


@dataclass
class Retrieved:
    """A fused result: the chunk and how each retriever ranked it."""

    chunk: Chunk
    score: float
    dense_rank: int | None = None
    dense_similarity: float | None = None
    lexical_rank: int | None = None


@dataclass
class LexicalIndex:
    """BM25 over every chunk plus document frequencies for term weighting."""

    revision: int
    chunks: list[Chunk]
    bm25: bm25s.BM25 | None
    df: Counter[str] = field(default_factory=Counter)
    by_id: dict[str, Chunk] = field(default_factory=dict)

    @classmethod
    def build(cls, store: Store) -> LexicalIndex:
        """Read every chunk from the store and index it."""
        revision = store.revision
        chunks = list(store.iter_chunks())
        tokens = [content_terms(c.title + "\n" + c.text) for c in chunks]
        df: Counter[str] = Counter()
        for t in tokens:
            df.update(set(t))
        bm25 = None
        if chunks:
            bm25 = bm25s.BM25()
            # bm25s needs a non-empty token list per document
            bm25.index([t or ["\x00"] for t in tokens], show_progress=False)
        return cls(revision, chunks, bm25, df, {c.id: c for c in chunks})

    def weight(self, term: str) -> float:
        """Term weight 1 + IDF: every term counts, rarer terms (and unseen ones) count more.

        The 1 keeps weights sane in a small corpus, where IDF alone is near zero for the
        article's own topic words.
        """
        n = max(len(self.chunks), 1)
        df = self.df.get(term, 0)
        return 1.0 + math.log(1 + (n - df + 0.5) / (df + 0.5))

    def search(self, query: str, n: int) -> list[tuple[int, float]]:
        """(chunk position, BM25 score) of the best chunks with a positive score."""
        if self.bm25 is None:
            return []
        terms = content_terms(query) or ["\x00"]
        idx, scores = self.bm25.retrieve([terms], k=min(n, len(self.chunks)), show_progress=False)
        return [(int(i), float(s)) for i, s in zip(idx[0], scores[0], strict=True) if s > 0]


class HybridRetriever:
    """Dense + BM25 retrieval over one store, fused with reciprocal-rank fusion."""

    def __init__(self, store: Store, settings: RetrievalSettings | None = None):
        self.store = store
        self.settings = settings or RetrievalSettings()
        self._lexical: LexicalIndex | None = None
        self._lock = threading.Lock()

    @property
    def lexical(self) -> LexicalIndex:
        """The BM25 index, rebuilt when the store changed since it was built."""
        with self._lock:
            if self._lexical is None or self._lexical.revision != self.store.revision:
                self._lexical = LexicalIndex.build(self.store)
            return self._lexical

    def embed_query(self, query: str) -> np.ndarray:
        """The query vector (same embedder as the index)."""
        return self.store.embedder.encode([query])[0]

    def retrieve(
        self, query: str, *, k: int | None = None, filters: Filters | None = None
    ) -> list[Retrieved]:
        """Top ``k`` chunks for ``query`` by RRF over dense and BM25 rankings."""
        k = k or self.settings.k
        n = max(self.settings.candidates, k)
        where = filters.where() if filters else None
        fused: dict[str, Retrieved] = {}
        lexical = self.lexical
        dense = self.store.search(self.embed_query(query), n, where, known=lexical.by_id)
        for rank, hit in enumerate(dense, 1):
            fused[hit.chunk.id] = Retrieved(
                hit.chunk, 1.0 / (self.settings.rrf_k + rank), rank, hit.similarity
            )
        rank = 0
        for pos, _score in lexical.search(query, len(lexical.chunks) if where else n):
            chunk = lexical.chunks[pos]
            if filters is not None and not filters.matches(chunk):
                continue
            rank += 1
            if rank > n:
                break
            r = fused.get(chunk.id)
            if r is None:
                r = fused[chunk.id] = Retrieved(chunk, 0.0)
            r.lexical_rank = rank
            r.score += 1.0 / (self.settings.rrf_k + rank)
        return sorted(fused.values(), key=lambda r: r.score, reverse=True)[:k]
