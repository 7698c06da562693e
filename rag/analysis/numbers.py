"""Figures: numbers in digits or words (English and French), their hedge and what they count.

Number words are read by ``text2num``; what spaCy cannot tell (hedging phrases, approximate
nouns such as "une dizaine") is in the small tables below.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from spacy.tokens import Doc, Span, Token
from text_to_num import text2num

from rag.analysis.models import Figure, Hedge

# Hedging phrases that end right before a number, longest first within a hedge.
HEDGES: dict[str, dict[Hedge, tuple[str, ...]]] = {
    "en": {
        "at_least": (
            "at least",
            "no fewer than",
            "no less than",
            "more than",
            "upwards of",
            "in excess of",
            "over",
        ),
        "at_most": ("at most", "no more than", "fewer than", "less than", "up to", "under"),
        "about": (
            "an estimated",
            "approximately",
            "estimated",
            "roughly",
            "around",
            "nearly",
            "almost",
            "close to",
            "about",
            "some",
        ),
        "vague": ("several", "a few", "many", "scores of"),
    },
    "fr": {
        "at_least": ("pas moins de", "au moins", "plus de", "au minimum", "plus d'"),
        "at_most": ("au maximum", "au plus", "jusqu'à", "moins de", "moins d'"),
        "about": (
            "approximativement",
            "environ",
            "près de",
            "presque",
            "quelque",
            "autour de",
            "une estimation de",
        ),
        "vague": ("plusieurs", "quelques", "de nombreux", "de nombreuses"),
    },
}
# Nouns that approximate a number: "une dizaine" is about 10, "des dizaines" is vague.
APPROXIMATE = {
    "en": {"dozen": 12.0, "score": 20.0},
    "fr": {
        "dizaine": 10.0,
        "douzaine": 12.0,
        "quinzaine": 15.0,
        "vingtaine": 20.0,
        "trentaine": 30.0,
        "quarantaine": 40.0,
        "cinquantaine": 50.0,
        "soixantaine": 60.0,
        "centaine": 100.0,
        "millier": 1000.0,
    },
}
CURRENCY_SIGNS = {"$": "dollar", "€": "euro", "£": "pound", "¥": "yen"}
"""A currency sign before a figure, and the currency it names ("$4.7 million": dollars)."""
CURRENCIES = frozenset(
    """dollar euro pound yen franc cfa fcfa xof naira cedi dinar dirham ouguiya yuan rouble
    ruble rupee""".split()
) | frozenset(CURRENCY_SIGNS.values())
"""Head lemmas (folded) of what a sum of money counts: "100 billion CFA francs", "20 millions
d'euros"."""


def currency_sign(text: str) -> str | None:
    """The currency a sign names ("$", "US$": dollar; "€": euro), else None."""
    return CURRENCY_SIGNS.get(text.upper().lstrip("US"))


_OF = {"en": {"of"}, "fr": {"de", "d'", "d’", "des"}}
_JOINERS = {"en": {"-", "and"}, "fr": {"-", "et"}}
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_DIGITS = re.compile(r"\d[\d.,\u00a0\u202f ]*")


@lru_cache(maxsize=4096)
def word_value(word: str, language: str) -> float | None:
    """The value of a number word or words ("quarante-sept", "forty seven"); None if not one."""
    try:
        return float(text2num(word.lower(), language))
    except ValueError:
        if language == "en" and word.lower().endswith("s"):  # "hundreds": text2num reads "hundred"
            return word_value(word[:-1], language)
        return None


def parse_digits(text: str, language: str) -> float | None:
    """Digits as written in ``language``: "1,200" and "2.5" (en), "1 200", "1.200", "2,5" (fr)."""
    t = _SPACES.sub("", text).rstrip(".,")
    if not t or not t[0].isdigit():
        return None
    if language == "fr":
        if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", t):
            t = t.replace(".", "")
        t = t.replace(",", ".")
    else:
        t = t.replace(",", "")
    try:
        return float(t)
    except ValueError:
        return None


def parse_number(text: str, language: str) -> float | None:
    """The value of a written number: digits, words, or both ("2,5 millions", "2.5 million")."""
    t = _SPACES.sub(" ", text.strip())
    m = _DIGITS.match(t)
    if not m:
        return word_value(t, language)
    value = parse_digits(m.group(), language)
    rest = t[m.end() :].strip()
    if value is None or not rest:
        return value
    scale = word_value(rest, language)
    return value * scale if scale is not None else None


def _is_number(tok: Token, language: str) -> bool:
    if tok.text[0].isdigit():
        return parse_digits(tok.text, language) is not None
    if language == "en" and tok.tag_ == "NNS" and (word_value(tok.lemma_, language) or 0) >= 100:
        return True  # "hundreds", "thousands" (vague, see figures)
    if "-" in tok.text.strip("-") and word_value(tok.text, language) is not None:
        return True  # "vingt-trois", which the small French model tags as a noun
    if tok.pos_ == "DET" or not (tok.like_num or tok.pos_ == "NUM"):
        return False  # "un soldat": an article, not a count
    return word_value(tok.text, language) is not None


