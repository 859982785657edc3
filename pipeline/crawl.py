"""The crawler: polite, incremental fetching of news sites into the store.

Flow for one page: the frontier (SQLite) gives a URL → robots.txt is asked → ``Fetcher`` gets it
(conditional request when the page was seen before) → the page is decoded and cleaned with its
site's profile → an article about the topic is extracted and stored; listings, feeds and sitemaps
give new links on the same host. Everything a page changes (its ``pages`` row with the raw HTML
compressed, its fetch log, its frontier row, the new links, its document and records) is written
together in a savepoint of the open transaction (``WriteBatch``), which is committed every
``COMMIT_PAGES`` pages or ``COMMIT_SECONDS`` seconds; a page is reported only once committed. A
run killed at any point loses nothing and duplicates nothing: the pages of the batch it was
writing are still queued in the store, and the next run does them again.

The same article at two URLs is stored once: URLs are canonical (tracking parameters dropped),
a page's ``<link rel=canonical>`` on the same host names its document, and a page whose cleaned
text is already stored under another URL is recorded as a duplicate of that document.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import sqlite3
import sys
import zlib
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlite_utils

from extractors import extractor_version
from extractors.text import fold

from .clean import decode_html
from .errors import DvkError
from .fetch import Fetched, Fetcher
from .links import feed_links, looks_like_feed
from .sources import CrawlSettings, Registry, Site
from .store import finish_run, now_iso, start_run, transaction, write_document
from .urls import canonical, host_key, hostname, is_crawlable, twin_hosts

if TYPE_CHECKING:
    from .run import Item

SKIP_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".ico", ".bmp", ".tif", ".tiff",
                   ".mp3", ".mp4", ".avi", ".mov", ".wmv", ".flv", ".zip", ".rar", ".7z", ".tar.gz", ".tgz",
                   ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".exe", ".apk", ".css", ".js")

# What a page came to, as counted in the summary.
OUTCOMES = ("new", "changed", "unchanged", "duplicate", "offtopic", "listing", "skipped", "failed")


DEAD_LINK_REASONS = ("HTTP 404", "HTTP 410")

# The crawl's writes are committed in batches: every COMMIT_PAGES pages, or COMMIT_SECONDS after
# the batch's first write, whichever comes first (a commit per page cost the event loop more
# than the page's rows).
COMMIT_PAGES = 100
COMMIT_SECONDS = 0.5


def failure_kind(reason: str | None) -> str:
    """A failed page's reason, grouped: the status or the error, without the details."""
    if not reason:
        return "unknown"
    if reason in DEAD_LINK_REASONS:
        return f"dead link ({reason})"
    if reason.startswith("gave up after"):
        reason = reason.split(": ", 1)[-1]
    return re.split(r"[:(]", reason, maxsplit=1)[0].strip() or reason[:40]


@dataclass
class PageReport:
    url: str
    host: str
    outcome: str
    reason: str | None = None
    doc_id: str | None = None


@dataclass
class CrawlResult:
    run_id: int
    pages: list[PageReport] = field(default_factory=list)
    requests: int = 0  # HTTP requests sent, robots.txt and retries included
    left: int = 0  # URLs still queued when the run stopped (--max-pages)

    def count(self, outcome: str) -> int:
        return sum(1 for p in self.pages if p.outcome == outcome)

    @property
    def fetched(self) -> int:
        return sum(1 for p in self.pages if p.outcome not in ("skipped", "failed"))

    def by_host(self) -> dict[str, Counter[str]]:
        table: dict[str, Counter[str]] = defaultdict(Counter)
        for p in self.pages:
            table[p.host][p.outcome] += 1
        return dict(table)

    @property
    def dead_links(self) -> list[PageReport]:
        """Pages the server says are gone (HTTP 404, 410): recorded, never a failed run."""
        return [p for p in self.pages if p.outcome == "failed" and p.reason in DEAD_LINK_REASONS]

    @property
    def answered(self) -> int:
        """Pages a server answered: fetched ones and dead links (a run where none was is a network failure)."""
        return self.fetched + len(self.dead_links)

    def failures(self) -> Counter[str]:
        """Failed pages by why: "dead link (HTTP 404)", "HTTP 403", "time-out", "internal error" …"""
        out: Counter[str] = Counter()
        for p in self.pages:
            if p.outcome == "failed":
                out[failure_kind(p.reason)] += 1
        return out

    @property
    def changed_documents(self) -> int:
        return self.count("new") + self.count("changed")


def doc_id_for(url: str, site: Site | None) -> str:
    """A stable document id for a crawled article: its site (or host) and a hash of its URL."""
    prefix = site.id if site else re.sub(r"[^a-z0-9]+", "-", hostname(url)).strip("-")
    return f"{prefix}-{hashlib.sha1(url.encode('utf-8')).hexdigest()[:12]}"


