"""Polite HTTP fetching (httpx): one gate per host, retries with backoff, redirects, size limits.

``Fetcher.get(url)`` returns a ``Fetched`` whatever happens; it never raises for what a web server
does. Its ``outcome`` is one of:

- ``ok``            a 2xx response with a body no larger than ``max_bytes``
- ``not_modified``  304 to a conditional request (ETag / Last-Modified)
- ``redirect_off``  a redirect to another host (``location`` says where); not followed
- ``skipped``       not fetched or not kept for a reason that will not change (non-HTML, too large)
- ``failed``        gave up; ``transient`` says whether a later run should try again

Transient errors (time-outs, connection errors, truncated bodies, 429 and 5xx) are retried with
exponential backoff and jitter; a ``Retry-After`` header is honoured (and also holds back the
host's other requests). Redirects are followed by hand, up to ``max_redirects``, so a loop is
seen and each hop is checked against robots.txt by the caller's ``allowed`` function.

Nothing a server does can hold a crawl: each request has an overall ``deadline`` (connect to last
byte, so a server that drips a byte a second is cut off, headers or body) and each URL a
``page_deadline`` (its retries, waits and redirects included). A request cut off by its deadline
is not retried in this run: the page fails as transient (a later run tries again) and
``host_stalled`` tells the crawler to leave the host's other pages for a later run. Bodies are
decoded here, not by httpx, one bounded piece at a time through every ``Content-Encoding`` layer
(``gzip, gzip`` included), so a compression bomb is stopped at ``max_bytes`` decoded bytes
without ever holding more than that in memory.
"""

from __future__ import annotations

import asyncio
import random
import ssl
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import httpx

from .links import SitemapStream
from .sources import CrawlSettings
from .urls import canonical, host_key, hostname, is_crawlable

HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/gzip",
              "application/x-gzip")  # gzip: sitemap.xml.gz
ACCEPT_ENCODING = "gzip, deflate"  # what _Decoder undoes (httpx would also offer br/zstd when installed)
DECODE_PIECE = 64 * 1024  # the most one decompression step produces
RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504, 507, 509, 520, 521, 522, 523, 524})


@dataclass
class Attempt:
    """One request on the wire, for the fetch log."""

    url: str
    started: float  # time.time()
    elapsed: float
    status: int | None
    result: str  # ok, retry, redirect, not_modified, error
    reason: str | None = None
    size: int = 0


@dataclass
class Fetched:
    url: str  # as asked
    final_url: str  # after redirects
    outcome: str
    status: int | None = None
    content_type: str | None = None
    charset: str | None = None
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    reason: str | None = None
    transient: bool = False
    location: str | None = None
    retry_after: str | None = None  # the last Retry-After header seen
    host_paused: bool = False  # the host asked to wait longer than max_retry_after: stop it for this run
    host_stalled: bool = False  # a request outran its deadline: the host's other pages wait for a later run
    truncated: bool = False  # the body was cut at ``limit`` bytes (``get(..., limit=…)``)
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def is_html(self) -> bool:
        return (self.content_type or "") in HTML_TYPES

    @property
    def is_feed(self) -> bool:
        return (self.content_type or "") in FEED_TYPES


