"""URLs and feeds: fetch a page (httpx) and extract it like HTML; ingest RSS/Atom entries.

Only http/https; hosts that resolve to private, loopback, link-local or reserved addresses are
refused unless ``allow_private`` (tests serve pages from 127.0.0.1); every redirect hop is
checked the same way, and every connection goes to the address it checked (no DNS rebinding);
responses are capped in size and time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

import httpcore
import httpx

from ingest.dates import iso_date
from ingest.loaders import LoadError, article_from_html, decode, make_article, metadata
from rag.models import Article
from rag.settings import IngestSettings

FEED_SUFFIXES = {".rss", ".atom", ".xml"}
_MIN_ENTRY_CHARS = 400  # an entry shorter than this is a summary: fetch the linked article
USER_AGENT = "mali-rag/0.1 (+offline news research assistant)"


@dataclass
class Fetched:
    """A fetched response: body, final URL, status and headers (names in lower case)."""

    url: str
    content_type: str
    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        """304: the copy named by the request's validators is still current; no body."""
        return self.status == 304


def is_url(text: str) -> bool:
    """True for strings that look like http(s) URLs."""
    return text.startswith(("http://", "https://"))


def _resolve(host: str, port: int, allow_private: bool) -> list[str]:
    """The addresses ``host`` resolves to.

    Raises:
        LoadError: the name does not resolve, or (unless ``allow_private``) one of its addresses
            is private, loopback, link-local, reserved or multicast.
    """
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as e:
        raise LoadError(f"cannot resolve {host} ({e.strerror})") from e
    addresses = [str(info[4][0]) for info in infos]
    for ip in map(ipaddress.ip_address, [] if allow_private else addresses):
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
            raise LoadError(
                f"{host} resolves to a private or local address ({ip}): refused; pass "
                f"--allow-private to fetch from your own network"
            )
    return addresses


def _check_host(url: str, allow_private: bool) -> None:
    """Refuse non-http(s) URLs, URLs without a host and (early) hosts with private addresses."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https"):
        raise LoadError(f"only http and https URLs are fetched, not {parsed.scheme!r}")
    host = parsed.hostname
    if not host:
        raise LoadError("the URL has no host")
    if not allow_private:
        _resolve(host, parsed.port or 80, allow_private=False)


class _PinnedBackend(httpcore.SyncBackend):
    """The httpcore network backend, connecting only to addresses it has just checked."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        """Resolve ``host`` once, check every address and connect to a checked IP."""
        # Pinned: connecting by name would resolve it again, and a DNS answer that changes after
        # the check (DNS rebinding) would reach a private address. The Host header and the TLS
        # server name still carry ``host``: httpcore takes them from the URL, not from here.
        *others, last = _resolve(host, port, self.allow_private)
        for ip in others:  # like socket.create_connection: try each address in turn
            with contextlib.suppress(httpcore.ConnectError, httpcore.ConnectTimeout):
                return super().connect_tcp(ip, port, timeout, local_address, socket_options)
        return super().connect_tcp(last, port, timeout, local_address, socket_options)


def _transport(allow_private: bool) -> httpx.HTTPTransport:
    """The default httpx transport over a connection pool that uses ``_PinnedBackend``."""
    transport = httpx.HTTPTransport()
    # httpx 0.28 has no network-backend option: swap in a pool that has one
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(), network_backend=_PinnedBackend(allow_private)
    )
    return transport


def fetch(
    url: str,
    settings: IngestSettings,
    *,
    allow_private: bool = False,
    headers: dict[str, str] | None = None,
) -> Fetched:
    """GET ``url`` with redirects checked hop by hop, a timeout and a size cap.

    ``headers`` are sent with every hop (e.g. ``If-None-Match``); a 304 answer is returned
    (``not_modified``, empty body), any other status from 400 up raises :class:`LoadError`.
    """
    cap = int(settings.max_fetch_mb * 1024 * 1024)
    # a refused address raises LoadError inside the transport: httpx re-raises exceptions that
    # are not httpcore's unchanged, so it reaches the caller with its message
    with httpx.Client(
        transport=_transport(allow_private),
        timeout=settings.fetch_timeout,
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT, **(headers or {})},
    ) as client:
        for _hop in range(6):
            _check_host(url, allow_private)
            try:
                with client.stream("GET", url) as r:
                    if r.is_redirect and "location" in r.headers:
                        url = urljoin(url, r.headers["location"])
                        continue
                    if r.status_code >= 400:
                        wait = retry_after(r.headers.get("retry-after", ""))
                        asked = f" (the server asks to wait {wait:g} s)" if wait else ""
                        raise LoadError(f"HTTP {r.status_code} from {url}{asked}", retry_after=wait)
                    body = b""
                    for part in r.iter_bytes():
                        body += part
                        if len(body) > cap:
                            raise LoadError(
                                f"response over {settings.max_fetch_mb:g} MB: refused "
                                "(RAG_INGEST__MAX_FETCH_MB)"
                            )
                    return Fetched(
                        str(r.url),
                        r.headers.get("content-type", ""),
                        body,
                        status=r.status_code,
                        headers={k.lower(): v for k, v in r.headers.items()},
                    )
            except httpx.HTTPError as e:
                raise LoadError(f"cannot fetch {url} ({type(e).__name__}: {e})") from e
    raise LoadError(f"too many redirects from {url}")


def retry_after(value: str, now: dt.datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait: a number, or an HTTP date; None if absent.

    >>> retry_after("120")
    120.0
    """
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def looks_like_feed(content_type: str, body: bytes) -> bool:
    """RSS/Atom by content type or by the document's root element."""
    if any(t in content_type for t in ("rss", "atom")):
        return True
    head = body[:2000].lstrip().lower()
    return (
        head.startswith(b"<?xml")
        and (b"<rss" in head or b"<feed" in head)
        or head.startswith((b"<rss", b"<feed"))
    )


