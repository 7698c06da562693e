"""The answer's first sentence: the asked fact itself, with who says it, before the quotes.

Built only from what the evidence's claims hold (:mod:`rag.analysis`), copied as written:
"At least 84 Wagner mercenaries, according to the CSP rebels; 50, according to JNIM" for a
number question, "14 March 2024" for a date, the name for "who"/"where". The connecting words
are in the question's language; the copied words stay in the source's, and a figure from a
source in the other language is written in that language throughout. No lead when the claim
does not state the fact plainly (a pronoun speaker, several candidate names): the quotes then
come first, as before.
"""

from __future__ import annotations

import re
from typing import Literal

from rag.analysis.models import (
    DateMention,
    Figure,
    Mention,
    QuestionAnalysis,
    SentenceClaim,
    Speaker,
)
from rag.analysis.numbers import currency_sign
from rag.analysis.timeframe import TimeFrame
from rag.answering.counted import counted_figures
from rag.answering.counts import asks_toll
from rag.answering.date_roles import Role, asked_role, has_role
from rag.answering.slots import fillers, fold, is_source
from rag.answering.speakers_asked import clause_speaker
from rag.answering.timing import event_dates, format_date
from rag.answering.verify import clause_spans
from rag.models import Evidence

HEDGES = {
    "en": {"at_least": "at least", "at_most": "at most", "about": "about"},
    "fr": {"at_least": "au moins", "at_most": "au plus", "about": "environ"},
}
ACCORDING_TO = {"en": "according to", "fr": "selon"}


def lead(qa: QuestionAnalysis, evidence: list[Evidence]) -> tuple[str, list[int]] | None:
    """(first sentence, indexes of the evidence it rests on), or None when there is none."""
    lang = qa.language if qa.language in ACCORDING_TO else "en"
    claims = [(i, e.claim) for i, e in enumerate(evidence) if e.claim is not None]
    if not claims:
        return None
    if qa.kind == "number":
        return _figures(qa, claims, lang, [e.language for e in evidence])
    if qa.kind == "date":
        language = evidence[claims[0][0]].language or "en"
        return _date(claims, lang, language, qa.plural, qa.terms, asked_role(qa))
    if qa.kind in ("actor", "place"):
        i, claim = claims[0]
        found = {fold(m.text): m for m in fillers(qa, claim, evidence[i].language)}
        if len(found) == 1:
            name = next(iter(found.values()))
            who = speaker_of(name, claim, evidence[i].language or "en")
            if who is not False:
                return _attributed(_noun_phrase(name, claim, evidence[i].language), who, lang), [i]
    return None


_DETERMINERS = frozenset({"the", "a", "an", "le", "la", "les", "un", "une", "des"})


def _named(speaker: Speaker) -> str:
    """The speaker as written, its opening determiner lower-cased ("The army" -> "the army")."""
    first, _, rest = speaker.text.partition(" ")
    if first.lower() in _DETERMINERS and rest:
        return f"{first.lower()} {rest}"
    if speaker.text[:2] in ("L'", "L’"):  # "L'armée" -> "l'armée"
        return "l" + speaker.text[1:]
    return speaker.text


NO = {"en": "No", "fr": "Non"}


def denies(qa: QuestionAnalysis, evidence: list[Evidence]) -> bool:
    """A yes/no question the best evidence answers in the negative.

    The question asserts something ("Did the government pay?") and the evidence's claim is
    negated or denied ("The government denied paying"). Never a "yes": a sentence that does not
    deny is not thereby a confirmation.
    """
    from rag.analysis import analyse

    if qa.kind != "yesno" or not evidence or evidence[0].claim is None:
        return False
    if not evidence[0].claim.negated:
        return False
    asked = analyse(qa.question, qa.language)
    return not any(c.negated for c in asked)


def _attributed(text: str, speaker: Speaker | None, lang: str) -> str:
    """``text``, then "according to <speaker>" when there is a named speaker (not ``text``)."""
    if speaker is not None and not speaker.pronoun and fold(text) not in fold(speaker.text):
        return f"{text}, {ACCORDING_TO[lang]} {_named(speaker)}"
    return text


def speaker_of(
    mention: Mention, claim: SentenceClaim, language: str
) -> Speaker | None | Literal[False]:
    """Who states ``mention``: the speaker of its own clause.

    "The CSP said it killed dozens, while an al Qaeda affiliate said it killed 50": 50 is the
    affiliate's. None: the outlet's own voice; False: a speaker that cannot be told.
    """
    base = claim.start
    spans = clause_spans(claim.text)
    home = next((sp for sp in spans if sp[0] <= mention.start - base < sp[1]), None)
    sp = claim.speaker
    if home is None or len(spans) == 1:
        return sp
    found = clause_speaker(claim, home, language)
    # a speaker in an earlier clause carries on into this one; one in a later clause does not
    return False if found is None and sp is not None and sp.start - base >= home[1] else found


