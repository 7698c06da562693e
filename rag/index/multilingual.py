"""The multilingual collection: opened, checked and brought in step with the chunk collection.

It holds the multilingual embedder's passage vectors of the same chunks, under the same IDs
and with the same metadata (:class:`~rag.index.store.Store` writes and deletes both together).
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from rag.embeddings.base import DualEncoder
from rag.errors import IndexMismatchError
from rag.index.chroma import get_pages, open_collection

if TYPE_CHECKING:
    from rag.index.store import Store

log = logging.getLogger("rag.index.store")


def has_collection(client: Any, name: str) -> bool:
    """True when the Chroma client has a collection ``name``."""
    return name in {c.name if hasattr(c, "name") else str(c) for c in client.list_collections()}


def open_multilingual(store: Store, create: bool, *, rebuild: bool = False) -> Any:
    """The store's multilingual collection, or None (off, or an index built without it).

    Opened whenever it exists, so deletions reach it whatever the settings; made when
    ``create`` and the store has a multilingual embedder; ``rebuild`` drops it first.

    Raises:
        IndexMismatchError: another multilingual model built it, or a writer (``create``)
            has no multilingual embedder for an index that keeps its vectors.
    """
    name, encoder = store.multilingual_name, store.multilingual
    if rebuild and has_collection(store.client, name):  # rebuilt in step with the chunks
        store.client.delete_collection(name)
    exists = has_collection(store.client, name)
    if not exists and not (create and encoder is not None):
        if encoder is not None and store.vectors and store.collection.count():
            log.warning(
                "the index at %s has no multilingual vectors (built before they existed, or "
                "with RAG_EMBEDDING__MULTILINGUAL off): questions find passages in their own "
                "language only. Run 'python -m ingest corpus/' once to add them.",
                store.where,
            )
        return None
    if encoder is None:
        if store.vectors and create:  # its writes would leave the collection out of step
            raise IndexMismatchError(
                f"the index at {store.where} has multilingual vectors, but this process has "
                f"no multilingual embedder: set RAG_EMBEDDING__MULTILINGUAL=multilingual-e5-small "
                f"or rebuild with 'python -m ingest --rebuild corpus/'"
            )
        return store.client.get_collection(name, embedding_function=None)
    return open_collection(
        store.client,
        name,
        encoder,
        where=store.where,
        create=create,
        check=store.vectors,
        setting="RAG_EMBEDDING__MULTILINGUAL",
    )


def passage_rows(
    store: Store, items: list[tuple[Any, list[Any], Any]], given: list[Any] | None
) -> list[Any]:
    """The multilingual vectors of each item's chunks: ``given``, or embedded now.

    Raises:
        IndexMismatchError: the store has no multilingual embedder to embed them with.
    """
    if given is not None:
        return given
    if store.multilingual is None:
        raise IndexMismatchError(
            f"the index at {store.where} keeps multilingual vectors: open it with "
            f"RAG_EMBEDDING__MULTILINGUAL set to write"
        )
    return [store.multilingual.encode_passages([c.text for c in chunks]) for _, chunks, _ in items]


def backfill(
    source: Any,
    target: Any,
    encoder: DualEncoder,
    lock: threading.Lock,
    where: str,
    page: int = 256,
) -> int:
    """Embed into ``target`` the chunks of ``source`` it lacks; returns how many.

    An index from before the multilingual collection gets it at the first ingest after the
    upgrade (unchanged articles are otherwise never re-embedded). Harmless to repeat.
    """
    missing = source.count() - target.count()
    if missing <= 0:
        return 0
    log.warning("adding multilingual vectors to %d chunks of %s", missing, where)
    done = 0
    with lock:
        for got in get_pages(source, include=["documents", "metadatas"], page=page):
            have = set(target.get(ids=got["ids"], include=[])["ids"])
            rows = [
                (cid, doc, meta)
                for cid, doc, meta in zip(
                    got["ids"], got["documents"], got["metadatas"], strict=True
                )
                if cid not in have
            ]
            if rows:
                target.upsert(
                    ids=[r[0] for r in rows],
                    documents=[r[1] for r in rows],
                    metadatas=[r[2] for r in rows],
                    embeddings=encoder.encode_passages([r[1] for r in rows]),
                )
                done += len(rows)
    return done
