"""What refreshing the corpus's sources left behind: one :class:`SourceState` per source URL.

Kept in ``<home>/sources.json``: written by ``python -m ingest --sources`` after each source's
new articles are indexed (atomically: temp file, fsync, rename), read by the UI's corpus tab.
A crash at any moment loses nothing: at worst a source is refreshed again and its entries are
found already indexed.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from rag.errors import InputError
from rag.index.manifest import atomic_write

STATE_FILE = "sources.json"
STATE_VERSION = 1
Result = Literal["new", "unchanged", "not modified", "error"]


class SeenEntry(BaseModel):
    """A feed entry (or page) already indexed: the hash of what the source said, its article."""

    hash: str
    doc_id: str = ""


class SourceState(BaseModel):
    """One source's validators, schedule, last result and the entries it has already given."""

    url: str
    outlet: str = ""
    language: str = ""
    kind: str = "feed"
    etag: str = Field("", description="ETag of the last complete refresh (If-None-Match).")
    last_modified: str = Field("", description="Its Last-Modified (If-Modified-Since).")
    last_refresh: dt.datetime | None = Field(None, description="When the last attempt ended.")
    result: Result | None = None
    new_articles: int = Field(0, description="Articles the last refresh indexed.")
    seconds: float = Field(0.0, description="How long the last refresh took.")
    error: str = Field("", description="Why the last refresh failed ('' when it did not).")
    problems: list[str] = Field(
        default_factory=list, description="Entries the last refresh could not read."
    )
    failures: int = Field(0, description="Failed refreshes in a row (the backoff's exponent).")
    next_refresh: dt.datetime | None = Field(
        None, description="Not before: the interval after a success, the backoff after a failure."
    )
    seen: dict[str, SeenEntry] = Field(
        default_factory=dict, description="Entry id or link -> what was indexed for it."
    )


class _StateFile(BaseModel):
    version: int = STATE_VERSION
    sources: dict[str, SourceState] = Field(default_factory=dict)


def state_path(home: Path) -> Path:
    """Where the sources' state lives under the index home."""
    return Path(home) / STATE_FILE


def read_source_states(home: Path) -> dict[str, SourceState]:
    """Every source's state by URL ({} before the first refresh).

    Raises:
        InputError: the file is not a state file (edited by hand?); it says how to recover.
    """
    path = state_path(home)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    try:
        return _StateFile.model_validate(json.loads(text)).sources
    except (ValueError, ValidationError) as e:
        raise InputError(
            f"{path} is not a sources state file ({type(e).__name__}): delete it; the next "
            "'python -m ingest --sources' refreshes every source again and finds the articles "
            "already indexed"
        ) from e


def write_source_states(home: Path, states: dict[str, SourceState]) -> None:
    """Replace the state file atomically (a reader sees the old file or the new, never half)."""
    data = _StateFile(sources=states).model_dump_json(indent=1)
    atomic_write(state_path(home), data)
