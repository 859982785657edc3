"""Links out of fetched pages: HTML anchors, sitemaps (urlset, sitemapindex), RSS and Atom feeds."""

from __future__ import annotations

import contextlib
import re
import zlib
from dataclasses import dataclass, field

from .urls import absolute

_FEED_SNIFF = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:[\w-]+:)?(urlset|sitemapindex|rss|feed|rdf)\b", re.S | re.I)


@dataclass
class PageLinks:
    links: list[str] = field(default_factory=list)  # absolute http(s) URLs, in page order, no repeats
    canonical: str | None = None  # <link rel="canonical">
    dropped: int = 0  # distinct links beyond the cap, not taken


def looks_like_feed(body: bytes) -> bool:
    """Sitemap, RSS or Atom XML (whatever the Content-Type says)."""
    return _FEED_SNIFF.match(body[:2048]) is not None


#: links taken from one HTML page at most (a page of 100,000 links is a trap, not a listing)
MAX_LINKS = 2000


def html_links(html: str, base_url: str, *, max_links: int | None = None) -> PageLinks:
    """``<a href>``, ``<area href>`` and ``<link rel=next>`` as absolute URLs, resolved against
    ``<base href>`` when the page has one."""
    from bs4 import BeautifulSoup

    return links_in(BeautifulSoup(html, "lxml"), base_url, max_links=max_links)


def links_in(soup, base_url: str, *, max_links: int | None = None) -> PageLinks:  # type: ignore[no-untyped-def]
    """The links of a parsed page (see ``html_links``); the first ``max_links`` distinct ones, and
    how many more there were in ``PageLinks.dropped``."""
    from .clean import first_tag, tags_in

    cap = MAX_LINKS if max_links is None else max_links
    base_tag = first_tag(soup, "base", "href")
    base = absolute(base_url, str(base_tag["href"])) if base_tag is not None else None
    base = base or base_url
    out = PageLinks()
    seen: set[str] = set()
    for tag in (t for t in tags_in(soup, ("a", "area", "link")) if t.get("href") is not None):
        rel = {r.lower() for r in (tag.get("rel") or [])}
        if tag.name == "link":
            if "canonical" in rel:
                out.canonical = absolute(base, str(tag["href"]))
            if "next" not in rel:
                continue
        if "nofollow" in rel:
            continue
        url = absolute(base, str(tag["href"]))
        if url is None:
            continue
        url = url.split("#", 1)[0]
        if url not in seen:
            seen.add(url)
            if len(out.links) < cap:
                out.links.append(url)
            else:
                out.dropped += 1
    return out


def _entry_url(el) -> str | None:  # type: ignore[no-untyped-def]
    """The URL an element of a sitemap (<loc>) or a feed (RSS <link>text</link>, Atom <link
    href=… rel="alternate">) gives, else None."""
    from lxml import etree

    name = etree.QName(el).localname.lower()
    if name == "loc" or (name == "link" and el.text and el.text.strip()):
        return str(el.text)
    if name == "link" and el.get("href") and el.get("rel", "alternate") == "alternate":
        return str(el.get("href"))
    return None


def feed_links(body: bytes, base_url: str) -> list[str]:
    """The page URLs a sitemap, sitemap index, RSS or Atom feed lists."""
    from lxml import etree

    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    urls: list[str] = []
    seen: set[str] = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        value = _entry_url(el)
        if value:
            url = absolute(base_url, value.strip())
            if url and url not in seen:
                seen.add(url)
                urls.append(url)
    return urls


#: URLs one sitemap may list (sitemaps.org: 50,000 URLs and 50 MB uncompressed per file)
SITEMAP_MAX_URLS = 50_000


class SitemapStream:
    """The page URLs of a sitemap or feed too large to hold (over ``max_bytes``), read as it
    arrives: chunks are parsed incrementally (gzip unpacked on the way), elements freed once
    read, and only the URLs kept. ``close()`` gives a small sitemap of them, which the crawl
    then reads like any other."""

    def __init__(self, base_url: str, max_urls: int = SITEMAP_MAX_URLS):
        from lxml import etree

        self._parser = etree.XMLPullParser(events=("end",), recover=True, resolve_entities=False, no_network=True,
                                           huge_tree=False)
        self._unzip: zlib._Decompress | None = None
        self._started = False
        self.base_url = base_url
        self.max_urls = max_urls
        self.urls: list[str] = []
        self._seen: set[str] = set()
        self.unpacked = 0  # bytes of XML read

    def feed(self, chunk: bytes) -> None:
        if not self._started:
            self._started = True
            if chunk[:2] == b"\x1f\x8b":
                self._unzip = zlib.decompressobj(16 + zlib.MAX_WBITS)
        data = self._unzip.decompress(chunk) if self._unzip is not None else chunk
        self.unpacked += len(data)
        self._parser.feed(data)
        self._drain()

    def _drain(self) -> None:
        from lxml import etree

        for _, el in self._parser.read_events():
            if not isinstance(el.tag, str):
                continue
            name = etree.QName(el).localname.lower()
            value = _entry_url(el)
            if value and len(self.urls) < self.max_urls:
                url = absolute(self.base_url, value.strip())
                if url and url not in self._seen:
                    self._seen.add(url)
                    self.urls.append(url)
            if name in ("url", "sitemap", "item", "entry"):  # keep memory flat: drop what was read
                el.clear()
                parent = el.getparent()
                while parent is not None and el.getprevious() is not None:
                    del parent[0]

    def close(self) -> bytes:
        from xml.sax.saxutils import escape  # here: it imports urllib.request (and ssl) on the way

        from lxml import etree

        with contextlib.suppress(etree.XMLSyntaxError):
            self._parser.close()
        self._drain()
        return ('<?xml version="1.0" encoding="UTF-8"?><urlset>'
                + "".join(f"<url><loc>{escape(u)}</loc></url>" for u in self.urls) + "</urlset>").encode("utf-8")
