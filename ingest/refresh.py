"""Keep the corpus current: refresh the feeds and pages of ``sources.yaml`` once, or on schedule.

Polite and safe: conditional GETs (``If-None-Match``/``If-Modified-Since`` from the last
complete refresh; a 304 costs nothing), one request at a time per host and
``refresh_host_delay`` seconds between two, an exponential backoff after failures
(``refresh_backoff`` doubled per failure in a row, up to ``refresh_backoff_max``), and every
request through :func:`ingest.web.fetch` (SSRF guard, DNS pinning, size cap).

Entries already indexed are skipped by their id (or link) and hash, so their pages are not
fetched and nothing is embedded again; new articles go through the pipeline's dedup. A
source's state (:mod:`rag.sources`) is written after its articles are indexed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from ingest.loaders import META_FIELDS, LoadError, article_from_html, decode, make_article
from ingest.pipeline import IngestReport, index_loaded
from ingest.sources import Source, format_interval
from ingest.web import Fetched, entry_article, entry_where, fetch, parse_feed
from rag.errors import RagError
from rag.index.store import Store
from rag.models import Article
from rag.settings import IngestSettings, Settings
from rag.sources import Result, SeenEntry, SourceState, read_source_states, write_source_states

MAX_SEEN = 2000  # entries remembered per source: far more than any feed holds at once
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """Now, in UTC."""
    return dt.datetime.now(dt.UTC)


class HostGate:
    """One request at a time per host, and at least ``delay`` seconds between two."""

    def __init__(
        self,
        delay: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.delay, self.clock, self.sleep = delay, clock, sleep
        self._locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}
        self._guard = threading.Lock()

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        """Hold ``url``'s host: wait for its lock, then for ``delay`` since its last request."""
        host = (urlparse(url).hostname or "").lower()
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            if host in self._last:
                wait = self._last[host] + self.delay - self.clock()
                if wait > 0:
                    self.sleep(wait)
            try:
                yield
            finally:
                self._last[host] = self.clock()


def backoff(failures: int, settings: IngestSettings) -> float:
    """Seconds to wait after ``failures`` failed refreshes in a row (0 when none failed)."""
    if failures <= 0:
        return 0.0
    return float(min(settings.refresh_backoff * 2 ** (failures - 1), settings.refresh_backoff_max))


def wait_after(source: Source, state: SourceState, settings: IngestSettings) -> float:
    """Seconds between ``state``'s last refresh and the next: the interval, or the backoff."""
    return backoff(state.failures, settings) if state.failures else source.every


def is_due(
    source: Source, state: SourceState | None, settings: IngestSettings, now: dt.datetime
) -> bool:
    """True when ``source`` was never refreshed, or its interval (or backoff) has passed."""
    if state is None or state.last_refresh is None:
        return True
    wait = dt.timedelta(seconds=wait_after(source, state, settings))
    due = state.last_refresh + wait
    if state.failures and state.next_refresh is not None:
        due = max(due, state.next_refresh)  # a server's Retry-After may ask for longer
    return due <= now


def entry_key(entry: Any) -> str:
    """What identifies a feed entry from one refresh to the next: its id, link or title."""
    return str(entry.get("id") or entry.get("link") or entry.get("title") or "")


