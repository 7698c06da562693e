"""Text normalisation for grading answers against gold strings (English and French news).

``normalise`` puts an answer and a gold string in the same form, so that one is searched in the
other with :func:`contains`:

- case folded, accents removed ("Ménaka" = "Menaka"), curly apostrophes straightened, quote
  marks (“ ” « » ") and hyphens turned into spaces, whitespace collapsed;
- thousands separators dropped: "1,200" = "1 200" (also no-break spaces) = "1200"; a
  separator counts only before a group of exactly three digits that the first group (1 to 3
  digits) starts ("2024 500" is left alone);
- a decimal comma becomes a point: "2,5 milliards" = "2.5 milliards";
- ordinal suffixes dropped: "14th" = "14", "1er" = "1";
- number words in English and French become digits: "forty-seven" = "quarante-sept" = "47",
  "vingt et un" = "21", "quatre-vingt-dix" = "90", "two thousand" = "2000". A lone "one",
  "un", "une" (also articles), "hundred" or "cent" ("per cent", "pour cent") is left as a word,
  and so are "million", "billion", "milliard": "2 million" and "two million" both read
  "2 million". Approximate words ("dozens", "une quarantaine", "dizaine") stay words.

:func:`contains` needs a digit at either end of the needle to stand clear of other digits: "21"
is not found in "2021" nor in "21.5", but "recruit" is found in "recruiting".
"""

from __future__ import annotations

import re
import unicodedata

_UNITS = {
    # English
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
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    # French (accents are already removed)
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
    "vingt": 20,
    "vingts": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    "septante": 70,
    "huitante": 80,
    "octante": 80,
    "nonante": 90,
}
_HUNDRED = {"hundred", "cent", "cents"}
_THOUSAND = {"thousand", "mille"}
_CONNECTORS = {"and", "et"}
_TENS_FR = {"vingt", "trente", "quarante", "cinquante", "soixante"}
# Alone, these are rarely the number (articles, "per cent", "a hundred"): left as words.
_NOT_ALONE = {"one", "un", "une", "hundred", "cent", "cents", "thousand"}
_NUMBER_WORD = set(_UNITS) | _HUNDRED | _THOUSAND

_QUOTES = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "“": " ",
        "”": " ",
        "„": " ",
        "«": " ",
        "»": " ",
        '"': " ",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "‐": "-",
        "‑": "-",
        "–": "-",
        "—": "-",
    }
)
_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3})((?:[, ]\d{3})+)(?![\d])(?!,\d)(?!\.\d)")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th|er|re|eme|e)\b")
_TOKEN = re.compile(r"\S+")


def fold(text: str) -> str:
    """Lower case, no accents, straight apostrophes, no quote marks, one space between words."""
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().split())


def _join_thousands(m: re.Match[str]) -> str:
    return m.group(1) + re.sub(r"[, ]", "", m.group(2))


def parse_number_words(tokens: list[str]) -> int | None:
    """The integer written by ``tokens`` (number words, maybe "and"/"et"), or None."""
    words = [t for t in tokens if t not in _CONNECTORS]
    if not words or any(w not in _NUMBER_WORD for w in words):
        return None
    if len(words) == 1 and words[0] in _NOT_ALONE:
        return None
    total = current = 0
    previous = ""
    for w in words:
        if w in _UNITS:
            value = _UNITS[w]
            if w in ("vingt", "vingts") and previous == "quatre":
                current += 80 - 4  # quatre-vingt(s): 4 x 20
            else:
                current += value
        elif w in _HUNDRED:
            current = max(current, 1) * 100
        else:  # thousand / mille
            total += max(current, 1) * 1000
            current = 0
        previous = w
    return total + current


def _joins(before: str, word: str, after: str) -> bool:
    """A connector inside a number: "vingt et un", "soixante et onze", "one hundred and five".

    Not "deux et trois" nor "two and three": those are two numbers.
    """
    if word == "et":
        return before in _TENS_FR and after in ("un", "une", "onze")
    return word == "and" and before in _HUNDRED | _THOUSAND and after in _UNITS


def _number_words_to_digits(text: str) -> str:
    """Replace each maximal run of number words (hyphens already spaces) by its digits."""
    tokens = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i] not in _NUMBER_WORD:
            out.append(tokens[i])
            i += 1
            continue
        j = i
        while j < len(tokens) and (
            tokens[j] in _NUMBER_WORD
            or (j > i and j + 1 < len(tokens) and _joins(tokens[j - 1], tokens[j], tokens[j + 1]))
        ):
            j += 1
        value = parse_number_words(tokens[i:j])
        out.append(str(value) if value is not None else " ".join(tokens[i:j]))
        i = j
    return " ".join(out)


def normalise(text: str) -> str:
    """The comparable form of ``text`` (see the module docstring)."""
    text = fold(text)
    text = _THOUSANDS.sub(_join_thousands, text)
    text = _DECIMAL_COMMA.sub(".", text)
    text = _ORDINAL.sub(r"\1", text)
    # hyphens between words are spaces ("forty-seven", "al-Tarki"); keep a minus before digits
    text = re.sub(r"(?<=\w)-(?=\w)", " ", text)
    text = " ".join(text.split())
    return _number_words_to_digits(text)


def contains(haystack: str, needle: str) -> bool:
    """``needle`` in ``haystack``, both already normalised; digits at its ends stand clear."""
    if not needle:
        return False
    before = r"(?<![\d.])" if needle[0].isdigit() else ""
    after = r"(?!\.?\d)" if needle[-1].isdigit() else ""
    return re.search(before + re.escape(needle) + after, haystack) is not None


def words_in(text: str) -> int:
    """Words in an answer, not counting ``[n]`` citation markers or punctuation alone."""
    text = re.sub(r"\[\d+\]", " ", text)
    return sum(1 for t in _TOKEN.findall(text) if any(c.isalnum() for c in t))
