"""A small web of three made-up news sites on loopback, with fault injection, for crawler tests.

Each site is a real ``http.server.ThreadingHTTPServer`` in a daemon thread, bound to its own
loopback address with a random port (Linux routes all of 127.0.0.0/8 to loopback):

- ``news``   127.0.0.2  Báo Hòa Bình layout (corpus page 000), robots.txt with a Disallow and a
                       Sitemap, a listing in two pages, a tracking-parameter duplicate, an off-topic
                       page, a PDF and a link to another host.
- ``party``  127.0.0.3  Hà Tĩnh party portal layout (corpus page 002), no ETags, Crawl-delay: 1,
                       an RSS feed and a syndicated copy of a news article.
- ``faults`` 127.0.0.4  generic HTML5 pages that misbehave: slow, 5xx, 429, redirect loop, truncated
                       body, wrong or missing charsets, windows-1258, a 12 MB page, non-HTML…

``CrawlWorld.PAGES`` says what a crawler should make of every URL the sites link to (see
``Expect``). Everything is standard library on the server side; pages are built when the world
starts, since they link to each other by absolute URL (the ports are random).

Every 200 response carries ``Last-Modified`` and, except on ``party``, an ``ETag``; conditional
GET/HEAD requests get 304. Per-path request counters (all methods) drive the "first request"
faults; ``CrawlWorld.rearm()`` resets them.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import re
import socket
import socketserver
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import Message
from email.utils import format_datetime, parsedate_to_datetime
from functools import cache, lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
REGISTRY = CORPUS / "sources.toml"

NEWS_IP, PARTY_IP, FAULTS_IP = "127.0.0.2", "127.0.0.3", "127.0.0.4"
LAST_MODIFIED = datetime(2024, 3, 4, 8, 0, 0, tzinfo=UTC)  # of every page until replaced
HTML_UTF8 = "text/html; charset=utf-8"
SLOW_SECONDS = 3.0
HUGE_BYTES = 12_000_000
OUTCOMES = ("article", "offtopic", "listing", "disallowed", "nonhtml", "failed", "duplicate")


# --- public records ----------------------------------------------------------------------------
@dataclass
class Hit:
    """One request as a server saw it."""

    t: float  # time.monotonic() when the request line was read
    host: str  # "news" | "party" | "faults"
    method: str
    path: str  # path + query exactly as requested
    headers: dict[str, str]  # keys lower-case; repeated headers joined with ", "


@dataclass
class Expect:
    """What a crawler should make of one URL.

    ``outcome``: "article" (an on-topic article, stored once), "duplicate" (the same text as an
    article reached another way), "offtopic", "listing", "disallowed" (robots.txt), "nonhtml",
    "failed". ``phrase`` is a sentence (NFC) found exactly once in the page's cleaned text and in no
    other page's, except that an article and its duplicates share it. It is also set for pages that
    must *not* be stored although they serve an article (disallowed, too large), so a test can
    check that the phrase is absent from the store.
    """

    host: str
    path: str
    outcome: str
    phrase: str | None = None


@dataclass
class Response:
    """What a fault sends instead of the page (see ``SiteServer.set_fault``)."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    delay: float = 0.0  # seconds to wait before the status line (cut short when the server stops)
    truncate: bool = False  # send the Content-Length of the whole body, half of it, then close


@dataclass
class Twist:
    """What a fault does to the page's usual response (200, 304 or 404) instead of replacing it."""

    delay: float = 0.0
    truncate: bool = False


Fault = Callable[[int], Response | Twist | None]  # n-th request to the path since rearm (1-based)


@dataclass
class _Page:
    body: bytes
    content_type: str
    last_modified: datetime
    etag: str | None


