"""Read files into :class:`rag.models.Article`.

Text/Markdown (YAML front matter or a ``NAME.meta.yaml`` sidecar) and HTML (trafilatura).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from ingest.furniture import strip_furniture
from rag.models import Article

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES
SIDECAR_SUFFIXES = (".meta.yaml", ".meta.yml")
META_FIELDS = ("title", "source", "url", "published", "author")
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1")


class LoadError(Exception):
    """A file could not be turned into an article; the message says why and what to do."""


def is_sidecar(path: Path) -> bool:
    """True for ``NAME.meta.yaml`` metadata files (read with their article, not alone)."""
    return path.name.endswith(SIDECAR_SUFFIXES)


def doc_id_for(path: Path) -> str:
    """Stable article ID from the file's absolute path."""
    return "doc-" + hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:12]


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise LoadError("binary file, not text: convert it to .txt, .md or .html")
    for enc in ENCODINGS[:-1]:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode(ENCODINGS[-1])


def _iso_date(value: Any) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        return m.group(0)
    m = re.match(r"^(\d{4})-(\d{2})$", text)
    if m:
        return text
    raise LoadError(f"'published' is {text!r}: write it as YYYY-MM-DD")


def _metadata(raw: dict[str, Any], where: str) -> dict[str, str]:
    meta: dict[str, str] = {}
    for key in META_FIELDS:
        value = raw.get(key)
        if key == "published":
            try:
                meta[key] = _iso_date(value)
            except LoadError as e:
                raise LoadError(f"{where}: {e}") from None
        else:
            meta[key] = "" if value is None else str(value).strip()
    return meta


def _sidecar(path: Path) -> dict[str, Any]:
    for suffix in SIDECAR_SUFFIXES:
        side = path.with_name(path.stem + suffix)
        if side.exists():
            try:
                data = yaml.safe_load(side.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as e:
                raise LoadError(f"metadata sidecar {side.name} is not valid YAML ({e})") from e
            if not isinstance(data, dict):
                raise LoadError(f"metadata sidecar {side.name} must be a YAML mapping")
            return data
    return {}


def _finish(path: Path, body: str, meta: dict[str, str]) -> Article:
    text = strip_furniture(body)
    if not text.strip():
        raise LoadError("no article text left after removing page furniture (empty file?)")
    title = meta.get("title") or path.stem.replace("-", " ").replace("_", " ")
    payload = json.dumps({"text": text, **meta, "title": title}, sort_keys=True)
    return Article(
        doc_id=doc_id_for(path),
        text=text,
        title=title,
        source=meta.get("source", ""),
        url=meta.get("url", ""),
        published=meta.get("published", ""),
        author=meta.get("author", ""),
        path=str(path),
        content_hash=hashlib.sha256(payload.encode()).hexdigest(),
    )


def load_text(path: Path) -> Article:
    """A .txt/.md file, with optional YAML front matter and/or sidecar metadata."""
    raw = _read_text(path)
    try:
        post = frontmatter.loads(raw)
    except yaml.YAMLError as e:
        raise LoadError(f"front matter is not valid YAML ({e}): fix or remove the --- block") from e
    front = dict(post.metadata)
    merged = {**_sidecar(path), **front}
    body = post.content
    if path.suffix.lower() in {".md", ".markdown"}:
        body = re.sub(r"^\s{0,3}#{1,6}\s+", "", body, flags=re.MULTILINE)
    return _finish(path, body, _metadata(merged, "front matter"))


def load_html(path: Path) -> Article:
    """An HTML page: main text and metadata extracted by trafilatura."""
    import trafilatura

    html = _read_text(path)
    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
    )
    if doc is None:
        raise LoadError("no article text found in the HTML (is it a full article page?)")
    found = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = found.get("text") or ""
    meta_raw = {
        "title": found.get("title"),
        "source": found.get("sitename") or found.get("hostname"),
        "url": found.get("url"),
        "published": found.get("date"),
        "author": found.get("author"),
    }
    merged = {**{k: v for k, v in meta_raw.items() if v}, **_sidecar(path)}
    return _finish(path, text, _metadata(merged, "HTML metadata"))


def load_file(path: Path) -> Article:
    """Dispatch on the file suffix."""
    suffix = path.suffix.lower()
    try:
        if suffix in TEXT_SUFFIXES:
            return load_text(path)
        if suffix in HTML_SUFFIXES:
            return load_html(path)
    except OSError as e:
        raise LoadError(f"cannot read the file ({e.strerror or e})") from e
    raise LoadError(f"unsupported file type {suffix!r}: use .txt, .md or .html")
