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
from datetime import date
from functools import lru_cache
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser

from rag.analysis.timeframe import TimeFrame, question_time, without_time
from rag.answering.compose import cite, compose
from rag.answering.compound import answer_in_parts, split_question
from rag.answering.condense import History, condense
from rag.answering.evidence import select_evidence
from rag.answering.llm import make_chat_model
from rag.answering.prompts import ANSWER_PROMPT, format_evidence
from rag.answering.retrieval import HybridRetriever, Retrieved
from rag.answering.timeline import as_composed, finish, timeline, timeline_evidence
from rag.answering.timing import as_of_date, period_filters, refusal
from rag.embeddings import TextEncoder, get_embedder
from rag.errors import LLMCrashedError
from rag.index.store import Store
from rag.language import question_language
from rag.models import Answer, Evidence, Filters
from rag.settings import AnswerSettings, Settings, get_settings
from rag.text import plain_text

log = logging.getLogger(__name__)

QUOTES_ONLY = "showing quoted evidence"
LLM_STOPPED = f"the language model stopped; {QUOTES_ONLY}"


class Assistant:
    """Answers questions from one index: holds the store, the retriever and the chat model.

    Create one per process and share it (or use :func:`get_assistant`, which keeps one per
    settings): :meth:`ask` and :meth:`ask_stream` are thread-safe, so one chat server serves
    every session with it. The index is opened at once; the chat model on the first answer
    that needs it.

    Args:
        settings: every setting (default: :func:`rag.settings.get_settings`, i.e. the
            ``RAG_*`` environment variables).
        embedder: the text encoder (default: the model ``settings.embedding`` names); it must
            be the one that built the index.
        llm: a LangChain chat model that drafts answers (default: the ``settings.llm``
            backend, created on first use).
        use_llm: ``False`` answers with verbatim quotes only and never loads a model
            (default: ``settings.answer.use_llm``).

    Raises:
        IndexNotBuiltError: no index at ``settings.home`` (run ``python -m ingest corpus/``).
        IndexUnavailableError: the Chroma server at ``settings.chroma_url`` does not answer.
        IndexMismatchError: another embedding model or backend built the index.
        ModelNotFoundError: the embedding model is not installed.

    Example:
        Build the index once with ``python -m ingest corpus/``, then::

            from rag import Assistant

            assistant = Assistant(use_llm=False)
            first = assistant.ask("How many Wagner fighters did the rebels say they killed?")
            follow = assistant.ask(
                "And how many soldiers?", history=[(first.question, first.answer)]
            )
            print(follow.standalone_question)
            # How many soldiers did the rebels say they killed?
            print(follow.answer)
            # “Mali's northern Tuareg rebels said on Thursday they had killed at least 84
            # Russian Wagner mercenaries and 47 Malian soldiers ...” [1] ...
            for part in assistant.ask_stream("Who won the 2022 football World Cup?"):
                if isinstance(part, str):
                    print("draft:", part)  # the unverified draft so far (only with an LLM)
                else:
                    print(part.refused, part.answer)  # the verified, cited Answer
            # True The sources in the corpus do not answer this.
    """

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
        as_of: str | date | None = None,
    ) -> Answer:
        """Answer ``question`` from the corpus with cited sentences, or refuse.

        The same as :func:`rag.ask` with this assistant's index and models.

        Args:
            question: the question, in English or French.
            history: earlier turns, as (user, assistant) pairs or role/content messages; a
                follow-up ("and how many soldiers?") is made to stand alone from them.
            k: chunks to retrieve (default ``settings.retrieval.k``).
            filters: outlets and date range, as :class:`~rag.models.Filters` or a dict.
            as_of: answer as of this date (YYYY-MM-DD; default today), see :func:`rag.ask`.

        Returns:
            The verified :class:`~rag.models.Answer` (see :func:`rag.ask`).

        Raises:
            ValueError: the question is empty or too long (``max_question_chars``), or
                ``filters`` or ``as_of`` is not valid.
            LLMError: the chat model cannot be created (a model that fails mid-answer does
                not raise: the answer falls back to quotes and says so in ``notes``).
            ModelNotFoundError: the GGUF model file is missing.
        """
        answer: Answer | None = None
        for item in self.ask_stream(question, history=history, k=k, filters=filters, as_of=as_of):
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
        as_of: str | date | None = None,
    ) -> Iterator[str | Answer]:
        """Like :meth:`ask`, yielding the LLM's draft text as it grows, then the verified Answer.

        The draft is unverified: show it marked as such and replace it with the Answer.
        """
        if isinstance(filters, dict):
            filters = Filters.model_validate(filters)
        t0 = time.perf_counter()
        question = plain_text(question).strip()
        if not question:
            raise ValueError("the question is empty")
        cfg = self.settings.answer
        if len(question) > cfg.max_question_chars:
            raise ValueError(
                f"the question is {len(question):,} characters long, over the "
                f"{cfg.max_question_chars:,} allowed: ask a shorter question (or raise "
                "RAG_ANSWER__MAX_QUESTION_CHARS)"
            )
        day = as_of_date(as_of)
        standalone = condense(question, history)
        question = standalone.question
        frame = question_time(question, day) if cfg.time_aware else None
        searched, query, asked = filters, standalone.query, question
        if frame is not None:
            searched = period_filters(filters, frame, cfg.time_grace_days)
            # the time words are the frame's: as words they would only dilute the match
            query, asked = without_time(query, frame), without_time(question, frame)
            if frame.timeline:  # events are spread over many articles
                k = 2 * (k or self.settings.retrieval.k)
        parts = [] if frame is not None and frame.timeline else split_question(asked)
        if len(parts) > 1:
            composite = answer_in_parts(self, parts, query, k, searched, standalone.carried, frame)
            if composite is not None:
                composite.question = question
                yield _stamped(composite, standalone.query, day, t0)
                return
        results = self.retriever.retrieve(query, k=k, filters=searched)
        if frame is not None and frame.timeline:
            results = self._with_articles(results)
        selected, scored = self.select(asked, results, extra_terms=standalone.carried, frame=frame)
        if frame is not None and frame.timeline:
            events = timeline_evidence(scored, frame, cfg)
            lines = timeline(
                asked,
                events,
                embedder=self.embedder,
                settings=cfg,
                language=question_language(question, tuple(self.settings.retrieval.languages)),
            )
            if lines:
                answer = cite(question, as_composed(lines), events, results, self.store.carried_by)
                answer = finish(answer, lines)
                yield _stamped(answer, standalone.query, day, t0)
                return
        if not selected:
            yield Answer(
                question=question,
                answer=refusal(self.retriever, query, frame, filters, results, cfg.time_grace_days),
                refused=True,
                evidence=scored[: cfg.refusal_evidence],
                standalone_question=standalone.query,
                as_of=day.isoformat(),
                seconds=round(time.perf_counter() - t0, 3),
            )
            return
        draft = ""
        notes: list[str] = []
        for draft in self._draft(asked, selected, notes):
            yield draft
        if notes:  # the model failed mid-answer: its partial draft is dropped, quotes answer
            draft = ""
        sentences = compose(
            asked, draft, selected, embedder=self.embedder, settings=cfg, frame=frame
        )
        answer = cite(question, sentences, selected, results, self.store.carried_by)
        answer.notes = notes
        yield _stamped(answer, standalone.query, day, t0)

    # -- steps --------------------------------------------------------------------------
    def _with_articles(self, results: list[Retrieved]) -> list[Retrieved]:
        """``results`` plus their articles' other chunks (leads, dated events) for a timeline."""
        have = {r.chunk.id for r in results}
        docs = list(dict.fromkeys(r.chunk.doc_id for r in results))
        more = sorted(self.store.get_chunks(docs, by_doc=True).values(), key=lambda c: c.index)
        return results + [Retrieved(chunk=c, score=0.0) for c in more if c.id not in have]

    def select(
        self,
        question: str,
        results: list[Retrieved],
        *,
        extra_terms: list[str] | None = None,
        frame: TimeFrame | None = None,
        settings: AnswerSettings | None = None,
    ) -> tuple[list[Evidence], list[Evidence]]:
        """:func:`select_evidence` over ``results`` with this assistant's models and index.

        Its embedders, lexical index, article texts and languages; ``settings`` default to
        ``self.settings.answer``.
        """
        return select_evidence(
            question,
            results,
            embedder=self.embedder,
            lexical=self.retriever.lexical,
            settings=settings or self.settings.answer,
            article_text=self.article_texts(results),
            extra_terms=extra_terms,
            multilingual=self.store.multilingual,
            languages=tuple(self.settings.retrieval.languages),
            frame=frame,
        )

    def article_texts(self, results: list[Retrieved]) -> dict[str, str]:
        """Each result's whole article text (for the sentence before a chunk), by doc id."""
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


