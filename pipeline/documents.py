"""Reading inputs: ``.txt`` files with optional YAML front matter, ``.html`` pages, or stdin."""

from __future__ import annotations

import hashlib
import os
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from .errors import BadFrontMatter, BinaryInput, UnreadableInput
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
            if sum(len(x) + 1 for x in block) > MAX_FRONT_MATTER:
                raise BadFrontMatter(f"front matter longer than {MAX_FRONT_MATTER // 1024} KiB", path=path,
                                     hint="keep url, title, published and source only")
            simple = _simple_front_matter(block)  # the usual lines, read as YAML reads them
            if simple is not None:
                return simple, "\n".join(lines[i + 1:])
            import yaml  # here: the usual lines above need no YAML reader (and a .txt file no yaml)

            try:
                meta = yaml.load("\n".join(block), Loader=_front_matter_loader()) or {}
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


#: the largest front matter read (url, title, published and source take a few hundred bytes)
MAX_FRONT_MATTER = 64 * 1024


@cache
def _front_matter_loader() -> Any:
    """The YAML loader of front matter (made on first use: yaml is imported only for a front
    matter of unusual lines)."""
    import yaml

    class _FrontMatterLoader(yaml.SafeLoader):
        """YAML without aliases (an alias bomb of a few KB expands to gigabytes) and with dates kept
        as the text written, so that an impossible date is reported, not a crash."""

        def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
            if self.check_event(yaml.AliasEvent):
                raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in front matter",
                                                  self.peek_event().start_mark)
            return super().compose_node(parent, index)

    def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> object:
        return loader.construct_scalar(node)  # type: ignore[arg-type]

    _FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)
    return _FrontMatterLoader


# A line of the usual front matter whose YAML value is plain to see: a known key at the margin, one
# space or more, then a double-quoted value without escapes, a single-quoted one without quotes
# inside, a URL, a date, or a word-like name that is no YAML boolean or null; spaces may follow.
_SIMPLE_LINE = re.compile(r"""(url|title|published|source):[ ]+(?:"([^"\\]*)"|'([^']*)'"""
                          r"|(https?://[^\s#]*[^\s#:]|[0-9]{4}-[0-9]{2}-[0-9]{2}|[A-Za-z][A-Za-z0-9._-]*))[ ]*")
_YAML_WORDS = frozenset(form for w in ("yes", "no", "true", "false", "on", "off", "null")
                        for form in (w, w.capitalize(), w.upper()))  # YAML 1.1 booleans and null
# characters that YAML takes as line breaks or refuses (a line of them goes to the YAML reader):
# PyYAML's own set of non-printable characters (tests/test_front_matter.py compares)
_NOT_SIMPLE = re.compile("[\r\x85\u2028\u2029]|[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD"
                         "\U00010000-\U0010ffff]")


def _simple_front_matter(block: list[str]) -> dict[str, object] | None:
    """The front matter of lines like ``title: "…"`` and ``published: 2024-01-05``, as the YAML
    loader reads them (without its pure-Python cost: most files have only such lines); None when
    any line is something else, so that the YAML loader reads the block."""
    out: dict[str, object] = {}
    for line in block:
        if not line.strip(" "):
            continue
        m = _SIMPLE_LINE.fullmatch(line)
        if m is None or m.group(1) in out or _NOT_SIMPLE.search(line):
            return None
        key, double, single, plain = m.groups()
        if plain is not None and plain in _YAML_WORDS:
            return None
        out[key] = double if double is not None else single if single is not None else plain
    return out


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
    from .clean import _to_date, find_dateline

    raw = unicodedata.normalize("NFC", raw.lstrip("\ufeff"))
    meta, text = split_front_matter(raw, path=path)
    if not text.strip():
        raise UnreadableInput("the document is empty", path=path)
    try:
        published = _to_date(meta.get("published")) or find_dateline(text)
    except ValueError as exc:
        raise BadFrontMatter(f"published: {meta.get('published')} is not a date ({exc})", path=path,
                             hint="write it as YYYY-MM-DD") from exc
    def s(k: str) -> str | None:
        v = meta.get(k)
        return str(v) if v is not None else None
    return SourceDoc(doc=doc, text=text, url=s("url"), title=s("title"), published=published,
                     source=s("source"), path=path)


def from_html(data: bytes, doc: str, *, path: str | None = None, url: str | None = None,
              registry: Registry | None = None, header_charset: str | None = None,
              source: str | None = None) -> SourceDoc:
    from .clean import decode_html

    html = decode_html(data, header_charset, path=path)
    registry = registry or load_registry()
    site = registry.find(source, url) if url or source else None
    if site is None and url is None and source is None:  # a saved page: the registry's site whose
        site = _guess_site(html, registry)                 # profile finds a body in it
    src = from_page(html, doc, site, url=url, path=path)
    if src.source is None and source:
        src.source = source
    return src


def from_page(html: str, doc: str, site: Site | None, *, url: str | None = None,
              path: str | None = None) -> SourceDoc:
    """A decoded page, cleaned with its site's profile (or the generic fallback)."""
    from .clean import clean_html

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


