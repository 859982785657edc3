"""One document's extraction, and what the command line says of a single input: what ``dvk
extract`` needs and nothing more, so it loads neither the store nor the job (``pipeline.run``)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from extractors import Document, Meta, extract

from .documents import SourceDoc, expand
from .errors import UsageError
from .sources import Registry


def extract_source(src: SourceDoc, registry: Registry) -> Document:
    site = registry.find(src.source, src.url)
    meta = Meta(doc=src.doc, url=src.url, title=src.title, published=src.published,
                source_province=site.province if site else None)
    return extract(src.text, meta)


@dataclass(frozen=True)
class Given:
    """What the command line says of a single input file saved by hand (``--url`` …)."""

    url: str | None = None
    published: date | None = None
    source: str | None = None



def check_given(paths: list[Path], given: Given) -> None:
    """``--url`` names one document: only with a single file (or ``-``)."""
    if given.url and (len(paths) != 1 or (str(paths[0]) != "-" and paths[0].is_dir())):
        raise UsageError("--url applies to a single file (or -), not to "
                         + (f"{len(paths)} inputs" if len(paths) != 1 else "a folder"))


def documents_of(paths: Iterable[Path]) -> list[Path]:
    """Input files; when a folder holds an article as both .txt and .html, the .txt is taken."""
    return [p for p, _ in rooted_documents(paths)]


def rooted_documents(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """Input files, each with its name relative to the input root: a folder argument's own name
    and the path under it (``corpus/000_x.txt``, ``saved/a/index.html``), a file argument's
    folder and name (``my/x.txt``); ``-`` for standard input."""
    files: list[tuple[Path, str]] = []
    for p in paths:
        if str(p) != "-" and p.is_dir():
            root = Path(os.path.abspath(p)).name
            files += [(q, f"{root}/{q.relative_to(p).as_posix()}") for q in expand([p])]
        elif str(p) == "-":
            files.append((p, "-"))
        else:
            files.append((p, f"{Path(os.path.abspath(p)).parent.name}/{p.name}".lstrip("/")))
    stems_with_txt = {p.with_suffix("") for p, _ in files if p.suffix.lower() == ".txt"}
    return [(p, rel) for p, rel in files
            if p.suffix.lower() == ".txt" or str(p) == "-" or p.with_suffix("") not in stems_with_txt]
