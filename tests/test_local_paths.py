"""No local path leaves the machine: whatever dvk is given (absolute paths, a folder with a
subfolder, a file that fails, a web archive), no table or view of the database, no export and
no Datasette page holds where the files live; each names its file by its path under the folder
given (or a WARC file by its name) and, for an article with one, its source URL."""

from __future__ import annotations

import asyncio
import io
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.check import run_checks
from pipeline.export import query, write
from pipeline.run import run
from pipeline.serve import datasette_app
from pipeline.store import open_db

from .conftest import CORPUS, ROOT
from .warcdata import make_warc


def dvk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A database made from absolute paths, and the strings that would give away where they are."""
    top = Path(tmp_path_factory.mktemp("where-i-keep-my-files")).resolve()
    folder = top / "saved"
    (folder / "sub").mkdir(parents=True)
    for p in sorted(CORPUS.glob("00[0-2]_*.txt")):
        shutil.copy(p, folder / p.name)
    shutil.copy(next(CORPUS.glob("003_*.txt")), folder / "sub" / "index.txt")
    (folder / "empty.txt").write_text("", encoding="utf-8")  # a failure, with its reason stored
    (folder / "scan.txt").write_bytes(b"%PDF-1.4 not text")
    make_warc(top / "crawl.warc.gz")
    db = top / "dvk.db"
    result = run([folder, top / "crawl.warc.gz", (CORPUS / "004_ea6638a039254b94.txt").resolve()], db)
    assert sum(o.status == "new" for o in result.outcomes) >= 9 and len(result.failed) == 2
    database = open_db(db)
    run_checks(database)
    database.close()
    return db, [str(top), str(CORPUS.resolve()), str(ROOT.resolve())]


def leaks(text: str, places: list[str]) -> list[str]:
    return [p for p in places if p in text]


def test_no_table_or_view_holds_a_local_path(made: tuple[Path, list[str]]) -> None:
    db, places = made
    conn = sqlite3.connect(db)
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                                        "AND name NOT LIKE 'documents_fts_%'")]
    assert {"documents", "errors", "warc_records", "findings", "finding_evidence", "totals"} <= set(names)
    seen = 0
    for name in names:
        for row in conn.execute(f"SELECT * FROM [{name}]"):
            for value in row:
                if isinstance(value, str):
                    seen += 1
                    assert not leaks(value, places), (name, value[:200])
    assert seen > 1000
    paths = dict(conn.execute("SELECT id, path FROM documents WHERE path IS NOT NULL"))
    assert paths["index"] == "saved/sub/index.txt" and paths["004_ea6638a039254b94"].endswith(
        "/004_ea6638a039254b94.txt")
    assert {r[0] for r in conn.execute("SELECT warc_file FROM warc_records")} == {"crawl.warc.gz"}
    assert sorted(r[0] for r in conn.execute("SELECT source FROM errors")) == ["saved/empty.txt", "saved/scan.txt"]
    conn.close()


def test_no_export_holds_a_local_path(made: tuple[Path, list[str]], tmp_path: Path) -> None:
    db, places = made
    runs = [["export", "--db", str(db)], ["export", "--models", "--format", "jsonl", "--db", str(db)],
            ["export", "--table", "documents", "--format", "json", "--db", str(db)]]
    for args in runs:  # the command itself
        out = dvk(*args)
        assert out.returncode == 0, (args, out.stderr)
        assert out.stdout.count("\n") >= 3 and not leaks(out.stdout, places), args
    docs = json.loads(out.stdout)
    assert all("path" in d and not (d["path"] or "").startswith("/") for d in docs)
    assert any(d["url"] for d in docs)  # the source URL where there is one
    database = open_db(db, readonly=True)  # and every table and view, as `dvk export --table` writes it
    try:
        names = database.table_names() + database.view_names()
        assert {"errors", "warc_records", "finding_evidence", "totals"} <= set(names)
        for name in names:
            cols, records = query(database, name)
            buf = io.StringIO()
            write(buf, records, "csv", columns=cols)
            assert buf.getvalue().count("\n") >= 1 and not leaks(buf.getvalue(), places), name
    finally:
        database.close()
    out = dvk("export", "--format", "parquet", "-o", str(tmp_path / "pq"), "--db", str(db))
    assert out.returncode == 0, out.stderr
    import pyarrow.parquet as pq

    for folder in (tmp_path / "pq").iterdir():
        text = json.dumps(pq.read_table(folder).to_pylist(), default=str, ensure_ascii=False)
        assert not leaks(text, places), folder.name


def test_no_datasette_page_shows_a_local_path(made: tuple[Path, list[str]]) -> None:
    db, places = made
    ds = datasette_app(db)

    async def pages() -> list[tuple[str, str]]:
        out = []
        tables = (await ds.client.get("/dvk.json")).json()
        names = [t["name"] for t in tables["tables"]] + [v["name"] for v in tables["views"]]
        assert "documents" in names and "totals" in names
        for name in names:
            for path in (f"/dvk/{name}", f"/dvk/{name}.json?_shape=array&_size=max"):
                r = await ds.client.get(path)
                assert r.status_code == 200, path
                out.append((path, r.text))
        for q in ("search?q=dan+van+kheo", "findings_with_evidence", "totals_by_province_and_year?metric="):
            out.append((q, (await ds.client.get(f"/dvk/{q}")).text))
        for page in ("/", "/dvk", "/-/databases", "/-/databases.json", "/-/metadata.json", "/-/settings.json"):
            r = await ds.client.get(page)
            assert r.status_code == 200, page
            out.append((page, r.text))
        listed = (await ds.client.get("/-/databases.json")).json()
        assert [d["name"] for d in listed] == ["dvk"] and all("path" not in d for d in listed)
        return out

    shown = asyncio.run(pages())
    assert len(shown) > 30
    for path, text in shown:
        assert not leaks(text, places), path
