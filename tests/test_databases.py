"""Databases dvk did not make, could not write or made long ago: another application's SQLite
file is never written (read or write commands), a mistyped path creates nothing, a read-only file
or folder is one line and exit 4 where writing is needed while ``export`` still reads it, and a
database of an older schema is brought forward (``PRAGMA user_version``)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from pipeline.store import APPLICATION_ID, SCHEMA_VERSION, missing_schema, open_db

from .unprivileged import ROOT, dvk, permissions_bite

CORPUS = ROOT / "corpus"
ARTICLE = next(CORPUS.glob("000_*.txt"))
OTHER = next(CORPUS.glob("002_*.txt"))
needs_permissions = pytest.mark.skipif(not permissions_bite(), reason="file permissions cannot be enforced here")


def one_line(out: object) -> str:
    err = out.stderr  # type: ignore[attr-defined]
    assert err.count("\n") == 1 and err.startswith("dvk: error: "), err
    return str(err)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def other_app(tmp_path: Path) -> Path:
    path = tmp_path / "notes.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('a note')")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("command", [["export"], ["check"], ["serve", "--port", "1"], ["run", str(ARTICLE)],
                                     ["crawl", "http://127.0.0.1:9/"]])
def test_another_applications_database_is_refused_and_left_as_it_was(other_app: Path, command: list[str]) -> None:
    before, files = digest(other_app), listing(other_app.parent)
    out = dvk(*command, "--db", str(other_app))
    assert out.returncode == 4
    assert "not a dvk database" in one_line(out)
    assert digest(other_app) == before and listing(other_app.parent) == files  # no -wal, -shm or lock


def test_a_database_of_another_application_with_a_documents_table_is_not_taken(tmp_path: Path) -> None:
    path = tmp_path / "cms.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE documents (id TEXT, body TEXT)")
    conn.commit()
    conn.close()
    out = dvk("export", "--db", str(path))
    assert out.returncode == 4 and "not a dvk database" in one_line(out)


@pytest.mark.parametrize("command", [["export"], ["check"], ["serve", "--port", "1"]])
def test_a_mistyped_path_creates_nothing(tmp_path: Path, command: list[str]) -> None:
    out = dvk(*command, "--db", str(tmp_path / "dtaa" / "dvk.db"))
    assert out.returncode == 4 and "no database here" in one_line(out)
    assert listing(tmp_path) == []


def test_an_empty_file_is_not_a_database_to_read_but_one_to_fill(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    path.touch()
    out = dvk("export", "--db", str(path))
    assert out.returncode == 4 and path.stat().st_size == 0
    db = open_db(path)
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()


@needs_permissions
def test_a_read_only_folder_is_read_by_export_and_refused_in_one_line_by_writers(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    db = folder / "dvk.db"
    assert dvk("run", str(ARTICLE), "--db", str(db)).returncode in (0, 1)
    expected = dvk("export", "--format", "jsonl", "--db", str(db)).stdout
    assert expected.count("\n") > 3
    for extra in folder.glob("dvk.db?*"):  # as a finished run leaves it: no -wal, no -shm, no lock
        extra.unlink()
    files, before = listing(folder), digest(db)
    folder.chmod(0o555)
    try:
        out = dvk("export", "--format", "jsonl", "--db", str(db))
        assert out.returncode == 0, out.stderr
        assert out.stdout == expected
        for command in (["run", str(OTHER)], ["check"]):
            out = dvk(*command, "--db", str(db))
            assert out.returncode == 4, (command, out.stderr)
            assert "read-only" in one_line(out) or "Permission denied" in out.stderr
        assert listing(folder) == files and digest(db) == before
    finally:
        folder.chmod(0o755)


@needs_permissions
def test_a_read_only_database_file_is_refused_in_one_line_and_still_exported(tmp_path: Path) -> None:
    db = tmp_path / "dvk.db"
    assert dvk("run", str(ARTICLE), "--db", str(db)).returncode in (0, 1)
    db.chmod(0o444)
    try:
        out = dvk("run", str(OTHER), "--db", str(db))
        assert out.returncode == 4 and "read-only" in one_line(out)
        out = dvk("export", "--db", str(db))
        assert out.returncode == 0 and out.stdout.count("\n") > 3
    finally:
        db.chmod(0o644)


# --- older schemas ---------------------------------------------------------------------------------
def first_schema(path: Path) -> None:
    """The schema of dvk's first commit (9cbc5ad): no source keys, no locality systems, no crawler
    tables, no schema version; one document with a count in it."""
    db = sqlite_utils.Database(path)
    db.table("documents").create({"id": str, "url": str, "source": str, "title": str, "published": str,
                                  "path": str, "text": str, "content_hash": str, "extractor_version": str,
                                  "extracted_at": str}, pk="id")
    db.table("documents").enable_fts(["title", "text"], tokenize="unicode61 remove_diacritics 2",
                                     create_triggers=True)
    fk = [("document_id", "documents", "id")]
    loc = {"name": str, "kind": str, "level": str, "province": str, "code": str}
    db.table("localities").create({"id": int, "document_id": str, **loc, "is_primary": int, "inferred": int},
                                  pk="id", foreign_keys=fk)
    db.table("periods").create({"id": int, "document_id": str, "start": str, "end": str, "text": str},
                               pk="id", foreign_keys=fk)
    db.table("counts").create({"id": int, "document_id": str, "value": int, "bound": str, "metric": str,
                               "field": str, "field_text": str, "level": str, "holder": str,
                               "locality_name": str, "locality_kind": str, "locality_level": str,
                               "province": str, "period_start": str, "period_end": str, "text": str,
                               "span_start": int, "span_end": int}, pk="id", foreign_keys=fk)
    db.table("models").create({"id": int, "document_id": str, "name": str, "field": str, "owners": str,
                               "text": str, "span_start": int, "span_end": int}, pk="id", foreign_keys=fk)
    db.table("model_localities").create({"id": int, "model_id": int, "document_id": str, **loc}, pk="id",
                                        foreign_keys=[("model_id", "models", "id"), *fk])
    db.table("documents").insert({"id": "cu", "url": None, "source": None, "title": "Bài cũ",
                                  "published": "2023-05-01", "path": "corpus/cu.txt",
                                  "text": "Xã có 7 mô hình dân vận khéo.", "content_hash": "x",
                                  "extractor_version": "0.0.1", "extracted_at": "2023-05-02T00:00:00+00:00"})
    db.table("counts").insert({"document_id": "cu", "value": 7, "metric": "models", "text": "7 mô hình",
                               "span_start": 6, "span_end": 15})
    db.close()


def hand_made_schema(path: Path) -> None:
    """An older database still: documents without content hashes, counts without holders."""
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE documents (id TEXT PRIMARY KEY, url TEXT, title TEXT, published TEXT, path TEXT, text TEXT);
        CREATE TABLE counts (id INTEGER PRIMARY KEY, document_id TEXT REFERENCES documents(id), value INTEGER,
                             metric TEXT, text TEXT, span_start INTEGER, span_end INTEGER);
        INSERT INTO documents VALUES ('cu', NULL, 'Bài cũ', '2023-05-01', 'cu.txt', 'Xã có 7 mô hình dân vận khéo.');
        INSERT INTO counts (document_id, value, metric, text, span_start, span_end)
            VALUES ('cu', 7, 'models', '7 mô hình', 6, 15);
    """)
    conn.close()


