"""Ingest articles into the index: ``ingest_paths(["corpus/"])`` or ``python -m ingest corpus/``."""

from ingest.furniture import strip_furniture
from ingest.loaders import LoadError, load_file
from ingest.pipeline import (
    FileProblem,
    IngestReport,
    ingest_paths,
    list_articles,
    prune,
    remove_articles,
)
from rag.index.chunking import chunk_article

__all__ = [
    "FileProblem",
    "IngestReport",
    "LoadError",
    "chunk_article",
    "ingest_paths",
    "list_articles",
    "load_file",
    "prune",
    "remove_articles",
    "strip_furniture",
]
