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

import hashlib
import multiprocessing
import sqlite3
import sys
import zlib
from collections import Counter, deque
from collections.abc import Callable, Container, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import sqlite_utils

from extractors import Document, extractor_version

from .documents import from_html, front_matter_url, read_bytes, read_path
from .errors import DvkError, UsageError
from .extracting import Given, check_given, extract_source, iter_rooted_documents
from .extracting import documents_of as documents_of  # where the callers have always found it
from .scratch import Scratch, ScratchMap
from .sources import Registry, load_registry
from .store import (
    finish_run,
    now_iso,
    open_db,
    path_digest,
    public_source,
    start_run,
    stored_by_key,
    transaction,
    write_document,
)
from .urls import canonical_once

if TYPE_CHECKING:
    from .warc import Capture

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
BATCH = 25  # documents per worker task and per transaction


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
    source_key: str | None = None  # what identifies the document (URL, file:<path>, stdin:<hash>)
    data: bytes | None = None  # standard input, read once
    path: str | None = None  # the file's path under its input root, stored (never where it lives)
    path_hash: str | None = None  # store.path_digest of its resolved path: two files of one name are two
    published: date | None = None
    source: str | None = None
    error: str | None = None  # refused before reading
    capture: Capture | None = None  # a record of a web archive: where it is
    page: bytes | None = None  # a page the crawler fetched (its body): cleaned, its links taken
    page_url: str | None = None  # the URL it came from, links resolved against it (None: no links)
    feed: bool = False  # served as RSS, Atom or a sitemap


@dataclass
class Outcome:
    path: str
    doc: str | None
    status: str  # new, changed, unchanged, failed; skipped (an archived page that is no article on the topic)
    error: str | None = None


@dataclass
class _Done:
    """What a worker sends back for one item."""

    outcome: Outcome
    document: Document | None = None
    text: str | None = None
    content_hash: str | None = None
    source: str | None = None
    path: str | None = None  # the file it came from, under its input root (None for a stored page)
    path_hash: str | None = None
    doc_id: str | None = None
    source_key: str | None = None
    capture: Capture | None = None
    crawled: Any = None  # a fetched page: what the crawler needs besides (pipeline.crawl.Crawled)


@dataclass
class RunResult:
    """What a run did: a count per status, every failure, and the outcomes themselves — all of
    them, or with ``keep`` only the first ``keep`` (so a large run keeps nothing per document)."""

    outcomes: list[Outcome] = field(default_factory=list)
    run_id: int | None = None
    skipped: Counter[str] = field(default_factory=Counter)  # records of web archives not read, by reason
    keep: int | None = None
    tally: Counter[str] = field(default_factory=Counter)
    failures: list[Outcome] = field(default_factory=list)

    def add(self, outcomes: Iterable[Outcome]) -> None:
        for o in outcomes:
            self.tally[o.status] += 1
            if o.status == "failed":
                self.failures.append(o)
            if self.keep is None or len(self.outcomes) < self.keep:
                self.outcomes.append(o)

    @property
    def total(self) -> int:
        return sum(self.tally.values())

    @property
    def failed(self) -> list[Outcome]:
        return self.failures

    def counts(self) -> dict[str, int]:
        out = {k: self.tally.get(k, 0) for k in ("new", "changed", "unchanged", "failed")}
        if self.skipped:
            out["skipped"] = sum(self.skipped.values())
        return out


# --- the worker side ------------------------------------------------------------------------------
_REGISTRY: Registry | None = None


def _init_worker(registry: Registry) -> None:
    global _REGISTRY
    _REGISTRY = registry