def on_topic(settings: CrawlSettings, *texts: str | None) -> bool:
    """Whether any topic phrase occurs in the texts, in any case, tone placement or Unicode form."""
    folded = " ".join(fold(re.sub(r"\s+", " ", t)) for t in texts if t)
    return any(fold(phrase) in folded for phrase in settings.topic)


class Robots:
    """robots.txt rules of one host (protego); 4xx means everything is allowed, an unreachable
    robots.txt (5xx, network errors) means nothing is, for this run (RFC 9309)."""

    def __init__(self, agent: str, text: str | None, reachable: bool = True):
        from protego import Protego

        self.agent = agent
        self.reachable = reachable
        self._rules = Protego.parse(text) if text else None

    def allowed(self, url: str) -> bool:
        if not self.reachable:
            return False
        return self._rules is None or bool(self._rules.can_fetch(url, self.agent))

    @property
    def crawl_delay(self) -> float | None:
        if self._rules is None:
            return None
        delay = self._rules.crawl_delay(self.agent)
        return float(delay) if delay is not None else None

    @property
    def sitemaps(self) -> list[str]:
        return list(self._rules.sitemaps) if self._rules is not None else []


# The upsert of a ``pages`` row, by its column list: the columns given are set, the others kept.
_PAGE_UPSERT: dict[tuple[str, ...], str] = {}


class WriteBatch:
    """Many pages' writes in one transaction: each page's in a savepoint of its own (a page whose
    writes fail is rolled back alone), the whole committed every ``pages`` pages or ``seconds``
    after its first write, and what was written reported (``then``) only once it is committed.
    Reads on the connection see the batch's writes before the commit."""

    def __init__(self, db: sqlite_utils.Database, pages: int = COMMIT_PAGES, seconds: float = COMMIT_SECONDS):
        self.conn = db.conn
        self.pages = max(1, pages)
        self.seconds = seconds
        self.written = 0  # pages written since the transaction began
        self.commits = 0
        self._open = False
        self._then: list[Callable[[], None]] = []
        self._timer: asyncio.TimerHandle | None = None

    def write(self, writes: Callable[[], None], then: Callable[[], None] | None = None) -> None:
        """Run ``writes`` in the open transaction (begun if none is); ``then`` after the commit."""
        if not self._open:
            self.conn.execute("BEGIN IMMEDIATE")
            self._open = True
            try:
                self._timer = asyncio.get_running_loop().call_later(self.seconds, self._due)
            except RuntimeError:  # no event loop: committed by the page count or by the caller
                self._timer = None
        self.conn.execute("SAVEPOINT page")
        try:
            writes()
        except BaseException:
            self.conn.execute("ROLLBACK TO page")
            self.conn.execute("RELEASE page")
            raise
        self.conn.execute("RELEASE page")
        if then is not None:
            self._then.append(then)
        self.written += 1
        if self.written >= self.pages:
            self.commit()

    def _due(self) -> None:
        self._timer = None
        if self._open:
            self.commit()

    def commit(self) -> None:
        """Commit what is written (nothing to do when no transaction is open), then report it."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._open:
            self.conn.execute("COMMIT")
            self._open = False
            self.written = 0
            self.commits += 1
        then, self._then = self._then, []
        for f in then:
            f()

    def rollback(self) -> None:
        """Drop what is written since the last commit (its pages stay queued in the store)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._open:
            self._open = False
            self.written = 0
            self._then = []
            self.conn.execute("ROLLBACK")


