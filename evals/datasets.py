"""Evaluation sets beyond the seed QA file, each as (articles, QA items).

- ClapNQ (300 answerable + 300 unanswerable questions): the corpus is the gold passages
  (deduplicated); a question's gold document is its own passage. Its gold answers are long-form,
  so a question has no gold strings: its ``reference`` is the first gold sentence (see
  evals/metrics.py for how such an answer is graded).
- The Sahel news-stream benchmark (evals/data/sahel, 64 articles, 242 questions): the articles
  loaded as ``ingest`` loads files, the questions of one split with their gold article stems
  mapped to the loaded articles' ``doc_id``.

``build_temp_index`` indexes such articles in an index of their own, beside the user's.
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
from evals.normalise import fold
from rag.models import Article

if TYPE_CHECKING:
    from rag.embeddings import TextEncoder
    from rag.index.indexing import IndexResult
    from rag.index.store import Store
    from rag.settings import Settings

FILES = {"clapnq_dev_answerable.jsonl": True, "clapnq_dev_unanswerable.jsonl": False}
SPLITS = ("dev", "test", "all")


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
                    reference=selected[0].strip() if answerable and selected else "",
                    doc_id=doc_id if answerable else "",
                )
            )
    return list(articles.values()), items


def _spread(items: list[QAItem]) -> list[QAItem]:
    """Items taken in turn from each kind (first of every kind, then second...)."""
    by_kind: dict[str, list[QAItem]] = {}
    for it in items:
        by_kind.setdefault(it.kind, []).append(it)
    longest = max((len(v) for v in by_kind.values()), default=0)
    return [v[i] for i in range(longest) for v in by_kind.values() if i < len(v)]


def load_sahel(
    folder: str | Path,
    split: str = "test",
    *,
    limit: int | None = None,
    questions: str = "questions.jsonl",
    other_supports: bool = True,
) -> tuple[list[Article], list[QAItem]]:
    """(every article, the questions of ``split``: dev, test or all).

    ``other_supports``: read ``supports.jsonl`` (other sentences stating each answer, by id)
    into ``QAItem.supports``; False grades against the one ``support`` only (the older rule).

    Articles are read with ``ingest.loaders.load_file`` (front matter, furniture stripped).
    ``doc_ids`` become the loaded articles' IDs, ``doc_language`` the language of the gold
    article holding the support. ``limit`` takes that many questions in turn from each kind,
    so that a short run still sees every kind.
    """
    from ingest.loaders import load_file

    folder = Path(folder)
    name = questions
    questions_path = folder / name
    if not questions_path.is_file() or not (folder / "articles").is_dir():
        raise FileNotFoundError(
            f"{folder} has no {name} and articles/: point --sahel at evals/data/sahel"
        )
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
    articles = {p.stem: load_file(p) for p in sorted((folder / "articles").glob("*.md"))}
    others: dict[str, list[str]] = {}
    if other_supports and (folder / "supports.jsonl").is_file():
        for line in (folder / "supports.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                others[rec["id"]] = [s["text"] for s in rec.get("supports", [])]
    items: list[QAItem] = []
    for n, line in enumerate(questions_path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        rec = json.loads(line)
        if split != "all" and rec["split"] != split:
            continue
        stems = rec.get("doc_ids") or []
        missing = [d for d in stems if d not in articles]
        if missing:
            raise ValueError(f"{questions_path}:{n}: no article {', '.join(missing)} in articles/")
        gold = [articles[d] for d in stems]
        support = fold(rec.get("support") or "")
        holder = next(
            (a for a in gold if support and support in fold(a.text)), gold[0] if gold else None
        )
        items.append(
            QAItem(
                **{k: v for k, v in rec.items() if k not in ("doc_ids", "as_of")},
                doc_id=gold[0].doc_id if gold else "",
                doc_ids=[a.doc_id for a in gold],
                doc_language=holder.language if holder else "",
                as_of=rec.get("as_of") or "",
                supports=others.get(rec["id"], []),
            )
        )
    if limit is not None:
        items = _spread(items)[:limit]
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
