"""Text utilities shared by ingest and answering: sentences with spans, terms, numbers, names."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pysbd
import Stemmer

_WORD = re.compile(r"[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F'’\-]*|\d[\d,.]*\d|\d")

# Small, generic English stopword list (question words included: they carry no topic).
STOPWORDS = frozenset(
    """a about above after again against all am an and any are aren't as at be because been
    before being below between both but by can could did do does doing don't down during each
    few for from further had has have having he her here hers herself him himself his how i if
    in into is it it's its itself just me more most my myself no nor not now of off on once
    only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until
    up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves s t also according said say says saying tell told did many much
    according whose ever still yet per via among amid within without upon onto
    """.split()
)

NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
    "dozen": 12,
    "hundreds": 100,
    "thousands": 1000,
    "million": 10**6,
    "millions": 10**6,
    "billion": 10**9,
    "decade": 10,
    "decades": 10,
    "half": 0.5,
    "single": 1,
    "both": 2,
    "twice": 2,
}
MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)s?$")

# Verbs and phrases that attribute a claim to someone.
ATTRIBUTION = re.compile(
    r"\b(said|says|say|saying|claimed|claims|claim|according to|reported|reports|told|"
    r"announced|stated|alleged|alleges|acknowledged|admitted|accused|asserted|insisted|"
    r"denied|estimated|estimates|confirmed|declared|statement)\b",
    re.IGNORECASE,
)
NEGATION = re.compile(r"\b(not|no|never|neither|nor|without|n't|none|nobody|nothing)\b", re.I)

_segmenter = pysbd.Segmenter(language="en", clean=False)
_stemmer = Stemmer.Stemmer("english")


_INVISIBLE = re.compile(
    r"[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f"
    r"\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]"
)
"""Characters that show nothing but split words and numbers: soft hyphen, zero-width spaces
and joiners, bidirectional marks and overrides (which can also make text display as other
than it reads), the byte-order mark."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def plain_text(text: str) -> str:
    r"""``text`` in Unicode NFC with invisible and control characters removed.

    Scraped pages carry decomposed accents ("e" + U+0301 for "é", from macOS copies) and
    zero-width or soft-hyphen characters inside words ("Wag\u00adner", "8\u200b4"): both make
    the same word differ from the question's and from itself in another article. Line breaks
    and tabs stay; no-break spaces (French "1\u202f200") stay.
    """
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    return _CONTROL.sub(" ", text)


LONG_LINE = 4000
"""Characters from which a line is cut into pieces of about :data:`PIECE` before pysbd reads
it: pysbd's time grows with the square of a line's length (16,000 characters without a full
stop: 0.3 s; a 520,000-character line of scraped text: minutes)."""
PIECE = 2000
_CUT = re.compile(r"[.!?…][\"'”»)]*\s+(?=\S)|\s+")


