"""Questions that ask two things at once, answered part by part.

"How many soldiers was the camp home to, and how many of them were killed?" asks for two
figures, often from two articles; "How many tankers were destroyed according to the army and
according to JNIM?" asks for the same figure from two sources. One evidence search scores
every sentence against the whole question and fills one slot, so the second fact is lost.
Here each part is its own question: :func:`split_question` finds the parts, and
:func:`merge` joins each part's composed answer into one, the direct answers first in one
sentence ("150 soldiers [1]; at least 21, according to the army [2]"), then the quotes.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rag.analysis.timeframe import TimeFrame
from rag.answering.compose import Composed, cite, compose
from rag.answering.retrieval import Retrieved
from rag.language import question_language
from rag.models import Answer, Evidence, Filters
from rag.text import names, question_terms, stopwords, words

if TYPE_CHECKING:
    from rag.answering.assistant import Assistant

_WH = (
    r"how many|how much|how old|how long|when|who|whom|where|what|which|why|combien|quand|"
    r"qui|o[ùu]|quel|quelle|quels|quelles|pourquoi"
)
# ", and how many …", " et combien …": a second question joined to the first
_AND_WH = re.compile(
    rf",?\s+(?:and|et)\s+(?=(?:(?:through|in|by|from|at|for|with|to|on|dans|par|en|à|de|pour|"
    rf"avec|sur)\s+)?(?:{_WH})\b)",
    re.I,
)
# "according to the army and according to JNIM", "selon l'armée et selon le JNIM"
_TWO_SOURCES = re.compile(
    r"\b(according to|selon)\s+(?P<a>[^?]+?)\s+(?:and|et)\s+(?:according to|selon)\s+"
    r"(?P<b>[^?]+?)(?=\s*[?.]?\s*$)",
    re.I,
)
# "What tolls did the government and the local authorities give?": each source's own figure
_JOINT_SOURCES = re.compile(
    r"\b(?:did|do|does|have|has|had)\s+(?P<a>[\w'’ -]+?)\s+and\s+(?P<b>[\w'’ -]+?)\s+"
    r"(?:say|give|report|claim|put|announce|cite|count|record|estimate|state|provide|issue)\b",
    re.I,
)
# "How does the army's toll compare with the number JNIM claimed?": what each side says
_COMPARE = re.compile(
    r"^how (?:does|do|did) (?P<a>.+?) compare (?:with|to|against) (?P<b>.+?)\s*\??$", re.I
)
# "how many of them", "combien d'entre eux": the first part's counted noun
_OF_THEM = re.compile(r"\b(how many) of them\b|\b(combien) d['’]entre (?:eux|elles)\b", re.I)
_BARE_HOW_MANY = re.compile(r"(how many)\b|(combien)\b(?!\s+d)", re.I)
_WORD = re.compile(r"\w+")
_REFERS_BACK = re.compile(
    r"\b(?:it|its|he|him|his|she|her|they|them|their|il|elle|ils|elles|lui|leur|leurs)\b", re.I
)
"""A pronoun in a question's second part: it stands for what the first part asks about."""


def split_question(question: str) -> list[str]:
    """The questions ``question`` asks: itself alone, or its two parts.

    >>> split_question("How many tankers were burned, and who claimed the attack?")
    ['How many tankers were burned?', 'Who claimed the attack?']
    >>> split_question("What tolls did the army and the rebels give?")
    ['What tolls did the army give?', 'What tolls did the rebels give?']
    >>> split_question("Who attacked the convoy?")
    ['Who attacked the convoy?']
    """
    text = question.strip()
    m = _COMPARE.match(text)
    if m and min(len(_WORD.findall(m["a"])), len(_WORD.findall(m["b"]))) >= 2:
        return [f"What is {m['a']}?", f"What is {m['b']}?"]
    m = _TWO_SOURCES.search(text)
    if m:
        stem = text[: m.start()].rstrip()
        end = "?" if text.endswith("?") else ""
        return [f"{stem} {m[1]} {m['a']}{end}", f"{stem} {m[1]} {m['b']}{end}"]
    m = _JOINT_SOURCES.search(text)
    if m and all(len(_WORD.findall(m[x])) <= 5 for x in "ab"):
        return [text[: m.start("a")] + m[x] + text[m.end("b") :] for x in "ab"]
    m = _AND_WH.search(text)
    if m is None:
        return [question]
    first, second = text[: m.start()].rstrip(" ,;"), text[m.end() :].strip()
    if len(_WORD.findall(first)) < 3 or len(_WORD.findall(second)) < 3:
        return [question]  # "who and why", "when and where": one question
    mark = " ?" if text.endswith(" ?") else "?"
    first = first if first.endswith("?") else first + mark
    second = second[:1].upper() + second[1:]
    return [first, _resolve_them(second, first)]


