"""``ask()``: retrieve, select evidence, refuse or compose, verify every sentence, cite.

The LLM may shorten and join evidence sentences, but a sentence it writes is kept only when
it passes :func:`rag.answering.verify.check_support` against what it cites; otherwise the evidence is
quoted verbatim. When no evidence sentence can answer, the answer is a refusal.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser

from rag.answering.compose import cite, compose
from rag.answering.condense import History, condense
from rag.answering.evidence import select_evidence
from rag.answering.llm import make_chat_model
from rag.answering.prompts import ANSWER_PROMPT, REFUSAL, format_evidence
from rag.answering.retrieval import HybridRetriever, Retrieved
from rag.embeddings import TextEncoder, get_embedder
from rag.errors import LLMCrashedError
from rag.index.store import Store
from rag.models import Answer, Evidence, Filters
from rag.settings import Settings, get_settings

log = logging.getLogger(__name__)

QUOTES_ONLY = "showing quoted evidence"
LLM_STOPPED = f"the language model stopped; {QUOTES_ONLY}"


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
        sentences = compose(
            question, draft, selected, embedder=self.embedder, settings=self.settings.answer
        )
        answer = cite(question, sentences, selected, results, self.store.carried_by)
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