@pytest.mark.parametrize("make", [first_schema, hand_made_schema])
def test_export_of_an_older_schema_says_what_to_run_and_writes_nothing(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "old.db"
    make(path)
    before, files = digest(path), listing(tmp_path)
    out = dvk("export", "--db", str(path))
    assert out.returncode == 4
    err = one_line(out)
    assert "older dvk" in err and f"dvk check --db {path}" in err
    assert digest(path) == before and listing(tmp_path) == files


@pytest.mark.parametrize("make", [first_schema, hand_made_schema])
def test_an_older_schema_is_brought_forward_and_keeps_its_rows(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "old.db"
    make(path)
    out = dvk("check", "--db", str(path))
    assert out.returncode in (0, 1), out.stderr
    db = sqlite_utils.Database(path)
    assert missing_schema(db) == []
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("SELECT source_key FROM documents WHERE id = 'cu'").fetchone()[0] == "file:corpus/cu.txt" \
        or make is hand_made_schema
    db.close()
    out = dvk("export", "--format", "jsonl", "--db", str(path))
    assert out.returncode == 0, out.stderr
    assert '"value": 7' in out.stdout and '"holder": null' in out.stdout
    out = dvk("run", str(ARTICLE), "--db", str(path))  # a writer on the migrated database
    assert out.returncode in (0, 1), out.stderr
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
    assert conn.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'dan van kheo'"
                        ).fetchone()[0] == 2  # search covers the old document too
    conn.close()


def test_a_writer_brings_an_older_schema_forward_itself(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    hand_made_schema(path)
    out = dvk("run", str(ARTICLE), "--db", str(path))
    assert out.returncode in (0, 1), out.stderr
    assert missing_schema(sqlite_utils.Database(path)) == []


def test_a_database_of_a_newer_dvk_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "dvk.db"
    open_db(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    out = dvk("run", str(ARTICLE), "--db", str(path))
    assert out.returncode == 4 and "newer dvk" in one_line(out)


# --- version 2 -> 3: local paths out, sentences in, without re-extracting ---------------------------
def version_2(path: Path, *, sentence_columns: bool) -> dict[str, list[tuple[object, ...]]]:
    """A database as dvk of schema version 2 left it, made from the corpus: documents with the
    resolved path of their file and no path hash, an error naming an absolute path, and counts and
    models without sentences (without the columns, as before the sentences existed, or with them
    empty, as version 2 brought such a database forward). Returns the sentences a run gives."""
    from pipeline.check import run_checks
    from pipeline.run import run

    run([CORPUS, ROOT / "tests" / "no-such-file.txt"], path)
    db = open_db(path)
    run_checks(db)
    db.close()
    conn = sqlite3.connect(path)
    want = {t: conn.execute(f"SELECT id, sentence, sentence_start, sentence_end FROM {t} ORDER BY id").fetchall()
            for t in ("counts", "models")}
    conn.execute("DROP VIEW totals")
    conn.execute("ALTER TABLE documents DROP COLUMN path_hash")
    for doc_id, rel in conn.execute("SELECT id, path FROM documents").fetchall():
        conn.execute("UPDATE documents SET path = ? WHERE id = ?", [str((ROOT / rel).resolve()), doc_id])
    absolute = str((ROOT / "tests" / "no-such-file.txt").resolve())
    conn.execute("UPDATE errors SET source = ?, reason = ? || ': cannot read'", [absolute, absolute])
    conn.execute("UPDATE finding_evidence SET sentence = text")  # checked when there were no sentences
    for table in ("counts", "models"):
        for col in ("sentence", "sentence_start", "sentence_end"):
            if sentence_columns:
                conn.execute(f"UPDATE {table} SET {col} = NULL")
            else:
                conn.execute(f"ALTER TABLE {table} DROP COLUMN {col}")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    return want


@pytest.mark.parametrize("sentence_columns", [False, True])
def test_a_version_2_database_gets_its_sentences_and_loses_its_local_paths(tmp_path: Path,
                                                                           sentence_columns: bool) -> None:
    path = tmp_path / "v2.db"
    want = version_2(path, sentence_columns=sentence_columns)
    assert all(want.values()) and all(r[1] for rows in want.values() for r in rows)
    out = dvk("export", "--db", str(path))  # a reader says what to run, and writes nothing
    assert out.returncode == 4 and "older dvk (schema version 2" in one_line(out)
    assert f"dvk check --db {path}" in one_line(out)
    out = dvk("check", "--db", str(path))
    assert out.returncode in (0, 1), out.stderr
    assert "filling in the sentences of the records of 5 stored document(s), once" in out.stderr
    conn = sqlite3.connect(path)
    got = {t: conn.execute(f"SELECT id, sentence, sentence_start, sentence_end FROM {t} ORDER BY id").fetchall()
           for t in ("counts", "models")}
    assert got == want  # the sentences extraction gives, from the stored text and spans
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    paths = conn.execute("SELECT path, path_hash, source_key FROM documents ORDER BY id").fetchall()
    assert all(p == key.removeprefix("file:") and h and len(h) == 16 for p, h, key in paths), paths
    assert conn.execute("SELECT source, reason FROM errors").fetchall() == [
        ("no-such-file.txt", "no-such-file.txt: cannot read")]
    evidence = conn.execute("SELECT count(*), count(sentence != text OR NULL) FROM finding_evidence").fetchone()
    assert evidence[0] and evidence[1]  # the findings re-run: their evidence quotes whole sentences
    conn.close()
    out = dvk("run", str(CORPUS), "--db", str(path), "--json", "--quiet")  # nothing to re-extract
    assert out.returncode == 0, out.stderr
    assert '"unchanged": 5' in out.stdout and "filling in" not in out.stderr
    assert dvk("export", "--db", str(path)).returncode == 0
