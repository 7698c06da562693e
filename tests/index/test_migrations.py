"""Older manifest layouts are imported by numbered migrations, each applied once and recorded."""

from __future__ import annotations

import json
import sqlite3
import uuid

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from rag.index.manifest import ChromaManifest, ManifestChange, SQLiteManifest
from rag.index.migrations import (
    MIGRATIONS,
    Migrations,
    m001_import_manifest_json,
    m002_import_manifest_record,
)
from rag.models import AliasEntry, DocumentEntry

LEGACY = {
    "version": 1,
    "revision": 7,
    "documents": {"doc-a": {"title": "A", "chunks": 2, "signature": [1, 2]}},
    "aliases": {"doc-b": {"title": "B", "source": "Wire", "canonical": "doc-a"}},
}
DOCS = {"doc-a": DocumentEntry(title="A", chunks=2, signature=[1, 2])}
ALIASES = {"doc-b": AliasEntry(title="B", source="Wire", canonical="doc-a")}


def _client() -> chromadb.ClientAPI:
    return chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))


def _server_side() -> ChromaManifest:
    return ChromaManifest(_client(), f"m{uuid.uuid4().hex[:12]}")


def _put_legacy_record(manifest: ChromaManifest, legacy: dict) -> None:
    manifest.collection.upsert(ids=["manifest"], documents=[json.dumps(legacy)], embeddings=[[1.0]])


def test_the_migrations_in_order():
    assert [(m.name, m.kind) for m in MIGRATIONS.registered] == [
        ("m001_import_manifest_json", "sqlite"),
        ("m002_import_manifest_record", "chroma"),
    ]


def test_m001_imports_manifest_json_once(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "manifest.json").write_text(json.dumps(LEGACY))
    manifest = SQLiteManifest(home)
    assert manifest.read_revision() == 7
    docs, aliases, info = manifest.read_all()
    assert (docs, aliases, info.revision, info.migrations) == (
        DOCS,
        ALIASES,
        7,
        ["m001_import_manifest_json"],
    )
    assert not (home / "manifest.json").exists()

    # recorded: another process (or a stray file) never imports it over newer rows again
    manifest.commit(ManifestChange(drop_docs=["doc-a"]), {})
    (home / "manifest.json").write_text(json.dumps(LEGACY))
    again = SQLiteManifest(home)
    assert (again.read_all().documents, again.read_revision()) == ({}, 8)
    assert (home / "manifest.json").exists()


def test_m001_is_harmless_to_repeat(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    manifest = SQLiteManifest(home)
    m001_import_manifest_json(manifest)  # nothing to import: nothing happens
    assert not (home / "manifest.sqlite").exists()
    for _ in range(2):  # as after a crash before it was recorded
        (home / "manifest.json").write_text(json.dumps(LEGACY))
        m001_import_manifest_json(manifest)
    assert manifest.read_all()[:2] == (DOCS, ALIASES)


def test_m002_imports_the_single_server_record_once():
    manifest = _server_side()
    _put_legacy_record(manifest, LEGACY)
    assert manifest.read_revision() == 7
    docs, aliases, info = manifest.read_all()
    assert (docs, aliases, info.revision, info.migrations) == (
        DOCS,
        ALIASES,
        7,
        ["m002_import_manifest_record"],
    )
    assert manifest.collection.get(ids=["manifest"])["ids"] == []

    manifest.commit(ManifestChange(drop_docs=["doc-a"]), {})
    _put_legacy_record(manifest, LEGACY)
    again = ChromaManifest(_client(), manifest.collection.name)
    assert (again.read_all().documents, again.read_revision()) == ({}, 8)


def test_m002_is_harmless_to_repeat():
    manifest = _server_side()
    m002_import_manifest_record(manifest)  # nothing to import: nothing happens
    assert manifest.collection.count() == 0
    for _ in range(2):  # as after a crash before it was recorded
        _put_legacy_record(manifest, LEGACY)
        m002_import_manifest_record(manifest)
    assert manifest.read_all()[:2] == (DOCS, ALIASES)


def test_a_new_manifest_records_only_its_own_kind(tmp_path):
    sqlite_side = SQLiteManifest(tmp_path / "home")
    sqlite_side.commit(ManifestChange(), {"version": 1})
    server_side = _server_side()
    server_side.commit(ManifestChange(), {"version": 1})
    assert sqlite_side.applied_migrations() == ["m001_import_manifest_json"]
    assert server_side.applied_migrations() == ["m002_import_manifest_record"]
    with sqlite3.connect(tmp_path / "home" / "manifest.sqlite") as db:
        assert db.execute("SELECT value FROM info WHERE key = 'migrations'").fetchone() == (
            '["m001_import_manifest_json"]',
        )
    db.close()


class FakeManifest:
    kind = "test"

    def __init__(self) -> None:
        self.recorded: list[list[str]] = []

    def applied_migrations(self) -> list[str]:
        return self.recorded[-1] if self.recorded else []

    def record_migrations(self, names: list[str]) -> None:
        self.recorded.append(names)


def test_pending_migrations_run_in_order_once_and_a_failure_stops_them():
    registry = Migrations()
    ran: list[str] = []
    failing = [True]

    @registry.register("test")
    def m001_first(manifest):
        ran.append("m001_first")

    @registry.register("other")
    def m002_elsewhere(manifest):
        ran.append("m002_elsewhere")

    @registry.register("test")
    def m003_second(manifest):
        if failing[0]:
            raise RuntimeError("disk full")
        ran.append("m003_second")

    @registry.register("test")
    def m004_third(manifest):
        ran.append("m004_third")

    manifest = FakeManifest()
    with pytest.raises(RuntimeError, match="disk full"):
        registry.apply(manifest)  # type: ignore[arg-type]
    assert (ran, manifest.recorded) == (["m001_first"], [["m001_first"]])

    failing[0] = False  # the next use resumes where it stopped
    assert registry.apply(manifest) == ["m003_second", "m004_third"]  # type: ignore[arg-type]
    assert registry.apply(manifest) == []  # type: ignore[arg-type]
    assert ran == ["m001_first", "m003_second", "m004_third"]
    assert manifest.recorded[-1] == ["m001_first", "m003_second", "m004_third"]


def test_migrations_are_named_and_numbered_in_order():
    registry = Migrations()

    @registry.register("test")
    def m002_b(manifest):
        pass

    with pytest.raises(ValueError, match="mNNN_what"):

        @registry.register("test")
        def import_things(manifest):
            pass

    with pytest.raises(ValueError, match="numbers must increase"):

        @registry.register("test")
        def m001_a(manifest):
            pass

    assert [m.name for m in registry.registered] == ["m002_b"]
