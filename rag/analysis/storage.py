"""A chunk's claims as a compact JSON string for Chroma metadata (scalars only), and back.

Sentence texts are left out (the chunk holds them: ``text[start - chunk.start:...]``), as are
empty lists and default values; spans stay in the coordinates ``analyse`` gave them (the
article's, like ``Chunk.sentences``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from pydantic import TypeAdapter

from rag.analysis.models import SentenceClaim

_CLAIMS = TypeAdapter(list[SentenceClaim])

CLAIMS_VERSION = 6
"""Changes when the analysis rules do (speakers, figures, places): claims stored under another
version are not read back, so answering analyses those sentences again with the current rules
instead of trusting an older ingest's reading (version 1: the bare list, before versions;
3 adds ``listed``; 4 reads speech tags after a quote and "vingt-trois"; 5 reads partitives, "12 of the
injured", currency signs, "$4.7 million", and "blamed" as a reporting verb; 6 reads a figure
tallied by its verb's object, "put the number of displaced people at 402,167")."""


def dumps_claims(claims: Sequence[SentenceClaim]) -> str:
    """``claims`` as compact JSON (no sentence text, no defaults), tagged with the version."""
    rows = [
        c.model_dump(mode="json", exclude={"text"}, exclude_defaults=True) | {"start": c.start}
        for c in claims
    ]
    return json.dumps({"v": CLAIMS_VERSION, "c": rows}, ensure_ascii=False, separators=(",", ":"))


def loads_claims(data: str, text: str = "", offset: int = 0) -> list[SentenceClaim]:
    """Claims back from :func:`dumps_claims`; sentence texts are cut from ``text`` if given.

    ``offset`` is where ``text`` starts in the claims' coordinates (a chunk's ``start``).
    Claims stored under another :data:`CLAIMS_VERSION` give ``[]``: analyse them again.
    """
    if not data:
        return []
    stored = json.loads(data)
    if not isinstance(stored, dict) or stored.get("v") != CLAIMS_VERSION:
        return []
    rows = stored["c"]
    for row in rows:
        start, end = row["start"] - offset, row["end"] - offset
        row["text"] = text[start:end] if text and 0 <= start <= end <= len(text) else ""
    return _CLAIMS.validate_python(rows)


def claims_within(claims: Sequence[SentenceClaim], start: int, end: int) -> list[SentenceClaim]:
    """The claims of the sentences inside ``[start, end)`` (a chunk's span)."""
    return [c for c in claims if start <= c.start and c.end <= end]