def _pieces(line: str) -> list[tuple[int, str]]:
    """``line`` as (start, piece) pairs, no piece longer than :data:`PIECE` when it is long.

    A long line is cut after a sentence's end, or at a space when the window has none.
    """
    if len(line) <= LONG_LINE:
        return [(0, line)]
    out: list[tuple[int, str]] = []
    start = 0
    while len(line) - start > PIECE:
        window = line[start : start + PIECE]
        cuts = list(_CUT.finditer(window))
        ends = [c.end() for c in cuts if not c.group()[0].isspace()]
        spaces = [c.end() for c in cuts]
        late = [at for at in (ends[-1:] + spaces[-1:]) if at > PIECE // 4]
        end = start + (late[0] if late else PIECE)
        out.append((start, line[start:end]))
        start = end
    out.append((start, line[start:]))
    return out


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` in ``text`` (plus ``offset``), whitespace trimmed.

    Line breaks always end a sentence: scraped articles put one paragraph per line. A very
    long line is read in pieces (:data:`LONG_LINE`).
    """
    spans: list[tuple[int, int]] = []
    for m in re.finditer(r"[^\n]+", text):
        if not m.group().strip():
            continue
        for at, line in _pieces(m.group()):
            base = m.start() + at
            cursor = 0
            for sent in _segmenter.segment(line):
                piece = sent.strip()
                if not piece:
                    continue
                i = line.find(piece, cursor)
                if i < 0:  # pysbd normalised something; fall back to the rest of the line
                    i = cursor
                    piece = line[cursor:].strip()
                cursor = i + len(piece)
                spans.append((offset + base + i, offset + base + cursor))
    return spans


def words(text: str) -> list[str]:
    """Word tokens (letters or numbers), original case."""
    return _WORD.findall(text)


# Irregular verb forms and plurals a suffix stemmer cannot join to their base.
_IRREGULAR = {
    form: base
    for base, forms in {
        "take": "took taken",
        "give": "gave given",
        "go": "went gone",
        "say": "said",
        "tell": "told",
        "see": "saw seen",
        "come": "came",
        "become": "became",
        "begin": "began begun",
        "lose": "lost",
        "win": "won",
        "fight": "fought",
        "seize": "seized",
        "hold": "held",
        "lead": "led",
        "leave": "left",
        "make": "made",
        "meet": "met",
        "speak": "spoke spoken",
        "flee": "fled",
        "shoot": "shot",
        "bring": "brought",
        "buy": "bought",
        "think": "thought",
        "know": "knew known",
        "run": "ran",
        "send": "sent",
        "spend": "spent",
        "strike": "struck",
        "write": "wrote written",
        "break": "broke broken",
        "choose": "chose chosen",
        "drive": "drove driven",
        "fall": "fell fallen",
        "find": "found",
        "get": "got gotten",
        "have": "had has",
        "keep": "kept",
        "put": "put",
        "rise": "rose risen",
        "sell": "sold",
        "stand": "stood",
        "steal": "stole stolen",
        "die": "died dead death deaths",
        "kill": "killed killing",
        "man": "men",
        "woman": "women",
        "child": "children",
        "person": "people",
    }.items()
    for form in forms.split()
}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Lower-cased English stem (irregular forms mapped to their base first)."""
    w = word.lower().replace("’", "'").removesuffix("'s")
    return str(_stemmer.stemWord(_IRREGULAR.get(w, w)))


# Words that frame a question rather than name its topic ("what is the full name of ...").
QUESTION_FRAME = frozenset(
    """name names named call called known full kind type sort exactly happen happened
    happening describe described mean means meant main role purpose reason year years date
    dates time times day days place number total amount approximately roughly happen
    stage status progress situation news update updates latest figure figures media outlet
    outlets appelle genre sorte exactement rôle année années jour jours lieu nombre
    montant environ chiffre chiffres médias nouvelles informations actualité
    """.split()
)


TERMS_VERSION = 2
"""Changes when :func:`content_terms` does (the BM25 cache is keyed by it)."""

# French elided articles and pronouns: "l'armée" -> "armée", "qu'il" -> "il".
_ELISION = re.compile(r"^(?:l|d|qu|n|s|c|j|m|t|jusqu|lorsqu|puisqu)['’]", re.I)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """English stopwords, with spaCy's French list (articles and questions are in both)."""
    from spacy.lang.fr.stop_words import STOP_WORDS as FRENCH

    return STOPWORDS | frozenset(w.replace("’", "'") for w in FRENCH)


def content_terms(text: str, *, drop: frozenset[str] = frozenset()) -> list[str]:
    """Stems of the content words of ``text`` (no stopwords), in order, unique.

    Hyphenated words count as their parts ("al Qaeda-aligned" -> qaeda, align); French elisions
    are dropped ("l'armée" -> armée) and French stopwords skipped as English ones are.
    """
    stop = stopwords()
    seen: dict[str, None] = {}
    for w in words(text):
        w = _ELISION.sub("", w)
        parts = w.split("-") if "-" in w.strip("-") else [w]
        for part in parts:
            lw = part.lower()
            if not lw or lw in stop or lw in drop or len(lw) < 2 and not lw.isdigit():
                continue
            seen.setdefault(stem(lw), None)
    return list(seen)


_FRAME_PHRASES = re.compile(r"\b(?:take|takes|took|taken|taking)\s+place\b", re.I)
"""Idioms that frame a question: "when did the fighting take place" asks about the fighting."""


def question_terms(question: str) -> list[str]:
    """The content terms of a question, without its framing words."""
    return content_terms(_FRAME_PHRASES.sub(" ", question), drop=QUESTION_FRAME)


def parse_number(token: str) -> float | None:
    """The value of a numeric token ('84', '1,200', 'seven'; 'dozens' is vague: None) or None."""
    t = token.lower().replace(",", "")
    if t in NUMBER_WORDS:
        return float(NUMBER_WORDS[t])
    try:
        return float(t)
    except ValueError:
        return None


def numbers(text: str, *, include_years: bool = True) -> set[float]:
    """Every number a text states, digits or words."""
    out: set[float] = set()
    for w in words(text):
        if not include_years and _YEAR.match(w):
            continue
        v = parse_number(w)
        if v is not None:
            out.add(v)
    return out


def is_year(token: str) -> bool:
    """True for a four-digit year such as 2024 or 1990s."""
    return bool(_YEAR.match(token))


def has_date(text: str) -> bool:
    """True when the text names a year, month, weekday or relative date."""
    for w in words(text):
        lw = w.lower()
        if is_year(w) or lw in MONTHS or lw in WEEKDAYS:
            return True
    return bool(re.search(r"\b(yesterday|today|ago|last (week|month|year)|since)\b", text, re.I))


def names(text: str) -> set[str]:
    """Capitalised words that are not sentence-initial stopwords: a cheap stand-in for NER."""
    out: set[str] = set()
    toks = words(text)
    for i, w in enumerate(toks):
        if not w[0].isupper():
            continue
        if w.lower() in STOPWORDS:
            continue
        if i == 0 and len(toks) > 1 and w.lower() in _COMMON_INITIALS:
            continue
        out.add(stem(w))
    return out


# Sentence-initial capitalised words that are ordinary words, not names.
_COMMON_INITIALS = frozenset(
    "even neither however meanwhile many some several most earlier later separately "
    "previously still although while despite".split()
)


def has_attribution(text: str) -> bool:
    """True when the text attributes a claim to someone ('X said', 'according to Y')."""
    return bool(ATTRIBUTION.search(text))


def has_negation(text: str) -> bool:
    """True when the text contains a negation."""
    return bool(NEGATION.search(text))
