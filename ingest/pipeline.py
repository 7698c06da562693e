"""Ingest files, folders, URLs and feeds: load, clean, de-duplicate, chunk, embed, store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ingest.loaders import SUFFIXES, LoadError, is_sidecar, load_file
from ingest.records import RECORD_SUFFIXES, load_records
from ingest.sources import is_sources_list
from ingest.web import FEED_SUFFIXES, is_url, load_feed_file, load_url
from rag.embeddings import TextEncoder, get_embedder
from rag.index.dedup import DuplicateIndex, fingerprint, signature
from rag.index.indexing import index_articles
from rag.index.store import Store
from rag.models import AliasEntry, Article, ArticleListing, DocumentEntry
from rag.settings import Settings, get_settings

ALL_SUFFIXES = SUFFIXES | RECORD_SUFFIXES | FEED_SUFFIXES


@dataclass
class FileProblem:
    """One file (or record) that could not be ingested, and why: reported, never raised."""

    path: str
    reason: str

    def __post_init__(self) -> None:
        # one line per problem, whatever the library's message looked like
        self.reason = " ".join(self.reason.split())

    def __str__(self) -> str:
        return f"error: {self.path}: {self.reason}"


@dataclass
class IngestReport:
    """What one ingest run did."""

    files: int = 0
    articles: int = 0
    chunks: int = 0
    unchanged: int = 0
    duplicates: int = 0
    skipped: list[str] = field(default_factory=list)
    errors: list[FileProblem] = field(default_factory=list)

    def summary(self) -> str:
        """The one-line report."""
        return (
            f"{self.files} files, {self.articles} articles indexed, {self.chunks} chunks embedded, "
            f"{self.unchanged} unchanged, {self.duplicates} duplicates, {len(self.skipped)} "
            f"skipped, {len(self.errors)} errors"
        )

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data (``--json``)."""
        return asdict(self)


def discover(sources: list[str | Path], report: IngestReport) -> list[str | Path]:
    """Files (folders recursively) and URLs to ingest, in a stable order."""
    found: list[str | Path] = []
    for src in sources:
        if isinstance(src, str) and is_url(src):
            found.append(src)
            continue
        p = Path(src)
        if p.is_dir():
            visible = [
                x
                for x in p.rglob("*")
                if not any(part.startswith(".") for part in x.relative_to(p).parts)
            ]
            candidates = sorted(x for x in visible if x.is_file())
            report.skipped += [  # a link to nothing (or to itself) is named, not dropped
                f"{x}: a symbolic link that leads nowhere (its target is missing or it loops), skipped"
                for x in sorted(visible)
                if x.is_symlink() and not x.exists()
            ]
        elif p.exists():
            candidates = [p]
        elif p.is_symlink():
            report.errors.append(
                FileProblem(
                    str(p), "a symbolic link that leads nowhere (its target is missing or it loops)"
                )
            )
            continue
        else:
            report.errors.append(FileProblem(str(p), "no such file or folder"))
            continue
        for f in candidates:
            if is_sidecar(f):
                continue
            if is_sources_list(f):  # the corpus's list of feeds: read by --sources, not here
                if not p.is_dir():
                    report.skipped.append(
                        f"{f}: a list of sources, not an article: refresh it with "
                        f"'python -m ingest --sources {f}'"
                    )
                continue
            if f.suffix.lower() not in ALL_SUFFIXES:
                report.skipped.append(f"{f}: unsupported type {f.suffix or '(none)'!r}, skipped")
                continue
            found.append(f)
    return found


def load_source(
    src: str | Path, settings: Settings, *, allow_private: bool
) -> tuple[list[Article], list[str]]:
    """(articles, per-record errors) from one file or URL; LoadError for the whole source."""
    if isinstance(src, str):
        return load_url(src, settings.ingest, allow_private=allow_private)
    suffix = src.suffix.lower()
    if suffix in RECORD_SUFFIXES:
        return load_records(src, settings.ingest)
    if suffix in FEED_SUFFIXES:
        return load_feed_file(src, settings.ingest)
    return [load_file(src, settings.ingest.max_file_mb)], []


