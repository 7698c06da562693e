"""Hybrid retrieval: dense (Chroma) and lexical (BM25 over the same chunks), fused by RRF.

Each dense model (the main one and, when the index has its vectors, the multilingual one)
searches each chunk language as a list of its own (``RetrievalSettings.languages``): a
question then finds passages in the other language too, which one list over every chunk
ranks below its own language's. Measured on the Sahel dev split (bench/embedders.py):
recall@5 0.64 (MiniLM + BM25) -> 0.81, across languages 0.05 -> 0.48, ClapNQ hit@5 unchanged.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from rag.index.store import Store
from rag.language import question_language
from rag.models import Chunk, Filters
from rag.settings import RetrievalSettings
from rag.text import TERMS_VERSION, content_terms

log = logging.getLogger(__name__)


@dataclass
class Retrieved:
    """A fused result: the chunk and how each retriever ranked it."""

    chunk: Chunk
    score: float
    dense_rank: int | None = None  # the main embedder's, best over its language lists
    dense_similarity: float | None = None
    lexical_rank: int | None = None
    multilingual_rank: int | None = None  # the multilingual embedder's, likewise
    multilingual_similarity: float | None = None


@dataclass
class LexicalIndex:
    """BM25 over every chunk plus document frequencies for term weighting."""

    revision: int
    chunks: list[Chunk]
    bm25: bm25s.BM25 | None
    df: Counter[str] = field(default_factory=Counter)
    by_id: dict[str, Chunk] = field(default_factory=dict)
    languages: frozenset[str] = frozenset()  # of the chunks ('' when unknown)

    def __post_init__(self) -> None:
        if not self.languages:
            self.languages = frozenset(c.language for c in self.chunks)

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

    # -- persistence: a reading process (the UI) restarts without re-tokenising everything
    def save(self, folder: Path) -> None:
        """Write the index to ``folder`` (atomically: a temp folder renamed into place)."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".bm25-", dir=folder.parent))
        try:
            if self.bm25 is not None:
                self.bm25.save(str(tmp / "bm25"))
            with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as fh:
                for c in self.chunks:
                    fh.write(json.dumps([c.id, c.text, c.to_metadata()], ensure_ascii=False))
                    fh.write("\n")
            (tmp / "df.json").write_text(json.dumps(self.df), encoding="utf-8")
            (tmp / "done.json").write_text(
                json.dumps({"revision": self.revision, "chunks": len(self.chunks)})
            )
            os.replace(tmp, folder)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if not (folder / "done.json").exists():  # another process may have won the race
                raise

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        """Read an index written by :meth:`save`."""
        done = json.loads((folder / "done.json").read_text())
        chunks = []
        with (folder / "chunks.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                cid, text, meta = json.loads(line)
                chunks.append(Chunk.from_record(cid, text, meta))
        bm25 = bm25s.BM25.load(str(folder / "bm25")) if (folder / "bm25").exists() else None
        df: Counter[str] = Counter(json.loads((folder / "df.json").read_text(encoding="utf-8")))
        return cls(int(done["revision"]), chunks, bm25, df, {c.id: c for c in chunks})

    @classmethod
    def cached(cls, store: Store) -> LexicalIndex:
        """Load the index for the store's current revision from its cache, or build and save it.

        The cache lives under ``$RAG_HOME/bm25`` (also in server mode: it is local to the
        reading process), keyed by the collection's id, the term rules' version
        (``TERMS_VERSION``) and the manifest revision; older entries of the same collection
        are removed.
        """
        revision = store.revision
        root = store.home / "bm25"
        prefix = f"{store.collection.id}-t{TERMS_VERSION}-r"
        folder = root / f"{prefix}{revision}"
        if (folder / "done.json").exists():
            try:
                return cls.load(folder)
            except (OSError, ValueError, KeyError) as e:
                log.warning("BM25 cache %s unreadable (%s): rebuilding", folder, e)
                shutil.rmtree(folder, ignore_errors=True)
        index = cls.build(store)
        if index.revision == revision:  # nothing moved while it was built
            try:
                index.save(folder)
            except OSError as e:  # a read-only home still answers, just without the cache
                log.warning("BM25 cache not written to %s: %s", folder, e)
            for old in root.glob(f"{store.collection.id}-*"):
                if old != folder:
                    shutil.rmtree(old, ignore_errors=True)
        return index

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
        self._refresh: threading.Thread | None = None

    @property
    def lexical(self) -> LexicalIndex:
        """The BM25 index (see :meth:`current`)."""
        return self.current()[0]

    def current(self) -> tuple[LexicalIndex, bool]:
        """(BM25 index, whether it matches the store's revision).

        When the store changed, a small index is rebuilt at once; a large one (more than
        ``background_rebuild_chunks``) is rebuilt in a background thread while queries go on
        with the previous one — so an ingest never stalls the people chatting.
        """
        revision = self.store.revision
        with self._lock:
            index = self._lexical
            if index is None or (
                index.revision != revision
                and len(index.chunks) < self.settings.background_rebuild_chunks
            ):
                index = self._lexical = LexicalIndex.cached(self.store)
            elif index.revision != revision and not (self._refresh and self._refresh.is_alive()):
                self._refresh = threading.Thread(target=self._rebuild, daemon=True)
                self._refresh.start()
            return index, index.revision == revision

    def _rebuild(self) -> None:
        try:
            index = LexicalIndex.cached(self.store)
        except Exception:  # the next query tries again; answers go on with the old index
            log.exception("BM25 rebuild failed")
            return
        with self._lock:
            self._lexical = index

    def embed_query(self, query: str) -> np.ndarray:
        """The query vector (same embedder as the index)."""
        return self.store.embedder.encode([query])[0]

    def language_filters(self, languages: frozenset[str]) -> list[dict[str, Any] | None]:
        """One Chroma ``where`` per dense list: a chunk language each, of those present.

        The first of ``settings.languages`` also takes chunks of unlisted languages and of
        none; a single list (no filter) when the index holds one of them only.
        """
        first, *rest = self.settings.languages
        others = [lang for lang in dict.fromkeys(rest) if lang != first and lang in languages]
        if not others:
            return [None]
        out: list[dict[str, Any] | None] = [{"language": lang} for lang in others]
        if languages - set(others):
            out.insert(0, {"language": {"$nin": others}})
        return out

    def retrieve(
        self, query: str, *, k: int | None = None, filters: Filters | None = None
    ) -> list[Retrieved]:
        """Top ``k`` chunks for ``query`` by RRF over dense and BM25 rankings."""
        k = k or self.settings.k
        n = max(self.settings.candidates, k)
        where = filters.where() if filters else None
        fused: dict[str, Retrieved] = {}
        reserved: set[str] = set()  # each unread list's best multilingual chunks
        lexical, fresh = self.current()
        # a stale index's copy of a chunk may be outdated: then Chroma's texts are used
        known = lexical.by_id if fresh else None
        models = [(False, self.embed_query(query))]
        if self.store.cross_language:
            assert self.store.multilingual is not None
            models.append((True, self.store.multilingual.encode_queries([query])[0]))
        main = self.settings.languages[0]
        asked = question_language(query, tuple(self.settings.languages))
        for language in self.language_filters(lexical.languages):
            clause = where if language is None else language
            # a list the main model and BM25 cannot judge (a French list, or any list for a
            # French question): its best multilingual chunks come back whatever fusion says
            listed = language["language"] if language is not None else main
            listed = listed if isinstance(listed, str) else main  # {"$nin": [...]}: the first
            unread = language is not None and not asked == listed == main
            reserve = self.settings.multilingual_reserved if unread else 0
            if where is not None and language is not None:
                clause = {"$and": [where, language]}
            for multilingual, vector in models:
                hits = self.store.search(vector, n, clause, known, multilingual=multilingual)
                for rank, hit in enumerate(hits, 1):
                    r = fused.get(hit.chunk.id)
                    if r is None:
                        r = fused[hit.chunk.id] = Retrieved(hit.chunk, 0.0)
                    r.score += 1.0 / (self.settings.rrf_k + rank)
                    if multilingual:
                        if rank <= reserve:
                            reserved.add(hit.chunk.id)
                        r.multilingual_rank = min(rank, r.multilingual_rank or rank)
                        r.multilingual_similarity = hit.similarity
                    else:
                        r.dense_rank = min(rank, r.dense_rank or rank)
                        r.dense_similarity = hit.similarity
        ranked = lexical.search(query, len(lexical.chunks) if where else n)
        candidates = [lexical.chunks[pos] for pos, _score in ranked]
        if not fresh:  # removed or rewritten since the index was built: ask Chroma
            now = self.store.get_chunks([c.id for c in candidates])
            candidates = [now[c.id] for c in candidates if c.id in now]
        rank = 0
        for chunk in candidates:
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
        ranked_all = sorted(fused.values(), key=lambda r: r.score, reverse=True)
        top = ranked_all[:k]
        chosen = {r.chunk.id for r in top}
        return top + [
            r for r in ranked_all[k:] if r.chunk.id in reserved and r.chunk.id not in chosen
        ]