class HostGate:
    """At most ``concurrency`` requests at once to one host, and ``delay`` seconds from the end of
    one request to the start of the next (and between starts), so that a slow server or a busy
    event loop never bunches requests together."""

    def __init__(self, delay: float, concurrency: int = 1):
        self.delay = delay
        self._sem = asyncio.Semaphore(max(1, concurrency))
        self._lock = asyncio.Lock()
        self._next = 0.0  # loop time before which no request may start

    def slow_down(self, delay: float) -> None:
        """A longer delay (robots.txt Crawl-delay), counted from the last request already made."""
        if delay > self.delay:
            self._next += delay - self.delay
            self.delay = delay

    def hold_back(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        self._next = max(self._next, loop.time() + seconds)

    async def __aenter__(self) -> HostGate:
        await self._sem.acquire()
        async with self._lock:
            loop = asyncio.get_running_loop()
            wait = self._next - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            self._next = loop.time() + self.delay
        return self

    async def __aexit__(self, *exc: object) -> None:
        loop = asyncio.get_running_loop()
        self._next = max(self._next, loop.time() + self.delay)
        self._sem.release()


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def _media_type(header: str | None) -> tuple[str | None, str | None]:
    if not header:
        return None, None
    parts = [p.strip() for p in header.split(";")]
    charset = next((p.split("=", 1)[1].strip(" \"'") for p in parts[1:] if p.lower().startswith("charset=")),
                   None)
    return parts[0].lower() or None, charset or None


class Fetcher:
    """Fetches for many hosts at once: one gate and one HTTP client (its own connection pool) per
    host. httpcore looks through every connection of a pool for each request, so one pool shared
    by a few hundred hosts would cost the event loop CPU on every page; a host's client is closed
    when the crawler is done with the host (``close_host``)."""

    def __init__(self, settings: CrawlSettings, user_agent: str,
                 client: httpx.AsyncClient | None = None, seed: int | None = None):
        self.settings = settings
        self.gates: dict[str, HostGate] = {}
        self._random = random.Random(seed)
        self._given = client  # one client for every host (tests), never closed per host
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._ssl: ssl.SSLContext | None = None  # made once, shared by the hosts' clients
        self._headers = {"User-Agent": user_agent, "Accept-Language": "vi,en;q=0.5",
                         "Accept-Encoding": ACCEPT_ENCODING,
                         "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5"}

    def client(self, url: str) -> httpx.AsyncClient:
        """The HTTP client of the URL's host (made on first use)."""
        if self._given is not None:
            return self._given
        key = host_key(url)
        client = self._clients.get(key)
        if client is None:
            if self._ssl is None:
                self._ssl = httpx.create_ssl_context()
            per_host = max(1, self.settings.concurrency_per_host)
            client = self._clients[key] = httpx.AsyncClient(
                headers=self._headers, timeout=httpx.Timeout(self.settings.timeout), follow_redirects=False,
                verify=self._ssl, limits=httpx.Limits(max_connections=per_host + 1, max_keepalive_connections=per_host))
        return client

    async def close_host(self, key: str) -> None:
        """Close the connections of a host (``host_key``); its next request opens new ones."""
        client = self._clients.pop(key, None)
        if client is not None:
            await client.aclose()

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()
        if self._given is not None:
            await self._given.aclose()

    def gate(self, url: str) -> HostGate:
        key = host_key(url)
        if key not in self.gates:
            self.gates[key] = HostGate(self.settings.delay, self.settings.concurrency_per_host)
        return self.gates[key]

    def _backoff(self, attempt: int) -> float:
        base = self.settings.backoff * (2 ** attempt)
        return base + self._random.uniform(0, self.settings.backoff)

    async def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
                  allowed: Callable[[str], bool] | None = None,
                  accept: tuple[str, ...] | None = HTML_TYPES + FEED_TYPES, limit: int | None = None) -> Fetched:
        """Fetch one URL politely; see the module docstring for the outcomes.

        ``accept``: the media types kept (others are skipped unread); None keeps any type.
        ``limit``: keep the first ``limit`` decoded bytes of a longer body (``truncated``) instead
        of skipping it as too large (robots.txt).
        """
        s = self.settings
        result = Fetched(url=url, final_url=url, outcome="failed")
        page_end = time.monotonic() + s.page_deadline
        seen: Counter[str] = Counter()  # the URLs of this fetch, canonical: filled at the first redirect
        current = url
        hops = 0
        attempt = 0
        while True:
            headers = {}  # validators go on every hop: http -> https redirects keep revisits conditional
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            gate = self.gate(current)
            started, t0 = time.time(), time.monotonic()
            retry_reason: str | None = None
            retry_wait: float | None = None
            if time.monotonic() >= page_end:
                return self._fail(result, f"page deadline: more than page_deadline {s.page_deadline:g} s for this "
                                  "URL (retries and redirects included)", transient=True)
            try:
                async with gate:
                    started, t0 = time.time(), time.monotonic()
                    budget = min(s.deadline, max(0.0, page_end - t0))
                    try:
                        async with asyncio.timeout(budget):
                            outcome = await self._one(current, headers, result, accept, limit)
                    except TimeoutError:
                        whole = budget >= s.deadline
                        reason = (f"deadline: no complete response within deadline {s.deadline:g} s" if whole else
                                  f"page deadline: more than page_deadline {s.page_deadline:g} s for this URL")
                        result.attempts.append(Attempt(current, started, time.monotonic() - t0, result.status,
                                                       "error", reason))
                        result.host_stalled = whole
                        return self._fail(result, f"{reason}: left for a later run", transient=True)
            except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError) as exc:
                result.attempts.append(Attempt(current, started, time.monotonic() - t0, None, "error", str(exc)))
                return self._fail(result, f"invalid URL: {exc}")
            except httpx.TimeoutException as exc:
                retry_reason = f"time-out ({type(exc).__name__})"
            except (httpx.TransportError, httpx.DecodingError) as exc:
                retry_reason = f"{type(exc).__name__}: {exc}".strip()[:200]
            else:
                if outcome == "retry":
                    retry_reason = f"HTTP {result.status}"
                    retry_wait = retry_after_seconds(result.retry_after)
                    if retry_wait is not None and retry_wait > s.max_retry_after:
                        result.attempts.append(Attempt(current, started, time.monotonic() - t0, result.status,
                                                       "error", f"Retry-After {retry_wait:.0f} s"))
                        result.host_paused = True
                        return self._fail(result, f"HTTP {result.status}, Retry-After {retry_wait:.0f} s is "
                                          "longer than max_retry_after: left for a later run", transient=True)
                elif outcome == "redirect":
                    result.attempts.append(Attempt(current, started, time.monotonic() - t0, result.status,
                                                   "redirect", result.location))
                    target = result.location or ""
                    hops += 1
                    try:
                        if not is_crawlable(target):
                            return self._fail(result, f"redirect to a non-http URL: {target[:200]}")
                        key = canonical(target)
                    except ValueError as exc:
                        return self._fail(result, f"redirect to an invalid URL {target[:200]!r}: {exc}")
                    if not seen:
                        seen[canonical(url)] += 1
                    if seen[key] >= 2:  # one return is allowed (cookie checks: A -> A?check -> A)
                        return self._fail(result, f"redirect loop: {current} -> {target}")
                    if hops > s.max_redirects:
                        return self._fail(result, f"more than {s.max_redirects} redirects")
                    seen[key] += 1
                    if hostname(target) != hostname(url):
                        result.outcome, result.reason = "redirect_off", f"redirects to another host: {target}"
                        result.final_url = target
                        return result
                    if allowed is not None and not allowed(target):
                        return self._skip(result, f"redirect target disallowed by robots.txt: {target}")
                    current = result.final_url = target
                    result.location = None
                    continue
                else:
                    result.attempts.append(Attempt(current, started, time.monotonic() - t0, result.status,
                                                   outcome if outcome in ("ok", "not_modified") else "error",
                                                   result.reason, len(result.body)))
                    return result
            # a transient failure
            result.attempts.append(Attempt(current, started, time.monotonic() - t0, result.status, "retry",
                                           retry_reason))
            if attempt >= s.retries:
                return self._fail(result, f"gave up after {attempt + 1} attempts: {retry_reason}", transient=True)
            wait = retry_wait if retry_wait is not None else self._backoff(attempt)
            gate.hold_back(wait)
            attempt += 1
            result.status = None
            result.retry_after = None

    def _fail(self, result: Fetched, reason: str, transient: bool = False) -> Fetched:
        result.outcome, result.reason, result.transient, result.body = "failed", reason, transient, b""
        return result

    def _skip(self, result: Fetched, reason: str) -> Fetched:
        result.outcome, result.reason, result.body = "skipped", reason, b""
        return result

    async def _one(self, url: str, headers: dict[str, str], result: Fetched,
                   accept: tuple[str, ...] | None, limit: int | None = None) -> str:
        """One request; fills ``result`` and says what to do next (ok, retry, redirect, done)."""
        s = self.settings
        async with self.client(url).stream("GET", url, headers=headers) as resp:
            result.status = resp.status_code
            if resp.status_code in (301, 302, 303, 307, 308):
                location = resp.headers.get("location")
                if not location:
                    self._fail(result, f"HTTP {resp.status_code} without a Location header")
                    return "done"
                result.location = urljoin(url, location)
                return "redirect"
            if resp.status_code == 304:
                result.outcome, result.reason = "not_modified", None
                return "not_modified"
            if resp.status_code in RETRY_STATUS or 500 <= resp.status_code < 600:
                result.retry_after = resp.headers.get("retry-after")
                return "retry"
            if not 200 <= resp.status_code < 300:
                self._fail(result, f"HTTP {resp.status_code}")
                return "done"
            media, charset = _media_type(resp.headers.get("content-type"))
            result.content_type, result.charset = media, charset
            if accept is not None and media is not None and media not in accept:
                self._skip(result, f"not HTML ({media})")
                return "done"
            # a sitemap or feed over max_bytes is streamed (only its URLs kept), never skipped
            xml = limit is None and (media in FEED_TYPES or url.split("?", 1)[0].lower().endswith((".xml", ".xml.gz")))
            cap = limit if limit is not None else s.max_bytes
            length = resp.headers.get("content-length")
            if limit is None and not xml and length and length.isdigit() and int(length) > s.max_bytes:
                self._skip(result, f"too large ({int(length):,} bytes > max_bytes {s.max_bytes:,})")
                return "done"
            most = s.max_sitemap_bytes if xml else cap  # bytes read at most, once decoded
            try:
                decoder = _Decoder(resp.headers.get("content-encoding"), most)
            except _Unsupported as exc:
                self._skip(result, str(exc))
                return "done"
            chunks: list[bytes] = []
            size = 0
            stream: SitemapStream | None = None
            try:
                async for raw in resp.aiter_raw():
                    for piece in decoder.feed(raw):
                        size += len(piece)
                        if stream is not None:
                            stream.feed(piece)
                        elif xml and size > cap:
                            stream = SitemapStream(url)
                            stream.feed(b"".join(chunks) + piece)
                            chunks = []
                        else:
                            chunks.append(piece)
                        if size > most or (stream is not None and len(stream.urls) >= stream.max_urls):
                            break
                    if size > most or (stream is not None and len(stream.urls) >= stream.max_urls):
                        break  # sitemaps.org's limits for a streamed sitemap: what was read is kept
            except _TooLarge:
                size = most + 1
            if stream is not None:
                result.body = stream.close()
            else:
                if size > cap:
                    if limit is None:
                        self._skip(result, f"too large (more than max_bytes {s.max_bytes:,} bytes once decoded)")
                        return "done"
                    result.truncated = True
                result.body = b"".join(chunks)[:cap]
            result.etag = resp.headers.get("etag")
            result.last_modified = resp.headers.get("last-modified")
            result.outcome, result.reason = "ok", None
            return "ok"