def _noun_phrase(name: Mention, claim: SentenceClaim, language: str) -> str:
    """The name with the noun it qualifies: "Malian" -> "Malian counterpart" (else the name)."""
    from rag.analysis.pipelines import pipeline

    doc = pipeline(language or "en")(claim.text)
    span = doc.char_span(name.start - claim.start, name.end - claim.start, alignment_mode="expand")
    if span is None:
        return name.text
    last = span[-1]
    head = last.head
    if last.dep_ in {"amod", "compound"} and head.i > last.i and head.pos_ == "NOUN":
        return claim.text[span.start_char : head.idx + len(head.text)]
    return name.text


_SCALE_OF = {
    **dict.fromkeys("dozens scores tens hundreds thousands millions".split(), "of"),
    **dict.fromkeys("dizaines centaines milliers millions".split(), "de"),
}
"""Plural scale words of a vague figure and what joins them to the counted noun."""


_VAGUE_BEFORE = re.compile(
    r"\b(several|a few|many|plusieurs|quelques|de nombreu(?:x|ses))\s+$", re.I
)


def figure_text(f: Figure, lang: str, before: str = "") -> str:
    """A figure as written: "at least 21 soldiers", "une quarantaine de camions" (no "about").

    A whole number written in words is given in digits ("seize militaires": "16 militaires"):
    the quote that follows keeps the words.

    ``before``: the sentence up to the figure, whose vague word is kept ("several hundred").
    """
    vague = _VAGUE_BEFORE.search(before) if f.hedge == "vague" else None
    if vague:
        return figure_text(f.model_copy(update={"text": f"{vague[1]} {f.text}"}), lang)
    words = f.text.split()
    approximate = len(words) > 1 and words[0].lower() in {"a", "an", "un", "une"}
    hedge = "" if approximate and f.hedge == "about" else HEDGES[lang].get(f.hedge, "")
    text = f.text[:1].lower() + f.text[1:] if approximate else f.text
    if not approximate and _in_words(f):  # "seize militaires": 16, whatever the reader's language
        text = f"{int(f.value or 0):,}".replace(",", "\u202f" if lang == "fr" else ",")
    counted = ""
    scale = words[-1].lower() if words else ""
    if f.value is None and f.counts and scale in _SCALE_OF:  # "thousands of people"
        text = text[:1].lower() + text[1:]
        if _SCALE_OF[scale] == "de" and len(words) == 1:
            text = f"des {text}"  # "des milliers de personnes"
        return f"{text} {_SCALE_OF[scale]} {f.counts}"
    if f.counts and currency_sign(f.counts):  # "$4.7 million"
        return f"{hedge} {f.counts}{text}".strip()
    if f.counts and f.counts not in f.text:
        of = (
            " de" if approximate and lang == "fr" and not f.counts.startswith(("de ", "d'")) else ""
        )
        counted = f"{of} {f.counts}"
    return f"{hedge} {text}{counted}".strip()


def _in_words(f: Figure) -> bool:
    """The figure is a whole number written in words only ("seize", "forty-seven")."""
    return (
        f.value is not None and f.value == int(f.value) and not any(ch.isdigit() for ch in f.text)
    )


def _figures(
    qa: QuestionAnalysis,
    claims: list[tuple[int, SentenceClaim]],
    lang: str,
    evidence_language: list[str],
) -> tuple[str, list[int]] | None:
    parts = _figure_parts(qa, claims, lang, evidence_language)
    if not parts:
        return None
    used = list(dict.fromkeys(i for _, i in parts))
    text = "; ".join(t for t, _ in parts)
    return text[:1].upper() + text[1:], used


EARLIER = {"en": "Earlier", "fr": "Auparavant"}
LATER = {"en": "Later", "fr": "Par la suite"}


def figure_lines(
    qa: QuestionAnalysis, evidence: list[Evidence], frame: TimeFrame
) -> list[tuple[str, list[int]]] | None:
    """One line per reported figure, with its outlet and date, the newest report first.

    For a number question whose figures come from two or more reports: "At least 21 soldiers,
    according to the army (Le Courrier du Sahel, 19 March 2024)", then "Earlier: 9 soldiers,
    according to the army (Sahel Wire, 15 March 2024)". The oldest first when the question asks
    for the first figure. None when there are fewer than two figures.
    """
    if qa.kind != "number":
        return None
    lang = qa.language if qa.language in ACCORDING_TO else "en"
    claims = [(i, e.claim) for i, e in enumerate(evidence) if e.claim is not None]
    parts = _figure_parts(qa, claims, lang, [e.language for e in evidence], every=True)
    if len(parts) < 2:
        return None
    dates = {evidence[i].published for _, i in parts}
    newest_first = frame.order != "oldest"
    # by report date, then, within a day, a revised figure ("rose to") before a past one
    # ("had said", "initially"); otherwise in score order (the sort is stable)
    parts.sort(
        key=lambda p: (evidence[p[1]].published, _revision_cue(evidence[p[1]].text)),
        reverse=newest_first,
    )
    lines = []
    first_day = evidence[parts[0][1]].published
    for n, (text, i) in enumerate(parts):
        ev = evidence[i]
        where = ", ".join(
            x for x in (ev.source, format_date(ev.published, lang) if ev.published else "") if x
        )
        line = f"{text} ({where})" if where else text
        if n and len(dates) > 1 and ev.published and first_day and ev.published != first_day:
            line = f"{(LATER if frame.order == 'oldest' else EARLIER)[lang]}: {line}"
        lines.append((line[:1].upper() + line[1:], [i]))
    return lines


