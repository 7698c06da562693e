"""The multilingual collection beside the chunks: written, deleted, emptied and checked with them.

Fast, with the fake encoders, embedded and against a real Chroma server.
"""

from __future__ import annotations

import logging

import numpy as np
import pytest

from rag.errors import IndexMismatchError
from rag.index.chunking import chunk_article
from rag.index.indexing import index_articles
from rag.index.store import Store
from rag.models import Article
from tests.conftest import FakeDualEncoder

EN = Article(
    doc_id="en-kidal",
    text="Fighting resumed near Kidal on Monday. Rebels said they held the town.",
    path="corpus/en-kidal.txt",
    content_hash="en",
    title="Fighting near Kidal",
    language="en",
)
FR = Article(
    doc_id="fr-convoi",
    text="Une attaque contre un convoi a fait douze morts près de Gao. Les soldats ont riposté.",
    path="corpus/fr-convoi.txt",
    content_hash="fr",
    title="Attaque près de Gao",
    language="fr",
)


@pytest.fixture
def ml_settings(store_settings):
    store_settings.embedding.multilingual = "multilingual-e5-small"
    return store_settings


def _open(settings, fake_embedder, multilingual, **kw) -> Store:
    return Store(settings, fake_embedder, multilingual=multilingual, **kw)


def _ids(collection) -> list[str]:
    return sorted(collection.get(include=[])["ids"])


def test_chunks_are_written_and_deleted_in_both_collections(
    ml_settings, fake_embedder, fake_multilingual
):
    store = _open(ml_settings, fake_embedder, fake_multilingual, create=True)
    index_articles(store, [EN, FR], settings=ml_settings)
    chunk_ids = sorted(c.id for a in (EN, FR) for c in chunk_article(a, ml_settings.ingest))
    assert (_ids(store.collection), _ids(store.ml_collection)) == (chunk_ids, chunk_ids)
    assert fake_multilingual.calls == [("passage", len(chunk_ids))]  # one batch per group
    assert store.meta.read_all().info.multilingual_model == "fake-multilingual-256"
    # the multilingual vectors are the passage ones, and the metadata is the same
    got = store.ml_collection.get(ids=chunk_ids[:1], include=["embeddings", "metadatas"])
    text = store.get_chunks(chunk_ids[:1])[chunk_ids[0]].text
    np.testing.assert_allclose(
        got["embeddings"][0], fake_multilingual.encode_passages([text])[0], atol=1e-6
    )
    assert got["metadatas"][0]["language"] in ("en", "fr")

    assert store.remove_article("fr-convoi") == ["fr-convoi"]
    en_ids = sorted(c.id for c in chunk_article(EN, ml_settings.ingest))
    assert (_ids(store.collection), _ids(store.ml_collection)) == (en_ids, en_ids)
    store.reset()
    assert (store.count(), store.ml_collection.count()) == (0, 0)


def test_search_in_the_multilingual_collection(ml_settings, fake_embedder, fake_multilingual):
    store = _open(ml_settings, fake_embedder, fake_multilingual, create=True)
    index_articles(store, [EN, FR], settings=ml_settings)
    q = fake_multilingual.encode_queries(["attack on a convoy"])[0]
    hits = store.search(q, 5, {"language": "fr"}, multilingual=True)
    assert [h.chunk.doc_id for h in hits] == ["fr-convoi"]
    assert store.cross_language


def test_an_index_from_before_is_queried_without_then_backfilled_by_a_writer(
    ml_settings, fake_embedder, fake_multilingual, caplog
):
    old = ml_settings.model_copy(deep=True)
    old.embedding.multilingual = ""
    index_articles(Store(old, fake_embedder, create=True), [EN, FR], settings=old)

    with caplog.at_level(logging.WARNING, logger="rag.index.store"):
        reader = _open(ml_settings, fake_embedder, fake_multilingual)
    assert (reader.ml_collection, reader.cross_language) == (None, False)
    assert "python -m ingest" in caplog.text

    writer = _open(ml_settings, fake_embedder, fake_multilingual, create=True)
    assert _ids(writer.ml_collection) == _ids(writer.collection)
    assert _open(ml_settings, fake_embedder, fake_multilingual).cross_language


def test_writing_without_the_multilingual_embedder_is_refused_until_a_rebuild(
    ml_settings, fake_embedder, fake_multilingual
):
    store = _open(ml_settings, fake_embedder, fake_multilingual, create=True)
    index_articles(store, [EN], settings=ml_settings)
    off = ml_settings.model_copy(deep=True)
    off.embedding.multilingual = ""
    with pytest.raises(IndexMismatchError, match="RAG_EMBEDDING__MULTILINGUAL"):
        Store(off, fake_embedder, create=True)
    # reading without it works; deleting reaches both collections whatever the settings
    assert Store(off, fake_embedder).count() == store.count()
    Store(off, fake_embedder, vectors=False).remove_article("en-kidal")
    assert (store.count(), store.ml_collection.count()) == (0, 0)
    rebuilt = Store(off, fake_embedder, create=True, rebuild=True)
    assert rebuilt.ml_collection is None


def test_another_multilingual_model_is_a_mismatch(ml_settings, fake_embedder, fake_multilingual):
    _open(ml_settings, fake_embedder, fake_multilingual, create=True)

    class Other(FakeDualEncoder):
        name = "other-multilingual"

    with pytest.raises(IndexMismatchError, match="RAG_EMBEDDING__MULTILINGUAL"):
        _open(ml_settings, fake_embedder, Other())
    rebuilt = _open(ml_settings, fake_embedder, Other(), create=True, rebuild=True)
    assert rebuilt.ml_collection.metadata["embedding_model"] == "other-multilingual"
