"""Crawler edge cases met on real sites, against real servers on 127.0.0.5–7: broken links and
redirects, CMSs that give every article one canonical URL, www twins, a host that asks to wait an
hour, a stray invalid byte, and a 304 after an extractor change."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from pipeline.crawl import CrawlResult, crawl
from pipeline.sources import load_registry
from pipeline.store import open_db

from .crawlsite import Response, SiteServer

PARAGRAPH = ("Thời gian qua, Ban Chỉ đạo phong trào thi đua “Dân vận khéo” của xã Hòa Lạc đã hướng dẫn "
             "các chi hội đăng ký xây dựng mô hình, gắn với nhiệm vụ phát triển kinh tế - xã hội ở địa phương.")


def article(title: str, sentence: str, canonical: str | None = None) -> bytes:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    paras = "".join(f"<p>{PARAGRAPH} {sentence}</p>" for _ in range(3))
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>{link}</head>'
            f"<body><nav><a href='/'>Trang chủ</a></nav><article><h1>{title}</h1>{paras}</article>"
            "</body></html>").encode()


def listing(links: list[str]) -> bytes:
    items = "".join(f'<li><a href="{h}">Tin {i}</a></li>' for i, h in enumerate(links))
    return f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><ul>{items}</ul></body></html>'.encode()


@dataclass
class Edges:
    main: SiteServer
    twin: SiteServer
    busy: SiteServer
    db: Path
    registry_path: Path
    result: CrawlResult

    def outcome(self, url: str) -> str:
        return {p.url: p.outcome for p in self.result.pages}[url]


@pytest.fixture(scope="module")
def edges(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Edges]:
    tmp = tmp_path_factory.mktemp("edges")
    main, twin, busy = SiteServer("main", "127.0.0.5"), SiteServer("twin", "127.0.0.6"), SiteServer("busy", "127.0.0.7")
    for s in (main, twin, busy):
        s.start()
    try:
        main.set_page("/", listing([
            "http://[bad", "http://127.0.0.5:abc/x", "/bad-redirect.html", "/News/1/Detail.aspx",
            "/News/2/Detail.aspx", "/moved-away.html", "/invalid-byte.html", twin.url("/tin/ban-goc.html"),
            "/etag.html"]))
        main.set_fault("/bad-redirect.html", lambda n: Response(302, headers=[("Location", "http://[bad/x")]))
        for i in (1, 2):
            main.set_page(f"/News/{i}/Detail.aspx", article(f"Bài {i}", f"Câu riêng của bài số {i}.",
                                                               canonical="/News/Detail.aspx"))
        main.set_page("/News/Detail.aspx", article("Bài 1", "Câu riêng của bài số 1."))
        main.set_fault("/moved-away.html", lambda n: Response(301, headers=[("Location", twin.url("/tin/moi.html"))]))
        twin.set_page("/tin/moi.html", article("Bài chuyển nhà", "Câu riêng của bài đã chuyển sang máy chủ khác."))
        twin.set_page("/tin/ban-goc.html", article("Bài ở máy chủ song sinh", "Câu riêng của bài ở máy chủ song sinh."))
        bad = article("Bài có byte hỏng", "Câu riêng của bài có một byte hỏng.")
        main.set_page("/invalid-byte.html", bad.replace("Câu riêng".encode(), b"C\xe2\x28u ri\xc3\xaang", 1))
        main.set_page("/etag.html", article("Bài có ETag", "Câu riêng của bài có ETag."))
        busy.set_page("/", listing(["/a.html", "/b.html"]))
        busy.set_page("/a.html", article("A", "Câu A."))
        busy.set_page("/b.html", article("B", "Câu B."))
        busy.set_fault("/a.html", lambda n: Response(429, headers=[("Retry-After", "3600")]))
        reg = tmp / "sources.toml"
        reg.write_text(f"""[crawler]
delay = 0.05
timeout = 2.0
retries = 1
backoff = 0.05
follow_article_links = false

[site.main]
hosts = ["127.0.0.5", "127.0.0.6"]
province = "Hà Nội"
profile = "generic"
start_urls = ["{main.url('/')}"]

