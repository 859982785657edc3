"""Crawled pages on the one processing path (run.Item in the worker pool), short articles in the
four page styles kept without a profile, listings recognised, dead links recorded without failing
the night — against a real HTTP server on 127.0.0.21."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pipeline.crawl import crawl
from pipeline.nightly import nightly
from pipeline.sources import load_registry
from pipeline.store import open_db

from .pagestyles import ARTICLES, STYLES, Article, article_page, listing_page

IP = "127.0.0.21"


def _variant(a: Article, style: str, k: int) -> Article:
    """Each page its own article: the same made-up text with one sentence of its own."""
    return replace(a, title=f"{a.title} ({style} {k})",
                   paragraphs=(*a.paragraphs[:-1], a.paragraphs[-1] + f" Bài số {k} của trang mẫu {style}."))


class Site:
    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, bytes]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body = site.pages.get(self.path.split("?")[0], (404, b"not found"))
                self.send_response(status)
                self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else
                                 "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer((IP, 0), Handler)
        self.base = f"http://{IP}:{self.server.server_address[1]}"
        self.articles: dict[str, Article] = {}
        links = []
        for style in STYLES:
            for k, a in enumerate(ARTICLES):
                path = f"/bai/{style}-{k}.html"
                self.articles[path] = _variant(a, style, k)
                self.pages[path] = (200, article_page(style, self.articles[path]).encode())
                links.append(f'<li><a href="{path}?utm_source=zalo">{style} {k}</a></li>')
            self.pages[f"/muc/{style}.html"] = (200, listing_page(style).encode())  # its /tin/N.html are 404
            links.append(f'<li><a href="/muc/{style}.html">Chuyên mục {style}</a></li>')
        links += ['<li><a href="/bai/da-xoa.html">Bài đã xóa</a></li>', '<li><a href="/bai/go.html">Bài gỡ</a></li>']
        self.pages["/bai/go.html"] = (410, b"gone")
        self.pages["/"] = (200, f"<html><body><ul>{''.join(links)}</ul></body></html>".encode())
        self.pages["/robots.txt"] = (200, b"User-agent: *\nAllow: /\n")
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def registry(self, path: Path) -> Path:
        path.write_text(f"""[crawler]
delay = 0.02
timeout = 2.0
retries = 0
max_depth = 2
contact = "tests@example.org"

[site.mau]
name = "Trang mẫu"
hosts = ["{IP}"]
province = "Hà Tĩnh"
start_urls = ["{self.base}/"]
""", encoding="utf-8")
        return path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    s = Site()
    yield s
    s.close()


def _records(db: Path) -> dict[str, list[tuple]]:
    """Every stored record without row ids and time stamps (the order of commits may differ)."""
    conn = sqlite3.connect(db)
    out = {}
    for t in ("documents", "localities", "periods", "counts", "models"):
        cols = [r[1] for r in conn.execute(f"PRAGMA table_info([{t}])") if r[1] not in ("id", "extracted_at")]
        out[t] = sorted(conn.execute(f"SELECT {', '.join(f'[{c}]' for c in cols)} FROM [{t}]"), key=repr)
    out["pages"] = sorted(conn.execute("SELECT url, outcome, reason, doc_id, text_sha256 FROM pages").fetchall())
    conn.close()
    return out


@pytest.fixture(scope="module")
def crawled(site: Site, tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    tmp = tmp_path_factory.mktemp("pool")
    registry = load_registry(site.registry(tmp / "sources.toml"))
    out = {}
    for workers in (1, 2):
        path = tmp / f"w{workers}.db"
        db = open_db(path)
        result = crawl(db, registry, workers=workers)
        db.close()
        assert result.requests > 0
        out[workers] = path
    return out


def test_every_short_article_is_stored_once_without_a_profile(site: Site, crawled: dict[int, Path]) -> None:
    conn = sqlite3.connect(crawled[2])
    texts = dict(conn.execute("SELECT url, text FROM documents").fetchall())
    conn.close()
    assert len(texts) == len(site.articles) == 12
    for path, article in site.articles.items():
        text = texts[site.base + path]  # the tracking parameter dropped
        assert all(p in text for p in article.paragraphs)
        assert "Ý kiến bạn đọc" not in text and "In bài" not in text and article.author not in text.split("\n\n")


def test_listings_are_listings_and_dead_links_are_recorded(site: Site, crawled: dict[int, Path]) -> None:
    conn = sqlite3.connect(crawled[2])
    outcomes = dict(conn.execute("SELECT url, outcome FROM pages").fetchall())
    reasons = dict(conn.execute("SELECT url, reason FROM frontier WHERE status = 'failed'").fetchall())
    conn.close()
    for style in STYLES:
        assert outcomes[f"{site.base}/muc/{style}.html"] == "listing"
    assert reasons[f"{site.base}/bai/da-xoa.html"] == "HTTP 404"
    assert reasons[f"{site.base}/bai/go.html"] == "HTTP 410"


def test_the_worker_pool_stores_what_the_loop_alone_stores(crawled: dict[int, Path]) -> None:
    one, two = _records(crawled[1]), _records(crawled[2])
    assert one["documents"] and one == two


def test_a_night_with_dead_links_does_not_fail(site: Site, tmp_path: Path) -> None:
    registry = load_registry(site.registry(tmp_path / "sources.toml"))
    (tmp_path / "none").mkdir()
    result = nightly(tmp_path / "n.db", registry, inputs=[tmp_path / "none"], workers=2)
    assert result.crawl is not None and len(result.crawl.dead_links) >= 2
    assert result.exit_code() == 0
    assert any(k.startswith("dead link (HTTP 404)") for k in result.crawl.failures())
    conn = sqlite3.connect(tmp_path / "n.db")
    recorded = {r[0] for r in conn.execute("SELECT reason FROM errors WHERE stage = 'fetch'")}
    conn.close()
    assert "HTTP 410" in recorded


def test_a_night_where_no_server_answers_fails_with_7(tmp_path: Path) -> None:
    (tmp_path / "sources.toml").write_text("""[crawler]
delay = 0.01
timeout = 0.5
retries = 0
[site.mat]
hosts = ["127.0.0.22"]
start_urls = ["http://127.0.0.22:9/"]
""", encoding="utf-8")  # port 9 (discard): nobody listens
    (tmp_path / "none").mkdir()
    result = nightly(tmp_path / "n.db", load_registry(tmp_path / "sources.toml"), inputs=[tmp_path / "none"])
    assert result.exit_code() == 7


def test_a_sitemap_over_max_bytes_is_streamed_not_skipped(site: Site, tmp_path: Path) -> None:
    urls = "".join(f"<url><loc>{site.base}/bai/cu-{i}.html</loc></url>" for i in range(30_000))
    site.pages["/sitemap-lon.xml"] = (200, f'<?xml version="1.0"?><urlset>{urls}</urlset>'.encode())
    reg = site.registry(tmp_path / "sources.toml")
    text = reg.read_text(encoding="utf-8").replace("max_depth = 2", "max_depth = 0\nmax_bytes = 200_000")
    reg.write_text(text.replace(f'start_urls = ["{site.base}/"]', f'start_urls = ["{site.base}/sitemap-lon.xml"]'),
                   encoding="utf-8")
    db = open_db(tmp_path / "s.db")
    result = crawl(db, load_registry(reg))
    db.close()
    assert len(site.pages["/sitemap-lon.xml"][1]) > 5 * 200_000
    (page,) = [p for p in result.pages if p.url.endswith("/sitemap-lon.xml")]
    assert (page.outcome, page.reason) == ("listing", "feed or sitemap, 30000 links")
