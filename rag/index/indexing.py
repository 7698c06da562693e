"""Index cleaned articles: chunk, embed in batches across articles, store.

Used by ``ingest`` (files, folders) and by evaluation adapters (ClapNQ passages), so every
index is built the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
from tqdm import tqdm

from rag.analysis import SentenceClaim
from rag.index.chunking import chunk_article
from rag.index.store import Store
from rag.models import Article
from rag.settings import Settings

log = logging.getLogger(__name__)

OnError = Callable[[Article, Exception], None]


@dataclass
class IndexResult:
    """Articles and chunks written."""

    articles: int = 0
    chunks: int = 0


def index_articles(
    store: Store,
    articles: Iterable[Article],
    *,
    settings: Settings,
    progress: bool = False,
    on_error: OnError | None = None,
    keys: dict[str, tuple[str, list[int]]] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> IndexResult:
    """Chunk, embed and store ``articles`` (each replaces its earlier version).

    Chunks of several articles are embedded together so small articles still fill a batch,
    by the multilingual embedder too when the store keeps its vectors.
    An article that fails is passed to ``on_error`` (or re-raised) and the rest go on.
    """
    chunked = [
        (a, chunk_article(a, settings.ingest, claims=_claims(a, settings))) for a in articles
    ]
    result = IndexResult()
    total = sum(len(c) for _, c in chunked)
    group_size = settings.ingest.group_chunks
    with tqdm(
        total=total, unit="chunk", desc="embedding", disable=not progress or not total
    ) as bar:
        start = 0
        while start < len(chunked):
            stop, n = start, 0
            while stop < len(chunked) and (n < group_size or stop == start):
                n += len(chunked[stop][1])
                stop += 1
            group = chunked[start:stop]
            texts = [c.text for _, chunks in group for c in chunks]
            try:
                vectors = store.embedder.encode(texts, batch_size=settings.embedding.batch_size)
                passages = None
                if store.ml_collection is not None and store.multilingual is not None:
                    passages = store.multilingual.encode_passages(texts)
            except Exception as e:
                for article, _ in group:
                    _fail(article, e, on_error)
                bar.update(len(texts))
                start = stop
                continue
            items, extra, offset = [], [], 0
            for article, chunks in group:
                rows = slice(offset, offset + len(chunks))
                items.append((article, chunks, vectors[rows]))
                extra.append(passages[rows] if passages is not None else None)
                offset += len(chunks)
            try:
                store.put_articles(items, keys, passage_vectors=_all_or_none(extra))
                done = items
            except Exception:
                done = []  # isolate the article that fails: one at a time
                for item, more in zip(items, extra, strict=True):
                    try:
                        store.put_articles([item], keys, passage_vectors=_all_or_none([more]))
                        done.append(item)
                    except Exception as e:
                        _fail(item[0], e, on_error)
            result.articles += len(done)
            result.chunks += sum(len(c) for _, c, _ in done)
            bar.update(len(texts))
            if on_progress:
                on_progress(bar.n, total)
            start = stop
    return result


def _all_or_none(vectors: list[np.ndarray | None]) -> list[np.ndarray] | None:
    return None if any(v is None for v in vectors) else [v for v in vectors if v is not None]


def _fail(article: Article, error: Exception, on_error: OnError | None) -> None:
    if on_error is None:
        raise error
    on_error(article, error)


__all__ = ["IndexResult", "index_articles"]


def _claims(article: Article, settings: Settings) -> list[SentenceClaim] | None:
    """The article's sentence claims, or None: off, or the analysis failed.

    A failed analysis never loses the article: it is indexed without claims, and answering
    analyses its sentences when they are asked about.
    """
    if not settings.ingest.claims:
        return None
    from rag.analysis import analyse

    try:
        published = date.fromisoformat(article.published[:10]) if article.published else None
    except ValueError:
        published = None
    try:
        return analyse(article.text, article.language, published)
    except Exception:  # noqa: BLE001 - analysis is an optimisation; never lose the article
        log.warning("sentence analysis failed for %s; indexed without claims", article.doc_id)
        return None
