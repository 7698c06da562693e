"""Both manifests behind one interface: typed entries in, the same typed entries out."""

from __future__ import annotations

import json
import sqlite3
import uuid

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from rag.index.manifest import (
    ChromaManifest,
    Manifest,
    ManifestChange,
    SQLiteManifest,
)
from rag.models import AliasEntry, Article, DocumentEntry

ARTICLE = Article(
    doc_id="reuters-kidal",
    text="Fighting resumed near Kidal on Monday, residents said.",
    title="Fighting near Kidal",
    source="Reuters",
    url="https://example.org/kidal",
    published="2024-09-02",
    author="A. Writer",
    path="corpus/kidal.txt",
    content_hash="c0ffee",
    language="en",
    pages=[0, 40],
)
COPY = ARTICLE.model_copy(update={"doc_id": "wire-kidal", "source": "Sahel Wire", "path": "w.txt"})
# what put_articles and add_alias have always written, key for key
OLD_DOC = {
    **ARTICLE.model_dump(exclude={"text", "pages"}),
    "chunks": 3,
    "fingerprint": "f1",
    "signature": [1, 2, 3],
}
OLD_ALIAS = {
    **COPY.model_dump(include={"title", "source", "url", "path", "content_hash"}),
    "canonical": "reuters-kidal",
}
INFO = {
    "version": 1,
    "embedding_model": "fake-hash-256",
    "embedding_backend": "fake",
    "multilingual_model": "fake-multilingual-256",
}


def _client() -> chromadb.ClientAPI:
    return chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))


@pytest.fixture(params=["sqlite", "chroma"])
def manifest(request, tmp_path) -> Manifest:
    if request.param == "sqlite":
        return SQLiteManifest(tmp_path / "home")
    return ChromaManifest(_client(), f"m{uuid.uuid4().hex[:12]}")


def _doc(**update) -> DocumentEntry:
    return DocumentEntry.of(ARTICLE, chunks=3, fingerprint="f1", signature=[1, 2, 3]).model_copy(
        update=update
    )


def test_entries_are_what_was_always_written():
    doc = DocumentEntry.of(ARTICLE, chunks=3, fingerprint="f1", signature=[1, 2, 3])
    alias = AliasEntry.of(COPY, canonical="reuters-kidal")
    assert list(doc.model_dump().items()) == list(OLD_DOC.items())  # same keys, same order
    assert list(alias.model_dump().items()) == list(OLD_ALIAS.items())
    assert (doc.title, alias.canonical, alias.carrier) == (
        "Fighting near Kidal",
        "reuters-kidal",
        "Sahel Wire",
    )
    with pytest.raises(ValueError):  # frozen: entries change through the manifest only
        doc.chunks = 4  # type: ignore[misc]


def test_a_new_manifest_is_empty_and_reading_it_creates_nothing(manifest, tmp_path):
    assert manifest.read_revision() is None
    docs, aliases, info = manifest.read_all()
    assert (docs, aliases, info.revision) == ({}, {}, 0)
    assert manifest.read_article("reuters-kidal") is None
    assert not (tmp_path / "home").exists()


def test_commit_upserts_drops_clears_and_counts(manifest):
    other = _doc(doc_id="other", title="Other")
    alias = AliasEntry.of(COPY, canonical="reuters-kidal")
    assert (
        manifest.commit(
            ManifestChange(docs={"reuters-kidal": _doc(), "other": other}, aliases={"wire": alias}),
            INFO,
        )
        == 1
    )
    snapshot = manifest.read_all()
    assert (snapshot.documents, snapshot.aliases) == (
        {"reuters-kidal": _doc(), "other": other},
        {"wire": alias},
    )
    assert snapshot.info.model_dump(exclude={"migrations"}) == {**INFO, "revision": 1}

    # info keys not given again are kept; drops and upserts land together
    assert (
        manifest.commit(
            ManifestChange(docs={"reuters-kidal": _doc(chunks=5)}, drop_docs=["other"]),
            {"version": 1},
        )
        == 2
    )
    assert manifest.read_revision() == 2
    docs, aliases, info = manifest.read_all()
    assert (docs, aliases) == ({"reuters-kidal": _doc(chunks=5)}, {"wire": alias})
    assert (info.revision, info.embedding_model) == (2, "fake-hash-256")

    assert manifest.commit(ManifestChange(drop_aliases=["wire"]), INFO) == 3
    assert manifest.read_all().aliases == {}
    assert manifest.commit(ManifestChange(clear=True), INFO) == 4
    assert manifest.read_all()[:2] == ({}, {})


def test_fields_an_entry_does_not_declare_survive(manifest):
    newer = DocumentEntry.model_validate({**OLD_DOC, "summary": "From a newer version."})
    manifest.commit(ManifestChange(docs={"reuters-kidal": newer}), INFO)
    entry = manifest.read_all().documents["reuters-kidal"]
    assert entry == newer and entry.model_extra == {"summary": "From a newer version."}


