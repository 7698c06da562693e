"""The slot a question asks to fill, and whether a sentence's claim fills it.

A number question ("how many attackers…") is filled by a figure counting the asked noun; a date
question by a date; "who" by a person or an organisation the question does not already name;
"where" by a place it does not name. A named source in the question ("according to the army")
must be the claim's speaker. Built on :mod:`rag.analysis` (spaCy, dateparser, text2num).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from rag.analysis.models import Figure, Mention, QuestionAnalysis, SentenceClaim

FACT_KINDS = frozenset({"number", "date", "actor", "place"})
"""Kinds whose answer is one fact: a sentence that does not state it cannot answer."""


def fold(text: str) -> str:
    """Lower case without accents (for comparing names across spellings)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", fold(text)) if len(w) > 2}


def counted_figures(
    qa: QuestionAnalysis, claim: SentenceClaim, language: str = ""
) -> list[Figure]:
    """The claim's figures that count what the question counts.

    A figure counts it when their head nouns have the same lemma, when one phrase holds the
    other's head noun ("fighters" / "Wagner fighters"), or when they share a name ("Wagner
    fighters" / "Russian Wagner mercenaries"). All figures when the question names nothing
    counted, or when the claim is in another language (``language``; '' = the question's).
    """
    if not qa.counted_lemma or (language and language != qa.language):
        return list(claim.figures)
    asked = fold(qa.counted_lemma)
    asked_names = _names(qa.counted)
    return [
        f
        for f in claim.figures
        if fold(f.counts_lemma) == asked
        or asked in _words(f.counts)
        or (f.counts_lemma and fold(f.counts_lemma) in _words(qa.counted))
        or (asked_names & _names(f.counts))
    ]


def _names(text: str) -> set[str]:
    """Words written with a capital (names: "Wagner"), folded."""
    return {fold(w) for w in re.findall(r"\w+", text) if w[:1].isupper() and len(w) > 2}


def new_entities(qa: QuestionAnalysis, mentions: list[Mention]) -> list[Mention]:
    """Mentions whose words the question does not contain (the asked name is not in it)."""
    asked = _words(qa.question)
    return [m for m in mentions if not _words(m.text) <= asked]


def fillers(qa: QuestionAnalysis, claim: SentenceClaim, language: str = "") -> list[Mention]:
    """What in the claim fills the question's slot (empty: it does not)."""
    if qa.kind == "number":
        return list(counted_figures(qa, claim, language))
    if qa.kind == "date":
        return list(claim.dates)
    if qa.kind == "actor":  # a person when the sentence names one, else an organisation
        return new_entities(qa, claim.people) or new_entities(qa, claim.organisations)
    if qa.kind == "place":
        return new_entities(qa, claim.places)
    return []


def slot_fit(
    qa: QuestionAnalysis, claim: SentenceClaim, language: str = "", *, strict: bool = True
) -> float:
    """1 when the claim fills a fact question's slot, 0 when it does not; 0.5 for other kinds.

    ``language``: the claim's ('' = the question's). Not ``strict``: a figure that counts
    something else than the asked noun half-fills a number question (0.5).
    """
    if qa.kind not in FACT_KINDS:
        return 0.5
    if fillers(qa, claim, language):
        return 1.0
    return 0.5 if qa.kind == "number" and claim.figures and not strict else 0.0


def source_fit(qa: QuestionAnalysis, claim: SentenceClaim) -> float:
    """For a question naming a source: 1 when it is the claim's speaker, else 0 (0.5: none named)."""
    if not qa.source:
        return 0.5
    if claim.speaker is None:
        return 0.0
    asked = _words(qa.source) - {"the", "les", "des"}
    return 1.0 if asked & _words(claim.speaker.text) else 0.0


def parse_published(value: str) -> date | None:
    """An ISO publication date, or None when it is missing or not a date."""
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
