"""Self-tests of tests/crawlsite.py: the loopback sites behave as the crawler tests expect."""

from __future__ import annotations

import hashlib
import html
import json
import re
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx
import pytest

from pipeline.documents import SourceDoc, from_html
from pipeline.sources import Profile, Registry, load_registry
from tests.crawlsite import (
    CORPUS,
    FAULT_ARTICLES,
    FAULTS_IP,
    NEWS_IP,
    NEWS_NEW,
    NEWS_PRIVATE,
    NEWS_SITEMAP_ONLY,
    NEWS_TRAFFIC,
    OUTCOMES,
    PARTY_IP,
    REGISTRY,
    CrawlWorld,
    Expect,
    fold,
    mentions_dvk,
    to_cp1258,
)

LAST_MODIFIED = "Mon, 04 Mar 2024 08:00:00 GMT"
IPS = {NEWS_IP, PARTY_IP, FAULTS_IP}


@pytest.fixture
def world() -> Iterator[CrawlWorld]:
    with CrawlWorld() as w:
        yield w


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0) as c:
        yield c


@pytest.fixture
def registry(world: CrawlWorld, tmp_path: Path) -> Registry:
    return load_registry(world.write_registry(tmp_path / "sources.toml"))


def fetch_final(client: httpx.Client, url: str) -> httpx.Response:
    """The page once the faults have passed: retries time-outs, truncation, 429 and 5xx."""
    last: httpx.Response | None = None
    for timeout in (0.5, 5.0, 5.0, 5.0):
        try:
            last = client.get(url, follow_redirects=True, timeout=timeout)
        except (httpx.TimeoutException, httpx.RemoteProtocolError):
            continue
        if last.status_code == 200:
            return last
    raise AssertionError(f"{url}: no 200 after retries (last: {last.status_code if last else None})")


def clean(resp: httpx.Response, registry: Registry) -> SourceDoc:
    # Bytes that are valid UTF-8 are read as UTF-8 whatever the header says (what the crawler is
    # expected to do for /wrongcharset.html); otherwise the header charset, then <meta>.
    charset: str | None
    try:
        resp.content.decode("utf-8")
        charset = "utf-8"
    except UnicodeDecodeError:
        charset = resp.charset_encoding
    return from_html(resp.content, "t", url=str(resp.url), registry=registry, header_charset=charset)


def links_of(resp: httpx.Response) -> list[str]:
    """Raw link targets: href attributes of HTML, <loc> of sitemaps, <link> of RSS."""
    text = resp.text
    if "xml" in resp.headers["content-type"]:
        return [html.unescape(u) for u in re.findall(r"<(?:loc|link)>([^<]*)</(?:loc|link)>", text)]
    return [html.unescape(u) for u in re.findall(r'href="([^"]*)"', text)]


# --- registry ----------------------------------------------------------------------------------
def test_registry_has_the_three_sites_and_the_corpus_profiles(world: CrawlWorld, tmp_path: Path) -> None:
    path = world.write_registry(tmp_path / "sources.toml")
    assert path == tmp_path / "sources.toml"
    original = REGISTRY.read_text(encoding="utf-8")
    head = original[: original.index("\n[site.")]
    assert path.read_text(encoding="utf-8").startswith(head)

    reg = load_registry(path)
    real = load_registry(REGISTRY)
    assert [s.id for s in reg.sites] == ["news", "party", "faults"]
    news, party, faults = reg.sites
    assert (news.hosts, news.province, news.start_urls) == (("127.0.0.2",), "Hòa Bình", (world.news.url("/"),))
    assert (party.hosts, party.province, party.start_urls) == (("127.0.0.3",), "Hà Tĩnh",
                                                               (world.party.url("/rss.xml"),))
    assert (faults.hosts, faults.province, faults.start_urls) == (("127.0.0.4",), "Nghệ An", (world.faults.url("/"),))
    assert news.profile == real.by_id("baohoabinh").profile  # type: ignore[union-attr]
    assert party.profile == real.by_id("hatinh-dcs").profile  # type: ignore[union-attr]
    assert faults.profile == Profile()
    for server in world.servers:
        assert server.base == f"http://{server.ip}:{server.port}" and server.port > 0
        assert reg.for_url(server.url("/x.html")).id == server.name  # type: ignore[union-attr]