_TENS_AND_ONE = frozenset("vingt trente quarante cinquante soixante".split())


def _and_one(doc: Doc, j: int, language: str) -> bool:
    """Tokens j, j+1 are "et un(e)" after a tens word: "vingt et un" (21), not "et un soldat"."""
    return (
        language == "fr"
        and doc[j].lower_ == "et"
        and doc[j + 1].lower_ in {"un", "une"}
        and doc[j - 1].lower_ in _TENS_AND_ONE
    )


def _runs(doc: Doc, language: str, skip: set[int]) -> Iterable[tuple[int, int]]:
    """Token ranges [i, j) written as one number ("quarante - sept", "1 200", "2,5 millions")."""
    i, n = 0, len(doc)
    while i < n:
        if i in skip or not _is_number(doc[i], language):
            i += 1
            continue
        j = i + 1
        while j < n and j not in skip:
            tok, prev = doc[j], doc[j - 1]
            if _is_number(tok, language) and not (tok.text[0].isdigit() and prev.text[0].isdigit()):
                j += 1  # "forty seven"
            elif not tok.text[0].isdigit() and (word_value(tok.text, language) or 0) >= 100:
                j += 1  # "2,5 millions", "2.5 million": a scale word after a number
            elif (
                language == "fr"
                and re.fullmatch(r"\d{3}", tok.text)
                and prev.text[0].isdigit()
                and len(prev.whitespace_) == 1
            ):
                j += 1  # "1 200": French thousands
            elif (
                tok.lower_ in _JOINERS[language]
                and j + 1 < n
                and not doc[j + 1].text[0].isdigit()
                and not prev.text[0].isdigit()
                and (_is_number(doc[j + 1], language) or _and_one(doc, j, language))
            ):
                j += 2  # "quarante-sept", "vingt et un"
            else:
                break
        yield i, j
        i = j


def _hedge(doc: Doc, i: int, language: str) -> Hedge:
    before = " ".join(t.lower_ for t in doc[max(0, i - 4) : i]).replace(" '", "'")
    before = before.replace("' ", "'").replace("’", "'")
    for hedge, phrases in HEDGES[language].items():
        if any(before == p or before.endswith(" " + p) for p in phrases):
            return hedge
    return "exact"


def _counted(doc: Doc, i: int, j: int, language: str) -> tuple[str, str, int, int]:
    """The noun phrase the number in tokens [i, j) quantifies: (text, head lemma, start, end)."""
    last = doc[j - 1]
    target: Token | None = None
    of = j + 1 < len(doc) and doc[j].lower_ in _OF[language]
    k = j + 1
    one = doc[i:j].text.lower() in {"one", "un", "une"}  # "not one of the dead": no count
    while of and not one and k < len(doc) - 1 and k < j + 3 and doc[k].pos_ == "DET":
        k += 1  # a partitive: "12 of the injured", "deux des blessés"
    if of and doc[k].pos_ in {"NOUN", "PROPN", "ADJ", "VERB"}:
        target = doc[k]  # "2,5 millions de personnes", "dozens of fighters"
    if target is None:
        head = last
        while i <= head.i < j and head.head.i != head.i:
            head = head.head
        if head.i >= j and head.pos_ in {"NOUN", "PROPN"}:
            target = head
        elif j < len(doc) and (
            doc[j].pos_ in {"NOUN", "PROPN"}
            or (language == "fr" and doc[j].pos_ in {"ADJ", "VERB"})
        ):
            target = doc[j]  # "1 200 déplacés": a participle used as a noun
    if target is None:
        target = _subject_counted(doc[j - 1]) or _tally_after(doc, j)
    name = currency_sign(doc[i - 1].text) if target is None and i > 0 else None
    if name:  # "$4.7 million", "US$ 300 million", "€20m"
        sign = doc[i - 1]
        return sign.text, name, sign.idx, sign.idx + len(sign.text)
    if target is None:
        return "", "", 0, 0
    if target.text in {"%", "percent"} or target.lemma_ == "pourcent":
        return target.text, "percent", target.idx, target.idx + len(target.text)
    keep = [target]
    for child in target.children:
        left = child.i < target.i and child.i >= j and child.dep_ in {"compound", "amod", "flat"}
        if left or (child.i > target.i and child.dep_ == "amod" and language == "fr"):
            keep.append(child)
        elif child.i > target.i and child.pos_ == "PROPN" and child.dep_ == "nmod":
            keep.extend(child.subtree)  # "mercenaires de Wagner"
    lo, hi = min(t.i for t in keep), max(t.i for t in keep)
    span = doc[lo : hi + 1]
    return span.text, target.lemma_.lower(), span.start_char, span.end_char