class Crawler:
    def __init__(self, db: sqlite_utils.Database, registry: Registry, settings: CrawlSettings | None = None,
                 *, max_pages: int | None = None, on_page: Callable[[PageReport], None] | None = None,
                 seed: int | None = None, workers: int = 1, commit_pages: int = COMMIT_PAGES,
                 commit_seconds: float = COMMIT_SECONDS):
        self.db = db
        self.registry = registry
        self.settings = settings or registry.crawler
        self.on_page = on_page
        self.version = extractor_version()
        self.agent_token = "dvk"
        self.user_agent = self.settings.agent(_package_version())
        self.seed = seed
        self.queues: dict[str, deque[tuple[str, int]]] = defaultdict(deque)
        self.queued: set[str] = set()
        self.budget = max_pages if max_pages is not None else -1
        self.result = CrawlResult(run_id=0)
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._paused: set[str] = set()
        self._robots_cache: dict[str, Robots] = {}
        self._wake: dict[str, asyncio.Event] = {}  # per host crawling now: something to look at
        self.workers = workers
        self._pool: Any = None  # run.LocalPool: cleaning, links and extraction out of the event loop
        self._batch = WriteBatch(db, commit_pages, commit_seconds)

    # --- frontier --------------------------------------------------------------------------
    def _start_run(self, seeds: list[str]) -> None:
        """Open a run: seeds queued, due pages re-queued, and the queued URLs of the seeds' hosts loaded."""
        db = self.db
        hosts = sorted({host_key(u) for u in seeds})
        in_hosts = f"host IN ({', '.join('?' for _ in hosts)})"
        self.result.run_id = start_run(db, "crawl", self.version)
        with transaction(db):
            for url in seeds:
                self._enqueue(url, depth=0, kind="seed", source=None, requeue=True)
            # listings, feeds and sitemaps are looked at again on every run; articles after a while
            run = self.result.run_id
            db.execute(f"""UPDATE frontier SET status = 'queued', run_id = ? WHERE status = 'done' AND {in_hosts}
                           AND url IN (SELECT url FROM pages WHERE is_article = 0 AND outcome = 'listing')""",
                       [run, *hosts])
            cutoff = (datetime.now(UTC) - timedelta(hours=self.settings.revisit_after_hours)).isoformat(
                timespec="seconds")
            db.execute(f"""UPDATE frontier SET status = 'queued', run_id = ? WHERE status = 'done' AND {in_hosts}
                           AND fetched_at <= ?""", [run, *hosts, cutoff])
            db.execute(f"""UPDATE frontier SET status = 'queued', run_id = ? WHERE status = 'failed' AND {in_hosts}
                           AND transient = 1 AND failures < ?""", [run, *hosts, self.settings.max_failed_runs])
        for url, depth in db.execute(f"""SELECT url, depth FROM frontier WHERE status = 'queued' AND {in_hosts}
                                         ORDER BY depth, discovered_at, url""", hosts):
            self._push(url, depth)

    def _push(self, url: str, depth: int) -> None:
        if url not in self.queued:
            self.queued.add(url)
            key = host_key(url)
            self.queues[key].append((url, depth))
            if hasattr(self, "_fetcher"):  # during the run: make sure the host has a task
                self._start_host(key)
                wake = self._wake.get(key)
                if wake is not None:
                    wake.set()

    def _enqueue(self, url: str, *, depth: int, kind: str, source: str | None, requeue: bool = False) -> bool:
        """Add a URL to the frontier (inside the caller's transaction); True if it is new."""
        site = self.registry.for_url(url)
        row = {"url": url, "host": host_key(url), "site": site.id if site else None, "depth": depth,
               "kind": kind, "status": "queued", "transient": 0, "failures": 0, "discovered_from": source,
               "discovered_at": now_iso(), "run_id": self.result.run_id}
        if requeue:
            self.db.execute("""INSERT INTO frontier (url, host, site, depth, kind, status, transient, failures,
                               discovered_from, discovered_at, run_id) VALUES (:url, :host, :site, :depth, :kind,
                               :status, :transient, :failures, :discovered_from, :discovered_at, :run_id)
                               ON CONFLICT(url) DO UPDATE SET status = 'queued', depth = 0, run_id = :run_id""", row)
            return True
        cur = self.db.execute("""INSERT OR IGNORE INTO frontier (url, host, site, depth, kind, status, transient,
                                 failures, discovered_from, discovered_at, run_id) VALUES (:url, :host, :site,
                                 :depth, :kind, :status, :transient, :failures, :discovered_from, :discovered_at,
                                 :run_id)""", row)
        return cur.rowcount > 0

    def _same_site(self, url: str, page_url: str) -> bool:
        """Links worth following from a page: its host, its www twin, or another host of its site."""
        if host_key(url) == host_key(page_url) or twin_hosts(hostname(url), hostname(page_url)):
            return True
        site = self.registry.for_url(url)
        return site is not None and site is self.registry.for_url(page_url)

    # --- the run ---------------------------------------------------------------------------
    async def run(self, seeds: Iterable[str]) -> CrawlResult:
        tracking = self.settings.tracking_params
        clean_seeds = []
        for s in seeds:
            if not is_crawlable(s):
                raise DvkError(f"not an http(s) URL: {s}", hint="start URLs look like https://example.vn/tin-tuc")
            clean_seeds.append(canonical(s, tracking))
        self._start_run(clean_seeds)
        self._fetcher = Fetcher(self.settings, self.user_agent, seed=self.seed)
        self._sem = asyncio.Semaphore(max(1, self.settings.hosts_in_parallel))
        self._processing = asyncio.Semaphore(4 * max(1, self.workers))  # pages between fetch and commit
        if self.workers > 1:
            from .run import LocalPool

            _warm_up(self.registry)  # the workers are forked with the extractor's data loaded, once
            self._pool = LocalPool(self.workers, replace(self.registry, crawler=self.settings))
        status = "interrupted"
        try:
            for key in list(self.queues):
                self._start_host(key)
            while True:  # hosts found during the run (a www twin, a redirect) get a task of their own
                pending = [t for t in self._tasks.values() if not t.done()]
                if not pending:
                    # a URL queued for a host whose task was just ending: that host goes again
                    left = [k for k, q in self.queues.items() if q and k not in self._paused]
                    if not left or self.budget == 0:
                        break
                    for key in left:
                        self._start_host(key)
                    continue
                await asyncio.gather(*pending)
            status = "finished"
        finally:
            await self._fetcher.aclose()
            if self._pool is not None:
                self._pool.close()
                self._pool = None
            try:
                self._batch.commit()  # every page written is whole: an interrupted run keeps them
            except sqlite3.Error:
                self._batch.rollback()
                raise
            self.result.left = self.db.execute(
                "SELECT count(*) FROM frontier WHERE status = 'queued'").fetchone()[0]
            counts = Counter(p.outcome for p in self.result.pages)
            finish_run(self.db, self.result.run_id, {**{o: counts.get(o, 0) for o in OUTCOMES},
                                                     "requests": self.result.requests, "left": self.result.left},
                       status)
        return self.result

    def _start_host(self, key: str) -> None:
        task = self._tasks.get(key)
        if task is None or task.done():
            self._tasks[key] = asyncio.get_running_loop().create_task(self._host_task(key))

    async def _host_task(self, key: str) -> None:
        async with self._sem:
            await self._crawl_host(key, self._fetcher)

    async def _crawl_host(self, key: str, fetcher: Fetcher) -> None:
        queue = self.queues[key]
        if not queue or key in self._paused:
            return
        robots = self._robots_cache.get(key)
        if robots is None:
            robots = self._robots_cache[key] = await self._robots(queue[0][0], fetcher)
            if robots.crawl_delay is not None:
                fetcher.gate(queue[0][0]).slow_down(robots.crawl_delay)
            if robots.sitemaps:
                def queue_sitemaps() -> None:
                    for sm in robots.sitemaps:
                        url = canonical(sm, self.settings.tracking_params) if is_crawlable(sm) else None
                        if url and host_key(url) == key and self._enqueue(url, depth=0, kind="sitemap",
                                                                          source="robots.txt"):
                            self._push(url, 0)
                self._batch.write(queue_sitemaps)
        in_flight = 0
        pending: set[asyncio.Task[None]] = set()
        slots = asyncio.Semaphore(2)  # one page being cleaned while the next is fetched
        wake = self._wake[key] = asyncio.Event()  # a page of the host recorded, or a URL queued

        def finished(_: asyncio.Task[None]) -> None:
            nonlocal in_flight
            in_flight -= 1
            slots.release()
            self._processing.release()
            wake.set()

        async def worker() -> None:
            nonlocal in_flight
            while True:
                for t in [t for t in pending if t.done()]:
                    pending.discard(t)
                    t.result()  # a database that cannot be written stops the crawl
                if key in self._paused:
                    return
                if not queue:
                    if in_flight == 0:
                        return
                    wake.clear()
                    await wake.wait()  # the page in flight may queue more
                    continue
                if self.budget == 0:
                    return
                await slots.acquire()
                if not queue:
                    slots.release()
                    continue
                url, depth = queue.popleft()
                if not robots.allowed(url):
                    slots.release()
                    reason = ("robots.txt could not be fetched: nothing is fetched from this host this run"
                              if not robots.reachable else "disallowed by robots.txt")
                    self._finish_unfetched(url, "skipped", reason, keep_queued=not robots.reachable)
                    continue
                if self.budget > 0:
                    self.budget -= 1
                in_flight += 1
                try:
                    got = await self._fetch_page(url, fetcher, robots)
                    if got is not None:
                        await self._processing.acquire()
                except BaseException:
                    in_flight -= 1
                    slots.release()
                    raise
                if got is None:
                    in_flight -= 1
                    slots.release()
                    continue
                task = asyncio.get_running_loop().create_task(self._record(url, depth, got))
                pending.add(task)
                task.add_done_callback(finished)

        await asyncio.gather(*(worker() for _ in range(max(1, self.settings.concurrency_per_host))))
        if pending:
            await asyncio.gather(*pending)
        self._wake.pop(key, None)
        await fetcher.close_host(key)

    async def _robots(self, any_url: str, fetcher: Fetcher) -> Robots:
        parts = any_url.split("/", 3)
        robots_url = "/".join(parts[:3]) + "/robots.txt"
        cap = self.settings.max_robots_bytes  # RFC 9309 §2.5: parse at least the first 500 KiB, ignore the rest
        got = await fetcher.get(robots_url, accept=None, limit=cap)
        if got.outcome == "redirect_off" and got.final_url.endswith("/robots.txt"):
            got = await fetcher.get(got.final_url, accept=None, limit=cap)  # e.g. to the www twin (RFC 9309)
        self.result.requests += len(got.attempts)
        self._batch.write(lambda: self._log(got))
        if got.outcome == "ok":
            try:
                body = got.body.rsplit(b"\n", 1)[0] if got.truncated else got.body  # no half a last line
                text = decode_html(body, got.charset) if body else ""
            except DvkError:
                text = ""
            return Robots(self.agent_token, text)
        if got.status is not None and 400 <= got.status < 500:
            return Robots(self.agent_token, None)
        return Robots(self.agent_token, None, reachable=False)

    def _log(self, got: Fetched) -> None:
        run = self.result.run_id
        self.db.conn.executemany(
            """INSERT INTO fetch_log (run_id, url, started_at, elapsed_ms, status, result, reason, bytes)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            [(run, a.url, datetime.fromtimestamp(a.started, UTC).isoformat(timespec="milliseconds"),
              int(a.elapsed * 1000), a.status, a.result, a.reason, a.size) for a in got.attempts])

    def _report(self, report: PageReport) -> None:
        self.result.pages.append(report)
        if self.on_page is not None:
            self.on_page(report)

    def _finish_unfetched(self, url: str, outcome: str, reason: str, keep_queued: bool = False) -> None:
        def writes() -> None:
            if not keep_queued:
                self.db.execute("UPDATE frontier SET status = 'skipped', reason = ? WHERE url = ?", [reason, url])
        report = PageReport(url, host_key(url), outcome, reason)
        self._batch.write(writes, lambda: self._report(report))

    async def _fetch_page(self, url: str, fetcher: Fetcher, robots: Robots) -> Fetched | None:
        """Fetch one URL (conditionally when it was seen before); None when the host asked to wait
        (recorded here). Its recording (``_record``) runs while the host's next page is fetched."""
        prev = self.db.execute("SELECT etag, last_modified FROM pages WHERE url = ? AND outcome != 'failed'",
                               [url]).fetchone()
        try:
            got = await fetcher.get(url, etag=prev[0] if prev else None, last_modified=prev[1] if prev else None,
                                    allowed=robots.allowed)
        except Exception as exc:  # noqa: BLE001 - recorded, and the crawl goes on
            got = Fetched(url=url, final_url=url, outcome="failed", reason=f"internal error: {exc!r}")
        self.result.requests += len(got.attempts)
        if got.host_stalled:  # a request outran its deadline: this page fails, the host's others wait
            self._paused.add(host_key(url))
        if got.host_paused:  # Retry-After too long: leave this host's pages queued for a later run
            self._paused.add(host_key(url))

            def writes() -> None:
                self._log(got)
                self.db.execute("UPDATE frontier SET reason = ? WHERE url = ?", [got.reason, url])
            report = PageReport(url, host_key(url), "skipped", got.reason)
            self._batch.write(writes, lambda: self._report(report))
            return None
        return got

    async def _record(self, url: str, depth: int, got: Fetched) -> None:
        """Record everything a fetched page comes to in one savepoint of the write batch; nothing a
        page does (or a bug it triggers) stops the crawl. Cleaning, links and extraction run in the
        worker pool (``run.LocalPool``) as one work item per page; this loop only fetches, looks up
        what is stored and writes (committed in batches, ``WriteBatch``)."""
        try:
            prepared = self._prepare(url, depth, got)
            if isinstance(prepared, Work):
                done = await self._work(prepared.item)
                report, writes = self._from_done(prepared, done)
                got = prepared.got
            else:
                report, writes = prepared
        except Exception as exc:  # noqa: BLE001 - a bug on one page never stops the crawl
            report, writes = PageReport(url, host_key(url), "failed", f"internal error: {exc!r}"), None
            got = replace(got, outcome="failed", reason=report.reason, transient=False, body=b"")
        try:
            self._commit(url, got, report, writes)
        except Exception as exc:
            if isinstance(exc, sqlite3.OperationalError):
                raise  # the database itself cannot be written (disk full, I/O): stop, the page stays queued
            report = PageReport(url, host_key(url), "failed", f"internal error while storing: {exc!r}")
            got = replace(got, outcome="failed", reason=report.reason, transient=False, body=b"")
            self._commit(url, got, report, None)

    async def _work(self, item: Item) -> Any:
        """One page through ``run._process_batch``: in the pool, or here without one (workers=1)."""
        from .run import _process

        if self._pool is None:
            return _process(item, replace(self.registry, crawler=self.settings), self.version)
        return (await asyncio.wrap_future(self._pool.submit([item], self.version)))[0]

    def _commit(self, url: str, got: Fetched, report: PageReport, writes: Callable[[], None] | None) -> None:
        """Write the page into the batch (reported once the batch is committed)."""
        self._batch.write(lambda: self._page_writes(url, got, report, writes), lambda: self._report(report))

    def _page_writes(self, url: str, got: Fetched, report: PageReport, writes: Callable[[], None] | None) -> None:
        self._log(got)
        if writes is not None:
            writes()
        status = {"failed": "failed", "skipped": "skipped"}.get(report.outcome, "done")
        self.db.execute("""UPDATE frontier SET status = ?, reason = ?, transient = ?,
                           failures = CASE WHEN ? = 'failed' THEN failures + 1 ELSE 0 END,
                           fetched_at = ? WHERE url = ?""",
                        [status, report.reason, int(got.transient), status, now_iso(), url])
        if report.outcome in ("failed", "skipped") and got.outcome in ("failed", "skipped", "redirect_off"):
            self._page_row(url, got, outcome=report.outcome, reason=report.reason, keep_raw=True)

    def _page_row(self, url: str, got: Fetched, **values: Any) -> None:
        """Upsert the ``pages`` row of a URL (raw HTML kept unless this fetch brought a new one)."""
        keep_raw = values.pop("keep_raw", False)
        raw: tuple[bytes, str] | None = values.pop("raw", None)
        row: dict[str, Any] = {"url": url, "final_url": got.final_url, "status": got.status,
                               "fetched_at": now_iso(), **values}
        site = self.registry.for_url(url)
        row["site"] = site.id if site else None
        if not keep_raw and got.outcome == "ok":
            if raw is None:
                raw = zlib.compress(got.body, 6), hashlib.sha256(got.body).hexdigest()
            row.update(content_type=got.content_type, charset=got.charset, etag=got.etag,
                       last_modified=got.last_modified, raw_zlib=raw[0], raw_sha256=raw[1])
        cols = tuple(row)
        sql = _PAGE_UPSERT.get(cols)
        if sql is None:
            sql = _PAGE_UPSERT[cols] = (
                f"INSERT INTO pages ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
                f"ON CONFLICT(url) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in cols[1:])}")
        self.db.conn.execute(sql, tuple(row.values()))

    def _queue_links(self, links: Iterable[str], page_url: str, depth: int) -> Callable[[], None]:
        """The writes that queue a page's links (already canonical and filtered by the worker)."""
        new = list(links)

        def write() -> None:
            if depth + 1 > self.settings.max_depth:
                return
            for u in new:
                if self._enqueue(u, depth=depth + 1, kind="link", source=page_url):
                    self._push(u, depth + 1)
        return write

    def _prepare(self, url: str, depth: int, got: Fetched) -> tuple[PageReport, Callable[[], None] | None] | Work:
        """What a fetch comes to without parsing anything, or the work item that parses it."""
        host = host_key(url)
        if got.outcome == "not_modified":
            return self._not_modified(url, got)
        if got.outcome == "redirect_off":
            target = got.final_url
            if is_crawlable(target) and self._same_site(target, url):  # http://tin.vn -> https://www.tin.vn
                target = canonical(target, self.settings.tracking_params)
                reason = f"redirected to {target} (queued)"

                def queue_target() -> None:
                    if self._enqueue(target, depth=depth, kind="redirect", source=url):
                        self._push(target, depth)
                return PageReport(url, host, "skipped", reason), queue_target
            return PageReport(url, host, "skipped", got.reason), None
        if got.outcome in ("failed", "skipped"):
            return PageReport(url, host, got.outcome, got.reason), None
        final = canonical(got.final_url, self.settings.tracking_params)
        if not got.body.strip():
            return PageReport(url, host, "failed", "empty page (HTTP 200 without a body)"), None
        return self._work_for(url, final, depth, got, follow=True)

    def _work_for(self, url: str, final: str, depth: int, got: Fetched, *, follow: bool) -> Work:
        from .run import Item

        site = self.registry.for_url(final)
        doc_id = doc_id_for(final, site)
        state = self.db.execute("SELECT content_hash, extractor_version FROM documents WHERE id = ?",
                                [doc_id]).fetchone()
        item = Item(key=url, doc=doc_id, state=tuple(state) if state is not None else None, url=final,
                    charset=got.charset, page=got.body, page_url=got.final_url if follow else None,
                    source=site.id if site else None, feed=got.is_feed)
        return Work(url, final, depth, got, item, follow)

    def _from_done(self, work: Work, done: Any) -> tuple[PageReport, Callable[[], None] | None]:
        """The report and the writes of a page the worker has cleaned (and extracted, if new)."""
        url, final, depth, got = work.url, work.final, work.depth, work.got
        host = host_key(url)
        page: Crawled = done.crawled
        if page.kind in ("failed", "skipped"):
            return PageReport(url, host, page.kind, page.reason), None
        follow = work.follow and (self.settings.follow_article_links or page.kind != "article")
        link_writes = self._queue_links(page.links, final, depth) if follow else (lambda: None)
        raw = (page.raw_zlib, page.raw_sha256) if page.raw_zlib is not None else None
        if page.kind == "feed":
            def feed_writes() -> None:
                self._page_row(url, got, is_article=0, outcome="listing", reason=page.reason, raw=raw)
                link_writes()
            return PageReport(url, host, "listing", page.reason), feed_writes
        doc_id = work.item.doc

        def row(**values: Any) -> None:
            self._page_row(url, got, canonical=page.canonical, raw=raw, **values)
        if page.kind == "listing":
            def listing_writes() -> None:
                row(is_article=0, outcome="listing", reason=page.reason, doc_id=None)
                link_writes()
            return PageReport(url, host, "listing", page.reason), listing_writes
        text_hash = done.content_hash
        if not page.on_topic:
            def offtopic_writes() -> None:
                row(is_article=1, on_topic=0, text_sha256=text_hash, outcome="offtopic",
                    reason="no topic phrase in the title or text", doc_id=None)
                link_writes()
            return PageReport(url, host, "offtopic", "no topic phrase in the title or text"), offtopic_writes
        state = self.db.execute("SELECT content_hash, extractor_version FROM documents WHERE id = ?",
                                [doc_id]).fetchone()
        if state is not None and tuple(state) == (text_hash, self.version):
            def same_writes() -> None:
                row(is_article=1, on_topic=1, text_sha256=text_hash, outcome="unchanged", reason=None, doc_id=doc_id)
                link_writes()
            return PageReport(url, host, "unchanged", doc_id=doc_id), same_writes
        twin = self.db.execute("SELECT id FROM documents WHERE content_hash = ? AND id != ? LIMIT 1",
                               [text_hash, doc_id]).fetchone()
        if twin is None and state is None:  # a copy whose original has since changed stays a copy
            earlier = self.db.execute("""SELECT duplicate_of FROM pages WHERE url = ? AND outcome = 'duplicate'
                                         AND text_sha256 = ?""", [url, text_hash]).fetchone()
            twin = earlier if earlier is not None and earlier[0] else None
        if twin is not None and state is None:
            reason = f"same text as document {twin[0]}"

            def dup_writes() -> None:
                row(is_article=1, on_topic=1, text_sha256=text_hash, outcome="duplicate",
                    reason=reason, duplicate_of=twin[0], doc_id=None)
                link_writes()
            return PageReport(url, host, "duplicate", reason, doc_id=twin[0]), dup_writes
        if done.document is None:  # the worker saw the stored state, which changed since
            raise RuntimeError(f"{url}: no document extracted")
        outcome = "changed" if state is not None else "new"

        def doc_writes() -> None:
            write_document(self.db, done.document, text=done.text, content_hash=text_hash,
                           extractor_version=self.version, source=done.source, path=None)
            row(is_article=1, on_topic=1, text_sha256=text_hash, outcome=outcome, reason=None, doc_id=doc_id,
                duplicate_of=None)
            link_writes()
        return PageReport(url, host, outcome, doc_id=doc_id), doc_writes

    def _not_modified(self, url: str, got: Fetched) -> tuple[PageReport, Callable[[], None] | None] | Work:
        """A 304: nothing to do unless the extractor changed since the page was stored."""
        host = host_key(url)
        row = self.db.execute("""SELECT raw_zlib, charset, final_url, doc_id, etag, last_modified, content_type
                                 FROM pages WHERE url = ?""", [url]).fetchone()
        if row is None or row[0] is None:
            return PageReport(url, host, "failed", "304 Not Modified for a page never stored", ), None
        stored = self.db.execute("SELECT extractor_version FROM documents WHERE id = ?", [row[3]]).fetchone()
        if stored is None or stored[0] == self.version:
            def touch() -> None:
                self.db.execute("UPDATE pages SET fetched_at = ? WHERE url = ?", [now_iso(), url])
            return PageReport(url, host, "unchanged", "304 Not Modified", doc_id=row[3]), touch
        # the extractor changed: re-extract from the raw HTML kept in the store
        body = zlib.decompress(row[0])
        stored_got = replace(got, outcome="ok", body=body, final_url=row[2] or url, charset=row[1], etag=row[4],
                             last_modified=row[5], content_type=row[6])
        return self._work_for(url, canonical(stored_got.final_url), 0, stored_got, follow=False)


@dataclass
class Work:
    """A fetched page on its way to the worker pool, and what the loop needs to record it."""

    url: str
    final: str
    depth: int
    got: Fetched
    item: Item
    follow: bool


@dataclass
class Crawled:
    """What a worker makes of a fetched page besides its document (``run._Done.crawled``)."""

    kind: str  # article, listing, feed, failed, skipped
    reason: str | None = None
    links: list[str] = field(default_factory=list)  # canonical, same site, worth following
    canonical: str | None = None  # <link rel=canonical>, recorded only
    on_topic: bool = False
    raw_zlib: bytes | None = None
    raw_sha256: str | None = None


def follow_links(urls: Iterable[str], page_url: str, registry: Registry, settings: CrawlSettings,
                 *, from_feed: bool = False) -> list[str]:
    """The links of a page worth queueing, canonical (same site, not a file, the site's follow and
    skip patterns); a malformed link is skipped, not the page."""
    page_site = registry.for_url(page_url)
    page_host = host_key(page_url)
    out: list[str] = []
    seen: set[str] = set()
    for url in urls:
        try:
            if not is_crawlable(url):
                continue
            site = registry.for_url(url)
            if not (host_key(url) == page_host or twin_hosts(hostname(url), hostname(page_url))
                    or (site is not None and site is page_site)):
                continue
            path = url.split("?", 1)[0].lower()
            if path.endswith(SKIP_EXTENSIONS):
                continue
            child_sitemap = from_feed and path.endswith((".xml", ".xml.gz"))
            if site is not None and not child_sitemap:
                if site.skip and any(re.search(p, url) for p in site.skip):
                    continue
                if site.follow and not any(re.search(p, url) for p in site.follow):
                    continue
            link = canonical(url, settings.tracking_params)
        except ValueError:
            continue
        if link not in seen:
            seen.add(link)
            out.append(link)
    return out


def process_page(item: Item, registry: Registry, version: str) -> Any:
    """A fetched page to its text, links and (when it is a new or changed article on the topic)
    its document: the worker's side of the crawl, one parse of the page for all of it."""
    from .clean import parse_page
    from .documents import SourceDoc
    from .run import Outcome, _Done, extract_source

    settings = registry.crawler
    assert item.page is not None
    body = item.page
    raw = zlib.compress(body, 6), hashlib.sha256(body).hexdigest()
    base = item.page_url or item.url or item.key

    def done(kind: str, reason: str | None = None, **values: Any) -> _Done:
        status = "failed" if kind == "failed" else "unchanged"
        return _Done(Outcome(item.key, None, status, error=reason),
                     crawled=Crawled(kind, reason, raw_zlib=raw[0], raw_sha256=raw[1], **values))
    try:
        if body[:2] == b"\x1f\x8b":  # a gzipped sitemap (sitemap.xml.gz)
            unzip = zlib.decompressobj(16 + zlib.MAX_WBITS)
            body = unzip.decompress(body, 20 * settings.max_bytes)
            if unzip.unconsumed_tail:
                return done("skipped", "gzipped file too large once unpacked")
            if not looks_like_feed(body):
                return done("skipped", "a gzip file that is not a sitemap")
        if item.feed or looks_like_feed(body):
            links = feed_links(body, base)
            kept = follow_links(links, item.url or base, registry, settings, from_feed=True)
            return done("feed", f"feed or sitemap, {len(links)} links", links=kept)
        try:
            html = decode_html(body, item.charset, path=item.key)
        except DvkError as exc:
            return done("failed", f"cannot decode: {exc}")
        site = registry.for_url(item.url)
        cleaned = parse_page(html, site.profile if site else None, base_url=base,
                             max_links=settings.max_links_per_page)
        page_links = cleaned.links
        links = follow_links(page_links.links, item.url or base, registry, settings) if page_links else []
        canonical_url = page_links.canonical if page_links else None
        cut = f"; {page_links.dropped} more links not taken" if page_links and page_links.dropped else ""
        if not cleaned.text.strip() or not cleaned.is_article:
            return done("listing", f"listing{cut}" if cut else None, links=links, canonical=canonical_url)
        src = SourceDoc(doc=item.doc, text=cleaned.text, url=item.url, title=cleaned.title,
                        published=cleaned.published, source=site.id if site else None)
        text_hash = src.content_hash
        topical = on_topic(settings, src.title, src.text)
        crawled = Crawled("article", None, links, canonical_url, topical, raw[0], raw[1])
        if not topical or (not item.force and item.state == (text_hash, version)):
            return _Done(Outcome(item.key, item.doc, "unchanged"), None, src.text, text_hash, src.source,
                         doc_id=item.doc, crawled=crawled)
        document = extract_source(src, registry)
        return _Done(Outcome(item.key, item.doc, "changed" if item.state else "new"), document, src.text,
                     text_hash, src.source, doc_id=item.doc, crawled=crawled)
    except Exception as exc:  # noqa: BLE001 - a bug on one page never stops the crawl
        return done("failed", f"internal error: {exc!r}")


def _warm_up(registry: Registry) -> None:
    """Load what cleaning and extraction load on first use (parsers, the gazetteer, rules)."""
    from .clean import parse_page
    from .documents import SourceDoc
    from .run import extract_source

    parse_page("<html><body><p>Xã có 3 mô hình.</p></body></html>", None, base_url="http://a.vn/")
    extract_source(SourceDoc(doc="warm-up", text="Năm 2024, xã Tân Lộc có 12 mô hình “Dân vận khéo”."), registry)


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dvk")
    except PackageNotFoundError:
        return "0"


def crawl(db: sqlite_utils.Database, registry: Registry, seeds: Iterable[str] = (), *,
          settings: CrawlSettings | None = None, max_pages: int | None = None,
          on_page: Callable[[PageReport], None] | None = None, sites: Iterable[str] = (),
          workers: int = 1) -> CrawlResult:
    """Crawl from the given start URLs, or from the registry's sites' ``start_urls``."""
    seeds = list(seeds)
    if not seeds:
        wanted = set(sites)
        seeds = [u for s in registry.sites if not wanted or s.id in wanted for u in s.start_urls]
    if not seeds:
        raise DvkError("nothing to crawl: no start URL given and no site in the registry has start_urls",
                       hint="pass URLs (dvk crawl https://example.vn/tin-tuc) or add start_urls to a site")
    crawler = Crawler(db, registry, settings, max_pages=max_pages, on_page=on_page, workers=workers)
    try:
        return asyncio.run(crawler.run(seeds))
    except KeyboardInterrupt:
        print("dvk: crawl interrupted; the next run resumes where this one stopped", file=sys.stderr)
        raise
