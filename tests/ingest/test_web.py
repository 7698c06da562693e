"""URL and feed ingestion from a local HTTP server on 127.0.0.1 (never the internet)."""

import functools
import http.server
import socket
import threading

import pytest

from ingest.loaders import LoadError
from ingest.pipeline import ingest_paths
from ingest.web import fetch
from rag.index.store import Store
from rag.settings import IngestSettings

BODY = " ".join(
    [
        "Fighting resumed near Kidal on Monday after armed groups attacked an army convoy on the road "
        "from Gao, residents and officials said."
    ]
    * 4
)
PAGE = f"""<html><head><title>Kidal convoy attacked</title>
<meta property="og:site_name" content="Sahel Wire"><meta name="date" content="2024-09-02"></head>
<body><nav>Home | Politics | Sport</nav><article><h1>Kidal convoy attacked</h1>
<p>{BODY}</p><p>{BODY.replace("Kidal", "Menaka")}</p></article>
<footer>Copyright Sahel Wire</footer></body></html>"""
LONG = "Mopti residents said the market reopened on Tuesday after a week of closures. " * 8
FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Sahel Wire</title>
<link>http://example.invalid/</link><description>news</description>
<item><title>Mopti market reopens</title><link>{base}/mopti.html</link>
<pubDate>Tue, 03 Sep 2024 10:00:00 GMT</pubDate><description>{long}</description></item>
<item><title>Kidal convoy attacked</title><link>{base}/page.html</link>
<pubDate>Mon, 02 Sep 2024 09:00:00 GMT</pubDate><description>Short summary.</description></item>
</channel></rss>"""


@pytest.fixture
def hosts():
    """The Host header of every request the test server received."""
    return []


@pytest.fixture
def server(tmp_path, hosts):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            hosts.append(self.headers.get("Host"))
            super().do_GET()

    (tmp_path / "page.html").write_text(PAGE)
    (tmp_path / "big.html").write_text("<html><body>" + "x" * 2_000_000 + "</body></html>")
    handler = functools.partial(Handler, directory=str(tmp_path))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    (tmp_path / "feed.xml").write_text(FEED.format(base=base, long=LONG))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield base
    httpd.shutdown()


def test_page_is_fetched_and_extracted(server, settings, fake_embedder):
    report = ingest_paths(
        [f"{server}/page.html"], settings=settings, embedder=fake_embedder, allow_private=True
    )
    assert (report.articles, report.errors) == (1, [])
    doc = next(iter(Store(settings, fake_embedder).documents().values()))
    assert (doc.title, doc.source, doc.published, doc.url) == (
        "Kidal convoy attacked",
        "Sahel Wire",
        "2024-09-02",
        f"{server}/page.html",
    )
    art = Store(settings, fake_embedder).article(
        next(iter(Store(settings, fake_embedder).documents()))
    )
    assert "Fighting resumed near Kidal" in art.text and "Home | Politics" not in art.text


def test_private_addresses_are_refused_by_default(server, settings, fake_embedder):
    report = ingest_paths([f"{server}/page.html"], settings=settings, embedder=fake_embedder)
    assert report.articles == 0
    assert "private or local address" in report.errors[0].reason
    assert "--allow-private" in report.errors[0].reason


def test_only_http_and_size_cap(server):
    with pytest.raises(LoadError, match="only http and https"):
        fetch("file:///etc/passwd", IngestSettings(), allow_private=True)
    with pytest.raises(LoadError, match="over 1 MB"):
        fetch(f"{server}/big.html", IngestSettings(max_fetch_mb=1), allow_private=True)
    with pytest.raises(LoadError, match="HTTP 404"):
        fetch(f"{server}/missing.html", IngestSettings(), allow_private=True)


def test_feed_entries_are_ingested_and_summaries_fetched(server, settings, fake_embedder):
    report = ingest_paths(
        [f"{server}/feed.xml"], settings=settings, embedder=fake_embedder, allow_private=True
    )
    assert (report.files, report.articles, report.errors) == (1, 2, [])
    docs = sorted(Store(settings, fake_embedder).documents().values(), key=lambda d: d.title)
    assert [(d.title, d.published, d.source) for d in docs] == [
        ("Kidal convoy attacked", "2024-09-02", "Sahel Wire"),  # summary only: page fetched
        ("Mopti market reopens", "2024-09-03", "Sahel Wire"),  # full text in the feed
    ]


def fake_dns(monkeypatch, name, *answers):
    """Make ``name`` resolve to each of ``answers`` in turn; returns the answers not yet given."""
    real, left = socket.getaddrinfo, list(answers)

    def getaddrinfo(host, port, *args, **kwargs):
        if host != name:
            return real(host, port, *args, **kwargs)
        assert left, f"{name} was resolved more often than expected"
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (left.pop(0), port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return left


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "localhost", "[::1]", "10.0.0.1", "169.254.169.254", "[::ffff:127.0.0.1]"]
)
def test_private_hosts_are_refused(host):
    with pytest.raises(LoadError, match=r"private or local address .*--allow-private"):
        fetch(f"http://{host}/page.html", IngestSettings())


def test_dns_rebinding_after_the_check_is_refused(server, hosts, monkeypatch):
    port = server.rsplit(":", 1)[1]
    # checked: a public address; connected: the local server, unless the address is pinned
    left = fake_dns(monkeypatch, "news.example.test", "93.184.216.34", "127.0.0.1")
    with pytest.raises(
        LoadError, match=r"^news\.example\.test resolves to .* \(127\.0\.0\.1\).*--allow-private"
    ):
        fetch(f"http://news.example.test:{port}/page.html", IngestSettings())
    assert (left, hosts) == ([], [])


def test_connection_goes_to_the_resolved_address_with_the_hostname(server, hosts, monkeypatch):
    port = server.rsplit(":", 1)[1]
    left = fake_dns(monkeypatch, "news.example.test", "127.0.0.1")  # a second lookup fails
    got = fetch(f"http://news.example.test:{port}/page.html", IngestSettings(), allow_private=True)
    assert "Kidal convoy attacked" in got.body.decode()
    assert (left, hosts) == ([], [f"news.example.test:{port}"])


def test_a_feed_date_that_cannot_be_read_is_left_out(tmp_path, settings):
    """The publisher's own date is data, not the user's: the entry is kept, undated."""
    from ingest.web import load_feed_file

    feed = FEED.format(base="http://example.invalid", long=LONG).replace(
        "Tue, 03 Sep 2024 10:00:00 GMT", "sometime in the autumn"
    )
    path = tmp_path / "wire.rss"
    path.write_text(feed)
    articles, problems = load_feed_file(path, settings.ingest)
    mopti = next(a for a in articles if a.title == "Mopti market reopens")
    assert mopti.published == "" and not any("Mopti" in p for p in problems)
