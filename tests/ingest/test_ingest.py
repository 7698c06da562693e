import shutil

import pytest

from ingest.pipeline import ingest_paths
from rag.answering.retrieval import HybridRetriever
from rag.errors import IndexMismatchError, IndexNotBuiltError
from rag.index.store import Store
from tests.conftest import CORPUS, FakeEmbedder


def _copy_corpus(tmp_path):
    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS, dst)
    return dst


def test_ingest_is_incremental(tmp_path, store_settings, fake_embedder):
    corpus = _copy_corpus(tmp_path)
    first = ingest_paths([corpus], settings=store_settings, embedder=fake_embedder)
    assert (first.files, first.articles, first.unchanged, len(first.errors)) == (1, 1, 0, 0)
    assert first.chunks > 0
    store = Store(store_settings, fake_embedder)
    assert store.count() == first.chunks

    again = ingest_paths([corpus], settings=store_settings, embedder=fake_embedder)
    assert (again.articles, again.chunks, again.unchanged) == (0, 0, 1)
    assert again.summary().startswith(
        "1 files, 0 articles indexed, 0 chunks embedded, 1 unchanged, 0 duplicates"
    )

    # a changed file replaces its chunks (no leftovers from the old version)
    f = corpus / "reuters-2024-mali-tinzaouaten.txt"
    f.write_text(
        "A new first paragraph about talks in Algiers that is long enough to keep.\n"
        + f.read_text()
    )
    changed = ingest_paths([corpus], settings=store_settings, embedder=fake_embedder)
    assert changed.articles == 1
    assert store.count() == changed.chunks
    docs = store.documents()
    assert len(docs) == 1 and next(iter(docs.values())).chunks == changed.chunks

    rebuilt = ingest_paths([corpus], rebuild=True, settings=store_settings, embedder=fake_embedder)
    assert rebuilt.articles == 1 and store.count() == rebuilt.chunks


def test_bad_file_is_reported_and_the_batch_goes_on(tmp_path, store_settings, fake_embedder):
    corpus = _copy_corpus(tmp_path)
    (corpus / "broken.md").write_text("---\ntitle: [oops\n---\nText.\n")
    (corpus / "binary.txt").write_bytes(b"\x00\x00\x00")
    (corpus / "notes.odt").write_bytes(b"PK")
    report = ingest_paths(
        [corpus, tmp_path / "missing"], settings=store_settings, embedder=fake_embedder
    )
    assert report.articles == 1
    failed = sorted(e.path.rsplit("/", 1)[-1] for e in report.errors)
    assert failed == ["binary.txt", "broken.md", "missing"]
    assert all(e.reason for e in report.errors)
    assert report.skipped == [f"{corpus / 'notes.odt'}: unsupported type '.odt', skipped"]


def test_other_embedding_model_is_a_clear_error(tmp_path, store_settings, fake_embedder):
    ingest_paths([_copy_corpus(tmp_path)], settings=store_settings, embedder=fake_embedder)

    class Other(FakeEmbedder):
        name = "another-model"

    with pytest.raises(IndexMismatchError, match="fake-hash-256.*another-model.*--rebuild"):
        Store(store_settings, Other())


def test_other_embedding_backend_is_a_clear_error(tmp_path, store_settings, fake_embedder):
    ingest_paths([_copy_corpus(tmp_path)], settings=store_settings, embedder=fake_embedder)

    class SameModelOtherBackend(FakeEmbedder):
        backend = "onnx-int8"

    with pytest.raises(IndexMismatchError, match="'fake' backend.*'onnx-int8'.*BACKEND=fake"):
        Store(store_settings, SameModelOtherBackend())
    # the index is untouched: the original backend still opens it and finds its chunks
    assert Store(store_settings, fake_embedder).count() > 0


def test_dense_search_reuses_known_chunks_and_fetches_new_ones(
    tmp_path, store_settings, fake_embedder
):
    ingest_paths([_copy_corpus(tmp_path)], settings=store_settings, embedder=fake_embedder)
    store = Store(store_settings, fake_embedder)
    known = HybridRetriever(store).lexical.by_id
    q = fake_embedder.encode(["Azawad independent homeland"])[0]
    plain = store.search(q, 3)
    assert [(h.chunk, h.similarity) for h in store.search(q, 3, known=known)] == [
        (h.chunk, h.similarity) for h in plain
    ]
    # a chunk written after ``known`` was built (an ingest mid-way) comes from Chroma
    text = "Azawad independent homeland Azawad independent homeland."
    store.collection.add(
        ids=["late-0"],
        documents=[text],
        metadatas=[{**plain[0].chunk.to_metadata(), "doc_id": "late"}],
        embeddings=fake_embedder.encode([text]),
    )
    hits = store.search(q, 3, known=known)
    assert "late-0" not in known and hits[0].chunk.id == "late-0" and hits[0].chunk.text == text


def test_no_index_is_a_clear_error(settings, fake_embedder):
    with pytest.raises(IndexNotBuiltError, match="python -m ingest corpus/"):
        Store(settings, fake_embedder)


