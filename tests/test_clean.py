"""Cleaning the corpus pages: the article and nothing of the chrome; metadata from the page."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from extractors.text import fold
from pipeline.clean import clean_html, decode_html, find_dateline, parse_vn_date
from pipeline.documents import from_html
from pipeline.errors import UnreadableInput

from .conftest import CORPUS

BODIES = Path(__file__).parent / "data" / "bodies"
PAGES = sorted(CORPUS.glob("*.html"))


def tokens(text: str) -> Counter[str]:
    return Counter(fold(text).split())


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem[:3])
def test_cleaned_text_matches_article_body(page: Path) -> None:
    doc = from_html(page.read_bytes(), page.stem, path=str(page))
    got, want = tokens(doc.text), tokens((BODIES / f"{page.stem}.txt").read_text(encoding="utf-8"))
    common = sum((got & want).values())
    precision, recall = common / sum(got.values()), common / sum(want.values())
    assert precision >= 0.98 and recall >= 0.98, (precision, recall)


@pytest.mark.parametrize(("stem", "title", "published"), [
    ("000", None, None),
    ("001", "Kết quả thực hiện phong trào thi đua “Dân vận khéo” năm 2023", date(2024, 1, 4)),
    ("002", "Huyện Thạch Hà đẩy mạnh phong trào thi đua “Dân vận khéo”", date(2022, 12, 23)),
    ("003", None, date(2020, 8, 27)),
    ("004", "Hiệu quả từ phong trào thi đua \"Dân vận khéo\" trên địa bàn thành phố Phủ Lý", None),
])
def test_page_metadata(stem: str, title: str | None, published: date | None) -> None:
    page = next(CORPUS.glob(f"{stem}_*.html"))
    doc = from_html(page.read_bytes(), page.stem)
    assert doc.title == title
    assert doc.published == published


def test_chrome_teasers_never_leak() -> None:
    for page in PAGES:
        text = from_html(page.read_bytes(), page.stem).text
        for marker in ("Các tin khác", "Tin liên quan", "Ý kiến bạn đọc", "Số lần đọc", ".bmp",
                       "EmailPrintAa", "Sign In"):
            assert marker not in text, (page.name, marker)


@pytest.mark.parametrize(("line", "expected"), [
    ("14:15 04/01/2024", date(2024, 1, 4)),
    ("Ngày đăng: 27.08.2020", date(2020, 8, 27)),
    ("22:19 23/12/2022", date(2022, 12, 23)),
    ("Thứ ba, 27/2/2024 | 2:14:39 PM", date(2024, 2, 27)),
    ("2024-01-04T14:15:00+07:00", date(2024, 1, 4)),
])
def test_vietnamese_date_formats(line: str, expected: date) -> None:
    assert parse_vn_date(line) == expected


def test_dateline_only_near_the_top() -> None:
    assert find_dateline("Tiêu đề\nEmailPrintAa\n22:19 23/12/2022\nNội dung") == date(2022, 12, 23)
    assert find_dateline("Một câu có ngày 21/8/2020 ở giữa.") is None


@pytest.mark.parametrize(("line", "expected"), [
    ("Ngày đăng: 12/04/2022 | Người đăng: Ban biên tập", date(2022, 4, 12)),
    ("Đăng lúc 08:05, 17/03/2026 · Chuyên mục: Dân vận", date(2026, 3, 17)),
    ("Cập nhật ngày: 03/11/2025 10:20", date(2025, 11, 3)),
    ("- Chủ nhật, 09/08/2026 - 07:45", date(2026, 8, 9)),
    ("Có 12/15 xã | đạt chuẩn", None),
])
def test_portal_datelines_with_a_label_or_a_tail(line: str, expected: date | None) -> None:
    assert find_dateline(f"Tiêu đề bài viết\n{line}\nNội dung bài viết.") == expected


def test_published_from_json_ld_and_pubdate_meta() -> None:
    body = "<article><h1>Tiêu đề</h1><p>" + "Nội dung bài viết về phong trào. " * 12 + "</p></article>"
    ld = ('<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
          '"datePublished": "2025-09-05T16:30:00+07:00"}</script></head><body>' + body + "</body></html>")
    meta = '<html><head><meta name="pubdate" content="2025-12-02T15:40:00"></head><body>' + body + "</body></html>"
    assert clean_html(ld).published == date(2025, 9, 5)
    assert clean_html(meta).published == date(2025, 12, 2)


def test_generic_fallback_for_unknown_site() -> None:
    html = """<html><body><nav class="menu">Trang chủ | Huyện Cẩm Xuyên</nav>
    <div class="main"><div class="post"><h1>Tin mới</h1>
    <p>Toàn huyện có 45 mô hình "Dân vận khéo" được công nhận.</p>
    <p>Trong đó có 20 mô hình kinh tế.</p></div>
    <div class="related-news"><a href="/x">Huyện khác có 99 mô hình</a></div></div>
    <footer>Bản quyền</footer></body></html>"""
    cleaned = clean_html(html)
    assert "45 mô hình" in cleaned.text and "99 mô hình" not in cleaned.text
    assert "Bản quyền" not in cleaned.text and cleaned.title == "Tin mới"


def test_legacy_encoding_is_decoded() -> None:
    data = '<meta charset="windows-1258"><p>Toàn tỉnh có mô hình</p>'.encode("cp1258", "ignore")
    assert "Toàn" in decode_html(data)


def test_page_without_text_is_an_error() -> None:
    with pytest.raises(UnreadableInput):
        from_html(b"<html><body><script>x</script></body></html>", "empty")


def test_page_metadata_is_read_before_meta_tags_are_dropped() -> None:
    """og:type, og:title and the published-time meta are seen (they were dropped with the junk first)."""
    from pipeline.clean import parse_page

    html = ("<html><head><title>x</title><meta property='og:type' content='article'>"
            "<meta property='og:title' content='Xã Tân Hòa ra mắt mô hình dân vận khéo'>"
            "<meta property='article:published_time' content='2026-03-14T08:00:00+07:00'></head>"
            "<body><div><p>Ngày 12/3, xã Tân Hòa ra mắt mô hình “Bếp ăn tình thương”, thu hút 40 hộ.</p>"
            "<p>Mô hình do Hội Phụ nữ xã thực hiện, mỗi tháng nấu 200 suất cơm.</p></div></body></html>")
    page = parse_page(html)
    assert page.article_marked is True
    assert page.published == date(2026, 3, 14)
    assert page.title == "Xã Tân Hòa ra mắt mô hình dân vận khéo"