[site.busy]
hosts = ["127.0.0.7"]
province = "Hà Nội"
profile = "generic"
start_urls = ["{busy.url('/')}"]
""", encoding="utf-8")
        db = open_db(tmp / "dvk.db")
        result = crawl(db, load_registry(reg))
        db.close()
        yield Edges(main, twin, busy, tmp / "dvk.db", reg, result)
    finally:
        for s in (main, twin, busy):
            s.stop()


def test_a_broken_location_header_fails_that_page_only(edges: Edges) -> None:
    url = edges.main.url("/bad-redirect.html")
    assert edges.outcome(url) == "failed"
    reason = next(p.reason for p in edges.result.pages if p.url == url)
    assert reason and "invalid URL" in reason
    assert edges.outcome(edges.main.url("/etag.html")) == "new"  # the crawl went on


def test_malformed_links_are_skipped_one_by_one(edges: Edges) -> None:
    assert edges.outcome(edges.main.url("/")) == "listing"
    assert all("[bad" not in p.url and ":abc" not in p.url for p in edges.result.pages)


def test_articles_sharing_one_canonical_url_stay_apart(edges: Edges) -> None:
    """(The test server routes by path only, so the articles differ by path, not by ?ID=.)"""
    conn = sqlite3.connect(edges.db)
    texts = [t for (t,) in conn.execute("SELECT text FROM documents WHERE url LIKE '%/News/_/Detail.aspx'")]
    conn.close()
    assert len(texts) == 2
    assert any("bài số 1" in t for t in texts) and any("bài số 2" in t for t in texts)


def test_a_redirect_to_another_host_of_the_site_is_followed(edges: Edges) -> None:
    assert edges.outcome(edges.main.url("/moved-away.html")) == "skipped"
    assert edges.outcome(edges.twin.url("/tin/moi.html")) == "new"
    assert edges.outcome(edges.twin.url("/tin/ban-goc.html")) == "new"  # a link to the twin host
    assert [h.path for h in edges.twin.requested("/robots.txt")] == ["/robots.txt"]


def test_a_host_asking_to_wait_an_hour_is_left_for_a_later_run(edges: Edges) -> None:
    assert [h.path for h in edges.busy.requested("/a.html")] == ["/a.html"]
    assert edges.busy.requested("/b.html") == []
    conn = sqlite3.connect(edges.db)
    rows = dict(conn.execute("SELECT url, status || '/' || failures FROM frontier WHERE host LIKE '127.0.0.7%'"))
    conn.close()
    assert rows[edges.busy.url("/a.html")] == "queued/0"
    assert rows[edges.busy.url("/b.html")] == "queued/0"


def test_a_stray_invalid_byte_keeps_the_article(edges: Edges) -> None:
    conn = sqlite3.connect(edges.db)
    text = conn.execute("SELECT text FROM documents WHERE url = ?", [edges.main.url("/invalid-byte.html")]).fetchone()
    conn.close()
    assert text is not None and "\ufffd" in text[0] and "Dân vận khéo" in text[0]


def test_a_304_after_an_extractor_change_re_extracts_and_keeps_the_validators(edges: Edges, tmp_path: Path) -> None:
    import shutil

    db_path = tmp_path / "again.db"
    shutil.copy(edges.db, db_path)
    url = edges.main.url("/etag.html")
    db = open_db(db_path)
    etag = db.execute("SELECT etag FROM pages WHERE url = ?", [url]).fetchone()[0]
    assert etag
    db.execute("UPDATE documents SET extractor_version = 'older'")
    db.conn.commit()
    registry = load_registry(edges.registry_path)
    again = crawl(db, registry, [url], settings=replace(registry.crawler, revisit_after_hours=0))
    row = db.execute("SELECT p.etag, d.extractor_version FROM pages p JOIN documents d ON d.id = p.doc_id "
                     "WHERE p.url = ?", [url]).fetchone()
    db.close()
    hit = edges.main.requested("/etag.html")[-1]
    assert hit.headers.get("if-none-match") == etag
    assert {p.url: p.outcome for p in again.pages}[url] == "changed"
    assert row[0] == etag and row[1] != "older"
