"""``dvk export --format parquet``: every record table, partitioned by the document's province,
read back equal to the SQLite rows."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

from pipeline.parquet import PARTITION, TABLES, read_table
from pipeline.run import run

from .conftest import CORPUS, ROOT
from .warcdata import corpus_pages, make_warc


def dvk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, cwd=ROOT)


def test_parquet_holds_every_table_row_for_row(tmp_path: Path) -> None:
    make_warc(tmp_path / "a.warc.gz", corpus_pages()[:2])
    db = tmp_path / "dvk.db"
    run([CORPUS, tmp_path / "a.warc.gz"], db)
    out = dvk("export", "--format", "parquet", "-o", str(tmp_path / "pq"), "--db", str(db))
    assert out.returncode == 0, out.stderr
    conn = sqlite3.connect(db)
    primary = dict(conn.execute("SELECT document_id, province FROM localities WHERE is_primary = 1"))
    for table in TABLES:
        cur = conn.execute(f"SELECT * FROM [{table}]")
        cols = [c[0] for c in cur.description]
        want = sorted(cur.fetchall(), key=repr)
        assert want, table
        got = read_table(tmp_path / "pq" / table)
        assert sorted(got.select(cols).to_pylist(), key=lambda r: repr(tuple(r.values()))) == \
            [dict(zip(cols, r, strict=True)) for r in want], table
        doc_col = "id" if table == "documents" else "document_id"
        assert all(r[PARTITION] == primary.get(r[doc_col]) for r in got.to_pylist()), table
    dirs = {p.name for p in (tmp_path / "pq" / "counts").iterdir()}
    assert len(dirs) == len({v for v in primary.values()}) and all(d.startswith(f"{PARTITION}=") for d in dirs)
    # a plain pyarrow (or pandas, DuckDB, Spark) reader sees the partition column too
    assert set(pq.read_table(tmp_path / "pq" / "documents").column(PARTITION).to_pylist()) == set(primary.values())


def test_parquet_needs_a_new_folder(tmp_path: Path) -> None:
    db = tmp_path / "dvk.db"
    run([sorted(CORPUS.glob("*.txt"))[0]], db)
    out = dvk("export", "--format", "parquet", "--db", str(db))
    assert out.returncode == 2 and "-o DIR" in out.stderr
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    out = dvk("export", "--format", "parquet", "-o", str(tmp_path / "full"), "--db", str(db))
    assert out.returncode == 2 and "not an empty folder" in out.stderr and out.stderr.count("\n") == 1
    out = dvk("export", "--format", "parquet", "--table", "counts", "-o", str(tmp_path / "one"), "--db", str(db))
    assert out.returncode == 0 and [p.name for p in (tmp_path / "one").iterdir()] == ["counts"]
