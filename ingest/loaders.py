"""Read files into :class:`rag.models.Article`.

One loader per format, all producing the same model: text/Markdown (YAML front matter or a
``NAME.meta.yaml`` sidecar), HTML (trafilatura), PDF (pypdf, page offsets kept), DOCX
(python-docx). Record files (JSONL/JSON/CSV) live in :mod:`ingest.records`, URLs and feeds in
:mod:`ingest.web`.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import frontmatter
import yaml

from ingest.dates import iso_date
from ingest.furniture import strip_furniture
from rag.errors import LoadError  # defined with the other errors; still importable from here
from rag.models import Article
from rag.text import plain_text

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
PDF_SUFFIXES = {".pdf"}
DOCX_SUFFIXES = {".docx"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES | DOCX_SUFFIXES
SIDECAR_SUFFIXES = (".meta.yaml", ".meta.yml")
META_FIELDS = ("title", "source", "url", "published", "author")


def yaml_problem(e: yaml.YAMLError) -> str:
    """A YAML error in one line: the problem and where."""
    problem = getattr(e, "problem", None) or str(e).splitlines()[0]
    mark = getattr(e, "problem_mark", None)
    return f"{problem} at line {mark.line + 1}, column {mark.column + 1}" if mark else problem


def is_sidecar(path: Path) -> bool:
    """True for ``NAME.meta.yaml`` metadata files (read with their article, not alone)."""
    return path.name.endswith(SIDECAR_SUFFIXES)


def doc_id_for(key: str | Path) -> str:
    """Stable article ID from a file's absolute path or a URL."""
    text = str(key) if isinstance(key, str) and "://" in key else str(Path(key).resolve())
    try:
        data = text.encode()
    except UnicodeEncodeError:  # bytes the file system holds but UTF-8 cannot write
        raise LoadError(
            "its name is not valid UTF-8 (it was written in another encoding): rename the file"
        ) from None
    return "doc-" + hashlib.sha1(data).hexdigest()[:12]


def _utf16_without_mark(head: bytes) -> str:
    """'utf-16-le' or 'utf-16-be' when ``head`` reads as UTF-16 text without a byte-order mark.

    Latin-script text in UTF-16 has a NUL in every other byte (the high byte); binary data
    has NULs anywhere.
    """
    even, odd = head[0::2], head[1::2]
    if len(head) >= 8 and odd.count(0) >= 0.9 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if len(head) >= 8 and even.count(0) >= 0.9 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return ""


