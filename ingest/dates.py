"""Publication dates as people and pages write them, read without making any part up."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from rag.errors import LoadError


def iso_date(value: Any) -> str:
    """A date as YYYY-MM-DD, or YYYY-MM when only the month is written ('' when missing).

    What is not a real date ('2024-13-45'), has no year or month ('Tuesday', '2024') or reads
    two ways ('12/03/2024') is an error: no part of a date is ever made up.
    """
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    fix = "write it as YYYY-MM-DD"
    if isinstance(value, bool | int | float):
        raise LoadError(f"'published' is {text!r}, not a date: {fix}")
    m = re.match(r"^(\d{4})-(\d{2})(?:-(\d{2}))?(?=$|[T\s])", text)
    if m:
        year, month, day = m.groups()
        try:
            dt.date(int(year), int(month), int(day or 1))
        except ValueError:
            raise LoadError(f"'published' is {text!r}, not a real date: {fix}") from None
        return m.group(0)
    numbers = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
    if numbers and numbers[1] != numbers[2] and max(int(numbers[1]), int(numbers[2])) <= 12:
        raise LoadError(
            f"'published' is {text!r}, which reads as two dates (day or month first): {fix}"
        )
    from dateutil import parser

    try:  # parsed twice with different defaults: a part that differs was not written
        one = parser.parse(text, default=dt.datetime(2000, 1, 1))
        two = parser.parse(text, default=dt.datetime(2001, 2, 2))
    except (ValueError, OverflowError):
        return _written_date(text)  # "30 juillet 2024"
    if one.year != two.year or one.month != two.month:
        raise LoadError(f"'published' is {text!r}, which has no year or no month: {fix}")
    return one.date().isoformat() if one.day == two.day else f"{one.year:04d}-{one.month:02d}"


def _written_date(text: str) -> str:
    """A date written in words in French or English ("30 juillet 2024", "juillet 2024")."""
    import dateparser

    for parts, shown in ((["day", "month", "year"], "%Y-%m-%d"), (["month", "year"], "%Y-%m")):
        settings = {"REQUIRE_PARTS": parts, "DATE_ORDER": "DMY", "PARSERS": ["absolute-time"]}
        found = dateparser.parse(text, languages=["fr", "en"], settings=settings)
        if found is not None:
            return found.strftime(shown)
    raise LoadError(f"'published' is {text!r}: write it as YYYY-MM-DD")
