"""Compose the answer: verified draft sentences, verbatim quotes, and numbered citations."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from rag.analysis.models import QuestionAnalysis
from rag.analysis.timeframe import TimeFrame
from rag.answering.counted import counted_figures
from rag.answering.evidence import PRONOUN_START as _PRONOUN_START
from rag.answering.lead import NO, denies, figure_lines, lead
from rag.answering.retrieval import Retrieved
from rag.answering.slots import fillers
from rag.answering.verify import check_support, clause_spans
from rag.embeddings import TextEncoder
from rag.models import Answer, AnswerSentence, Chunk, Citation, Evidence
from rag.settings import AnswerSettings
from rag.text import (
    content_terms,
    has_attribution,
    numbers,
    question_terms,
    split_sentences,
    words,
)

_MARKER = re.compile(r"\[(\d+)\]")
_CITED_CHUNK_FIELDS = {"doc_id", "title", "source", "url", "published", "text", "start", "end"}
_PREAMBLE = re.compile(r"^\W*(the answer is|answer|according to the evidence)\s*[:,]?\s*", re.I)


class Composed(NamedTuple):
    """One answer sentence: its text, the evidence it cites, and how it was obtained."""

    text: str
    evidence: list[int]
    supported: bool
    quoted: bool


def compose(
    question: str,
    draft: str,
    evidence: list[Evidence],
    *,
    embedder: TextEncoder,
    settings: AnswerSettings,
    frame: TimeFrame | None = None,
) -> list[Composed]:
    """The answer's sentences: a direct answer, the draft's verified ones, then quotes.

    The direct answer (:func:`rag.answering.lead.lead`) states the asked figure, date or name
    with who says it, from the evidence's claims; there is none when the claims do not state it.
    A draft sentence (of ``settings.min_generated_words`` words or more) is kept when it is
    about the question (:func:`relevant`) and :func:`check_support` passes against what it
    cites (or, uncited, against one evidence sentence), up to
    ``settings.max_generated_sentences``; every evidence the answer needs (:func:`needed`)
    that no kept sentence cites is quoted verbatim.
    """
    from rag.analysis import analyse_question  # spaCy loads on first use

    qa = analyse_question(question)
    out: list[Composed] = []
    # asked about time ("latest", "has the toll been revised", "this week"): each report's
    # figure with its date, newest first, in the first sentence ("At least 21 (…, 22 March);
    # earlier: nine (…, 15 March)"); otherwise figures of several sources in one, by score
    timely = frame is not None and (frame.order or frame.revision or frame.window)
    lines = figure_lines(qa, evidence, frame) if frame is not None and timely else None
    first: tuple[str, list[int]] | None
    if lines is not None:  # each report's figure, with its outlet and date, newest first
        joined = "; ".join(t if n == 0 else t[:1].lower() + t[1:] for n, (t, _) in enumerate(lines))
        first = joined, list(dict.fromkeys(i for _, x in lines for i in x))
    else:
        first = lead(qa, evidence)
    if first is not None:
        out.append(Composed(first[0], first[1], True, False))
    n_lead = len(out)
    min_sim = settings.min_support_similarity
    for s, e in split_sentences(draft):
        raw = draft[s:e]
        cited = [int(m) - 1 for m in _MARKER.findall(raw)]
        text = _MARKER.sub("", raw).strip()
        text = re.sub(r"\s+([.,;:!?])", r"\1", _PREAMBLE.sub("", text)).strip(' "“”')
        if len(words(text)) < settings.min_generated_words or text.lower().startswith("evidence"):
            continue
        if not relevant(question, text, evidence, embedder=embedder, settings=settings):
            continue
        valid = sorted({i for i in cited if 0 <= i < len(evidence)})
        choices = [valid] if valid else [[i] for i in range(len(evidence))]
        for idx in choices:
            result = check_support(
                text,
                [evidence[i].text for i in idx],
                embedder=embedder,
                min_similarity=min_sim,
            )
            if result.supported:
                if not any(t == text for t, *_ in out):
                    out.append(Composed(text, idx, True, False))
                break
        if len(out) >= settings.max_generated_sentences + n_lead:
            break
    # every evidence the answer needs must be represented; quote what the draft left out
    need = needed(question, evidence)
    if first is not None and qa.kind == "number":
        need = first[1]  # the figures the lead states; other figures do not bear on it
    # the lead states the fact; the evidence it rests on is still quoted after it
    cited_now = {i for _, idx, *_ in out[n_lead:] for i in idx}
    for i in need:
        if i not in cited_now:
            quoted = quote(
                question,
                evidence[i].text,
                settings.quote_max_words,
                facts=fact_spans(qa, evidence[i]),
            )
            out.append(Composed(f"“{quoted}”", [i], True, True))
    if out and out[0].evidence == [0] and denies(qa, evidence):
        # "Did the government pay?" -> "No: “The government denied paying…”"
        lang = qa.language if qa.language in NO else "en"
        out[0] = out[0]._replace(text=f"{NO[lang]}: {out[0].text}")
    return out


def relevant(
    question: str,
    sentence: str,
    evidence: list[Evidence],
    *,
    embedder: TextEncoder,
    settings: AnswerSettings,
) -> bool:
    """A generated sentence must be about the question, about as much as the evidence is.

    It shares a term with the question, and its cosine similarity to the question is at
    least the best evidence's minus ``settings.relevance_slack`` (and ``min_similarity``).
    """
    if not set(question_terms(question)) & set(content_terms(sentence)):
        return False
    vecs = embedder.encode([question, sentence])
    floor = max(settings.min_similarity, evidence[0].similarity - settings.relevance_slack)
    return float(vecs[0] @ vecs[1]) >= floor


def cite(
    question: str,
    sentences: list[Composed],
    evidence: list[Evidence],
    results: list[Retrieved],
    carried_by: Callable[[str], list[str]],
) -> Answer:
    """Number the cited evidence in order of first use and map each number to its passage."""
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
                        carried_by=carried_by(c.doc_id),
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


def fact_spans(qa: QuestionAnalysis, ev: Evidence) -> list[tuple[int, int]]:
    """Where in ``ev.text`` the asked fact is (the figure, date, name or place filling the slot)."""
    if ev.claim is None:
        return []
    shift = ev.start + (len(ev.text) - len(ev.text.lstrip()))
    return [(m.start - shift, m.end - shift) for m in fillers(qa, ev.claim, ev.language)]


def quote(
    question: str,
    sentence: str,
    max_words: int | None = None,
    *,
    facts: Sequence[tuple[int, int]] = (),
) -> str:
    """The evidence verbatim, long sentences cut to the clauses that bear on the question.

    A sentence of more than ``max_words`` words (default: ``AnswerSettings.quote_max_words``)
    is cut: dropped clauses become "…"; kept text is copied from the sentence as it stands; a
    kept clause keeps the clause that says who is speaking. The clauses holding ``facts``
    (character spans of the asked fact in ``sentence``) are always kept.
    """
    if max_words is None:
        max_words = AnswerSettings().quote_max_words
    spans = clause_spans(sentence)
    if len(words(sentence)) <= max_words or len(spans) < 2:
        return sentence
    parts = [sentence[a:b] for a, b in spans]
    terms = set(question_terms(question))
    keep = {i for i, c in enumerate(parts) if terms & set(content_terms(c))}
    keep |= {i for i, (a, b) in enumerate(spans) for f, g in facts if a < g and f < b}
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


def needed(question: str, evidence: list[Evidence]) -> list[int]:
    """Evidence the answer must show: the best, and for "how many" every distinct figure.

    With claims, a figure counts only when it counts what the question asks about: a sentence
    whose figures count something else does not bear on the question and is not quoted.
    """
    from rag.analysis import analyse_question

    qa = analyse_question(question)
    needed = [0]
    if qa.kind != "number":
        return needed

    def figures(ev: Evidence) -> set[float]:
        if ev.claim is None:
            return numbers(ev.text, include_years=False)
        return {f.value for f in counted_figures(qa, ev.claim, ev.language) if f.value is not None}

    seen = figures(evidence[0])
    for i, ev in enumerate(evidence[1:], 1):
        figs = figures(ev)
        if figs - seen:
            needed.append(i)
            seen |= figs
    return needed
