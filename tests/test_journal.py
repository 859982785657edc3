"""The journalist's view (issue 13): sentences as evidence, findings as rows, labels beside the
codes, totals that never add a province to its districts, the article view, exports, search
that takes any text, and the command-line habits (progress, --quiet, --json, --version, -h)."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from extractors.records import FIELDS, METRICS, Holder, RecognitionLevel
from pipeline.datasette_plugin import fts_query
from pipeline.labels import labels

from .conftest import CORPUS, ROOT

DVK = [sys.executable, "-m", "pipeline.cli"]


def dvk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*DVK, *args], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = Path(tmp_path_factory.mktemp("journal")) / "dvk.db"
    out = dvk("run", str(CORPUS), "--db", str(path))
    assert out.returncode == 0, out.stderr
    return path


def rows(db: Path, sql: str, args: tuple[object, ...] = ()) -> list[dict[str, object]]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, args)]
    finally:
        conn.close()


def test_every_count_and_model_has_its_sentence(db: Path) -> None:
    for table in ("counts", "models"):
        found = rows(db, f"SELECT c.text, c.span_start, c.span_end, c.sentence, c.sentence_start, c.sentence_end, "
                         f"d.text AS article FROM {table} c JOIN documents d ON d.id = c.document_id")
        assert found
        for r in found:
            art = str(r["article"])
            assert r["sentence"] == art[int(r["sentence_start"]):int(r["sentence_end"])]  # type: ignore[call-overload]
            assert int(r["sentence_start"]) <= int(r["span_start"]) < int(r["span_end"]) <= int(r["sentence_end"])  # type: ignore[call-overload]
            assert str(r["text"]) in str(r["sentence"])
    # a sentence is a sentence, not the whole paragraph: the 179 total and its parts are two
    total = rows(db, "SELECT sentence FROM counts WHERE value = 179")[0]["sentence"]
    part = rows(db, "SELECT sentence FROM counts WHERE value = 51")[0]["sentence"]
    assert total != part and str(total).startswith("Đến hết tháng 6/2023")


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_sentences_of_stored_spans_are_those_extraction_gives(db: Path, form: str) -> None:
    """What fills in the sentences of records stored without one (a database of before version
    3) gives the sentence of each record that extraction gives, composed text or not."""
    import unicodedata

    from extractors.document import Meta, extract, sentences_of

    n = 0
    for r in rows(db, "SELECT id, text FROM documents"):
        text = unicodedata.normalize(form, str(r["text"]))
        doc = extract(text, Meta(doc=str(r["id"])))
        recs = [*doc.counts, *doc.models]
        got = sentences_of(text, [(int(x.start or 0), int(x.end or 0)) for x in recs])
        assert [(g.text, g.start, g.end) if g else None for g in got] == [
            (x.sentence.text, x.sentence.start, x.sentence.end) if x.sentence else None for x in recs]
        n += len(recs)
    assert n > 100


def test_extract_output_is_unchanged_by_sentences() -> None:
    out = dvk("extract", str(next(CORPUS.glob("001_*.txt"))))
    assert out.returncode == 0
    doc = json.loads(out.stdout)
    assert doc["counts"] and all("sentence" not in c for c in doc["counts"])
    assert all("sentence" not in m for m in doc["models"])


def test_extract_on_a_folder_reads_each_article_once() -> None:
    out = dvk("extract", str(CORPUS))
    docs = [json.loads(line)["doc"] for line in out.stdout.splitlines()]
    assert len(docs) == len(set(docs)) == len(list(CORPUS.glob("*.txt")))


def test_findings_evidence_rows(db: Path) -> None:
    findings = rows(db, "SELECT id, kind, evidence FROM findings")
    ev = rows(db, "SELECT * FROM finding_evidence ORDER BY id")
    assert len(ev) == sum(len(json.loads(str(f["evidence"]))) for f in findings)
    breakdown = next(f for f in findings if "179" in str(f["evidence"]) and f["kind"] == "field_breakdown")
    mine = [r for r in ev if r["finding_id"] == breakdown["id"]]
    assert [(r["role"], r["value"]) for r in mine] == [("total", 179), ("part", 51), ("part", 70), ("part", 46),
                                                        ("part", 12)]
    assert all(r["title"] and r["sentence"] and r["document_id"] == "000_5a2ac0b887a9d7ed" for r in mine)
    assert mine[1]["role_vi"] == "thành phần"


def test_labels_cover_every_code() -> None:
    lab = labels()
    assert set(FIELDS) <= set(lab["field"]) and set(METRICS) <= set(lab["metric"])
    assert set(RecognitionLevel.__args__) <= set(lab["level"])  # type: ignore[attr-defined]
    assert set(Holder.__args__) <= set(lab["holder"])  # type: ignore[attr-defined]


def test_every_coded_column_has_a_label_for_each_of_its_values(db: Path) -> None:
    """labels.toml [columns] names real columns (tables and the totals view) and, for every value
    the corpus puts in them, a label: a facet on a code never shows a bare code."""
    coded = labels()["columns"]
    assert coded
    seen = 0
    for name, kind in coded.items():
        table, column = name.split(".")
        assert kind in labels() and kind != "columns"
        present = {r["name"] for r in rows(db, f"SELECT name FROM pragma_table_info('{table}')")}
        assert column in present, name
        for r in rows(db, f"SELECT DISTINCT [{column}] AS v FROM [{table}] WHERE [{column}] IS NOT NULL"):
            assert str(r["v"]) in labels()[kind], (name, r["v"])
            seen += 1
    assert seen >= 10


def test_labels_beside_the_codes(db: Path) -> None:
    for r in rows(db, "SELECT field, field_vi, metric, metric_vi, level, level_vi, holder, holder_vi FROM counts"):
        for col in ("field", "metric", "level", "holder"):
            assert (r[col] is None) == (r[f"{col}_vi"] is None)
            if r[col] is not None:
                assert r[f"{col}_vi"] == labels()[col][str(r[col])]


def test_titles_are_never_blank(db: Path) -> None:
    titles = {r["id"]: r["title"] for r in rows(db, "SELECT id, title FROM documents")}
    assert all(titles.values())
    # a file without a title takes its body's first line, not a menu line
    assert str(titles["003_2b65dc4a7b4f3506"]).startswith("Sáng ngày 21/8/2020")


ARTICLE_A = """---
url: "https://example.org/thach-ha-tong-ket.html"
title: "Huyện Thạch Hà tổng kết phong trào"
published: "2024-01-10"
---
Đến ngày 31/12/2023, toàn huyện Thạch Hà có 150 mô hình “Dân vận khéo”.
"""
ARTICLE_B = """---
title: "Thạch Hà: mô hình dân vận khéo"
published: "2024-02-01"
---
Tính đến ngày 31/12/2023, huyện Thạch Hà có 152 mô hình “Dân vận khéo”.
Tính đến ngày 31/12/2023, toàn tỉnh Hà Tĩnh có 2.000 mô hình “Dân vận khéo”.
"""


def test_totals_one_figure_per_unit_and_date(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE_A, encoding="utf-8")
    (folder / "b.txt").write_text(ARTICLE_B, encoding="utf-8")
    path = tmp_path / "t.db"
    dvk("run", str(folder), "--db", str(path))
    totals = rows(path, "SELECT locality_level, locality_name, value, reports, document_id FROM totals "
                        "WHERE metric = 'built' AND period_end = '2023-12-31' ORDER BY locality_level")
    # the district once (the later article's figure, both reports counted), its province apart
    assert [(t["locality_level"], t["locality_name"], t["value"], t["reports"]) for t in totals] == [
        ("district", "Thạch Hà", 152, 2), ("province", "Hà Tĩnh", 2000, 1)]
    assert totals[0]["document_id"] == "b"
    # the source URL on every row of an article that has one
    assert {r["url"] for r in rows(path, "SELECT url FROM counts WHERE document_id = 'a'")} == {
        "https://example.org/thach-ha-tong-ket.html"}
    assert {r["url"] for r in rows(path, "SELECT url FROM counts WHERE document_id = 'b'")} == {None}


def test_export_formats_and_queries(db: Path, tmp_path: Path) -> None:
    out = dvk("export", "--db", str(db), "--tsv")
    table = list(csv.DictReader(io.StringIO(out.stdout), dialect="excel-tab"))
    assert len(table) == 36 and table[0]["title"] and "field_vi" in table[0] and table[0]["sentence"]
    js = json.loads(dvk("export", "--db", str(db), "--json", "--table", "findings").stdout)
    assert isinstance(js, list) and js and "kind_vi" in js[0]
    nl = dvk("export", "--db", str(db), "--nl", "--sql", "SELECT id, title FROM documents ORDER BY id").stdout
    assert [json.loads(x)["id"] for x in nl.splitlines()][0] == "000_5a2ac0b887a9d7ed"
    empty = dvk("export", "--db", str(db), "--sql", "SELECT id, title FROM documents WHERE 0").stdout
    assert empty.strip() == "id,title"  # a header even with no row
    target = tmp_path / "x.csv"
    assert dvk("export", "--db", str(db), "--bom", "-o", str(target)).returncode == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbfdocument_id,")
    assert dvk("export", "--db", str(db), "--csv", "--json").returncode == 2
    assert dvk("export", "--db", str(db), "--sql", "SELECT nope").returncode == 2


def test_models_export_is_flat(db: Path) -> None:
    out = dvk("export", "--db", str(db), "--models", "--nl")
    models = [json.loads(x) for x in out.stdout.splitlines()]
    assert len(models) == len(rows(db, "SELECT id FROM models"))
    assert all(m["province"] and m["title"] for m in models)
    owned = [m for m in models if m["owners"]]
    assert owned and all(isinstance(m["owners"], str) and not m["owners"].startswith("[") for m in owned)


def test_show_writes_the_article_view(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "a.html"
    out = dvk("show", "001_ec07e521c6b1b548", "--db", str(db), "-o", str(target))
    assert out.returncode == 0, out.stderr
    page = target.read_text(encoding="utf-8")
    n = len(rows(db, "SELECT id FROM counts WHERE document_id = '001_ec07e521c6b1b548'"))
    assert page.count("SỐ: ") == n and "ĐỊA DANH: tỉnh Hòa Bình" in page
    assert dvk("show", "nope", "--db", str(db)).returncode == 2
    assert dvk("show", "x", "--db", str(tmp_path / "missing.db")).returncode == 4


@pytest.mark.parametrize(("typed", "found"), [
    ("văn hóa - xã hội", 1), ("KT-XH", 1), ("TP. Hòa Bình", 1), ('"Dân vận', 1), ("dan van kheo", 1),
    ("hoa binh", 1), ("dang bo", 1), ("Đảng", 1), ("ĐANG", 1), ("duc", 0),
    ('"dân vận khéo"', 1), ('"đảng bộ"', 1), ('"khéo dân"', 0), ("DANG BO", 1), ("đan", 1), ("dddddđ", 0),
    ('"đồng đội đi đâu dđ"', 0), ("x " * 300, 0),
    ('a"b"', 0), ("-", 0), ("", 0), ("'", 0), ("AND OR NOT", 0), ("NEAR(", 0), ("*", 0),
])
def test_any_typed_text_is_a_valid_query(typed: str, found: int) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5(t, tokenize='unicode61 remove_diacritics 2')")
    conn.execute("INSERT INTO f VALUES ('Mô hình văn hóa - xã hội, KT-XH ở TP. Hòa Bình: Dân vận khéo của Đảng bộ')")
    assert conn.execute("SELECT count(*) FROM f WHERE f MATCH ?", [fts_query(typed)]).fetchone()[0] == found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_settings_and_no_temporary_files(db: Path, tmp_path: Path) -> None:
    assert dvk("serve", "--db", str(db), "--setting", "nope=1").returncode == 2
    assert dvk("serve", "--db", str(db), "--setting", "default_page_size=many").returncode == 2
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    port = _free_port()
    proc = subprocess.Popen([*DVK, "serve", "--db", str(db), "--port", str(port), "--host", "127.0.0.1",
                             "--setting", "default_page_size=7"], cwd=ROOT, env={**os.environ, "TMPDIR": str(tmp)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                settings = httpx.get(f"http://127.0.0.1:{port}/-/settings.json", timeout=1).json()
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert settings["default_page_size"] == 7
        assert len(httpx.get(f"http://127.0.0.1:{port}/dvk/counts.json").json()["rows"]) == 7
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert list(tmp.iterdir()) == []  # nothing written to the temporary folder, nothing left


def test_command_line_habits(db: Path, tmp_path: Path) -> None:
    assert dvk("--version").stdout.startswith("dvk ")
    assert "Usage:" in (h := dvk("run", "-h").stdout) and "--quiet" in h and "--json" in h
    out = dvk("run", str(CORPUS), "--db", str(db), "--json")
    summary = json.loads(out.stdout)
    assert summary["counts"]["unchanged"] == 5 and summary["exit_code"] == 0 and summary["findings"]["ok"] >= 1
    quiet = dvk("run", str(CORPUS), "--db", str(db), "--quiet")
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    # off a terminal: one plain log line per document on standard error
    plain = dvk("run", str(CORPUS), "--db", str(db))
    lines = [x for x in plain.stderr.splitlines() if x.startswith("dvk run: ")]
    assert len(lines) == 5 and all("unchanged" in x for x in lines)
    nightly = dvk("nightly", "--no-crawl", "--input", str(CORPUS), "--db", str(db), "--json")
    assert json.loads(nightly.stdout)["counts"]["documents_unchanged"] == 5


def test_a_database_of_the_previous_version_gets_labels_and_urls(db: Path, tmp_path: Path) -> None:
    import shutil

    from pipeline.store import open_db

    old = tmp_path / "old.db"
    shutil.copy(db, old)
    conn = sqlite3.connect(old)
    conn.execute("DROP VIEW totals")
    for col in ("field_vi", "metric_vi", "url"):
        conn.execute(f"ALTER TABLE counts DROP COLUMN {col}")
    conn.execute("UPDATE documents SET url = 'https://example.org/' || id")
    conn.commit()
    conn.close()
    open_db(old).close()
    got = rows(old, "SELECT c.field, c.field_vi, c.metric_vi, c.url, c.document_id FROM counts c")
    assert got and all(r["field_vi"] == labels()["field"][str(r["field"])] and r["metric_vi"] for r in got)
    assert all(r["url"] == f"https://example.org/{r['document_id']}" for r in got)
    assert rows(old, "SELECT count(*) AS n FROM totals")[0]["n"] > 0
