"""The site registry: which site belongs to which province and how to clean its pages."""

from __future__ import annotations

import hashlib
import marshal
import sys
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import RegistryError

DEFAULT_REGISTRY = Path(__file__).resolve().parent.parent / "corpus" / "sources.toml"
#: the default registry parsed once (``make``: ``tools/build_registry.py``; not in git): tomllib is
#: pure Python, 10–15 ms of every command for its 35 KB. Used for a file of the same bytes only.
PARSED = Path(__file__).resolve().parent / "data" / "registry.marshal"


def parsed_bytes(raw: bytes) -> bytes:
    """The prebuilt form of a registry file's bytes: the parse, stamped with their digest."""
    return marshal.dumps((sys.version, hashlib.sha256(raw).hexdigest(), marshal.dumps(tomllib.loads(raw.decode()))))


def _parse(raw: bytes) -> dict[str, Any]:
    try:
        stamp, digest, parsed = marshal.loads(PARSED.read_bytes())
        if stamp == sys.version and digest == hashlib.sha256(raw).hexdigest():
            return marshal.loads(parsed)  # type: ignore[no-any-return]
    except (OSError, ValueError, EOFError, TypeError):
        pass
    return tomllib.loads(raw.decode("utf-8"))


@dataclass(frozen=True)
class Profile:
    """CSS selectors (soupsieve) that find an article in one site's pages."""

    body: list[str] = field(default_factory=list)
    title: list[str] = field(default_factory=list)
    date: list[str] = field(default_factory=list)
    author: list[str] = field(default_factory=list)
    drop: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    hosts: tuple[str, ...]
    province: str | None
    profile: Profile
    start_urls: tuple[str, ...] = ()
    follow: tuple[str, ...] = ()  # regexes: only links whose URL matches one are followed (all if empty)
    skip: tuple[str, ...] = ()  # regexes: links whose URL matches one are never followed
    province_2025: str | None = None  # the province after the 2025 merger
    kind: str | None = None  # newspaper, portal, radio-tv
    verified: bool = True  # false: hosts and start URLs written without checking them on the web


@dataclass(frozen=True)
class CrawlSettings:
    """The ``[crawler]`` table of the registry; command-line options override it."""

    contact: str = "dvk-maintainers@example.org"
    user_agent: str = "dvk/{version} (+https://github.com/dvk-project/dvk; {contact})"
    delay: float = 1.0  # seconds between two requests to one host (robots.txt Crawl-delay wins if larger)
    concurrency_per_host: int = 1
    hosts_in_parallel: int = 256  # hosts crawled at once (each at concurrency_per_host): a national crawl
    timeout: float = 20.0  # httpx's limit on each step (connect, one read, one write)
    deadline: float = 60.0  # the most one request may take, first byte to last (a server dripping bytes)
    page_deadline: float = 300.0  # the most one URL may take, its retries, waits and redirects included
    max_robots_bytes: int = 512_000  # robots.txt is parsed from its first 500 KiB (RFC 9309 §2.5)
    retries: int = 4  # attempts after the first, on time-outs, connection errors, 429 and 5xx
    backoff: float = 1.0  # first retry waits about this long, doubling each time, plus jitter
    max_retry_after: float = 300.0  # a longer Retry-After defers the page to the next run
    max_redirects: int = 5
    max_bytes: int = 5_000_000
    max_sitemap_bytes: int = 50_000_000  # a sitemap or feed over max_bytes is streamed up to this (unpacked)
    max_depth: int = 3
    max_links_per_page: int = 2000  # links taken from one HTML page (the rest are counted, not queued)
    follow_article_links: bool = True  # False: only listings, feeds and sitemaps give new links
    revisit_after_hours: float = 168.0  # articles are re-fetched (conditionally) after this long
    max_failed_runs: int = 3  # transient failures are retried on this many later runs
    topic: tuple[str, ...] = ("dân vận khéo",)
    tracking_params: tuple[str, ...] = ("utm_*", "fbclid", "gclid", "zarsrc", "zarsrc*", "_ga", "mc_*")

    def agent(self, version: str) -> str:
        return self.user_agent.format(version=version, contact=self.contact)


@dataclass(frozen=True)
class Registry:
    sites: tuple[Site, ...]
    crawler: CrawlSettings = field(default_factory=CrawlSettings)

    def by_id(self, site_id: str | None) -> Site | None:
        return self._ids.get(site_id) if site_id else None

    def for_url(self, url: str | None) -> Site | None:
        """The first site with a host that is the URL's host or a domain above it."""
        if not url:
            return None
        host = (urlsplit(url).hostname or "").lower()
        memo = self._site_of_host
        if host not in memo:
            # the host itself and what follows each of its dots: the hosts ``host`` equals or ends with "." + h
            found = [i for h in (host, *(host[k + 1:] for k, c in enumerate(host) if c == "."))
                     if (i := self._hosts.get(h)) is not None]
            memo[host] = self.sites[min(found)] if found else None
        return memo[host]

    @cached_property
    def _site_of_host(self) -> dict[str, Site | None]:
        """``for_url``'s answers by host (every link of a page asks)."""
        return {}

    @cached_property
    def _ids(self) -> dict[str, Site]:
        out: dict[str, Site] = {}
        for s in self.sites:
            out.setdefault(s.id, s)
        return out

    @cached_property
    def _hosts(self) -> dict[str, int]:
        """Each host of a site, and the position of the first site that lists it."""
        out: dict[str, int] = {}
        for i, s in enumerate(self.sites):
            for h in s.hosts:
                out.setdefault(h, i)
        return out

    def find(self, source: str | None, url: str | None) -> Site | None:
        site = self.by_id(source) or self.for_url(url)
        if site is None and source:
            site = self.for_url("http://" + source)
        return site


def load_registry(path: Path | None = None) -> Registry:
    path = path or DEFAULT_REGISTRY
    if not path.exists():
        return Registry(())
    try:
        data = _parse(path.read_bytes())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RegistryError(f"cannot read the site registry: {exc}", path=str(path),
                            hint="fix the TOML syntax") from exc
    profiles = {name: Profile(**p) for name, p in data.get("profile", {}).items()}
    sites = []
    for sid, s in data.get("site", {}).items():
        prof_name = s.get("profile", "generic")
        if prof_name not in profiles and prof_name != "generic":
            raise RegistryError(f"site {sid!r} names unknown profile {prof_name!r}", path=str(path))
        sites.append(Site(id=sid, name=s.get("name", sid), hosts=tuple(s.get("hosts", [])),
                          province=s.get("province"), profile=profiles.get(prof_name, Profile()),
                          start_urls=tuple(s.get("start_urls", [])), follow=tuple(s.get("follow", [])),
                          skip=tuple(s.get("skip", [])), province_2025=s.get("province_2025"),
                          kind=s.get("kind"), verified=bool(s.get("verified", True))))
    raw = data.get("crawler", {})
    known = set(CrawlSettings.__dataclass_fields__)
    unknown = sorted(set(raw) - known)
    if unknown:
        raise RegistryError(f"unknown [crawler] setting(s): {', '.join(unknown)}", path=str(path),
                            hint=f"known: {', '.join(sorted(known))}")
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}
    try:
        settings = CrawlSettings(**values)
    except TypeError as exc:
        raise RegistryError(f"invalid [crawler] settings: {exc}", path=str(path)) from exc
    return Registry(tuple(sites), settings)
