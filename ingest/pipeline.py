"""Ingest files and folders into the index: load, clean, chunk, embed (batched), store."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ingest.loaders import SUFFIXES, LoadError, is_sidecar, load_file
from rag.embeddings import get_embedder
from rag.indexing import index_articles
from rag.models import Article
from rag.settings import Settings, get_settings
from rag.store import Store, TextEncoder


@dataclass
class FileError:
    """One file that could not be ingested."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"error: {self.path}: {self.reason}"


@dataclass
class IngestReport:
    """What one ingest run did."""

    files: int = 0
    articles: int = 0
    chunks: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)

    def summary(self) -> str:
        """The one-line report."""
        return (
            f"{self.files} files, {self.articles} articles indexed, {self.chunks} chunks embedded, "
            f"{self.unchanged} unchanged, {len(self.skipped)} skipped, {len(self.errors)} errors"
        )


def discover(paths: list[Path], report: IngestReport) -> list[Path]:
    """Files to ingest under ``paths`` (folders recursively), in a stable order."""
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            candidates = sorted(x for x in p.rglob("*") if x.is_file())
        elif p.exists():
            candidates = [p]
        else:
            report.errors.append(FileError(str(p), "no such file or folder"))
            continue
        for f in candidates:
            if any(part.startswith(".") for part in f.relative_to(p).parts if p.is_dir()):
                continue
            if is_sidecar(f):
                continue
            if f.suffix.lower() not in SUFFIXES:
                report.skipped.append(str(f))
                continue
            found.append(f)
    return found


def ingest_paths(
    paths: list[str | Path],
    *,
    rebuild: bool = False,
    settings: Settings | None = None,
    embedder: TextEncoder | None = None,
    progress: bool = False,
) -> IngestReport:
    """Ingest files/folders; unchanged articles are not re-embedded. Returns the report.

    A file that cannot be read is reported (path and reason) and the rest goes on.
    """
    settings = settings or get_settings()
    embedder = embedder or get_embedder(settings.embedding)
    store = Store(settings, embedder, create=True, rebuild=rebuild)
    report = IngestReport()
    files = discover([Path(p) for p in paths], report)
    report.files = len(files)
    known = store.documents()

    todo: list[Article] = []
    for f in files:
        try:
            article = load_file(f)
        except LoadError as e:
            report.errors.append(FileError(str(f), str(e)))
            continue
        except Exception as e:  # a broken file must not stop the batch
            report.errors.append(FileError(str(f), f"{type(e).__name__}: {e}"))
            continue
        if known.get(article.doc_id, {}).get("content_hash") == article.content_hash:
            report.unchanged += 1
            continue
        todo.append(article)

    def failed(article: Article, e: Exception) -> None:
        report.errors.append(FileError(article.path, f"could not index: {type(e).__name__}: {e}"))

    done = index_articles(store, todo, settings=settings, progress=progress, on_error=failed)
    report.articles, report.chunks = done.articles, done.chunks
    return report
