"""The store's write path (prepared statements, one ``executemany`` per table): re-extracting
replaces a document's records without leaving any behind, and the full-text index stays whole."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pipeline.run import run
from pipeline.store import open_db

from .conftest import CORPUS

TABLES = ("documents", "localities", "periods", "counts", "models", "model_localities")


def rows(db_path: Path) -> dict[str, int]:
    conn = sqlite3.connect(db_path)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        conn.close()


def test_a_forced_rerun_replaces_every_record(tmp_path: Path) -> None:
    db = tmp_path / "dvk.db"
    run([CORPUS], db)
    once = rows(db)
    assert all(once.values()), once  # every table has rows, so the comparison below means something
    run([CORPUS], db, force=True)
    run([CORPUS], db, force=True)
    assert rows(db) == once
    conn = sqlite3.connect(db)
    try:
        conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")
        orphans = conn.execute("SELECT count(*) FROM model_localities ml LEFT JOIN models m ON m.id = "
                               "ml.model_id WHERE m.id IS NULL OR m.document_id != ml.document_id").fetchone()[0]
        assert orphans == 0
        n_docs = conn.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'dan van kheo'"
                              ).fetchone()[0]
        assert n_docs == once["documents"]
    finally:
        conn.close()


def test_an_updated_document_is_found_by_its_new_text_only(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    article = folder / "a.txt"
    article.write_text("Huyện Can Lộc có 120 mô hình “Dân vận khéo” về trồng cam.\n", encoding="utf-8")
    db = tmp_path / "dvk.db"
    run([folder], db)
    article.write_text("Huyện Can Lộc có 121 mô hình “Dân vận khéo” về nuôi ong.\n", encoding="utf-8")
    assert [o.status for o in run([folder], db).outcomes] == ["changed"]
    database = open_db(db)
    try:
        def found(word: str) -> int:
            return int(database.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?",
                                        [word]).fetchone()[0])
        assert found("ong") == 1 and found("cam") == 0
        assert [r[0] for r in database.execute("SELECT value FROM counts")] == [121]
    finally:
        database.close()
