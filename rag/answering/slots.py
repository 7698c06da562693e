"""The slot a question asks to fill, and whether a sentence's claim fills it.

A number question ("how many attackers…") is filled by a figure counting the asked noun; a date
question by a date; "who" by a person or an organisation the question does not already name;
"where" by a place it does not name. A named source in the question ("according to the army")
must be the claim's speaker. Built on :mod:`rag.analysis` (spaCy, dateparser, text2num).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from rag.analysis.gazetteer import place_scale
from rag.analysis.models import Mention, QuestionAnalysis, SentenceClaim
from rag.answering import place_roles, roles
from rag.answering.counted import capitalised_words, counted_figures, folded_words
from rag.answering.counts import (
    FATE,
    fold,
    is_dead,
    is_hurt,
)
from rag.answering.date_roles import ROLE_MISMATCH_FIT, asked_role, has_role
from rag.answering.lists import list_fit, place_names
from rag.answering.reasons import states_reason
from rag.answering.speakers_asked import (
    SPEAKERLESS_FIT,
    asked_speaker,
    defined_name,
    describes,
    passive_agent,
    speaker_names,
)
from rag.answering.timing import dateline_end
from rag.models import Chunk

FACT_KINDS = frozenset({"number", "date", "actor", "place"})
"""Kinds whose answer is one fact: a sentence that does not state it cannot answer."""


def new_entities(qa: QuestionAnalysis, mentions: list[Mention]) -> list[Mention]:
    """Mentions whose words the question does not contain (the asked name is not in it)."""
    asked = folded_words(qa.question)
    return [m for m in mentions if not folded_words(m.text) <= asked]


def new_people(qa: QuestionAnalysis, mentions: list[Mention]) -> list[Mention]:
    """:func:`new_entities` that share no name with the question either.

    "What is the real name of Jethalal": "Jethalal Champaklal Gada" is the character asked
    about, under his full name, not the answer.
    """
    asked = {w for w in folded_words(qa.question) if len(w) > 3}
    return [m for m in new_entities(qa, mentions) if not (capitalised_words(m.text) & asked)]


def fillers(qa: QuestionAnalysis, claim: SentenceClaim, language: str = "") -> list[Mention]:
    """What in the claim fills the question's slot (empty: it does not)."""
    if qa.kind == "number":
        return list(counted_figures(qa, claim, language))
    if qa.kind == "date":
        return list(claim.dates)
    if qa.kind == "actor":  # a person when the sentence names one, else an organisation
        if qa.speaker_asked:  # "who claimed to have killed the soldiers": who says so
            named = _heads(claim, _people(claim) + claim.organisations)
            speaking = new_people(qa, speaker_names(qa, claim, named, language))
            if speaking:
                return speaking
        people = _people(claim)
        if qa.source and claim.speaker is not None:
            # "whom did the government blame": its spokesman, who says so, is not the answer
            said = claim.speaker
            people = [m for m in people if not (m.start < said.end and said.start < m.end)]
        if qa.person:  # "the name of the officer": a group is no answer
            return new_people(qa, _heads(claim, people))
        return (
            new_people(qa, _heads(claim, people))
            # a dateline's town tagged as an organisation ("GAO, Oct 6") is not a doer
            or new_entities(
                qa, _heads(claim, [m for m in claim.organisations if place_scale(m.text) != "town"])
            )
            # a nationality last ("his Malian counterpart"): see NATIONALITY_FIT
            or new_entities(qa, [m for m in claim.organisations if m.label == "NORP"])
        )
    if qa.kind == "place":  # "a Kidal-based group": where it is based
        # a town spaCy took for a person ("towards Bourem") is a place; a town is not a country
        places = claim.places + [m for m in claim.people if place_scale(m.text)] + _located(claim)
        if _TOWN.search(qa.question):
            places = [m for m in places if place_scale(m.text) != "country"]
        filed = dateline_end(claim)  # "ROME, June 14 (Agency) -": where the story was filed
        places = [m for m in places if m.start >= filed]
        return new_entities(qa, sorted(places, key=lambda m: m.start))
    return []


