"""Reading inputs: ``.txt`` files with optional YAML front matter, ``.html`` pages, or stdin."""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from .clean import _to_date, clean_html, decode_html, find_dateline
from .errors import BadFrontMatter, UnreadableInput
from .sources import Registry, Site, load_registry

SUFFIXES = (".txt", ".html", ".htm")


@dataclass
class SourceDoc:
    """One article ready for extraction: cleaned text and what is known about it."""

    doc: str
    text: str
    url: str | None = None
    title: str | None = None
    published: date | None = None
    source: str | None = None
    path: str | None = None
    raw_html: str | None = None
    is_article: bool = True

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def split_front_matter(raw: str, *, path: str | None = None) -> tuple[dict[str, object], str]:
    """``---`` YAML ``---`` at the top of a text file, and the text after it."""
    if not raw.startswith("---"):
        return {}, raw
    lines = raw.split("\n")
    if lines[0].strip() != "---":
        return {}, raw
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            block = lines[1:i]
            try:
                meta = yaml.safe_load("\n".join(block)) or {}
            except yaml.YAMLError as exc:
                plain = _plain_front_matter(block)  # "title: Chợ Mới: …" is not YAML, but is clear
                if plain is None:
                    raise BadFrontMatter(f"invalid YAML front matter: {exc}".split("\n")[0], path=path,
                                         hint="fix the lines between the two --- (quote a value "
                                              "that holds ': ')") from exc
                meta = plain
            if not isinstance(meta, dict):
                raise BadFrontMatter("front matter is not a mapping", path=path)
            return meta, "\n".join(lines[i + 1:])
    raise BadFrontMatter("front matter opened with --- is never closed", path=path)


_PLAIN_LINE = re.compile(r"^(url|title|published|source)\s*:\s*(.*?)\s*$")


def _plain_front_matter(block: list[str]) -> dict[str, object] | None:
    """Front matter written as plain ``key: value`` lines, one per known key (a title with a
    colon of its own is common and not valid YAML); None when a line is anything else."""
    out: dict[str, object] = {}
    for line in block:
        if not line.strip():
            continue
        m = _PLAIN_LINE.match(line)
        if m is None or m.group(1) in out:
            return None
        value = m.group(2)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        out[m.group(1)] = value
    return out


def from_text(raw: str, doc: str, *, path: str | None = None) -> SourceDoc:
    raw = unicodedata.normalize("NFC", raw.lstrip("\ufeff"))
    meta, text = split_front_matter(raw, path=path)
    if not text.strip():
        raise UnreadableInput("the document is empty", path=path)
    published = _to_date(meta.get("published")) or find_dateline(text)
    def s(k: str) -> str | None:
        v = meta.get(k)
        return str(v) if v is not None else None
    return SourceDoc(doc=doc, text=text, url=s("url"), title=s("title"), published=published,
                     source=s("source"), path=path)


def from_html(data: bytes, doc: str, *, path: str | None = None, url: str | None = None,
              registry: Registry | None = None, header_charset: str | None = None) -> SourceDoc:
    html = decode_html(data, header_charset, path=path)
    registry = registry or load_registry()
    site = registry.find(None, url) if url else None
    if site is None and url is None:  # a saved page: the registry's site whose profile finds a body in it
        site = _guess_site(html, registry)
    return from_page(html, doc, site, url=url, path=path)


def from_page(html: str, doc: str, site: Site | None, *, url: str | None = None,
              path: str | None = None) -> SourceDoc:
    """A decoded page, cleaned with its site's profile (or the generic fallback)."""
    cleaned = clean_html(html, site.profile if site else None)
    if not cleaned.text.strip():
        raise UnreadableInput("the page has no article text", path=path or url)
    return SourceDoc(doc=doc, text=cleaned.text, url=url, title=cleaned.title,
                     published=cleaned.published, source=site.id if site else None, path=path,
                     raw_html=html, is_article=cleaned.is_article)


def _guess_site(html: str, registry: Registry):  # type: ignore[no-untyped-def]
    """The registry's site whose profile finds exactly one article body in the page."""
    from .clean import _soup

    soup = _soup(html)
    for site in registry.sites:
        for sel in site.profile.body[:1]:
            if len(soup.select(sel)) == 1:
                return site
    return None


def read_path(path: Path, registry: Registry | None = None) -> SourceDoc:
    """Read one ``.txt`` or ``.html`` file (``-`` reads standard input as text)."""
    if str(path) == "-":
        return from_text(sys.stdin.read(), "stdin", path="-")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableInput(f"cannot read: {exc.strerror or exc}", path=str(path)) from exc
    if not data.strip():
        raise UnreadableInput("the file is empty", path=str(path))
    if path.suffix.lower() in (".html", ".htm"):
        return from_html(data, path.stem, path=str(path), registry=registry)
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableInput(f"not UTF-8 text (byte {exc.start})", path=str(path),
                              hint="convert it with iconv -f <encoding> -t utf-8") from exc
    return from_text(raw, path.stem, path=str(path))


def expand(paths: Iterable[Path], suffixes: tuple[str, ...] = SUFFIXES) -> Iterator[Path]:
    """Files of the given paths; folders give their documents in name order."""
    for p in paths:
        if str(p) != "-" and p.is_dir():
            yield from sorted(q for q in p.rglob("*") if q.suffix.lower() in suffixes and q.is_file())
        else:
            yield p