def decode(data: bytes) -> str:
    """Bytes to text: UTF-8 (BOM or not), UTF-16 (BOM, or none when clear), Windows-1252."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        if enc := _utf16_without_mark(data[:4096]):
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                pass
        raise LoadError("binary file, not text: convert it to .txt, .md, .html, .pdf or .docx")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:  # a UTF-16 mark, then bytes that are not UTF-16
            raise LoadError(
                "starts like UTF-16 text but is not (binary?): re-save it as UTF-8 text"
            ) from e
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise LoadError("text is neither UTF-8 nor Windows-1252: re-save the file as UTF-8")


def read_bytes(path: Path, max_mb: float) -> bytes:
    """File contents, refusing files over the size limit."""
    size = path.stat().st_size
    if size > max_mb * 1024 * 1024:
        raise LoadError(
            f"file is {size / 1024 / 1024:.0f} MB, over the {max_mb:g} MB limit: split it or "
            f"raise RAG_INGEST__MAX_FILE_MB"
        )
    return path.read_bytes()


def source_from_url(url: str) -> str:
    """The outlet's host name ('www.' dropped) for an article without a source."""
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.")


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language ('' for very short texts)."""
    if len(text) < 40:
        return ""
    import py3langid

    lang, _score = py3langid.classify(text[:3000])
    return str(lang)


def metadata(raw: dict[str, Any], where: str) -> dict[str, str]:
    """The five metadata fields, normalised; a bad date names ``where`` it came from."""
    meta: dict[str, str] = {}
    for key in META_FIELDS:
        value = raw.get(key)
        if key == "published":
            try:
                meta[key] = iso_date(value)
            except LoadError as e:
                raise LoadError(f"{where}: {e}") from None
        elif isinstance(value, list):
            meta[key] = ", ".join(str(v) for v in value)
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
                raise LoadError(
                    f"metadata sidecar {side.name} is not valid YAML ({yaml_problem(e)})"
                ) from e
            except ValueError as e:  # YAML read "published: 2024-13-45" as a date, and failed
                raise LoadError(
                    f"metadata sidecar {side.name}: a date in it is not a real date ({e}): "
                    "write dates as YYYY-MM-DD"
                ) from e
            if not isinstance(data, dict):
                raise LoadError(f"metadata sidecar {side.name} must be a YAML mapping")
            return data
    return {}


def make_article(
    key: str,
    body: str,
    meta: dict[str, str],
    *,
    path: str,
    fallback_title: str = "",
    strip: bool = True,
    pages: list[int] | None = None,
) -> Article:
    """The article for ``body`` (furniture stripped unless ``strip`` is off) and metadata.

    Text and title are made :func:`~rag.text.plain_text` first (NFC, no invisible characters).
    """
    body = plain_text(body)
    text = strip_furniture(body) if strip else body.strip()
    if pages:  # page offsets count from the text's first character
        lead = len(body) - len(body.lstrip())
        pages = [max(0, p - lead) for p in pages]
    if not text.strip():
        raise LoadError("no article text left after removing page furniture (empty?)")
    title = plain_text(meta.get("title") or fallback_title)
    source = meta.get("source") or source_from_url(meta.get("url", ""))
    payload = json.dumps({"text": text, **meta, "title": title, "source": source}, sort_keys=True)
    return Article(
        doc_id=doc_id_for(key),
        text=text,
        title=title,
        source=source,
        url=meta.get("url", ""),
        published=meta.get("published", ""),
        author=meta.get("author", ""),
        path=path,
        content_hash=hashlib.sha256(payload.encode()).hexdigest(),
        language=detect_language(text),
        pages=pages or [],
    )


def _title_of(path: Path) -> str:
    """A title from a file name: "tinzaouaten-fighting_2024" -> "tinzaouaten fighting 2024"."""
    return " ".join(path.stem.replace("-", " ").replace("_", " ").split())


def load_text(path: Path, max_mb: float = 20.0) -> Article:
    """A .txt/.md file, with optional YAML front matter and/or sidecar metadata."""
    raw = decode(read_bytes(path, max_mb))
    try:
        post = frontmatter.loads(raw)
    except yaml.YAMLError as e:
        raise LoadError(
            f"front matter is not valid YAML ({yaml_problem(e)}): fix or remove the --- block"
        ) from e
    except ValueError as e:  # YAML read "published: 2024-13-45" as a date, and failed
        raise LoadError(
            f"front matter: a date in it is not a real date ({e}): write dates as YYYY-MM-DD"
        ) from e
    merged = {**_sidecar(path), **dict(post.metadata)}
    body = post.content
    if path.suffix.lower() in {".md", ".markdown"}:
        body = re.sub(r"^\s{0,3}#{1,6}\s+", "", body, flags=re.MULTILINE)
    meta = metadata(merged, "front matter")
    return make_article(str(path), body, meta, path=str(path), fallback_title=_title_of(path))


def article_from_html(html: str, *, key: str, path: str, url: str = "") -> Article:
    """Main text and metadata of an HTML page (trafilatura; dates by htmldate)."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        url=url or None,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    if doc is None:
        raise LoadError("no article text found in the HTML (is it a full article page?)")
    found = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    try:  # the page's own date: one that cannot be read is left out, not an error
        found["date"] = iso_date(found.get("date"))
    except LoadError:
        found["date"] = None
    raw = {
        "title": found.get("title"),
        "source": found.get("sitename"),
        "url": found.get("url") or url,
        "published": found.get("date"),
        "author": found.get("author"),
    }
    meta = metadata({k: v for k, v in raw.items() if v}, "HTML metadata")
    return make_article(key, found.get("text") or "", meta, path=path)


