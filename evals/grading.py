"""The per-question rules: what a QA item is, and whether one answer meets its gold.

See evals/metrics.py for the definitions in full (correct, cited, citation precision, states the
answer); this module holds them as functions on one :class:`QAItem` and one ``Answer``.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, Field

from evals.normalise import contains, fold, normalise
from rag.models import Answer, Chunk, Citation
from rag.text import content_terms, split_sentences

# Kinds whose gold is a figure, a date, a name or a place (when it looks like one).
FACT_KINDS = frozenset(
    {"number", "date", "who", "where", "attributed_claim", "conflicting_figures", "french_only"}
)
# A run of consecutive words shared with the support that counts as citing it, when the
# support is not inside the sentence whole (a support spanning two sentences).
MIN_OVERLAP_SHARE = 0.5
MIN_OVERLAP_WORDS = 4
# Share of the gold sentence's content terms the first sentence needs (sets without gold strings).
MIN_TERM_RECALL = 0.5


class GoldEvent(BaseModel):
    """One event a timeline answer must list, in this order."""

    date: str
    any: list[str] = Field(default_factory=list)
    doc_ids: list[str] = Field(default_factory=list)


class QAItem(BaseModel):
    """One evaluation question."""

    id: str
    question: str
    answerable: bool = True
    any: list[str] = Field(default_factory=list)
    all: list[str] = Field(default_factory=list)
    support: str = ""
    supports: list[str] = Field(
        default_factory=list,
        description="Other sentences' spans stating the same answer (annotated apart, blind to "
        "the assistant's answers): citing one of them cites the support.",
    )
    doc_id: str = Field("", description="Gold document ID, when the set has one (ClapNQ).")
    doc_ids: list[str] = Field(default_factory=list, description="Every gold document ID.")
    kind: str = "all"
    language: str = "en"
    doc_language: str = Field("", description="Language of the article holding the support.")
    split: str = ""
    as_of: str = ""
    reference: str = Field("", description="Long-form gold answer (ClapNQ's gold sentence).")
    first: list[str] = Field(
        default_factory=list,
        description="Revision questions: one of these (the latest figure) opens the answer.",
    )
    events: list[GoldEvent] = Field(
        default_factory=list, description="Timeline questions: the events, in date order."
    )
    newest: str = Field("", description="Coverage questions: the newest relevant article's date.")

    @property
    def all_supports(self) -> list[str]:
        """The support and the other spans stating the answer."""
        return [s for s in (self.support, *self.supports) if s]

    @property
    def gold_docs(self) -> set[str]:
        """The gold document IDs (``doc_id`` and ``doc_ids``)."""
        return {d for d in (self.doc_id, *self.doc_ids) if d}

    @property
    def gold_strings(self) -> list[str]:
        """Every accepted gold string (``any`` then ``all``)."""
        return [*self.any, *self.all]


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


# -- grading one answer ------------------------------------------------------------------------
def first_sentence(answer: Answer) -> tuple[str, list[int]]:
    """The answer's first sentence and the citation numbers attached to it."""
    if answer.sentences:
        return answer.sentences[0].text, list(answer.sentences[0].citations)
    spans = split_sentences(answer.answer)
    return (answer.answer[spans[0][0] : spans[0][1]] if spans else answer.answer.strip()), []


def holds_gold(item: QAItem, text: str) -> bool:
    """``text`` holds every ``all`` string and one ``any`` string (normalised).

    Without gold strings: ``text`` holds half the content terms of the gold sentence.
    """
    if not item.gold_strings:
        gold = content_terms(item.reference or item.support)
        have = set(content_terms(text))
        return bool(gold) and sum(t in have for t in gold) / len(gold) >= MIN_TERM_RECALL
    norm = normalise(text)
    return all(contains(norm, normalise(s)) for s in item.all) and (
        not item.any or any(contains(norm, normalise(s)) for s in item.any)
    )


def _longest_common_run(a: list[str], b: list[str]) -> int:
    best = 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0] * (len(b) + 1)
        for j, y in enumerate(b, 1):
            if x == y:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def support_in(support: str, sentence: str) -> bool:
    """The evidence ``sentence`` holds the gold ``support``.

    The support (case, accents, quote marks and whitespace folded) is inside the sentence; or,
    for a support spanning sentences, the two share a run of consecutive words covering at
    least half of the support's words (and at least 4 words).
    """
    s, t = fold(support), fold(sentence)
    if not s or not t:
        return False
    if s in t:
        return True
    sw, tw = re.findall(r"\w+", s), re.findall(r"\w+", t)
    run = _longest_common_run(sw, tw)
    return run >= MIN_OVERLAP_WORDS and run >= MIN_OVERLAP_SHARE * len(sw)


def _holds_any(strings: list[str], text: str) -> bool:
    norm = normalise(text)
    return any(contains(norm, normalise(s)) for s in strings)


_SHOWN_DATE = re.compile(r"^[^“]*?:\s*(?=“)")  # "14 March 2024 (reported): " before a quote
_DATED_SOURCE = re.compile(r"\([^()]*\b(19|20)\d\d\)")  # "(Sahel Wire, 22 March 2024)"


