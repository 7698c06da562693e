"""The ``torch`` embedding backend: sentence-transformers on PyTorch.

(Absolute imports throughout the project, so this module never shadows the ``torch`` package.)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from rag.embeddings.registry import register_embedding_backend, resolve_model_path
from rag.settings import EmbeddingSettings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


class SentenceTransformerEncoder:
    """A SentenceTransformer loaded from a local directory (no download)."""

    def __init__(self, model_dir: Path, device: str) -> None:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        self.model: SentenceTransformer = SentenceTransformer(str(model_dir), device=device)

    @property
    def dimension(self) -> int:
        """Embedding size."""
        model = self.model
        getter = (
            getattr(model, "get_embedding_dimension", None)
            or model.get_sentence_embedding_dimension
        )
        dim = getter()
        assert dim is not None
        return int(dim)

    def encode(self, texts: list[str], *, batch_size: int = 32) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        vectors = self.model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)


@register_embedding_backend("torch")
def torch_backend(settings: EmbeddingSettings) -> SentenceTransformerEncoder:
    """sentence-transformers on PyTorch, on ``settings.device``."""
    return SentenceTransformerEncoder(resolve_model_path(settings.model), settings.device)