def load_html(path: Path, max_mb: float = 20.0) -> Article:
    """An HTML file; a sidecar overrides what the page says of itself."""
    art = article_from_html(decode(read_bytes(path, max_mb)), key=str(path), path=str(path))
    side = _sidecar(path)
    if not side:
        return art
    meta = {
        **{k: getattr(art, k) for k in META_FIELDS},
        **metadata(side, "sidecar"),
    }
    return make_article(str(path), art.text, meta, path=str(path), strip=False)


def _unwrap(page: str) -> str:
    """Join a PDF page's hard-wrapped lines into paragraphs.

    Blank lines and lines ending a sentence keep their breaks.
    """
    lines = [ln.strip() for ln in page.splitlines()]
    out: list[str] = []
    for ln in lines:
        if not ln:
            if out and out[-1]:
                out.append("")
            continue
        if out and out[-1] and not out[-1].endswith((".", "!", "?", ":", "”", '"')):
            prev = out[-1]
            out[-1] = prev[:-1] + ln if prev.endswith("-") and ln[:1].islower() else f"{prev} {ln}"
        else:
            out.append(ln)
    return "\n".join(x for x in out if x)


def load_pdf(path: Path, max_mb: float = 20.0) -> Article:
    """A PDF: text per page, page start offsets kept so citations can name the page."""
    import logging

    import pypdf

    # pypdf logs its repairs of a broken file ("EOF marker not found") without the file's name;
    # what matters is reported as this file's error below
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    data = read_bytes(path, max_mb)
    try:
        import io

        reader = pypdf.PdfReader(io.BytesIO(data))
        # plain per page, so that the page offsets below hold for the article's text
        pages_text = [plain_text(_unwrap(p.extract_text() or "")) for p in reader.pages]
        info: dict[str, Any] = dict(reader.metadata or {})
    except Exception as e:  # pypdf raises many types for broken files
        raise LoadError(f"not a readable PDF ({type(e).__name__}: {e}): re-export it") from e
    text, offsets = "", []
    for page in pages_text:
        if text:
            text += "\n"
        offsets.append(len(text))
        text += page
    if not text.strip():
        raise LoadError("the PDF has no extractable text (scanned?): OCR it first")
    raw = {**{"title": info.get("/Title"), "author": info.get("/Author")}, **_sidecar(path)}
    meta = metadata({k: v for k, v in raw.items() if v}, "PDF metadata")
    return make_article(
        str(path),
        text,
        meta,
        path=str(path),
        fallback_title=_title_of(path),
        strip=False,
        pages=offsets,
    )


def load_docx(path: Path, max_mb: float = 20.0) -> Article:
    """A Word document: paragraphs and core properties."""
    import docx

    data = read_bytes(path, max_mb)
    try:
        import io

        document = docx.Document(io.BytesIO(data))
    except Exception as e:
        raise LoadError(f"not a readable .docx ({type(e).__name__}): re-save it from Word") from e
    body = "\n".join(p.text for p in document.paragraphs if p.text.strip())
    props = document.core_properties
    raw = {
        "title": props.title,
        "author": props.author,
        "published": props.created,
        **_sidecar(path),
    }
    meta = metadata({k: v for k, v in raw.items() if v}, "document properties")
    return make_article(str(path), body, meta, path=str(path), fallback_title=_title_of(path))


def load_file(path: Path, max_mb: float = 20.0) -> Article:
    """One article from a .txt/.md/.html/.pdf/.docx file (dispatch on the suffix)."""
    suffix = path.suffix.lower()
    loaders = {
        **dict.fromkeys(TEXT_SUFFIXES, load_text),
        **dict.fromkeys(HTML_SUFFIXES, load_html),
        **dict.fromkeys(PDF_SUFFIXES, load_pdf),
        **dict.fromkeys(DOCX_SUFFIXES, load_docx),
    }
    loader = loaders.get(suffix)
    if loader is None:
        raise LoadError(f"unsupported file type {suffix!r}: use .txt, .md, .html, .pdf or .docx")
    try:
        return loader(path, max_mb)
    except OSError as e:
        raise LoadError(f"cannot read the file ({e.strerror or e})") from e
