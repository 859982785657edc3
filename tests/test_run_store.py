"""The main job against real SQLite files."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from pipeline.run import run

from .conftest import CORPUS

TABLES = ("documents", "localities", "periods", "counts", "models", "model_localities")


def dump(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    out = {}
    for t in TABLES:
        cols = [r[1] for r in conn.execute(f"PRAGMA table_info([{t}])") if r[1] != "extracted_at"]
        out[t] = sorted(conn.execute(f"SELECT {', '.join(f'[{c}]' for c in cols)} FROM [{t}]"),
                        key=repr)
    conn.close()
    return out


def test_run_stores_all_five_documents(tmp_path: Path) -> None:
    db = tmp_path / "dvk.db"
    result = run(None, db)
    assert [o.status for o in result.outcomes] == ["new"] * 5
    data = dump(db)
    assert len(data["documents"]) == 5
    assert len(data["counts"]) > 20
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'dan van kheo'"
                        ).fetchone()[0] == 5


def test_second_run_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "dvk.db"
    run(None, db)
    before = dump(db)
    conn = sqlite3.connect(db)
    stamps = conn.execute("SELECT id, extracted_at FROM documents ORDER BY id").fetchall()
    conn.close()
    result = run(None, db)
    assert {o.status for o in result.outcomes} == {"unchanged"}
    assert dump(db) == before
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT id, extracted_at FROM documents ORDER BY id").fetchall() == stamps


def test_changed_document_replaces_its_records(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    src = next(CORPUS.glob("002_*.txt"))
    target = folder / src.name
    shutil.copy(src, target)
    db = tmp_path / "dvk.db"
    run([folder], db)
    n_before = len(dump(db)["counts"])
    target.write_text(target.read_text(encoding="utf-8").replace("138 mô hình", "139 mô hình"),
                      encoding="utf-8")
    result = run([folder], db)
    assert [o.status for o in result.outcomes] == ["changed"]
    counts = dump(db)["counts"]
    assert len(counts) == n_before
    assert any(139 in row for row in counts) and not any(138 in row for row in counts)


def test_bad_document_does_not_stop_the_batch(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(next(CORPUS.glob("000_*.txt")), folder)
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "latin1.txt").write_bytes("Toàn tỉnh có 12 mô hình".encode("cp1258", errors="ignore") + b"\xe0")
    shutil.copy(next(CORPUS.glob("004_*.txt")), folder / "zz.txt")
    db = tmp_path / "dvk.db"
    result = run([folder], db)
    statuses = {Path(o.path).name: o.status for o in result.outcomes}
    assert statuses["empty.txt"] == "failed" and statuses["latin1.txt"] == "failed"
    assert sum(s == "new" for s in statuses.values()) == 2
    assert len(dump(db)["documents"]) == 2
    assert "UTF-8" in next(o.error for o in result.outcomes if o.path.endswith("latin1.txt"))
