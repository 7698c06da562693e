"""Score answers against a benchmark's gold: answer first, cite the sentence, refuse the rest.

A QA line: ``{"id", "question", "answerable", "any": [...], "all": [...], "support"}``, and
optionally ``kind``, ``language``, ``doc_ids`` (the Sahel set, see evals/data/sahel/README.md).
Gold strings and answers are compared after :func:`evals.normalise.normalise` (case, accents,
thousands separators, number words in English and French). Per question:

- **correct**: not refused, and the *first sentence* of the answer (``Answer.sentences[0]``, or
  the first sentence of ``Answer.answer`` when there are no sentences: the naive baseline) holds
  every ``all`` string and one ``any`` string. A set without gold strings (ClapNQ: long-form
  answers) asks instead that the first sentence holds at least half of the content terms of the
  gold sentence (``reference``, else ``support``).
- **cited**: not refused, and a citation attached to that first sentence has an *evidence
  sentence* (``Citation.sentence``, not the whole chunk) that holds ``support``: the support is
  inside it (case, accents, quote marks and whitespace folded) or, for a support spanning
  sentences, the two share a run of consecutive words covering at least half of the support's
  words and at least 4 words (:func:`evals.grading.support_in`). A citation without a sentence
  (a chunk: the naive baseline) never counts.
- **citation precision** (answerable questions, answers not refused): the share of the answer's
  citations whose evidence sentence holds the support or one gold string. Judged against the
  benchmark's gold only, never by the pipeline's own support check.
- **states the answer** (answerable questions whose gold is a figure, date, name or place: kinds
  in :data:`FACT_KINDS`, or any question of a set without kinds, when a gold string has digits,
  number words or a capital): a gold answer anywhere in the answer text, quotes included.
- **refused**: ``Answer.refused``; the refusal rate is taken on unanswerable questions, the
  false-refusal rate on answerable ones.
- **words**: the answer's length, ``[n]`` markers left out; the median is over answers not
  refused. ``sentences_quoted``: the share of answer sentences that are verbatim evidence (the
  generated ones failed verification, or there is no LLM); ``answers_with_notes``: answers
  that carry a note, such as the LLM stopping and quotes answering instead.
- ``correct_anywhere`` and ``cited_passage`` are the earlier, lenient rules, printed beside the
  strict ones for comparison: the gold anywhere in the answer; the support anywhere in a cited
  chunk (any citation of any sentence).

The rules live in evals/grading.py, one function each. Every figure is given overall (rates
with bootstrap 95% intervals) and by question ``kind``, by question ``language`` and by the
language of the article holding the support (``doc_language``). Sets without kinds or languages
(the seed file, ClapNQ) count as kind ``all`` and language ``en``. It uses the index it is given
and builds nothing by itself.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from evals.grading import (
    FACT_KINDS,
    QAItem,
    citation_ok,
    cited_passage,
    correct_anywhere,
    events_found,
    first_hit,
    first_sentence,
    holds_gold,
    is_cited,
    is_correct,
    is_fact_question,
    load_qa,
    support_in,
)
from evals.normalise import words_in
from rag.models import Answer, Chunk

__all__ = [
    "FACT_KINDS",
    "GROUPS",
    "QAItem",
    "Report",
    "Row",
    "bootstrap",
    "citation_ok",
    "cited_passage",
    "correct_anywhere",
    "evaluate",
    "first_hit",
    "first_sentence",
    "grade",
    "holds_gold",
    "is_cited",
    "is_correct",
    "is_fact_question",
    "load_qa",
    "plain",
    "summarise",
    "support_in",
]


# -- rows and reports --------------------------------------------------------------------------
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
    hit_rank: int | None = None  # -1: not measured
    kind: str = "all"
    language: str = "en"
    doc_language: str = ""
    correct_anywhere: bool = False
    cited_passage: bool = False
    fact: bool = False  # a figure, date, name or place is asked for
    words: int = 0
    sentences_quoted: int = 0  # verbatim evidence rather than generated text
    notes: list[str] = field(default_factory=list)  # e.g. the LLM stopped: quotes answered
    dated: bool = False  # answered, and every cited source has its publication date
    events_found: float | None = None  # timelines: share of the gold events the answer states


def grade(item: QAItem, answer: Answer, *, hit_rank: int | None = -1) -> Row:
    """The row for ``answer`` to ``item``."""
    precise = [citation_ok(item, c) for c in answer.citations]
    measured = item.answerable and not answer.refused
    return Row(
        id=item.id,
        answerable=item.answerable,
        refused=answer.refused,
        correct=is_correct(item, answer),
        cited=is_cited(item, answer),
        seconds=answer.seconds,
        citations_ok=sum(precise) if measured else 0,
        citations_total=len(precise) if measured else 0,
        sentences_cited=sum(bool(s.citations) for s in answer.sentences),
        sentences_total=len(answer.sentences),
        answer=answer.answer,
        hit_rank=hit_rank,
        kind=item.kind,
        language=item.language,
        doc_language=item.doc_language,
        correct_anywhere=correct_anywhere(item, answer),
        cited_passage=cited_passage(item, answer),
        fact=is_fact_question(item),
        words=words_in(answer.answer),
        sentences_quoted=sum(s.quoted for s in answer.sentences),
        notes=list(answer.notes),
        dated=not answer.refused and all(c.published for c in answer.citations),
        events_found=events_found(item, answer) if item.events else None,
    )


Rate = Callable[[list[bool]], dict[str, Any]]


def bootstrap(values: list[bool]) -> dict[str, Any]:
    """Mean with a bootstrap 95% interval (seed 0, 1000 resamples)."""
    if not values:
        return {"value": None, "n": 0}
    rng = random.Random(0)
    mean = sum(values) / len(values)
    boots = sorted(sum(rng.choices(values, k=len(values))) / len(values) for _ in range(1000))
    return {"value": mean, "lo": boots[25], "hi": boots[974], "n": len(values)}


def plain(values: list[bool]) -> dict[str, Any]:
    """Mean and count, no interval (the per-group figures)."""
    return {"value": sum(values) / len(values) if values else None, "n": len(values)}


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def summarise(rows: list[Row], rate: Rate = bootstrap) -> dict[str, Any]:
    """Every figure over ``rows`` (rates through ``rate``)."""
    ans = [r for r in rows if r.answerable]
    una = [r for r in rows if not r.answerable]
    ranked = [r for r in ans if r.hit_rank != -1]
    words = [r.words for r in rows if not r.refused]
    secs = sorted(r.seconds for r in rows)
    mrr = [1.0 / r.hit_rank if r.hit_rank else 0.0 for r in ranked]
    cit_total = sum(r.citations_total for r in rows)
    sent_total = sum(r.sentences_total for r in rows)
    return {
        "questions": len(rows),
        "answerable": len(ans),
        "unanswerable": len(una),
        **{
            f"hit@{k}": rate([r.hit_rank is not None and r.hit_rank <= k for r in ranked])
            for k in (1, 5, 10)
        },
        "mrr@10": sum(mrr) / len(mrr) if mrr else None,
        "correct": rate([r.correct for r in ans]),
        "cited": rate([r.cited for r in ans]),
        "correct_and_cited": rate([r.correct and r.cited for r in ans]),
        "states_answer": rate([r.correct_anywhere for r in ans if r.fact]),
        "citation_precision": _ratio(sum(r.citations_ok for r in rows), cit_total),
        "citations": cit_total,
        "refusal_unanswerable": rate([r.refused for r in una]),
        "false_refusal_answerable": rate([r.refused for r in ans]),
        "correct_anywhere": rate([r.correct_anywhere for r in ans]),
        "cited_passage": rate([r.cited_passage for r in ans]),
        "sentences_with_citation": _ratio(sum(r.sentences_cited for r in rows), sent_total),
        "sentences_quoted": _ratio(sum(r.sentences_quoted for r in rows), sent_total),
        "answers_with_notes": sum(bool(r.notes) for r in rows),
        "source_dates_shown": rate([r.dated for r in rows if not r.refused]),
        "timeline_events_found": _mean([r.events_found for r in rows]),
        "median_words": statistics.median(words) if words else None,
        "median_seconds": statistics.median(secs) if secs else None,
        "p95_seconds": secs[min(len(secs) - 1, int(0.95 * len(secs)))] if secs else None,
    }


GROUPS = {"by_kind": "kind", "by_language": "language", "by_doc_language": "doc_language"}


@dataclass
class Report:
    """Aggregates over rows: overall (bootstrap 95% intervals) and by group (counts)."""

    name: str
    rows: list[Row] = field(default_factory=list)

    def groups(self, attr: str) -> dict[str, list[Row]]:
        """Rows by the value of ``attr`` (kind, language, doc_language), in first-seen order.

        Rows without a value (no supporting article: unanswerable) are the group ``none``.
        """
        out: dict[str, list[Row]] = {}
        for r in self.rows:
            out.setdefault(str(getattr(r, attr)) or "none", []).append(r)
        return out

    def metrics(self) -> dict[str, Any]:
        """All figures as a dict (JSON output): overall, then ``by_kind``, ``by_language``..."""
        out = summarise(self.rows)
        for key, attr in GROUPS.items():
            out[key] = {g: summarise(rows, plain) for g, rows in self.groups(attr).items()}
        return out


def evaluate(
    items: list[QAItem],
    ask_fn: Callable[..., Answer],
    *,
    name: str = "ours",
    retrieve_fn: Callable[[str], list[Chunk]] | None = None,
    progress: Callable[[int, int], None] | None = None,
    embedder: object = None,
    min_support_similarity: float | None = None,
) -> Report:
    """Run every question through ``ask_fn`` (and ``retrieve_fn``, top 10) and grade it.

    A question with an ``as_of`` date is asked ``ask_fn(question, as_of=...)``.

    ``embedder`` and ``min_support_similarity`` are ignored (citations are judged against the
    gold, not by the pipeline's own support check); they are accepted for older callers.
    """
    del embedder, min_support_similarity
    report = Report(name)
    for i, item in enumerate(items):
        hit_rank: int | None = -1  # -1: not measured
        if retrieve_fn is not None and item.answerable and (item.support or item.gold_docs):
            hit_rank = first_hit(item, retrieve_fn(item.question)[:10])
        answer = ask_fn(item.question, as_of=item.as_of) if item.as_of else ask_fn(item.question)
        report.rows.append(grade(item, answer, hit_rank=hit_rank))
        if progress:
            progress(i + 1, len(items))
    return report
