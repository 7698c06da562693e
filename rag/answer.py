"""``ask()``: retrieve, select evidence, refuse or compose, verify every sentence, cite.

The LLM may shorten and join evidence sentences, but a sentence it writes is kept only when
it passes :func:`rag.verify.check_support` against what it cites; otherwise the evidence is
quoted verbatim. When no evidence sentence can answer, the answer is a refusal.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, NamedTuple

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser

from rag.embeddings import get_embedder
from rag.errors import LLMCrashedError
from rag.evidence import PRONOUN_START as _PRONOUN_START
from rag.evidence import question_type, select_evidence
from rag.llm import make_chat_model
from rag.models import Answer, AnswerSentence, Chunk, Citation, Evidence, Filters
from rag.prompts import ANSWER_PROMPT, REFUSAL, format_evidence
from rag.retrieval import HybridRetriever, Retrieved
from rag.settings import Settings, get_settings
from rag.store import Store, TextEncoder
from rag.text import (
    content_terms,
    has_attribution,
    names,
    numbers,
    question_terms,
    split_sentences,
    words,
)
from rag.verify import check_support, clause_spans

log = logging.getLogger(__name__)

QUOTES_ONLY = "showing quoted evidence"
LLM_STOPPED = f"the language model stopped; {QUOTES_ONLY}"

History = list[Any]  # [(user, assistant)] pairs or [{"role": ..., "content": ...}] messages

_MARKER = re.compile(r"\[(\d+)\]")
_CITED_CHUNK_FIELDS = {"doc_id", "title", "source", "url", "published", "text", "start", "end"}
_PREAMBLE = re.compile(r"^\W*(the answer is|answer|according to the evidence)\s*[:,]?\s*", re.I)
_FOLLOW_UP = re.compile(
    r"^\W*(and|but|also|what about|how about|and what|so)\b|\b(it|its|they|them|their|he|she|"
    r"his|her|this|that|these|those|there)\b",
    re.I,
)


def _user_turns(history: History | None) -> list[str]:
    turns: list[str] = []
    for item in history or []:
        if isinstance(item, dict):
            if item.get("role") == "user":
                turns.append(str(item.get("content") or ""))
        elif isinstance(item, list | tuple) and item:
            turns.append(str(item[0] or ""))
    return [t for t in turns if t.strip()]


class Standalone(NamedTuple):
    """A question made to stand alone: what to answer, what to search, terms carried over."""

    question: str
    query: str
    carried: list[str]


_HOW_MANY = re.compile(
    r"\bhow (?:many|much)\s+(.+?)\s+(?:did|do|does|were|was|are|is|have|has|had|will|would|"
    r"could|can)\b",
    re.I,
)
_ELLIPTIC = re.compile(
    r"^\W*(?:and|but|also|so)?\s*(?:(?:what|how) about|how (?:many|much))\s+(?:the\s+)?"
    r"(?P<np>[^?.!]+?)\W*$",
    re.I,
)


def condense(question: str, history: History | None) -> Standalone:
    """Make a follow-up stand alone, keeping the previous question's entities.

    "And how many soldiers?" after "How many Wagner fighters did the rebels say they killed?"
    becomes "How many soldiers did the rebels say they killed?". Other follow-ups ("where is
    it?") are searched together with the previous question and carry its names as terms the
    evidence must cover. A question that names its own subject is left alone.
    """
    turns = _user_turns(history)
    if not turns:
        return Standalone(question, question, [])
    own = content_terms(question)
    if not _FOLLOW_UP.search(question) and len(own) >= 3:
        return Standalone(question, question, [])
    prev = turns[-1]
    counted, elliptic = _HOW_MANY.search(prev), _ELLIPTIC.match(question)
    if counted and elliptic:
        rewritten = prev[: counted.start(1)] + elliptic.group("np") + prev[counted.end(1) :]
        return Standalone(rewritten, rewritten, [])
    carried = [t for t in content_terms(prev) if t not in own]
    carried_names = [t for t in names(prev) if t in carried]
    return Standalone(question, f"{question} ({prev})", carried_names)


class Assistant:
    """Holds the index, retriever and chat model; ``ask`` is thread-safe."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embedder: TextEncoder | None = None,
        llm: BaseChatModel | None = None,
        use_llm: bool | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        self.embedder = embedder or get_embedder(self.settings.embedding)
        self.store = Store(self.settings, self.embedder)
        self.retriever = HybridRetriever(self.store, self.settings.retrieval)
        use = self.settings.answer.use_llm if use_llm is None else use_llm
        self._llm = llm
        self._llm_loaded = llm is not None or not use
        self._lock = threading.Lock()

    @property
    def llm(self) -> BaseChatModel | None:
        """The chat model (created on first use)."""
        with self._lock:
            if not self._llm_loaded:
                self._llm = make_chat_model(self.settings.llm)
                self._llm_loaded = True
            return self._llm

    # -- main entry ---------------------------------------------------------------------
    def ask(
        self,
        question: str,
        *,
        history: History | None = None,
        k: int | None = None,
        filters: Filters | dict[str, Any] | None = None,
    ) -> Answer:
        """Answer ``question`` from the corpus with cited sentences, or refuse."""
        answer: Answer | None = None
        for item in self.ask_stream(question, history=history, k=k, filters=filters):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    def ask_stream(
        self,
        question: str,
        *,
        history: History | None = None,
        k: int | None = None,
        filters: Filters | dict[str, Any] | None = None,
    ) -> Iterator[str | Answer]:
        """Like :meth:`ask`, yielding the LLM's draft text as it grows, then the verified Answer.

        The draft is unverified: show it marked as such and replace it with the Answer.
        """
        if isinstance(filters, dict):
            filters = Filters.model_validate(filters)
        t0 = time.perf_counter()
        question = question.strip()
        if not question:
            raise ValueError("the question is empty")
        standalone = condense(question, history)
        question = standalone.question
        results = self.retriever.retrieve(standalone.query, k=k, filters=filters)
        texts = self._article_texts(results)
        selected, scored = select_evidence(
            question,
            results,
            embedder=self.embedder,
            lexical=self.retriever.lexical,
            settings=self.settings.answer,
            article_text=texts,
            extra_terms=standalone.carried,
        )
        if not selected:
            yield Answer(
                question=question,
                answer=REFUSAL,
                refused=True,
                evidence=scored[:5],
                standalone_question=standalone.query,
                seconds=round(time.perf_counter() - t0, 3),
            )
            return
        draft = ""
        notes: list[str] = []
        for draft in self._draft(question, selected, notes):
            yield draft
        if notes:  # the model failed mid-answer: its partial draft is dropped, quotes answer
            draft = ""
        sentences = self._compose(question, draft, selected)
        answer = self._cite(question, sentences, selected, results, texts)
        answer.notes = notes
        answer.standalone_question = standalone.query
        answer.seconds = round(time.perf_counter() - t0, 3)
        yield answer

    # -- steps --------------------------------------------------------------------------
    def _article_texts(self, results: list[Retrieved]) -> dict[str, str]:
        out: dict[str, str] = {}
        for r in results:
            if r.chunk.doc_id not in out:
                art = self.store.article(r.chunk.doc_id)
                if art is not None:
                    out[r.chunk.doc_id] = art.text
        return out

    def _draft(self, question: str, evidence: list[Evidence], notes: list[str]) -> Iterator[str]:
        """The LLM's draft, growing token by token (nothing without an LLM).

        A model that fails adds a note to ``notes`` instead of raising: the answer then rests
        on verified quotes alone, which never needed the model.
        """
        llm = self.llm
        if llm is None:
            return
        chain = ANSWER_PROMPT | llm | StrOutputParser()
        draft = ""
        try:
            for piece in chain.stream(
                {"question": question, "evidence": format_evidence([e.text for e in evidence])}
            ):
                draft += str(piece)
                yield draft
        except LLMCrashedError as e:
            log.warning("%s; answering with quoted evidence", e)
            notes.append(LLM_STOPPED)
        except Exception as e:  # any backend failure (server down, bad reply...): same fallback
            log.warning("the language model failed: %s", e, exc_info=True)
            notes.append(f"the language model failed ({type(e).__name__}); {QUOTES_ONLY}")

    def _compose(
        self, question: str, draft: str, evidence: list[Evidence]
    ) -> list[tuple[str, list[int], bool, bool]]:
        """(text, evidence indices, supported, quoted) per answer sentence."""
        out: list[tuple[str, list[int], bool, bool]] = []
        min_sim = self.settings.answer.min_support_similarity
        for s, e in split_sentences(draft):
            raw = draft[s:e]
            cited = [int(m) - 1 for m in _MARKER.findall(raw)]
            text = _MARKER.sub("", raw).strip()
            text = re.sub(r"\s+([.,;:!?])", r"\1", _PREAMBLE.sub("", text)).strip(' "“”')
            if len(words(text)) < 3 or text.lower().startswith("evidence"):
                continue
            if not self._relevant(question, text, evidence):
                continue
            valid = sorted({i for i in cited if 0 <= i < len(evidence)})
            choices = [valid] if valid else [[i] for i in range(len(evidence))]
            for idx in choices:
                result = check_support(
                    text,
                    [evidence[i].text for i in idx],
                    embedder=self.embedder,
                    min_similarity=min_sim,
                )
                if result.supported:
                    if not any(t == text for t, *_ in out):
                        out.append((text, idx, True, False))
                    break
            if len(out) >= 2:
                break
        # every evidence the answer needs must be represented; quote what the draft left out
        needed = _needed(question, evidence)
        cited_now = {i for _, idx, *_ in out for i in idx}
        for i in needed:
            if i not in cited_now:
                out.append((f"“{quote(question, evidence[i].text)}”", [i], True, True))
        return out

    def _relevant(self, question: str, sentence: str, evidence: list[Evidence]) -> bool:
        """A generated sentence must be about the question, about as much as the evidence is."""
        if not set(question_terms(question)) & set(content_terms(sentence)):
            return False
        vecs = self.embedder.encode([question, sentence])
        floor = max(self.settings.answer.min_similarity, evidence[0].similarity - 0.1)
        return float(vecs[0] @ vecs[1]) >= floor

    def _cite(
        self,
        question: str,
        sentences: list[tuple[str, list[int], bool, bool]],
        evidence: list[Evidence],
        results: list[Retrieved],
        texts: dict[str, str],
    ) -> Answer:
        chunks: dict[str, Chunk] = {r.chunk.id: r.chunk for r in results}
        number_of: dict[int, int] = {}
        citations: list[Citation] = []
        parts: list[str] = []
        answer_sentences: list[AnswerSentence] = []
        for text, idx, supported, quoted in sentences:
            ns = []
            for i in idx:
                if i not in number_of:
                    number_of[i] = len(number_of) + 1
                    ev = evidence[i]
                    c = chunks[ev.chunk_id]
                    citations.append(
                        Citation(
                            n=number_of[i],
                            chunk_id=c.id,
                            **c.model_dump(include=_CITED_CHUNK_FIELDS),
                            sentence=ev.text,
                            sentence_start=ev.start,
                            sentence_end=ev.end,
                            page=c.page,
                            carried_by=self.store.carried_by(c.doc_id),
                        )
                    )
                ns.append(number_of[i])
            marks = "".join(f"[{n}]" for n in ns)
            parts.append(f"{text} {marks}")
            answer_sentences.append(
                AnswerSentence(text=text, citations=ns, supported=supported, quoted=quoted)
            )
        return Answer(
            question=question,
            answer=" ".join(parts),
            citations=citations,
            refused=False,
            sentences=answer_sentences,
            evidence=evidence,
        )


def quote(question: str, sentence: str, max_words: int = 30) -> str:
    """The evidence verbatim, long sentences cut to the clauses that bear on the question.

    Dropped clauses become "…"; kept text is copied from the sentence as it stands; a kept
    clause keeps the clause that says who is speaking.
    """
    spans = clause_spans(sentence)
    if len(words(sentence)) <= max_words or len(spans) < 2:
        return sentence
    parts = [sentence[a:b] for a, b in spans]
    terms = set(question_terms(question))
    keep = {i for i, c in enumerate(parts) if terms & set(content_terms(c))}
    for i in sorted(keep):
        if i > 0 and _PRONOUN_START.match(parts[i]):
            keep.add(i - 1)  # "It said ..." needs the clause that says who "it" is
        if not has_attribution(parts[i]):
            j = next((j for j in range(i - 1, -1, -1) if has_attribution(parts[j])), None)
            if j is not None:
                keep.add(j)
    if not keep or len(keep) == len(parts):
        return sentence
    runs: list[list[int]] = []
    for i in sorted(keep):
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    out: list[str] = []
    for run in runs:
        if run[0] > 0:
            out.append("…")
        out.append(sentence[spans[run[0]][0] : spans[run[-1]][1]])
    last = runs[-1][-1]
    if last < len(parts) - 1:
        out.append("…")
    return " ".join(out)


def _needed(question: str, evidence: list[Evidence]) -> list[int]:
    """Evidence the answer must show: the best, and for "how many" every distinct figure."""
    needed = [0]
    if question_type(question) == "number":
        seen = numbers(evidence[0].text, include_years=False)
        for i, ev in enumerate(evidence[1:], 1):
            figs = numbers(ev.text, include_years=False)
            if figs - seen:
                needed.append(i)
                seen |= figs
    return needed


@lru_cache(maxsize=4)
def _assistant(settings_json: str) -> Assistant:
    return Assistant(Settings.model_validate_json(settings_json))


def get_assistant(settings: Settings | None = None) -> Assistant:
    """The shared assistant for these settings (index and models loaded once)."""
    return _assistant((settings or get_settings()).model_dump_json())


def ask(
    question: str,
    *,
    history: History | None = None,
    k: int | None = None,
    filters: Filters | dict[str, Any] | None = None,
    settings: Settings | None = None,
) -> Answer:
    """Answer a question from the indexed corpus, every sentence cited, or refuse.

    Args:
        question: the question, in English.
        history: earlier turns, as (user, assistant) pairs or role/content messages.
        k: chunks to retrieve (default ``settings.retrieval.k``).
        filters: outlets and date range, e.g.
            ``{"sources": ["Reuters"], "date_from": "2024-07-01", "date_to": "2024-08-31"}``.
        settings: settings to use (default: from the environment).

    Raises:
        IndexNotBuiltError: when no index exists yet.
    """
    return get_assistant(settings).ask(question, history=history, k=k, filters=filters)
