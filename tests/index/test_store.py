"""The Store on its own: writes, typed reads, removal, search; embedded and against a server."""

from __future__ import annotations

import uuid

import chromadb
import numpy as np
import pytest
from chromadb.config import Settings as ChromaSettings

from rag.errors import IndexNotBuiltError, IndexUnavailableError
from rag.index.chroma import batches, delete_paged, get_pages, query_retrying
from rag.index.chunking import chunk_article
from rag.index.dedup import fingerprint, signature
from rag.index.store import Store
from rag.models import AliasEntry, Article, ArticleListing, DocumentEntry
from tests.conftest import FakeEmbedder
from tests.helpers.servers import free_port


def _article(doc_id: str, text: str, **meta: str) -> Article:
    return Article(
        doc_id=doc_id, text=text, path=f"corpus/{doc_id}.txt", content_hash=doc_id, **meta
    )


KIDAL = _article(
    "kidal",
    "Fighting resumed near Kidal on Monday. Rebels said they held the town.",
    title="Fighting near Kidal",
    source="Reuters",
    published="2024-09-02",
)
GAO = _article(
    "gao",
    "Floods in Gao destroyed 300 homes. Aid agencies sent tents and water.",
    title="Floods in Gao",
    source="AFP",
)
KIDAL_COPY = KIDAL.model_copy(update={"doc_id": "kidal-copy", "source": "Sahel Wire"})


def _put(store: Store, *articles: Article) -> None:
    items = []
    for article in articles:
        chunks = chunk_article(article, store.settings.ingest)
        items.append((article, chunks, store.embedder.encode([c.text for c in chunks])))
    store.put_articles(items)


@pytest.fixture
def store(store_settings, fake_embedder) -> Store:
    return Store(store_settings, fake_embedder, create=True)


def test_writes_and_typed_reads(store):
    assert (store.documents(), store.aliases(), store.revision, store.count()) == ({}, {}, 0, 0)
    _put(store, KIDAL, GAO)
    store.add_alias(KIDAL_COPY, "kidal")
    chunks = {a.doc_id: chunk_article(a, store.settings.ingest) for a in (KIDAL, GAO)}
    assert store.documents() == {
        a.doc_id: DocumentEntry.of(
            a,
            chunks=len(chunks[a.doc_id]),
            fingerprint=fingerprint(a.text),
            signature=signature(a.text),
        )
        for a in (KIDAL, GAO)
    }
    assert store.aliases() == {"kidal-copy": AliasEntry.of(KIDAL_COPY, canonical="kidal")}
    assert (store.carried_by("kidal"), store.carried_by("gao")) == (["Sahel Wire"], [])
    assert store.listing() == [  # undated first, then by date
        ArticleListing(id="gao", title="Floods in Gao", source="AFP", chunks=1, path=GAO.path),
        ArticleListing(
            id="kidal",
            title="Fighting near Kidal",
            source="Reuters",
            published="2024-09-02",
            chunks=1,
            carried_by=["Sahel Wire"],
            path=KIDAL.path,
        ),
    ]
    assert store.article("kidal") == KIDAL and store.article("nope") is None
    assert store.revision == 2  # one write per put_articles and per add_alias
    every = {c.id: c for a in (KIDAL, GAO) for c in chunks[a.doc_id]}
    assert store.count() == 2 and {c.id: c for c in store.iter_chunks(page=1)} == every
    assert store.get_chunks([*every, "missing"]) == every and store.get_chunks([]) == {}


def test_removing_an_article_forgets_its_copies_and_chunks(store):
    _put(store, KIDAL, GAO)
    store.add_alias(KIDAL_COPY, "kidal")
    assert store.remove_article("kidal") == ["kidal", "kidal-copy"]
    assert (list(store.documents()), store.aliases(), store.article("kidal")) == (["gao"], {}, None)
    assert {c.doc_id for c in store.iter_chunks()} == {"gao"}
    assert store.remove_article("nope") == []
    store.add_alias(KIDAL_COPY, "gao")
    assert store.remove_article("kidal-copy") == ["kidal-copy"] and store.aliases() == {}


def test_a_copy_indexed_later_is_no_longer_an_alias(store):
    _put(store, KIDAL)
    store.add_alias(KIDAL_COPY, "kidal")
    _put(store, KIDAL_COPY)
    assert (sorted(store.documents()), store.aliases()) == (["kidal", "kidal-copy"], {})


