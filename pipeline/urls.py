"""URLs as the crawler compares them: one canonical form per page.

``canonical`` lower-cases the scheme and host, drops the default port, the fragment and tracking
parameters (``utm_*``, ``fbclid``… from the registry's ``[crawler] tracking_params``), resolves dot
segments and sorts the query (w3lib's ``canonicalize_url``), so the same article reached through a
share link or a feed is one page.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# A site's menus and side columns repeat on every page: the same links are looked at again and
# again, so these pure functions keep their last answers (a few MB at most).
_MEMO = 1 << 15


@lru_cache(maxsize=_MEMO)
def is_crawlable(url: str) -> bool:
    """Only well-formed http and https URLs with a host (and a valid port, if any)."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for "h.vn:abc" or "h.vn:99999"
    except ValueError:
        return False
    return parts.scheme.lower() in SCHEMES and bool(parts.hostname)


def _drop_tracking(query: str, tracking: Iterable[str]) -> str:
    patterns = [p.lower() for p in tracking]
    kept = [kv for kv in query.split("&") if kv and not any(
        fnmatch.fnmatchcase(kv.split("=", 1)[0].lower(), p) for p in patterns)]
    return "&".join(kept)


def canonical(url: str, tracking: Iterable[str] = ()) -> str:
    """The canonical form of an absolute http(s) URL."""
    return _canonical(url, tracking if isinstance(tracking, tuple) else tuple(tracking))


def canonical_once(url: str, tracking: tuple[str, ...] = ()) -> str:
    """``canonical`` for a URL seen once (a file's own URL, one per document of a run): not
    remembered, so that the memo holds the links that repeat and a run's memory stays flat."""
    return _canonical.__wrapped__(url, tuple(tracking))


@lru_cache(maxsize=_MEMO)
def _canonical(url: str, tracking: tuple[str, ...]) -> str:
    url = canonicalize_url(url.strip(), keep_fragments=False)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    netloc = host
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{parts.port}"
    query = _drop_tracking(parts.query, tracking)
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def absolute(base: str, href: str) -> str | None:
    """``href`` resolved against ``base``; None for mailto:, javascript:, fragments-only, ftp:…"""
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return None
    if href[0] == "/" and href[1:2] not in ("/", "\\"):
        # a path from the root keeps only the scheme and host of the base (RFC 3986 5.2.2): joined
        # to those, the menus every page of a site links to are resolved once
        scheme, sep, rest = base.partition("://")
        if sep and scheme.isalpha():
            base = f"{scheme}://{rest.split('/', 1)[0]}"
    return _absolute(base, href)


@lru_cache(maxsize=_MEMO)
def _absolute(base: str, href: str) -> str | None:
    try:
        url = urljoin(base, href)
    except ValueError:  # "http://[bad" and the like: one bad link is skipped, not the page
        return None
    return url if is_crawlable(url) else None


@lru_cache(maxsize=_MEMO)
def host_key(url: str) -> str:
    """The politeness key: host and port (one queue and one delay per key)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


@lru_cache(maxsize=_MEMO)
def hostname(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def twin_hosts(a: str, b: str) -> bool:
    """The same host, or the same host with and without ``www.`` (tin.vn and www.tin.vn)."""
    a, b = a.lower(), b.lower()
    return a.removeprefix("www.") == b.removeprefix("www.")
