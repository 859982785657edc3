"""The site registry: which site belongs to which province and how to clean its pages."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .errors import RegistryError

DEFAULT_REGISTRY = Path(__file__).resolve().parent.parent / "corpus" / "sources.toml"


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


@dataclass(frozen=True)
class Registry:
    sites: tuple[Site, ...]

    def by_id(self, site_id: str | None) -> Site | None:
        return next((s for s in self.sites if s.id == site_id), None) if site_id else None

    def for_url(self, url: str | None) -> Site | None:
        if not url:
            return None
        host = (urlsplit(url).hostname or "").lower()
        for s in self.sites:
            if any(host == h or host.endswith("." + h) for h in s.hosts):
                return s
        return None

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
        data = tomllib.loads(path.read_text(encoding="utf-8"))
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
                          start_urls=tuple(s.get("start_urls", []))))
    return Registry(tuple(sites))
