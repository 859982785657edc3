"""Document identity (issue 13): two sources never share a stored document, on real files and
real SQLite databases, through the command line as a user runs it."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from pipeline.run import run

from .conftest import CORPUS, ROOT

DVK = [sys.executable, "-m", "pipeline.cli"]
HTML_A = next(CORPUS.glob("000_*.html"))
HTML_B = next(CORPUS.glob("002_*.html"))
TXT = next(CORPUS.glob("002_*.txt"))


def dvk(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*DVK, *args], capture_output=True, input=stdin, cwd=ROOT, timeout=300)


def documents(db: Path) -> list[tuple[str, str, str | None, str | None]]:
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT id, source_key, url, path FROM documents ORDER BY id").fetchall()
    conn.close()
    return rows


def test_two_saved_pages_named_index_are_two_documents(tmp_path: Path) -> None:
    for sub, page in (("a", HTML_A), ("b", HTML_B)):
        (tmp_path / "saved" / sub).mkdir(parents=True)
        shutil.copy(page, tmp_path / "saved" / sub / "index.html")
    db = tmp_path / "dvk.db"
    result = run([tmp_path / "saved"], db)
    assert [o.status for o in result.outcomes] == ["new", "new"]
    rows = documents(db)
    assert len(rows) == 2
    assert [r[1] for r in rows] == ["file:saved/a/index.html", "file:saved/b/index.html"]
    assert rows[0][0] == "index" and rows[1][0].startswith("index-")
    conn = sqlite3.connect(db)
    provinces = {r[0] for r in conn.execute("SELECT DISTINCT province FROM localities WHERE is_primary = 1")}
    assert provinces == {"Hòa Bình", "Hà Tĩnh"}  # both articles' records are there
    # a second run of the same folder changes nothing
    assert "new" not in {o.status for o in run([tmp_path / "saved"], db).outcomes}
    assert documents(db) == rows


def test_the_same_name_in_another_folder_is_another_document(tmp_path: Path) -> None:
    (tmp_path / "my").mkdir()
    (tmp_path / "other").mkdir()
    shutil.copy(TXT, tmp_path / "my" / "x.txt")
    shutil.copy(next(CORPUS.glob("000_*.txt")), tmp_path / "other" / "x.txt")
    db = tmp_path / "dvk.db"
    assert [o.status for o in run([tmp_path / "my" / "x.txt"], db).outcomes] == ["new"]
    assert [o.status for o in run([tmp_path / "other" / "x.txt"], db).outcomes] == ["new"]
    assert len(documents(db)) == 2
    # and the same folder name under another parent: another file, not a change of the first
    (tmp_path / "elsewhere" / "my").mkdir(parents=True)
    shutil.copy(next(CORPUS.glob("004_*.txt")), tmp_path / "elsewhere" / "my" / "x.txt")
    assert [o.status for o in run([tmp_path / "elsewhere" / "my" / "x.txt"], db).outcomes] == ["new"]
    rows = documents(db)
    assert len(rows) == 3 and len({r[0] for r in rows}) == 3
    # editing the first file is a change of its own document only
    first = tmp_path / "my" / "x.txt"
    first.write_text(first.read_text(encoding="utf-8").replace("138 mô hình", "139 mô hình"), encoding="utf-8")
    assert [o.status for o in run([first], db).outcomes] == ["changed"]
    assert len(documents(db)) == 3


def test_standard_input_documents_do_not_replace_each_other(tmp_path: Path) -> None:
    db = tmp_path / "dvk.db"
    one = "Đến nay, toàn huyện Thạch Hà có 12 mô hình “Dân vận khéo”.".encode()
    two = "Đến nay, toàn huyện Can Lộc có 15 mô hình “Dân vận khéo”.".encode()
    assert dvk("run", "-", "--db", str(db), stdin=one).returncode == 0
    assert dvk("run", "-", "--db", str(db), stdin=two).returncode == 0
    rows = documents(db)
    assert len(rows) == 2 and all(r[1].startswith("stdin:") for r in rows)
    again = dvk("run", "-", "--db", str(db), stdin=one)
    # the same document again: unchanged (changed only if someone edits extractors/ meanwhile)
    assert again.returncode == 0 and b"new:" not in again.stdout
    assert len(documents(db)) == 2


def test_url_given_on_the_command_line_is_the_identity(tmp_path: Path) -> None:
    db = tmp_path / "dvk.db"
    page = tmp_path / "index.html"
    shutil.copy(HTML_B, page)
    url = "https://baohatinh.vn/thach-ha-dan-van-kheo.html?utm_source=fb"
    out = dvk("run", str(page), "--db", str(db), "--url", url, "--published", "2022-12-23",
              "--source", "baohatinh")
    assert out.returncode == 0, out.stderr
    conn = sqlite3.connect(db)
    row = conn.execute("SELECT id, source_key, url, published, source FROM documents").fetchone()
    assert row == ("index", "https://baohatinh.vn/thach-ha-dan-van-kheo.html", url, "2022-12-23", "baohatinh")
    # another copy of the same page saved elsewhere with the same URL is the same document
    (tmp_path / "copy").mkdir()
    shutil.copy(HTML_B, tmp_path / "copy" / "page.html")
    again = dvk("run", str(tmp_path / "copy" / "page.html"), "--db", str(db), "--url", url)
    assert again.returncode == 0 and b"new:" not in again.stdout
    assert len(documents(db)) == 1
    # --url names one document
    bad = dvk("run", str(tmp_path), "--db", str(db), "--url", url)
    assert bad.returncode == 2 and b"single file" in bad.stderr
    bad_date = dvk("run", str(page), "--db", str(db), "--published", "23/12/2022")
    assert bad_date.returncode == 2 and bad_date.stderr.count(b"\n") == 1


def test_extract_keeps_the_stem_as_doc_and_takes_the_url(tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    shutil.copy(HTML_B, page)
    out = dvk("extract", str(page), "--url", "https://baohatinh.vn/a.html", "--published", "2022-12-23")
    assert out.returncode == 0, out.stderr
    obj = json.loads(out.stdout)
    assert obj["doc"] == "index" and obj["url"] == "https://baohatinh.vn/a.html"
    assert obj["published"] == "2022-12-23"


def test_a_database_of_an_earlier_version_gets_keys_and_keeps_its_ids(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    conn.execute("""CREATE TABLE documents (id TEXT PRIMARY KEY, url TEXT, source TEXT, title TEXT,
                    published TEXT, path TEXT, text TEXT, content_hash TEXT, extractor_version TEXT,
                    extracted_at TEXT)""")
    conn.execute("INSERT INTO documents (id, path, text, content_hash, extractor_version) VALUES "
                 "('002_f50d93ef42a2abc5', 'corpus/002_f50d93ef42a2abc5.txt', 't', 'h', 'v')")
    conn.commit()
    conn.close()
    result = run([CORPUS], db)
    assert sorted(o.status for o in result.outcomes) == ["changed"] + ["new"] * 4
    rows = documents(db)
    assert len(rows) == 5 and {r[0] for r in rows} == {p.stem for p in CORPUS.glob("*.txt")}
    assert all(r[1] == f"file:corpus/{r[0]}.txt" for r in rows)


def test_a_stored_document_is_never_replaced_by_another_source(tmp_path: Path) -> None:
    from extractors.records import Document
    from pipeline.store import OtherSource, open_db, save_document

    db = open_db(tmp_path / "dvk.db")
    save_document(db, Document(doc="x", url="https://a.vn/1"), text="a", content_hash="a",
                  extractor_version="v", doc_id="x", key="https://a.vn/1")
    try:
        save_document(db, Document(doc="x"), text="b", content_hash="b", extractor_version="v",
                      doc_id="x", key="file:my/x.txt")
    except OtherSource as exc:
        assert "another source" in str(exc)
    else:
        raise AssertionError("a document of another source was replaced")
    # a writer that gives no key (the crawler) and meets a URL stored under another id keeps its own
    save_document(db, Document(doc="site-abc", url="https://a.vn/1"), text="c", content_hash="c",
                  extractor_version="v")
    rows = db.execute("SELECT id, source_key, text FROM documents ORDER BY id").fetchall()
    db.close()
    assert rows == [("site-abc", "id:site-abc", "c"), ("x", "https://a.vn/1", "a")]