def test_mismatched_vectors_write_nothing(store):
    chunks = chunk_article(KIDAL, store.settings.ingest)
    with pytest.raises(ValueError, match="kidal: 1 chunks but 2 vectors"):
        store.put_articles([(KIDAL, chunks, np.zeros((2, FakeEmbedder.dimension)))])
    assert (store.documents(), store.count(), store.revision) == ({}, 0, 0)


def test_reset_empties_chunks_entries_and_texts(store, store_settings, fake_embedder):
    _put(store, KIDAL, GAO)
    store.add_alias(KIDAL_COPY, "kidal")
    Store(store_settings, fake_embedder, rebuild=True)  # another handle: ``--rebuild``
    assert (store.count(), store.documents(), store.aliases()) == (0, {}, {})
    assert store.article("kidal") is None and store.revision == 3


def test_search_ranks_by_cosine_similarity(store, fake_embedder):
    _put(store, KIDAL, GAO)
    q = fake_embedder.encode(["floods destroyed homes in Gao"])[0]
    hits = store.search(q, 5)
    assert [h.chunk.doc_id for h in hits] == ["gao", "kidal"]
    want = [float(np.dot(q, fake_embedder.encode([h.chunk.text])[0])) for h in hits]
    assert [h.similarity for h in hits] == pytest.approx(want, abs=1e-5)
    assert [h.chunk.doc_id for h in store.search(q, 5, where={"source": "Reuters"})] == ["kidal"]


def test_listing_needs_no_embedding_model(store, store_settings):
    _put(store, KIDAL)

    class Other(FakeEmbedder):
        name = "another-model"

    assert [r.id for r in Store(store_settings, Other(), vectors=False).listing()] == ["kidal"]


def test_no_collection_is_not_built(settings, fake_embedder):
    Store(settings, fake_embedder, create=True)
    settings.collection = "other"
    with pytest.raises(IndexNotBuiltError, match="no collection 'other'.*python -m ingest"):
        Store(settings, fake_embedder)


def test_an_unreachable_server_is_unavailable_not_unbuilt(settings, fake_embedder):
    settings.chroma_url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(IndexUnavailableError, match="chroma run .*unset RAG_CHROMA_URL") as e:
        Store(settings, fake_embedder)
    assert not isinstance(e.value, IndexNotBuiltError)


def test_batches_pages_and_paged_delete():
    assert [(s.start, s.stop) for s in batches(5, 2)] == [(0, 2), (2, 4), (4, 5)]
    assert list(batches(0)) == []
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.create_collection(f"c{uuid.uuid4().hex[:12]}", embedding_function=None)
    ids = [f"r{i}" for i in range(7)]
    collection.add(
        ids=ids,
        embeddings=[[1.0]] * 7,
        metadatas=[{"kind": "odd" if i % 2 else "even"} for i in range(7)],
    )
    pages = [got["ids"] for got in get_pages(collection, include=[], page=3)]
    assert [len(p) for p in pages] == [3, 3, 1] and sorted(sum(pages, [])) == ids
    delete_paged(collection, where={"kind": "odd"}, page=2)
    assert sorted(collection.get(include=[])["ids"]) == ["r0", "r2", "r4", "r6"]
    delete_paged(collection, page=3)
    assert collection.count() == 0


class _Flaky:
    """A collection whose query fails with Chroma's InternalError ``fails`` times first."""

    def __init__(self, fails: int, error: Exception | None = None) -> None:
        self.fails, self.calls = fails, 0
        self.error = error or chromadb.errors.InternalError("Error finding id")

    def query(self, **kwargs: object) -> dict[str, object]:
        self.calls += 1
        if self.calls <= self.fails:
            raise self.error
        return {"ids": [["a"]], "asked": kwargs}


def test_a_query_failing_in_passing_is_retried():
    flaky = _Flaky(fails=2)
    assert query_retrying(flaky, n_results=3) == {"ids": [["a"]], "asked": {"n_results": 3}}
    assert flaky.calls == 3


def test_a_query_that_keeps_failing_raises_chromas_error_after_four_tries():
    flaky = _Flaky(fails=10)
    with pytest.raises(chromadb.errors.InternalError, match="finding id"):
        query_retrying(flaky, n_results=3)
    assert flaky.calls == 4


def test_other_errors_are_not_retried():
    flaky = _Flaky(fails=10, error=ValueError("bad filter"))
    with pytest.raises(ValueError, match="bad filter"):
        query_retrying(flaky, n_results=3)
    assert flaky.calls == 1
