"""Where from, where to: which end of a movement a "where" question asks for.

"Which Italian town is Lorenzo Bassi from?" asks where he comes from: "he landed at Rome's
airport" names a place but not his origin, so it does not answer. "What town was the convoy
trying to reach?" asks where it was going: "continue its route towards Bourem" fits better than
"attacked near Tessako". A place has a role when the words just before it give it one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from rag.analysis.models import Mention, SentenceClaim
from rag.answering.date_roles import ROLE_MISMATCH_FIT, plain

Role = Literal["origin", "destination", ""]

_ASKED: dict[Role, re.Pattern[str]] = {
    # someone's origin: "which town is he from", not "where does the term come from"
    "origin": re.compile(
        r"\b(?:is|was|are|were)\s+(?:\w+\s+){1,4}from\s*\??\s*$|"
        r"\b(?:native|hometown|birthplace|born|hails?)\b|"
        r"\bd'ou (?:est|etait|sont|etaient)\b|\boriginaires?\b|\bnati(?:f|ve)s?\b|"
        r"\bou\s+(?:est|etait)\s+(?:\w+\s+)?nee?\b"
    ),
    "destination": re.compile(
        r"\b(?:reach|heading|headed|bound for|destined|destination|moved to|fled to|flee to|"
        r"evacuated|transferred|transported|taken to|taken for|relocated|sent to)\b|"
        r"\bvers (?:quel|quelle|ou)\b|\b(?:fui|refugies?|evacues?|transportes?|achemines?|"
        r"en direction)\b"
    ),
}
_BEFORE: dict[Role, re.Pattern[str]] = {  # read in lower case with accents: "à" is no "a"
    "origin": re.compile(
        r"\b(?:from|native of|born in|hometown of|originaire d|natif d|native d|née? à|"
        r"venue? d|en provenance d)[^.,;:]{0,12}$"
    ),
    "destination": re.compile(
        r"\b(?:to|towards?|into|for|reach(?:ing|ed)?|vers|pour|jusqu'à|à destination d|"
        r"en direction d|à)\b[^.,;:]{0,30}$"
    ),
}
_WINDOW = 45  # characters before a place that can hold its preposition


@lru_cache(maxsize=256)
def asked_role(question: str) -> Role:
    """'origin' for "where is X from", 'destination' for "what town was it trying to reach"."""
    text = plain(question)
    for role in ("origin", "destination"):
        if _ASKED[role].search(text):
            return role
    return ""


def has_role(place: Mention, claim: SentenceClaim, role: Role) -> bool:
    """The words just before ``place`` give it ``role`` ("from Brescia", "vers Anefis")."""
    if not role:
        return False
    end = place.start - claim.start
    before = claim.text[max(0, end - _WINDOW) : end].lower().replace("’", "'")
    return bool(_BEFORE[role].search(before))


def place_fillers(
    question: str, claim: SentenceClaim, places: list[Mention]
) -> tuple[list[Mention], float]:
    """The ``places`` that can answer ``question`` and their slot fit.

    An origin is never another place: a sentence that says where someone landed does not say
    where they are from (no filler). A destination is preferred: a place the sentence gives no
    such role fits at :data:`ROLE_MISMATCH_FIT`.
    """
    role = asked_role(question)
    if not role or not places:
        return places, 1.0
    given = [p for p in places if has_role(p, claim, role)]
    if role == "origin":
        return given, 1.0
    return (given, 1.0) if given else (places, ROLE_MISMATCH_FIT)
