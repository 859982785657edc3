"""One document's extraction, and what the command line says of a single input: what ``dvk
extract`` needs and nothing more, so it loads neither the store nor the job (``pipeline.run``)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from extractors import Document, Meta, extract

from .documents import SourceDoc, _walk_unsorted
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
    return [p for p, _ in iter_rooted_documents(paths)]


def count_documents(paths: Iterable[Path]) -> int:
    """``len(documents_of(paths))``, without holding the list."""
    return sum(1 for _ in iter_rooted_documents(paths))


def rooted_documents(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """Input files, each with its name relative to the input root: a folder argument's own name
    and the path under it (``corpus/000_x.txt``, ``saved/a/index.html``), a file argument's
    folder and name (``my/x.txt``); ``-`` for standard input."""
    return list(iter_rooted_documents(paths))


def iter_rooted_documents(paths: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    """``rooted_documents`` one at a time, in the same order, the list kept on disk meanwhile
    (``pipeline.scratch``) so that memory does not grow with the number of files: each folder's
    files sorted as ``Path`` objects sort (part by part, the key's parts joined by NUL, which no
    name holds and which sorts before every character), and an .html or .htm file left out when
    a .txt of the same path but for the suffix is among the inputs."""
    from .scratch import Scratch, decode, encode

    scratch = Scratch()
    try:
        conn = scratch.conn
        files = scratch.table("arg INTEGER, sort BLOB, path BLOB, rel BLOB, txt INTEGER, stem BLOB")
        rows: list[tuple[int, bytes, bytes, bytes, int, bytes | None]] = []

        def add(arg: int, sort: bytes, p: Path, rel: str) -> None:
            txt = p.suffix.lower() == ".txt"
            rows.append((arg, sort, encode(str(p)), encode(rel), int(txt),
                         encode(str(p.with_suffix(""))) if txt else None))
            if len(rows) >= 2000:
                flush()

        def flush() -> None:
            conn.executemany(f"INSERT INTO {files} VALUES (?, ?, ?, ?, ?, ?)", rows)
            rows.clear()

        for i, p in enumerate(paths):
            if str(p) != "-" and p.is_dir():
                root = Path(os.path.abspath(p)).name
                for q in _walk_unsorted(p):
                    add(i, encode("\0".join(os.path.normcase(part) for part in q.parts)), q,
                        f"{root}/{q.relative_to(p).as_posix()}")
            elif str(p) == "-":
                add(i, b"", p, "-")
            else:
                add(i, b"", p, f"{Path(os.path.abspath(p)).parent.name}/{p.name}".lstrip("/"))
        flush()
        conn.execute(f"CREATE INDEX {files}_order ON {files} (arg, sort)")
        conn.execute(f"CREATE INDEX {files}_stem ON {files} (stem) WHERE txt")
        has_txt = f"SELECT 1 FROM {files} WHERE txt AND stem = ?"
        for path, rel, txt in conn.execute(f"SELECT path, rel, txt FROM {files} ORDER BY arg, sort"):
            p = Path(decode(path))
            if txt or str(p) == "-" or conn.execute(has_txt, [encode(str(p.with_suffix("")))]).fetchone() is None:
                yield p, decode(rel)
    finally:
        scratch.close()