# --- robots.txt --------------------------------------------------------------------------------
def test_robots_files(world: CrawlWorld, client: httpx.Client) -> None:
    r = client.get(world.news.url("/robots.txt"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    robots = RobotFileParser()
    robots.parse(r.text.splitlines())
    assert not robots.can_fetch("dvk", world.news.url("/private/noi-bo.html"))
    assert robots.can_fetch("dvk", world.news.url("/tin/dvk-hoa-binh.html"))
    assert robots.site_maps() == [world.news.url("/sitemap.xml")]

    r = client.get(world.party.url("/robots.txt"))
    robots = RobotFileParser()
    robots.parse(r.text.splitlines())
    assert robots.crawl_delay("dvk") == 1
    assert robots.can_fetch("dvk", world.party.url("/bai-viet/ban-sao.html"))

    assert client.get(world.faults.url("/robots.txt")).status_code == 404


# --- the manifest ------------------------------------------------------------------------------
def test_manifest_lists_every_linked_url_once(world: CrawlWorld, client: httpx.Client) -> None:
    starts = {world.news.url("/"), world.party.url("/rss.xml"), world.faults.url("/")}
    raw: list[str] = []
    linked: set[str] = set()
    for url, expect in world.PAGES.items():
        assert expect.outcome in OUTCOMES
        assert url == f"http://{world.site(expect.host).ip}:{world.site(expect.host).port}{expect.path}"
        if expect.outcome != "listing":
            continue
        resp = client.get(url)
        assert resp.status_code == 200, url
        for href in links_of(resp):
            raw.append(href)
            target = urldefrag(urljoin(url, href)).url
            if urlsplit(target).scheme == "http" and urlsplit(target).hostname in IPS:
                linked.add(target)
    sitemap_line = client.get(world.news.url("/robots.txt")).text.split("Sitemap: ")[1].strip()
    assert linked | starts | {sitemap_line} == set(world.PAGES)

    for href in ("#top", "mailto:toa-soan@example.vn", "javascript:void(0)", "./flaky.html#binh-luan",
                 "ftp://127.0.0.4/x", "tel:0123", "/tin/dvk-hoa-binh.html?utm_source=facebook&utm_medium=social",
                 world.party.url("/bai-viet/dvk-ha-tinh.html")):
        assert href in raw, href
    # only the sitemap leads to this one; only redirects to these
    sitemap = links_of(client.get(world.news.url("/sitemap.xml")))
    assert sitemap == [world.news.url("/tin/dvk-hoa-binh.html"), world.news.url("/tin/dvk-chi-trong-sitemap.html")]
    assert sum(h.endswith("dvk-chi-trong-sitemap.html") for h in raw) == 1
    assert not any(h.endswith(("/new-home.html", "/loop-b.html")) for h in raw)
    feed = client.get(world.party.url("/rss.xml"))
    assert feed.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert world.party.url("/bai-viet/ban-sao.html") in links_of(feed)


def test_phrases_are_nfc_and_shared_only_by_an_article_and_its_duplicates(world: CrawlWorld) -> None:
    by_phrase: dict[str, list[Expect]] = {}
    for expect in world.PAGES.values():
        if expect.outcome in ("article", "duplicate", "offtopic"):
            assert expect.phrase, expect
        if expect.phrase:
            assert unicodedata.normalize("NFC", expect.phrase) == expect.phrase
            by_phrase.setdefault(expect.phrase, []).append(expect)
    for phrase, group in by_phrase.items():
        outcomes = sorted(e.outcome for e in group)
        assert len(group) == 1 or outcomes.count("article") == 1 and set(outcomes) == {"article", "duplicate"}, phrase
    assert sum(e.outcome == "duplicate" for e in world.PAGES.values()) == 2


def test_made_up_counts_are_not_the_corpus_numbers() -> None:
    corpus = " ".join(p.read_text(encoding="utf-8") for p in CORPUS.glob("*.html"))
    made_up = [NEWS_NEW, NEWS_SITEMAP_ONLY, NEWS_PRIVATE, *FAULT_ARTICLES.values()]
    counts: set[str] = set()
    for article in made_up:
        text = " ".join((article.title, *article.paragraphs))
        found = re.findall(r"(\d+) mô hình", text)
        if article is not FAULT_ARTICLES["/offtopic.html"]:
            assert found and mentions_dvk(text), article.title
        counts.update(found)
    assert len(counts) >= 15
    clashes = [n for n in counts if re.search(rf"(?<![\d.,]){n} mô hình", corpus)]
    assert clashes == []


# --- conditional requests ----------------------------------------------------------------------
def test_conditional_requests_get_304(world: CrawlWorld, client: httpx.Client) -> None:
    url = world.news.url("/tin/dvk-hoa-binh.html")
    r = client.get(url)
    etag = r.headers["etag"]
    assert etag == '"' + hashlib.sha256(r.content).hexdigest()[:32] + '"'
    assert r.headers["last-modified"] == LAST_MODIFIED
    assert r.content == next(CORPUS.glob("000_*.html")).read_bytes()
    assert int(r.headers["content-length"]) == len(r.content)

    for headers in ({"If-None-Match": etag}, {"If-None-Match": f'"x", W/{etag}'}, {"If-None-Match": "*"},
                    {"If-Modified-Since": LAST_MODIFIED}, {"If-Modified-Since": "Tue, 05 Mar 2024 00:00:00 GMT"}):
        r304 = client.get(url, headers=headers)
        assert (r304.status_code, r304.content) == (304, b""), headers
        assert r304.headers["etag"] == etag
    for headers in ({"If-None-Match": '"stale"'}, {"If-Modified-Since": "Sun, 03 Mar 2024 08:00:00 GMT"},
                    {"If-None-Match": '"stale"', "If-Modified-Since": LAST_MODIFIED}):  # If-None-Match wins
        assert client.get(url, headers=headers).status_code == 200, headers

    head = client.head(url)
    assert (head.status_code, head.content, head.headers["etag"]) == (200, b"", etag)
    assert head.headers["content-length"] == r.headers["content-length"]
    assert client.head(url, headers={"If-None-Match": etag}).status_code == 304

    # party: Last-Modified only
    party = client.get(world.party.url("/bai-viet/dvk-ha-tinh.html"))
    assert "etag" not in party.headers and party.headers["last-modified"] == LAST_MODIFIED
    assert client.get(party.url, headers={"If-Modified-Since": LAST_MODIFIED}).status_code == 304
    assert client.get(party.url, headers={"If-None-Match": '"x"'}).status_code == 200

    # a replaced page: new ETag, later Last-Modified
    world.news.set_page("/tin/dvk-hoa-binh.html", r.content + b"<!-- sua -->")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert client.get(url, headers={"If-Modified-Since": LAST_MODIFIED}).status_code == 200
    world.party.set_page("/bai-viet/dvk-ha-tinh.html", party.content + b"<!-- sua -->")
    assert client.get(party.url, headers={"If-Modified-Since": LAST_MODIFIED}).status_code == 200


def test_every_html_200_has_validators(world: CrawlWorld, client: httpx.Client) -> None:
    seen = 0
    for url, expect in world.PAGES.items():
        if expect.outcome in ("nonhtml", "failed"):
            continue
        r = fetch_final(client, url)
        if not r.headers["content-type"].startswith("text/html"):
            continue
        seen += 1
        assert r.headers["last-modified"] == LAST_MODIFIED, url
        assert ("etag" in r.headers) == (expect.host != "party"), url
    assert seen == 23  # 8 news + 3 party + 12 faults
    for path in ("/empty.html", "/huge.html"):  # 200s that the crawler should not keep
        r = client.head(world.faults.url(path))
        assert r.headers["etag"] and r.headers["last-modified"] == LAST_MODIFIED


# --- faults ------------------------------------------------------------------------------------
def test_flaky_fails_twice_then_works_and_rearm_resets(world: CrawlWorld, client: httpx.Client) -> None:
    url = world.faults.url("/flaky.html")
    assert [client.get(url).status_code for _ in range(4)] == [500, 500, 200, 200]
    world.rearm()
    assert [client.get(url).status_code for _ in range(3)] == [500, 500, 200]
    assert len(world.faults.requested("/flaky.html")) == 7


def test_busy_asks_to_retry_after_two_seconds(world: CrawlWorld, client: httpx.Client) -> None:
    url = world.faults.url("/busy.html")
    first = client.get(url)
    assert (first.status_code, first.headers["retry-after"]) == (429, "2")
    second = client.get(url)
    assert second.status_code == 200 and "retry-after" not in second.headers
    assert FAULT_ARTICLES["/busy.html"].phrase in second.text


def test_unavailable_and_missing_pages(world: CrawlWorld, client: httpx.Client) -> None:
    assert [client.get(world.faults.url("/unavailable.html")).status_code for _ in range(3)] == [503] * 3
    assert client.get(world.faults.url("/not-found.html")).status_code == 404
    for server in world.servers:
        assert client.get(server.url("/khong-co.html")).status_code == 404
        assert client.head(server.url("/khong-co.html")).status_code == 404


def test_redirect_loop_and_permanent_move(world: CrawlWorld, client: httpx.Client) -> None:
    a = client.get(world.faults.url("/loop-a.html"))
    assert (a.status_code, a.headers["location"]) == (302, "/loop-b.html")
    b = client.get(world.faults.url("/loop-b.html"))
    assert (b.status_code, b.headers["location"]) == (302, world.faults.url("/loop-a.html"))
    with pytest.raises(httpx.TooManyRedirects):
        client.get(world.faults.url("/loop-a.html"), follow_redirects=True)

    moved = client.get(world.faults.url("/moved.html"))
    assert (moved.status_code, moved.headers["location"]) == (301, world.faults.url("/new-home.html"))
    final = client.get(world.faults.url("/moved.html"), follow_redirects=True)
    assert final.status_code == 200 and str(final.url) == world.faults.url("/new-home.html")
    assert FAULT_ARTICLES["/new-home.html"].phrase in final.text
    assert world.PAGES[world.faults.url("/moved.html")].phrase == FAULT_ARTICLES["/new-home.html"].phrase


def test_truncated_body_on_first_request_only(world: CrawlWorld, client: httpx.Client) -> None:
    url = world.faults.url("/truncated.html")
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(url)
    whole = client.get(url)
    assert whole.status_code == 200 and int(whole.headers["content-length"]) == len(whole.content)
    assert FAULT_ARTICLES["/truncated.html"].phrase in whole.text
    world.rearm()
    with client.stream("GET", url) as resp:  # the header announces the whole body
        assert int(resp.headers["content-length"]) == len(whole.content)
        with pytest.raises(httpx.RemoteProtocolError):
            resp.read()


def test_slow_only_the_first_time(world: CrawlWorld) -> None:
    url = world.faults.url("/slow.html")
    with httpx.Client(timeout=0.3) as quick:
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            quick.get(url)
        assert time.monotonic() - started < 1.5
        started = time.monotonic()
        assert quick.get(url).status_code == 200
        assert time.monotonic() - started < 0.3
        world.rearm()
        with pytest.raises(httpx.ReadTimeout):
            quick.get(url)


def test_charsets(world: CrawlWorld, client: httpx.Client) -> None:
    def get(path: str) -> tuple[httpx.Response, str]:
        return client.get(world.faults.url(path)), FAULT_ARTICLES[path].phrase

    r, phrase = get("/nocharset.html")
    assert r.headers["content-type"] == "text/html" and b"charset" not in r.content.lower()
    assert phrase in r.content.decode("utf-8")

    r, phrase = get("/wrongcharset.html")
    assert r.headers["content-type"] == "text/html; charset=iso-8859-1" and b"charset" not in r.content.lower()
    assert phrase in r.content.decode("utf-8")
    assert phrase not in r.content.decode("iso-8859-1")  # a crawler that believes the header gets mojibake

    for path, content_type in (("/legacy.html", "text/html; charset=windows-1258"), ("/legacy-meta.html", "text/html")):
        r, phrase = get(path)
        assert r.headers["content-type"] == content_type
        with pytest.raises(UnicodeDecodeError):
            r.content.decode("utf-8")
        text = unicodedata.normalize("NFC", r.content.decode("cp1258"))
        assert phrase in text and "“Dân vận khéo”" in text
        assert phrase not in r.content.decode("cp1258")  # cp1258 writes most letters decomposed
        assert to_cp1258(text) == r.content
    assert b'<meta charset="windows-1258">' in get("/legacy-meta.html")[0].content
    assert b"charset" not in get("/legacy.html")[0].content.lower()


def test_to_cp1258_round_trip() -> None:
    letters = "aàảãáạăằẳẵắặâầẩẫấậeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵđ"
    text = f"{letters} {letters.upper()} “Dân vận khéo” – Nghệ An, 12,5%"
    data = to_cp1258(text)
    assert unicodedata.normalize("NFC", data.decode("cp1258")) == text
    assert to_cp1258("ệ") == b"\xea\xf2"  # ê + combining dot below
    with pytest.raises(UnicodeEncodeError):
        to_cp1258("中")


def test_huge_page(world: CrawlWorld, client: httpx.Client) -> None:
    url = world.faults.url("/huge.html")
    head = client.head(url)
    size = int(head.headers["content-length"])
    assert 12_000_000 <= size < 12_100_000
    with client.stream("GET", url) as resp:
        assert int(resp.headers["content-length"]) == size
        first = next(resp.iter_bytes())
        assert first.startswith(b"<!DOCTYPE html>")
    whole = client.get(url).content  # a client that hangs up early did not break the server
    assert len(whole) == size and whole.endswith(b"</html>\n")
    assert whole.count(FAULT_ARTICLES["/huge.html"].phrase.encode()) == 1


def test_non_html_and_empty(world: CrawlWorld, client: httpx.Client) -> None:
    for url in (world.news.url("/files/bao-cao.pdf"), world.faults.url("/report.pdf")):
        r = client.get(url)
        assert r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF-1.4")
    data = client.get(world.faults.url("/data.json"))
    assert data.headers["content-type"] == "application/json" and json.loads(data.content)["tinh"] == "Nghệ An"
    empty = client.get(world.faults.url("/empty.html"))
    assert (empty.status_code, empty.content, empty.headers["content-length"]) == (200, b"", "0")
    assert empty.headers["content-type"].startswith("text/html")


# --- content -----------------------------------------------------------------------------------
def test_pages_clean_as_intended(world: CrawlWorld, client: httpx.Client, registry: Registry) -> None:
    texts: dict[str, str] = {}
    for url, expect in world.PAGES.items():
        if not expect.phrase or expect.path == "/huge.html":
            continue
        doc = clean(fetch_final(client, url), registry)
        assert doc.source == expect.host, url
        assert doc.text.count(expect.phrase) == 1, url
        assert mentions_dvk(doc.text) == (expect.outcome != "offtopic"), url
        texts[url] = doc.text
    assert len(texts) == sum(1 for e in world.PAGES.values() if e.phrase) - 1

    for url, text in texts.items():  # a phrase is found only on its own page and its duplicates
        for other, expect in world.PAGES.items():
            if expect.phrase and expect.phrase != world.PAGES[url].phrase:
                assert expect.phrase not in text, (url, other)
    originals = {world.PAGES[u].phrase: t for u, t in texts.items() if world.PAGES[u].outcome == "article"}
    assert len(set(originals.values())) == len(originals)
    for url, text in texts.items():
        if world.PAGES[url].outcome == "duplicate":
            assert text == originals[world.PAGES[url].phrase], url
    # different articles share no paragraph (no near-duplicates by accident)
    paragraphs = [set(t.split("\n\n")) for t in originals.values()]
    for i, a in enumerate(paragraphs):
        for b in paragraphs[i + 1:]:
            assert not a & b


def test_syndicated_copy_cleans_to_the_same_text(world: CrawlWorld, client: httpx.Client,
                                                  registry: Registry) -> None:
    original = client.get(world.news.url("/tin/dvk-hoa-binh.html"))
    copy = client.get(world.party.url("/bai-viet/ban-sao.html"))
    assert original.content != copy.content
    assert b'class="article__body"' in copy.content and b"divNewsDetail" not in copy.content
    a, b = clean(original, registry), clean(copy, registry)
    assert (a.source, b.source) == ("news", "party")
    assert a.text == b.text and len(a.text) > 2000
    assert b.title == "Thành phố Hòa Bình nhân rộng các mô hình “Dân vận khéo”"


def test_off_topic_pages_never_name_the_movement(world: CrawlWorld, client: httpx.Client) -> None:
    assert mentions_dvk("Phong trào DÂN VẬN KHÉO") and mentions_dvk("dan-van-kheo")
    assert mentions_dvk(unicodedata.normalize("NFD", "Dân vận khéo")) and mentions_dvk("mô hình DVK")
    assert not mentions_dvk("Ban Dân vận Huyện ủy") and fold("Đà Bắc") == "da bac"
    offtopic = [u for u, e in world.PAGES.items() if e.outcome == "offtopic"]
    assert len(offtopic) == 2
    for url in offtopic:
        page = client.get(url).content.decode("utf-8")
        assert not mentions_dvk(page) and "dan van kheo" not in fold(page), url
    traffic = client.get(world.news.url("/tin/giao-thong.html")).text
    assert 'id="divNewsDetail"' in traffic and 'id="col-right"' in traffic and NEWS_TRAFFIC.phrase in traffic
    assert mentions_dvk(client.get(world.news.url("/tin/dvk-mo-hinh-moi.html")).text)


# --- bookkeeping -------------------------------------------------------------------------------
def test_hits_record_time_method_path_and_headers(world: CrawlWorld, client: httpx.Client) -> None:
    path = "/tin/dvk-hoa-binh.html?utm_source=facebook&utm_medium=social"
    before = time.monotonic()
    client.get(world.news.url(path), headers={"User-Agent": "dvk-test/1.0", "X-Probe": "abc"})
    after = time.monotonic()
    client.head(world.party.url("/rss.xml"))
    client.get(world.faults.url("/khong-co.html"))

    (hit,) = world.news.requested("/tin/")
    assert (hit.host, hit.method, hit.path) == ("news", "GET", path)
    assert before <= hit.t <= after
    assert hit.headers["user-agent"] == "dvk-test/1.0" and hit.headers["x-probe"] == "abc"
    assert hit.headers["host"] == f"{NEWS_IP}:{world.news.port}"
    assert all(k == k.lower() for k in hit.headers)
    assert [(h.host, h.method, h.path) for h in world.hits] == [
        ("news", "GET", path), ("party", "HEAD", "/rss.xml"), ("faults", "GET", "/khong-co.html")]
    assert [h.t for h in world.hits] == sorted(h.t for h in world.hits)
    assert world.news.requested("/tin/dvk-hoa-binh.html?utm") == [hit] and world.news.requested("/private/") == []


def test_servers_stop_on_exit() -> None:
    with httpx.Client(timeout=2.0) as client:
        with CrawlWorld() as world:
            url = world.news.url("/")
            assert client.get(url).status_code == 200  # leaves a keep-alive connection open
        with pytest.raises(httpx.ConnectError):
            client.get(url)
