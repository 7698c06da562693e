"""Ingest articles into the index: ``ingest_paths(["corpus/"])`` or ``python -m ingest corpus/``.

Keep it current from feeds: ``refresh_all(load_sources(path)[0], Refresher(store, ...))`` or
``python -m ingest --sources corpus/sources.yaml [--watch]``.
"""

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
from ingest.refresh import Outcome, Refresher, refresh_all, watch
from ingest.sources import Source, load_sources
from rag.index.chunking import chunk_article

__all__ = [
    "FileProblem",
    "IngestReport",
    "LoadError",
    "Outcome",
    "Refresher",
    "Source",
    "chunk_article",
    "ingest_paths",
    "list_articles",
    "load_file",
    "load_sources",
    "prune",
    "refresh_all",
    "remove_articles",
    "strip_furniture",
    "watch",
]
