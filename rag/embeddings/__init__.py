"""Embeddings: the encoder protocol and the one factory shared by ingest and query."""

from rag.embeddings.base import TextEncoder
from rag.embeddings.factory import Embedder, get_embedder, resolve_model_path

__all__ = ["Embedder", "TextEncoder", "get_embedder", "resolve_model_path"]
