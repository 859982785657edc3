"""The main job: read → clean → extract → store, never stopping a batch for one bad document.

Cleaning and extraction run in ``workers`` processes; storing stays in this process, in input
order, a batch of documents per transaction, so the database is the same for any number of
workers and a run killed at any moment leaves whole documents only: the next run sees which are
stored (content hash and extractor version) and does the rest. At most a few batches are in
flight at once, so memory stays flat however many documents there are.

Inputs are files (``.txt``/``.html``) or pages the crawler stored (their raw HTML is kept), so a
new extractor version re-extracts everything without fetching again.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import sys
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from extractors import Document, Meta, extract, extractor_version

from .documents import SourceDoc, expand, from_html, read_path
from .errors import DvkError
from .sources import Registry, load_registry
from .store import finish_run, now_iso, open_db, start_run, transaction, write_document

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
BATCH = 25  # documents per worker task and per transaction


def extract_source(src: SourceDoc, registry: Registry) -> Document:
    site = registry.find(src.source, src.url)
    meta = Meta(doc=src.doc, url=src.url, title=src.title, published=src.published,
                source_province=site.province if site else None)
    return extract(src.text, meta)


def documents_of(paths: Iterable[Path]) -> list[Path]:
    """Input files; when a folder holds an article as both .txt and .html, the .txt is taken."""
    files = list(expand(paths))
    stems_with_txt = {p.with_suffix("") for p in files if p.suffix.lower() == ".txt"}
    return [p for p in files
            if p.suffix.lower() == ".txt" or str(p) == "-" or p.with_suffix("") not in stems_with_txt]


@dataclass(frozen=True)
class Item:
    """One document to (re)process: a file, or a page the crawler stored."""

    key: str  # the path or URL, as errors name it
    doc: str  # the document id it is stored under
    state: tuple[str, str] | None = None  # stored (content hash, extractor version)
    force: bool = False
    url: str | None = None
    raw_zlib: bytes | None = None
    charset: str | None = None


@dataclass
class Outcome:
    path: str
    doc: str | None
    status: str  # new, changed, unchanged, failed
    error: str | None = None


@dataclass
class _Done:
    """What a worker sends back for one item."""

    outcome: Outcome
    document: Document | None = None
    text: str | None = None
    content_hash: str | None = None
    source: str | None = None
    path: str | None = None  # the file it came from (None for a stored page)


@dataclass
class RunResult:
    outcomes: list[Outcome] = field(default_factory=list)
    run_id: int | None = None

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def counts(self) -> dict[str, int]:
        c = Counter(o.status for o in self.outcomes)
        return {k: c.get(k, 0) for k in ("new", "changed", "unchanged", "failed")}


# --- the worker side ------------------------------------------------------------------------------
_REGISTRY: Registry | None = None


def _init_worker(registry: Registry) -> None:
    global _REGISTRY
    _REGISTRY = registry


def _process(item: Item, registry: Registry, version: str) -> _Done:
    try:
        if item.raw_zlib is not None:
            src = from_html(zlib.decompress(item.raw_zlib), item.doc, url=item.url, registry=registry,
                            header_charset=item.charset)
        else:
            src = read_path(Path(item.key), registry)
        content_hash = src.content_hash
        if not item.force and item.state == (content_hash, version):
            return _Done(Outcome(item.key, src.doc, "unchanged"))
        document = extract_source(src, registry)
        return _Done(Outcome(item.key, src.doc, "changed" if item.state else "new"), document, src.text,
                     content_hash, src.source, path=item.key if item.raw_zlib is None else None)
    except DvkError as exc:
        return _Done(Outcome(item.key, None, "failed", error=str(exc)))
    except Exception as exc:  # an extractor bug on one document never stops the batch
        return _Done(Outcome(item.key, None, "failed", error=f"{item.key}: internal error: {exc!r}"))


def _process_batch(items: list[Item], version: str) -> list[_Done]:
    registry = _REGISTRY or load_registry()
    return [_process(item, registry, version) for item in items]


# --- the store side -------------------------------------------------------------------------------
def _batches(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _results(items: Iterable[Item], workers: int, registry: Registry, version: str) -> Iterator[list[_Done]]:
    """Processed batches in input order, at most ``2 * workers`` batches in flight."""
    if workers <= 1:
        _init_worker(registry)
        for batch in _batches(items, BATCH):
            yield _process_batch(batch, version)
        return
    ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(registry,)) as pool:
        pending: deque[Future[list[_Done]]] = deque()
        for batch in _batches(items, BATCH):
            pending.append(pool.submit(_process_batch, batch, version))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def store_results(db: sqlite_utils.Database, done: list[_Done], version: str, run_id: int | None,
                  stage: str = "extract") -> None:
    """Store one processed batch in one transaction; failures go to the ``errors`` table."""
    with transaction(db):
        for d in done:
            if d.document is not None and d.text is not None and d.content_hash is not None:
                db.execute("SAVEPOINT document")
                try:
                    write_document(db, d.document, text=d.text, content_hash=d.content_hash,
                                   extractor_version=version, source=d.source, path=d.path)
                except sqlite3.IntegrityError as exc:  # this document's records only; the batch goes on
                    db.execute("ROLLBACK TO document")
                    d.outcome.status, d.outcome.error = "failed", f"{d.outcome.path}: cannot store: {exc}"
                db.execute("RELEASE document")
            if d.outcome.status == "failed":
                db.table("errors").insert({"run_id": run_id, "source": d.outcome.path, "stage": stage,
                                           "reason": d.outcome.error, "at": now_iso()})


def file_items(db: sqlite_utils.Database, paths: Iterable[Path], force: bool = False) -> Iterator[Item]:
    for path in documents_of(paths):
        doc = "stdin" if str(path) == "-" else path.stem
        row = db.execute("SELECT content_hash, extractor_version FROM documents WHERE id = ?", [doc]).fetchone()
        yield Item(key=str(path), doc=doc, state=(row[0], row[1]) if row else None, force=force)


def stale_page_items(db: sqlite_utils.Database, version: str, force: bool = False) -> Iterator[Item]:
    """Stored crawled pages whose document was extracted by another extractor version (or all)."""
    if "pages" not in db.table_names():
        return
    # the keys first (small), then each page's raw HTML as it is needed, so memory stays flat
    rows = db.execute("""SELECT p.url, p.doc_id, p.charset, d.content_hash, d.extractor_version, d.url
                         FROM pages p JOIN documents d ON d.id = p.doc_id
                         WHERE p.raw_zlib IS NOT NULL AND p.outcome IN ('new', 'changed', 'unchanged')
                         AND (? OR d.extractor_version != ?) ORDER BY p.url""", [int(force), version]).fetchall()
    seen: set[str] = set()
    for url, doc, charset, h, v, doc_url in rows:
        if doc in seen:
            continue
        seen.add(doc)
        raw = db.execute("SELECT raw_zlib FROM pages WHERE url = ?", [url]).fetchone()[0]
        yield Item(key=url, doc=doc, state=(h, v), force=force, url=doc_url or url, raw_zlib=raw, charset=charset)


def process(db: sqlite_utils.Database, items: Iterable[Item], *, registry: Registry, workers: int = 1,
            run_id: int | None = None, on_batch: Callable[[list[Outcome]], None] | None = None) -> RunResult:
    version = extractor_version()
    result = RunResult(run_id=run_id)
    for done in _results(items, workers, registry, version):
        store_results(db, done, version, run_id)
        outcomes = [d.outcome for d in done]
        result.outcomes.extend(outcomes)
        if on_batch is not None:
            on_batch(outcomes)
    return result


def run(paths: Iterable[Path] | None, db_path: Path, registry: Registry | None = None,
        force: bool = False, workers: int = 1) -> RunResult:
    """Process files (default: the bundled corpus) into the database at ``db_path``."""
    from .store import db_lock

    registry = registry or load_registry()
    with db_lock(db_path):
        db = open_db(db_path)
        run_id = start_run(db, "run", extractor_version())
        status = "interrupted"
        result = RunResult(run_id=run_id)
        try:
            result = process(db, file_items(db, paths or [CORPUS], force), registry=registry,
                             workers=workers, run_id=run_id)
            status = "finished"
        finally:
            finish_run(db, run_id, result.counts(), status)
            db.close()
    return result
