"""Which of a sentence's figures count what a "how many" question counts.

"How many soldiers": a figure of soldiers, of troops (the same noun by the bundled multilingual
model), of "soldats" in a French sentence; not the 84 mercenaries beside the 47 soldiers.
"""

from __future__ import annotations

import re

from rag.analysis.models import Figure, QuestionAnalysis, SentenceClaim
from rag.analysis.numbers import CURRENCIES
from rag.answering.counts import (
    DEATH,
    HURT_WORD,
    YEARS,
    asks_toll,
    coordinated,
    elliptic,
    fold,
    is_age,
    is_dead,
    is_hurt,
    near_death,
)
from rag.answering.nouns import SAME_NOUN, SAME_NOUN_ACROSS, head_word, noun_similarity


def folded_words(text: str) -> set[str]:
    """The words of ``text`` longer than two letters, folded (no case, no accents)."""
    return {w for w in re.findall(r"\w+", fold(text)) if len(w) > 2}


def counted_figures(qa: QuestionAnalysis, claim: SentenceClaim, language: str = "") -> list[Figure]:
    """The claim's figures that count what the question counts.

    A figure counts it when their head nouns have the same lemma, when one phrase holds the
    other's head noun ("fighters" / "Wagner fighters"), or when they share a name ("Wagner
    fighters" / "Russian Wagner mercenaries"). All figures when the question names nothing
    counted, or when the claim is in another language (``language``; '' = the question's).
    """
    if not qa.counted_lemma and asks_toll(qa):
        return [f for f in claim.figures if f.value is not None and near_death(claim, f)]
    if not qa.counted_lemma and _HOW_LONG.search(qa.question):  # a span of time or a length
        return [f for f in claim.figures if fold(f.counts_lemma or f.counts) in _SPANS]
    if not qa.counted_lemma:
        return list(claim.figures)
    cross = bool(language and language != qa.language)
    asked = fold(qa.counted_lemma)
    asked_names = capitalised_words(qa.counted)
    deaths = bool(DEATH.search(qa.question))  # "how many people were killed": "13 morts" too
    ages = fold(asked) in YEARS
    money = fold(asked) in _MONEY  # "how much money": "100 billion CFA francs", "$4.7 million"
    hurt = bool(HURT_WORD.search(qa.question))
    # (figure as read, figure as written): "11 others" counts what the figure before it does
    pairs = list(zip(elliptic(claim), claim.figures, strict=True))
    if deaths != hurt:  # "how many were wounded" is not answered by the dead, nor the reverse
        hurts = coordinated(claim, [is_hurt(claim, g) for g in claim.figures])
        pairs = [p for p, h in zip(pairs, hurts, strict=True) if h == hurt]
    if deaths and not hurt:  # "how many soldiers were killed": not the 150 the camp held
        dead = [is_dead(claim, g) or near_death(claim, g) for g in claim.figures]
        keep = {id(g) for g, d in zip(claim.figures, coordinated(claim, dead), strict=True) if d}
        pairs = [(f, g) for f, g in pairs if id(g) in keep]
    figures = [f for f, _ in pairs]
    # how well each figure's noun names the asked one: 1 by its words, else by the model
    fits = [
        1.0
        if (deaths and bool(DEATH.fullmatch(f.counts_lemma or f.counts)))
        # "how many people wounded…": "12 of the injured" (not for "how many CSP fighters")
        or (hurt and asked in _ANYONE and bool(HURT_WORD.fullmatch(f.counts)))
        or (money and fold(f.counts_lemma) in CURRENCIES)
        or (ages and (fold(f.counts_lemma) in YEARS or is_age(claim, f)))
        or fold(f.counts_lemma) == asked
        or asked in folded_words(f.counts)
        or (f.counts_lemma and fold(f.counts_lemma) in folded_words(qa.counted))
        or (asked_names & capitalised_words(f.counts))
        else noun_similarity(head_word(qa.counted, asked), head_word(f.counts, f.counts_lemma))
        for f in figures
    ]
    least = SAME_NOUN_ACROSS if cross else SAME_NOUN
    if cross:  # "soldats": 47 "soldiers" (0.97), not 84 "mercenaries" beside them (0.92)
        least = max([least, *(fit - SAME_NOUN_SPREAD for fit in fits)])
    return [f for f, fit in zip(figures, fits, strict=True) if fit >= least]


SAME_NOUN_SPREAD = 0.035
"""Across languages, a figure's noun this far below the sentence's best match for the asked noun
names something else: a translation scores near 0.97, a neighbour ("mercenaries" for "soldats")
near 0.92."""


_ANYONE = frozenset({"people", "person", "personne", "individual", "individu"})
"""Counted nouns that name no one in particular: any figure of the wounded counts them."""

_MONEY = frozenset(
    """money cash revenue income funding fund sum amount budget aid argent recette revenu
    financement fonds somme montant aide""".split()
)
"""What a question counts when it asks for a sum of money ("how much money", "quel montant")."""

_HOW_LONG = re.compile(r"\bhow long\b|\bcombien de temps\b|\bquelle (?:dur[ée]e|distance)\b", re.I)
_SPANS = frozenset(
    """second minute hour day week month year decade kilometre kilometer km mile metre meter
    seconde heure jour journee semaine mois an annee kilometre""".split()
)
"""Units a "how long" question's answer counts ("five weeks", "14 mois", "30 kilometres")."""


def capitalised_words(text: str) -> set[str]:
    """Words written with a capital (names: "Wagner"), folded."""
    return {fold(w) for w in re.findall(r"\w+", text) if w[:1].isupper() and len(w) > 2}
