"""Evaluation sets beyond the seed QA file: ClapNQ (300 answerable + 300 unanswerable questions).

The corpus is the gold passages (deduplicated); a question's gold document is its own passage.
``build_temp_index`` indexes such passages in an index of their own, beside the user's.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from evals.metrics import QAItem
from rag.models import Article

if TYPE_CHECKING:
    from rag.embeddings import TextEncoder
    from rag.index.indexing import IndexResult
    from rag.index.store import Store
    from rag.settings import Settings

FILES = {"clapnq_dev_answerable.jsonl": True, "clapnq_dev_unanswerable.jsonl": False}


def _doc_id(title: str, text: str) -> str:
    return "clapnq-" + hashlib.sha1(f"{title}\x00{text}".encode()).hexdigest()[:12]


def _support(sentence: str, max_chars: int = 60) -> str:
    """A prefix of the gold sentence, cut at a word: short enough to sit inside one chunk."""
    s = sentence.strip()
    if len(s) <= max_chars:
        return s
    return s[:max_chars].rsplit(" ", 1)[0]


def load_clapnq(
    folder: str | Path, *, limit: int | None = None
) -> tuple[list[Article], list[QAItem]]:
    """(articles, QA items); ``limit`` takes that many questions from each file."""
    folder = Path(folder)
    articles: dict[str, Article] = {}
    items: list[QAItem] = []
    for name, answerable in FILES.items():
        path = folder / name
        if not path.exists():
            raise FileNotFoundError(f"{path} not found: point --clapnq at ../shared/data/clapnq")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if limit is not None and n >= limit:
                break
            rec = json.loads(line)
            passage = rec["passages"][0]
            doc_id = _doc_id(passage["title"], passage["text"])
            articles.setdefault(
                doc_id,
                Article(
                    doc_id=doc_id,
                    text=passage["text"].strip(),
                    title=passage["title"],
                    source="Wikipedia",
                    content_hash=doc_id,
                ),
            )
            out = rec["output"][0]
            selected = out.get("selected_sentences") or []
            items.append(
                QAItem(
                    id=str(rec["id"]),
                    question=rec["input"],
                    answerable=answerable,
                    support=_support(selected[0]) if answerable and selected else "",
                    doc_id=doc_id if answerable else "",
                )
            )
    return list(articles.values()), items


@dataclass
class TempIndex:
    """An index built by :func:`build_temp_index`: open it with these settings and embedder."""

    settings: Settings
    store: Store
    embedder: TextEncoder
    indexed: IndexResult  # articles and chunks written (zero when ``home`` was reused)
    seconds: float  # time spent chunking, embedding and storing them


@contextmanager
def build_temp_index(
    articles: Iterable[Article],
    *,
    settings: Settings | None = None,
    embedder: TextEncoder | None = None,
    home: str | Path | None = None,
    progress: bool = False,
    prefix: str = "rag-eval-",
) -> Iterator[TempIndex]:
    """Index ``articles`` in an index of their own; yields a :class:`TempIndex`.

    ``settings`` (default: ``get_settings()``) gives every setting but where the index lives:
    a new temporary directory, removed on exit, always embedded Chroma (never
    ``settings.chroma_url``, whose collection is the user's). ``embedder`` defaults to the
    shared one for ``settings.embedding``. With ``home``, the index is kept there instead
    (built only when that index is empty, reused otherwise, never removed). ``progress`` shows
    the embedding bar and one line naming the directory on stderr.
    """
    from rag.embeddings import get_embedder
    from rag.index.indexing import IndexResult, index_articles
    from rag.index.store import Store
    from rag.settings import get_settings

    base = settings or get_settings()
    tmp = None
    if home is None:
        tmp = tempfile.TemporaryDirectory(prefix=prefix, ignore_cleanup_errors=True)
        home = tmp.name
    try:
        s = base.model_copy(update={"home": Path(home), "chroma_url": None})
        enc = embedder or get_embedder(s.embedding)
        store = Store(s, enc, create=True)
        indexed = IndexResult()
        t0 = time.perf_counter()
        if tmp is not None or store.count() == 0:
            articles = list(articles)
            if progress:
                print(f"indexing {len(articles)} passages into {home}", file=sys.stderr)
            indexed = index_articles(store, articles, settings=s, progress=progress)
        yield TempIndex(s, store, enc, indexed, time.perf_counter() - t0)
    finally:
        if tmp is not None:
            tmp.cleanup()