def load_url(
    url: str, settings: IngestSettings, *, allow_private: bool = False
) -> tuple[list[Article], list[str]]:
    """A page (one article) or a feed (one article per entry) at ``url``."""
    got = fetch(url, settings, allow_private=allow_private)
    if looks_like_feed(got.content_type, got.body):
        return load_feed(got.body, settings, allow_private=allow_private, origin=got.url)
    html = decode(got.body)
    return [article_from_html(html, key=got.url, path=got.url, url=got.url)], []


def load_feed(
    body: bytes, settings: IngestSettings, *, allow_private: bool = False, origin: str = ""
) -> tuple[list[Article], list[str]]:
    """Each entry of an RSS/Atom feed; entries holding only a summary fetch their link."""
    outlet, entries = parse_feed(body)

    def get(url: str) -> Fetched:
        return fetch(url, settings, allow_private=allow_private)

    articles: list[Article] = []
    errors: list[str] = []
    for n, entry in enumerate(entries, 1):
        try:
            articles.append(entry_article(entry, n, outlet=outlet, origin=origin, get=get))
        except LoadError as e:
            errors.append(f"{entry_where(entry, n)}: {e}")
    return articles, errors


def parse_feed(body: bytes) -> tuple[str, list[Any]]:
    """The feed's title and its entries (feedparser's dicts), or LoadError when unreadable."""
    import feedparser

    feed = feedparser.parse(body)
    if feed.bozo and not feed.entries:
        raise LoadError(f"not a readable RSS/Atom feed ({feed.bozo_exception})")
    outlet = str(feed.feed.get("title", "")) if hasattr(feed, "feed") else ""
    return outlet, list(feed.entries)


def entry_where(entry: Any, n: int) -> str:
    """'entry N (link)': how errors name a feed entry."""
    link = str(entry.get("link") or "")
    return f"entry {n}" + (f" ({link})" if link else "")


def entry_article(
    entry: Any,
    n: int,
    *,
    outlet: str,
    origin: str,
    get: Callable[[str], Fetched],
    source: str = "",
) -> Article:
    """The article of feed entry ``n``; a summary-only entry fetches its link with ``get``.

    ``outlet`` (the feed's title) names the source when the entry has none of its own;
    ``source``, when given, names it whatever the feed or the page says.
    """
    link = str(entry.get("link") or "")
    where = entry_where(entry, n)
    content = entry.get("content") or []
    html = content[0].get("value", "") if content else str(entry.get("summary", ""))
    published = entry.get("published") or entry.get("updated") or ""
    try:  # a feed's date is the publisher's: one that cannot be read is left out, not an error
        published = iso_date(published)
    except LoadError:
        published = ""
    text = _html_text(html)
    if len(text) < _MIN_ENTRY_CHARS and link:
        page = get(link)
        art = article_from_html(decode(page.body), key=page.url, path=page.url, url=page.url)
        meta = {k: getattr(art, k) for k in ("title", "source", "url", "published", "author")}
        meta["title"] = meta["title"] or str(entry.get("title", ""))
        meta["published"] = (
            meta["published"] or metadata({"published": published}, where)["published"]
        )
        meta["source"] = source or meta["source"]
        return make_article(page.url, art.text, meta, path=page.url, strip=False)
    meta = metadata(
        {
            "title": entry.get("title"),
            "url": link,
            "published": published,
            "author": entry.get("author"),
            "source": source or outlet or None,
        },
        where,
    )
    return make_article(link or f"{origin}#{n}", text, meta, path=link or origin)


def load_feed_file(path: Path, settings: IngestSettings) -> tuple[list[Article], list[str]]:
    """An RSS/Atom feed saved as a file."""
    from ingest.loaders import read_bytes

    return load_feed(read_bytes(path, settings.max_file_mb), settings, origin=str(path))


def _html_text(html: str) -> str:
    """Plain text of an HTML fragment (feed summaries)."""
    if "<" not in html:
        return html.strip()
    import lxml.html

    try:
        return str(lxml.html.fromstring(html).text_content()).strip()
    except Exception:
        return ""