def test_article_texts(manifest):
    manifest.write_article("a", ARTICLE.model_dump_json())
    manifest.write_article("b", "{}")
    assert Article.model_validate_json(manifest.read_article("a") or "") == ARTICLE
    manifest.delete_article("a")
    manifest.delete_article("a")  # already gone: no error
    assert (manifest.read_article("a"), manifest.read_article("b")) == (None, "{}")
    manifest.clear_articles()
    assert manifest.read_article("b") is None


def test_an_existing_sqlite_manifest_opens_and_is_written_as_before(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    with sqlite3.connect(home / "manifest.sqlite") as db:  # as the previous version left it
        db.executescript(
            "CREATE TABLE documents (doc_id TEXT PRIMARY KEY, entry TEXT NOT NULL);"
            "CREATE TABLE aliases (doc_id TEXT PRIMARY KEY, entry TEXT NOT NULL);"
            "CREATE TABLE info (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        )
        db.execute("INSERT INTO documents VALUES ('reuters-kidal', ?)", (json.dumps(OLD_DOC),))
        db.execute("INSERT INTO aliases VALUES ('wire-kidal', ?)", (json.dumps(OLD_ALIAS),))
        db.executemany("INSERT INTO info VALUES (?, ?)", [("version", "1"), ("revision", "4")])
    db.close()
    manifest = SQLiteManifest(home)
    assert manifest.read_revision() == 4
    assert manifest.read_all()[:2] == (
        {"reuters-kidal": _doc()},
        {"wire-kidal": AliasEntry.of(COPY, canonical="reuters-kidal")},
    )

    manifest.commit(ManifestChange(docs={"new": _doc(title="Bamako é")}), INFO)
    with sqlite3.connect(home / "manifest.sqlite") as db:
        stored = db.execute("SELECT entry FROM documents WHERE doc_id = 'new'").fetchone()[0]
        info = dict(db.execute("SELECT key, value FROM info"))
    db.close()
    assert stored == json.dumps({**OLD_DOC, "title": "Bamako é"}, ensure_ascii=False)
    assert info == {
        "version": "1",
        "revision": "5",
        "embedding_model": '"fake-hash-256"',
        "embedding_backend": '"fake"',
        "multilingual_model": '"fake-multilingual-256"',
        "migrations": '["m001_import_manifest_json"]',
    }


def test_existing_server_records_open_and_are_written_as_before():
    manifest = ChromaManifest(_client(), f"m{uuid.uuid4().hex[:12]}")
    manifest.collection.upsert(  # as the previous version left them
        ids=["doc:reuters-kidal", "alias:wire-kidal", "info", "article:reuters-kidal"],
        documents=[
            json.dumps(OLD_DOC),
            json.dumps(OLD_ALIAS),
            json.dumps({"version": 1, "revision": 4}),
            ARTICLE.model_dump_json(),
        ],
        metadatas=[{"kind": "doc"}, {"kind": "alias"}, {"kind": "info"}, {"kind": "article"}],
        embeddings=[[1.0]] * 4,
    )
    assert manifest.read_revision() == 4
    assert manifest.read_all()[:2] == (
        {"reuters-kidal": _doc()},
        {"wire-kidal": AliasEntry.of(COPY, canonical="reuters-kidal")},
    )
    assert manifest.read_article("reuters-kidal") == ARTICLE.model_dump_json()

    manifest.commit(ManifestChange(docs={"new": _doc(title="Bamako")}), INFO)
    got = manifest.collection.get(
        ids=["doc:new", "info", "migrations"], include=["documents", "metadatas"]
    )
    stored = dict(zip(got["ids"], got["documents"], strict=True))
    assert stored == {
        "doc:new": json.dumps({**OLD_DOC, "title": "Bamako"}),
        "info": json.dumps({"version": 1, "revision": 5, **INFO}),
        "migrations": '["m002_import_manifest_record"]',
    }
    assert sorted(m["kind"] for m in got["metadatas"]) == ["doc", "info", "info"]


def test_server_side_writes_go_in_batches(monkeypatch):
    manifest = ChromaManifest(_client(), f"m{uuid.uuid4().hex[:12]}")
    calls = []
    real = manifest.collection.upsert
    monkeypatch.setattr(
        manifest.collection, "upsert", lambda **kw: calls.append(len(kw["ids"])) or real(**kw)
    )
    docs = {f"d{i}": _doc(doc_id=f"d{i}") for i in range(2001)}
    manifest.commit(ManifestChange(docs=docs), INFO)
    assert calls[-4:] == [1000, 1000, 1, 1]  # the info record last, alone
    assert manifest.read_all().documents == docs
    manifest.commit(ManifestChange(clear=True), INFO)
    assert manifest.read_all().documents == {}


class _LockedAtFirst:
    """A connection whose switch to WAL finds the file locked ``fails`` times first."""

    def __init__(self, fails: int) -> None:
        self.fails, self.switches = fails, 0

    def execute(self, sql: str):
        if sql == "PRAGMA journal_mode":
            return self  # fetchone below: still in the default mode
        self.switches += 1
        if self.switches <= self.fails:
            raise sqlite3.OperationalError("database is locked")
        return self

    def fetchone(self):
        return ("delete",)


def test_a_manifest_being_made_by_another_process_is_waited_for():
    from rag.index.manifest import _wal

    db = _LockedAtFirst(fails=2)
    _wal(db)
    assert db.switches == 3
