"""What the index and the answerer need of an embedder: the real one or a test fake."""

from __future__ import annotations

from typing import Protocol

import numpy as np


class TextEncoder(Protocol):
    """What the store and retriever need of an embedder (the real one or a test fake)."""

    name: str

    @property
    def backend(self) -> str:
        """How vectors are computed ("torch", "onnx", "onnx-int8", or a fake's own name)."""
        ...

    @property
    def dimension(self) -> int:
        """Vector size."""
        ...

    def encode(self, texts: list[str], *, batch_size: int | None = None) -> np.ndarray:
        """Unit-length vectors, one row per text."""
        ...


class DualEncoder(Protocol):
    """An embedder that encodes questions and passages differently (the multilingual one)."""

    name: str
    backend: str
    dimension: int

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Unit-length question vectors, one row per text."""
        ...

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Unit-length passage vectors, one row per text."""
        ...
