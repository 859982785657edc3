"""The WARC fixture, written by the tests: the corpus pages as Common Crawl would hold them (at
their sites' hosts), made-up pages about other things, and the other records of a crawl."""

from __future__ import annotations

from pathlib import Path

from bench.warcs import other_page, write_warc
from pipeline.documents import from_html
from pipeline.sources import load_registry

from .conftest import CORPUS


def corpus_pages() -> list[tuple[str, bytes]]:
    """(target URI, HTML bytes) of each corpus page, at a host of its site."""
    registry = load_registry()
    out = []
    for page in sorted(CORPUS.glob("*.html")):
        site = registry.find(from_html(page.read_bytes(), page.stem, registry=registry).source, None)
        assert site is not None, page
        out.append((f"https://{site.hosts[0]}/tin-tuc/{page.stem}.html", page.read_bytes()))
    return out


def other_pages(n: int) -> list[tuple[str, bytes]]:
    return [(f"https://tin.example.vn/tin/{i}.html", other_page(i).encode("utf-8")) for i in range(n)]


def mixed(n_other: int = 12) -> list[tuple[str, bytes]]:
    """The corpus pages among made-up ones, interleaved."""
    pages, others = corpus_pages(), other_pages(n_other)
    out: list[tuple[str, bytes]] = []
    for i, p in enumerate(pages):
        out += [*others[i * 2:i * 2 + 2], p]
    return out + others[len(pages) * 2:]


def make_warc(path: Path, pages: list[tuple[str, bytes]] | None = None, **kw: object) -> list[int]:
    return write_warc(path, pages if pages is not None else mixed(), **kw)  # type: ignore[arg-type]
