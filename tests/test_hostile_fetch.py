"""Servers that attack the crawler, on 127.0.0.41–44 (raw sockets, each connection and each server
with a bounded lifetime): one that drips its headers or body a byte at a time, compression bombs
in one or several ``Content-Encoding`` layers, and a robots.txt larger than 500 KiB."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import resource
import socket
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.crawl import crawl
from pipeline.fetch import Fetcher
from pipeline.sources import CrawlSettings, load_registry
from pipeline.store import open_db

LIFETIME = 20.0  # no server or connection of this file lives longer than this

Handler = Callable[[socket.socket, str], None]  # (connection, request path)


class RawServer:
    """A TCP server that hands each request to ``handler`` with the raw socket (one thread per
    connection); it stops after ``LIFETIME`` seconds or on ``stop``, cutting every connection."""

    def __init__(self, ip: str, handler: Handler):
        self.handler = handler
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((ip, 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.ip, self.port = ip, self.sock.getsockname()[1]
        self.stopping = threading.Event()
        self.conns: list[socket.socket] = []
        self.requests: list[str] = []
        self.started = time.monotonic()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def url(self, path: str) -> str:
        return f"http://{self.ip}:{self.port}{path}"

    def __enter__(self) -> RawServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def alive(self) -> bool:
        return not self.stopping.is_set() and time.monotonic() - self.started < LIFETIME

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        for c in self.conns:
            with contextlib.suppress(OSError):
                c.shutdown(socket.SHUT_RDWR)
            c.close()
        self.sock.close()

    def _serve(self) -> None:
        while self.alive():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.conns.append(conn)
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        conn.settimeout(LIFETIME)
        with contextlib.suppress(OSError):
            while self.alive():
                head = b""
                while b"\r\n\r\n" not in head:
                    data = conn.recv(4096)
                    if not data:
                        return
                    head += data
                path = head.split(b" ", 2)[1].decode()
                self.requests.append(path)
                self.handler(conn, path)

    def drip(self, conn: socket.socket, data: bytes, every: float) -> None:
        """Send ``data`` one byte at a time, ``every`` seconds apart, while the server lives."""
        for i in range(len(data)):
            if self.stopping.wait(every) or not self.alive():
                return
            conn.sendall(data[i:i + 1])


def response(body: bytes, *, headers: tuple[tuple[str, str], ...] = (), status: str = "200 OK",
             content_type: str = "text/html; charset=utf-8") -> bytes:
    lines = [f"HTTP/1.1 {status}", f"Content-Type: {content_type}", f"Content-Length: {len(body)}",
             *(f"{k}: {v}" for k, v in headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def settings(**kw: object) -> CrawlSettings:
    base = CrawlSettings(delay=0.0, timeout=5.0, retries=2, backoff=0.05, deadline=1.5, page_deadline=6.0,
                         max_bytes=1_000_000)
    return replace(base, **kw)  # type: ignore[arg-type]


def fetch(url: str, s: CrawlSettings, **kw: object):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        fetcher = Fetcher(s, "dvk-test")
        try:
            return await fetcher.get(url, **kw)  # type: ignore[arg-type]
        finally:
            await fetcher.aclose()
    return asyncio.run(go())


PARAGRAPH = ("Thời gian qua, Ban Chỉ đạo phong trào thi đua “Dân vận khéo” của xã Hòa Lạc đã hướng dẫn "
             "các chi hội đăng ký xây dựng mô hình, gắn với nhiệm vụ phát triển kinh tế - xã hội ở địa phương. "
             "Huyện có 12 mô hình “Dân vận khéo” được công nhận trong năm.")
PAGE = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Bài thử</title></head><body><article>"
        f"<h1>Bài thử</h1>{f'<p>{PARAGRAPH}</p>' * 3}</article></body></html>").encode()


# --- deadlines ---------------------------------------------------------------------------------
def test_a_server_dripping_its_headers_is_cut_off_at_the_deadline() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"x" * 500 + b"\r\n\r\n"

    def handler(conn: socket.socket, path: str) -> None:
        server.drip(conn, head, 0.05)  # 20 bytes a second: each read is quick, the whole never comes

    with RawServer("127.0.0.41", handler) as server:
        t0 = time.monotonic()
        got = fetch(server.url("/drip"), settings())
        took = time.monotonic() - t0
    assert got.outcome == "failed" and got.transient
    assert got.reason and "deadline" in got.reason
    assert got.host_stalled
    assert len(got.attempts) == 1  # not retried: a drip does not get faster
    assert 1.4 < took < 4.0


def test_a_server_dripping_its_body_is_cut_off_at_the_deadline() -> None:
    body = PAGE * 50

    def handler(conn: socket.socket, path: str) -> None:
        conn.sendall(response(body)[: -len(body)])
        server.drip(conn, body, 0.05)

    with RawServer("127.0.0.41", handler) as server:
        t0 = time.monotonic()
        got = fetch(server.url("/drip-body"), settings())
        took = time.monotonic() - t0
    assert got.outcome == "failed" and got.reason and "deadline" in got.reason
    assert got.body == b""
    assert took < 4.0


def test_the_page_deadline_bounds_retries_and_waits() -> None:
    """A server that answers 503 slowly: each request is within its deadline, the page is not."""
    def handler(conn: socket.socket, path: str) -> None:
        if not server.stopping.wait(1.0):
            conn.sendall(response(b"busy", status="503 Service Unavailable", headers=(("Retry-After", "1"),)))

    with RawServer("127.0.0.42", handler) as server:
        t0 = time.monotonic()
        got = fetch(server.url("/busy"), settings(retries=50, deadline=5.0, page_deadline=3.0))
        took = time.monotonic() - t0
    assert got.outcome == "failed" and got.transient
    assert got.reason and "page deadline" in got.reason
    assert not got.host_stalled
    assert took < 5.0
    assert 1 <= len(server.requests) <= 3


def test_a_dripping_host_neither_hangs_the_crawl_nor_stops_another_host(tmp_path: Path) -> None:
    good_body = PAGE

    def dripping(conn: socket.socket, path: str) -> None:
        if path == "/robots.txt":
            conn.sendall(response(b"User-agent: *\nAllow: /\n", content_type="text/plain"))
        elif path == "/":
            links = "".join(f"<a href='/tin/{i}.html'>Tin {i}</a>" for i in range(5))
            conn.sendall(response(f"<html><body><ul>{links}</ul></body></html>".encode()))
        else:
            server_a.drip(conn, response(good_body), 0.05)

    def fine(conn: socket.socket, path: str) -> None:
        if path == "/robots.txt":
            conn.sendall(response(b"", status="404 Not Found"))
        elif path == "/":
            conn.sendall(response(b"<html><body><a href='/tin/a.html'>A</a></body></html>"))
        else:
            conn.sendall(response(good_body))

    reg = tmp_path / "sources.toml"
    with RawServer("127.0.0.43", dripping) as server_a, RawServer("127.0.0.44", fine) as server_b:
        reg.write_text(f"""[crawler]