_LOCATIVE = re.compile(
    r"\b(?:near|outside|around|towards?|in|at|north|south|east|west|pr[èe]s d[e']|vers|"
    r"aux environs d[e']|à)\s*(?:of\s+)?(?:the\s+|l[ae]\s+|l')?$",
    re.I,
)
"""A preposition of place right before a name: "near Tongoro-Kanda", "près de Sinkolo"."""


def _located(claim: SentenceClaim) -> list[Mention]:
    """Names spaCy took for organisations or people that a preposition of place puts somewhere.

    "near Tongoro-Kanda" (tagged ORG, and cut at its hyphen): the place, its hyphenated
    parts whole; "at the Tégourou bridge" (tagged PERSON); a "person" before a noun of place
    ("the Sahel region"). A nationality is no place.
    """
    out = []
    for m in claim.organisations + claim.people:
        a, b = m.start - claim.start, m.end - claim.start
        if m.label == "NORP":
            continue
        if not _LOCATIVE.search(claim.text[max(0, a - 25) : a]):
            if m.label in {"PERSON", "PER"} and _PLACE_NOUN.match(claim.text[b:]):
                out.append(m)  # "West Africa's Sahel region" (a "person" naming a region)
            continue
        whole = re.match(r"(?:-\w+)*", claim.text[b:])
        end = b + (whole.end() if whole else 0)
        out.append(Mention(text=claim.text[a:end], start=m.start, end=claim.start + end))
    return out


_PLACE_NOUN = re.compile(
    r"\s+(?:region|area|zone|province|district|border|desert|valley|river|basin|commune|town|"
    r"city|village|road|highway|corridor|belt)s?\b",
    re.I,
)
"""A noun of place right after a name: "the Sahel region", "the Ménaka area"."""

_NAMES = re.compile(r"\b(?:named|names? of|noms? d(?:es?|u)|nommée?s?)\b", re.I)
"""A question asking for names ("which named mines", "les noms des victimes")."""

_TOWN = re.compile(r"\b(?:towns?|city|cities|villages?|villes?|localités?|bourgs?)\b", re.I)
"""A "where" question asking for a settlement: a country does not answer it."""


def _people(claim: SentenceClaim) -> list[Mention]:
    """The claim's people, without the places spaCy took for people.

    "Mali's army" (a known country), "at the Tégourou bridge" (put somewhere: :func:`_located`).
    """
    located = {m.start for m in _located(claim)}
    return [m for m in claim.people if not place_scale(m.text) and m.start not in located]


def _heads(claim: SentenceClaim, mentions: list[Mention]) -> list[Mention]:
    """Mentions that can answer who: not modifiers, nor nationalities (see ``fillers``).

    "Tuareg-led" and "al Qaeda-linked group JNIM" describe the coalition and JNIM; "Algerian"
    names no one.
    """
    return [
        m
        for m in mentions
        if claim.text[m.end - claim.start : m.end - claim.start + 1] != "-"
        and m.label != "NORP"
        and not _TOLD.search(claim.text[: m.start - claim.start])
    ]


_TOLD = re.compile(
    r"\b(told|said to|speaking to|interviewed by|(a|ont|avait) (d[ée]clar[ée]|confi[ée]|"
    r"indiqu[ée]|affirm[ée]|expliqu[ée]|dit|racont[ée]|pr[ée]cis[ée])|interrog[ée]e?s? par)"
    r"\s+(the\s+|à\s+l'|à\s+la\s+|au\s+|aux\s+|à\s+)?$",
    re.I,
)
"""Before an outlet a source spoke to ("told the Niger Valley Post", "a confié au Courrier du
Sahel"): the outlet reports; it is not who did or said the thing asked about."""


