"""Sentence-aware chunking: a few whole sentences per chunk, neighbours overlapping by sentences."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from rag.analysis.models import SentenceClaim
from rag.analysis.storage import claims_within, dumps_claims
from rag.models import Article, Chunk
from rag.settings import IngestSettings
from rag.text import split_sentences


def chunk_id(doc_id: str, start: int, end: int, text: str) -> str:
    """Stable, content-derived chunk ID."""
    digest = hashlib.sha256(f"{doc_id}\x00{start}\x00{end}\x00{text}".encode()).hexdigest()
    return f"{doc_id}-{digest[:12]}"


def chunk_article(
    article: Article,
    settings: IngestSettings | None = None,
    *,
    claims: Sequence[SentenceClaim] | None = None,
) -> list[Chunk]:
    """Cut an article into chunks of whole sentences; each records its span in ``article.text``.

    ``claims`` (``rag.analysis.analyse(article.text, ...)``) are shared out to the chunks
    holding their sentences, as compact JSON in ``Chunk.claims``.
    """
    settings = settings or IngestSettings()
    spans = split_sentences(article.text)
    chunks: list[Chunk] = []
    i = 0
    step_back = min(settings.chunk_overlap, settings.chunk_sentences - 1)
    while i < len(spans):
        j = i
        while j < len(spans) and j - i < settings.chunk_sentences:
            if j > i and spans[j][1] - spans[i][0] > settings.max_chunk_chars:
                break
            j += 1
        start, end = spans[i][0], spans[j - 1][1]
        text = article.text[start:end]
        chunks.append(
            Chunk(
                id=chunk_id(article.doc_id, start, end, text),
                doc_id=article.doc_id,
                index=len(chunks),
                text=text,
                start=start,
                end=end,
                sentences=spans[i:j],
                title=article.title,
                source=article.source,
                url=article.url,
                published=article.published,
                page=article.page_at(start),
                language=article.language,
                claims=dumps_claims(claims_within(claims, start, end)) if claims else "",
            )
        )
        if j >= len(spans):
            break
        i = max(j - step_back, i + 1)
    return chunks
