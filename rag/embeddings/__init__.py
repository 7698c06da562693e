"""Embeddings: the encoder protocol, the backend registry and the one factory.

The factory is shared by ingest and query; backends (``torch``, ``onnx``, ``onnx-int8``) are
registered by name with :func:`register_embedding_backend`. The multilingual embedder
(:mod:`rag.embeddings.multilingual`) is searched beside it.
"""

from rag.embeddings.base import DualEncoder, TextEncoder
from rag.embeddings.factory import Embedder, get_embedder, resolve_model_path
from rag.embeddings.multilingual import get_multilingual_embedder
from rag.embeddings.registry import EMBEDDING_BACKENDS, register_embedding_backend

__all__ = [
    "EMBEDDING_BACKENDS",
    "DualEncoder",
    "Embedder",
    "TextEncoder",
    "get_embedder",
    "get_multilingual_embedder",
    "register_embedding_backend",
    "resolve_model_path",
]