def slot_fit(
    qa: QuestionAnalysis, claim: SentenceClaim, language: str = "", *, strict: bool = True
) -> float:
    """1 when the claim fills a fact question's slot, 0 when it does not; 0.5 for other kinds.

    A "why" question's sentence that states a reason (:func:`states_reason`) fits it: 1.
    ``language``: the claim's ('' = the question's). Not ``strict``: a figure that counts
    something else than the asked noun half-fills a number question (0.5).
    """
    if qa.kind == "reason":  # "why" needs a stated reason: one said as such fits best
        return 1.0 if states_reason(claim.text, language or qa.language) else 0.5
    if qa.kind == "other" and (defined := defined_name(qa.question)):
        # "what is the CSP": the sentence that says what it is ("the rebel movement, the
        # Permanent Strategic Framework … (CSP)") before one that only names it
        return 1.0 if describes(claim.text, defined) else 0.5
    if qa.kind in {"list", "other"} and (qa.person or _NAMES.search(qa.question)):
        # "the names of the children killed", "which named mines": names, or no answer
        people = _people(claim)
        named = people if qa.person else people + claim.organisations + claim.places
        return 1.0 if new_entities(qa, _heads(claim, named)) else 0.0
    if qa.kind == "list":  # "what kinds of people": "traders, herders and children"
        tagged = [m.text for m in claim.places + _located(claim)]
        places = place_names(claim.text, tagged)
        return list_fit(qa.question, claim.listed, places)
    if qa.kind not in FACT_KINDS:
        return 0.5
    filled = fillers(qa, claim, language)
    fit = 1.0
    if qa.kind == "actor":  # "the officer commanding the camp": its spokesman does not answer
        filled, fit = roles.role_fillers(roles.asked_role(qa.question), claim, filled)
    if qa.kind == "place":  # "which town is he from": where he landed is no answer
        filled, fit = place_roles.place_fillers(qa.question, claim, filled)
    if filled:
        if (
            qa.kind == "number"
            and all(_casualty(claim, f) for f in filled)
            and not FATE.search(qa.question)
        ):
            # "how many soldiers was the camp home to": the dead among them fit less well
            return NEUTRAL_CASUALTY_FIT
        if qa.kind == "actor" and all(m.label == "NORP" for m in filled):
            return NATIONALITY_FIT
        if qa.speaker_asked:  # "who claimed …": a name that is not the claim's speaker
            said = asked_speaker(qa, claim, language)
            spoke = (
                said is not None and not said.pronoun and any(m.start == said.start for m in filled)
            )
            # "the new figure was given by spokesman Issa Kanouté": the agent gave it
            agent = any(passive_agent(claim, m) for m in filled)
            if not spoke and not agent:
                return SPEAKERLESS_FIT
        role = asked_role(qa) if qa.kind == "date" else ""
        if role and not any(has_role(d, claim, role) for d in claim.dates):
            return ROLE_MISMATCH_FIT  # "from which date": the date after "from" fits best
        return fit
    return 0.5 if qa.kind == "number" and claim.figures and not strict else 0.0


NATIONALITY_FIT = 0.75
"""The slot fit of a nationality alone ("Malian counterpart") for "who": a name fits better."""


NEUTRAL_CASUALTY_FIT = 0.75
"""The slot fit of a count of the dead or wounded for a count question that asks neither."""


def _casualty(claim: SentenceClaim, mention: Mention) -> bool:
    figure = next((f for f in claim.figures if f.start == mention.start), None)
    return figure is not None and (is_dead(claim, figure) or is_hurt(claim, figure))


def source_fit(qa: QuestionAnalysis, claim: SentenceClaim, context: str = "") -> float:
    """For a question naming a source: 1 when it is the claim's speaker, else 0 (0.5: none named).

    ``context`` (the article around the sentence) resolves a speaker named by a description:
    "a spokesman for the group" is JNIM's when the article says "the al Qaeda-linked group JNIM".
    """
    if not qa.source:
        return 0.5
    if is_source(qa, claim.speaker):
        return 1.0
    return 1.0 if context and _described(qa.source, claim.speaker, context) else 0.0


