"""Whether a sentence lists what a list question asks for.

"What kinds of people were among those killed?" is answered by "the victims were traders,
herders and children", not by "the strike killed 21 civilians"; "which three regions host the
most displaced" by a sentence naming three regions. A sentence that lists (three or more items,
or as many as the question asks for) fits a list question better than one that does not.
"""

from __future__ import annotations

import re

from rag.analysis.numbers import word_value

_ASKED_COUNT = re.compile(
    r"\b(?:which|what|name|list|quel(?:le)?s|citez|nommez)\s+(?:the\s+|les\s+)?"
    r"(two|three|four|five|six|deux|trois|quatre|cinq|\d)\b",
    re.IGNORECASE,
)
_PLACES = re.compile(
    r"\b(?:regions|countries|towns|villages|cities|localities|provinces|places|"
    r"régions|pays|villes|localités|communes|cercles)\b",
    re.IGNORECASE,
)
"""A list question asking for places: the items are the places the sentence names."""

LISTING_FIT = 1.0
"""The slot fit of a sentence that lists what a list question asks for (others: 0.5)."""


def asked_count(question: str) -> int | None:
    """How many items the question asks for ("which three regions" -> 3), or None."""
    m = _ASKED_COUNT.search(question)
    if m is None:
        return None
    word = m.group(1)
    value = word_value(word, "en") or word_value(word, "fr")
    return int(value) if value else None


_REGIONS = re.compile(
    r"\b([A-Z][\w'-]+)((?:, [A-Z][\w'-]+)*,? and [A-Z][\w'-]+)? (?:regions?|provinces?)\b"
    r"|\br[ée]gions? d[eu']\s*([A-Z][\w'-]+)"
)
"""Places named with their kind: "the Timbuktu and Mopti regions", "la région de Ménaka"."""


def place_names(text: str, mentions: list[str]) -> set[str]:
    """The places ``text`` names: ``mentions`` (spaCy's), known towns and named regions."""
    from rag.analysis.gazetteer import place_scale

    names = set(mentions)
    names |= {w for w in re.findall(r"\b[A-Z][\w'-]+", text) if place_scale(w)}
    for m in _REGIONS.finditer(text):
        names |= set(re.findall(r"[A-Z][\w'-]+", m.group()))
    return names


def list_fit(question: str, listed: int, places: set[str]) -> float:
    """A list question's slot fit for a sentence naming ``places`` and listing ``listed`` nouns.

    ``listed`` is the sentence's longest coordination (``SentenceClaim.listed``).

    :data:`LISTING_FIT` when it lists as many items as asked (three when the question gives no
    number): places for "which regions", nouns otherwise; else 0.5.
    """
    wanted = asked_count(question)
    if _PLACES.search(question):
        return LISTING_FIT if len(places) >= (wanted or 2) else 0.5
    return LISTING_FIT if listed >= (wanted or 3) else 0.5
