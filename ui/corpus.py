"""What the UI needs of the corpus: listing, coverage, outlets, text, sources, ingest, remove.

The ingest function is injected (``ui.__main__`` passes ``ingest.ingest_paths``), so the UI
package depends on ``rag`` only; ingest runs in this process, on the same index.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rag.errors import InputError
from rag.index.store import Store
from rag.sources import read_source_states
from ui.render import source_states_html

IngestFn = Callable[
    ..., Any
]  # ingest_paths(paths, *, settings, embedder, allow_private, on_progress)


_SIDECAR = (".meta.yaml", ".meta.yml")  # ingest's metadata files, read beside their article


def place_uploads(files: list[str], upload_dir: Path) -> list[Path]:
    """Copy uploaded files under ``upload_dir``; no upload ever replaces another.

    A file goes to ``upload_dir/NAME``, or, when a different file already holds that name (an
    earlier upload, or another file of this batch), to ``upload_dir/2/NAME``, ``3/NAME``…
    The same file uploaded again lands where it is (ingest then finds it unchanged). A metadata
    sidecar (``NAME.meta.yaml``) goes beside the article of this batch it belongs to.
    """
    placed: dict[str, Path] = {}  # article stem -> its folder, in this batch
    taken: set[Path] = set()
    out: list[Path] = []
    for f in sorted(files, key=lambda f: Path(f).name.endswith(_SIDECAR)):  # articles first
        src, name = Path(f), Path(f).name
        stem = next((name[: -len(s)] for s in _SIDECAR if name.endswith(s)), None)
        folder = placed.get(stem) if stem is not None else None
        if folder is None:
            k = 1
            while True:
                folder = upload_dir if k == 1 else upload_dir / str(k)
                dst = folder / name
                if dst not in taken and (not dst.exists() or _same_file(src, dst)):
                    break
                k += 1
            placed[Path(name).stem] = folder
        dst = folder / name
        folder.mkdir(parents=True, exist_ok=True)
        if not dst.exists() or not _same_file(src, dst):
            shutil.copyfile(src, dst)
        taken.add(dst)
        out.append(dst)
    return out


def _same_file(a: Path, b: Path) -> bool:
    import filecmp

    return filecmp.cmp(a, b, shallow=False)


class Corpus:
    """The index behind the UI, plus a background ingest job."""

    def __init__(self, store: Store, ingest_fn: IngestFn | None = None) -> None:
        self.store = store
        self.ingest_fn = ingest_fn
        self._job: threading.Thread | None = None
        self.progress = ""
        self.result: Any = None
        self.failure = ""

    # -- reads ------------------------------------------------------------------------
    def rows(self) -> list[list[Any]]:
        """Article table rows: id, title, outlet, date, chunks, also carried by."""
        return [
            [r.id, r.title, r.source, r.published, r.chunks, ", ".join(r.carried_by)]
            for r in self.store.listing()
        ]

    def sources(self) -> list[str]:
        """Outlets in the index."""
        return sorted({d.source for d in self.store.documents().values()} - {""})

    def coverage(self) -> str:
        """'N articles from DATE to DATE'."""
        docs = self.store.documents().values()
        dates = sorted(d.published for d in docs if d.published)
        span = f" from {dates[0]} to {dates[-1]}" if dates else ""
        undated = sum(1 for d in docs if not d.published)
        extra = f" ({undated} undated)" if undated and dates else ""
        return f"{len(docs)} articles{span}{extra}"

    def article_text(self, doc_id: str) -> str:
        """Cleaned text of an article ('' when gone)."""
        art = self.store.article(doc_id)
        return art.text if art else ""

    def sources_html(self) -> str:
        """The refreshed sources (``python -m ingest --sources``) as an escaped HTML table."""
        try:
            states = list(read_source_states(self.store.home).values())
        except InputError as e:
            return source_states_html([], problem=str(e))
        return source_states_html(states)

    # -- writes -----------------------------------------------------------------------
    def remove(self, doc_id: str) -> list[str]:
        """Remove an article (and its recorded copies)."""
        return self.store.remove_article(doc_id.strip())

    @property
    def busy(self) -> bool:
        """An ingest job is running."""
        return self._job is not None and self._job.is_alive()

    def start_ingest(self, files: list[str], urls: list[str], *, allow_private: bool) -> None:
        """Copy uploads under $RAG_HOME/uploads and ingest them (and URLs) in a thread."""
        if self.ingest_fn is None:
            raise RuntimeError("this app was started without an ingest function")
        if self.busy:
            raise RuntimeError("an ingest job is already running")
        sources: list[str | Path] = [*place_uploads(files, Path(self.store.home) / "uploads")]
        sources += urls
        self.progress, self.result, self.failure = "starting…", None, ""

        def progress(stage: str, done: int, total: int) -> None:
            self.progress = f"{stage}: {done}/{total}"

        def run() -> None:
            try:
                self.result = self.ingest_fn(  # type: ignore[misc]
                    sources,
                    settings=self.store.settings,
                    embedder=self.store.embedder,
                    allow_private=allow_private,
                    on_progress=progress,
                )
            except Exception as e:  # shown in the UI, never swallowed
                self.failure = f"{type(e).__name__}: {e}"

        self._job = threading.Thread(target=run, daemon=True)
        self._job.start()