def ingest_paths(
    paths: list[str | Path],
    *,
    rebuild: bool = False,
    settings: Settings | None = None,
    embedder: TextEncoder | None = None,
    progress: bool = False,
    allow_private: bool = False,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> IngestReport:
    """Ingest files, folders and URLs into the index; unchanged articles are not re-embedded.

    A source that cannot be read is reported (path, reason) and the rest goes on. Exact and
    near duplicates of an indexed article are recorded as carried by their outlet, not indexed.

    Args:
        paths: files, folders (read recursively, hidden files skipped) and http(s) URLs, of
            any supported type: .txt .md .html .pdf .docx, records (.jsonl .json .csv) and
            feeds (.rss .atom .xml).
        rebuild: empty the index first.
        settings: where the index is and how to read, chunk and embed (default:
            :func:`~rag.settings.get_settings`).
        embedder: the embedding model (default: the one ``settings`` names).
        progress: show progress bars (the CLI does; library calls stay quiet).
        allow_private: allow URLs on private and loopback addresses.
        on_progress: called with (stage, done, total) as sources are read ("reading") and
            chunks embedded ("embedding").

    Returns:
        What the run did: counts, skipped files and one :class:`FileProblem` per source or
        article that failed.

    Raises:
        IndexMismatchError: the index was built with another embedding model or backend
            (``rebuild=True`` starts over with this one).
        IndexUnavailableError: the Chroma server in ``settings.chroma_url`` does not answer.

    Example:
        >>> from ingest import ingest_paths
        >>> report = ingest_paths(["corpus/"])
        >>> print(report.summary())  # doctest: +SKIP
        1 files, 1 articles indexed, 5 chunks embedded, 0 unchanged, 0 duplicates, 0 skipped, 0 errors
        >>> ingest_paths(["corpus/"]).unchanged  # nothing changed: nothing is embedded again
        1
    """
    settings = settings or get_settings()
    embedder = embedder or get_embedder(settings.embedding)
    store = Store(settings, embedder, create=True, rebuild=rebuild)
    report = IngestReport()
    sources = discover(list(paths), report)
    report.files = len(sources)

    loaded: list[Article] = []
    reading = tqdm(sources, unit="file", desc="reading", disable=not progress or len(sources) < 2)
    for i, src in enumerate(reading, 1):
        if on_progress:
            on_progress("reading", i, len(sources))
        try:
            articles, record_errors = load_source(src, settings, allow_private=allow_private)
        except LoadError as e:
            report.errors.append(FileProblem(str(src), str(e)))
            continue
        except Exception as e:  # a broken file must not stop the batch
            report.errors.append(FileProblem(str(src), f"{type(e).__name__}: {e}"))
            continue
        report.errors += [FileProblem(str(src), msg) for msg in record_errors]
        loaded += articles
    index_loaded(
        store, loaded, report, settings=settings, progress=progress, on_progress=on_progress
    )
    return report


def index_loaded(
    store: Store,
    loaded: list[Article],
    report: IngestReport,
    *,
    settings: Settings,
    progress: bool = False,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> None:
    """Index articles already read: unchanged ones skipped, duplicates recorded, counts added."""
    known, aliases = store.documents(), store.aliases()
    # an indexed article whose text changed no longer carries its recorded copies' story:
    # each copy read in this run is looked at again (indexed itself, or a copy of another)
    edited = {
        a.doc_id
        for a in loaded
        if (e := known.get(a.doc_id)) is not None and e.content_hash != a.content_hash
    }
    todo: list[Article] = []
    for article in loaded:
        entry = known.get(article.doc_id) or aliases.get(article.doc_id)
        orphan = article.doc_id in aliases and aliases[article.doc_id].canonical in edited
        if entry is not None and entry.content_hash == article.content_hash and not orphan:
            report.unchanged += 1
        else:
            todo.append(article)

    replacing = {a.doc_id for a in todo}
    dups = DuplicateIndex(settings.ingest.duplicate_threshold)
    for doc_id, entry in known.items():
        if doc_id not in replacing and entry.signature:
            dups.add(doc_id, entry.fingerprint, entry.signature)
    keys: dict[str, tuple[str, list[int]]] = {}
    fresh: list[Article] = []
    for article in todo:
        fp, sig = fingerprint(article.text), signature(article.text)
        canonical = dups.find(fp, sig)
        if canonical is not None and canonical != article.doc_id:
            if article.doc_id in known:  # it was indexed itself before: now it is a copy
                store.remove_article(article.doc_id)
            store.add_alias(article, canonical)
            report.duplicates += 1
            continue
        if article.doc_id in aliases:  # a recorded copy now indexed itself
            store.remove_article(article.doc_id)
        dups.add(article.doc_id, fp, sig)
        keys[article.doc_id] = (fp, sig)
        fresh.append(article)

    def failed(article: Article, e: Exception) -> None:
        report.errors.append(FileProblem(article.path, f"could not index: {type(e).__name__}: {e}"))

    done = index_articles(
        store,
        fresh,
        settings=settings,
        progress=progress,
        on_error=failed,
        keys=keys,
        on_progress=(lambda d, t: on_progress("embedding", d, t)) if on_progress else None,
    )
    report.articles += done.articles
    report.chunks += done.chunks


def list_articles(settings: Settings | None = None) -> list[ArticleListing]:
    """Indexed articles, oldest first: id, title, source, published, chunks, carried_by, path."""
    settings = settings or get_settings()
    return Store(settings, get_embedder(settings.embedding), vectors=False).listing()


def remove_articles(ids: list[str], settings: Settings | None = None) -> list[str]:
    """Remove articles (and their recorded copies) by ID; returns what was removed."""
    settings = settings or get_settings()
    store = Store(settings, get_embedder(settings.embedding), vectors=False)
    removed: list[str] = []
    for doc_id in ids:
        removed += store.remove_article(doc_id)
    return removed


def prune(
    paths: list[str | Path],
    settings: Settings | None = None,
    *,
    embedder: TextEncoder | None = None,
) -> list[str]:
    """Remove articles whose file, under one of ``paths``, no longer exists.

    A copy recorded as a duplicate of a removed article whose own file is still there is
    indexed in its place (with ``embedder``): the story stays in the index.

    Returns:
        The IDs of the articles and copies whose files are gone.
    """
    settings = settings or get_settings()
    embedder = embedder or get_embedder(settings.embedding)
    store = Store(settings, embedder, vectors=False)
    roots = [Path(p).resolve() for p in paths]
    entries: dict[str, DocumentEntry | AliasEntry] = {**store.aliases(), **store.documents()}

    def local(raw: str) -> Path | None:
        return None if not raw or is_url(raw) else Path(raw.split("#", 1)[0]).resolve()

    gone: list[str] = []
    dropped: set[str] = set()
    for doc_id, entry in entries.items():
        file = local(entry.path)
        if file is None or file.exists() or not any(file == r or r in file.parents for r in roots):
            continue
        gone.append(doc_id)
        if doc_id not in dropped:  # removing an article also forgets its recorded copies
            dropped.update(store.remove_article(doc_id))
    kept = {
        str(file)
        for d in dropped - set(gone)
        if (file := local(entries[d].path)) is not None and file.exists()
    }
    if kept:
        ingest_paths(sorted(kept), settings=settings, embedder=embedder)
    return gone
