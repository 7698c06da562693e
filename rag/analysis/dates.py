"""Dates found with the month, weekday and relative-day names ``dateparser`` knows.

Each is resolved by ``dateparser`` against the article's publication date.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import cache, lru_cache

from dateparser.date import DateDataParser
from dateparser.languages import default_loader
from spacy.tokens import Doc, Token

from rag.analysis.models import DateMention, Precision

_MONTHS = (
    "january february march april may june july august september october november december"
).split()
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_UNITS = {"day", "week", "month", "year"}


@cache
def _names(language: str) -> tuple[frozenset[str], frozenset[str], re.Pattern[str]]:
    """Month names, weekday names and a pattern of relative-day phrases, from dateparser's data."""
    info = default_loader.get_locale(language).info
    # Short forms ("mar", "sun", "lu") and "sept" (seven in French) are too ambiguous in prose.
    months = frozenset(n.lower() for k in _MONTHS for n in info[k] if len(n) >= 4 and n != "sept")
    # ... but "Oct." with its full stop is a month
    months |= frozenset(n.lower() + "." for k in _MONTHS for n in info[k] if len(n) >= 3)
    weekdays = frozenset(n.lower() for k in _WEEKDAYS for n in info[k] if len(n) >= 4)
    phrases = [
        p
        for key, values in info.get("relative-type", {}).items()
        if key.split()[1] in _UNITS
        for p in values
    ]
    phrases.sort(key=len, reverse=True)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b", re.I)
    return months, weekdays, pattern


@lru_cache(maxsize=64)
def _parser(language: str, base: date) -> DateDataParser:
    settings = {
        "RELATIVE_BASE": datetime(base.year, base.month, base.day),
        "PREFER_DATES_FROM": "past",  # a report tells what happened: "Thursday" is the last one
        "PREFER_DAY_OF_MONTH": "first",
    }
    return DateDataParser(languages=[language], settings=settings)


@lru_cache(maxsize=8192)
def resolve(text: str, language: str, base: date) -> tuple[date, str] | None:
    """``text`` as a date and dateparser's period ('day', 'week', 'month', 'year'), or None."""
    data = _parser(language, base).get_date_data(text)
    if data.date_obj is None:
        return None
    return data.date_obj.date(), str(data.period or "day")


def _kind(tok: Token, language: str) -> str:
    """W weekday, M month, Y year, D day-of-month candidate, C comma, O other."""
    months, weekdays, _ = _names(language)
    low = tok.lower_ if tok.lower_ in months else tok.lower_.rstrip(".")
    if low in months and (low != "may" or tok.pos_ == "PROPN"):
        return "M"
    if low in weekdays:
        return "W"
    if re.fullmatch(r"(1[89]|20)\d\d", tok.text):
        return "Y"
    if re.fullmatch(r"\d{1,2}(er|st|nd|rd|th)?", low) and 1 <= int(re.match(r"\d+", low)[0]) <= 31:  # type: ignore[index]
        return "D"
    return "C" if tok.text == "," else "O"


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
    doc: Doc, language: str, published: date | None, *, offset: int = 0
) -> tuple[list[DateMention], set[int]]:
    """The dates of a parsed sentence and the indices of their tokens (not figures)."""
    found: list[DateMention] = []
    used: set[int] = set()
    spans = [
        (g[0].idx, g[-1].idx + len(g[-1].text), {_kind(t, language) for t in g})
        for g in _groups(doc, language)
    ]
    spans += [(m.start(), m.end(), {"R"}) for m in _names(language)[2].finditer(doc.text)]
    for start, end, kinds in sorted(spans):
        text = doc.text[start:end]
        relative = "Y" not in kinds
        iso: str | None = None
        precision = _precision("day", kinds)
        base = published or date.today()
        got = resolve(text, language, base) if (published or not relative) else None
        if got is not None:
            day, period = got
            precision = _precision(period, kinds)
            if kinds == {"W"} and published and day == published - timedelta(days=7):
                day = published  # "on Saturday" in Saturday's report is that day
            iso = _iso(day, precision)
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