def _process(item: Item, registry: Registry, version: str) -> _Done:
    if item.page is not None:
        from .crawl import process_page

        return process_page(item, registry, version)
    if item.error is not None:
        return _Done(Outcome(item.key, None, "failed", error=item.error), source_key=item.source_key)
    try:
        if item.capture is not None:
            return _process_capture(item, registry, version)
        if item.raw_zlib is not None:
            src = from_html(zlib.decompress(item.raw_zlib), item.doc, url=item.url, registry=registry,
                            header_charset=item.charset)
        elif item.data is not None:
            src = read_bytes(item.data, "stdin", path="-", registry=registry, url=item.url,
                             published=item.published, source=item.source)
        else:
            src = read_path(Path(item.key), registry, url=item.url, published=item.published,
                            source=item.source)
        content_hash = src.content_hash
        if not item.force and item.state == (content_hash, version):
            return _Done(Outcome(item.key, item.doc, "unchanged"))
        document = extract_source(src, registry)
        return _Done(Outcome(item.key, item.doc, "changed" if item.state else "new"), document, src.text,
                     content_hash, src.source, path=item.path if item.raw_zlib is None else None,
                     path_hash=item.path_hash if item.raw_zlib is None else None,
                     doc_id=item.doc, source_key=item.source_key)
    except DvkError as exc:
        return _Done(Outcome(item.key, None, "failed", error=str(exc)), source_key=item.source_key)
    except Exception as exc:  # an extractor bug on one document never stops the batch
        return _Done(Outcome(item.key, None, "failed", error=f"{item.key}: internal error: {exc!r}"),
                     source_key=item.source_key)


def _process_capture(item: Item, registry: Registry, version: str) -> _Done:
    """A page of a web archive: read its record, decode it like a crawled page and prefilter it
    (``pipeline.warc``); a candidate is cleaned and kept, like the crawler's pages, when it is
    an article with a topic phrase in its title or text."""
    from .crawl import on_topic
    from .documents import from_page
    from .warc import capture_day, prefilter, read_record

    assert item.capture is not None
    record = read_record(item.capture)
    page, why = prefilter(record.body, record.charset, tuple(registry.crawler.topic), path=item.key)
    if page is None:  # the cheap test first: most pages of a crawl stop here
        return _Done(Outcome(item.key, None, "skipped", error=why))
    src = from_page(page, item.doc, registry.find(None, item.url), url=item.url, path=item.key)
    if not src.is_article:
        return _Done(Outcome(item.key, None, "skipped", error="not an article"))
    if not on_topic(registry.crawler, src.title, src.text):
        return _Done(Outcome(item.key, None, "skipped", error="no topic phrase in the title or text"))
    if src.published is None:
        src.published = capture_day(item.capture)
    content_hash = src.content_hash
    if not item.force and item.state == (content_hash, version):
        return _Done(Outcome(item.key, item.doc, "unchanged"))
    document = extract_source(src, registry)
    return _Done(Outcome(item.key, item.doc, "changed" if item.state else "new"), document, src.text,
                 content_hash, src.source, path=public_source(item.capture.warc), doc_id=item.doc,
                 source_key=item.source_key,
                 capture=item.capture)


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


class Pending(Protocol):
    def result(self) -> list[_Done]: ...


class Engine(Protocol):
    """Where batches are cleaned and extracted: a local process pool or Dask workers
    (``pipeline.cluster``). The store side is the same for all: results in input order."""

    in_flight: int  # batches submitted and not yet stored, at most

    def submit(self, batch: list[Item], version: str) -> Pending: ...

    def close(self) -> None: ...


class LocalPool:
    """``workers`` processes on this machine (forked where the OS allows, so they start warm)."""

    def __init__(self, workers: int, registry: Registry):
        ctx = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        self.pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(registry,))
        self.in_flight = 2 * workers

    def submit(self, batch: list[Item], version: str) -> Future[list[_Done]]:
        return self.pool.submit(_process_batch, batch, version)

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