def _resolve_them(second: str, first: str) -> str:
    """Replace "of them" by the first part's counted noun: "how many of them" -> "how many soldiers"."""
    from rag.analysis import analyse_question  # spaCy loads on first use

    m = _OF_THEM.search(second)
    if m is None:
        m = _BARE_HOW_MANY.match(second)  # "how many had the army escorted?": the same noun
        if m is None or analyse_question(second).counted:
            return second
    counted = analyse_question(first).counted
    if not counted:
        return second
    lead = m[1] or m[2]
    joiner = " de " if m[2] else " "
    return f"{second[: m.start()]}{lead}{joiner}{counted}{second[m.end() :]}"


def merge(
    parts: list[tuple[list[Composed], list[Evidence]]],
) -> tuple[list[Composed], list[Evidence]]:
    """One answer from each part's (sentences, evidence).

    The evidence is pooled (a sentence two parts use is cited once); the parts' direct answers
    are joined in a first sentence, then come every part's other sentences, each once.
    """
    pooled: list[Evidence] = []
    where: dict[tuple[str, int], int] = {}
    leads: list[Composed] = []
    rest: list[Composed] = []
    for sentences, evidence in parts:
        index = []
        for ev in evidence:
            key = (ev.doc_id, ev.start)
            if key not in where:
                where[key] = len(pooled)
                pooled.append(ev)
            index.append(where[key])
        for i, s in enumerate(sentences):
            moved = s._replace(evidence=[index[j] for j in s.evidence])
            if i == 0 and not s.quoted:
                leads.append(moved)
            elif not any(
                r.text == moved.text or (r.quoted and moved.quoted and r.evidence == moved.evidence)
                for r in rest
            ):  # a sentence both parts quote is quoted once
                rest.append(moved)
    if len(leads) > 1:
        cited = list(dict.fromkeys(j for s in leads for j in s.evidence))
        said: dict[str, str] = {}  # each figure once: a part's lead may list the other's too
        for s in leads:
            for piece in s.text.split("; "):
                said.setdefault(piece.casefold(), piece)
        leads = [Composed("; ".join(said.values()), cited, True, False)]
    return leads + rest, pooled


_UNANSWERED = {
    "en": "The sources in the corpus do not answer this part: “{part}”",
    "fr": "Les sources du corpus ne répondent pas à cette partie : « {part} »",
}


def unanswered(part: str, language: str) -> str:
    """What the answer says of a part the sources do not answer."""
    return _UNANSWERED.get(language, _UNANSWERED["en"]).format(part=part)


def answer_in_parts(
    assistant: Assistant,
    parts: list[str],
    query: str,
    k: int | None,
    filters: Filters | None,
    carried: list[str],
    frame: TimeFrame | None,
) -> Answer | None:
    """A question asking two things, answered by ``assistant`` part by part from quotes.

    No LLM draft: each part's direct answer and quotes, verified by construction.

    Each part is searched on its own (with the whole question's names, which the second
    part may leave out: "… and how many died in the strike?"). A part the sources do not
    answer is said to be unanswered; None when no part is answered (the whole question
    is then answered as one).
    """
    cfg = assistant.settings.answer
    shared = list(names(query))
    results: dict[str, Retrieved] = {}
    answered: list[tuple[list[Composed], list[Evidence]]] = []
    missing: list[str] = []
    for i, part in enumerate(parts):
        extra = [n for n in shared if n not in part]
        terms = [*carried, *(t.lower() for t in extra)]
        if i and _REFERS_BACK.search(part):
            # "… and where is it produced?": "it" is what the first part asks about
            subject = [w for w in words(parts[0]) if w.lower() not in stopwords()]
            extra += [w for w in subject if w not in extra and w not in part]
            terms += [t for t in question_terms(parts[0]) if t not in terms]
        found = assistant.retriever.retrieve(" ".join([part, *extra]), k=k, filters=filters)
        for r in found:
            results.setdefault(r.chunk.id, r)
        selected, _ = assistant.select(part, found, extra_terms=terms, frame=frame)
        if not selected:
            missing.append(part)
            continue
        composed = compose(
            part, "", selected, embedder=assistant.embedder, settings=cfg, frame=frame
        )
        answered.append((composed, selected))
    if not answered:
        return None
    sentences, evidence = merge(answered)
    language = question_language(query, tuple(assistant.settings.retrieval.languages))
    sentences += [Composed(unanswered(p, language), [], False, False) for p in missing]
    return cite(query, sentences, evidence, list(results.values()), assistant.store.carried_by)
