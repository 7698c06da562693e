"""The index: an embedded Chroma collection of chunks plus a manifest of articles.

Chroma stores our vectors and never embeds by itself (``embedding_function=None``). The
collection records the embedding model and dimension; opening it with another model is an
error. The manifest (``manifest.sqlite``: a row per article) records each article's content hash,
so re-ingesting an unchanged file embeds nothing; cleaned article texts sit in ``articles/`` for
the UI. In server mode both live in a side collection on the server instead.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rag.embeddings.base import TextEncoder
from rag.errors import IndexMismatchError, IndexNotBuiltError
from rag.index.dedup import fingerprint, signature
from rag.models import Article, Chunk
from rag.settings import Settings

MANIFEST_VERSION = 1
_CHROMA_BATCH = 1000


@dataclass
class Hit:
    """A chunk returned by a search, with its cosine similarity to the query."""

    chunk: Chunk
    similarity: float


def _atomic_write(path: Path, data: str, *, sync: bool = True) -> None:
    """Write via a temporary file and rename; ``sync`` waits for the disk (the manifest does)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(data)
        f.flush()
        if sync:
            os.fsync(f.fileno())
    os.replace(tmp, path)


@dataclass
class ManifestChange:
    """What one manifest write changes: rows to upsert or drop, or everything cleared first."""

    docs: dict[str, Any] = field(default_factory=dict)
    drop_docs: list[str] = field(default_factory=list)
    aliases: dict[str, Any] = field(default_factory=dict)
    drop_aliases: list[str] = field(default_factory=list)
    clear: bool = False


