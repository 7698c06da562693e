"""Evaluation sets beyond the seed QA file: ClapNQ (300 answerable + 300 unanswerable questions).

The corpus is the gold passages (deduplicated); a question's gold document is its own passage.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from evals.metrics import QAItem
from rag.models import Article

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
