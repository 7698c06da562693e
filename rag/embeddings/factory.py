"""The one embedding factory, shared by ingest and query so both always agree.

The backend (``RAG_EMBEDDING__BACKEND``) is looked up in the registry
(:mod:`rag.embeddings.registry`); the built-ins register themselves on import:
``torch`` (:mod:`rag.embeddings.torch`), ``onnx`` and ``onnx-int8`` (:mod:`rag.embeddings.onnx`).
"""

from __future__ import annotations

import threading
from functools import lru_cache

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.embeddings import onnx as _onnx  # noqa: F401  registers "onnx", "onnx-int8"
from rag.embeddings import torch as _torch  # noqa: F401  registers "torch"
from rag.embeddings.registry import (
    BUNDLED,
    Encoder,
    embedding_backend,
    hf_offline,
    resolve_model_path,
)
from rag.settings import EmbeddingSettings

__all__ = ["BUNDLED", "Embedder", "get_embedder", "resolve_model_path"]


class Embedder(Embeddings):
    """The configured backend behind LangChain's ``Embeddings`` interface, loaded lazily."""

    def __init__(self, settings: EmbeddingSettings) -> None:
        self.settings = settings.model_copy()  # read at first use: later edits don't count
        self.name = settings.model
        self.batch_size = settings.batch_size
        self.device = settings.device
        self.backend: str = settings.backend
        self.onnx_dir = settings.onnx_dir
        self._factory = embedding_backend(self.backend)
        self._encoder: Encoder | None = None
        self._lock = threading.Lock()

    @property
    def encoder(self) -> Encoder:
        """The backend's loaded model (first use loads it; offline only)."""
        with self._lock:
            if self._encoder is None:
                hf_offline()
                self._encoder = self._factory(self.settings)
            return self._encoder

    @property
    def dimension(self) -> int:
        """Embedding size."""
        return self.encoder.dimension

    def encode(self, texts: list[str], *, batch_size: int | None = None) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self.encoder.encode(list(texts), batch_size=batch_size or self.batch_size)

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