def test_hybrid_retrieval_fuses_dense_and_bm25(tmp_path, store_settings, fake_embedder):
    ingest_paths([_copy_corpus(tmp_path)], settings=store_settings, embedder=fake_embedder)
    retriever = HybridRetriever(Store(store_settings, fake_embedder), store_settings.retrieval)
    results = retriever.retrieve("Azawad independent homeland", k=3)
    assert len(results) == 3
    assert "Azawad" in results[0].chunk.text
    assert results[0].dense_rank is not None and results[0].lexical_rank is not None
    assert results[0].score == pytest.approx(
        1 / (60 + results[0].dense_rank) + 1 / (60 + results[0].lexical_rank)
    )
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    # BM25 follows the store: a rebuild with no files empties it
    ingest_paths([], rebuild=True, settings=store_settings, embedder=fake_embedder)
    assert retriever.retrieve("Azawad", k=3) == []


def test_bm25_is_persisted_and_refreshed_when_the_index_changes(
    tmp_path, store_settings, fake_embedder, monkeypatch
):
    ingest_paths([_copy_corpus(tmp_path)], settings=store_settings, embedder=fake_embedder)
    store = Store(store_settings, fake_embedder)
    first = HybridRetriever(store).retrieve("Azawad independent homeland", k=4)
    caches = list((store.home / "bm25").iterdir())
    assert len(caches) == 1 and caches[0].name.endswith(f"-r{store.revision}")

    # a new process (the UI restarting) loads it instead of reading every chunk again
    reopened = Store(store_settings, fake_embedder)
    monkeypatch.setattr(reopened, "iter_chunks", lambda: pytest.fail("rebuilt, not loaded"))
    again = HybridRetriever(reopened)
    assert [(r.chunk, r.score) for r in again.retrieve("Azawad independent homeland", k=4)] == [
        (r.chunk, r.score) for r in first
    ]
    assert again.lexical.df == HybridRetriever(store).lexical.df
    monkeypatch.undo()

    # the index changes: the next query rebuilds, the stale cache goes
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "gao.md").write_text("---\ntitle: Gao\n---\nFloods in Gao destroyed 300 homes.\n")
    ingest_paths([extra], settings=store_settings, embedder=fake_embedder)
    hits = again.retrieve("floods Gao homes", k=2)
    assert "Floods in Gao" in hits[0].chunk.text
    caches = list((store.home / "bm25").iterdir())
    assert len(caches) == 1 and caches[0].name.endswith(f"-r{store.revision}")

    # a damaged cache is rebuilt, never trusted
    (caches[0] / "chunks.jsonl").write_text("not json\n")
    fresh = HybridRetriever(Store(store_settings, fake_embedder))
    assert "Floods in Gao" in fresh.retrieve("floods Gao homes", k=2)[0].chunk.text


def test_queries_do_not_reparse_the_manifest(tmp_path, store_settings, fake_embedder, monkeypatch):
    ingest_paths([_copy_corpus(tmp_path)], settings=store_settings, embedder=fake_embedder)
    store = Store(store_settings, fake_embedder)
    doc = next(iter(store.documents()))
    reads = []
    real = store.meta.read_all
    monkeypatch.setattr(store.meta, "read_all", lambda: reads.append(1) or real())
    for _ in range(3):
        assert store.revision >= 1 and doc in store.documents()
        store.carried_by(doc)
    assert reads == []  # the small revision record said nothing changed
    again = _copy_corpus(tmp_path / "again")
    ingest_paths([again], settings=store_settings, embedder=fake_embedder, rebuild=True)
    assert doc not in store.documents() and len(store.documents()) == 1
    assert reads == [1]  # changed: parsed once more, then cached again


def test_large_index_rebuilds_bm25_in_the_background(tmp_path, store_settings, fake_embedder):
    store_settings.retrieval.background_rebuild_chunks = 0  # every index counts as large
    corpus = _copy_corpus(tmp_path)
    (corpus / "gao.md").write_text("---\ntitle: Gao\n---\nFloods in Gao destroyed 300 homes.\n")
    ingest_paths([corpus], settings=store_settings, embedder=fake_embedder)
    store = Store(store_settings, fake_embedder)
    retriever = HybridRetriever(store, store_settings.retrieval)
    before, fresh = retriever.current()
    assert fresh and len({c.doc_id for c in before.chunks}) == 2

    reuters = next(d for d, e in store.documents().items() if e.source == "Reuters")
    store.remove_article(reuters)
    # queries go on at once with the previous BM25 while it is rebuilt; the removed
    # article's chunks never come back, from either side
    hits = retriever.retrieve("Azawad independent homeland Wagner", k=6)
    assert hits and all(h.chunk.doc_id != reuters for h in hits)
    assert retriever._refresh is not None
    retriever._refresh.join(timeout=30)
    after, fresh = retriever.current()
    assert (
        fresh and after is not before and {c.doc_id for c in after.chunks} == {hits[0].chunk.doc_id}
    )
