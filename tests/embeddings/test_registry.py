"""The embedding backend registry: a fake backend stands in for a model (no model is loaded)."""

from __future__ import annotations

import os
import typing

import numpy as np
import pytest

import rag.embeddings.onnx as onnx_module
import rag.embeddings.torch as torch_module
from rag.embeddings import EMBEDDING_BACKENDS, Embedder, register_embedding_backend
from rag.embeddings.onnx import onnx_backend, onnx_int8_backend, onnx_model_path
from rag.embeddings.registry import embedding_backend, resolve_model_path
from rag.embeddings.torch import torch_backend
from rag.errors import EmbeddingError, RagError
from rag.settings import EmbeddingSettings


class FakeEncoder:
    """One-hot vectors by text length: deterministic and unit length."""

    dimension = 8

    def __init__(self, settings: EmbeddingSettings) -> None:
        self.settings = settings
        self.batches: list[int] = []
        # what the Hugging Face offline switches were when the backend was loaded
        self.offline = (os.environ.get("HF_HUB_OFFLINE"), os.environ.get("TRANSFORMERS_OFFLINE"))

    def encode(self, texts: list[str], *, batch_size: int) -> np.ndarray:
        self.batches.append(batch_size)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        out[np.arange(len(texts)), [len(t) % self.dimension for t in texts]] = 1.0
        return out


@pytest.fixture
def fake(monkeypatch):
    """A registered ``fake`` backend; the registry is restored afterwards."""
    saved = dict(EMBEDDING_BACKENDS)
    loads: list[FakeEncoder] = []

    @register_embedding_backend("fake")
    def fake_backend(settings: EmbeddingSettings) -> FakeEncoder:
        loads.append(FakeEncoder(settings))
        return loads[-1]

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    yield loads
    EMBEDDING_BACKENDS.clear()
    EMBEDDING_BACKENDS.update(saved)


def _named(backend: str, **kw) -> EmbeddingSettings:
    # a name outside the settings' Literal: model_copy does not validate
    return EmbeddingSettings(**kw).model_copy(update={"backend": backend})


def test_each_built_in_name_maps_to_its_factory():
    assert EMBEDDING_BACKENDS["torch"] is torch_backend
    assert EMBEDDING_BACKENDS["onnx"] is onnx_backend
    assert EMBEDDING_BACKENDS["onnx-int8"] is onnx_int8_backend
    assert embedding_backend("onnx") is onnx_backend


def test_every_backend_the_settings_accept_is_registered():
    names = typing.get_args(EmbeddingSettings.model_fields["backend"].annotation)
    assert set(names) == set(EMBEDDING_BACKENDS)


def test_an_unknown_name_lists_the_known_ones():
    with pytest.raises(RagError) as info:
        Embedder(_named("word2vec"))
    assert isinstance(info.value, EmbeddingError)
    message = str(info.value)
    assert "'word2vec'" in message and "RAG_EMBEDDING__BACKEND" in message
    for name in ("torch", "onnx", "onnx-int8"):
        assert name in message


def test_a_registered_backend_is_loaded_lazily_once_and_offline(fake):
    embedder = Embedder(_named("fake", batch_size=5))
    assert fake == []  # nothing loads before first use
    assert embedder.backend == "fake"  # the name recorded in an index
    vectors = embedder.encode(["a", "abc", "abcdefghij"])
    assert vectors.shape == (3, 8) and vectors.dtype == np.float32
    assert np.argmax(vectors, axis=1).tolist() == [1, 3, 2]
    assert embedder.dimension == 8
    assert embedder.encode([]).shape == (0, 8)
    embedder.encode(["x"], batch_size=2)
    assert embedder.embed_query("ab") == [0.0, 0.0, 1.0, 0, 0, 0, 0, 0]
    assert len(embedder.embed_documents(["a", "b"])) == 2
    assert len(fake) == 1
    (encoder,) = fake
    assert encoder.settings.backend == "fake" and encoder.settings.batch_size == 5
    assert encoder.batches == [5, 2, 5, 5]
    assert encoder.offline == ("1", "1")


def test_the_settings_are_read_when_the_embedder_is_made(fake):
    settings = _named("fake", batch_size=5)
    embedder = Embedder(settings)
    settings.batch_size = 99
    embedder.encode(["a"])
    assert fake[0].settings.batch_size == 5


def test_the_built_in_factories_pass_the_model_and_their_options(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(onnx_module, "OnnxEncoder", lambda *a: calls.append(("onnx", *a)))
    monkeypatch.setattr(
        torch_module, "SentenceTransformerEncoder", lambda *a: calls.append(("torch", *a))
    )
    model_dir = resolve_model_path("all-MiniLM-L6-v2")
    for name in ("onnx", "onnx-int8", "torch"):
        EMBEDDING_BACKENDS[name](EmbeddingSettings(backend=name, onnx_dir=tmp_path, device="cpu"))
    assert calls == [
        ("onnx", model_dir, "onnx", tmp_path),
        ("onnx", model_dir, "onnx-int8", tmp_path),
        ("torch", model_dir, "cpu"),
    ]


def test_an_unknown_onnx_variant_is_a_rag_error(tmp_path):
    with pytest.raises(EmbeddingError, match="use one of onnx, onnx-int8"):
        onnx_model_path(tmp_path, "onnx-int4", tmp_path)