class FileMeta:
    """Manifest rows in SQLite and article texts as files under ``home`` (embedded mode).

    One row per article (and per recorded copy), so a write touches only what changed: the
    corpus can grow to hundreds of thousands of articles without rewriting a whole manifest.
    """

    def __init__(self, home: Path) -> None:
        self.home = home
        self.path = home / "manifest.sqlite"

    def _connect(self) -> sqlite3.Connection:
        self.home.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=60)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.executescript(
            "CREATE TABLE IF NOT EXISTS documents (doc_id TEXT PRIMARY KEY, entry TEXT NOT NULL);"
            "CREATE TABLE IF NOT EXISTS aliases (doc_id TEXT PRIMARY KEY, entry TEXT NOT NULL);"
            "CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        )
        legacy = self.home / "manifest.json"
        if legacy.exists():  # an index from before the SQLite manifest: import it once
            raw = json.loads(legacy.read_text(encoding="utf-8") or "{}")
            with db:
                db.executemany(
                    "INSERT OR REPLACE INTO documents VALUES (?, ?)",
                    [(k, json.dumps(v)) for k, v in raw.get("documents", {}).items()],
                )
                db.executemany(
                    "INSERT OR REPLACE INTO aliases VALUES (?, ?)",
                    [(k, json.dumps(v)) for k, v in raw.get("aliases", {}).items()],
                )
                info = {k: v for k, v in raw.items() if k not in ("documents", "aliases")}
                db.executemany(
                    "INSERT OR REPLACE INTO info VALUES (?, ?)",
                    [(k, json.dumps(v)) for k, v in info.items()],
                )
            legacy.unlink()
        return db

    def read_all(self) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        """(documents, aliases, info) as they are now."""
        if not self.path.exists() and not (self.home / "manifest.json").exists():
            return {}, {}, {}
        with closing(self._connect()) as db:
            docs = {k: json.loads(v) for k, v in db.execute("SELECT * FROM documents")}
            aliases = {k: json.loads(v) for k, v in db.execute("SELECT * FROM aliases")}
            info = {k: json.loads(v) for k, v in db.execute("SELECT * FROM info")}
        return docs, aliases, info

    def read_revision(self) -> int | None:
        """The revision (None before the first write)."""
        if not self.path.exists() and not (self.home / "manifest.json").exists():
            return None
        with closing(self._connect()) as db:
            row = db.execute("SELECT value FROM info WHERE key = 'revision'").fetchone()
        return int(json.loads(row[0])) if row else None

    def commit(self, change: ManifestChange, info: dict[str, Any]) -> int:
        """Apply ``change`` in one transaction, after the article files are on disk.

        Returns the new revision (incremented inside the transaction, so concurrent writers
        never share one).
        """
        os.sync()  # article files are written unsynced; the manifest must not outrun them
        with closing(self._connect()) as db, db:
            if change.clear:
                db.execute("DELETE FROM documents")
                db.execute("DELETE FROM aliases")
            db.executemany(
                "DELETE FROM documents WHERE doc_id = ?", [(d,) for d in change.drop_docs]
            )
            db.executemany(
                "DELETE FROM aliases WHERE doc_id = ?", [(d,) for d in change.drop_aliases]
            )
            db.executemany(
                "INSERT OR REPLACE INTO documents VALUES (?, ?)",
                [(k, json.dumps(v, ensure_ascii=False)) for k, v in change.docs.items()],
            )
            db.executemany(
                "INSERT OR REPLACE INTO aliases VALUES (?, ?)",
                [(k, json.dumps(v, ensure_ascii=False)) for k, v in change.aliases.items()],
            )
            row = db.execute("SELECT value FROM info WHERE key = 'revision'").fetchone()
            revision = (int(json.loads(row[0])) if row else 0) + 1
            db.executemany(
                "INSERT OR REPLACE INTO info VALUES (?, ?)",
                [(k, json.dumps(v)) for k, v in {**info, "revision": revision}.items()],
            )
        return revision

    def read_article(self, doc_id: str) -> str | None:
        """An article's JSON, or None."""
        path = self.home / "articles" / f"{doc_id}.json"
        return path.read_text(encoding="utf-8") if path.exists() else None

    def write_article(self, doc_id: str, data: str) -> None:
        """Store an article's JSON."""
        _atomic_write(self.home / "articles" / f"{doc_id}.json", data, sync=False)

    def delete_article(self, doc_id: str) -> None:
        """Forget an article's JSON."""
        (self.home / "articles" / f"{doc_id}.json").unlink(missing_ok=True)

    def clear_articles(self) -> None:
        """Forget every article's JSON."""
        for f in (self.home / "articles").glob("*.json"):
            f.unlink()


class ChromaMeta:
    """Manifest rows and article texts as records of a side collection (server mode).

    So every machine that talks to the server sees the same index. One record per article
    (``doc:ID``), per recorded copy (``alias:ID``) and per article text (``article:ID``);
    ``info`` holds the revision and is written last.
    """

    _VEC = [1.0]  # records are looked up by ID or kind only; Chroma still wants a vector
    _BATCH = 1000

    def __init__(self, client: Any, name: str) -> None:
        self.collection = client.get_or_create_collection(
            name, embedding_function=None, metadata={"role": "manifest and article texts"}
        )

    def _get(self, key: str) -> str | None:
        got = self.collection.get(ids=[key], include=["documents"])
        return str(got["documents"][0]) if got["ids"] else None

    def _put(self, records: dict[str, str], kind: str) -> None:
        items = list(records.items())
        for i in range(0, len(items), self._BATCH):
            batch = items[i : i + self._BATCH]
            self.collection.upsert(
                ids=[k for k, _ in batch],
                documents=[v for _, v in batch],
                metadatas=[{"kind": kind}] * len(batch),
                embeddings=[self._VEC] * len(batch),
            )

    def _kind(self, kind: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        offset = 0
        while True:
            got = self.collection.get(
                where={"kind": kind}, include=["documents"], limit=5000, offset=offset
            )
            if not got["ids"]:
                return out
            for key, doc in zip(got["ids"], got["documents"], strict=True):
                out[key.split(":", 1)[1]] = json.loads(doc)
            offset += len(got["ids"])

    def _migrate(self) -> None:
        legacy = self._get("manifest")  # one record holding everything, before per-row records
        if legacy is None:
            return
        raw = json.loads(legacy)
        info = {k: v for k, v in raw.items() if k not in ("documents", "aliases")}
        self._put({f"doc:{k}": json.dumps(v) for k, v in raw.get("documents", {}).items()}, "doc")
        self._put({f"alias:{k}": json.dumps(v) for k, v in raw.get("aliases", {}).items()}, "alias")
        self._put({"info": json.dumps({"revision": 0, **info})}, "info")
        self.collection.delete(ids=["manifest"])

    def read_all(self) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        """(documents, aliases, info) as they are now."""
        self._migrate()
        info = json.loads(self._get("info") or "{}")
        return self._kind("doc"), self._kind("alias"), info

    def read_revision(self) -> int | None:
        """The revision (None before the first write)."""
        data = self._get("info")
        if data is None:
            self._migrate()
            data = self._get("info")
        return int(json.loads(data)["revision"]) if data else None

    def commit(self, change: ManifestChange, info: dict[str, Any]) -> int:
        """Apply ``change``; the ``info`` record (with the new revision) is written last."""
        if change.clear:
            for kind in ("doc", "alias"):
                while ids := self.collection.get(where={"kind": kind}, include=[], limit=5000)[
                    "ids"
                ]:
                    self.collection.delete(ids=ids)
        drop = [f"doc:{d}" for d in change.drop_docs] + [f"alias:{d}" for d in change.drop_aliases]
        for i in range(0, len(drop), self._BATCH):
            self.collection.delete(ids=drop[i : i + self._BATCH])
        self._put({f"doc:{k}": json.dumps(v) for k, v in change.docs.items()}, "doc")
        self._put({f"alias:{k}": json.dumps(v) for k, v in change.aliases.items()}, "alias")
        revision = (json.loads(self._get("info") or "{}").get("revision") or 0) + 1
        self._put({"info": json.dumps({**info, "revision": revision})}, "info")
        return int(revision)

    def read_article(self, doc_id: str) -> str | None:
        """An article's JSON, or None."""
        return self._get(f"article:{doc_id}")

    def write_article(self, doc_id: str, data: str) -> None:
        """Store an article's JSON."""
        self._put({f"article:{doc_id}": data}, "article")

    def delete_article(self, doc_id: str) -> None:
        """Forget an article's JSON."""
        self.collection.delete(ids=[f"article:{doc_id}"])

    def clear_articles(self) -> None:
        """Forget every article's JSON."""
        while ids := self.collection.get(where={"kind": "article"}, include=[], limit=5000)["ids"]:
            self.collection.delete(ids=ids)


def _chunks(ids: list[str], documents: Any, metadatas: Any) -> dict[str, Chunk]:
    """Id -> Chunk from the parallel lists a Chroma get/query returns."""
    return {
        cid: Chunk.from_record(cid, doc, dict(meta))
        for cid, doc, meta in zip(ids, documents, metadatas, strict=True)
    }


def connect(settings: Settings) -> Any:
    """A Chroma client: ``HttpClient`` when ``chroma_url`` is set, else embedded."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    if not settings.chroma_url:
        return chromadb.PersistentClient(
            path=str(Path(settings.home) / "chroma"), settings=chroma_settings
        )
    from urllib.parse import urlparse

    url = urlparse(settings.chroma_url)
    try:
        client = chromadb.HttpClient(
            host=url.hostname or "127.0.0.1",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
        client.heartbeat()
    except Exception as e:
        raise IndexNotBuiltError(
            f"cannot reach the Chroma server at {settings.chroma_url} ({type(e).__name__}): "
            f"start it with 'chroma run --path DIR --host 127.0.0.1 --port PORT' or unset "
            f"RAG_CHROMA_URL to use the embedded index"
        ) from e
    return client


class Store:
    """Chunks in Chroma + article manifest, under ``settings.home``."""

    def __init__(
        self,
        settings: Settings,
        embedder: TextEncoder,
        *,
        create: bool = False,
        rebuild: bool = False,
        vectors: bool = True,
    ):
        """Open the index; ``create`` makes it if missing, ``rebuild`` empties it first.

        ``vectors=False``: the caller neither embeds nor searches (listing, removing, pruning),
        so the embedder is not checked against the one that built the index.
        """
        self.settings = settings
        self.embedder = embedder
        self.vectors = vectors
        self._cache: tuple[int, dict[str, Any]] | None = None
        self.home = Path(settings.home)
        self._lock = threading.Lock()
        if not settings.chroma_url and not create and not (self.home / "chroma").exists():
            raise IndexNotBuiltError(
                f"no index at {self.home.resolve()}: run 'make demo' or "
                f"'python -m ingest corpus/' first (or point RAG_HOME at an index)"
            )
        self.client = connect(settings)
        self.meta: FileMeta | ChromaMeta = (
            ChromaMeta(self.client, f"{settings.collection}__meta")
            if settings.chroma_url
            else FileMeta(self.home)
        )
        if rebuild:
            try:
                self.collection = self._open_collection(create=True)
            except IndexMismatchError:  # another model: the collection itself must go
                self.client.delete_collection(settings.collection)
                self.collection = self._open_collection(create=True)
            self.reset()
        else:
            self.collection = self._open_collection(create)

    @property
    def where(self) -> str:
        """The index's location, for messages."""
        return self.settings.chroma_url or str(self.home.resolve())

    # -- collection -------------------------------------------------------------------
    def _open_collection(self, create: bool) -> Any:
        name = self.settings.collection
        existing = {
            c.name if hasattr(c, "name") else str(c) for c in self.client.list_collections()
        }
        if name not in existing:
            if not create:
                raise IndexNotBuiltError(
                    f"the index at {self.where} has no collection {name!r}: "
                    f"run 'python -m ingest corpus/'"
                )
            return self.client.create_collection(
                name,
                embedding_function=None,
                metadata={
                    "hnsw:space": "cosine",
                    "embedding_model": self.embedder.name,
                    "embedding_dim": self.embedder.dimension,
                    "embedding_backend": self.embedder.backend,
                },
            )
        collection = self.client.get_collection(name, embedding_function=None)
        if not self.vectors:
            return collection
        meta = collection.metadata or {}
        have = (meta.get("embedding_model"), meta.get("embedding_dim"))
        # the same model name means the same dimension: only load the model to compare
        # dimensions when the names differ (an unchanged re-ingest then loads no model)
        want: tuple[Any, Any] = have
        if have[0] != self.embedder.name or have[1] is None:
            want = (self.embedder.name, self.embedder.dimension)
        if have != want:
            raise IndexMismatchError(
                f"the index at {self.where} was built with embedding model "
                f"{have[0]!r} (dim {have[1]}), but this process uses {want[0]!r} (dim {want[1]}): "
                f"set RAG_EMBEDDING__MODEL={have[0]} or rebuild with 'python -m ingest --rebuild corpus/'"
            )
        backend = meta.get("embedding_backend", "torch")  # indexes from before the setting
        if backend != self.embedder.backend:
            raise IndexMismatchError(
                f"the index at {self.where} was embedded with the {backend!r} backend, but this "
                f"process uses {self.embedder.backend!r}: vectors from different backends are "
                f"not comparable. Set RAG_EMBEDDING__BACKEND={backend} or rebuild with "
                f"'python -m ingest --rebuild corpus/'"
            )
        return collection

    def reset(self) -> None:
        """Delete every chunk and article (``--rebuild``).

        The collection itself stays, so other open handles on it remain valid.
        """
        with self._lock:
            while ids := self.collection.get(include=[], limit=5000)["ids"]:
                self.collection.delete(ids=ids)
            self.meta.clear_articles()
            self._commit(ManifestChange(clear=True))

    # -- manifest ---------------------------------------------------------------------
    def _read_manifest_raw(self) -> dict[str, Any]:
        docs, aliases, info = self.meta.read_all()
        return {"revision": 0, **info, "documents": docs, "aliases": aliases}

    def _manifest(self) -> dict[str, Any]:
        """The manifest for reading, read again only when its revision moved.

        Queries consult it (revision, "also carried by") and it grows with the corpus: one
        small revision read per query instead of every row.
        """
        revision = self.meta.read_revision()
        cached = self._cache
        if revision is None or cached is None or cached[0] != revision:
            raw = self._read_manifest_raw()
            if revision is None:
                return raw
            self._cache = cached = (int(raw.get("revision", revision)), raw)
        return cached[1]

    def documents(self) -> dict[str, dict[str, Any]]:
        """doc_id -> metadata of each indexed article (with chunks, fingerprint, signature)."""
        return dict(self._manifest()["documents"])

    def aliases(self) -> dict[str, dict[str, Any]]:
        """doc_id -> a duplicate not indexed itself (title, source, url, path, canonical)."""
        return dict(self._manifest()["aliases"])

    def carried_by(self, doc_id: str) -> list[str]:
        """Other outlets (or URLs) recorded as carrying the same story."""
        own = self.documents().get(doc_id, {}).get("source", "")
        out: list[str] = []
        for entry in self.aliases().values():
            if entry["canonical"] == doc_id:
                name = entry.get("source") or entry.get("url") or entry.get("path") or ""
                if name and name != own and name not in out:
                    out.append(name)
        return out

    @property
    def revision(self) -> int:
        """Bumped on every change: lets caches (BM25) know when to rebuild."""
        return self.meta.read_revision() or 0

    def _commit(self, change: ManifestChange | None = None) -> int:
        """Write ``change`` (nothing: just bump the revision); returns the new revision."""
        info: dict[str, Any] = {"version": MANIFEST_VERSION}
        if self.vectors:
            info.update(embedding_model=self.embedder.name, embedding_backend=self.embedder.backend)
        return self.meta.commit(change or ManifestChange(), info)

    # -- writes -----------------------------------------------------------------------
    def put_articles(
        self,
        items: list[tuple[Article, list[Chunk], np.ndarray]],
        keys: dict[str, tuple[str, list[int]]] | None = None,
    ) -> None:
        """Replace each article's chunks with these, then record them all in one manifest write.

        Crash-safe by order: chunks are deleted and re-added by article (stable IDs, so a
        repeat is harmless), the manifest that marks an article done is written last and
        atomically; an interrupted run leaves articles the next run simply redoes.
        ``keys`` holds (fingerprint, MinHash signature) per doc_id; missing ones are computed.
        """
        for article, chunks, vectors in items:
            if len(chunks) != len(vectors):
                raise ValueError(
                    f"{article.doc_id}: {len(chunks)} chunks but {len(vectors)} vectors"
                )
        with self._lock:
            entries = {}
            # one delete for the group (old chunks of changed articles, leftovers of a killed
            # run); upsert makes a repeat of the same stable chunk IDs harmless
            self.collection.delete(where={"doc_id": {"$in": [a.doc_id for a, _, _ in items]}})
            all_chunks = [c for _, chunks, _ in items for c in chunks]
            all_vectors = (
                np.concatenate([v for _, _, v in items]) if all_chunks else np.zeros((0, 1))
            )
            for i in range(0, len(all_chunks), _CHROMA_BATCH):  # few large calls: each has a cost
                batch = all_chunks[i : i + _CHROMA_BATCH]
                self.collection.upsert(
                    ids=[c.id for c in batch],
                    documents=[c.text for c in batch],
                    metadatas=[c.to_metadata() for c in batch],
                    embeddings=all_vectors[i : i + _CHROMA_BATCH],
                )
            for article, chunks, _vectors in items:
                self.meta.write_article(article.doc_id, article.model_dump_json())
                fp, sig = (keys or {}).get(article.doc_id) or (
                    fingerprint(article.text),
                    signature(article.text),
                )
                entries[article.doc_id] = {
                    **article.model_dump(exclude={"text", "pages"}),
                    "chunks": len(chunks),
                    "fingerprint": fp,
                    "signature": sig,
                }

            self._commit(ManifestChange(docs=entries, drop_aliases=list(entries)))

    def add_alias(self, article: Article, canonical: str) -> None:
        """Record ``article`` as another outlet's copy of the indexed article ``canonical``."""
        entry = {
            **article.model_dump(include={"title", "source", "url", "path", "content_hash"}),
            "canonical": canonical,
        }

        with self._lock:
            self._commit(ManifestChange(aliases={article.doc_id: entry}))

    def remove_article(self, doc_id: str) -> list[str]:
        """Delete an article (or an alias) and its chunks.

        Removing an indexed article also forgets the copies recorded as its aliases, so that
        a later ingest of their files indexes one of them in its place. Returns what was removed.
        """
        with self._lock:
            docs, aliases, _ = self.meta.read_all()
            change = ManifestChange()
            if doc_id in docs:
                copies = [a for a, e in aliases.items() if e["canonical"] == doc_id]
                change = ManifestChange(drop_docs=[doc_id], drop_aliases=copies)
            elif doc_id in aliases:
                change = ManifestChange(drop_aliases=[doc_id])
            self.collection.delete(where={"doc_id": doc_id})
            self.meta.delete_article(doc_id)
            self._commit(change)
        return change.drop_docs + change.drop_aliases

    # -- reads ------------------------------------------------------------------------
    def article(self, doc_id: str) -> Article | None:
        """The cleaned article, or None."""
        data = self.meta.read_article(doc_id)
        return Article.model_validate_json(data) if data else None

    def count(self) -> int:
        """Number of chunks."""
        return int(self.collection.count())

    def iter_chunks(self, page: int = 5000) -> Iterator[Chunk]:
        """Every chunk, paged."""
        offset = 0
        while True:
            got = self.collection.get(include=["documents", "metadatas"], limit=page, offset=offset)
            ids = got["ids"]
            if not ids:
                return
            yield from _chunks(ids, got["documents"], got["metadatas"]).values()
            offset += len(ids)

    def get_chunks(self, ids: list[str]) -> dict[str, Chunk]:
        """The chunks with these IDs that exist now."""
        if not ids:
            return {}
        got = self.collection.get(ids=ids, include=["documents", "metadatas"])
        return _chunks(got["ids"], got["documents"], got["metadatas"])

    def search(
        self,
        vector: np.ndarray,
        n: int,
        where: dict[str, Any] | None = None,
        known: Mapping[str, Chunk] | None = None,
    ) -> list[Hit]:
        """Nearest chunks by cosine similarity.

        ``known`` (id -> chunk, e.g. the BM25 side's copy) saves fetching those chunks' texts
        and metadata from Chroma: at 1M chunks that fetch costs more than the HNSW search.
        """
        # no count() first: at 1M chunks it costs 40 ms, the HNSW search 2 ms; Chroma >= 1.5
        # returns fewer results (or none) when the collection holds fewer than ``n``
        res = self.collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)],
            n_results=n,
            where=where or None,
            include=["distances"] if known is not None else ["documents", "metadatas", "distances"],
        )
        ids, distances = res["ids"][0], res["distances"][0]
        if known is None:
            chunks = _chunks(ids, res["documents"][0], res["metadatas"][0])
        else:
            chunks = {cid: known[cid] for cid in ids if cid in known}
            # written since ``known`` was built
            chunks.update(self.get_chunks([cid for cid in ids if cid not in chunks]))
        return [
            Hit(chunks[cid], 1.0 - float(dist))
            for cid, dist in zip(ids, distances, strict=True)
            if cid in chunks  # deleted between the query and the fetch
        ]