def _described(source: str, speaker: Mention | None, context: str) -> bool:
    """The speaker's noun ("the group") names the source in the context, in apposition.

    "The al Qaeda-linked group JNIM", "JNIM, the al Qaeda affiliate".
    """
    if speaker is None or any(w[:1].isupper() for w in speaker.text.split()[1:]):
        return False  # a named speaker ("the CSP's spokesman") is not a description
    names = {w for w in re.findall(r"\w+", source) if w[:1].isupper()}  # "JNIM", not "the army"
    nouns = {
        w for w in folded_words(speaker.text) if w not in _SPEAKER_ROLES | {"the", "les", "des"}
    }
    if not nouns or not names:
        return False
    noun = "|".join(map(re.escape, nouns))
    name = "|".join(re.escape(fold(n)) for n in names)
    pattern = (
        rf"\b(?:{noun})\s+(?:{name})\b"  # "group JNIM"
        rf"|\b(?:{name})\s*,\s*(?:the|a|an|le|la|l'|un|une)\s+(?:[\w'-]+\s+){{0,3}}(?:{noun})\b"
    )
    return re.search(pattern, fold(context)) is not None


_SPEAKER_ROLES = frozenset(
    "spokesman spokeswoman spokesperson official officials leader head member members "
    "porte parole responsable responsables chef membre membres".split()
)
"""Who speaks for a group: not what names it ("a spokesman for the group": the group)."""


def is_source(qa: QuestionAnalysis, speaker: Mention | None) -> bool:
    """The speaker is the source the question names ("the rebels" / "Mali's Tuareg rebels")."""
    if not qa.source or speaker is None:
        return False
    return bool((folded_words(qa.source) - {"the", "les", "des"}) & folded_words(speaker.text))


def parse_published(value: str) -> date | None:
    """An ISO publication date, or None when it is missing or not a date."""
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def sentence_claims(sentences: Sequence[tuple[Chunk, int, int, str]]) -> list[SentenceClaim]:
    """Each (chunk, start, end, text) sentence's claim: speaker, figures, dates, names.

    Read from the chunk when ingest stored it; else analysed here, one batch per language, with
    relative dates resolved against the article's publication date.
    """
    from rag.analysis import analyse, loads_claims  # spaCy loads on first use

    out: list[SentenceClaim | None] = [None] * len(sentences)
    groups: dict[tuple[str, str], list[int]] = {}
    stored: dict[str, dict[int, SentenceClaim]] = {}
    for i, (c, start, end, text) in enumerate(sentences):
        if c.claims and c.id not in stored:  # analysed at ingest
            stored[c.id] = {cl.start: cl for cl in loads_claims(c.claims, c.text, c.start)}
        found = stored.get(c.id, {}).get(start)
        if found is not None and found.end == end and found.text.strip() == text:
            out[i] = found
            continue
        groups.setdefault((c.language or "en", c.published), []).append(i)
    for (language, published), idx in groups.items():
        texts = [sentences[i][3] for i in idx]
        spans, pos = [], 0
        for t in texts:
            spans.append((pos, pos + len(t)))
            pos += len(t) + 1
        analysed = analyse("\n".join(texts), language, parse_published(published), spans=spans)
        for i, claim, (a, _b) in zip(idx, analysed, spans, strict=True):
            out[i] = _shift(claim, sentences[i][1] - a)  # into the article's coordinates
    return [c for c in out if c is not None]


def _shift(claim: SentenceClaim, delta: int) -> SentenceClaim:
    """The claim with every span moved by ``delta`` characters."""

    def move(node: object) -> object:
        if isinstance(node, dict):
            return {
                k: (v + delta if k in ("start", "end") and isinstance(v, int) else move(v))
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [move(v) for v in node]
        return node

    return SentenceClaim.model_validate(move(claim.model_dump()))
