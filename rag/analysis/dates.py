"""Dates found with the month, weekday and relative-day names ``dateparser`` knows.

Each is resolved by ``dateparser`` against the article's publication date.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import cache, lru_cache
from typing import NamedTuple

from dateparser.date import DateDataParser
from dateparser.languages import default_loader
from spacy.tokens import Doc, Token

from rag.analysis.models import DateMention, Precision

_MONTHS = (
    "january february march april may june july august september october november december"
).split()
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_UNITS = {"day", "week", "month", "year"}


class _Names(NamedTuple):
    months: frozenset[str]
    short: frozenset[str]  # short month names ("aug", "déc"): months only before a day ("Aug 22")
    weekdays: dict[str, int]  # name -> Monday 0 ... Sunday 6
    relative: dict[str, tuple[int, str]]  # "la semaine dernière" -> (-1, "week")
    pattern: re.Pattern[str]  # the relative phrases, longest first


@cache
def _names(language: str) -> _Names:
    """Month, weekday and relative-day names of ``language``, from dateparser's locale data."""
    info = default_loader.get_locale(language).info
    # Short forms ("mar", "sun", "lu") and "sept" (seven in French) are too ambiguous in prose.
    # The full name is the longest form ("may", "mai" are only three letters).
    months = frozenset(
        n.lower()
        for k in _MONTHS
        for n in info[k]
        if (len(n) >= 4 or n == max(info[k], key=len)) and n != "sept"
    )
    # ... but "Oct." with its full stop is a month
    months |= frozenset(n.lower() + "." for k in _MONTHS for n in info[k] if len(n) >= 3)
    short = frozenset(n.lower() for k in _MONTHS for n in info[k] if len(n) >= 3) - months
    weekdays = {n.lower(): i for i, k in enumerate(_WEEKDAYS) for n in info[k] if len(n) >= 4}
    relative: dict[str, tuple[int, str]] = {}
    for key, values in info.get("relative-type", {}).items():
        m = re.fullmatch(r"(in )?(\d+) (\w+)( ago)?", key)  # "1 week ago", "in 1 day"
        if m and m[3] in _UNITS:
            relative |= {v.lower(): (int(m[2]) * (1 if m[1] else -1), m[3]) for v in values}
    phrases = sorted(relative, key=len, reverse=True)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b", re.I)
    return _Names(months, short, weekdays, relative, pattern)


@cache
def _parser(language: str) -> DateDataParser:
    # One parser per language (building one compiles many patterns): years missing from the
    # text are filled in from the publication date before parsing, see ``_absolute``.
    return DateDataParser(languages=[language], settings={"PREFER_DAY_OF_MONTH": "first"})


@lru_cache(maxsize=8192)
def resolve(text: str, language: str) -> tuple[date, str] | None:
    """``text`` as a date and dateparser's period ('day', 'week', 'month', 'year'), or None."""
    data = _parser(language).get_date_data(text)
    if data.date_obj is None:
        return None
    return data.date_obj.date(), str(data.period or "day")


AHEAD_DAYS = 92
"""How far after its article a day written without its year may lie (a quarter)."""


def _absolute(
    text: str, language: str, base: date | None, has_year: bool, ahead: bool = False
) -> tuple[date, str] | None:
    """A written date; without its year, the latest one not after ``base``.

    With ``ahead``, a day of a month ("June 29") up to :data:`AHEAD_DAYS` after ``base`` is
    taken when nearer than the one before: a report of 21 May on elections "due on June 29"
    means five weeks later, not eleven months before.
    """
    if has_year:
        return resolve(text, language)
    if base is None:
        return None
    got = resolve(f"{text} {base.year}", language)
    if got is not None and got[0] > base:
        before = resolve(f"{text} {base.year - 1}", language)
        soon = got[0] - base <= timedelta(days=AHEAD_DAYS)
        if not (ahead and soon and got[1] == "day" and before and got[0] - base < base - before[0]):
            got = before
    return got


