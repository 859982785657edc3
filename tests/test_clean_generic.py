"""The generic cleaner (every site without a profile): the article, no chrome line, in the four
page styles of tests/pagestyles.py and on the corpus pages with their profiles switched off; and
article or listing decided from a page's structure, not its length."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from extractors.text import fold
from pipeline.clean import clean_html, decode_html

from .conftest import CORPUS
from .pagestyles import ARTICLES, CHROME, STYLES, Article, article_page, listing_page

BODIES = Path(__file__).parent / "data" / "bodies"
PAGES = sorted(CORPUS.glob("*.html"))
# what each corpus page carries around its article (its profile drops these; here nothing does)
CORPUS_CHROME = ("Các tin khác", "Tin liên quan", "Ý kiến bạn đọc", "Số lần đọc", ".bmp", ".jpg", "EmailPrintAa",
                 "Sign In", "In bài", "Gửi email", "Quay lại", "Page Content", "Xem các tin đã đưa ngày",
                 "Tin trong:", "Tin cùng chuyên mục", "Thăm dò ý kiến")


def tokens(text: str) -> Counter[str]:
    return Counter(fold(text).split())


def recall(got: str, want: str) -> float:
    g, w = tokens(got), tokens(want)
    return sum((g & w).values()) / sum(w.values())


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: f"{len(a.paragraphs)}p")
def test_article_without_chrome_in_every_style(style: str, article: Article) -> None:
    cleaned = clean_html(article_page(style, article))
    assert cleaned.kind == "article", cleaned
    assert recall(cleaned.text, "\n".join(article.paragraphs)) >= 0.98
    lines = set(cleaned.text.split("\n\n"))
    leaked = [c for c in CHROME if c in lines or any(c in ln and len(ln) < 2 * len(c) + 10 for ln in lines)]
    assert not leaked, leaked
    assert article.author not in lines  # the author line is not the article's text


@pytest.mark.parametrize("style", STYLES)
def test_short_articles_are_articles(style: str) -> None:
    short = ARTICLES[0]  # two paragraphs, about 600 characters: the usual provincial news item
    assert sum(len(p) for p in short.paragraphs) < 1000
    assert clean_html(article_page(style, short)).kind == "article"


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("summaries", [True, False], ids=["teasers", "titles"])
def test_listings_are_listings_in_every_style(style: str, summaries: bool) -> None:
    page = listing_page(style, summaries=summaries)
    cleaned = clean_html(page)
    # a listing with lead sentences has as much running text as a short article: length does not decide
    assert cleaned.kind == "listing", cleaned


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem[:3])
def test_corpus_pages_without_their_profile(page: Path) -> None:
    cleaned = clean_html(decode_html(page.read_bytes()), None)
    want = (BODIES / f"{page.stem}.txt").read_text(encoding="utf-8")
    assert recall(cleaned.text, want) >= 0.98
    assert cleaned.kind == "article"
    for marker in CORPUS_CHROME:
        assert marker not in cleaned.text, marker


@pytest.mark.parametrize("shape", ["nested", "nested-controls", "nested-headings", "nested-authors"])
def test_cleaning_is_linear_in_nesting(shape: str) -> None:
    """Four times the nesting costs about four times as much (at most 12×, allowing for noise; CPU
    time of this process, so a busy machine does not count), never sixteen times."""
    inner = {"nested": "<div>", "nested-controls": '<div><input type="text">',
             "nested-headings": "<div><b>Tin liên quan</b>", "nested-authors": '<div class="author">'}[shape]

    def cost(n: int) -> float:
        page = "<html><body>" + inner * n + "<p>" + "chữ " * 50 + "</p>" + "</div>" * n + "</body></html>"
        best = float("inf")
        for _ in range(3):
            t = time.process_time()
            clean_html(page)
            best = min(best, time.process_time() - t)
        return best

    small, large = cost(1500), cost(6000)
    assert large < 4 * 3 * small + 0.05, (small, large)


@pytest.mark.parametrize("junk", ["noscript", "template", "svg", "button", "select"])
def test_furniture_inside_junk_elements_does_not_stop_cleaning(junk: str) -> None:
    # found by bench/fuzz.py: a tag the statistics pass skips (inside a junk element) had no entry
    body = "".join(f"<p>Đoạn {i}: huyện Mường Lát xây dựng {i + 10} mô hình dân vận khéo trên địa bàn.</p>"
                   for i in range(4))
    html = (f"<html><body><div><{junk}><div class='author'>Tác giả</div><div style='display:none'>x</div>"
            f"<div class='menu'>Trang chủ</div><form><textarea></textarea></form></{junk}>"
            f"<article><h1>Tin mới</h1>{body}</article></div></body></html>")
    cleaned = clean_html(html)
    assert "xây dựng 12 mô hình" in cleaned.text


_TABLE_PAGE = """<html><head><title>Tin</title></head><body><div class="main">
<h1>Huyện Đức Linh công nhận 60 mô hình</h1>
<div class="content">
<p>Năm 2024, Ban Chỉ đạo huyện Đức Linh đã công nhận 60 mô hình “Dân vận khéo” cấp huyện. Số mô hình được công nhận ở
từng lĩnh vực như sau:</p>
<table border="1"><tr><th>STT</th><th>Lĩnh vực</th><th>Số mô hình</th></tr>
<tr><td>1</td><td>Kinh tế</td><td>35</td></tr>
<tr><td>2</td><td>Văn hóa - xã hội</td><td>25</td></tr></table>
<p>Các mô hình đều được nhân dân đồng tình hưởng ứng, góp phần phát triển kinh tế - xã hội địa phương trong năm qua.</p>
</div></div></body></html>"""


def test_a_data_tables_rows_are_lines_whose_counts_are_read() -> None:
    """A count table in HTML reads like the text tables news writes ("Kinh tế | 35")."""
    from extractors import Meta, extract

    cleaned = clean_html(_TABLE_PAGE)
    assert "1 | Kinh tế | 35" in cleaned.text.split("\n\n")
    doc = extract(cleaned.text, Meta(doc="t"))
    assert {(c.value, c.field, c.metric) for c in doc.counts} >= {(35, "economy", "recognized"),
                                                                  (25, "culture_society", "recognized")}


def test_a_layout_table_is_not_one_line() -> None:
    """A table that lays out a page (a cell of paragraphs) keeps its paragraphs."""
    page = ("<html><body><table><tr><td><p>" + "Đoạn một của bài viết về phong trào thi đua ở xã. " * 3
            + "</p><p>Đoạn hai của bài viết.</p></td><td>Menu</td></tr></table></body></html>")
    lines = clean_html(page).text.split("\n\n")
    assert "Đoạn hai của bài viết." in lines
    assert not any(" | " in ln for ln in lines)


def test_a_print_view_keeps_its_body_title_and_date() -> None:
    """"print-body", "print-title", "print-date" hold the article; "print-header" with "In bài" goes."""
    page = ("<html><body><div class=\"print-header\"><a href=\"#\">In bài</a> | <a href=\"#\">Đóng</a></div>"
            "<h1 class=\"print-title\">Xã Tân Hòa ra mắt 5 mô hình</h1>"
            "<div class=\"print-date\">Thứ Hai, ngày 4 tháng 11 năm 2024</div><div class=\"print-body\">"
            + "".join(f"<p>Đoạn {i}: xã Tân Hòa đã ra mắt 5 mô hình “Dân vận khéo” mới, thu hút đông đảo người dân "
                      f"tham gia hưởng ứng.</p>" for i in range(3))
            + "</div><div class=\"print-footer\">Địa chỉ bài viết: https://example.vn/a.html</div></body></html>")
    cleaned = clean_html(page)
    assert cleaned.kind == "article"
    assert cleaned.published is not None and cleaned.published.isoformat() == "2024-11-04"
    assert "In bài" not in cleaned.text
    assert "Đoạn 2" in cleaned.text


def test_a_layout_row_of_links_and_short_lines_is_not_one_line() -> None:
    """Menus and a text cell with <br> lines side by side lay out a page: no " | " line, the lines kept."""
    page = ("<html><body><table><tr><td><a href='/'>Trang chủ</a><br><a href='/t'>Tin tức</a><br>Xã Tùng Ảnh</td>"
            "<td>Năm 2024, xã Tùng Ảnh xây dựng 21 mô hình.<br>Trong đó, 12 mô hình kinh tế.</td></tr></table>"
            + "<p>" + "Phong trào thi đua dân vận khéo được triển khai sâu rộng ở cơ sở. " * 4 + "</p></body></html>")
    lines = clean_html(page).text.split("\n\n")
    assert not any(" | " in ln for ln in lines)
    assert "Trong đó, 12 mô hình kinh tế." in lines


@pytest.mark.parametrize(("line", "iso"), [
    ("Thứ năm, 18/01/2024 - 16:42 Chính trị", "2024-01-18"),
    ("09/05/2024 07:15 Lượt xem: 1.284", "2024-05-09"),
    ("15/03/2024 08:30 GMT+7", "2024-03-15"),
    ("Cập nhật: 12 tháng 9, 2025 lúc 15:20", "2025-09-12"),
    ("Cập nhật lúc: 10:15 05/10/2023  Lượt xem: 87", "2023-10-05"),
])
def test_datelines_with_a_tail_on_their_line(line: str, iso: str) -> None:
    """A dateline followed on its line by a category, a view counter or a time zone (blind set 46)."""
    from pipeline.clean import find_dateline

    found = find_dateline(line)
    assert found is not None and found.isoformat() == iso


@pytest.mark.parametrize("line", ["Năm 2024, xã có 12 mô hình 15/03/2024", "Hội nghị tổng kết ngày 15/03/2024 tại xã"])
def test_a_sentence_with_a_date_is_no_dateline(line: str) -> None:
    from pipeline.clean import find_dateline

    assert find_dateline(line) is None
