"""Embeddings: the encoder protocol, the backend registry and the one factory.

The factory is shared by ingest and query; backends (``torch``, ``onnx``, ``onnx-int8``) are
registered by name with :func:`register_embedding_backend`.
"""

from rag.embeddings.base import TextEncoder
from rag.embeddings.factory import Embedder, get_embedder, resolve_model_path
from rag.embeddings.registry import EMBEDDING_BACKENDS, register_embedding_backend

__all__ = [
    "EMBEDDING_BACKENDS",
    "Embedder",
    "TextEncoder",
    "get_embedder",
    "register_embedding_backend",
    "resolve_model_path",
]
