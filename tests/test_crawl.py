"""The crawler against real HTTP servers on 127.0.0.x (tests/crawlsite.py), faults included."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import unicodedata
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from extractors import extractor_version
from pipeline.crawl import CrawlResult, crawl
from pipeline.run import process, stale_page_items
from pipeline.sources import Registry, load_registry
from pipeline.store import open_db

from .crawlsite import CrawlWorld, Hit

DELAY = 0.2
# the crawler settings of the test registry: short waits, a 2 MB page limit, links from listings only
SETTINGS = {"delay": "0.2", "timeout": "1.0", "retries": "3", "backoff": "0.1", "max_bytes": "2_000_000",
            "follow_article_links": "false", "contact": '"crawl-tests@example.org"'}
RECORDS = ("documents", "localities", "periods", "counts", "models")


def write_registry(world: CrawlWorld, path: Path) -> Path:
    world.write_registry(path)
    text = path.read_text(encoding="utf-8")
    for key, value in SETTINGS.items():
        text, n = re.subn(rf"^{key} = .*$", f"{key} = {value}", text, flags=re.M)
        if n == 0:
            text = text.replace("[crawler]\n", f"[crawler]\n{key} = {value}\n", 1)
    path.write_text(text, encoding="utf-8")
    return path


def records(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    out = {}
    for t in RECORDS:
        cols = [r[1] for r in conn.execute(f"PRAGMA table_info([{t}])") if r[1] not in ("id", "extracted_at")]
        out[t] = sorted(conn.execute(f"SELECT {', '.join(f'[{c}]' for c in cols)} FROM [{t}]"), key=repr)
    conn.close()
    return out


@dataclass
class Crawled:
    world: CrawlWorld
    registry: Registry
    registry_path: Path
    db: Path
    result: CrawlResult
    hits: list[Hit]

    def texts(self) -> list[tuple[str, str]]:
        conn = sqlite3.connect(self.db)
        rows = conn.execute("SELECT id, text FROM documents").fetchall()
        conn.close()
        return rows

    def outcome(self, url: str) -> str:
        return {p.url: p.outcome for p in self.result.pages}[url]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp = tmp_path_factory.mktemp("crawl")
    with CrawlWorld() as world:
        reg_path = write_registry(world, tmp / "sources.toml")
        registry = load_registry(reg_path)
        db = open_db(tmp / "dvk.db")
        result = crawl(db, registry)
        db.close()
        yield Crawled(world, registry, reg_path, tmp / "dvk.db", result, list(world.hits))


def test_every_article_is_stored_exactly_once(crawled: Crawled) -> None:
    texts = crawled.texts()
    articles = [e for e in crawled.world.PAGES.values() if e.outcome == "article"]
    assert len(articles) >= 12
    for e in articles:
        holders = [doc for doc, text in texts if e.phrase and e.phrase in text]
        assert len(holders) == 1, (e.path, holders)
    assert len(texts) == len(articles)  # duplicates (tracking parameters, syndicated copy) add nothing


def test_duplicates_are_recorded_against_their_document(crawled: Crawled) -> None:
    conn = sqlite3.connect(crawled.db)
    dup = conn.execute("SELECT url, duplicate_of, reason FROM pages WHERE outcome = 'duplicate'").fetchall()
    assert [u for u, *_ in dup] == [crawled.world.party.url("/bai-viet/ban-sao.html")]
    original = conn.execute("SELECT url FROM documents WHERE id = ?", [dup[0][1]]).fetchone()[0]
    assert original == crawled.world.news.url("/tin/dvk-hoa-binh.html")
    # the link with tracking parameters was never fetched: it is the same canonical URL
    assert not [h for h in crawled.hits if "utm_source" in h.path]
    conn.close()


def test_pages_off_the_topic_are_not_stored(crawled: Crawled) -> None:
    for url, e in crawled.world.PAGES.items():
        if e.outcome == "offtopic":
            assert crawled.outcome(url) == "offtopic"
            assert not any(e.phrase and e.phrase in t for _, t in crawled.texts())


def test_disallowed_pages_are_never_requested(crawled: Crawled) -> None:
    assert crawled.world.news.requested("/private/") == []
    assert crawled.outcome(crawled.world.news.url("/private/noi-bo.html")) == "skipped"
    assert [h.path for h in crawled.world.news.requested("/robots.txt")] == ["/robots.txt"]


def test_the_per_host_delay_is_respected_at_the_server(crawled: Crawled) -> None:
    for server, least in ((crawled.world.news, DELAY), (crawled.world.party, 1.0),  # Crawl-delay: 1
                          (crawled.world.faults, DELAY)):
        times = sorted(h.t for h in crawled.hits if h.host == server.name)
        assert len(times) >= 3
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        assert min(gaps) >= least - 0.02, (server.name, min(gaps))
    # hosts are crawled in parallel: the party site's slow pace does not hold back the others
    hosts_at_once = {h.host for h in crawled.hits if h.t - crawled.hits[0].t < 0.5}
    assert len(hosts_at_once) == 3


def test_transient_errors_are_retried_with_backoff_and_retry_after(crawled: Crawled) -> None:
    faults = crawled.world.faults
    for path in ("/slow.html", "/flaky.html", "/busy.html", "/truncated.html"):
        assert crawled.outcome(faults.url(path)) == "new", path
    assert len(faults.requested("/flaky.html")) == 3  # 500, 500, 200
    busy = faults.requested("/busy.html")
    assert len(busy) == 2 and busy[1].t - busy[0].t >= 2.0 - 0.02  # Retry-After: 2
    # a host that keeps failing is given up on, with the reason, and retried on a later run
    assert len(faults.requested("/unavailable.html")) == 4  # 1 + retries
    conn = sqlite3.connect(crawled.db)
    row = conn.execute("SELECT status, transient, reason FROM frontier WHERE url = ?",
                       [faults.url("/unavailable.html")]).fetchone()
    assert row[:2] == ("failed", 1) and "HTTP 503" in row[2]
    logged = conn.execute("SELECT result FROM fetch_log WHERE url = ? ORDER BY id",
                          [faults.url("/flaky.html")]).fetchall()
    assert [r for (r,) in logged] == ["retry", "retry", "ok"]
    conn.close()


@pytest.mark.parametrize(("path", "outcome", "reason"), [
    ("/loop-a.html", "failed", "redirect loop"),
    ("/huge.html", "skipped", "too large"),
    ("/report.pdf", "skipped", "not HTML (application/pdf)"),
    ("/data.json", "skipped", "not HTML (application/json)"),
    ("/empty.html", "failed", "empty page"),
    ("/not-found.html", "failed", "HTTP 404"),
])
def test_bad_pages_are_recorded_with_their_reason(crawled: Crawled, path: str, outcome: str, reason: str) -> None:
    url = crawled.world.faults.url(path)
    report = next(p for p in crawled.result.pages if p.url == url)
    assert report.outcome == outcome
    assert reason in (report.reason or "")
    conn = sqlite3.connect(crawled.db)
    assert reason in conn.execute("SELECT reason FROM frontier WHERE url = ?", [url]).fetchone()[0]
    conn.close()


def test_a_redirect_is_followed_and_the_article_kept_once(crawled: Crawled) -> None:
    faults = crawled.world.faults
    conn = sqlite3.connect(crawled.db)
    final = conn.execute("SELECT final_url FROM pages WHERE url = ?", [faults.url("/moved.html")]).fetchone()[0]
    assert final == faults.url("/new-home.html")
    assert conn.execute("SELECT count(*) FROM documents WHERE url = ?", [final]).fetchone()[0] == 1
    conn.close()


def test_every_encoding_becomes_nfc_text(crawled: Crawled) -> None:
    texts = dict(crawled.texts())
    for path in ("/nocharset.html", "/wrongcharset.html", "/legacy.html", "/legacy-meta.html", "/broken.html"):
        e = crawled.world.PAGES[crawled.world.faults.url(path)]
        assert e.phrase and any(e.phrase in t for t in texts.values()), path
    for text in texts.values():
        assert unicodedata.is_normalized("NFC", text)
        assert "Ã" not in text and "\ufffd" not in text  # no mojibake, no replacement characters


def test_requests_say_who_is_crawling(crawled: Crawled) -> None:
    agents = {h.headers.get("user-agent", "") for h in crawled.hits}
    assert len(agents) == 1
    agent = agents.pop()
    assert agent.startswith("dvk/") and "crawl-tests@example.org" in agent


def test_raw_html_is_kept_compressed(crawled: Crawled) -> None:
    conn = sqlite3.connect(crawled.db)
    for url, raw in conn.execute("SELECT url, raw_zlib FROM pages WHERE outcome = 'new'"):
        assert zlib.decompress(raw).startswith((b"<!DOCTYPE", b"<!doctype", b"<html", b"\xef\xbb\xbf", b"<?xml")), url
    conn.close()


def test_a_second_run_sends_conditional_requests_and_changes_nothing(crawled: Crawled, tmp_path: Path) -> None:
    db_path = tmp_path / "again.db"
    shutil.copy(crawled.db, db_path)
    before = records(db_path)
    world = crawled.world
    world.rearm()
    start = len(world.hits)
    settings = crawled.registry.crawler
    from dataclasses import replace

    db = open_db(db_path)
    again = crawl(db, crawled.registry, settings=replace(settings, revisit_after_hours=0))
    db.close()
    hits = world.hits[start:]
    articles = [h for h in hits if h.path in ("/tin/dvk-hoa-binh.html", "/bai-viet/dvk-ha-tinh.html",
                                              "/nocharset.html")]
    assert len(articles) == 3
    for h in articles:
        assert "if-none-match" in h.headers or "if-modified-since" in h.headers, h.path
    assert again.count("new") == again.count("changed") == 0
    assert again.count("unchanged") >= 12
    assert records(db_path) == before

    # a page that changes is re-extracted, under the same document
    url = world.news.url("/tin/dvk-mo-hinh-moi.html")
    page = open_db(db_path).execute("SELECT raw_zlib FROM pages WHERE url = ?", [url]).fetchone()[0]
    changed_page = zlib.decompress(page).replace(b"</p>", " Bài viết đã được cập nhật.</p>".encode(), 1)
    world.news.set_page("/tin/dvk-mo-hinh-moi.html", changed_page)
    db = open_db(db_path)
    third = crawl(db, crawled.registry, settings=replace(settings, revisit_after_hours=0))
    doc_text = db.execute("SELECT text FROM documents WHERE url = ?", [url]).fetchone()[0]
    n_docs = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    db.close()
    assert {p.url: p.outcome for p in third.pages}[url] == "changed"
    assert "Bài viết đã được cập nhật." in doc_text
    assert n_docs == len(before["documents"])


def test_a_new_extractor_version_re_extracts_without_fetching(crawled: Crawled, tmp_path: Path) -> None:
    db_path = tmp_path / "stale.db"
    shutil.copy(crawled.db, db_path)
    db = open_db(db_path)
    n_docs = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    db.execute("UPDATE documents SET extractor_version = 'older'")
    db.conn.commit()
    start = len(crawled.world.hits)
    result = process(db, stale_page_items(db, extractor_version()), registry=crawled.registry)
    versions = {v for (v,) in db.execute("SELECT DISTINCT extractor_version FROM documents")}
    db.close()
    assert len(result.outcomes) == n_docs
    assert {o.status for o in result.outcomes} == {"changed"}
    assert versions == {extractor_version()}
    assert len(crawled.world.hits) == start  # nothing fetched
    assert records(db_path) == records(crawled.db) | {"documents": records(db_path)["documents"]}


def test_a_crawl_killed_at_any_point_resumes_without_loss_or_duplicates(crawled: Crawled, tmp_path: Path) -> None:
    """kill -9 the crawler twice mid-run, then let it finish: the same documents as a run never killed."""
    db = tmp_path / "killed.db"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    with CrawlWorld() as world:
        reg = write_registry(world, tmp_path / "sources.toml")
        for kill_after in (8, 20):  # requests seen by the servers before the kill
            proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "crawl", "--sources", str(reg),
                                     "--db", str(db)], env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, start_new_session=True)
            deadline = time.monotonic() + 60
            while proc.poll() is None and time.monotonic() < deadline and len(world.hits) < kill_after:
                time.sleep(0.005)
            assert proc.poll() is None, "the crawl ended before it could be killed"
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        registry = load_registry(reg)
        conn = open_db(db)
        assert conn.execute("SELECT count(*) FROM frontier WHERE status = 'queued'").fetchone()[0] > 0
        crawl(conn, registry)
        conn.close()

    def stored(path: Path) -> list[str]:
        """The content hash of every stored document (which of two copies of one article is kept
        depends on which was fetched first; that it is kept once does not)."""
        c = sqlite3.connect(path)
        rows = sorted(h for (h,) in c.execute("SELECT content_hash FROM documents"))
        c.close()
        return rows

    assert stored(db) == stored(crawled.db)
    c = sqlite3.connect(db)
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert c.execute("SELECT count(*) FROM runs WHERE kind = 'crawl' AND status = 'interrupted'").fetchone()[0] == 2
    c.close()


# --- the write batch -----------------------------------------------------------------------------
KILLED_MID_BATCH = """
import asyncio, sys
from pathlib import Path
from pipeline.crawl import Crawler
from pipeline.sources import load_registry
from pipeline.store import open_db
registry = load_registry(Path(sys.argv[1]))
db = open_db(Path(sys.argv[2]))
seeds = [u for s in registry.sites for u in s.start_urls]
# nothing is committed before the run ends: the kill always falls in the middle of the one batch
asyncio.run(Crawler(db, registry, commit_pages=10**6, commit_seconds=10**6).run(seeds))
"""


def test_a_crawl_killed_mid_batch_leaves_no_part_of_it_and_resumes(crawled: Crawled, tmp_path: Path) -> None:
    """kill -9 while pages are written but their batch is not committed: none of them is in the
    store (their frontier rows still queued), and the next run stores every article once."""
    db = tmp_path / "mid-batch.db"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    with CrawlWorld() as world:
        reg = write_registry(world, tmp_path / "sources.toml")
        proc = subprocess.Popen([sys.executable, "-c", KILLED_MID_BATCH, str(reg), str(db)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline and len(world.hits) < 25:
            time.sleep(0.005)
        assert proc.poll() is None, "the crawl ended before it could be killed"
        time.sleep(0.3)  # the pages fetched so far are written into the open batch
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        c = sqlite3.connect(db)
        assert c.execute("SELECT count(*) FROM pages").fetchone()[0] == 0
        assert c.execute("SELECT count(*) FROM fetch_log").fetchone()[0] == 0
        assert c.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
        queued = c.execute("SELECT count(*) FROM frontier WHERE status = 'queued'").fetchone()[0]
        assert queued == c.execute("SELECT count(*) FROM frontier").fetchone()[0] > 0
        c.close()
        conn = open_db(db)
        result = crawl(conn, load_registry(reg))
        conn.close()
    c = sqlite3.connect(db)
    assert sorted(h for (h,) in c.execute("SELECT content_hash FROM documents")) == sorted(
        h for (h,) in sqlite3.connect(crawled.db).execute("SELECT content_hash FROM documents"))

    def paths(conn: sqlite3.Connection) -> list[str]:  # the two worlds' ports differ
        return sorted(re.sub(r"^https?://[^/]+", "", u) for (u,) in conn.execute("SELECT url FROM pages"))
    assert paths(c) == paths(sqlite3.connect(crawled.db))
    assert result.fetched > 0
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    c.close()


def _batch_db(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (page INTEGER, row INTEGER)")
    conn.commit()
    return conn


def test_a_batch_commits_every_n_pages_and_reports_only_what_is_committed(tmp_path: Path) -> None:
    import sqlite_utils

    from pipeline.crawl import WriteBatch

    _batch_db(tmp_path / "b.db").close()
    db = sqlite_utils.Database(sqlite3.connect(tmp_path / "b.db", isolation_level=None))
    other = sqlite3.connect(tmp_path / "b.db")
    batch = WriteBatch(db, pages=3, seconds=3600)
    reported: list[int] = []

    def page(n: int, fail: bool = False) -> None:
        db.conn.execute("INSERT INTO t VALUES (?, 1)", [n])
        db.conn.execute("INSERT INTO t VALUES (?, 2)", [n])
        if fail:
            raise ValueError(f"page {n} cannot be stored")

    def seen() -> list[tuple[int, int]]:
        return other.execute("SELECT page, row FROM t ORDER BY page, row").fetchall()

    batch.write(lambda: page(1), lambda: reported.append(1))
    with pytest.raises(ValueError):
        batch.write(lambda: page(2, fail=True), lambda: reported.append(2))
    batch.write(lambda: page(3), lambda: reported.append(3))
    # the connection itself sees its batch; another sees nothing and nothing is reported yet
    assert db.conn.execute("SELECT count(*) FROM t").fetchone()[0] == 4
    assert seen() == [] and reported == []
    batch.write(lambda: page(4), lambda: reported.append(4))  # the third page written: committed
    assert seen() == [(1, 1), (1, 2), (3, 1), (3, 2), (4, 1), (4, 2)]  # page 2 rolled back alone
    assert reported == [1, 3, 4] and batch.commits == 1
    batch.write(lambda: page(5), lambda: reported.append(5))
    batch.rollback()  # what the batch held is gone, and never reported
    batch.commit()
    assert [p for p, _ in seen()] == [1, 1, 3, 3, 4, 4] and reported == [1, 3, 4]
    other.close()


def test_a_batch_is_committed_when_its_time_is_up(tmp_path: Path) -> None:
    import asyncio

    import sqlite_utils

    from pipeline.crawl import WriteBatch

    _batch_db(tmp_path / "b.db").close()
    db = sqlite_utils.Database(sqlite3.connect(tmp_path / "b.db", isolation_level=None))
    other = sqlite3.connect(tmp_path / "b.db")
    reported: list[int] = []

    async def go() -> list[int]:
        batch = WriteBatch(db, pages=1000, seconds=0.1)
        batch.write(lambda: db.conn.execute("INSERT INTO t VALUES (1, 1)"), lambda: reported.append(1))
        before = other.execute("SELECT count(*) FROM t").fetchone()[0]
        await asyncio.sleep(0.3)  # a quiet crawl: no page comes, the timer commits
        return [before, other.execute("SELECT count(*) FROM t").fetchone()[0]]

    assert asyncio.run(go()) == [0, 1]
    assert reported == [1]
    other.close()
