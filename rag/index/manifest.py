"""The manifest: what the index holds, one typed record per article, plus article texts.

One interface, :class:`Manifest`, two implementations: :class:`SQLiteManifest` (embedded mode:
``manifest.sqlite`` and ``articles/*.json`` under the index home) and :class:`ChromaManifest`
(server mode: records of a side collection, so every machine talking to the server sees the
same index). Both store each entry as JSON text, one row or record per article, so a write
touches only what changed. Older layouts are imported by :mod:`rag.index.migrations`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

from pydantic import Field

from rag.index.chroma import batches, delete_paged, get_pages
from rag.index.migrations import LEGACY_JSON, MIGRATIONS
from rag.models import AliasEntry, DocumentEntry, Record

MANIFEST_VERSION = 1


class ManifestInfo(Record):
    """The manifest's own record: format version, revision, model, migrations applied."""

    version: int = MANIFEST_VERSION
    revision: int = Field(0, description="Bumped by every write (0: never written).")
    embedding_model: str = ""
    embedding_backend: str = ""
    multilingual_model: str = Field(
        "", description="The multilingual embedder of the index's second collection ('': none)."
    )
    migrations: list[str] = Field(default_factory=list, description="Applied, in order.")


class Snapshot(NamedTuple):
    """The whole manifest as read at one moment."""

    documents: dict[str, DocumentEntry]
    aliases: dict[str, AliasEntry]
    info: ManifestInfo


@dataclass
class ManifestChange:
    """What one manifest write changes: entries to upsert or drop, or everything cleared first."""

    docs: dict[str, DocumentEntry] = field(default_factory=dict)
    drop_docs: list[str] = field(default_factory=list)
    aliases: dict[str, AliasEntry] = field(default_factory=dict)
    drop_aliases: list[str] = field(default_factory=list)
    clear: bool = False


class Manifest(ABC):
    """Where the index records its articles (one entry each), its revision and article texts.

    Entries are written after the chunks they describe, so an entry means "this article is
    done". Pending :mod:`~rag.index.migrations` run once, on first use.
    """

    kind: ClassVar[str]  # which migrations apply: "sqlite" or "chroma"

    def __init__(self) -> None:
        self._migrated = False
        self._migrating = threading.Lock()

    @abstractmethod
    def read_all(self) -> Snapshot:
        """Every entry and the info record, as they are now."""

    @abstractmethod
    def read_revision(self) -> int | None:
        """The revision: one small read (None before the first write)."""

    @abstractmethod
    def commit(self, change: ManifestChange, info: Mapping[str, Any]) -> int:
        """Apply ``change`` and merge ``info`` into the info record; returns the new revision.

        The revision is incremented by the write itself; article texts must already be stored.
        """

    @abstractmethod
    def read_article(self, doc_id: str) -> str | None:
        """An article's JSON, or None."""

    @abstractmethod
    def write_article(self, doc_id: str, data: str) -> None:
        """Store an article's JSON."""

    @abstractmethod
    def delete_article(self, doc_id: str) -> None:
        """Forget an article's JSON."""

    @abstractmethod
    def clear_articles(self) -> None:
        """Forget every article's JSON."""

    @abstractmethod
    def applied_migrations(self) -> list[str]:
        """Names of the migrations recorded as applied, in order."""

    @abstractmethod
    def record_migrations(self, names: list[str]) -> None:
        """Record ``names`` as the migrations applied."""

    def migrate(self) -> None:
        """Apply the migrations this manifest has not applied yet (checked once per instance)."""
        if self._migrated:
            return
        with self._migrating:
            if not self._migrated:
                MIGRATIONS.apply(self)
                self._migrated = True


