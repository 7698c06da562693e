"""The ONNX Runtime embedding backends, exported locally from the bundled MiniLM weights."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.pipeline import ingest_paths
from rag.answering.assistant import Assistant
from rag.embeddings import Embedder
from rag.settings import EmbeddingSettings, LLMSettings, Settings
from tests.conftest import CORPUS

pytestmark = pytest.mark.slow

TEXTS = [
    "Tuareg rebels said they killed at least 84 Russian Wagner mercenaries and 47 Malian soldiers.",
    "The fighting took place near Tinzaouaten, close to the Algerian border.",
    "Ghana Premier League: the table after matchday five.",
    "Short.",
]


@pytest.fixture(scope="module")
def onnx_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("onnx-cache")


@pytest.fixture(scope="module")
def torch_embedder():
    return Embedder(EmbeddingSettings(backend="torch"))


def test_the_default_backend_is_onnx(real_embedder):
    assert EmbeddingSettings().backend == real_embedder.backend == "onnx"


def _embedder(backend: str, onnx_dir) -> Embedder:
    return Embedder(EmbeddingSettings(backend=backend, onnx_dir=onnx_dir))  # type: ignore[arg-type]


@pytest.mark.parametrize(("backend", "min_cosine"), [("onnx", 0.9999), ("onnx-int8", 0.97)])
def test_onnx_vectors_match_torch(backend, min_cosine, onnx_dir, torch_embedder):
    torch_vectors = torch_embedder.encode(TEXTS)
    onnx = _embedder(backend, onnx_dir)
    vectors = onnx.encode(TEXTS, batch_size=3)  # mixed lengths across batches: order is kept
    assert vectors.shape == torch_vectors.shape == (4, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert (vectors * torch_vectors).sum(axis=1).min() >= min_cosine
    # the export is cached: a second embedder loads the file, and gives the same vectors
    assert len(list(onnx_dir.glob(f"*-{backend}-*/model.onnx"))) == 1
    again = _embedder(backend, onnx_dir)
    assert np.allclose(again.encode(TEXTS, batch_size=3), vectors, atol=1e-6)
    # int8 activations are quantised per batch, so batch company moves a vector slightly
    alone = np.vstack([again.encode([t]) for t in TEXTS])
    assert (alone * vectors).sum(axis=1).min() >= (0.99999 if backend == "onnx" else 0.98)


def test_ranking_is_the_same_as_torch(onnx_dir, torch_embedder):
    query = "How many Malian soldiers did the rebels say they killed?"
    for backend in ("onnx", "onnx-int8"):
        e = _embedder(backend, onnx_dir)
        got = np.argsort(-(e.encode(TEXTS) @ e.encode([query])[0]))
        want = np.argsort(-(torch_embedder.encode(TEXTS) @ torch_embedder.encode([query])[0]))
        assert got[0] == want[0] == 0


def test_an_index_built_with_onnx_int8_answers(tmp_path, onnx_dir):
    settings = Settings(
        home=tmp_path / "idx",
        embedding=EmbeddingSettings(backend="onnx-int8", onnx_dir=onnx_dir),
        llm=LLMSettings(backend="none"),
    )
    embedder = _embedder("onnx-int8", onnx_dir)
    report = ingest_paths([CORPUS], settings=settings, embedder=embedder)
    assert (report.articles, len(report.errors)) == (1, 0)
    ans = Assistant(settings, embedder=embedder).ask(
        "How many Malian soldiers did the rebels say they killed?"
    )
    assert not ans.refused and "47" in ans.answer
    assert any("47 Malian soldiers" in c.text for c in ans.citations)
