"""Record files holding one article per record: JSONL, JSON and CSV.

JSON may be a list of objects or ``{"articles": [...]}``. Field names are configurable
(``RAG_INGEST__TEXT_FIELDS`` etc.).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ingest.loaders import LoadError, decode, make_article, metadata, read_bytes
from rag.models import Article
from rag.settings import IngestSettings

RECORD_SUFFIXES = {".jsonl", ".ndjson", ".json", ".csv"}


def _first(record: dict[str, Any], names: list[str]) -> Any:
    lowered = {str(k).lower(): v for k, v in record.items()}
    for name in names:
        value = lowered.get(name.lower())
        if value not in (None, ""):
            return value
    return None


def _records(path: Path, text: str) -> Iterator[tuple[str, dict[str, Any] | str]]:
    """(where, record) pairs; a record that cannot be parsed is (where, error message)."""
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                yield f"line {n}", f"not JSON ({e.msg} at column {e.colno}): fix or delete the line"
                continue
            yield f"line {n}", rec if isinstance(rec, dict) else "not a JSON object"
    elif suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise LoadError(f"not valid JSON ({e.msg}, line {e.lineno}): fix the file") from e
        if isinstance(data, dict):
            data = data.get("articles") or data.get("items") or [data]
        if not isinstance(data, list):
            raise LoadError('expected a list of articles or {"articles": [...]}')
        for n, rec in enumerate(data, 1):
            yield f"record {n}", rec if isinstance(rec, dict) else "not a JSON object"
    else:
        reader = csv.DictReader(io.StringIO(text))
        for n, row in enumerate(reader, 2):
            yield f"row {n}", dict(row)


def load_records(path: Path, settings: IngestSettings) -> tuple[list[Article], list[str]]:
    """(articles, per-record errors) of a record file; a file-level problem raises LoadError."""
    text = decode(read_bytes(path, settings.max_file_mb))
    if path.suffix.lower() == ".csv":
        header = next(csv.reader(io.StringIO(text)), [])
        if not {h.lower() for h in header} & {f.lower() for f in settings.text_fields}:
            raise LoadError(
                f"CSV has no text column (columns: {', '.join(header) or 'none'}; expected one of "
                f"{', '.join(settings.text_fields)}): rename it or set RAG_INGEST__TEXT_FIELDS"
            )
    articles: list[Article] = []
    errors: list[str] = []
    for where, rec in _records(path, text):
        if isinstance(rec, str):
            errors.append(f"{where}: {rec}")
            continue
        body = _first(rec, settings.text_fields)
        if not body or not str(body).strip():
            errors.append(f"{where}: no text (expected one of {', '.join(settings.text_fields)})")
            continue
        raw = {
            "title": _first(rec, settings.title_fields),
            "url": _first(rec, settings.url_fields),
            "published": _first(rec, settings.published_fields),
            "source": _first(rec, settings.source_fields),
            "author": _first(rec, settings.author_fields),
        }
        try:
            meta = metadata(raw, where)
            key = meta["url"] or f"{path.resolve()}#{where}"
            articles.append(make_article(key, str(body), meta, path=f"{path}#{where}"))
        except LoadError as e:
            errors.append(f"{where}: {e}" if not str(e).startswith(where) else str(e))
    return articles, errors
