"""Chroma plumbing shared by the store and the server-side manifest.

Connecting (embedded or a server), opening the chunk collection with its embedding-model
check, and the three ways we move many records: in batches, in pages, and deleted page by page.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from rag.embeddings.base import DualEncoder, TextEncoder
from rag.errors import IndexMismatchError, IndexNotBuiltError, IndexUnavailableError
from rag.models import Chunk
from rag.settings import Settings

BATCH = 1000  # records per write: few large calls, each has a cost, under Chroma's batch limit
PAGE = 5000  # records per read (and per paged delete)


def connect(settings: Settings) -> Any:
    """A Chroma client: ``HttpClient`` when ``settings.chroma_url`` is set, else embedded.

    Raises:
        IndexUnavailableError: the Chroma server does not answer; the message says how to
            start one or how to fall back to the embedded index.
    """
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    if not settings.chroma_url:
        return chromadb.PersistentClient(
            path=str(Path(settings.home) / "chroma"), settings=chroma_settings
        )
    url = urlparse(settings.chroma_url)
    try:
        client = chromadb.HttpClient(
            host=url.hostname or "127.0.0.1",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
        client.heartbeat()
    except Exception as e:
        raise IndexUnavailableError(
            f"cannot reach the Chroma server at {settings.chroma_url} ({type(e).__name__}): "
            f"start it with 'chroma run --path DIR --host 127.0.0.1 --port PORT' or unset "
            f"RAG_CHROMA_URL to use the embedded index"
        ) from e
    return client


def open_collection(
    client: Any,
    name: str,
    embedder: TextEncoder | DualEncoder,
    *,
    where: str,
    create: bool,
    check: bool,
    setting: str = "RAG_EMBEDDING__MODEL",
) -> Any:
    """The chunk collection ``name``, made if missing and ``create``.

    Chroma never embeds (``embedding_function=None``); the collection records the model that
    built it. ``check`` compares that model and backend with ``embedder``'s; ``where`` names
    the index in messages, ``setting`` the variable that chooses the model.

    Raises:
        IndexNotBuiltError: no such collection and not ``create``.
        IndexMismatchError: ``check`` and another model, dimension or backend built it.
    """
    existing = {c.name if hasattr(c, "name") else str(c) for c in client.list_collections()}
    if name not in existing:
        if not create:
            raise IndexNotBuiltError(
                f"the index at {where} has no collection {name!r}: run 'python -m ingest corpus/'"
            )
        return client.create_collection(
            name,
            embedding_function=None,
            metadata={
                "hnsw:space": "cosine",
                "embedding_model": embedder.name,
                "embedding_dim": embedder.dimension,
                "embedding_backend": embedder.backend,
            },
        )
    collection = client.get_collection(name, embedding_function=None)
    if not check:
        return collection
    meta = collection.metadata or {}
    have = (meta.get("embedding_model"), meta.get("embedding_dim"))
    # the same model name means the same dimension: only load the model to compare
    # dimensions when the names differ (an unchanged re-ingest then loads no model)
    want: tuple[Any, Any] = have
    if have[0] != embedder.name or have[1] is None:
        want = (embedder.name, embedder.dimension)
    if have != want:
        raise IndexMismatchError(
            f"the index at {where} was built with embedding model "
            f"{have[0]!r} (dim {have[1]}), but this process uses {want[0]!r} (dim {want[1]}): "
            f"set {setting}={have[0]} or rebuild with 'python -m ingest --rebuild corpus/'"
        )
    backend = meta.get("embedding_backend", "torch")  # indexes from before the setting
    if backend != embedder.backend:
        raise IndexMismatchError(
            f"the index at {where} was embedded with the {backend!r} backend, but this "
            f"process uses {embedder.backend!r}: vectors from different backends are "
            f"not comparable. Set RAG_EMBEDDING__BACKEND={backend} or rebuild with "
            f"'python -m ingest --rebuild corpus/'"
        )
    return collection


def replace_chunks(
    collection: Any, doc_ids: list[str], items: list[tuple[Any, list[Chunk], Any]], rows: list[Any]
) -> None:
    """Delete the chunks of ``doc_ids``, then write each item's chunks with its vector ``rows``."""
    collection.delete(where={"doc_id": {"$in": doc_ids}})
    chunks = [c for _, item_chunks, _ in items for c in item_chunks]
    vectors = np.concatenate(rows) if chunks else np.zeros((0, 1))
    for part in batches(len(chunks)):
        collection.upsert(
            ids=[c.id for c in chunks[part]],
            documents=[c.text for c in chunks[part]],
            metadatas=[c.to_metadata() for c in chunks[part]],
            embeddings=vectors[part],
        )


def batches(total: int, size: int = BATCH) -> Iterator[slice]:
    """Slices covering ``range(total)`` ``size`` at a time: index lists and arrays alike.

    >>> [(s.start, s.stop) for s in batches(5, 2)]
    [(0, 2), (2, 4), (4, 5)]
    """
    for start in range(0, total, size):
        yield slice(start, min(start + size, total))


def get_pages(
    collection: Any,
    *,
    include: list[str],
    where: dict[str, Any] | None = None,
    page: int = PAGE,
) -> Iterator[dict[str, Any]]:
    """Every record (matching ``where``), as ``collection.get`` results of ``page`` records."""
    offset = 0
    while True:
        got = collection.get(where=where, include=include, limit=page, offset=offset)
        if not got["ids"]:
            return
        yield got
        offset += len(got["ids"])


def query_retrying(collection: Any, **kwargs: Any) -> dict[str, Any]:
    """``collection.query(**kwargs)``, retried when a Chroma server fails it in passing.

    While another process writes, a Chroma server's query can fail with a 500 ("Error finding
    id": the HNSW segment names a record its metadata segment has not made visible yet). The
    same query a moment later succeeds, so it is retried three times with a short backoff
    before the error is raised.
    """
    result: dict[str, Any] = _retrying()(collection.query)(**kwargs)
    return result


@lru_cache(maxsize=1)
def _retrying() -> Any:
    """The retry decorator of :func:`query_retrying`, built once (chromadb imported lazily)."""
    from chromadb.errors import InternalError
    from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

    return retry(
        retry=retry_if_exception_type(InternalError),
        stop=stop_after_attempt(4),
        wait=wait_exponential(multiplier=0.05, max=1.0),
        reraise=True,
    )


def delete_paged(collection: Any, where: dict[str, Any] | None = None, page: int = PAGE) -> None:
    """Delete every record (matching ``where``), a page of IDs at a time.

    Chroma deletes by ID or by filter, but not everything at once, and one call with a million
    IDs would exceed its batch limit.
    """
    while ids := collection.get(where=where, include=[], limit=page)["ids"]:
        collection.delete(ids=ids)


def chunks_from(ids: list[str], documents: Any, metadatas: Any) -> dict[str, Chunk]:
    """Id -> Chunk from the parallel lists a Chroma get or query returns."""
    return {
        cid: Chunk.from_record(cid, doc, dict(meta))
        for cid, doc, meta in zip(ids, documents, metadatas, strict=True)
    }
