"""The corpus's list of news sources (``corpus/sources.yaml``): feeds and pages to refresh.

The file is a mapping with one key, ``sources``, a list of entries::

    sources:
      - outlet: RFI Afrique                      # the name articles are filed under
        url: https://www.rfi.fr/fr/afrique/rss
        language: fr                             # en or fr
        kind: feed                               # feed (RSS/Atom, default) or page (one article)
        every: 6h                                # refresh interval: 30m, 6h, 1d (default 6h)

Each entry is checked on its own: a wrong one is reported with the file, its number and the
field, and the others still run.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlparse

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from ingest.loaders import LoadError, decode, read_bytes, yaml_problem

SOURCES_NAMES = ("sources.yaml", "sources.yml")
MIN_EVERY = 60.0  # seconds: no source is refreshed more than once a minute
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def is_sources_list(path: Path) -> bool:
    """True for ``sources.yaml``: a list of feeds (``--sources``), not an article."""
    return path.name.lower() in SOURCES_NAMES


def parse_interval(value: Any) -> float:
    """Seconds in an interval written as a number and a unit: ``90s``, ``30m``, ``6h``, ``1d``."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*", str(value)) if value is not None else None
    if m is None or isinstance(value, bool):
        hint = " (a bare number has no unit)" if isinstance(value, int | float) else ""
        raise ValueError(
            f"{value!r} is not an interval{hint}: write a number and a unit, e.g. 30m, 6h or 1d"
        )
    seconds = float(m.group(1)) * _UNITS[m.group(2)]
    if seconds < MIN_EVERY:
        raise ValueError(f"{value!r} is shorter than 1m: refresh a source at most once a minute")
    return seconds


def format_interval(seconds: float) -> str:
    """``21600`` -> ``'6h'``: the largest unit that divides it."""
    for unit in ("d", "h", "m"):
        if seconds % _UNITS[unit] == 0:
            return f"{int(seconds // _UNITS[unit])}{unit}"
    return f"{seconds:g}s"


class Source(BaseModel):
    """One feed or page of ``sources.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    outlet: str = Field(min_length=1, description="Outlet name; articles are filed under it.")
    url: str = Field(description="http(s) URL of the RSS/Atom feed or the page.")
    language: Literal["en", "fr"] = Field(description="The language the source publishes in.")
    kind: Literal["feed", "page"] = Field("feed", description="feed: RSS/Atom; page: one page.")
    every: Annotated[float, BeforeValidator(parse_interval)] = Field(
        6 * 3600.0, description="Seconds between two refreshes (written 30m, 6h, 1d)."
    )

    @field_validator("outlet")
    @classmethod
    def _outlet_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is blank: name the outlet")
        return value.strip()

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parsed = urlparse(value.strip())
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(f"{value!r} is not an http(s) URL: write it as https://host/path")
        return value.strip()


def _field_problem(err: Any) -> str:
    """One pydantic error as 'field 'name': what is wrong and what to write'."""
    name = ".".join(str(x) for x in err["loc"]) or "entry"
    kind, got = err["type"], err.get("input")
    if kind == "missing":
        what = "missing: add it"
    elif kind == "extra_forbidden":
        what = f"unknown field: the fields are {', '.join(Source.model_fields)}"
    elif kind == "literal_error":
        allowed = err.get("ctx", {}).get("expected", "")
        what = f"{got!r} is not allowed: write {allowed}"
    elif kind == "value_error":
        what = str(err["msg"]).removeprefix("Value error, ")
    else:
        what = f"{got!r}: {err['msg']}"
    return f"field {name!r}: {what}"


def load_sources(path: Path) -> tuple[list[Source], list[str]]:
    """The valid entries of a sources file, and one message per wrong entry and field.

    Raises:
        LoadError: the file cannot be read, is not YAML, or holds no ``sources`` list.
    """
    try:
        raw = yaml.safe_load(decode(read_bytes(path, 5.0)))
    except OSError as e:
        raise LoadError(f"{path}: cannot read the sources list ({e.strerror or e})") from e
    except yaml.YAMLError as e:
        raise LoadError(f"{path}: not valid YAML ({yaml_problem(e)})") from e
    entries = raw.get("sources") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise LoadError(f"{path}: expected a mapping with a 'sources:' list of entries")
    sources: list[Source] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for n, entry in enumerate(entries, 1):
        outlet = entry.get("outlet") if isinstance(entry, dict) else None
        where = f"{path}: entry {n}" + (f" ({outlet})" if isinstance(outlet, str) else "")
        if not isinstance(entry, dict):
            problems.append(f"{where}: not a mapping: give outlet, url, language, kind, every")
            continue
        try:
            source = Source.model_validate(entry)
        except ValidationError as e:
            problems += [f"{where}: {_field_problem(err)}" for err in e.errors()]
            continue
        if source.url in seen:
            problems.append(f"{where}: field 'url': the same URL as entry {seen[source.url]}")
            continue
        seen[source.url] = n
        sources.append(source)
    return sources, problems
