"""A local news site for refresh tests: feeds and pages on 127.0.0.1 that change between requests.

Conditional GETs are answered like a real server's: ``ETag``/``If-None-Match`` and
``Last-Modified``/``If-Modified-Since`` give a 304. Requests are counted per path; a path can
be made to fail with a status or to answer slowly.
"""

from __future__ import annotations

import hashlib
import http.server
import threading
import time
from collections import Counter
from email.utils import formatdate
from html import escape

LONG = (
    "{topic}: residents said the situation changed on Tuesday after a week of closures, and "
    "local officials described the measures taken since then in some detail. "
) * 5


def rss(title: str, items: list[dict[str, str]], *, build: str = "") -> str:
    """An RSS 2.0 feed; each item has title, link and description (guid = link)."""
    body = "".join(
        f"<item><title>{escape(i['title'])}</title><link>{i['link']}</link>"
        f"<guid>{i['link']}</guid><pubDate>{i.get('date', 'Tue, 03 Sep 2024 10:00:00 GMT')}"
        f"</pubDate><description>{escape(i['description'])}</description></item>"
        for i in items
    )
    stamp = f"<lastBuildDate>{build}</lastBuildDate>" if build else ""
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{escape(title)}</title>'
        f"<link>http://example.invalid/</link><description>news</description>{stamp}"
        f"{body}</channel></rss>"
    )


def page(title: str, text: str) -> str:
    """An article page trafilatura extracts."""
    paragraphs = "".join(f"<p>{escape(text)}</p>" for _ in range(2))
    return (
        f"<html><head><title>{escape(title)}</title></head><body><nav>Home | World</nav>"
        f"<article><h1>{escape(title)}</h1>{paragraphs}</article></body></html>"
    )


class FeedServer:
    """A threaded HTTP server on 127.0.0.1; ``put`` a path, then read ``requests``."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str, str, str]] = {}  # body, type, etag, modified
        self.requests: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self.sent: list[tuple[str, dict[str, str]]] = []  # (path, conditional headers)
        self.status: dict[str, int] = {}
        self.delay: dict[str, float] = {}
        self.headers: dict[str, dict[str, str]] = {}  # extra response headers ("Retry-After")
        self._version = 0
        self._lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server._answer(self)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def put(self, path: str, body: str, content_type: str = "application/rss+xml") -> None:
        """Serve ``body`` at ``path`` from now on, with a new ETag and Last-Modified."""
        with self._lock:
            self._version += 1
            data = body.encode()
            etag = f'"{hashlib.sha1(data).hexdigest()[:16]}"'
            modified = formatdate(1_700_000_000 + self._version, usegmt=True)
            self.files[path] = (data, content_type, etag, modified)

    def _answer(self, h: http.server.BaseHTTPRequestHandler) -> None:
        path = h.path
        with self._lock:
            self.requests[path] += 1
            cond = {k: v for k, v in h.headers.items() if k.lower().startswith("if-")}
            self.sent.append((path, cond))
            found = self.files.get(path)
        time.sleep(self.delay.get(path, 0.0))
        if path in self.status or found is None:
            h.send_response(self.status.get(path, 404))
            for name, value in self.headers.get(path, {}).items():
                h.send_header(name, value)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        data, content_type, etag, modified = found
        match = h.headers.get("If-None-Match")
        fresh = match == etag if match else h.headers.get("If-Modified-Since") == modified
        if fresh:
            with self._lock:
                self.not_modified[path] += 1
            h.send_response(304)
            h.send_header("ETag", etag)
            h.end_headers()
            return
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(data)))
        h.send_header("ETag", etag)
        h.send_header("Last-Modified", modified)
        h.end_headers()
        h.wfile.write(data)

    def __enter__(self) -> FeedServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