def _stamped(answer: Answer, standalone: str, day: date, t0: float) -> Answer:
    """``answer`` with the standalone question, the as-of date and the time it took."""
    answer.standalone_question = standalone
    answer.as_of = day.isoformat()
    answer.seconds = round(time.perf_counter() - t0, 3)
    return answer


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
    as_of: str | date | None = None,
) -> Answer:
    """Answer a question from the indexed corpus, every sentence cited, or refuse.

    Retrieves passages (dense and BM25, fused), picks the evidence sentences that can answer,
    lets the language model shorten them (``settings.answer.use_llm``), keeps a generated
    sentence only when the evidence it cites supports it, and quotes evidence verbatim
    otherwise. The :class:`Assistant` for ``settings`` is created on the first call (index
    and models loaded once) and reused.

    Args:
        question: the question, in English or French.
        history: earlier turns, as (user, assistant) pairs or role/content messages; a
            follow-up ("and how many soldiers?") is made to stand alone from them.
        k: chunks to retrieve (default ``settings.retrieval.k``).
        filters: outlets and date range, e.g.
            ``{"sources": ["Reuters"], "date_from": "2024-07-01", "date_to": "2024-08-31"}``.
        settings: settings to use (default: from the environment).
        as_of: the date the question is asked on (YYYY-MM-DD or a date; default today).
            Articles published after it are not used; "this week", "latest", "since July"
            are read against it (``settings.answer.time_aware``).

    Returns:
        An :class:`~rag.models.Answer`. ``answer`` is the text with ``[n]`` markers;
        ``citations`` maps each ``n`` to its passage (outlet, URL, date, the cited sentence
        and its offsets in the article); ``sentences`` lists each sentence with its markers
        and whether it is a verbatim quote. When the corpus does not answer, ``refused`` is
        True, ``answer`` is the refusal text, ``citations`` is empty and ``evidence`` holds
        the best candidates that fell short.

    Raises:
        ValueError: the question is empty or ``filters`` is not valid.
        IndexNotBuiltError: no index exists yet (run ``python -m ingest corpus/``).
        IndexUnavailableError: the Chroma server at ``settings.chroma_url`` does not answer.
        IndexMismatchError: another embedding model or backend built the index.
        ModelNotFoundError: a bundled model (embedding or GGUF) is not installed.
        LLMError: the chat model cannot be created (a model that fails mid-answer does not
            raise: the answer falls back to quotes and says so in ``notes``).

    Example:
        Build the index once with ``python -m ingest corpus/``, then::

            from rag import ask

            a = ask("How many Wagner fighters did the rebels say they killed?")
            print(a.refused, {c.source for c in a.citations})
            # False {'Reuters'}
            print(a.answer)
            # “The rebel movement, ... previously said it had killed dozens ..., while an al
            # Qaeda affiliate said it had killed 50 Wagner fighters ...” [1] ... “Mali's
            # northern Tuareg rebels said ... at least 84 Russian Wagner mercenaries ...” [3]
            for c in a.citations:
                print(f"[{c.n}] {c.source} {c.published}: {c.sentence}")

            july = {"sources": ["Reuters"], "date_from": "2024-07-01"}
            print(ask("Where did the fighting take place?", filters=july).refused)
            # False
            print(ask("Who won the 2022 football World Cup?").answer)
            # The sources in the corpus do not answer this.
    """
    return get_assistant(settings).ask(question, history=history, k=k, filters=filters, as_of=as_of)