def atomic_write(path: Path, data: str, *, sync: bool = True) -> None:
    """Write via a temporary file and rename; ``sync`` waits for the disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(data)
        f.flush()
        if sync:
            os.fsync(f.fileno())
    os.replace(tmp, path)


def _wal(db: sqlite3.Connection) -> None:
    """Put the database in WAL mode (kept in the file: a no-op once done).

    SQLite does not wait on its busy timeout to change the journal mode: a reader that opens
    the file while the first writer is still making it fails at once with "database is locked".
    The switch is retried with a short backoff for up to 60 s instead.
    """
    from tenacity import retry, retry_if_exception, stop_after_delay, wait_exponential

    def locked(e: BaseException) -> bool:
        return isinstance(e, sqlite3.OperationalError) and "locked" in str(e)

    @retry(
        retry=retry_if_exception(locked),
        stop=stop_after_delay(60),
        wait=wait_exponential(multiplier=0.02, max=1.0),
        reraise=True,
    )
    def switch() -> None:
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode=WAL")

    switch()


class SQLiteManifest(Manifest):
    """Entries as rows of ``manifest.sqlite`` and article texts as files, under ``home``.

    Tables ``documents`` and ``aliases`` (doc_id, JSON entry) and ``info`` (key, JSON value):
    a corpus of hundreds of thousands of articles is never rewritten whole.
    """

    kind = "sqlite"

    def __init__(self, home: Path) -> None:
        super().__init__()
        self.home = home
        self.path = home / "manifest.sqlite"

    def _exists(self) -> bool:
        # reads must not create a database, unless there is an older manifest to import
        return self.path.exists() or (self.home / LEGACY_JSON).exists()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A connection to the database (made if missing), committed when the block ends."""
        self.home.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=60)) as db:
            _wal(db)
            db.execute("PRAGMA synchronous=FULL")
            db.executescript(
                "CREATE TABLE IF NOT EXISTS documents (doc_id TEXT PRIMARY KEY, entry TEXT NOT NULL);"
                "CREATE TABLE IF NOT EXISTS aliases (doc_id TEXT PRIMARY KEY, entry TEXT NOT NULL);"
                "CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            )
            with db:
                yield db

    @staticmethod
    def _info(db: sqlite3.Connection) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in db.execute("SELECT key, value FROM info")}

    def read_all(self) -> Snapshot:
        """Every entry and the info record, as they are now."""
        if not self._exists():
            return Snapshot({}, {}, ManifestInfo())
        self.migrate()
        with self.transaction() as db:
            docs = {
                k: DocumentEntry.model_validate_json(v)
                for k, v in db.execute("SELECT doc_id, entry FROM documents")
            }
            aliases = {
                k: AliasEntry.model_validate_json(v)
                for k, v in db.execute("SELECT doc_id, entry FROM aliases")
            }
            info = ManifestInfo.model_validate(self._info(db))
        return Snapshot(docs, aliases, info)

    def read_revision(self) -> int | None:
        """The revision: one small read (None before the first write)."""
        if not self._exists():
            return None
        self.migrate()
        with self.transaction() as db:
            row = db.execute("SELECT value FROM info WHERE key = 'revision'").fetchone()
        return int(json.loads(row[0])) if row else None

    def commit(self, change: ManifestChange, info: Mapping[str, Any]) -> int:
        """Apply ``change`` in one transaction; returns the new revision."""
        self.migrate()
        os.sync()  # article files are written unsynced; the manifest must not outrun them
        with self.transaction() as db:
            if change.clear:
                db.execute("DELETE FROM documents")
                db.execute("DELETE FROM aliases")
            for table, drop, put in (
                ("documents", change.drop_docs, change.docs),
                ("aliases", change.drop_aliases, change.aliases),
            ):
                db.executemany(f"DELETE FROM {table} WHERE doc_id = ?", [(d,) for d in drop])
                db.executemany(
                    f"INSERT OR REPLACE INTO {table} VALUES (?, ?)",
                    [(k, json.dumps(e.model_dump(), ensure_ascii=False)) for k, e in put.items()],
                )
            row = db.execute("SELECT value FROM info WHERE key = 'revision'").fetchone()
            revision = (int(json.loads(row[0])) if row else 0) + 1
            db.executemany(
                "INSERT OR REPLACE INTO info VALUES (?, ?)",
                [(k, json.dumps(v)) for k, v in {**info, "revision": revision}.items()],
            )
        return revision

    def applied_migrations(self) -> list[str]:
        """Names of the migrations recorded as applied, in order."""
        with self.transaction() as db:
            row = db.execute("SELECT value FROM info WHERE key = 'migrations'").fetchone()
        return list(json.loads(row[0])) if row else []

    def record_migrations(self, names: list[str]) -> None:
        """Record ``names`` as the migrations applied."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO info VALUES ('migrations', ?)", (json.dumps(names),))

    def read_article(self, doc_id: str) -> str | None:
        """An article's JSON, or None."""
        path = self.home / "articles" / f"{doc_id}.json"
        return path.read_text(encoding="utf-8") if path.exists() else None

    def write_article(self, doc_id: str, data: str) -> None:
        """Store an article's JSON (unsynced: the next commit syncs it)."""
        atomic_write(self.home / "articles" / f"{doc_id}.json", data, sync=False)

    def delete_article(self, doc_id: str) -> None:
        """Forget an article's JSON."""
        (self.home / "articles" / f"{doc_id}.json").unlink(missing_ok=True)

    def clear_articles(self) -> None:
        """Forget every article's JSON."""
        for f in (self.home / "articles").glob("*.json"):
            f.unlink()