def _results(items: Iterable[Item], engine: Engine | None, registry: Registry,
             version: str) -> Iterator[list[_Done]]:
    """Processed batches in input order, at most ``engine.in_flight`` batches in flight (here,
    one at a time, without an engine)."""
    if engine is None:
        _init_worker(registry)
        for batch in _batches(items, BATCH):
            yield _process_batch(batch, version)
        return
    pending: deque[Pending] = deque()
    for batch in _batches(items, BATCH):
        pending.append(engine.submit(batch, version))
        if len(pending) >= engine.in_flight:
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
                                   extractor_version=version, source=d.source, path=d.path,
                                   doc_id=d.doc_id, key=d.source_key, path_hash=d.path_hash)
                except sqlite3.IntegrityError as exc:  # this document's records only; the batch goes on
                    db.execute("ROLLBACK TO document")
                    d.outcome.status, d.outcome.error = "failed", f"{d.outcome.path}: cannot store: {exc}"
                db.execute("RELEASE document")
            if d.outcome.status == "failed":  # named as the rows name it, not where it lives here
                where = d.outcome.path
                shown = public_source(where, d.source_key if where != "-" else None)
                db.table("errors").insert({"run_id": run_id, "source": shown, "stage": stage,
                                           "reason": (d.outcome.error or "").replace(where, shown) or None,
                                           "at": now_iso()})
            elif d.capture is not None and d.document is not None:
                from .warc import write_capture

                write_capture(db, d.doc_id or d.document.doc, d.capture)


def _short(text: str | bytes, n: int = 8) -> str:
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()[:n]


def _free_id(db: sqlite_utils.Database, label: str, key: str, taken: Container[str]) -> str:
    """The id a new document is stored under: its label (the file stem) when no other document
    has it, else the label and a hash of its source key."""
    for candidate in (label, *(f"{label}-{_short(key, n)}" for n in (8, 16, 64))):
        if candidate not in taken and db.execute("SELECT 1 FROM documents WHERE id = ?",
                                                 [candidate]).fetchone() is None:
            return candidate
    raise DvkError(f"no free document id for {key}")  # 64 hex digits of SHA-256 collided


def file_items(db: sqlite_utils.Database, paths: Iterable[Path], force: bool = False,
               given: Given | None = None, registry: Registry | None = None) -> Iterator[Item]:
    """One item per input file, with the identity it is stored under (README, "Document
    identity"): the source key is the canonical URL when known (``--url`` or the front matter),
    else ``file:`` and the path relative to the input root (with a hash of the resolved path
    when that name is already another file's), or ``stdin:`` and a hash of the content. A
    document of another source is never replaced."""
    given = given or Given()
    tracking = registry.crawler.tracking_params if registry else ()
    # on disk, not in memory (pipeline.scratch): they hold every document of the run
    scratch = Scratch()
    try:
        yield from _file_items(db, paths, force, given, tracking, scratch)
    finally:
        scratch.close()


def _file_items(db: sqlite_utils.Database, paths: Iterable[Path], force: bool, given: Given,
                tracking: tuple[str, ...], scratch: Scratch) -> Iterator[Item]:
    taken = ScratchMap(scratch)  # id -> source key, assigned in this run
    keys = ScratchMap(scratch)  # source key -> the input that has it in this run
    names = ScratchMap(scratch)  # source key -> that input's name under its root, as errors name it
    for path, rel in iter_rooted_documents(paths):
        data = resolved = None
        if str(path) == "-":
            data = sys.stdin.buffer.read()
            label, url = "stdin", given.url
            key = f"stdin:{_short(data, 16)}"
        else:
            label, resolved = path.stem, str(path.resolve())
            url = given.url or front_matter_url(path)
            key = f"file:{rel}"
            row = stored_by_key(db, key)
            other = keys.get(key)
            if (other is not None and other != resolved) or (
                    row is not None and row[3] and row[3] != path_digest(resolved)):
                key = f"file:{rel}#{_short(resolved)}"  # the same name, another file: not the same source
        if url:
            try:
                key = canonical_once(url, tracking)
            except ValueError:
                key = url
        if key in keys and keys[key] != (resolved or "-"):
            yield Item(key=str(path), doc=label, error=f"{path}: the same source ({key}) as {names[key]} in "
                       "this run; one document per source", source_key=f"file:{rel}" if resolved else None)
            continue
        keys[key] = resolved or "-"
        names[key] = rel
        row = stored_by_key(db, key)
        doc_id = row[0] if row else _free_id(db, label, key, taken)
        taken[doc_id] = key
        yield Item(key=str(path), doc=doc_id, state=(row[1], row[2]) if row else None, force=force,
                   url=given.url, source_key=key, data=data, path=rel if resolved else None,
                   path_hash=path_digest(resolved) if resolved else None, published=given.published,
                   source=given.source)