_HTML_START = re.compile(rb"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S)
_HTML_TAG = re.compile(rb"<(?:head|body|div|p|article|section|main|meta|title|span|table|h[1-6]|ul|li|br"
                       rb"|script|style|a\s+href)[\s>/]", re.I)
_BOM = b"\xef\xbb\xbf"


def sniff(data: bytes) -> str:
    """What the bytes are: ``pdf``, ``binary`` (NUL bytes), ``html`` (a doctype or ``<html>`` at
    the top, or at least three typical tags in the first 4 KB of a text without front matter),
    else ``text``."""
    head = data[:4096]
    if head.startswith(_BOM):
        head = head[len(_BOM):]
    if head.lstrip().startswith(b"%PDF-"):
        return "pdf"
    if b"\x00" in data[:65536]:
        return "binary"
    if _HTML_START.match(head):
        return "html"
    if not head.lstrip().startswith(b"---") and len(_HTML_TAG.findall(head)) >= 3:
        return "html"
    return "text"


def read_path(path: Path, registry: Registry | None = None, *, url: str | None = None,
              published: date | None = None, source: str | None = None) -> SourceDoc:
    """Read one ``.txt`` or ``.html`` file, or ``-`` for standard input (HTML or text, by its
    content). ``url``, ``published`` and ``source`` replace what the file says (a page saved by
    hand); the URL also chooses the site's cleaning profile."""
    if str(path) == "-":
        return read_bytes(sys.stdin.buffer.read(), "stdin", path="-", registry=registry, url=url,
                          published=published, source=source)
    if path.is_dir():  # a folder expand() could not list
        try:
            os.listdir(path)
        except OSError as exc:
            raise UnreadableInput(f"cannot read the folder: {exc.strerror or exc}", path=str(path),
                                  hint="its files were not processed") from exc
        raise UnreadableInput("a folder, not a file", path=str(path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableInput(f"cannot read: {exc.strerror or exc}", path=str(path)) from exc
    return read_bytes(data, path.stem, path=str(path), suffix=path.suffix.lower(), registry=registry,
                      url=url, published=published, source=source)


def read_bytes(data: bytes, doc: str, *, path: str, suffix: str = "", registry: Registry | None = None,
               url: str | None = None, published: date | None = None,
               source: str | None = None) -> SourceDoc:
    """One document from its bytes: a PDF or binary file is refused (``BinaryInput``); ``.html``
    and ``.htm`` files, and any other whose content is HTML, are cleaned as pages."""
    where = "standard input" if path == "-" else "the file"
    if not data.strip():
        raise UnreadableInput(f"{where} is empty", path=path)
    kind = sniff(data)
    if kind in ("pdf", "binary"):
        what = "a PDF" if kind == "pdf" else "binary data (NUL bytes)"
        raise BinaryInput(f"{where} is {what}, not an article's text",
                          path=path, hint="save the article as .txt or .html, e.g. pdftotext file.pdf file.txt")
    if suffix in (".html", ".htm") or kind == "html":
        src = from_html(data, doc, path=path, registry=registry, url=url, source=source)
    else:
        try:
            raw = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UnreadableInput(f"not UTF-8 text (byte {exc.start})", path=path,
                                  hint="convert it with iconv -f <encoding> -t utf-8") from exc
        src = from_text(raw, doc, path=path)
        if url:
            src.url = url
        if source:
            src.source = source
    if published is not None:
        src.published = published
    return src


def front_matter_url(path: Path) -> str | None:
    """The ``url`` of a ``.txt`` file's front matter, or None (also when the file cannot be read:
    reading it properly reports that)."""
    if path.suffix.lower() != ".txt":
        return None
    try:
        with path.open("rb") as fh:
            head = fh.read(8192)
            whole = not fh.read(1)  # the file is its first 8 KB: it is not read a second time
        raw = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
        if not raw.startswith("---"):
            return None
        text = (head.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n") if whole  # as read_text
                else path.read_text(encoding="utf-8"))
        meta, _ = split_front_matter(text.lstrip("\ufeff"), path=str(path))
    except (OSError, UnicodeDecodeError, BadFrontMatter):
        return None
    url = meta.get("url")
    return str(url).strip() if url else None


def expand(paths: Iterable[Path], suffixes: tuple[str, ...] = SUFFIXES) -> Iterator[Path]:
    """Files of the given paths; folders give their documents in name order, and a subfolder that
    cannot be read is given as itself, so that reading it reports it as one bad input."""
    for p in paths:
        if str(p) != "-" and p.is_dir():
            yield from _walk(p, suffixes)
        else:
            yield p


def _walk(top: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """The documents under a folder, and the folders that could not be listed, in name order."""
    return sorted(_walk_unsorted(top, suffixes))


def _walk_unsorted(top: Path, suffixes: tuple[str, ...] = SUFFIXES) -> Iterator[Path]:
    """``_walk`` in the order the folders are listed, one at a time."""
    unread: list[Path] = []

    def unreadable(exc: OSError) -> None:
        unread.append(Path(exc.filename) if exc.filename else top)

    for folder, _, names in os.walk(top, onerror=unreadable):
        yield from unread
        unread.clear()
        for n in names:
            q = Path(folder) / n
            if q.suffix.lower() in suffixes and q.is_file():
                yield q
    yield from unread