def _shift(base: date, n: int, unit: str) -> date:
    """``base`` moved by ``n`` days, weeks, months (to the 1st) or years (to 1 January)."""
    if unit == "day":
        return base + timedelta(days=n)
    if unit == "week":
        return base + timedelta(weeks=n)
    months = base.year * 12 + base.month - 1 + (n if unit == "month" else 12 * n)
    return date(months // 12, months % 12 + 1, 1)


def _kind(tok: Token, language: str) -> str:
    """W weekday, M month, Y year, D day-of-month candidate, C comma, O other."""
    names = _names(language)
    months, weekdays = names.months, names.weekdays
    low = tok.lower_ if tok.lower_ in months else tok.lower_.rstrip(".")
    if low in months and (low != "may" or tok.pos_ == "PROPN"):
        return "M"
    if low in names.short:  # a dateline's "Aug 22", "12 déc 2024"
        nxt = tok.nbor() if tok.i + 1 < len(tok.doc) else None
        prev = tok.nbor(-1) if tok.i > 0 else None
        if (tok.text[:1].isupper() and nxt is not None and _day(nxt.text)) or (
            prev is not None and _day(prev.text)
        ):
            return "M"
    if low in weekdays:
        return "W"
    if re.fullmatch(r"(1[89]|20)\d\d", tok.text):
        return "Y"
    if _day(low):
        return "D"
    return "C" if tok.text == "," else "O"


def _day(text: str) -> bool:
    """A day of the month: "22", "1er", "3rd"."""
    m = re.fullmatch(r"(\d{1,2})(er|st|nd|rd|th)?", text.lower())
    return m is not None and 1 <= int(m[1]) <= 31


def _groups(doc: Doc, language: str) -> list[list[Token]]:
    """Runs of date tokens ("jeudi 1er août 2024", "March 12, 2024", "Thursday", "2012")."""
    kinds = [_kind(t, language) for t in doc]
    groups: list[list[Token]] = []
    current: list[Token] = []
    for tok, kind in zip(doc, kinds, strict=True):
        near_month = any(
            0 <= k < len(doc) and kinds[k] == "M" for k in (tok.i - 1, tok.i + 1, tok.i + 2)
        )
        keep = kind in {"W", "M", "Y"} or (kind == "D" and near_month) or (kind == "C" and current)
        if keep:
            current.append(tok)
        else:
            groups.append(current)
            current = []
    groups.append(current)
    out = []
    for g in groups:
        while g and g[-1].text == ",":
            g = g[:-1]
        if g:
            out.append(g)
    return out


def _precision(period: str, kinds: set[str]) -> Precision:
    if kinds == {"Y"}:
        return "year"
    if "M" in kinds and not kinds & {"D", "W"}:
        return "month"
    return period if period in {"day", "week", "month", "year"} else "day"  # type: ignore[return-value]


def _iso(day: date, precision: Precision) -> str:
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if precision == "week":
        day -= timedelta(days=day.weekday())  # the week's Monday
    return day.isoformat()


def dates(
    doc: Doc, language: str, published: date | None, *, offset: int = 0, ahead: bool = False
) -> tuple[list[DateMention], set[int]]:
    """The dates of a parsed sentence and the indices of their tokens (not figures).

    ``ahead``: a day of a month without its year may lie after ``published`` (an article's
    "due on June 29"); a question's dates never do ("since June 29" is past).
    """
    found: list[DateMention] = []
    used: set[int] = set()
    spans = [
        (g[0].idx, g[-1].idx + len(g[-1].text), {_kind(t, language) for t in g})
        for g in _groups(doc, language)
    ]
    names = _names(language)
    spans += [(m.start(), m.end(), {"R"}) for m in names.pattern.finditer(doc.text)]
    for start, end, kinds in sorted(spans):
        text = doc.text[start:end]
        relative = "Y" not in kinds
        precision = _precision("day", kinds)
        got: tuple[date, str] | None = None
        if kinds == {"R"} and published:
            n, unit = names.relative[text.lower()]
            got = _shift(published, n, unit), unit
        elif kinds == {"W"} and published:  # the last such day: "on Thursday" is in the past
            wd = names.weekdays[text.lower()]
            got = published - timedelta(days=(published.weekday() - wd) % 7), "day"
        elif kinds != {"W"} and kinds != {"R"}:
            got = _absolute(text, language, published, has_year=not relative, ahead=ahead)
        iso = None
        if got is not None:
            precision = _precision(got[1], kinds)
            iso = _iso(got[0], precision)
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            used.update(range(span.start, span.end))
        found.append(
            DateMention(
                text=text,
                start=offset + start,
                end=offset + end,
                iso=iso,
                precision=precision,
                relative=relative,
            )
        )
    return found, used