def input_items(db: sqlite_utils.Database, paths: list[Path], force: bool = False, given: Given | None = None,
                registry: Registry | None = None, skipped: Counter[str] | None = None) -> Iterator[Item]:
    """Items of the input files and folders: pages and text files (``file_items``), then the
    candidate pages of the web archives (``.warc``, ``.warc.gz``) among them or in the folders
    (``pipeline.warc.warc_items``; ``skipped`` counts their other records)."""
    from .warc import is_warc, warc_files

    files = [p for p in paths if not (str(p) != "-" and is_warc(p))]
    archives = warc_files(paths)
    if archives and given is not None and (given.url or given.published or given.source):
        raise UsageError("--url, --published and --source apply to a page saved by hand, not to a WARC file",
                         hint="a WARC record names its URL and capture date itself")
    return _input_items(db, files, archives, force, given, registry, skipped)


def _input_items(db: sqlite_utils.Database, files: list[Path], archives: list[Path], force: bool,
                 given: Given | None, registry: Registry | None, skipped: Counter[str] | None) -> Iterator[Item]:
    if files:
        yield from file_items(db, files, force, given, registry)
    if archives:
        from .warc import warc_items

        yield from warc_items(db, archives, registry or load_registry(),
                              skipped if skipped is not None else Counter(), force=force)


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
            run_id: int | None = None, on_batch: Callable[[list[Outcome]], None] | None = None,
            engine: Engine | None = None, skipped: Counter[str] | None = None,
            keep: int | None = None) -> RunResult:
    """Process items with ``engine`` (default: a pool of ``workers`` local processes, or this
    process alone) and store them; ``skipped`` (shared with the items' generator) counts what
    was not read, and takes the archived pages the workers found to be no article on the topic.
    The result keeps every outcome, or with ``keep`` the first ``keep`` (counts and failures always)."""
    version = extractor_version()
    result = RunResult(run_id=run_id, skipped=skipped if skipped is not None else Counter(), keep=keep)
    own = engine is None and workers > 1
    if own:
        engine = LocalPool(workers, registry)
    try:
        for done in _results(items, engine, registry, version):
            store_results(db, done, version, run_id)
            outcomes = [d.outcome for d in done if d.outcome.status != "skipped"]
            result.skipped.update(d.outcome.error or "" for d in done if d.outcome.status == "skipped")
            result.add(outcomes)
            if on_batch is not None:
                on_batch(outcomes)
    finally:
        if own and engine is not None:
            engine.close()
    return result


def run(paths: Iterable[Path] | None, db_path: Path, registry: Registry | None = None,
        force: bool = False, workers: int = 1, given: Given | None = None, dask: str | None = None,
        on_batch: Callable[[list[Outcome]], None] | None = None, keep: int | None = None) -> RunResult:
    """Process files, folders and web archives (default: the bundled corpus) into the database
    at ``db_path``, with ``workers`` local processes or on Dask (``dask``: a scheduler's address,
    or ``local:N`` for a local cluster of N worker processes); ``on_batch`` hears each stored batch.
    The result keeps every outcome, or with ``keep`` the first ``keep`` (the counts and failures always)."""
    from .store import db_lock

    registry = registry or load_registry()
    paths = list(paths or [CORPUS])
    if given is not None:
        check_given(paths, given)
    if dask and workers > 1:
        raise UsageError("--workers and --dask: choose one", hint="with --dask, the cluster's workers do the work")
    with db_lock(db_path):
        db = open_db(db_path)
        run_id = start_run(db, "run", extractor_version())
        status = "interrupted"
        result = RunResult(run_id=run_id, keep=keep)
        engine = None
        try:
            skipped: Counter[str] = Counter()
            items = input_items(db, paths, force, given, registry, skipped)
            if dask:
                from .cluster import DaskEngine

                engine = DaskEngine(dask, registry)
            result = process(db, items, registry=registry, workers=workers, run_id=run_id, engine=engine,
                             skipped=skipped, on_batch=on_batch, keep=keep)
            status = "finished"
        finally:
            if engine is not None:
                engine.close()
            finish_run(db, run_id, result.counts(), status)
            db.close()
    return result
