"""WARC files for the tests and the benchmark, written with warcio's writer (one gzip member
per record, as Common Crawl writes them): HTTP responses of article pages, made-up pages that
are not about the movement, and the records a crawl also holds (warcinfo, requests, metadata,
a 404, an image, a redirect)."""

from __future__ import annotations

import io
import random
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

OTHER_TOPICS = (
    ("Giá lúa tăng nhẹ đầu vụ", "Thương lái thu mua lúa tươi với giá cao hơn tuần trước, nông dân phấn khởi."),
    ("Khánh thành cầu dân sinh", "Cây cầu dài 120 mét nối hai bờ kênh, giúp người dân đi lại thuận tiện."),
    ("Giải bóng đá thanh niên", "Mười hai đội bóng tham dự giải, trận chung kết diễn ra vào cuối tuần."),
    ("Khéo tay làm đồ thủ công", "Những người thợ khéo léo đan giỏ tre bán cho khách du lịch trong vùng."),
    ("Tập huấn công tác dân vận", "Cán bộ được tập huấn kỹ năng vận động quần chúng và dân vận chính quyền."),
)

_OTHER_PAGE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head>
<body><header><nav><a href="/">Trang chủ</a> <a href="/xa-hoi">Xã hội</a></nav></header>
<main><article><h1>{title}</h1><div class="date">0{d}/0{m}/2024</div><p>{text}</p><p>{text}</p></article></main>
<footer>Bản quyền thuộc về tòa soạn.</footer></body></html>"""


def other_page(i: int) -> str:
    """A made-up news page about something else (one of them says "khéo léo", one "dân vận")."""
    title, text = OTHER_TOPICS[i % len(OTHER_TOPICS)]
    return _OTHER_PAGE.format(title=f"{title} ({i})", text=text, d=1 + i % 9, m=1 + i % 9)


def write_warc(path: Path, pages: Iterable[tuple[str, bytes]], *, gzip: bool = True, extras: bool = True,
               seed: int = 0, charset: str = "utf-8") -> list[int]:
    """Write ``pages`` (target URI, HTML bytes) as response records, each after its request
    record, with a warcinfo record first and, with ``extras``, a metadata record, a 404, an
    image and a redirect here and there. Returns the offsets of the page records."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = random.Random(seed)
    start = datetime(2024, 3, 1, tzinfo=UTC)
    offsets = []
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)

        def when(i: int) -> dict[str, str]:
            return {"WARC-Date": (start + timedelta(minutes=7 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")}

        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "dvk tests", "format": "WARC/1.1"}))

        def response(uri: str, status: str, ctype: str, body: bytes, i: int) -> None:
            headers = StatusAndHeaders(status, [("Content-Type", ctype), ("Content-Length", str(len(body)))],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                                          http_headers=headers, warc_headers_dict=when(i)))

        for i, (uri, body) in enumerate(pages):
            request = StatusAndHeaders(f"GET {uri} HTTP/1.1", [("Host", uri.split("/")[2])], is_http_request=True)
            writer.write_record(writer.create_warc_record(uri, "request", http_headers=request,
                                                          warc_headers_dict=when(i)))
            offsets.append(fh.tell())
            response(uri, "200 OK", f"text/html; charset={charset}", body, i)
            if extras and rng.random() < 0.3:
                kind = rng.choice(("404", "image", "redirect", "metadata"))
                other = f"{uri.rsplit('/', 1)[0]}/x{i}"
                if kind == "404":
                    response(other, "404 Not Found", "text/html", b"<html><body>Dan van kheo?</body></html>", i)
                elif kind == "image":
                    response(other + ".jpg", "200 OK", "image/jpeg", b"\xff\xd8\xff\xe0" + bytes(200), i)
                elif kind == "redirect":
                    response(other, "301 Moved Permanently", "text/html", b"", i)
                else:
                    writer.write_record(writer.create_warc_record(uri, "metadata", payload=io.BytesIO(
                        b"fetchTimeMs: 120\n"), warc_content_type="application/warc-fields",
                        warc_headers_dict=when(i)))
    return offsets