_TALLIES = frozenset({"number", "total", "count", "nombre", "chiffre"})


def _subject_counted(tok: Token) -> Token | None:
    """What a bare figure counts when its verb's subject or object is a tally of it.

    "The number of soldiers killed has risen to at least 21", "le nombre de déplacés est passé
    à 1 200": 21 counts the soldiers, 1 200 the displaced. "The report put the number of
    displaced people at 402,167, compared with about 354,000 a year earlier": both count the
    people (a comparison's figure is the same tally's, through the participle's verb).
    """
    verb, steps = tok, 0
    while verb.pos_ not in {"VERB", "AUX"} and verb.head.i != verb.i and steps < 3:
        verb, steps = verb.head, steps + 1
    for _ in range(2):
        if verb.pos_ not in {"VERB", "AUX"}:
            return None
        for child in verb.children:
            if child.dep_ in {"nsubj", "nsubjpass", "dobj", "obj"}:
                counted = _tallied(child)
                if counted is not None:
                    return counted
        if verb.dep_ not in {"prep", "advcl"} or verb.head.i == verb.i:
            return None
        verb = verb.head  # "compared with 354,000" -> "put the number … at"
    return None


def _tallied(tally: Token) -> Token | None:
    """What a tally noun counts: "number of soldiers", "nombre de militaires"; else None."""
    if tally.lemma_.lower() not in _TALLIES:
        return None
    for child in tally.children:
        if child.dep_ == "prep" and child.lower_ == "of":  # English: number -> of -> soldiers
            return next((g for g in child.children if g.dep_ == "pobj"), None)
        if child.dep_ == "nmod" and child.pos_ == "NOUN":  # French: nombre -> (de) soldats
            return child
    return None


def _tally_after(doc: Doc, j: int) -> Token | None:
    """What a bare figure counts when a tally of it follows it.

    "a porté à onze le nombre de militaires tués", "raised to 11 the number of soldiers
    killed": the soldiers.
    """
    k = j
    while k < len(doc) and k < j + 3 and doc[k].pos_ == "DET":
        k += 1
    return _tallied(doc[k]) if k < len(doc) else None


def figures(doc: Doc, language: str, *, skip: set[int], offset: int = 0) -> list[Figure]:
    """The figures of a parsed sentence; tokens in ``skip`` (dates) are not numbers.

    Spans are shifted by ``offset`` (the sentence's start in the analysed text).
    """
    found: list[Figure] = []
    approx = APPROXIMATE[language]
    for tok in doc:
        if tok.i not in skip and tok.lemma_.lower() in approx:
            _add_approximate(found, doc, tok, language, offset)
    for i, j in _runs(doc, language, skip):
        span = doc[i:j]
        if any(f.start - offset <= span.start_char < f.end - offset for f in found):
            continue
        value = parse_number(span.text, language)
        if value is None:
            continue
        hedge = _hedge(doc, i, language)
        plural_scale = len(span) == 1 and not span.text[0].isdigit() and value >= 100
        if hedge == "vague" or (plural_scale and span[0].morph.get("Number", []) == ["Plur"]):
            hedge, value = "vague", None  # "several hundred", "hundreds of", "des milliers"
        elif plural_scale and span.text.lower().endswith("s") and language == "en":
            hedge, value = "vague", None
        found.append(_figure(span, value, hedge, _counted(doc, i, j, language), offset))
    return sorted(found, key=lambda f: f.start)


def _figure(
    span: Span, value: float | None, hedge: Hedge, counted: tuple[str, str, int, int], offset: int
) -> Figure:
    """The figure ``span`` states, with what it counts (from :func:`_counted`)."""
    counts, lemma, *_ = counted
    return Figure(
        text=span.text,
        start=offset + span.start_char,
        end=offset + span.end_char,
        value=value,
        hedge=hedge,
        counts=counts,
        counts_lemma=lemma,
    )


def _add_approximate(found: list[Figure], doc: Doc, tok: Token, language: str, offset: int) -> None:
    """'une dizaine' (about 10), 'a dozen' (about 12); 'des dizaines', 'dozens': vague."""
    prev = doc[tok.i - 1] if tok.i else None
    plural = tok.morph.get("Number", []) == ["Plur"] or tok.tag_ == "NNS"
    start = prev if prev is not None and prev.lower_ in {"a", "une", "un"} and not plural else tok
    hedge: Hedge = "vague" if plural else _hedge(doc, start.i, language)
    value = None if hedge == "vague" else APPROXIMATE[language][tok.lemma_.lower()]
    hedge = "about" if hedge == "exact" else hedge
    span = doc[start.i : tok.i + 1]
    found.append(_figure(span, value, hedge, _counted(doc, tok.i, tok.i + 1, language), offset))
