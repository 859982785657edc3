"""What a person sees: a real headless Chromium (Debian's ``chromium``; ``.ci/run`` installs it
when missing) loads the Datasette pages of ``dvk serve`` on the bundled corpus — a table, a
facet, each canned query, searches with punctuation, a finding, an article view, the chart —
and the tests read the rendered page's text and links, after its scripts ran."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
import pytest
from bs4 import BeautifulSoup

from pipeline.check import run_checks
from pipeline.run import run
from pipeline.store import open_db

from .conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (Debian: apt-get install chromium; "
                                                         ".ci/run installs it)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = Path(tmp_path_factory.mktemp("browser")) / "dvk.db"
    run(None, db)
    database = open_db(db)
    run_checks(database)
    database.close()
    yield from serving(db)


# two made-up articles: one names a province written with "Đ" and marks, the other not
MADE_UP = {
    "ea-kao.txt": "Đắk Lắk: mô hình “Dân vận khéo” ở buôn Ea Kao\n\nNăm 2023, xã Ea Kao xây dựng 12 mô hình "
                  "“Dân vận khéo”, giúp đồng bào phát triển kinh tế.\n",
    "lung-cu.txt": "Hà Giang: phong trào thi đua ở Lũng Cú\n\nNăm 2023, xã Lũng Cú có 5 mô hình “Dân vận khéo” "
                   "về văn hóa.\n",
}


@pytest.fixture(scope="module")
def made_up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = Path(tmp_path_factory.mktemp("made-up"))
    for name, text in MADE_UP.items():
        (folder / name).write_text(text, encoding="utf-8")
    run([folder], folder / "dvk.db")
    yield from serving(folder / "dvk.db")


def serving(db: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--db", str(db), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(base + "/-/versions.json", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class Page:
    def __init__(self, dom: str):
        self.soup = BeautifulSoup(dom, "lxml")
        self.text = re.sub(r"\s+", " ", self.soup.get_text(" "))

    def links(self) -> list[str]:
        return [str(a.get("href")) for a in self.soup.find_all("a") if a.get("href")]


def see(base: str, path: str, tmp_path: Path) -> Page:
    """The page as Chromium renders it (the DOM after load)."""
    profile = tmp_path / f"profile-{time.monotonic_ns()}"
    out = subprocess.run([CHROMIUM or "chromium", "--headless", "--no-sandbox", "--disable-gpu",
                          "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--dump-dom", base + path],
                         capture_output=True, text=True, timeout=60, env={**os.environ, "LANG": "C.UTF-8"})
    assert out.returncode == 0, out.stderr[-500:]
    page = Page(out.stdout)
    assert "Invalid SQL" not in page.text and "Internal Server Error" not in page.text, page.text[:300]
    return page


def test_a_table_with_labels_titles_and_article_links(site: str, tmp_path: Path) -> None:
    page = see(site, "/dvk/counts?_size=100", tmp_path)
    assert "36 rows" in page.text
    for label in ("kinh tế", "văn hóa - xã hội", "đã xây dựng"):  # Vietnamese labels beside the codes
        assert label in page.text
    assert "Kết quả thực hiện phong trào thi đua “Dân vận khéo” năm 2023" in page.text  # titles, not ids
    assert "None" not in page.text.split("36 rows", 1)[1].split(" ")[:5]
    articles = [h for h in page.links() if h.startswith("/-/dvk/article/")]
    assert len(articles) >= 36


def test_a_facet_shows_labels(site: str, tmp_path: Path) -> None:
    page = see(site, "/dvk/counts?_facet=field_vi&_facet=metric_vi", tmp_path)
    facet = page.soup.find(attrs={"data-column": "field_vi"})
    assert facet is not None
    shown = re.sub(r"\s+", " ", facet.get_text(" "))
    assert "kinh tế" in shown and "quốc phòng - an ninh" in shown


@pytest.mark.parametrize("query", ["văn hóa - xã hội", "KT-XH", "TP. Hòa Bình", '"Dân vận', "dan van kheo", "-"])
def test_search_any_text(site: str, tmp_path: Path, query: str) -> None:
    page = see(site, "/dvk/documents?" + urlencode({"_search": query}), tmp_path)
    m = re.search(r"(\d+) rows? where search matches", page.text)
    if query == "-":  # nothing to search for: all the documents, no error
        assert "5 rows" in page.text
        return
    assert m is not None, page.text[:400]
    assert int(m.group(1)) >= 1
    # the table shows the start of each article, not the whole text
    cells = page.soup.select("td.col-text")
    assert cells and all(len(c.get_text()) < 300 for c in cells)


@pytest.mark.parametrize("query", ["dak lak", "Dak Lak", "Đắk Lắk", "ĐẮK LẮK", "đak lăk", '"dak lak"'])
def test_the_table_search_box_folds_d_and_diacritics(made_up: str, tmp_path: Path, query: str) -> None:
    """The documents table's own search (``?_search=``), typed as a person would, with or
    without "Đ" and the marks: the one article that names Đắk Lắk, every time."""
    page = see(made_up, "/dvk/documents?" + urlencode({"_search": query}), tmp_path)
    assert re.search(r"\b1 row where search matches", page.text), page.text[:400]
    assert [a.get_text() for a in page.soup.select("td.col-id a")] == ["ea-kao"]
    assert page.soup.find("input", attrs={"name": "_search"})["value"] == query  # the box keeps what was typed


def test_the_table_search_box_finds_nothing_for_words_in_no_article(made_up: str, tmp_path: Path) -> None:
    page = see(made_up, "/dvk/documents?" + urlencode({"_search": "dak nong"}), tmp_path)
    assert "0 rows" in page.text
    both = see(made_up, "/dvk/documents?" + urlencode({"_search": "dan van kheo"}), tmp_path)
    assert re.search(r"\b2 rows where search matches", both.text), both.text[:400]


def test_facets_on_codes_show_their_labels(site: str, tmp_path: Path) -> None:
    page = see(site, "/dvk/counts?_facet=field&_facet=metric&_facet=locality_level", tmp_path)
    shown = {c: [re.sub(r"\s+", " ", li.get_text(" ")) for li in page.soup.select(f'[data-column="{c}"] li')]
             for c in ("field", "metric", "locality_level")}
    assert any(x.startswith("kinh tế (economy)") for x in shown["field"]), shown
    assert any(x.startswith("đã xây dựng (built)") for x in shown["metric"]), shown
    assert any(x.startswith("tỉnh (province)") for x in shown["locality_level"]), shown
    places = see(site, "/dvk/localities", tmp_path)  # a facet of the metadata on a coded column
    levels = [re.sub(r"\s+", " ", li.get_text(" ")) for li in places.soup.select('[data-column="level"] li')]
    assert levels and all(re.match(r"(tỉnh|huyện|xã) \((province|district|commune)\) \d", x) for x in levels), levels
    chosen = see(site, "/dvk/counts?field=economy&_facet=field", tmp_path)  # a chosen value too
    assert "kinh tế (economy) ·" in re.sub(r"\s+", " ", chosen.soup.select_one('[data-column="field"]').get_text(" "))


def test_canned_search_gives_snippets(site: str, tmp_path: Path) -> None:
    page = see(site, "/dvk/search?" + urlencode({"q": "dan van kheo"}), tmp_path)
    marks = page.soup.find_all("mark")
    assert marks and {m.get_text().lower() for m in marks} <= {"dân", "vận", "khéo", "dan", "van", "kheo"}
    assert len(page.soup.select("td.col-snippet")) == 5
    unbalanced = see(site, "/dvk/search?" + urlencode({"q": 'văn hóa "xã hội'}), tmp_path)
    assert unbalanced.soup.select("td.col-snippet")
    dang = see(site, "/dvk/search?" + urlencode({"q": "dang"}), tmp_path)  # d for đ: "Đảng"
    assert any(m.get_text().lower().startswith("đ") for m in dang.soup.find_all("mark"))


def test_totals_by_province_and_year(site: str, tmp_path: Path) -> None:
    page = see(site, "/dvk/totals_by_province_and_year?metric=built", tmp_path)
    rows = page.soup.select("tbody tr")
    units = [re.sub(r"\s+", " ", r.get_text(" ")) for r in rows]
    province = [u for u in units if "tỉnh Hòa Bình" in u]
    city = [u for u in units if "thành phố Hòa Bình" in u]
    # the province's figure and its city's, each on its own row with its article: never added up
    assert len(province) == 1 and "4365" in province[0].replace(",", "") and "4544" not in province[0]
    assert len(city) == 1 and " 179 " in city[0]
    assert any(h.startswith("/-/dvk/article/") for h in page.links())


def test_breakdown_and_findings_queries(site: str, tmp_path: Path) -> None:
    page = see(site, "/dvk/breakdown_of_one_article?document=000_5a2ac0b887a9d7ed", tmp_path)
    values = [int(td.get_text()) for td in page.soup.select("td.col-value")]
    assert sorted(values) == [12, 46, 51, 70]
    findings = see(site, "/dvk/findings_with_evidence", tmp_path)
    assert "tổng" in findings.text and "thành phần" in findings.text
    assert "51 + 70 + 46 + 12 = 179" in findings.text
    assert "Trong đó, lĩnh vực kinh tế 51 mô hình" in findings.text  # the sentence to quote


def test_a_finding_and_its_evidence_rows(site: str, tmp_path: Path) -> None:
    page = see(site, "/dvk/findings/1", tmp_path)
    assert "51 + 70 + 46 + 12 = 179" in page.text
    assert "/-/dvk/article/000_5a2ac0b887a9d7ed" in page.links()
    rows = see(site, "/dvk/finding_evidence?finding_id=1", tmp_path)
    assert "5 rows" in rows.text
    assert [h for h in rows.links() if h == "/-/dvk/article/000_5a2ac0b887a9d7ed"]


def test_the_article_view(site: str, tmp_path: Path) -> None:
    documents = see(site, "/dvk/documents", tmp_path)
    link = next(h for h in documents.links() if h.startswith("/-/dvk/article/001_"))
    page = see(site, quote(link), tmp_path)
    assert page.soup.find("h1").get_text() == "Kết quả thực hiện phong trào thi đua “Dân vận khéo” năm 2023"
    tally = page.soup.find(id="tally").get_text()
    assert re.match(r"8 counts, \d+ models, \d+ places,\s+\d+ periods", tally), tally
    assert "SỐ: 4365 · đã xây dựng · tổng số" in page.text  # the count, labelled, in the text
    assert "ĐỊA DANH" in page.text and "MÔ HÌNH" in page.text and "THỜI GIAN" in page.text
    assert see(site, "/-/dvk/article/no-such-doc", tmp_path).text.count("no document") == 1


def test_the_chart(site: str, tmp_path: Path) -> None:
    page = see(site, "/-/dvk/chart", tmp_path)
    bars = page.soup.find_all("rect")
    assert len(bars) == 3  # built totals: the province, its city, a district of another province
    assert all(b.find_parent("a")["href"].startswith("/-/dvk/article/") for b in bars)
    assert "4,365" in page.text and "179" in page.text and "138" in page.text
    recognized = see(site, "/-/dvk/chart?metric=recognized", tmp_path)
    assert "4,365" not in recognized.text and recognized.soup.find_all("rect")
