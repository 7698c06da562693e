"""Score the assistant on a QA file: correct-and-cited, refusals, citation precision, speed.

A QA line: ``{"id", "question", "answerable", "any": [...], "all": [...], "support"}``.
An answer is *correct* when it is not a refusal, contains every string of ``all`` and at least
one of ``any`` (case-insensitive); *correct and cited* when, in addition, one of its citations'
passages contains ``support``. It uses the current index and builds nothing by itself.
"""

from __future__ import annotations

import json
import random
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from rag.answering.verify import check_support
from rag.embeddings import TextEncoder
from rag.models import Answer, Chunk


class QAItem(BaseModel):
    """One evaluation question."""

    id: str
    question: str
    answerable: bool = True
    any: list[str] = Field(default_factory=list)
    all: list[str] = Field(default_factory=list)
    support: str = ""
    doc_id: str = Field("", description="Gold document ID, when the set has one (ClapNQ).")


def load_qa(path: str | Path) -> list[QAItem]:
    """Read a QA JSONL file; a bad line is an error naming the line."""
    items = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            items.append(QAItem.model_validate_json(line))
        except ValueError as e:
            raise ValueError(f"{path}:{n}: not a valid QA line ({e})") from e
    return items


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


def is_correct(item: QAItem, answer: Answer) -> bool:
    """Not refused, has every ``all`` string and one ``any`` string."""
    if answer.refused:
        return False
    text = _norm(answer.answer)
    return all(_norm(s) in text for s in item.all) and (
        not item.any or any(_norm(s) in text for s in item.any)
    )


def supports(item: QAItem, text: str) -> bool:
    """The passage contains the item's supporting text."""
    return bool(item.support) and _norm(item.support) in _norm(text)


def is_cited(item: QAItem, answer: Answer) -> bool:
    """One of the answer's cited passages contains the supporting text."""
    return any(supports(item, c.text) for c in answer.citations)


def first_hit(item: QAItem, chunks: list[Chunk]) -> int | None:
    """1-based rank of the first retrieved chunk holding the support (or the gold document)."""
    for rank, c in enumerate(chunks, 1):
        if supports(item, c.text) or (item.doc_id and c.doc_id == item.doc_id):
            return rank
    return None


@dataclass
class Row:
    """Per-question outcome."""

    id: str
    answerable: bool
    refused: bool
    correct: bool
    cited: bool
    seconds: float
    citations_ok: int
    citations_total: int
    sentences_cited: int
    sentences_total: int
    answer: str
    hit_rank: int | None = None


@dataclass
class Report:
    """Aggregates over rows, with bootstrap 95% intervals."""

    name: str
    rows: list[Row] = field(default_factory=list)

    def _rate(self, values: list[bool]) -> dict[str, Any]:
        if not values:
            return {"value": None, "n": 0}
        rng = random.Random(0)
        mean = sum(values) / len(values)
        boots = sorted(sum(rng.choices(values, k=len(values))) / len(values) for _ in range(1000))
        return {"value": mean, "lo": boots[25], "hi": boots[974], "n": len(values)}

    def metrics(self) -> dict[str, Any]:
        """All figures as a dict (JSON output)."""
        ans = [r for r in self.rows if r.answerable]
        una = [r for r in self.rows if not r.answerable]
        cit_total = sum(r.citations_total for r in self.rows)
        sent_total = sum(r.sentences_total for r in self.rows)
        secs = sorted(r.seconds for r in self.rows)
        ranked = [r for r in ans if r.hit_rank != -1]
        retrieval = {
            f"hit@{k}": self._rate([r.hit_rank is not None and r.hit_rank <= k for r in ranked])
            for k in (1, 5, 10)
        }
        mrr = [1.0 / r.hit_rank if r.hit_rank else 0.0 for r in ranked]
        return {
            "questions": len(self.rows),
            **retrieval,
            "mrr@10": sum(mrr) / len(mrr) if mrr else None,
            "correct": self._rate([r.correct for r in ans]),
            "correct_and_cited": self._rate([r.correct and r.cited for r in ans]),
            "refusal_unanswerable": self._rate([r.refused for r in una]),
            "false_refusal_answerable": self._rate([r.refused for r in ans]),
            "citation_precision": (
                sum(r.citations_ok for r in self.rows) / cit_total if cit_total else None
            ),
            "sentences_with_citation": (
                sum(r.sentences_cited for r in self.rows) / sent_total if sent_total else None
            ),
            "median_seconds": statistics.median(secs) if secs else None,
            "p95_seconds": secs[min(len(secs) - 1, int(0.95 * len(secs)))] if secs else None,
        }


def evaluate(
    items: list[QAItem],
    ask_fn: Callable[[str], Answer],
    *,
    embedder: TextEncoder,
    min_support_similarity: float,
    name: str = "ours",
    retrieve_fn: Callable[[str], list[Chunk]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Run every question through ``ask_fn`` (and ``retrieve_fn``, top 10) and score it."""
    report = Report(name)
    for i, item in enumerate(items):
        hit_rank: int | None = -1  # -1: not measured
        if retrieve_fn is not None and item.answerable and (item.support or item.doc_id):
            hit_rank = first_hit(item, retrieve_fn(item.question)[:10])
        a = ask_fn(item.question)
        by_n = {c.n: c for c in a.citations}
        ok = total = 0
        for s in a.sentences:
            for n in s.citations:
                c = by_n.get(n)
                total += 1
                if (
                    c is not None
                    and check_support(
                        s.text,
                        [c.sentence or c.text],
                        embedder=embedder,
                        min_similarity=min_support_similarity,
                    ).supported
                ):
                    ok += 1
        report.rows.append(
            Row(
                id=item.id,
                answerable=item.answerable,
                refused=a.refused,
                correct=is_correct(item, a),
                cited=is_cited(item, a),
                seconds=a.seconds,
                citations_ok=ok,
                citations_total=total,
                sentences_cited=sum(bool(s.citations) for s in a.sentences),
                sentences_total=len(a.sentences),
                answer=a.answer,
                hit_rank=hit_rank,
            )
        )
        if progress:
            progress(i + 1, len(items))
    return report


def format_reports(reports: list[Report]) -> str:
    """A side-by-side table of the reports' metrics."""
    names = [r.name for r in reports]
    metrics = [r.metrics() for r in reports]
    lines = [f"{'metric':28}" + "".join(f"{n:>26}" for n in names)]
    for key in metrics[0]:
        cells = []
        for m in metrics:
            v = m[key]
            if isinstance(v, dict):
                cell = (
                    "n/a"
                    if v["value"] is None
                    else (f"{v['value']:.3f} [{v['lo']:.2f},{v['hi']:.2f}] n={v['n']}")
                )
            elif isinstance(v, float):
                cell = f"{v:.3f}"
            else:
                cell = "n/a" if v is None else str(v)
            cells.append(f"{cell:>26}")
        lines.append(f"{key:28}" + "".join(cells))
    return "\n".join(lines)


def reports_json(reports: list[Report]) -> str:
    """Metrics and rows as JSON."""
    return json.dumps(
        {r.name: {"metrics": r.metrics(), "rows": [vars(x) for x in r.rows]} for r in reports},
        indent=1,
    )