class _Unsupported(Exception):
    """A Content-Encoding this fetcher does not undo."""


class _TooLarge(Exception):
    """An inner encoding layer grew past any body of the allowed size."""


class _Inflate:
    """One gzip or deflate layer, undone at most ``DECODE_PIECE`` bytes at a time."""

    def __init__(self, kind: str):
        self.kind = kind
        self._d = zlib.decompressobj(16 + zlib.MAX_WBITS if kind == "gzip" else zlib.MAX_WBITS)
        self._started = False
        self._done = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        more = bool(data)
        while more and not self._done:
            try:
                out = self._d.decompress(data, DECODE_PIECE)
            except zlib.error as exc:
                if self.kind == "deflate" and not self._started:  # raw deflate, without the zlib header
                    self._d = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._started = True
                    continue
                raise httpx.DecodingError(f"invalid {self.kind} data: {exc}") from exc
            self._started = True
            if self._d.eof:
                rest = self._d.unused_data
                if self.kind == "gzip" and rest.startswith(b"\x1f\x8b"):  # another gzip member
                    self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
                    data = rest
                else:
                    self._done = True  # bytes after the end of the stream are ignored, as browsers do
                    data = b""
            else:
                data = self._d.unconsumed_tail
            # go on while input is left, or while a full piece says more output may be pending
            more = bool(data) or len(out) == DECODE_PIECE
            if out:
                yield out


