"""Canonical URLs and links out of pages."""

from __future__ import annotations

import pytest

from pipeline.fetch import retry_after_seconds
from pipeline.links import feed_links, html_links, looks_like_feed
from pipeline.urls import absolute, canonical, host_key

TRACKING = ("utm_*", "fbclid", "zarsrc")


@pytest.mark.parametrize(("url", "expected"), [
    ("HTTP://Tin.Example.VN:80/a/../tin/bai.html#binh-luan", "http://tin.example.vn/tin/bai.html"),
    ("https://x.vn:443/bai?utm_source=zalo&id=7&utm_medium=social", "https://x.vn/bai?id=7"),
    ("https://x.vn/bai?b=2&a=1&fbclid=IwAR0", "https://x.vn/bai?a=1&b=2"),
    ("https://x.vn/bai?zarsrc=30&ID=5", "https://x.vn/bai?ID=5"),
    ("http://127.0.0.9:8080/x", "http://127.0.0.9:8080/x"),
    ("https://x.vn", "https://x.vn/"),
    ("https://x.vn/tin tức/bài viết.aspx", "https://x.vn/tin%20t%E1%BB%A9c/b%C3%A0i%20vi%E1%BA%BFt.aspx"),
])
def test_canonical(url: str, expected: str) -> None:
    assert canonical(url, TRACKING) == expected


@pytest.mark.parametrize(("href", "expected"), [
    ("./b.html", "http://h.vn/tin/b.html"),
    ("../b.html", "http://h.vn/b.html"),
    ("//cdn.h.vn/x.html", "http://cdn.h.vn/x.html"),
    ("#top", None), ("mailto:a@h.vn", None), ("javascript:void(0)", None), ("tel:0123", None),
    ("ftp://h.vn/x", None), ("", None),
])
def test_absolute(href: str, expected: str | None) -> None:
    assert absolute("http://h.vn/tin/a.html", href) == expected


def test_host_key_keeps_the_port() -> None:
    assert host_key("http://127.0.0.2:8000/a") == "127.0.0.2:8000"
    assert host_key("https://Tin.vn/a") == "tin.vn"


def test_html_links_respect_base_nofollow_and_canonical() -> None:
    page = """<html><head><base href="http://h.vn/tin/"><link rel="canonical" href="/tin/bai-goc.html">
    <link rel="next" href="trang-2.html"></head><body><a href="a.html">A</a><a href="a.html#x">A again</a>
    <a rel="nofollow" href="dang-nhap.html">login</a><a href="mailto:x@h.vn">mail</a></body></html>"""
    links = html_links(page, "http://h.vn/khac/trang.html")
    assert links.canonical == "http://h.vn/tin/bai-goc.html"
    assert links.links == ["http://h.vn/tin/trang-2.html", "http://h.vn/tin/a.html"]


def test_feed_links_from_sitemaps_rss_and_atom() -> None:
    sitemap = b"""<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url><loc>http://h.vn/a.html</loc></url><url><loc> /b.html </loc></url></urlset>"""
    rss = b"""<rss version="2.0"><channel><title>T</title><link>http://h.vn/</link>
    <item><title>x</title><link>http://h.vn/c.html</link></item></channel></rss>"""
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="http://h.vn/d.html"/>
    <link rel="enclosure" href="http://h.vn/d.mp3"/></entry></feed>"""
    assert feed_links(sitemap, "http://h.vn/sitemap.xml") == ["http://h.vn/a.html", "http://h.vn/b.html"]
    assert feed_links(rss, "http://h.vn/rss") == ["http://h.vn/", "http://h.vn/c.html"]
    assert feed_links(atom, "http://h.vn/atom") == ["http://h.vn/d.html"]
    assert all(looks_like_feed(x) for x in (sitemap, rss, atom))
    assert not looks_like_feed(b"<!DOCTYPE html><html><body>rss</body></html>")


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_links_taken_from_one_page_are_capped() -> None:
    page = "<html><body>" + "".join(f'<a href="/t/{i}.html">t</a>' for i in range(100_000)) + "</body></html>"
    links = html_links(page, "http://h.vn/", max_links=500)
    assert links.links[:2] == ["http://h.vn/t/0.html", "http://h.vn/t/1.html"] and len(links.links) == 500
    assert links.dropped == 100_000 - 500


def test_a_sitemap_too_large_to_hold_is_streamed_for_its_urls() -> None:
    import gzip

    from pipeline.links import SitemapStream

    body = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(f"<url><loc>http://h.vn/bai/{i}.html</loc><lastmod>2024-01-01</lastmod></url>"
                      for i in range(60_000)) + "</urlset>").encode()
    for data in (body, gzip.compress(body)):
        stream = SitemapStream("http://h.vn/sitemap.xml")
        for i in range(0, len(data), 65_536):
            stream.feed(data[i:i + 65_536])
        small = stream.close()
        assert len(stream.urls) == 50_000 and stream.urls[0] == "http://h.vn/bai/0.html"  # sitemaps.org's cap
        assert feed_links(small, "http://h.vn/sitemap.xml") == stream.urls
        assert len(small) < len(body)


def test_news_sitemaps_give_their_articles() -> None:
    news = b"""<?xml version="1.0" encoding="UTF-8"?>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
    <url><loc>http://h.vn/bai/1.html</loc><news:news><news:publication><news:name>Bao</news:name>
    <news:language>vi</news:language></news:publication><news:publication_date>2024-05-12</news:publication_date>
    <news:title>Dan van kheo</news:title></news:news></url></urlset>"""
    assert feed_links(news, "http://h.vn/sitemap-news.xml") == ["http://h.vn/bai/1.html"]


def test_a_root_path_is_resolved_against_the_scheme_and_host_only_as_urljoin_does() -> None:
    """``absolute`` joins "/x" to the base's scheme and host (so a site's menus are resolved once
    for all its pages): the same URL as urljoin on the whole base, for any base and href."""
    import random
    from urllib.parse import urljoin

    from pipeline.urls import is_crawlable

    def reference(base: str, href: str) -> str | None:
        href = href.strip()
        if not href or href.startswith("#"):
            return None
        try:
            url = urljoin(base, href)
        except ValueError:
            return None
        return url if is_crawlable(url) else None

    bases = ["http://a.vn/tin/bai.html?id=3#x", "HTTPS://Www.A.vn:8443/x/y/", "http://a.vn", "http://a.vn?q=1/2",
             "http://a.vn#f/g", "http://u:p@a.vn:81/p;par?q", "http://[::1]:8080/a/b", "http://a.vn/a/../b/./c",
             "ftp://a.vn/x", "", "http://a.vn\t/x/y", "ht\ttp://a.vn/x", "http://a.vn\\b/c"]
    hrefs = ["/", "/x", "/x/../y/./z?b=2&a=1#f", "//b.vn/x", "/\\b.vn/x", "/..", "/a;p?q", "x", "../x", "?q",
             "#f", "http://c.vn/x", "/%7Euser/ő", " /padded ", "/a\tb", "javascript:x()", "mailto:a@b.vn"]
    r = random.Random(3)
    alphabet = "/.?#;:@%a1\\ \t"
    hrefs += ["/" + "".join(r.choice(alphabet) for _ in range(r.randint(0, 12))) for _ in range(300)]
    for base in bases:
        for href in hrefs:
            assert absolute(base, href) == reference(base, href), (base, href)