# --- helpers -----------------------------------------------------------------------------------
def fold(text: str) -> str:
    """Lower case, no tone or vowel marks, đ → d: "Dân vận KHÉO" and "dân vận khéo" fold alike."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.lower().replace("đ", "d")


def mentions_dvk(text: str) -> bool:
    """Whether a text names the movement: "dân vận khéo" in any case, tone placement, Unicode form
    or separator ("dan-van-kheo" in a URL counts), or the abbreviation "DVK"."""
    words = re.sub(r"[^0-9a-z]+", " ", fold(text))
    return " dan van kheo " in f" {words} " or "dvk" in words


def to_cp1258(text: str) -> bytes:
    """Encode Vietnamese text in windows-1258.

    cp1258 has few precomposed Vietnamese letters: it writes most of them as a base letter plus a
    combining tone mark. Each character is encoded as is when possible; otherwise it is decomposed
    (NFD) and each mark, in order, is composed back onto the base letter when the result is
    encodable ("ệ" → "ê" + U+0323), the others stay combining marks.
    """
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            ch.encode("cp1258")
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        rest: list[str] = []
        for mark in marks:
            composed = unicodedata.normalize("NFC", base + mark)
            if len(composed) == 1 and _encodable(composed):
                base = composed
            else:
                rest.append(mark)
        out.append(base + "".join(rest))
    return "".join(out).encode("cp1258")  # raises for characters cp1258 cannot write at all


def _encodable(ch: str) -> bool:
    try:
        ch.encode("cp1258")
    except UnicodeEncodeError:
        return False
    return True


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _http_date(d: datetime) -> str:
    return format_datetime(d, usegmt=True)


@cache
def _corpus(stem: str) -> bytes:
    (path,) = CORPUS.glob(f"{stem}_*.html")
    return path.read_bytes()


def _replace_once(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        raise ValueError(f"expected exactly one {old[:60]!r} in the template")
    return text.replace(old, new)


# --- the server --------------------------------------------------------------------------------
class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: SiteServer) -> None:
        self.site = site
        super().__init__((site.ip, 0), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS look-up (getfqdn) that can hang without a network.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up (time-outs, size limits) are part of the game


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so every response has a Content-Length
    server_version = "crawlsite/1.0"
    sys_version = ""
    timeout = 15.0  # idle keep-alive connections end after this long
    _t = 0.0

    @property
    def site(self) -> SiteServer:
        server = self.server
        assert isinstance(server, _HTTPServer)
        return server.site

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no 40 ms Nagle stalls
        self.site._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.site._track(self.connection, add=False)

    def handle(self) -> None:
        try:
            super().handle()
        except OSError:  # the client hung up or timed out
            self.close_connection = True

    def parse_request(self) -> bool:
        self._t = time.monotonic()  # the request line has just been read
        return super().parse_request()

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _serve(self, *, head: bool) -> None:
        site = self.site
        headers: dict[str, str] = {}
        for key, value in self.headers.items():
            k = key.lower()
            headers[k] = f"{headers[k]}, {value}" if k in headers else value
        site._record(Hit(self._t, site.name, self.command, self.path, headers))
        route = self.path.split("?", 1)[0].split("#", 1)[0] or "/"
        resp = site._respond(route, site._count(route), self.headers)
        if resp.delay > 0 and site._stopping.wait(resp.delay):
            self.close_connection = True
            return
        self.send_response(resp.status)
        for key, value in resp.headers:
            self.send_header(key, value)
        if resp.status != 304:
            self.send_header("Content-Length", str(len(resp.body)))
        body = b"" if head or resp.status == 304 else resp.body
        if resp.truncate:
            body = body[: len(body) // 2]
            self.close_connection = True  # the client sees the connection close mid-body
        self.end_headers()
        if body:
            self.wfile.write(body)


class SiteServer:
    """One site: a ThreadingHTTPServer on ``ip`` (random port), its pages, faults and hits."""

    def __init__(self, name: str, ip: str, *, etags: bool = True) -> None:
        self.name = name
        self.ip = ip
        self.port = 0
        self.etags = etags  # False: 200s carry Last-Modified only
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self._pages: dict[str, _Page] = {}
        self._faults: dict[str, Fault] = {}
        self._counts: dict[str, int] = {}
        self._conns: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> None:
        self._stopping.clear()
        self._httpd = _HTTPServer(self)
        self.port = int(self._httpd.server_address[1])
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"crawlsite-{self.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        with self._lock:
            conns = list(self._conns)
        for conn in conns:  # keep-alive connections would otherwise outlive the server
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    # addresses
    @property
    def base(self) -> str:
        return f"http://{self.ip}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    # content
    def set_page(self, path: str, body: bytes, content_type: str = HTML_UTF8) -> None:
        """Add or replace a plain 200 page at ``path`` (any query string is ignored when routing).

        A replaced page gets a new ETag and a Last-Modified one day later than before, so both
        kinds of conditional request see the change. A fault at the path is removed."""
        with self._lock:
            old = self._pages.get(path)
            modified = old.last_modified + timedelta(days=1) if old else LAST_MODIFIED
            etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"' if self.etags else None
            self._pages[path] = _Page(body, content_type, modified, etag)
            self._faults.pop(path, None)

    def set_fault(self, path: str, fault: Fault) -> None:
        """Let ``fault(n)`` decide about the n-th request for ``path`` since rearm (n = 1 first): a
        Response is sent instead of the page, a Twist delays or truncates the page's usual response,
        None serves it as usual. The page itself (if any) is kept; ``set_page`` removes the fault."""
        with self._lock:
            self._faults[path] = fault

    def rearm(self) -> None:
        with self._lock:
            self._counts.clear()

    def requested(self, path_prefix: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.path.startswith(path_prefix)]

    # used by the handler
    def _record(self, hit: Hit) -> None:
        with self._lock:
            self.hits.append(hit)

    def _count(self, route: str) -> int:
        with self._lock:
            self._counts[route] = self._counts.get(route, 0) + 1
            return self._counts[route]

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._conns.add(conn)
            else:
                self._conns.discard(conn)

    def _respond(self, route: str, n: int, headers: Message) -> Response:
        with self._lock:
            fault = self._faults.get(route)
            page = self._pages.get(route)
        twist = fault(n) if fault is not None else None
        if isinstance(twist, Response):
            return twist
        if page is None:
            resp = _error(404, "Không tìm thấy trang")
        else:
            validators = [("Last-Modified", _http_date(page.last_modified))]
            if page.etag:
                validators.insert(0, ("ETag", page.etag))
            if _not_modified(page, headers):
                resp = Response(304, headers=validators)
            else:
                resp = Response(200, page.body, [("Content-Type", page.content_type), *validators])
        if twist is not None:
            resp.delay, resp.truncate = twist.delay, twist.truncate
        return resp


def _not_modified(page: _Page, headers: Message) -> bool:
    """RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since only without it."""
    inm = headers.get("If-None-Match")
    if inm is not None:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or (page.etag is not None and page.etag in tags)
    ims = headers.get("If-Modified-Since")
    if ims is None:
        return False
    try:
        since = parsedate_to_datetime(ims)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return page.last_modified <= since


def _error(status: int, message: str, headers: list[tuple[str, str]] | None = None) -> Response:
    body = (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{status}</title></head>'
            f"<body><h1>{status}</h1><p>{_esc(message)}</p></body></html>").encode()
    return Response(status, body, [("Content-Type", HTML_UTF8), *(headers or [])])


def _first(count: int, resp: Response | Twist) -> Fault:
    """A fault for the first ``count`` requests (per rearm); later requests get the page."""
    return lambda n: resp if n <= count else None


def _always(resp: Response) -> Fault:
    return lambda n: resp


# --- made-up articles --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Article:
    title: str
    paragraphs: tuple[str, ...]
    phrase: str  # one of the paragraphs' sentences

    def __post_init__(self) -> None:
        if sum(p.count(self.phrase) for p in self.paragraphs) != 1:
            raise ValueError(f"phrase not found exactly once: {self.phrase!r}")


# news: in the chrome of corpus page 000 (the first paragraph is the .sapo lead)
NEWS_NEW = _Article(
    "Xã Đồng Tâm Thượng xây dựng 43 mô hình “Dân vận khéo”",
    ("(HBĐT) - Sau hai năm triển khai phong trào thi đua “Dân vận khéo”, xã Đồng Tâm Thượng (huyện "
     "Lạc Thủy) đã xây dựng 43 mô hình trên các lĩnh vực, góp phần nâng cao đời sống vật chất, tinh "
     "thần của Nhân dân.",
     "Ngay từ đầu năm, Đảng ủy xã kiện toàn Ban Chỉ đạo phong trào thi đua “Dân vận khéo”, phân công "
     "cán bộ, đảng viên phụ trách từng xóm. Mỗi chi bộ đăng ký ít nhất một mô hình gắn với nhiệm vụ "
     "chính trị của địa phương.",
     "Trong số 43 mô hình, lĩnh vực kinh tế có 17 mô hình, văn hóa - xã hội 13 mô hình, quốc phòng - an "
     "ninh 8 mô hình và xây dựng hệ thống chính trị 5 mô hình. Ở xóm Bãi Sậy, 52 hộ đã tự nguyện hiến "
     "hơn 3.100 m² đất để mở rộng đường liên xóm.",
     "Hội Liên hiệp Phụ nữ xã duy trì mô hình “Tiết kiệm vì phụ nữ nghèo”, giúp 26 hội viên có vốn chăn "
     "nuôi gà đồi. Đoàn Thanh niên ra mắt mô hình “Thắp sáng đường quê” với 2,4 km đường điện chiếu "
     "sáng.",
     "Thời gian tới, xã tiếp tục rà soát, công nhận thêm mô hình mới và nhân rộng những cách làm hiệu "
     "quả ra các xóm còn nhiều khó khăn."),
    "Ở xóm Bãi Sậy, 52 hộ đã tự nguyện hiến hơn 3.100 m² đất để mở rộng đường liên xóm.",
)
NEWS_SITEMAP_ONLY = _Article(
    "Đà Bắc: 58 mô hình “Dân vận khéo” trong vùng đồng bào dân tộc thiểu số",
    ("(HBĐT) - Năm 2024, Ban Dân vận Huyện ủy Đà Bắc đã hướng dẫn các xã vùng hồ xây dựng 58 mô hình "
     "“Dân vận khéo”, tập trung vào giảm nghèo và giữ gìn bản sắc văn hóa.",
     "Các mô hình được xây dựng từ nhu cầu thực tế của bà con, như “Nuôi cá lồng trên lòng hồ”, “Bản "
     "sạch, nhà sạch” hay “Câu lạc bộ hát Đúm”. Cán bộ dân vận cùng ăn, cùng ở với người dân để vận "
     "động thay đổi tập quán sản xuất.",
     "Nhờ mô hình nuôi cá lồng, thu nhập bình quân của các hộ tham gia ở xã Tân Minh Hạ đạt khoảng 85 "
     "triệu đồng mỗi năm.",
     "Huyện ủy Đà Bắc đề nghị các cấp ủy tiếp tục theo dõi, hỗ trợ để các mô hình hoạt động bền vững, "
     "tránh hình thức."),
    "Nhờ mô hình nuôi cá lồng, thu nhập bình quân của các hộ tham gia ở xã Tân Minh Hạ đạt khoảng 85 "
    "triệu đồng mỗi năm.",
)
NEWS_PRIVATE = _Article(
    "Kế hoạch kiểm tra 29 mô hình “Dân vận khéo” (tài liệu nội bộ)",
    ("(HBĐT) - Tài liệu lưu hành nội bộ của Ban Biên tập, không đăng tải.",
     "Đoàn kiểm tra sẽ làm việc với 29 mô hình “Dân vận khéo” tại các huyện Lạc Sơn, Yên Thủy và Kim "
     "Bôi trong quý IV.",
     "Danh sách thành viên đoàn kiểm tra và lịch làm việc cụ thể được gửi riêng tới từng đơn vị qua hộp "
     "thư công vụ.",
     "Đề nghị các đơn vị chuẩn bị báo cáo kết quả thực hiện theo mẫu gửi kèm."),
    "Danh sách thành viên đoàn kiểm tra và lịch làm việc cụ thể được gửi riêng tới từng đơn vị qua hộp "
    "thư công vụ.",
)
NEWS_TRAFFIC = _Article(
    "Tăng cường bảo đảm trật tự an toàn giao thông dịp cuối năm",
    ("(HBĐT) - Từ đầu tháng 12, lực lượng Cảnh sát giao thông Công an tỉnh đồng loạt ra quân kiểm tra, "
     "xử lý vi phạm trên các tuyến quốc lộ 6, quốc lộ 12B và đường Hòa Lạc - Hòa Bình.",
     "Trong 15 ngày đầu ra quân, các tổ công tác đã kiểm tra 2.318 phương tiện, lập biên bản 1.246 "
     "trường hợp vi phạm, tạm giữ 174 mô tô, xe máy.",
     "Lỗi vi phạm phổ biến là điều khiển phương tiện khi trong máu hoặc hơi thở có nồng độ cồn, chạy "
     "quá tốc độ và không đội mũ bảo hiểm. Riêng trên đèo Thung Khe, lực lượng chức năng bố trí chốt "
     "trực suốt ngày đêm để hướng dẫn xe khách, xe tải nặng xuống dốc an toàn.",
     "Công an tỉnh khuyến cáo người tham gia giao thông chấp hành nghiêm quy định “Đã uống rượu, bia "
     "thì không lái xe”, nhất là trong dịp Tết Nguyên đán sắp tới."),
    "Riêng trên đèo Thung Khe, lực lượng chức năng bố trí chốt trực suốt ngày đêm để hướng dẫn xe "
    "khách, xe tải nặng xuống dốc an toàn.",
)

# faults: generic HTML5 pages, Nghệ An
FAULT_ARTICLES: dict[str, _Article] = {
    "/slow.html": _Article(
        "Xã Nghi Thạch Hạ có 31 mô hình “Dân vận khéo”",
        ("Năm nay, Đảng ủy xã Nghi Thạch Hạ (huyện Nghi Lộc) đã lãnh đạo xây dựng 31 mô hình “Dân vận "
         "khéo”, trong đó nhiều mô hình gắn với nghề biển và dịch vụ hậu cần nghề cá.",
         "Tổ dân vận xóm Bắc Hải vận động ngư dân lắp thiết bị giám sát hành trình cho 57 tàu cá đánh bắt "
         "xa bờ. Các mô hình đã góp phần giữ vững an ninh trật tự vùng biển và nâng cao thu nhập cho bà "
         "con."),
        "Tổ dân vận xóm Bắc Hải vận động ngư dân lắp thiết bị giám sát hành trình cho 57 tàu cá đánh bắt "
        "xa bờ."),
    "/flaky.html": _Article(
        "Diễn Châu nhân rộng 47 mô hình “Dân vận khéo” trong xây dựng nông thôn mới",
        ("Ban Chỉ đạo phong trào thi đua “Dân vận khéo” huyện Diễn Châu vừa công nhận 47 mô hình tiêu biểu "
         "giai đoạn 2023 - 2024, chủ yếu trong lĩnh vực xây dựng nông thôn mới và đô thị văn minh.",
         "Tại xã Diễn Phong Thượng, người dân góp 1,8 tỷ đồng và hơn 900 ngày công để bê tông hóa các tuyến "
         "đường nội đồng.",
         "Huyện sẽ tổ chức hội nghị biểu dương các tập thể, cá nhân có thành tích xuất sắc vào cuối năm."),
        "Tại xã Diễn Phong Thượng, người dân góp 1,8 tỷ đồng và hơn 900 ngày công để bê tông hóa các tuyến "
        "đường nội đồng."),
    "/busy.html": _Article(
        "Quỳnh Lưu: 27 mô hình “Dân vận khéo” giúp hộ nghèo thoát nghèo bền vững",
        ("Hội Nông dân huyện Quỳnh Lưu đã xây dựng 27 mô hình “Dân vận khéo” trong lĩnh vực giảm nghèo, mỗi "
         "mô hình do một chi hội trực tiếp theo dõi.",
         "Mô hình “Tặng bò sinh sản cho hộ nghèo” ở xã Quỳnh Tân Hạ đã giúp 13 hộ có sinh kế ổn định sau "
         "hai năm. Cán bộ hội thường xuyên đến từng nhà hướng dẫn kỹ thuật chăn nuôi, trồng cỏ và phòng "
         "bệnh cho đàn bò."),
        "Mô hình “Tặng bò sinh sản cho hộ nghèo” ở xã Quỳnh Tân Hạ đã giúp 13 hộ có sinh kế ổn định sau "
        "hai năm."),
    "/new-home.html": _Article(
        "Yên Thành ra mắt 53 mô hình “Dân vận khéo” trong cải cách hành chính",
        ("Ủy ban nhân dân huyện Yên Thành đã triển khai 53 mô hình “Dân vận khéo” trong lĩnh vực cải cách "
         "hành chính, hướng tới phục vụ người dân nhanh hơn, thuận tiện hơn.",
         "Bộ phận một cửa xã Hồng Thành Tây trả kết quả hồ sơ đất đai tận nhà cho người cao tuổi và người "
         "khuyết tật.",
         "Nhờ đó, tỷ lệ hồ sơ giải quyết đúng hạn của huyện đạt trên 98%."),
        "Bộ phận một cửa xã Hồng Thành Tây trả kết quả hồ sơ đất đai tận nhà cho người cao tuổi và người "
        "khuyết tật."),
    "/truncated.html": _Article(
        "Đô Lương có 38 mô hình “Dân vận khéo” về bảo vệ môi trường",
        ("Năm 2024, Mặt trận Tổ quốc và các đoàn thể huyện Đô Lương đã xây dựng 38 mô hình “Dân vận khéo” "
         "về bảo vệ môi trường, phân loại rác thải tại nguồn.",
         "Phụ nữ xóm Tràng Sơn Đông thu gom phế liệu mỗi tháng một lần, lấy tiền mua sách vở tặng học sinh "
         "nghèo.",
         "Nhiều tuyến đường hoa, đường cây xanh do người dân tự trồng và chăm sóc đã làm thay đổi diện mạo "
         "làng quê.",
         "Huyện đặt mục tiêu đến cuối năm sau, tất cả các xã đều có ít nhất một mô hình về môi trường."),
        "Phụ nữ xóm Tràng Sơn Đông thu gom phế liệu mỗi tháng một lần, lấy tiền mua sách vở tặng học sinh "
        "nghèo."),
    "/nocharset.html": _Article(
        "Thanh Chương: 22 mô hình “Dân vận khéo” trong đồng bào Công giáo",
        ("Ban Dân vận Huyện ủy Thanh Chương phối hợp với các giáo xứ xây dựng 22 mô hình “Dân vận khéo” "
         "trong vùng đồng bào Công giáo.",
         "Giáo xứ Cẩm Trường Thượng cùng chính quyền vận động bà con hiến đất mở rộng trường mầm non của xã. "
         "Các mô hình góp phần tăng cường khối đại đoàn kết toàn dân tộc, xây dựng khu dân cư bình yên."),
        "Giáo xứ Cẩm Trường Thượng cùng chính quyền vận động bà con hiến đất mở rộng trường mầm non của xã."),
    "/wrongcharset.html": _Article(
        "Anh Sơn xây dựng 71 mô hình “Dân vận khéo” gắn với chuyển đổi số",
        ("Huyện Anh Sơn đã xây dựng 71 mô hình “Dân vận khéo” gắn với chuyển đổi số, trong đó có các tổ "
         "công nghệ số cộng đồng ở tất cả các thôn, bản.",
         "Đoàn viên thanh niên xã Đỉnh Sơn Hạ hướng dẫn người dân cài đặt ứng dụng định danh điện tử và "
         "thanh toán không dùng tiền mặt.",
         "Nhờ vậy, nhiều hộ nông dân đã bán được cam, chè qua các sàn thương mại điện tử."),
        "Đoàn viên thanh niên xã Đỉnh Sơn Hạ hướng dẫn người dân cài đặt ứng dụng định danh điện tử và "
        "thanh toán không dùng tiền mặt."),
    "/legacy.html": _Article(
        "Con Cuông: 23 mô hình “Dân vận khéo” giữ rừng đầu nguồn",
        ("Đồn Biên phòng và chính quyền huyện Con Cuông đã phối hợp xây dựng 23 mô hình “Dân vận khéo” về "
         "bảo vệ rừng đầu nguồn và giữ gìn bản sắc văn hóa dân tộc Thái.",
         "Người dân bản Xiềng Thượng tự nguyện ký cam kết không chặt phá rừng, thay phiên nhau tuần tra mỗi "
         "tuần hai lần.",
         "Những mô hình ấy đã giúp giữ vững diện tích rừng và ổn định đời sống đồng bào vùng biên giới."),
        "Người dân bản Xiềng Thượng tự nguyện ký cam kết không chặt phá rừng, thay phiên nhau tuần tra mỗi "
        "tuần hai lần."),
    "/legacy-meta.html": _Article(
        "Tương Dương có 33 mô hình “Dân vận khéo” ở vùng tái định cư",
        ("Huyện ủy Tương Dương chỉ đạo xây dựng 33 mô hình “Dân vận khéo” ở các khu tái định cư, giúp đồng "
         "bào sớm ổn định cuộc sống.",
         "Hội Cựu chiến binh bản Văng Môn hướng dẫn bà con trồng gừng dưới tán rừng, mỗi vụ thu về hàng chục "
         "triệu đồng.",
         "Các mô hình được người dân đồng tình hưởng ứng, lan tỏa nhanh sang các bản lân cận."),
        "Hội Cựu chiến binh bản Văng Môn hướng dẫn bà con trồng gừng dưới tán rừng, mỗi vụ thu về hàng chục "
        "triệu đồng."),
    "/huge.html": _Article(
        "Nam Đàn: danh sách 88 mô hình “Dân vận khéo” và các hộ tham gia",
        ("Huyện Nam Đàn công bố danh sách 88 mô hình “Dân vận khéo” được công nhận năm 2024 cùng toàn bộ hộ "
         "gia đình tham gia.",
         "Bảng tổng hợp dưới đây do Ban Chỉ đạo huyện Nam Đàn lập, cập nhật đến hết tháng 11."),
        "Bảng tổng hợp dưới đây do Ban Chỉ đạo huyện Nam Đàn lập, cập nhật đến hết tháng 11."),
    "/broken.html": _Article(
        "Kỳ Sơn: 61 mô hình “Dân vận khéo” vì học sinh vùng cao",
        ("Các trường học huyện Kỳ Sơn đã xây dựng 61 mô hình “Dân vận khéo” nhằm vận động học sinh dân tộc "
         "Mông, Khơ Mú đến lớp đều đặn.",
         "Thầy cô trường bán trú xã Mường Lống Hạ mỗi tuần đến từng bản gặp gia đình các em có nguy cơ bỏ "
         "học.",
         "Tỷ lệ học sinh bỏ học giữa chừng của huyện giảm rõ rệt so với năm học trước."),
        "Thầy cô trường bán trú xã Mường Lống Hạ mỗi tuần đến từng bản gặp gia đình các em có nguy cơ bỏ "
        "học."),
    "/offtopic.html": _Article(
        "Cửa Lò khai mạc mùa du lịch biển",
        ("Tối 28/4, tại quảng trường Bình Minh, thị xã Cửa Lò khai mạc mùa du lịch biển với chương trình "
         "nghệ thuật và bắn pháo hoa.",
         "Năm nay, thị xã dự kiến đón khoảng 3,2 triệu lượt khách, tăng 8% so với năm trước.",
         "Các cơ sở lưu trú cam kết niêm yết giá công khai, không chèo kéo, ép giá du khách."),
        "Năm nay, thị xã dự kiến đón khoảng 3,2 triệu lượt khách, tăng 8% so với năm trước."),
}

# corpus pages: a sentence of their article text
PHRASE_000 = "Đến hết tháng 6/2023, thành phố có 179 mô hình DVK trên các lĩnh vực."
PHRASE_002 = "Công tác tuyên truyền ở một số địa phương chưa có chiều sâu, chưa tạo được sức lan tỏa của mô hình."


# --- page builders -----------------------------------------------------------------------------
def _hbd_page(article: _Article, author: str, *, caption: str | None = None, offtopic: bool = False) -> bytes:
    """An article in the chrome of corpus page 000 (Báo Hòa Bình), title as ``h1.news-title``."""
    page = _corpus("000").decode("utf-8")
    start = page.index('<div class="sapo">')
    author_at = page.index('<div class="author">')
    end = page.index("</div>", author_at) + len("</div>")
    lead, *paras = article.paragraphs
    parts = [f'<div class="sapo">{_esc(lead)}</div>\n\n        <div class="content" id="divContent">\n']
    if caption:
        parts.append('          <table class="picture" align="center" border="0" cellpadding="0" cellspacing="0" '
                     'width="500">\n            <tbody>\n              <tr><td><img src="/Uploaded/anh/minh-hoa.jpg" '
                     'alt="" width="500" height="333" border="0"></td></tr>\n              <tr><td '
                     f'class="image_caption">{_esc(caption)}</td></tr>\n            </tbody>\n          </table>\n')
    parts += [f"          <p>{_esc(p)}</p>\n" for p in paras]
    parts.append(f'        </div>\n\n        <div class="author">{_esc(author)}</div>')
    page = page[:start] + "".join(parts) + page[end:]
    page = _replace_once(page, "<title>Báo Hòa Bình điện tử</title>",
                         f"<title>{_esc(article.title)} - Báo Hòa Bình điện tử</title>")
    page = _replace_once(page, "      <!-- BEGIN NEWS DETAIL -->",
                         f'      <h1 class="news-title">{_esc(article.title)}</h1>\n\n      <!-- BEGIN NEWS DETAIL -->')
    if offtopic:  # the chrome's own mentions of the movement go too
        latest = page.index('<div class="box-right" id="boxLatest">')
        ul_start = page.index("<ul>", latest)
        ul_end = page.index("</ul>", ul_start) + len("</ul>")
        items = [("/12/188351/Lac-Son-sua-chua-cau-treo.htm", "Lạc Sơn sửa chữa 4 cầu treo trước mùa mưa lũ"),
                 ("/16/188348/Cao-Phong-mua-cam.htm", "Cao Phong vào mùa thu hoạch cam"),
                 ("/11/188346/Tan-Lac-tiem-chung.htm", "Tân Lạc tổ chức tiêm chủng mở rộng cho trẻ em vùng cao")]
        lis = "".join(f'          <li><a href="{href}">{_esc(text)}</a></li>\n' for href, text in items)
        page = page[:ul_start] + "<ul>\n" + lis + "        </ul>" + page[ul_end:]
        crumb = ('&raquo; <a href="/chinh-tri.htm">Chính trị</a> &raquo; '
                 '<a href="/chinh-tri/mat-tran-doan-the.htm">Mặt trận - Đoàn thể</a>')
        page = _replace_once(page, crumb, '&raquo; <a href="/xa-hoi.htm">Xã hội</a>')
    return page.encode("utf-8")


def _dcs_copy(page_000: bytes, url: str) -> bytes:
    """The article of a page in 000 chrome, syndicated into the chrome of corpus page 002."""
    src = page_000.decode("utf-8")
    article = src[src.index('<div class="sapo">'):src.index('<div class="author">')].rstrip()
    page = _corpus("002").decode("utf-8")
    body_at = page.index('<div class="article__body" itemprop="articleBody">')
    inner_start = page.index(">", body_at) + 1
    inner_end = page.rindex("</div>", body_at, page.index('<footer class="article__footer">'))
    author = '<p class="author"><strong>Hương Lan (Theo Báo Hòa Bình điện tử)</strong></p>'
    page = page[:inner_start] + f"\n        {article}\n        {author}\n      " + page[inner_end:]
    old_title = "Huyện Thạch Hà đẩy mạnh phong trào thi đua “Dân vận khéo”"
    if page.count(old_title) != 4:
        raise ValueError("the 002 template changed")
    page = page.replace(old_title, "Thành phố Hòa Bình nhân rộng các mô hình “Dân vận khéo”")
    page = re.sub(r'<meta name="description" content="[^"]*">',
                  '<meta name="description" content="Thành phố Hòa Bình xây dựng và nhân rộng nhiều mô hình '
                  'dân vận khéo trên các lĩnh vực.">', page, count=1)
    page = re.sub(r'<link rel="canonical" href="[^"]*">', f'<link rel="canonical" href="{url}">', page, count=1)
    page = page.replace("2022-12-23T22:19:00+07:00", "2023-07-05T08:30:00+07:00")
    page = _replace_once(page, ">22:19 23/12/2022</time>", ">08:30 05/07/2023</time>")
    return page.encode("utf-8")


_GENERIC_HEAD = "Cổng thông tin điện tử tỉnh Nghệ An (thử nghiệm)"


def _generic_page(article: _Article | None, *, meta: str | None = "utf-8", extra: str = "",
                  broken: bool = False, body: str | None = None, title: str | None = None) -> str:
    """A simple HTML5 page: header/nav menu, <article><h1>…<p>…</article>, footer."""
    title = title or (article.title if article else _GENERIC_HEAD)
    head = ('<!DOCTYPE html>\n<html lang="vi">\n<head>\n'
            + (f'<meta charset="{meta}">\n' if meta else "")
            + f"<title>{_esc(title)} - {_GENERIC_HEAD}</title>\n</head>\n<body>\n"
            '<header class="site-header">\n  <div class="logo">' + _GENERIC_HEAD + "</div>\n"
            '  <nav class="menu"><ul><li><a href="/">Trang chủ</a></li><li><a href="/#tin-moi">Tin mới</a></li>'
            "</ul></nav>\n</header>\n")
    foot = ('<footer class="site-footer"><p>Trang web thử nghiệm. Nội dung bài viết là giả lập.</p>'
            "</footer>\n</body>\n</html>\n")
    if body is not None:
        return head + body + foot
    assert article is not None
    if broken:  # unclosed <div> and <p>s, no </article>, </body> or </html>
        paras = "".join(f"<p>{_esc(p)}\n" for p in article.paragraphs)
        return head + f'<div class="main"><article>\n<h1>{_esc(article.title)}</h1>\n<div class="noi-dung">\n{paras}'
    paras = "".join(f"  <p>{_esc(p)}</p>\n" for p in article.paragraphs)
    return head + f'<main>\n<article>\n  <h1>{_esc(article.title)}</h1>\n{paras}{extra}</article>\n</main>\n' + foot


@lru_cache(maxsize=1)
def _huge_page() -> bytes:
    """A valid page of HUGE_BYTES bytes or a little more: an article and a long appendix."""
    article = FAULT_ARTICLES["/huge.html"]
    rows: list[str] = []
    size, i = 0, 0
    while size < HUGE_BYTES:
        i += 1
        row = f"  <p>Mục {i}: hộ gia đình số {i} tham gia mô hình ở xóm {i % 97 + 1}, xã Nam Trung Thượng.</p>\n"
        rows.append(row)
        size += len(row.encode("utf-8"))
    return _generic_page(article, extra="".join(rows)).encode("utf-8")


def _listing(title: str, links: list[tuple[str, str]], *, nav: list[tuple[str, str]]) -> bytes:
    """A listing page: a menu and a list of links (no article)."""
    menu = "".join(f'<li><a href="{html.escape(h)}">{_esc(t)}</a></li>' for h, t in nav)
    items = "".join(f'    <li><a href="{html.escape(h)}">{_esc(t)}</a></li>\n' for h, t in links)
    return (f'<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n<title>{_esc(title)}</title>\n'
            f'</head>\n<body id="top">\n<div id="nav"><ul class="menu">{menu}</ul></div>\n'
            f'<div class="list-news" id="tin-moi">\n  <h2>{_esc(title)}</h2>\n  <ul>\n{items}  </ul>\n</div>\n'
            '<div class="footer">Bản quyền thuộc về tòa soạn.</div>\n</body>\n</html>\n').encode()


PDF_BYTES = (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
             b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


# --- the world ---------------------------------------------------------------------------------
class CrawlWorld:
    """The three sites, started on ``__enter__`` and stopped on ``__exit__``."""

    def __init__(self) -> None:
        self.news = SiteServer("news", NEWS_IP)
        self.party = SiteServer("party", PARTY_IP, etags=False)
        self.faults = SiteServer("faults", FAULTS_IP)
        self.PAGES: dict[str, Expect] = {}

    @property
    def servers(self) -> tuple[SiteServer, SiteServer, SiteServer]:
        return (self.news, self.party, self.faults)

    def __enter__(self) -> CrawlWorld:
        try:
            for server in self.servers:
                server.start()
            self._build_news()
            self._build_party()
            self._build_faults()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        for server in self.servers:
            server.stop()

    @property
    def hits(self) -> list[Hit]:
        """Every request to any of the sites, in time order."""
        return sorted((h for s in self.servers for h in s.requested("")), key=lambda h: h.t)

    def rearm(self) -> None:
        """Reset the per-path request counters, so "first request" faults fire again."""
        for server in self.servers:
            server.rearm()

    def site(self, name: str) -> SiteServer:
        return {s.name: s for s in self.servers}[name]

    def write_registry(self, path: Path) -> Path:
        """A sources.toml: the head of corpus/sources.toml (everything before the first ``[site.``
        table: the crawler settings and all profiles) and the three sites of this world."""
        text = REGISTRY.read_text(encoding="utf-8")
        m = re.search(r"^\[site\.", text, re.M)
        out = [text[: m.start()].rstrip() if m else text.rstrip(), "\n"]
        sites = [("news", self.news, "Báo Hòa Bình điện tử (thử nghiệm)", "Hòa Bình", "baohoabinh", "/"),
                 ("party", self.party, "Cổng TTĐT Đảng bộ tỉnh Hà Tĩnh (thử nghiệm)", "Hà Tĩnh", "dcs-html5",
                  "/rss.xml"),
                 ("faults", self.faults, _GENERIC_HEAD, "Nghệ An", "generic", "/")]
        for sid, server, name, province, profile, start in sites:
            out.append(f"\n[site.{sid}]\nname = {_toml(name)}\nhosts = [{_toml(server.ip)}]\n"
                       f"province = {_toml(province)}\nprofile = {_toml(profile)}\n"
                       f"start_urls = [{_toml(server.url(start))}]\n")
        path.write_text("".join(out), encoding="utf-8")
        return path

    # content
    def _expect(self, server: SiteServer, path: str, outcome: str, phrase: str | None = None) -> None:
        assert outcome in OUTCOMES, outcome
        self.PAGES[server.url(path)] = Expect(server.name, path, outcome, phrase)

    def _build_news(self) -> None:
        news, party = self.news, self.party
        news.set_page("/robots.txt", (f"User-agent: *\nDisallow: /private/\n\nSitemap: {news.url('/sitemap.xml')}\n"
                                      ).encode(), "text/plain; charset=utf-8")
        news.set_page("/", _listing("Tin mới nhất", [
            ("/tin/dvk-hoa-binh.html", "TP Hòa Bình nhân rộng các mô hình dân vận khéo"),
            ("/tin/dvk-hoa-binh.html?utm_source=facebook&utm_medium=social",
             "Chia sẻ: mô hình dân vận khéo ở TP Hòa Bình"),
            ("/tin/giao-thong.html", "Tăng cường bảo đảm trật tự an toàn giao thông dịp cuối năm"),
            ("/private/noi-bo.html", "Tài liệu nội bộ"),
            ("/files/bao-cao.pdf", "Báo cáo tổng kết (PDF)"),
            (party.url("/bai-viet/dvk-ha-tinh.html"), "Hà Tĩnh: Huyện Thạch Hà đẩy mạnh phong trào thi đua"),
            ("/trang-2.html", "Xem thêm »"),
            ("#top", "Lên đầu trang"),
        ], nav=[("/", "Trang chủ"), ("/trang-2.html", "Tin cũ hơn"), ("mailto:toa-soan@example.vn", "Liên hệ"),
                ("javascript:void(0)", "Đăng nhập")]))
        news.set_page("/trang-2.html", _listing("Tin cũ hơn", [
            ("/tin/dvk-mo-hinh-moi.html", "Xã Đồng Tâm Thượng xây dựng mô hình dân vận khéo"),
            ("/", "« Trang đầu"),
        ], nav=[("/", "Trang chủ")]))
        news.set_page("/sitemap.xml", _sitemap([news.url("/tin/dvk-hoa-binh.html"),
                                                news.url("/tin/dvk-chi-trong-sitemap.html")]),
                      "application/xml; charset=utf-8")
        news.set_page("/tin/dvk-hoa-binh.html", _corpus("000"))
        news.set_page("/tin/dvk-mo-hinh-moi.html", _hbd_page(
            NEWS_NEW, "Minh Châu", caption="Cán bộ xã Đồng Tâm Thượng kiểm tra tuyến đường do Nhân dân hiến đất."))
        news.set_page("/tin/dvk-chi-trong-sitemap.html", _hbd_page(NEWS_SITEMAP_ONLY, "Đinh Thắng"))
        news.set_page("/tin/giao-thong.html", _hbd_page(NEWS_TRAFFIC, "Quang Huy", offtopic=True))
        news.set_page("/private/noi-bo.html", _hbd_page(NEWS_PRIVATE, "Ban Biên tập"))
        news.set_page("/files/bao-cao.pdf", PDF_BYTES, "application/pdf")

        self._expect(news, "/", "listing")
        self._expect(news, "/trang-2.html", "listing")
        self._expect(news, "/sitemap.xml", "listing")
        self._expect(news, "/tin/dvk-hoa-binh.html", "article", PHRASE_000)
        self._expect(news, "/tin/dvk-hoa-binh.html?utm_source=facebook&utm_medium=social", "duplicate", PHRASE_000)
        self._expect(news, "/tin/dvk-mo-hinh-moi.html", "article", NEWS_NEW.phrase)
        self._expect(news, "/tin/dvk-chi-trong-sitemap.html", "article", NEWS_SITEMAP_ONLY.phrase)
        self._expect(news, "/tin/giao-thong.html", "offtopic", NEWS_TRAFFIC.phrase)
        self._expect(news, "/private/noi-bo.html", "disallowed", NEWS_PRIVATE.phrase)
        self._expect(news, "/files/bao-cao.pdf", "nonhtml")

    def _build_party(self) -> None:
        party = self.party
        party.set_page("/robots.txt", b"User-agent: *\nCrawl-delay: 1\n", "text/plain; charset=utf-8")
        copy_url = party.url("/bai-viet/ban-sao.html")
        party.set_page("/", _listing("Dân vận", [
            ("/bai-viet/dvk-ha-tinh.html", "Huyện Thạch Hà đẩy mạnh phong trào thi đua “Dân vận khéo”"),
            ("/bai-viet/ban-sao.html", "Thành phố Hòa Bình nhân rộng các mô hình “Dân vận khéo”"),
        ], nav=[("/", "Trang chủ"), ("/rss.xml", "RSS")]))
        party.set_page("/rss.xml", _rss(party.url("/"), [
            (party.url("/bai-viet/dvk-ha-tinh.html"), "Huyện Thạch Hà đẩy mạnh phong trào thi đua “Dân vận khéo”",
             "Fri, 23 Dec 2022 15:19:00 GMT"),
            (copy_url, "Thành phố Hòa Bình nhân rộng các mô hình “Dân vận khéo”", "Wed, 05 Jul 2023 01:30:00 GMT"),
        ]), "application/rss+xml; charset=utf-8")
        party.set_page("/bai-viet/dvk-ha-tinh.html", _corpus("002"))
        party.set_page("/bai-viet/ban-sao.html", _dcs_copy(_corpus("000"), copy_url))

        self._expect(party, "/", "listing")  # the feed's channel <link>
        self._expect(party, "/rss.xml", "listing")
        self._expect(party, "/bai-viet/dvk-ha-tinh.html", "article", PHRASE_002)
        self._expect(party, "/bai-viet/ban-sao.html", "duplicate", PHRASE_000)

    def _build_faults(self) -> None:
        f = self.faults
        a = FAULT_ARTICLES
        links = [("/slow.html", "Chậm"), ("/flaky.html", "Lỗi tạm thời"), ("./flaky.html#binh-luan", "Bình luận"),
                 ("/unavailable.html", "Bảo trì"), ("/busy.html", "Quá tải"), ("/loop-a.html", "Chuyển hướng vòng"),
                 ("/moved.html", "Đã chuyển"), ("/truncated.html", "Bị cắt"), ("/nocharset.html", "Không khai báo mã"),
                 ("/wrongcharset.html", "Khai báo sai mã"), ("/legacy.html", "Mã cũ"),
                 ("/legacy-meta.html", "Mã cũ (meta)"), ("/huge.html", "Rất lớn"), ("/report.pdf", "Báo cáo PDF"),
                 ("/data.json", "Dữ liệu"), ("/empty.html", "Trống"), ("/not-found.html", "Không tồn tại"),
                 ("/broken.html", "HTML hỏng"), ("/offtopic.html", "Du lịch"), ("ftp://127.0.0.4/x", "FTP"),
                 ("tel:0123", "Gọi điện")]
        f.set_page("/", _listing("Tin mới", links, nav=[("/", "Trang chủ"), ("/#tin-moi", "Tin mới")]))
        self._expect(f, "/", "listing")

        for path in ("/slow.html", "/flaky.html", "/busy.html", "/new-home.html", "/truncated.html", "/broken.html",
                     "/offtopic.html"):
            f.set_page(path, _generic_page(a[path], broken=path == "/broken.html").encode("utf-8"))
        f.set_fault("/slow.html", _first(1, Twist(delay=SLOW_SECONDS)))
        f.set_fault("/flaky.html", _first(2, _error(500, "Lỗi máy chủ nội bộ")))
        f.set_fault("/busy.html", _first(1, _error(429, "Quá nhiều yêu cầu, vui lòng thử lại sau.",
                                                   [("Retry-After", "2")])))
        f.set_fault("/unavailable.html", _always(_error(503, "Hệ thống đang bảo trì.")))
        f.set_fault("/loop-a.html", _always(_redirect(302, "/loop-b.html")))
        f.set_fault("/loop-b.html", _always(_redirect(302, f.url("/loop-a.html"))))
        f.set_fault("/moved.html", _always(_redirect(301, f.url("/new-home.html"))))
        f.set_fault("/truncated.html", _first(1, Twist(truncate=True)))
        f.set_page("/nocharset.html", _generic_page(a["/nocharset.html"], meta=None).encode("utf-8"), "text/html")
        f.set_page("/wrongcharset.html", _generic_page(a["/wrongcharset.html"], meta=None).encode("utf-8"),
                   "text/html; charset=iso-8859-1")
        f.set_page("/legacy.html", to_cp1258(_generic_page(a["/legacy.html"], meta=None)),
                   "text/html; charset=windows-1258")
        f.set_page("/legacy-meta.html", to_cp1258(_generic_page(a["/legacy-meta.html"], meta="windows-1258")),
                   "text/html")
        f.set_page("/huge.html", _huge_page())
        f.set_page("/report.pdf", PDF_BYTES, "application/pdf")
        f.set_page("/data.json", json.dumps({"tinh": "Nghệ An", "so_mo_hinh": [31, 47, 27]}, ensure_ascii=False)
                   .encode("utf-8"), "application/json")
        f.set_page("/empty.html", b"", "text/html; charset=utf-8")

        for path in ("/slow.html", "/flaky.html", "/busy.html", "/truncated.html", "/nocharset.html",
                     "/wrongcharset.html", "/legacy.html", "/legacy-meta.html", "/broken.html"):
            self._expect(f, path, "article", a[path].phrase)
        self._expect(f, "/moved.html", "article", a["/new-home.html"].phrase)
        self._expect(f, "/offtopic.html", "offtopic", a["/offtopic.html"].phrase)
        self._expect(f, "/huge.html", "failed", a["/huge.html"].phrase)
        for path in ("/unavailable.html", "/loop-a.html", "/empty.html", "/not-found.html"):
            self._expect(f, path, "failed")
        for path in ("/report.pdf", "/data.json"):
            self._expect(f, path, "nonhtml")


def _toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def _redirect(status: int, location: str) -> Response:
    resp = _error(status, "Trang đã được chuyển.")
    resp.headers.append(("Location", location))
    return resp


def _sitemap(urls: list[str]) -> bytes:
    rows = "".join(f"  <url><loc>{html.escape(u)}</loc><lastmod>2024-03-04</lastmod></url>\n" for u in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{rows}</urlset>\n").encode()


def _rss(home: str, items: list[tuple[str, str, str]]) -> bytes:
    rows = "".join(f"    <item>\n      <title>{_esc(t)}</title>\n      <link>{html.escape(u)}</link>\n"
                   f'      <guid isPermaLink="true">{html.escape(u)}</guid>\n      <pubDate>{d}</pubDate>\n'
                   "    </item>\n" for u, t, d in items)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n  <channel>\n'
            "    <title>Cổng TTĐT Đảng bộ tỉnh Hà Tĩnh - Dân vận</title>\n"
            f"    <link>{html.escape(home)}</link>\n    <description>Tin bài mới</description>\n"
            f"    <language>vi</language>\n{rows}  </channel>\n</rss>\n").encode()