def entry_hash(entry: Any) -> str:
    """Hash of what the feed says of an entry: a corrected entry is read again."""
    content = entry.get("content") or []
    fields = {
        "title": entry.get("title"),
        "link": entry.get("link"),
        "published": entry.get("published") or entry.get("updated"),
        "summary": entry.get("summary"),
        "content": [c.get("value") for c in content],
    }
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class Outcome:
    """What refreshing one source did."""

    source: Source
    result: Result
    new: int = 0
    duplicates: int = 0
    seconds: float = 0.0
    error: str = ""
    problems: list[str] = field(default_factory=list)
    retry_in: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """The outcome as JSON-ready data (``python -m ingest --sources FILE --json``)."""
        return {
            "outlet": self.source.outlet,
            "url": self.source.url,
            "result": self.result,
            "new": self.new,
            "duplicates": self.duplicates,
            "seconds": round(self.seconds, 3),
            "error": self.error,
            "problems": list(self.problems),
            "retry_in": round(self.retry_in),
        }

    def line(self) -> str:
        """The per-source line the CLI prints."""
        text = (
            f"{self.source.outlet[:28]:28} {self.result:12} {self.new:3} new {self.seconds:6.1f} s"
        )
        if self.duplicates:
            text += f"  ({self.duplicates} copies of indexed articles)"
        if self.problems:
            text += f"  ({len(self.problems)} entries failed)"
        if self.error:
            text += f"  {self.error}; next try in {format_interval(round(self.retry_in))}"
        return text


@dataclass
class _Pending:
    key: str
    hash: str
    article: Article