_RISEN = re.compile(
    r"\b(rose|risen|rises|climbed|increased|now stands|new (toll|figure)|revised|updated|"
    r"s'est alourdi|est pass[ée] [àa]|port[ée] [àa]|nouveau bilan|d[ée]sormais)\b",
    re.I,
)
_PAST = re.compile(
    r"\b(had (said|reported|given|put)|initially|initial|first|earlier|previously|"
    r"avait (annonc[ée]|fait [ée]tat|indiqu[ée]|donn[ée])|initialement|auparavant|premier)\b",
    re.I,
)


def _revision_cue(text: str) -> int:
    """1: the sentence gives a revised figure; -1: an earlier one; 0: neither."""
    return 1 if _RISEN.search(text) else -1 if _PAST.search(text) else 0


def _figure_parts(
    qa: QuestionAnalysis,
    claims: list[tuple[int, SentenceClaim]],
    lang: str,
    evidence_language: list[str],
    *,
    every: bool = False,
) -> list[tuple[str, int]]:
    """(figure with who states it, evidence index) for each distinct figure that fills the slot.

    When the question names nothing counted ("what is the toll"), the best sentence's counted
    figures; with ``every``, the first counted figure of each sentence (each report's toll).
    """
    parts: list[tuple[str, int, bool]] = []  # (text, evidence, said by the asked source)
    seen: set[tuple[float | None, str]] = set()
    for i, claim in claims:
        language = evidence_language[i] or "en"
        figures = counted_figures(qa, claim, evidence_language[i])
        if not qa.counted_lemma:  # nothing named: the best sentence's counted figures only
            if parts and not every:
                break
            # a toll's figures are already the dead; other figures must count something
            figures = [f for f in figures if f.counts or asks_toll(qa)][: 1 if every else 2]
        # a figure from a source in another language is written in that language throughout
        # ("at least 19 soldiers, according to a councillor"), never half in each
        words = language if language in ACCORDING_TO else lang
        for f in figures:
            if (f.value, f.hedge) in seen:
                continue
            who = speaker_of(f, claim, language)
            if who is False or (who is not None and who.pronoun):
                continue  # "they said 84": who "they" are is in another sentence
            seen.add((f.value, f.hedge))
            before = claim.text[: max(f.start - claim.start, 0)]
            text = _attributed(figure_text(f, words, before), who, words)
            parts.append((text, i, is_source(qa, who)))
    if any(by_source for *_, by_source in parts):  # "what did the rebels say": theirs only
        parts = [p for p in parts if p[2]]
    return [(t, i) for t, i, _ in parts]


def _shown_date(d: DateMention, lang: str) -> str:
    """The resolved date, written out, with the words it was resolved from when relative."""
    assert d.iso is not None
    shown = format_date(d.iso, lang) if d.precision != "week" else d.text
    if d.relative and fold(d.text) not in fold(shown):
        shown = f"{shown} (“{d.text}”)"
    return shown


_CONTEXT_CHARS = 30  # before a date: the words that say what it is the date of


def _by_context(
    found: list[DateMention], claim: SentenceClaim, terms: list[str]
) -> list[DateMention]:
    """The dates whose preceding words hold a question term first ("prévues le 29 juin")."""
    asked = {fold(t) for t in terms if len(t) > 3}

    def about(d: DateMention) -> bool:
        a = max(0, d.start - claim.start - _CONTEXT_CHARS)
        before = fold(claim.text[a : d.start - claim.start])
        return any(t[:5] in before for t in asked)

    return sorted(found, key=lambda d: not about(d))  # stable: text order otherwise


def _date(
    claims: list[tuple[int, SentenceClaim]],
    lang: str,
    language: str,
    plural: bool = False,
    terms: list[str] | None = None,
    role: Role = "",
) -> tuple[str, list[int]] | None:
    i, claim = claims[0]
    found = _by_context(event_dates(claim), claim, terms or [])
    if role:  # "from which date": the date after "from" first
        found = sorted(found, key=lambda d: not has_role(d, claim, role))
    if not found:
        return None
    shown = ", ".join(dict.fromkeys(_shown_date(d, lang) for d in found[: 3 if plural else 1]))
    d = found[0]
    who = speaker_of(d, claim, language)
    if who is False:
        return None
    return _attributed(shown, who, lang), [i]