delay = 0.0
timeout = 5.0
deadline = 1.0
page_deadline = 5.0
retries = 2
backoff = 0.05

[site.drip]
hosts = ["127.0.0.43"]
province = "Hà Nội"
profile = "generic"
start_urls = ["{server_a.url('/')}"]

[site.fine]
hosts = ["127.0.0.44"]
province = "Hà Nội"
profile = "generic"
start_urls = ["{server_b.url('/')}"]
""", encoding="utf-8")
        db = open_db(tmp_path / "dvk.db")
        t0 = time.monotonic()
        result = crawl(db, load_registry(reg))
        took = time.monotonic() - t0
        db.close()
    assert took < 10.0
    outcomes = {p.url: p.outcome for p in result.pages}
    assert outcomes[server_b.url("/tin/a.html")] == "new"
    drip_pages = [u for u in server_a.requests if u.startswith("/tin/")]
    assert len(drip_pages) == 1  # the first stalled: the host's other pages wait for a later run
    conn = sqlite3.connect(tmp_path / "dvk.db")
    status = dict(conn.execute("SELECT url, status FROM frontier WHERE url LIKE ?", [server_a.url("/tin/%")]))
    conn.close()
    assert status[server_a.url(drip_pages[0])] == "failed"
    assert sorted(status.values()).count("queued") == 4


# --- compression bombs -------------------------------------------------------------------------
def _gzip_stream(chunks: Iterator[bytes]) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return b"".join(c.compress(x) for x in chunks) + c.flush()


def _zeros(total: int, piece: int = 1 << 20) -> Iterator[bytes]:
    block = b"\0" * piece
    for _ in range(total // piece):
        yield block


def _bomb_server(ip: str, body: bytes, encoding: str) -> RawServer:
    def handler(conn: socket.socket, path: str) -> None:
        conn.sendall(response(body, headers=(("Content-Encoding", encoding),)))
    return RawServer(ip, handler)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.fixture(scope="module")
def double_gzip_bomb() -> bytes:
    """256 MiB of zeros, gzipped twice: a few KB on the wire."""
    return gzip.compress(_gzip_stream(_zeros(256 << 20)), 9)


@pytest.mark.parametrize("encoding", ["gzip, gzip", "x-gzip,gzip", "gzip, identity, gzip"])
def test_a_layered_gzip_bomb_is_stopped_at_max_bytes_without_the_memory(double_gzip_bomb: bytes,
                                                                         encoding: str) -> None:
    assert len(double_gzip_bomb) < 64_000
    before = _peak_mb()
    with _bomb_server("127.0.0.42", double_gzip_bomb, encoding) as server:
        got = fetch(server.url("/bomb"), settings())
    assert got.outcome == "skipped" and got.reason and "too large" in got.reason
    assert _peak_mb() - before < 100  # decoded whole, it would be 256 MiB


def test_a_deflate_layer_inside_gzip_is_bounded_too() -> None:
    c = zlib.compressobj(9)
    inner = b"".join(c.compress(x) for x in _zeros(256 << 20)) + c.flush()  # zlib-wrapped deflate
    body = gzip.compress(inner, 9)
    with _bomb_server("127.0.0.42", body, "deflate, gzip") as server:
        got = fetch(server.url("/bomb"), settings())
    assert got.outcome == "skipped" and got.reason and "too large" in got.reason


@pytest.mark.parametrize("encoding", ["gzip", "gzip, gzip", "deflate", "raw-deflate"])
def test_encoded_pages_decode_to_the_same_bytes(encoding: str) -> None:
    page = PAGE * 100  # larger than one decoding piece
    if encoding == "gzip":
        body = gzip.compress(page[:1000]) + gzip.compress(page[1000:])  # two members
    elif encoding == "gzip, gzip":
        body = gzip.compress(gzip.compress(page))
    elif encoding == "deflate":
        body = zlib.compress(page)
    else:
        c = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        body, encoding = c.compress(page) + c.flush(), "deflate"
    with _bomb_server("127.0.0.42", body, encoding) as server:
        got = fetch(server.url("/page"), settings())
    assert got.outcome == "ok", got.reason
    assert got.body == page


def test_an_unknown_encoding_is_skipped_with_its_name() -> None:
    with _bomb_server("127.0.0.42", b"\x00\x01", "br") as server:
        got = fetch(server.url("/br"), settings())
    assert got.outcome == "skipped" and got.reason and "'br'" in got.reason


# --- robots.txt --------------------------------------------------------------------------------
def test_a_robots_txt_over_500_kib_is_read_from_its_start(tmp_path: Path) -> None:
    head = b"User-agent: *\nDisallow: /private/\n"
    filler = b"".join(b"# line %d of a very long robots.txt\n" % i for i in range(20_000))
    assert len(head + filler) > 512_000
    robots = head + filler + b"Disallow: /late/\n"

    def handler(conn: socket.socket, path: str) -> None:
        if path == "/robots.txt":
            conn.sendall(response(gzip.compress(robots), content_type="text/plain",
                                  headers=(("Content-Encoding", "gzip"),)))
        elif path == "/":
            conn.sendall(response(b"<html><body><a href='/private/x.html'>x</a>"
                                  b"<a href='/late/y.html'>y</a><a href='/tin/z.html'>z</a></body></html>"))
        else:
            conn.sendall(response(PAGE.replace(b"12 ", f"{len(server.requests)} ".encode())))

    reg = tmp_path / "sources.toml"
    with RawServer("127.0.0.42", handler) as server:
        reg.write_text(f"""[crawler]
delay = 0.0
max_bytes = 300_000  # a page's limit, not robots.txt's

[site.big]
hosts = ["127.0.0.42"]
province = "Hà Nội"
profile = "generic"
start_urls = ["{server.url('/')}"]
""", encoding="utf-8")
        db = open_db(tmp_path / "dvk.db")
        result = crawl(db, load_registry(reg))
        db.close()
    outcomes = {p.url: (p.outcome, p.reason) for p in result.pages}
    assert outcomes[server.url("/private/x.html")] == ("skipped", "disallowed by robots.txt")
    assert outcomes[server.url("/late/y.html")][0] == "new"  # past the first 500 KiB: not a rule
    assert outcomes[server.url("/tin/z.html")][0] == "new"
    assert "/private/x.html" not in server.requests