def timeline_lines(answer: Answer) -> list[tuple[str, list[int]]]:
    """The answer's lines (a timeline's events, else its sentences) with their citations.

    A timeline line is graded on what it quotes, not on the date it shows: "21 March 2024"
    must not pass for the figure 21.
    """
    if answer.timeline:
        return [(_SHOWN_DATE.sub("", e.text), list(e.citations)) for e in answer.timeline]
    return [(s.text, list(s.citations)) for s in answer.sentences]


def events_found(item: QAItem, answer: Answer) -> float:
    """Share of a timeline's gold events that some line of the answer states (0 if refused)."""
    if answer.refused or not item.events:
        return 0.0
    lines = timeline_lines(answer)
    found = [any(_holds_any(e.any, text) for text, _ in lines) for e in item.events]
    return sum(found) / len(found)


def timeline_order(item: QAItem, answer: Answer) -> list[int] | None:
    """For each gold event, the first answer line holding it; None when one is missing."""
    lines = timeline_lines(answer)
    found = []
    for event in item.events:
        at = next((i for i, (text, _) in enumerate(lines) if _holds_any(event.any, text)), None)
        if at is None:
            return None
        found.append(at)
    return found


def is_correct(item: QAItem, answer: Answer) -> bool:
    """Not refused, and the first sentence holds the gold answer.

    A timeline (``events``) instead lists every gold event, in date order. A revision
    (``first``) opens with the latest figure and states every figure of ``all``.
    """
    if answer.refused:
        return False
    if item.events:
        at = timeline_order(item, answer)
        return at is not None and at == sorted(at)
    if item.first:  # the figure itself, not the date of its report, before any earlier one
        opening = _DATED_SOURCE.sub("", first_sentence(answer)[0].split("; ")[0])
        return _holds_any(item.first, opening) and holds_gold(item, answer.answer)
    return holds_gold(item, first_sentence(answer)[0])


def correct_anywhere(item: QAItem, answer: Answer) -> bool:
    """Not refused, and the gold answer is anywhere in the answer (the lenient, earlier rule)."""
    return not answer.refused and holds_gold(item, answer.answer)


def is_cited(item: QAItem, answer: Answer) -> bool:
    """Not refused, and a citation of the first sentence cites a sentence holding the support.

    When several gold articles hold the answer, a sentence of any of them stating a gold
    ``any`` string counts too. A timeline: every line is cited, and each gold event's line cites a sentence holding it.
    """
    if answer.refused:
        return False
    by_n = {c.n: c for c in answer.citations}
    if item.events:
        lines = timeline_lines(answer)
        at = timeline_order(item, answer)
        return (
            at is not None
            and all(cites for _, cites in lines)
            and all(
                any(
                    (c := by_n.get(n)) is not None and _holds_any(event.any, c.sentence)
                    for n in lines[i][1]
                )
                for event, i in zip(item.events, at, strict=True)
            )
        )
    if not item.support:
        return False
    # several gold articles state the answer (a story every outlet carried): a sentence of one
    # of them stating a gold string supports it as well as the one the support was taken from
    others = set(item.doc_ids) if len(item.doc_ids) > 1 and item.any else set()
    return any(
        (c := by_n.get(n)) is not None
        and (
            any(support_in(s, c.sentence) for s in item.all_supports)
            or (c.doc_id in others and _holds_any(item.any, c.sentence))
        )
        for n in first_sentence(answer)[1]
    )


def cited_passage(item: QAItem, answer: Answer) -> bool:
    """A cited chunk (any citation) holds the support: the lenient, earlier rule."""
    return bool(item.support) and any(fold(item.support) in fold(c.text) for c in answer.citations)


def citation_ok(item: QAItem, citation: Citation) -> bool:
    """The citation's evidence sentence holds the support or one gold string."""
    if any(support_in(s, citation.sentence) for s in item.all_supports):
        return True
    norm = normalise(citation.sentence)
    return bool(norm) and any(contains(norm, normalise(s)) for s in item.gold_strings)


def _looks_like_a_fact(text: str) -> bool:
    """A figure, a date, a name or a place: digits, number words or a capital letter."""
    norm = normalise(text)
    return any(c.isdigit() for c in norm) or any(w[:1].isupper() for w in text.split())


def is_fact_question(item: QAItem) -> bool:
    """Answerable, of a kind in :data:`FACT_KINDS` (or of no kind), its gold looks like a fact."""
    gold = item.gold_strings
    kind_ok = item.kind in FACT_KINDS or item.kind == "all"
    return item.answerable and kind_ok and any(_looks_like_a_fact(g) for g in gold)


def first_hit(item: QAItem, chunks: list[Chunk]) -> int | None:
    """1-based rank of the first retrieved chunk holding the support or from a gold document."""
    gold = item.gold_docs
    support = fold(item.support)
    for rank, c in enumerate(chunks, 1):
        if (support and support in fold(c.text)) or c.doc_id in gold:
            return rank
    return None