class Refresher:
    """Refreshes sources into one index, one at a time, and records their state."""

    def __init__(
        self,
        store: Store,
        *,
        settings: Settings,
        allow_private: bool = False,
        gate: HostGate | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.store, self.settings, self.allow_private = store, settings, allow_private
        self.gate = gate or HostGate(settings.ingest.refresh_host_delay)
        self.clock = clock

    def states(self) -> dict[str, SourceState]:
        """Every source's state as stored now."""
        return read_source_states(self.settings.home)

    def _get(self, url: str, headers: dict[str, str] | None = None) -> Fetched:
        with self.gate.slot(url):
            return fetch(
                url, self.settings.ingest, allow_private=self.allow_private, headers=headers
            )

    def refresh(self, source: Source) -> Outcome:
        """Fetch ``source`` (conditionally), index what is new, then write its state."""
        t0 = time.monotonic()
        state = self.states().get(source.url) or SourceState(url=source.url)
        update: dict[str, Any] = {
            "outlet": source.outlet,
            "language": source.language,
            "kind": source.kind,
            "problems": [],
            "error": "",
        }
        outcome = Outcome(source, "unchanged")
        asked_wait: float | None = None  # a server's Retry-After
        try:
            headers = {"If-None-Match": state.etag} if state.etag else {}
            if state.last_modified:
                headers["If-Modified-Since"] = state.last_modified
            got = self._get(source.url, headers)
            if got.not_modified:
                outcome.result = "not modified"
            else:
                self._read(source, got, state, update, outcome)
            update["failures"] = 0
        except LoadError as e:
            outcome.result, outcome.error = "error", str(e)
            asked_wait = e.retry_after
        except RagError:
            raise  # the index itself is unusable: no other source would do better
        except Exception as e:  # a broken feed must not stop the others
            outcome.result, outcome.error = "error", f"{type(e).__name__}: {e}"
        if outcome.result == "error":
            update["failures"] = state.failures + 1
            update["error"] = " ".join(outcome.error.split())
        outcome.seconds = time.monotonic() - t0
        now = self.clock()
        new_state = state.model_copy(
            update={
                **update,
                "result": outcome.result,
                "new_articles": outcome.new,
                "seconds": round(outcome.seconds, 3),
                "last_refresh": now,
            }
        )
        wait = wait_after(source, new_state, self.settings.ingest)
        if asked_wait is not None:  # never sooner than the server asked
            wait = max(wait, min(asked_wait, self.settings.ingest.refresh_backoff_max))
        outcome.retry_in = wait if outcome.result == "error" else 0.0
        new_state = new_state.model_copy(update={"next_refresh": now + dt.timedelta(seconds=wait)})
        states = self.states()  # re-read: keep what another refresher wrote meanwhile
        states[source.url] = new_state
        write_source_states(self.settings.home, states)
        return outcome

    def _read(
        self,
        source: Source,
        got: Fetched,
        state: SourceState,
        update: dict[str, Any],
        outcome: Outcome,
    ) -> None:
        """Index what is new in a fetched feed or page; fill ``update`` and ``outcome``."""
        if source.kind == "page":
            pending = self._page(source, got, state)
        else:
            pending = self._feed(source, got, state, outcome.problems)
        report = IngestReport()
        index_loaded(self.store, [p.article for p in pending], report, settings=self.settings)
        outcome.problems += [str(e) for e in report.errors]
        outcome.new, outcome.duplicates = report.articles, report.duplicates
        outcome.result = "new" if report.articles else "unchanged"
        indexed = self.store.documents().keys() | self.store.aliases().keys()
        seen = dict(state.seen)
        for p in pending:
            if p.article.doc_id in indexed:
                seen.pop(p.key, None)  # re-inserted last: the oldest are forgotten first
                seen[p.key] = SeenEntry(hash=p.hash, doc_id=p.article.doc_id)
        update["seen"] = dict(list(seen.items())[-MAX_SEEN:])
        update["problems"] = outcome.problems
        # validators only for a complete refresh: after a failed entry, the next refresh must
        # get the whole feed again (its other entries are skipped as seen)
        complete = not outcome.problems and all(p.article.doc_id in indexed for p in pending)
        update["etag"] = got.headers.get("etag", "") if complete else ""
        update["last_modified"] = got.headers.get("last-modified", "") if complete else ""

    def _page(self, source: Source, got: Fetched, state: SourceState) -> list[_Pending]:
        digest = hashlib.sha256(got.body).hexdigest()
        known = state.seen.get(source.url)
        if known is not None and known.hash == digest:
            return []
        art = article_from_html(decode(got.body), key=got.url, path=got.url, url=got.url)
        meta = {**{k: getattr(art, k) for k in META_FIELDS}, "source": source.outlet}
        article = make_article(got.url, art.text, meta, path=got.url, strip=False)
        return [_Pending(source.url, digest, article)]

    def _feed(
        self, source: Source, got: Fetched, state: SourceState, problems: list[str]
    ) -> list[_Pending]:
        title, entries = parse_feed(got.body)
        pending: list[_Pending] = []
        for n, entry in enumerate(entries, 1):
            digest = entry_hash(entry)
            key = entry_key(entry) or digest
            known = state.seen.get(key)
            if known is not None and known.hash == digest:
                continue  # indexed before: no page fetched, nothing embedded
            try:
                article = entry_article(
                    entry, n, outlet=title, origin=source.url, get=self._get, source=source.outlet
                )
            except LoadError as e:
                problems.append(f"{entry_where(entry, n)}: {e}")
                continue
            pending.append(_Pending(key, digest, article))
        return pending


def refresh_all(
    sources: list[Source],
    refresher: Refresher,
    *,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Refresh every source once, in order; a failing source does not stop the others."""
    outcomes = []
    for source in sources:
        outcomes.append(refresher.refresh(source))
        if on_outcome:
            on_outcome(outcomes[-1])
    return outcomes


def watch(
    sources: list[Source],
    refresher: Refresher,
    *,
    on_outcome: Callable[[Outcome], None] | None = None,
    stop: Callable[[], bool] = lambda: False,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Refresh each source whenever its interval (or backoff) has passed, until ``stop()``."""
    ingest = refresher.settings.ingest
    while not stop():
        for source in sources:
            if stop():
                return
            if is_due(source, refresher.states().get(source.url), ingest, refresher.clock()):
                outcome = refresher.refresh(source)
                if on_outcome:
                    on_outcome(outcome)
        now, states = refresher.clock(), refresher.states()
        waits = [
            (state.next_refresh - now).total_seconds()
            for s in sources
            if (state := states.get(s.url)) is not None and state.next_refresh is not None
        ]
        # never busy-loop, and wake at least every minute (a clock jump, a stop request)
        sleep(min(max(min(waits, default=1.0), 1.0), 60.0))
