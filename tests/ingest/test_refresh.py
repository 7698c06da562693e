"""Refreshing sources against a local news site on 127.0.0.1 whose feeds change between runs."""

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from ingest.cli import main
from ingest.refresh import Refresher, refresh_all, watch
from ingest.sources import Source
from rag.index.manifest import SQLiteManifest
from rag.index.store import Store
from rag.sources import read_source_states, state_path
from tests.conftest import ROOT, FakeEmbedder
from tests.helpers.feeds import LONG, FeedServer, page, rss
from tests.helpers.servers import free_port


class CountingEmbedder(FakeEmbedder):
    """The fake embedder, remembering every text it was asked to embed."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def encode(self, texts, *, batch_size=None):
        self.texts += list(texts)
        return super().encode(texts, batch_size=batch_size)


def items(base: str, towns: list[str], *, summary: list[str] = ()) -> list[dict[str, str]]:
    """Feed items: full text in the feed, or (towns in ``summary``) a summary and a page."""
    return [
        {
            "title": f"News from {t}",
            "link": f"{base}/a/{t}.html",
            "description": f"Short: {t}." if t in summary else LONG.format(topic=t),
        }
        for t in towns
    ]


@pytest.fixture
def site():
    with FeedServer() as server:
        yield server


@pytest.fixture
def embedder():
    return CountingEmbedder()


@pytest.fixture
def refresher(settings, embedder):
    settings.ingest.refresh_host_delay = 0.0
    return Refresher(Store(settings, embedder, create=True), settings=settings, allow_private=True)


def source(site: FeedServer, path: str, outlet: str = "Sahel Wire", every: str = "1h") -> Source:
    return Source(outlet=outlet, url=site.base + path, language="en", every=every)


def put_feed(site: FeedServer, towns: list[str], summary: list[str] = (), build: str = "") -> None:
    site.put(
        "/feed.xml", rss("Sahel Wire feed", items(site.base, towns, summary=summary), build=build)
    )
    for t in summary:
        site.put(f"/a/{t}.html", page(f"News from {t}", LONG.format(topic=t)), "text/html")


def test_first_refresh_indexes_every_entry_and_records_the_source(site, refresher, settings):
    put_feed(site, ["Mopti", "Gao", "Kidal"], summary=["Kidal"])
    src = source(site, "/feed.xml")
    out = refresher.refresh(src)
    assert (out.result, out.new, out.problems, out.error) == ("new", 3, [], "")
    docs = refresher.store.documents().values()
    assert sorted((d.title, d.source) for d in docs) == [
        ("News from Gao", "Sahel Wire"),
        ("News from Kidal", "Sahel Wire"),  # the summary's page was fetched
        ("News from Mopti", "Sahel Wire"),
    ]
    assert site.requests == {"/feed.xml": 1, "/a/Kidal.html": 1}
    state = read_source_states(settings.home)[src.url]
    assert (state.result, state.new_articles, state.failures, state.outlet) == (
        "new",
        3,
        0,
        "Sahel Wire",
    )
    assert state.etag == site.files["/feed.xml"][2]
    assert state.last_modified == site.files["/feed.xml"][3]
    assert state.next_refresh - state.last_refresh == dt.timedelta(hours=1)
    assert sorted(state.seen) == sorted(
        f"{site.base}/a/{t}.html" for t in ["Mopti", "Gao", "Kidal"]
    )
    assert {e.doc_id for e in state.seen.values()} == {d.doc_id for d in docs}


def test_second_refresh_is_not_modified_and_embeds_nothing(site, refresher, embedder):
    put_feed(site, ["Mopti", "Gao", "Kidal"], summary=["Kidal"])
    src = source(site, "/feed.xml")
    refresher.refresh(src)
    embedded = len(embedder.texts)
    out = refresher.refresh(src)
    assert (out.result, out.new) == ("not modified", 0)
    assert site.sent[-1] == (
        "/feed.xml",
        {
            "If-None-Match": site.files["/feed.xml"][2],
            "If-Modified-Since": site.files["/feed.xml"][3],
        },
    )
    assert site.not_modified == {"/feed.xml": 1}
    assert site.requests == {"/feed.xml": 2, "/a/Kidal.html": 1}
    assert len(embedder.texts) == embedded

    # the feed is rebuilt (new ETag) with the same entries: read, but nothing fetched or embedded
    put_feed(site, ["Mopti", "Gao"], build="Wed, 04 Sep 2024 10:00:00 GMT")
    out = refresher.refresh(src)
    assert (out.result, out.new) == ("unchanged", 0)
    assert site.requests["/a/Kidal.html"] == 1
    assert len(embedder.texts) == embedded
    assert len(refresher.store.documents()) == 3  # an entry leaving the feed stays indexed


def test_a_new_entry_alone_is_fetched_and_indexed(site, refresher, embedder):
    put_feed(site, ["Mopti", "Kidal"], summary=["Kidal"])
    src = source(site, "/feed.xml")
    refresher.refresh(src)
    embedded = len(embedder.texts)
    put_feed(site, ["Tessalit", "Mopti", "Kidal"], summary=["Kidal", "Tessalit"])
    out = refresher.refresh(src)
    assert (out.result, out.new) == ("new", 1)
    assert site.requests == {"/feed.xml": 2, "/a/Kidal.html": 1, "/a/Tessalit.html": 1}
    new_texts = embedder.texts[embedded:]
    assert new_texts and all("Tessalit" in t for t in new_texts)
    assert sorted(d.title for d in refresher.store.documents().values()) == [
        "News from Kidal",
        "News from Mopti",
        "News from Tessalit",
    ]


def test_a_copy_of_an_indexed_article_is_recorded_not_indexed(site, refresher):
    put_feed(site, ["Mopti"])
    refresher.refresh(source(site, "/feed.xml"))
    copy = {**items(site.base, ["Mopti"])[0], "link": f"{site.base}/copy/mopti.html"}
    site.put("/copy.xml", rss("Copy", [copy]))  # the same story under another link
    out = refresher.refresh(source(site, "/copy.xml", outlet="Niger Valley Post"))
    assert (out.result, out.new, out.duplicates) == ("unchanged", 0, 1)
    assert "1 copies of indexed articles" in out.line()
    assert len(refresher.store.documents()) == 1


def test_a_failing_source_is_reported_backs_off_and_does_not_stop_the_others(
    site, refresher, settings
):
    put_feed(site, ["Mopti"])
    site.status["/broken.xml"] = 500
    refused = f"http://127.0.0.1:{free_port()}/feed.xml"  # nothing listens there
    sources = [
        source(site, "/broken.xml", outlet="Broken"),
        Source(outlet="Gone", url=refused, language="fr"),
        source(site, "/feed.xml"),
    ]
    first = refresh_all(sources, refresher)
    assert [(o.result, o.new) for o in first] == [("error", 0), ("error", 0), ("new", 1)]
    assert first[0].error == f"HTTP 500 from {site.base}/broken.xml"
    assert first[0].line().endswith(f"HTTP 500 from {site.base}/broken.xml; next try in 10m")
    assert first[1].error.startswith(f"cannot fetch {refused} (ConnectError")
    states = read_source_states(settings.home)
    assert [states[s.url].failures for s in sources] == [1, 1, 0]
    assert states[sources[0].url].error == first[0].error
    waits = [states[s.url].next_refresh - states[s.url].last_refresh for s in sources]
    assert waits == [dt.timedelta(minutes=10), dt.timedelta(minutes=10), dt.timedelta(hours=1)]

    second = refresh_all(sources, refresher)
    assert [o.result for o in second] == ["error", "error", "not modified"]
    states = read_source_states(settings.home)
    assert [states[s.url].failures for s in sources] == [2, 2, 0]
    assert states[sources[0].url].next_refresh - states[sources[0].url].last_refresh == (
        dt.timedelta(minutes=20)
    )
    del site.status["/broken.xml"]
    site.put("/broken.xml", rss("Back", items(site.base, ["Gao"])))
    third = refresher.refresh(sources[0])
    assert (third.result, third.new) == ("new", 1)
    assert read_source_states(settings.home)[sources[0].url].failures == 0


def test_a_server_asking_to_wait_is_not_asked_again_sooner(site, refresher, settings):
    """HTTP 429 with Retry-After: the next try waits that long, not the shorter backoff."""
    site.status["/feed.xml"] = 429
    site.headers["/feed.xml"] = {"Retry-After": "3600"}
    feed = source(site, "/feed.xml", every="5m")
    first = refresher.refresh(feed)
    assert first.result == "error" and "asks to wait 3600 s" in first.error
    state = read_source_states(settings.home)[feed.url]
    assert state.next_refresh - state.last_refresh == dt.timedelta(hours=1)  # backoff: 10m
    assert first.line().endswith("next try in 1h")
    from ingest.refresh import is_due

    later = state.last_refresh + dt.timedelta(minutes=30)
    assert not is_due(feed, state, settings.ingest, later)
    assert is_due(feed, state, settings.ingest, later + dt.timedelta(minutes=31))


def test_retry_after_reads_seconds_and_http_dates():
    from ingest.web import retry_after

    now = dt.datetime(2025, 3, 5, 12, 0, tzinfo=dt.UTC)
    assert retry_after("120", now) == 120.0
    assert retry_after("Wed, 05 Mar 2025 12:10:00 GMT", now) == 600.0
    assert retry_after("Wed, 05 Mar 2025 11:00:00 GMT", now) == 0.0  # already past
    assert retry_after("", now) is None and retry_after("soon", now) is None


def test_a_failed_entry_is_retried_and_the_others_are_not_fetched_again(site, refresher, settings):
    put_feed(site, ["Mopti", "Gao", "Kidal"], summary=["Gao", "Kidal"])
    site.status["/a/Kidal.html"] = 503
    src = source(site, "/feed.xml")
    out = refresher.refresh(src)
    assert (out.result, out.new) == ("new", 2)
    assert out.problems == [
        f"entry 3 ({site.base}/a/Kidal.html): HTTP 503 from {site.base}/a/Kidal.html"
    ]
    state = read_source_states(settings.home)[src.url]
    assert (state.etag, state.problems) == ("", out.problems)  # the next GET is a full one

    del site.status["/a/Kidal.html"]
    out = refresher.refresh(src)
    assert (out.result, out.new, out.problems) == ("new", 1, [])
    assert site.sent[-2] == ("/feed.xml", {})  # no validators after an incomplete refresh
    assert site.requests == {"/feed.xml": 2, "/a/Gao.html": 1, "/a/Kidal.html": 2}
    assert refresher.refresh(src).result == "not modified"


def test_a_page_source_is_read_again_only_when_it_changes(site, refresher):
    site.put("/live.html", page("Mali live", LONG.format(topic="Bamako")), "text/html")
    src = Source(outlet="Live", url=site.base + "/live.html", language="en", kind="page")
    assert (refresher.refresh(src).result, refresher.refresh(src).result) == ("new", "not modified")
    site.put("/live.html", page("Mali live", LONG.format(topic="Segou")), "text/html")
    out = refresher.refresh(src)
    assert (out.result, out.new) == ("new", 1)
    [doc] = refresher.store.documents().values()  # the page's article, replaced
    assert (doc.source, "Segou" in refresher.store.article(doc.doc_id).text) == ("Live", True)


def test_watch_refreshes_each_source_on_its_own_interval(site, refresher):
    put_feed(site, ["Mopti"])
    site.status["/broken.xml"] = 500
    sources = [source(site, "/feed.xml", every="1m"), source(site, "/broken.xml", outlet="B")]
    t = [dt.datetime(2025, 1, 1, tzinfo=dt.UTC)]
    refresher.clock = lambda: t[0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        t[0] += dt.timedelta(seconds=seconds)

    seen: list[tuple[str, str]] = []
    watch(
        sources,
        refresher,
        on_outcome=lambda o: seen.append((o.source.outlet, o.result)),
        stop=lambda: len(slept) >= 11,
        sleep=sleep,
    )
    assert slept == [60.0] * 11  # woken once a minute: the feed's interval
    # the feed every minute; the broken source again only after its 10-minute backoff
    feed_ok = ("Sahel Wire", "not modified")
    assert seen == [("Sahel Wire", "new"), ("B", "error"), *[feed_ok] * 10, ("B", "error")]


def test_the_cli_refreshes_good_entries_and_names_bad_ones(
    site, tmp_path, monkeypatch, capsys, embedder
):
    monkeypatch.setattr("rag.embeddings.get_embedder", lambda *a, **k: embedder)
    monkeypatch.setenv("RAG_EMBEDDING__MULTILINGUAL", "")
    monkeypatch.setenv("RAG_INGEST__REFRESH_HOST_DELAY", "0")
    from rag.settings import get_settings

    get_settings.cache_clear()
    put_feed(site, ["Mopti", "Gao"])
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n"
        f"  - {{outlet: Sahel Wire, url: '{site.base}/feed.xml', language: en, every: 6h}}\n"
        f"  - {{outlet: Bad, url: '{site.base}/x.xml', language: de}}\n"
    )
    assert main(["--sources", str(path), "--allow-private"]) == 0
    out, err = capsys.readouterr()
    assert (
        err
        == f"error: {path}: entry 2 (Bad): field 'language': 'de' is not allowed: write 'en' or 'fr'\n"
    )
    lines = out.splitlines()
    assert lines[0].split()[:5] == ["Sahel", "Wire", "new", "2", "new"]
    assert lines[1] == "1 source: 1 new; 2 new articles"
    assert main(["--sources", str(path), "--allow-private", "--strict"]) == 1
    assert "not modified" in capsys.readouterr().out
    # --json: one object per source; --quiet: only what failed (nothing did)
    assert main(["--sources", str(path), "--allow-private", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["outlet"], r["result"], r["new"], r["url"]) for r in rows] == [
        ("Sahel Wire", "not modified", 0, f"{site.base}/feed.xml")
    ]
    assert main(["--sources", str(path), "--allow-private", "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    site.status["/feed.xml"] = 500
    assert main(["--sources", str(path), "--allow-private", "--quiet"]) == 0
    assert "HTTP 500" in capsys.readouterr().out
    del site.status["/feed.xml"]
    with pytest.raises(SystemExit) as exit_:
        main(["--watch", str(path)])
    assert exit_.value.code == 2
    assert "--watch needs --sources FILE" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--sources", str(path), "--rebuild"])
    assert "--sources refreshes the listed feeds only" in capsys.readouterr().err


@pytest.mark.slow
def test_kill_9_during_watch_loses_nothing(site, tmp_path, real_embedder):
    """A watch killed mid-refresh: the next refresh completes it, every article exactly once."""
    put_feed(site, ["Mopti", "Gao", "Kidal"])
    towns = ["Tessalit", "Menaka", "Segou", "Bourem", "Niono"]
    site.put("/b.xml", rss("B", items(site.base, towns, summary=towns)))
    for t in towns:
        site.put(f"/a/{t}.html", page(f"News from {t}", LONG.format(topic=t)), "text/html")
        site.delay[f"/a/{t}.html"] = 0.4  # the kill lands while B's pages are being fetched
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n"
        f"  - {{outlet: Sahel Wire, url: '{site.base}/feed.xml', language: en, every: 1h}}\n"
        f"  - {{outlet: Bamako Monitor, url: '{site.base}/b.xml', language: en, every: 1h}}\n"
    )
    home = tmp_path / "home"
    env = {**os.environ, "RAG_HOME": str(home), "RAG_INGEST__REFRESH_HOST_DELAY": "0.1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ingest", "--sources", str(path), "--watch", "--allow-private"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        deadline = time.time() + 300
        line = ""
        while time.time() < deadline and "Sahel Wire" not in line:
            line = proc.stdout.readline()
            assert line or proc.poll() is None, "the watch exited early"
        assert " new " in line, line
        while time.time() < deadline and not site.requests["/a/Tessalit.html"]:
            time.sleep(0.01)  # B's refresh has begun: kill it in the middle
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL

    before = SQLiteManifest(home).read_all().documents
    states = read_source_states(home)
    assert states[site.base + "/feed.xml"].result == "new"  # written after A's articles ...
    assert site.base + "/b.xml" not in states  # B was killed before its state was written
    assert {d.title for d in before.values()} >= {
        f"News from {t}" for t in ["Mopti", "Gao", "Kidal"]
    }
    json.loads(state_path(home).read_text())  # ... and whole

    from rag.answering.retrieval import HybridRetriever
    from rag.settings import Settings

    settings = Settings(home=home)
    settings.ingest.refresh_host_delay = 0.0
    store = Store(settings, real_embedder)
    refresher = Refresher(store, settings=settings, allow_private=True)
    sources = [source(site, "/feed.xml"), source(site, "/b.xml", outlet="Bamako Monitor")]
    outcomes = refresh_all(sources, refresher)
    assert [o.result for o in outcomes] == ["not modified", "new"]
    assert all(o.problems == [] for o in outcomes)

    docs = store.documents()
    titles = sorted(d.title for d in docs.values())
    assert titles == sorted(f"News from {t}" for t in ["Mopti", "Gao", "Kidal", *towns])
    assert before.keys() <= docs.keys()  # nothing indexed before the kill was lost
    per_doc: dict[str, int] = {}
    for c in store.iter_chunks():
        per_doc[c.doc_id] = per_doc.get(c.doc_id, 0) + 1
    assert per_doc == {d: e.chunks for d, e in docs.items()}  # each article exactly once
    assert HybridRetriever(store).retrieve("situation in Menaka", k=3)
    assert refresh_all(sources, refresher)[1].result == "not modified"