class ChromaManifest(Manifest):
    """Entries and article texts as records of a side collection on the Chroma server.

    One record per article (``doc:ID``), per recorded copy (``alias:ID``) and per article
    text (``article:ID``), each with its kind in the metadata; ``info`` holds the revision
    and is written last. The migrations applied have a record of their own (``migrations``):
    recording them never rewrites ``info``, which another machine may be committing to.
    """

    kind = "chroma"
    _VEC = [1.0]  # records are looked up by ID or kind only; Chroma still wants a vector

    def __init__(self, client: Any, name: str) -> None:
        super().__init__()
        self.collection = client.get_or_create_collection(
            name, embedding_function=None, metadata={"role": "manifest and article texts"}
        )

    def get_record(self, key: str) -> str | None:
        """The text of record ``key``, or None."""
        got = self.collection.get(ids=[key], include=["documents"])
        return str(got["documents"][0]) if got["ids"] else None

    def put_records(self, records: dict[str, str], kind: str) -> None:
        """Upsert records (ID -> text) of one kind, in batches."""
        items = list(records.items())
        for part in batches(len(items)):
            batch = items[part]
            self.collection.upsert(
                ids=[k for k, _ in batch],
                documents=[v for _, v in batch],
                metadatas=[{"kind": kind}] * len(batch),
                embeddings=[self._VEC] * len(batch),
            )

    def _texts(self, kind: str) -> Iterator[tuple[str, str]]:
        for got in get_pages(self.collection, where={"kind": kind}, include=["documents"]):
            for key, text in zip(got["ids"], got["documents"], strict=True):
                yield key.split(":", 1)[1], text

    def _info(self) -> dict[str, Any]:
        return dict(json.loads(self.get_record("info") or "{}"))

    def read_all(self) -> Snapshot:
        """Every entry and the info record, as they are now."""
        self.migrate()
        got = self.collection.get(ids=["info", "migrations"], include=["documents"])
        records = {k: json.loads(v) for k, v in zip(got["ids"], got["documents"], strict=True)}
        info = ManifestInfo.model_validate(
            {**records.get("info", {}), "migrations": records.get("migrations", [])}
        )
        docs = {k: DocumentEntry.model_validate_json(v) for k, v in self._texts("doc")}
        aliases = {k: AliasEntry.model_validate_json(v) for k, v in self._texts("alias")}
        return Snapshot(docs, aliases, info)

    def read_revision(self) -> int | None:
        """The revision: one small read (None before the first write)."""
        self.migrate()
        revision = self._info().get("revision")
        return None if revision is None else int(revision)

    def commit(self, change: ManifestChange, info: Mapping[str, Any]) -> int:
        """Apply ``change``; the ``info`` record (with the new revision) is written last."""
        self.migrate()
        if change.clear:
            for kind in ("doc", "alias"):
                delete_paged(self.collection, where={"kind": kind})
        drop = [f"doc:{d}" for d in change.drop_docs] + [f"alias:{d}" for d in change.drop_aliases]
        for part in batches(len(drop)):
            self.collection.delete(ids=drop[part])
        for kind, put in (("doc", change.docs), ("alias", change.aliases)):
            self.put_records(
                {f"{kind}:{k}": json.dumps(e.model_dump()) for k, e in put.items()}, kind
            )
        old = self._info()
        revision = int(old.get("revision") or 0) + 1
        self.put_records({"info": json.dumps({**old, **info, "revision": revision})}, "info")
        return revision

    def applied_migrations(self) -> list[str]:
        """Names of the migrations recorded as applied, in order."""
        return list(json.loads(self.get_record("migrations") or "[]"))

    def record_migrations(self, names: list[str]) -> None:
        """Record ``names`` as the migrations applied."""
        self.put_records({"migrations": json.dumps(names)}, "info")

    def read_article(self, doc_id: str) -> str | None:
        """An article's JSON, or None."""
        return self.get_record(f"article:{doc_id}")

    def write_article(self, doc_id: str, data: str) -> None:
        """Store an article's JSON."""
        self.put_records({f"article:{doc_id}": data}, "article")

    def delete_article(self, doc_id: str) -> None:
        """Forget an article's JSON."""
        self.collection.delete(ids=[f"article:{doc_id}"])

    def clear_articles(self) -> None:
        """Forget every article's JSON."""
        delete_paged(self.collection, where={"kind": "article"})


def carriers_by_doc(snapshot: Snapshot) -> dict[str, list[str]]:
    """doc_id -> outlets (or URLs, or paths) of its recorded copies, other than its own outlet."""
    out: dict[str, list[str]] = {}
    for alias in snapshot.aliases.values():
        indexed = snapshot.documents.get(alias.canonical)
        names = out.setdefault(alias.canonical, [])
        name = alias.carrier
        if name and name != (indexed.source if indexed else "") and name not in names:
            names.append(name)
    return out
