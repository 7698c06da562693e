"""Which end of a period a date question asks for: "from which date", "until when".

"From which date did JNIM warn that tankers would be attacked?" is answered by the date after
"from" ("considered targets from February 1"), not by the day the warning was issued. A date
fits such a question best when the words before it give it the same role.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from rag.analysis.models import DateMention, QuestionAnalysis, SentenceClaim
from rag.answering.counts import fold

Role = Literal["start", "end", ""]

_ASKED = {
    "start": re.compile(
        r"^\s*(?:from|since|starting)\s+(?:which|what|when)\b|"
        r"^\s*(?:a partir de|des|depuis)\s+(?:quand|quel|quelle)\b"
    ),
    "end": re.compile(
        r"^\s*(?:until|till|through|by)\s+(?:which|what|when)\b|^\s*jusqu'(?:a|au|en)\s+"
        r"(?:quand|quel|quelle)\b|\buntil when\b"
    ),
}
_BEFORE = {
    "start": re.compile(
        r"\b(?:from|since|starting|as of|effective|a partir du?|des|depuis|a compter du?)"
        r"(?:\s+\w+)?\s*$"
    ),
    "end": re.compile(r"\b(?:until|till|through|by|jusqu'(?:a|au|en))(?:\s+\w+)?\s*$"),
}
_WINDOW = 25  # characters before a date that can hold its preposition

ROLE_MISMATCH_FIT = 0.75
"""The slot fit of a sentence whose dates (or places: :mod:`rag.answering.place_roles`) lack the
asked role ("from which date", "what town was it trying to reach")."""


def plain(text: str) -> str:
    """Lower case, no accents, straight apostrophes: what the patterns above read."""
    return fold(text).replace("’", "'")


def asked_role(qa: QuestionAnalysis) -> Role:
    """'start' for "from/since which date", 'end' for "until when", else ''.

    >>> from rag.analysis.models import QuestionAnalysis
    >>> asked_role(QuestionAnalysis(question="From which date will tankers be targets?", language="en"))
    'start'
    """
    return _role_of(qa.question)


@lru_cache(maxsize=256)
def _role_of(question: str) -> Role:
    """Cached: evidence selection asks it of every candidate sentence."""
    text = plain(question)
    for role in ("start", "end"):
        if _ASKED[role].search(text):
            return role
    return ""


def has_role(d: DateMention, claim: SentenceClaim, role: Role) -> bool:
    """The words just before the date give it ``role`` ("from February 1", "jusqu'au 3 mai")."""
    if not role:
        return False
    end = d.start - claim.start
    before = plain(claim.text[max(0, end - _WINDOW) : end])
    return bool(_BEFORE[role].search(before))
