"""The index: a Chroma collection of chunks plus a manifest of articles.

Chroma stores our vectors and never embeds by itself (``embedding_function=None``). The
collection records the embedding model and dimension; opening it with another model is an
error. A second collection, ``<collection>__multilingual``, holds the multilingual embedder's
vectors of the same chunks (:mod:`rag.index.multilingual`), written and deleted together with
the first. The manifest (:mod:`rag.index.manifest`: one typed entry per article) records each
article's content hash, so re-ingesting an unchanged file embeds nothing, and keeps the cleaned
article texts for the UI: in ``manifest.sqlite`` and ``articles/`` under the index home, or, in
server mode, in a side collection on the server.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.embeddings.base import DualEncoder, TextEncoder
from rag.embeddings.multilingual import get_multilingual_embedder
from rag.errors import IndexMismatchError, IndexNotBuiltError
from rag.index.chroma import (
    chunks_from,
    connect,
    delete_paged,
    get_pages,
    open_collection,
    query_retrying,
    replace_chunks,
)
from rag.index.dedup import fingerprint, signature
from rag.index.manifest import (
    MANIFEST_VERSION,
    ChromaManifest,
    Manifest,
    ManifestChange,
    Snapshot,
    SQLiteManifest,
    carriers_by_doc,
)
from rag.index.multilingual import backfill, open_multilingual, passage_rows
from rag.models import AliasEntry, Article, ArticleListing, Chunk, DocumentEntry
from rag.settings import Settings

__all__ = ["Hit", "Store", "connect"]


@dataclass
class Hit:
    """A chunk returned by a search, with its cosine similarity to the query."""

    chunk: Chunk
    similarity: float


class Store:
    """Chunks in Chroma plus the article manifest, under ``settings.home`` or on a server.

    Thread-safe; several processes (an ingest job and the UI) may open the same index: each
    write is recorded in the manifest last, and readers see it at their next call.

    Example:
        >>> from rag.embeddings import get_embedder
        >>> from rag.settings import get_settings
        >>> settings = get_settings()  # RAG_HOME: where the index lives
        >>> store = Store(settings, get_embedder(settings.embedding))
        >>> hits = store.search(store.embedder.encode(["Who attacked the convoy?"])[0], 3)
        >>> [(h.chunk.doc_id, round(h.similarity, 2)) for h in hits]  # doctest: +SKIP
        [('reuters-2024-mali-tinzaouaten', 0.61), ...]
    """

    def __init__(
        self,
        settings: Settings,
        embedder: TextEncoder,
        *,
        create: bool = False,
        rebuild: bool = False,
        vectors: bool = True,
        multilingual: DualEncoder | None = None,
    ):
        """Open the index.

        Args:
            settings: where the index is (``home``, or ``chroma_url`` for a server) and the
                name of its collection.
            embedder: the model that embeds chunks and queries.
            create: make the index if it does not exist.
            rebuild: empty the index first (``--rebuild``); another model's collection is
                replaced.
            vectors: False when the caller neither embeds nor searches (listing, removing,
                pruning), so the embedder is not checked against the one that built the index.
            multilingual: the multilingual embedder (default: the one settings name, if any).

        Raises:
            IndexNotBuiltError: no index there, and not ``create``.
            IndexUnavailableError: the Chroma server at ``settings.chroma_url`` does not answer.
            IndexMismatchError: another embedding model or backend built the index (or the
                multilingual collection; see :func:`~rag.index.multilingual.open_multilingual`).
        """
        self.settings = settings
        self.embedder = embedder
        self.vectors = vectors
        self._cache: tuple[int, Snapshot] | None = None
        self.home = Path(settings.home)
        self._lock = threading.Lock()
        if not settings.chroma_url and not create and not (self.home / "chroma").exists():
            raise IndexNotBuiltError(
                f"no index at {self.home.resolve()}: run 'make demo' or "
                f"'python -m ingest corpus/' first (or point RAG_HOME at an index)"
            )
        self.client = connect(settings)
        self.meta: Manifest = (
            ChromaManifest(self.client, f"{settings.collection}__meta")
            if settings.chroma_url
            else SQLiteManifest(self.home)
        )
        self.multilingual = multilingual or get_multilingual_embedder(settings.embedding)
        if not settings.embedding.multilingual:
            self.multilingual = None
        self.multilingual_name = settings.collection + "__multilingual"
        if rebuild:
            try:
                self.collection = self._open_collection(create=True)
            except IndexMismatchError:  # another model: the collection itself must go
                self.client.delete_collection(settings.collection)
                self.collection = self._open_collection(create=True)
        else:
            self.collection = self._open_collection(create)
        self.ml_collection = open_multilingual(self, create, rebuild=rebuild)
        if rebuild:
            self.reset()
        elif create and self.ml_collection is not None and self.multilingual is not None:
            backfill(self.collection, self.ml_collection, self.multilingual, self._lock, self.where)

    @property
    def where(self) -> str:
        """The index's location, for messages."""
        return self.settings.chroma_url or str(self.home.resolve())

    def _open_collection(self, create: bool) -> Any:
        return open_collection(
            self.client,
            self.settings.collection,
            self.embedder,
            where=self.where,
            create=create,
            check=self.vectors,
        )

    @property
    def cross_language(self) -> bool:
        """True when questions can be searched with the multilingual embedder too."""
        return self.ml_collection is not None and self.multilingual is not None

    def reset(self) -> None:
        """Delete every chunk and article (``--rebuild``); the collections (and handles) stay."""
        with self._lock:
            for collection in filter(None, (self.collection, self.ml_collection)):
                delete_paged(collection)
            self.meta.clear_articles()
            self._commit(ManifestChange(clear=True))

    # -- manifest ---------------------------------------------------------------------
    def _snapshot(self) -> Snapshot:
        """The manifest for reading, read again only when its revision moved.

        Queries consult it (revision, "also carried by") and it grows with the corpus: one
        small revision read per query instead of every entry.
        """
        revision = self.meta.read_revision()
        cached = self._cache
        if revision is None or cached is None or cached[0] != revision:
            snapshot = self.meta.read_all()
            if revision is None:
                return snapshot
            self._cache = cached = (snapshot.info.revision, snapshot)
        return cached[1]

    def documents(self) -> dict[str, DocumentEntry]:
        """The indexed articles: doc_id -> metadata, chunk count and duplicate keys."""
        return dict(self._snapshot().documents)

    def aliases(self) -> dict[str, AliasEntry]:
        """The copies recorded as duplicates of an indexed article, not indexed themselves.

        Returns:
            doc_id -> entry: title, source, url, path, content hash and ``canonical``, the
            indexed article it duplicates.
        """
        return dict(self._snapshot().aliases)

    def carried_by(self, doc_id: str) -> list[str]:
        """Other outlets (or URLs) recorded as carrying the same story as ``doc_id``."""
        return carriers_by_doc(self._snapshot()).get(doc_id, [])

    def listing(self) -> list[ArticleListing]:
        """The indexed articles, oldest first (undated first of all), with who else carried them.

        Example:
            >>> for row in store.listing():  # doctest: +SKIP
            ...     print(row.published, row.source, row.title, row.carried_by)
            2024-07-29 Reuters Mali army says ... ['Al Jazeera']
        """
        snapshot = self._snapshot()
        carriers = carriers_by_doc(snapshot)
        return [
            ArticleListing(
                id=doc_id,
                title=entry.title,
                source=entry.source,
                published=entry.published,
                chunks=entry.chunks,
                carried_by=carriers.get(doc_id, []),
                path=entry.path,
            )
            for doc_id, entry in sorted(snapshot.documents.items(), key=lambda kv: kv[1].published)
        ]

    @property
    def revision(self) -> int:
        """Bumped on every change: lets caches (BM25) know when to rebuild."""
        return self.meta.read_revision() or 0

    def _commit(self, change: ManifestChange | None = None) -> int:
        """Write ``change`` (nothing: just bump the revision); returns the new revision."""
        info: dict[str, Any] = {"version": MANIFEST_VERSION}
        if self.vectors:
            info.update(embedding_model=self.embedder.name, embedding_backend=self.embedder.backend)
            if self.cross_language:
                assert self.multilingual is not None
                info.update(multilingual_model=self.multilingual.name)
        return self.meta.commit(change or ManifestChange(), info)

    # -- writes -----------------------------------------------------------------------
    def put_articles(
        self,
        items: list[tuple[Article, list[Chunk], np.ndarray]],
        keys: dict[str, tuple[str, list[int]]] | None = None,
        *,
        passage_vectors: list[np.ndarray] | None = None,
    ) -> None:
        """Replace each article's chunks with these, then record them all in one manifest write.

        Crash-safe by order: chunks are deleted and re-added by article (stable IDs, so a
        repeat is harmless), and the manifest write that marks the articles done comes last;
        an interrupted run leaves articles the next run simply redoes. An article recorded as
        a copy before is indexed itself from now on.

        Args:
            items: (article, its chunks, their vectors: one row per chunk).
            keys: doc_id -> (fingerprint, MinHash signature), when the caller has them
                already; missing ones are computed.
            passage_vectors: each item's multilingual vectors, if the caller has them.

        Raises:
            ValueError: an article's chunks and vectors differ in number (nothing is written).
        """
        for article, chunks, vectors in items:
            if len(chunks) != len(vectors):
                raise ValueError(
                    f"{article.doc_id}: {len(chunks)} chunks but {len(vectors)} vectors"
                )
        targets = [(self.collection, [v for _, _, v in items])]
        if self.ml_collection is not None:
            targets.append((self.ml_collection, passage_rows(self, items, passage_vectors)))
        with self._lock:
            for collection, rows in targets:
                # one delete for the group (old chunks of changed articles, leftovers of a
                # killed run); upsert makes a repeat of the same stable chunk IDs harmless
                replace_chunks(collection, [a.doc_id for a, _, _ in items], items, rows)
            entries: dict[str, DocumentEntry] = {}
            for article, chunks, _vectors in items:
                self.meta.write_article(article.doc_id, article.model_dump_json())
                fp, sig = (keys or {}).get(article.doc_id) or (
                    fingerprint(article.text),
                    signature(article.text),
                )
                entries[article.doc_id] = DocumentEntry.of(
                    article, chunks=len(chunks), fingerprint=fp, signature=sig
                )
            self._commit(ManifestChange(docs=entries, drop_aliases=list(entries)))

    def add_alias(self, article: Article, canonical: str) -> None:
        """Record ``article`` as another outlet's copy of the indexed article ``canonical``.

        Nothing is embedded: answers citing ``canonical`` name the copy's outlet as also
        carrying the story (:meth:`carried_by`).
        """
        with self._lock:
            entry = AliasEntry.of(article, canonical=canonical)
            self._commit(ManifestChange(aliases={article.doc_id: entry}))

    def remove_article(self, doc_id: str) -> list[str]:
        """Delete an article (or a recorded copy) and its chunks.

        Removing an indexed article also forgets the copies recorded as its aliases, so that
        a later ingest of their files indexes one of them in its place.

        Returns:
            The doc_ids removed from the manifest: none when ``doc_id`` is unknown.
        """
        with self._lock:
            docs, aliases, _ = self.meta.read_all()
            change = ManifestChange()
            if doc_id in docs:
                copies = [a for a, e in aliases.items() if e.canonical == doc_id]
                change = ManifestChange(drop_docs=[doc_id], drop_aliases=copies)
            elif doc_id in aliases:
                change = ManifestChange(drop_aliases=[doc_id])
            for collection in filter(None, (self.collection, self.ml_collection)):
                collection.delete(where={"doc_id": doc_id})
            self.meta.delete_article(doc_id)
            self._commit(change)
        return change.drop_docs + change.drop_aliases

    # -- reads ------------------------------------------------------------------------
    def article(self, doc_id: str) -> Article | None:
        """The cleaned article (text, metadata, page offsets), or None if it is not indexed."""
        data = self.meta.read_article(doc_id)
        return Article.model_validate_json(data) if data else None

    def count(self) -> int:
        """Number of chunks."""
        return int(self.collection.count())

    def iter_chunks(self, page: int = 5000) -> Iterator[Chunk]:
        """Every chunk, read ``page`` at a time."""
        for got in get_pages(self.collection, include=["documents", "metadatas"], page=page):
            yield from chunks_from(got["ids"], got["documents"], got["metadatas"]).values()

    def get_chunks(self, ids: list[str], *, by_doc: bool = False) -> dict[str, Chunk]:
        """The chunks with these IDs that exist now (id -> chunk; missing IDs are left out).

        With ``by_doc``, ``ids`` are doc_ids and every chunk of those articles is returned.
        """
        if not ids:
            return {}
        where = {"doc_id": {"$in": ids}} if by_doc else None
        got = self.collection.get(
            ids=None if by_doc else ids, where=where, include=["documents", "metadatas"]
        )
        return chunks_from(got["ids"], got["documents"], got["metadatas"])

    def search(
        self,
        vector: np.ndarray,
        n: int,
        where: dict[str, Any] | None = None,
        known: Mapping[str, Chunk] | None = None,
        *,
        multilingual: bool = False,
    ) -> list[Hit]:
        """Nearest chunks by cosine similarity.

        Args:
            vector: the query's embedding, by the index's model (or multilingual one).
            n: how many chunks at most; fewer when the index (or the filter) holds fewer.
            where: a Chroma filter on chunk metadata, e.g. ``Filters.where()``.
            known: id -> chunk already in memory (the BM25 side's copy): those chunks' texts
                and metadata are not fetched again, which at 1M chunks costs more than the
                HNSW search itself.
            multilingual: search the multilingual collection (see :attr:`cross_language`).

        Returns:
            Hits, most similar first.

        Example:
            >>> q = store.embedder.encode(["Azawad independent homeland"])[0]
            >>> [h.chunk.doc_id for h in store.search(q, 2)]  # doctest: +SKIP
            ['reuters-2024-mali-tinzaouaten', 'reuters-2024-mali-tinzaouaten']
        """
        # no count() first: at 1M chunks it costs 40 ms, the HNSW search 2 ms; Chroma >= 1.5
        # returns fewer results (or none) when the collection holds fewer than ``n``
        collection = self.ml_collection if multilingual else self.collection
        assert collection is not None, "no multilingual vectors: check cross_language first"
        res = query_retrying(
            collection,
            query_embeddings=[np.asarray(vector, dtype=np.float32)],
            n_results=n,
            where=where or None,
            include=["distances"] if known is not None else ["documents", "metadatas", "distances"],
        )
        ids, distances = res["ids"][0], res["distances"][0]
        if known is None:
            chunks = chunks_from(ids, res["documents"][0], res["metadatas"][0])
        else:
            chunks = {cid: known[cid] for cid in ids if cid in known}
            # written since ``known`` was built
            chunks.update(self.get_chunks([cid for cid in ids if cid not in chunks]))
        return [
            Hit(chunks[cid], 1.0 - float(dist))
            for cid, dist in zip(ids, distances, strict=True)
            if cid in chunks  # deleted between the query and the fetch
        ]