class _Decoder:
    """The ``Content-Encoding`` layers of a body undone in a chain, piece by piece: no layer ever
    holds more than ``DECODE_PIECE`` bytes at once, and an inner layer that grows past what any
    body of ``cap`` bytes needs stops the transfer (``_TooLarge``)."""

    def __init__(self, header: str | None, cap: int):
        names = [e.strip().lower() for e in (header or "").split(",")]
        names = [e for e in names if e and e != "identity"]
        for e in names:
            if e not in ("gzip", "x-gzip", "deflate"):
                raise _Unsupported(f"unsupported Content-Encoding {e!r}")
        self.layers = [_Inflate("gzip" if e == "x-gzip" else e) for e in reversed(names)]  # last applied first
        self.sizes = [0] * len(self.layers)
        self.inner_cap = 2 * cap + 1_000_000  # compressed data is never much larger than what it holds

    def feed(self, data: bytes) -> Iterator[bytes]:
        return self._push(0, data)

    def _push(self, i: int, data: bytes) -> Iterator[bytes]:
        if i == len(self.layers):
            if data:
                yield data
            return
        for piece in self.layers[i].feed(data):
            self.sizes[i] += len(piece)
            if i + 1 < len(self.layers) and self.sizes[i] > self.inner_cap:
                raise _TooLarge
            yield from self._push(i + 1, piece)
