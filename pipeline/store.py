"""The SQLite store (sqlite-utils): documents and their records, with evidence spans.

Tables: ``documents`` (one row per article, keyed by id, with its unique ``source_key`` — canonical
URL, ``file:<path under the input root>`` or ``stdin:<hash>``, README "Document identity" — and
content hash and extractor version),
``localities``, ``periods``, ``counts``, ``models``, ``model_localities``; every record row points
at its document (foreign keys on). Re-extracting a document replaces its records in one
transaction, and a document whose hash and extractor version are unchanged is left alone, so
running the same job twice gives the same database.

Full-text search on ``documents(title, text)`` uses ``unicode61 remove_diacritics 2``: a reader
typing without accents ("dan van kheo") finds "Dân vận khéo", and letters with two marks (ệ, ử)
fold like the others; "đ" stays distinct from "d" in the index (unicode61 does not fold it), and
the queries of dvk's Datasette plugin ask for both (``datasette_plugin.fts_query``).
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from extractors.records import Document

from .errors import DatabaseBusy, DatabaseMissing, NotDvkDatabase, StoreError

DEFAULT_DB = Path("data/dvk.db")
FTS_TOKENIZE = "unicode61 remove_diacritics 2"

_LOCALITY_COLS = {"name": str, "kind": str, "level": str, "province": str, "code": str}


#: ``PRAGMA application_id`` of every dvk database ("dvk" and 1), so that dvk knows its own files
APPLICATION_ID = 0x64766B01
#: ``PRAGMA user_version``: the schema this dvk writes. A database of an earlier dvk (a lower
#: version, or 0 from before versions) is brought forward by any writing command: the tables,
#: columns, indexes and triggers a new database has and it lacks are added (README "Database").
#: Version 3: no local paths in any table (``documents.path`` is the file's name under its input
#: root, ``path_hash`` tells two files of one name apart), and every count and model has its
#: sentence (``_to_v3`` fills in those stored without one, from the stored text and spans).
#: Version 4: the findings tables are part of the schema, and each article's own findings (the
#: checks within an article) are written with its records (``findings.document_id``); the
#: ``dvk_meta`` table says which version of those checks wrote them (``pipeline.check``).
SCHEMA_VERSION = 4
_HINT = "check --db, or create it with `dvk run` (or `dvk nightly`, `dvk crawl`)"


def open_db(path: Path | str = DEFAULT_DB, *, create: bool = True, readonly: bool = False
            ) -> sqlite_utils.Database:
    """Open the database with its schema, WAL and foreign keys on.

    ``create=False`` (``check``) refuses a path where no dvk database is, so a mistyped ``--db``
    is an error instead of a new empty database. ``readonly=True`` (``export``, ``serve``) opens
    an existing dvk database without writing anything to it (in a read-only folder too); an older
    schema is then a one-line error saying how to bring it forward. Any other SQLite file is
    refused, never written (``NotDvkDatabase``, exit 4); an empty file is taken as a new database."""
    if str(path) == ":memory:":
        db = sqlite_utils.Database(sqlite3.connect(":memory:"))
        db.execute("PRAGMA foreign_keys = ON")
        ensure_schema(db)
        return db
    path = Path(path)
    if not create or readonly:
        require_db(path)
    if readonly:
        return _open_readonly(path)
    if path.exists():
        _identify(path)  # another application's database is refused before anything is written
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=30)
        db = sqlite_utils.Database(conn)
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"made by a newer dvk (schema version {version}; this dvk knows up to "
                             f"{SCHEMA_VERSION})", path=str(path), hint="use that dvk, or another --db")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")  # with WAL: safe against a killed process
        earlier = bool(db.table_names())
        checked = "findings" in db.table_names()
        ensure_schema(db)
        if earlier and version < 3:
            _to_v3(db)
        if checked and version < 4:
            _to_v4(db)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("BEGIN IMMEDIATE")  # a read-only file fails here, not in the middle of a run
        db.execute("ROLLBACK")
    except (OSError, sqlite3.Error) as exc:
        raise _store_error(exc, path, "open") from exc
    return db


def _store_error(exc: Exception, path: Path, doing: str) -> StoreError:
    """One line for what stops dvk from opening or writing the database (exit 4)."""
    text = str(exc.strerror if isinstance(exc, OSError) and exc.strerror else exc)
    if "readonly" in text or "read-only" in text or "Permission denied" in text or "Read-only" in text:
        return StoreError(f"cannot {doing} the database for writing: {text}", path=str(path),
                          hint="the file or its folder is read-only: use a writable --db (export and serve "
                               "can read it where it is)")
    return StoreError(f"cannot {doing} the database: {text}", path=str(path),
                      hint="check the path and its permissions, or pass --db")


def _identify(path: Path) -> str:
    """``"dvk"`` (a dvk database, of any version) or ``"empty"`` (no tables: a new database), read
    without writing; another application's file raises ``NotDvkDatabase``."""
    try:
        conn = sqlite3.connect(f"file:{_uri_path(path)}?mode=ro", uri=True)
        try:
            try:
                app, tables, legacy = _probe(conn)
            except sqlite3.OperationalError:
                conn.close()  # a WAL database in a read-only folder: its -shm cannot be made
                conn = sqlite3.connect(f"file:{_uri_path(path)}?immutable=1", uri=True)
                app, tables, legacy = _probe(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc) or "malformed" in str(exc):
            raise NotDvkDatabase(f"not an SQLite database: {exc}", path=str(path), hint=_HINT) from exc
        raise _store_error(exc, path, "read") from exc
    if app == APPLICATION_ID:
        return "dvk"
    if app == 0 and not tables:
        return "empty"
    if app == 0 and legacy:  # made by a dvk of before application ids
        return "dvk"
    what = f"application id {app:#x}" if app else f"its tables: {', '.join(sorted(tables)[:5]) or 'none'}"
    raise NotDvkDatabase(f"not a dvk database ({what}); dvk does not write to it", path=str(path),
                         hint="check --db")


def _probe(conn: sqlite3.Connection) -> tuple[int, set[str], bool]:
    """The application id, the tables, and whether the tables are those of a dvk of before
    application ids: a ``documents`` table with dvk's ``id`` and ``text`` and either its
    ``extractor_version`` or a ``counts`` table pointing at it."""
    app = conn.execute("PRAGMA application_id").fetchone()[0]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def cols(table: str) -> set[str]:
        return {r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")} if table in tables else set()

    doc = cols("documents")
    legacy = {"id", "text"} <= doc and ("extractor_version" in doc or "document_id" in cols("counts"))
    return int(app), tables, legacy


def _uri_path(path: Path) -> str:
    from urllib.parse import quote

    return quote(str(path.absolute()))


def require_db(path: Path) -> None:
    """A dvk database exists at ``path`` (else ``DatabaseMissing``, exit 4), without creating one
    or writing to it; another application's SQLite file is ``NotDvkDatabase`` (exit 4)."""
    if not path.is_file():
        raise DatabaseMissing("no database here", path=str(path), hint=_HINT)
    if _identify(path) == "empty":
        raise DatabaseMissing("not a dvk database (an empty file)", path=str(path), hint=_HINT)


def _open_readonly(path: Path) -> sqlite_utils.Database:
    """A connection that cannot write: ``mode=ro``, or ``immutable=1`` where the folder is
    read-only (then no other process can be writing it either); the schema must be current."""
    conn: sqlite3.Connection | None = None
    try:
        for flags in ("mode=ro", "immutable=1"):
            conn = sqlite3.connect(f"file:{_uri_path(path)}?{flags}", uri=True)
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                break
            except sqlite3.OperationalError:
                conn.close()
                conn = None
                if flags == "immutable=1":
                    raise
    except sqlite3.Error as exc:
        raise _store_error(exc, path, "read") from exc
    assert conn is not None
    db = sqlite_utils.Database(conn)
    missing = missing_schema(db)
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if missing or version < 3:  # before 3: local paths and records without sentences, filled in by a writer
        lacks = (f", lacks {missing[0]}{' and more' if len(missing) > 1 else ''}" if missing
                 else ", with local paths or records without their sentence" if _v3_work(db) else "")
        raise StoreError(f"made by an older dvk (schema version {version}{lacks}); this dvk reads version "
                         f"{SCHEMA_VERSION}", path=str(path),
                         hint=f"bring it forward once with `dvk check --db {path}` (or any dvk run on it)")
    return db


def fresh_schema() -> dict[str, dict[str, str]]:
    """The tables (not virtual or FTS shadow tables) and columns with types of a new database."""
    global _FRESH
    if _FRESH is None:
        db = sqlite_utils.Database(sqlite3.connect(":memory:"))
        ensure_schema(db)
        _FRESH = _columns(db)
        _FRESH_SQL.extend(db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL "
                                     "ORDER BY rowid").fetchall())
        db.close()
    return _FRESH


_FRESH: dict[str, dict[str, str]] | None = None
_FRESH_SQL: list[tuple[str, str, str, str]] = []


def _columns(db: sqlite_utils.Database) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for name, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall():
        if (sql or "").upper().startswith("CREATE VIRTUAL") or name.startswith("documents_fts"):
            continue
        out[name] = {r[1]: r[2] for r in db.execute(f"PRAGMA table_info([{name}])")}
    return out


def missing_schema(db: sqlite_utils.Database) -> list[str]:
    """What the database lacks of this dvk's schema (``table`` or ``table.column``)."""
    have = _columns(db)
    out = []
    for table, cols in fresh_schema().items():
        if table not in have:
            out.append(f"table {table}")
        else:
            out += [f"column {table}.{c}" for c in cols if c not in have[table]]
    return out


def _migrate(db: sqlite_utils.Database) -> None:
    """Bring a database of an earlier dvk forward: the columns of this dvk's tables that it lacks
    are added (empty; the next run re-extracts its documents, whose extractor version is older),
    with document source keys filled in; missing tables, indexes and triggers follow in
    ``ensure_schema``."""
    fresh = fresh_schema()
    have = _columns(db)
    if "documents" in have and "source_key" not in have["documents"]:
        _add_source_keys(db)
        have = _columns(db)
    own = {(t, c) for t, coded in _LABELLED.items()  # added and filled in by _evidence_schema
           for c in [*_SENTENCE_COLS, *(f"{x}_vi" for x in coded)]}
    for table, cols in fresh.items():
        if table not in have:
            continue
        for col, typ in cols.items():
            if col not in have[table] and (table, col) not in own:
                db.execute(f"ALTER TABLE [{table}] ADD COLUMN [{col}] {typ}")


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create what is missing of the schema (all of it in a new database); an older database's
    tables get their missing columns first (``_migrate``)."""
    if db.table_names():
        _migrate(db)
    if "documents" not in db.table_names():
        db.table("documents").create({
            "id": str, "source_key": str, "url": str, "source": str, "title": str, "published": str,
            "path": str, "path_hash": str, "text": str, "content_hash": str, "extractor_version": str,
            "extracted_at": str,
        }, pk="id")
        db.table("documents").enable_fts(["title", "text"], tokenize=FTS_TOKENIZE, create_triggers=True)
    if "documents_fts" not in db.table_names():  # a database of an earlier version without search
        db.table("documents").enable_fts(["title", "text"], tokenize=FTS_TOKENIZE, create_triggers=True)
        db.table("documents").populate_fts(["title", "text"])
    db.execute("CREATE UNIQUE INDEX IF NOT EXISTS idx_documents_source_key ON documents(source_key)")
    fk = [("document_id", "documents", "id")]
    if "localities" not in db.table_names():
        db.table("localities").create({"id": int, "document_id": str, **_LOCALITY_COLS,
                                 "is_primary": int, "inferred": int}, pk="id", foreign_keys=fk)
    if "periods" not in db.table_names():
        db.table("periods").create({"id": int, "document_id": str, "start": str, "end": str,
                              "text": str}, pk="id", foreign_keys=fk)
    if "counts" not in db.table_names():
        db.table("counts").create({
            "id": int, "document_id": str, "value": int, "bound": str, "metric": str,
            "field": str, "field_text": str, "level": str, "holder": str,
            "locality_name": str, "locality_kind": str, "locality_level": str, "province": str,
            "locality_system": str, "period_start": str, "period_end": str,
            "text": str, "span_start": int, "span_end": int,
        }, pk="id", foreign_keys=fk)
    if "models" not in db.table_names():
        db.table("models").create({"id": int, "document_id": str, "name": str, "field": str,
                             "owners": str, "text": str, "span_start": int, "span_end": int},
                            pk="id", foreign_keys=fk)
    if "model_localities" not in db.table_names():
        db.table("model_localities").create({"id": int, "model_id": int, "document_id": str,
                                       **_LOCALITY_COLS},
                                      pk="id", foreign_keys=[("model_id", "models", "id"), *fk])
    _crawl_schema(db)
    _findings_schema(db)
    _evidence_schema(db)
    for table, cols in (("documents", ["content_hash"]), ("localities", ["document_id"]), ("localities", ["province"]),
                        ("periods", ["document_id"]), ("counts", ["document_id"]),
                        ("counts", ["province"]), ("counts", ["field"]), ("counts", ["metric"]),
                        ("counts", ["period_end"]), ("models", ["document_id"]),
                        ("models", ["field"]), ("model_localities", ["model_id"]),
                        ("model_localities", ["province"])):
        db.table(table).create_index(cols, if_not_exists=True)


# the sentence that holds each count's and model's evidence, the article's source URL, and
# Vietnamese labels beside the codes
_SENTENCE_COLS = {"sentence": str, "sentence_start": int, "sentence_end": int, "url": str}
_LABELLED = {"counts": ("field", "metric", "level", "holder", "bound"), "models": ("field",)}

# one figure per unit, metric, recognising level and date: the exact figure of the latest
# article first; ``reports`` is how many counts (in all articles) give a figure for it
TOTALS_VIEW = """
CREATE VIEW totals AS
WITH ranked AS (
  SELECT c.province, c.locality_level, c.locality_kind, c.locality_name, c.metric, c.metric_vi,
         c.level, c.level_vi, c.bound, c.bound_vi, c.value, c.period_start, c.period_end,
         substr(c.period_end, 1, 4) AS year, c.document_id, d.title, d.url, d.published,
         c.sentence, c.id AS count_id,
         row_number() OVER (PARTITION BY c.province, c.locality_level, c.locality_name, c.metric,
                            coalesce(c.level, ''), c.period_end
                            ORDER BY c.bound = 'exact' DESC, d.published DESC, c.document_id, c.id) AS rank,
         count(*) OVER (PARTITION BY c.province, c.locality_level, c.locality_name,
                        c.metric, coalesce(c.level, ''), c.period_end) AS reports
  FROM counts c JOIN documents d ON d.id = c.document_id
  WHERE c.field = 'all' AND c.holder IS NULL AND c.period_end IS NOT NULL AND c.locality_name IS NOT NULL
)
SELECT province, year, locality_level, locality_kind, locality_name, metric, metric_vi, level, level_vi,
       bound, bound_vi, value, period_start, period_end, reports, document_id, title, url, published,
       sentence, count_id
FROM ranked WHERE rank = 1
"""


def _findings_schema(db: sqlite_utils.Database) -> None:
    """The fact-check findings (``pipeline.check``): one row per finding, one row per number it
    quotes. A finding within one article names it in ``document_id`` and is written with the
    article's records; the findings across articles (``document_id`` NULL) are replaced by each
    check. ``dvk_meta`` holds what the database says of itself (the checks' version)."""
    names = db.table_names()
    if "findings" not in names:
        db.table("findings").create({"id": int, "kind": str, "kind_vi": str, "severity": str, "severity_vi": str,
                                     "message": str, "arithmetic": str, "documents": str, "evidence": str,
                                     "document_id": str}, pk="id")
    if "finding_evidence" not in names:
        db.table("finding_evidence").create({
            "id": int, "finding_id": int, "kind": str, "severity": str, "role": str, "role_vi": str,
            "value": int, "bound": str, "metric": str, "field": str, "holder": str, "document_id": str,
            "title": str, "url": str, "sentence": str, "text": str, "span_start": int, "span_end": int,
            "sentence_start": int, "sentence_end": int,
        }, pk="id", foreign_keys=[("finding_id", "findings", "id"), ("document_id", "documents", "id")])
    if "dvk_meta" not in names:
        db.table("dvk_meta").create({"key": str, "value": str}, pk="key")
        if not db.execute("SELECT 1 FROM documents LIMIT 1").fetchone():  # nothing checked yet: all current
            from .check import checks_version

            db.execute("INSERT INTO dvk_meta (key, value) VALUES ('checks_version', ?)", [checks_version()])
    for table, cols in (("findings", ["document_id"]), ("finding_evidence", ["finding_id"]),
                        ("finding_evidence", ["document_id"])):
        db.table(table).create_index(cols, if_not_exists=True)


def _evidence_schema(db: sqlite_utils.Database) -> None:
    """Columns added after the first version: sentences, URLs and labels (filled in for stored rows),
    and the ``totals`` view (always the current definition)."""
    from .labels import label

    for table, coded in _LABELLED.items():
        have = db.table(table).columns_dict
        new = {**_SENTENCE_COLS, **{f"{c}_vi": str for c in coded}}
        missing = [c for c in new if c not in have]
        for col in missing:
            db.table(table).add_column(col, new[col])
        if "url" in missing:  # the article's source URL on each of its rows
            db.execute(f"UPDATE [{table}] SET url = (SELECT d.url FROM documents d WHERE d.id = document_id)")
        for col in coded:
            if f"{col}_vi" in missing:
                for code, in db.execute(f"SELECT DISTINCT [{col}] FROM [{table}] WHERE [{col}] IS NOT NULL").fetchall():
                    db.execute(f"UPDATE [{table}] SET [{col}_vi] = ? WHERE [{col}] = ?", [label(col, code), code])
    row = db.execute("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = 'totals'").fetchone()
    if row is None or row[0].strip() != TOTALS_VIEW.strip():  # written only when it changes
        db.execute("DROP VIEW IF EXISTS totals")
        db.execute(TOTALS_VIEW.strip())
    db.conn.commit()


def default_title(title: str | None, text: str, doc_id: str) -> str:
    """The article's title, else the first line of its body (page chrome skipped; at most about
    100 characters, cut at a word), else its id: a document is never shown untitled."""
    if title and title.strip():
        return title.strip()
    from extractors.layout import body_lines
    from extractors.text import fold

    for span in body_lines(text, fold(text))[:1]:
        line = text[span.start:span.end].strip()
        return line if len(line) <= 100 else line[:100].rsplit(" ", 1)[0].rstrip(",;:-–") + " …"
    return doc_id


def _sentence(rec: Any) -> dict[str, Any]:
    s = getattr(rec, "sentence", None)
    return {"sentence": s.text if s else None, "sentence_start": s.start if s else None,
            "sentence_end": s.end if s else None}


def legacy_key(url: str | None, path: str | None, doc_id: str) -> str:
    """The source key of a document stored before keys existed (id = file stem)."""
    if url:
        return url
    if path and path != "-":
        p = Path(path)
        return f"file:{p.parent.name}/{p.name}" if p.parent.name else f"file:{p.name}"
    return f"id:{doc_id}"


def _add_source_keys(db: sqlite_utils.Database) -> None:
    """Give every document of an earlier database its source key (URL, or the file's folder and
    name); two documents that would share one keep keys of their own ids."""
    db.table("documents").add_column("source_key", str)
    seen: set[str] = set()
    for doc_id, url, path in db.execute("SELECT id, url, path FROM documents ORDER BY id").fetchall():
        key = legacy_key(url, path, doc_id)
        if key in seen:
            key = f"id:{doc_id}"
        seen.add(key)
        db.execute("UPDATE documents SET source_key = ? WHERE id = ?", [key, doc_id])
    db.conn.commit()


def path_digest(resolved: str) -> str:
    """What the database keeps of where a file lives: 16 hex digits of SHA-256 of its resolved
    path, enough to tell two files of one name apart, not a path."""
    import hashlib

    return hashlib.sha256(resolved.encode("utf-8")).hexdigest()[:16]


def public_source(where: str, source_key: str | None = None) -> str:
    """How a stored row names an input: its path under the input root (a ``file:`` source key),
    a URL or ``-`` as they are, else a local path's file name (never where it lives here)."""
    if source_key and source_key.startswith("file:"):
        return source_key[len("file:"):].split("#", 1)[0]
    if "://" in where or where == "-":
        return where
    return where.replace("\\", "/").rsplit("/", 1)[-1]


def _absolute(column: str) -> str:
    """SQL: the column holds an absolute local path (POSIX or Windows)."""
    return f"({column} LIKE '/%' OR {column} LIKE '_:\\%' OR {column} LIKE '\\\\%')"


def _v3_work(db: sqlite_utils.Database) -> bool:
    """Whether a database of before version 3 has anything ``_to_v3`` fills in or rewrites."""
    checks = [f"SELECT 1 FROM documents WHERE {_absolute('path')}"]
    checks += [f"SELECT 1 FROM [{t}] WHERE sentence IS NULL AND span_start IS NOT NULL" for t in ("counts", "models")
               if "sentence" in db.table(t).columns_dict]
    if "errors" in db.table_names():
        checks.append(f"SELECT 1 FROM errors WHERE {_absolute('source')}")
    if "warc_records" in db.table_names():
        checks.append(f"SELECT 1 FROM warc_records WHERE {_absolute('warc_file')}")
    return any(db.execute(q + " LIMIT 1").fetchone() for q in checks)


def _to_v3(db: sqlite_utils.Database) -> None:
    """Bring a database of before version 3 forward, once (by any writer): no local path in any
    table, and the sentence of every count and model stored without one, from the stored text
    and spans (``extractors.document.sentences_of``, what ``extract`` gives), so unchanged
    documents need no re-extraction; the fact-check findings are then re-run with them."""
    conn = db.conn
    with transaction(db):
        for doc_id, key, path in conn.execute(
                f"SELECT id, source_key, path FROM documents WHERE {_absolute('path')}").fetchall():
            digest = path_digest(path) if (key or "").startswith("file:") else None
            conn.execute("UPDATE documents SET path = ?, path_hash = ? WHERE id = ?",
                         [public_source(path, key), digest, doc_id])
        if "errors" in db.table_names():
            for rowid, source, reason in conn.execute(
                    f"SELECT rowid, source, reason FROM errors WHERE {_absolute('source')}").fetchall():
                shown = public_source(source)
                conn.execute("UPDATE errors SET source = ?, reason = ? WHERE rowid = ?",
                             [shown, (reason or "").replace(source, shown) or None, rowid])
        if "warc_records" in db.table_names():
            for doc_id, warc in conn.execute(
                    f"SELECT document_id, warc_file FROM warc_records WHERE {_absolute('warc_file')}").fetchall():
                conn.execute("UPDATE warc_records SET warc_file = ? WHERE document_id = ?",
                             [public_source(warc), doc_id])
    _fill_sentences(db)  # (the findings are found again with them by _to_v4, which follows)


def _to_v4(db: sqlite_utils.Database) -> None:
    """Bring the findings of a database of before version 4 forward, once (by any writer): they
    were all written by the last check, with no article named; they are found again, each
    article's with its ``document_id``, so no stale finding waits for a run that changes something."""
    from .check import run_checks_tally

    run_checks_tally(db)


def _fill_sentences(db: sqlite_utils.Database) -> int:
    """The sentences of the counts and models stored without one; how many were filled in."""
    from extractors.document import sentences_of

    conn = db.conn
    docs = [r[0] for r in conn.execute(
        "SELECT document_id FROM counts WHERE sentence IS NULL AND span_start IS NOT NULL UNION "
        "SELECT document_id FROM models WHERE sentence IS NULL AND span_start IS NOT NULL ORDER BY 1")]
    if not docs:
        return 0
    print(f"dvk: filling in the sentences of the records of {len(docs)} stored document(s), once",
          file=sys.stderr, flush=True)
    n = 0
    for doc_id in docs:
        text = conn.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()[0] or ""
        todo = [(t, i, a, b) for t in ("counts", "models") for i, a, b in conn.execute(
            f"SELECT id, span_start, span_end FROM [{t}] WHERE document_id = ? AND sentence IS NULL "
            "AND span_start IS NOT NULL ORDER BY id", [doc_id])]
        found = sentences_of(text, [(a, b) for _, _, a, b in todo])
        with transaction(db):
            for (table, rid, _, _), sent in zip(todo, found, strict=True):
                if sent is not None:
                    conn.execute(f"UPDATE [{table}] SET sentence = ?, sentence_start = ?, sentence_end = ? "
                                 "WHERE id = ?", [sent.text, sent.start, sent.end, rid])
                    n += 1
    return n


def _crawl_schema(db: sqlite_utils.Database) -> None:
    """The crawler's tables: the frontier, the fetched pages (raw HTML, zlib), the fetch log, runs."""
    names = set(db.table_names())
    if "frontier" not in names:
        db.table("frontier").create({
            "url": str, "host": str, "site": str, "depth": int, "kind": str, "status": str,
            "reason": str, "transient": int, "failures": int, "discovered_from": str,
            "discovered_at": str, "fetched_at": str, "run_id": int,
        }, pk="url")
        db.table("frontier").create_index(["status", "host"])
    if "pages" not in names:
        db.table("pages").create({
            "url": str, "final_url": str, "site": str, "status": int, "content_type": str,
            "charset": str, "etag": str, "last_modified": str, "fetched_at": str, "raw_zlib": bytes,
            "raw_sha256": str, "text_sha256": str, "doc_id": str, "is_article": int, "on_topic": int,
            "outcome": str, "reason": str, "duplicate_of": str, "canonical": str,
        }, pk="url")
        db.table("pages").create_index(["doc_id"])
        db.table("pages").create_index(["text_sha256"])
    if "fetch_log" not in names:
        db.table("fetch_log").create({
            "id": int, "run_id": int, "url": str, "started_at": str, "elapsed_ms": int, "status": int,
            "result": str, "reason": str, "bytes": int,
        }, pk="id")
    if "errors" not in names:
        db.table("errors").create({"id": int, "run_id": int, "source": str, "stage": str, "reason": str,
                                   "at": str}, pk="id")
    if "runs" not in names:
        db.table("runs").create({
            "id": int, "kind": str, "started_at": str, "ended_at": str, "status": str,
            "extractor_version": str, "counts": str, "note": str,
        }, pk="id")


_HELD: set[str] = set()  # lock files this process holds


@contextmanager
def db_lock(path: Path | str, *, share: bool = False) -> Iterator[None]:
    """One writer at a time: a lock file beside the database (released by the OS if the process dies).

    Readers such as Datasette are not blocked: WAL lets them read while a run writes. A hold
    taken with ``share=True`` is shared by the calls made inside it in this process (``dvk run``
    stores, then checks, in one hold): their own ``db_lock`` is that hold.
    """
    from filelock import FileLock, Timeout

    path = Path(path)
    name = os.path.abspath(str(path) + ".lock")
    if name in _HELD:  # a shared hold of this process
        yield
        return
    if path.exists():
        _identify(path)  # no lock file beside another application's database
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(name)
        lock.acquire(timeout=0)
    except Timeout as exc:
        raise DatabaseBusy("another dvk run is writing this database", path=str(path),
                           hint="wait for it to finish; the lock file is released when it stops") from exc
    except OSError as exc:
        raise _store_error(exc, path, "lock") from exc
    if share:
        _HELD.add(name)
    try:
        yield
    finally:
        _HELD.discard(name)
        lock.release()


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[None]:
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def stored_by_key(db: sqlite_utils.Database, key: str) -> tuple[str, str, str, str | None] | None:
    """(id, content hash, extractor version, path hash) of the document with this source key."""
    row = db.execute("SELECT id, content_hash, extractor_version, path_hash FROM documents WHERE source_key = ?",
                     [key]).fetchone()
    return (row[0], row[1], row[2], row[3]) if row else None


def stored_state(db: sqlite_utils.Database, doc_id: str) -> tuple[str, str] | None:
    row = db.execute("SELECT content_hash, extractor_version FROM documents WHERE id = ?",
                     [doc_id]).fetchone()
    return (row[0], row[1]) if row else None


def _d(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def save_document(db: sqlite_utils.Database, document: Document, *, text: str,
                  content_hash: str, extractor_version: str, source: str | None = None,
                  path: str | None = None, doc_id: str | None = None, key: str | None = None,
                  path_hash: str | None = None) -> None:
    """Insert or replace one document and all its records, atomically."""
    with transaction(db):
        write_document(db, document, text=text, content_hash=content_hash,
                       extractor_version=extractor_version, source=source, path=path, doc_id=doc_id, key=key,
                       path_hash=path_hash)


class OtherSource(sqlite3.IntegrityError):
    """A document would replace a stored document of another source."""


def write_document(db: sqlite_utils.Database, document: Document, *, text: str,
                   content_hash: str, extractor_version: str, source: str | None = None,
                   path: str | None = None, doc_id: str | None = None, key: str | None = None,
                   path_hash: str | None = None) -> None:
    """Like ``save_document`` but inside the caller's transaction.

    ``doc_id`` is the stored id (default: the record's ``doc``); ``key`` the source key that
    identifies the document (default: the stored one, else its URL, else ``id:<id>``). A row of
    this id with another source key is never replaced (``OtherSource``). ``path`` is what the
    rows show of the file (its name under the input root, never where it lives: an absolute path
    is stored as its name); ``path_hash`` (``path_digest`` of the resolved path) tells two files
    of one name apart."""
    if path and os.path.isabs(path):
        path = Path(path).name
    from .labels import label

    doc_id = doc_id or document.doc
    conn = db.conn
    stored = conn.execute("SELECT source_key FROM documents WHERE id = ?", [doc_id]).fetchone()
    if key is None:
        key = stored[0] if stored and stored[0] else document.url
        if key is None or (stored is None and conn.execute(
                "SELECT 1 FROM documents WHERE source_key = ?", [key]).fetchone() is not None):
            key = f"id:{doc_id}"  # the URL is another document's already: this one keeps its own
    elif stored is not None and stored[0] not in (None, key):
        raise OtherSource(f"document id {doc_id} is another source's ({stored[0]}), not {key}")
    if stored is not None:  # its earlier records go (model_localities through its index on model_id)
        conn.execute("DELETE FROM model_localities WHERE model_id IN "
                     "(SELECT id FROM models WHERE document_id = ?)", [doc_id])
        for table in ("localities", "periods", "counts", "models"):
            conn.execute(f"DELETE FROM [{table}] WHERE document_id = ?", [doc_id])
        conn.execute("DELETE FROM finding_evidence WHERE finding_id IN "  # its own findings (within it)
                     "(SELECT id FROM findings WHERE document_id = ?)", [doc_id])
        conn.execute("DELETE FROM findings WHERE document_id = ?", [doc_id])
    title = default_title(document.title, text, doc_id)
    _upsert(conn, "documents", {
        "id": doc_id, "source_key": key, "url": document.url, "source": source,
        "title": title,
        "published": _d(document.published), "path": path, "path_hash": path_hash, "text": text,
        "content_hash": content_hash, "extractor_version": extractor_version,
        "extracted_at": datetime.now(UTC).isoformat(timespec="seconds"),
    })
    _insert_all(conn, "localities", [{
        "document_id": doc_id, "name": loc.name, "kind": loc.kind, "level": loc.level,
        "province": loc.province, "code": loc.code, "is_primary": int(loc.primary),
        "inferred": int(loc.inferred)} for loc in document.localities])
    _insert_all(conn, "periods", [{"document_id": doc_id, "start": _d(p.start), "end": _d(p.end),
                                   "text": p.text} for p in document.periods])
    rows = count_rows(document, doc_id)
    _insert_all(conn, "counts", rows)
    from .check import write_article_findings

    write_article_findings(conn, doc_id, title, rows)
    model_localities = []
    for m in document.models:
        mid = _insert_one(conn, "models", {
            "document_id": doc_id, "name": m.name, "field": m.field,
            "owners": json.dumps(m.owners, ensure_ascii=False), "text": m.text,
            "span_start": m.start, "span_end": m.end, **_sentence(m), "field_vi": label("field", m.field),
            "url": document.url})
        model_localities += [{
            "model_id": mid, "document_id": doc_id, "name": loc.name, "kind": loc.kind,
            "level": loc.level, "province": loc.province, "code": loc.code} for loc in m.localities]
    _insert_all(conn, "model_localities", model_localities)


def count_rows(document: Document, doc_id: str) -> list[dict[str, Any]]:
    """The ``counts`` rows of a document, as stored (and as the checks within an article read them)."""
    from .labels import label

    return [{
        "document_id": doc_id, "value": c.value, "bound": c.bound, "metric": c.metric,
        "field": c.field, "field_text": c.field_text, "level": c.level, "holder": c.holder,
        "locality_name": c.locality.name if c.locality else None,
        "locality_kind": c.locality.kind if c.locality else None,
        "locality_level": c.locality.level if c.locality else None,
        "province": c.locality.province if c.locality else None,
        "locality_system": c.locality.system if c.locality else None,
        "period_start": _d(c.period.start), "period_end": _d(c.period.end),
        "text": c.text, "span_start": c.start, "span_end": c.end, **_sentence(c), "url": document.url,
        "field_vi": label("field", c.field), "metric_vi": label("metric", c.metric),
        "level_vi": label("level", c.level), "holder_vi": label("holder", c.holder),
        "bound_vi": label("bound", c.bound)} for c in document.counts]


# Rows go in through prepared statements on the connection (one ``executemany`` per table and
# document), not through sqlite-utils' per-call table introspection: the statement text is made
# once per table and column list. A row is a dict, so a new column is one more key.
_SQL: dict[tuple[str, str, tuple[str, ...]], str] = {}


def _sql(verb: str, table: str, cols: tuple[str, ...]) -> str:
    sql = _SQL.get((verb, table, cols))
    if sql is None:
        names = ", ".join(f"[{c}]" for c in cols)
        sql = f"INSERT INTO [{table}] ({names}) VALUES ({', '.join('?' * len(cols))})"
        if verb == "upsert":  # the row keeps its rowid, so the full-text index is updated, not duplicated
            sql += " ON CONFLICT(id) DO UPDATE SET " + ", ".join(f"[{c}] = excluded.[{c}]" for c in cols[1:])
        _SQL[(verb, table, cols)] = sql
    return sql


def _insert_all(conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.executemany(_sql("insert", table, tuple(rows[0])), [tuple(r.values()) for r in rows])


def _insert_one(conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> int:
    return int(conn.execute(_sql("insert", table, tuple(row)), tuple(row.values())).lastrowid or 0)


def _upsert(conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> None:
    """Insert the row, or update the stored row of its ``id`` (the first key)."""
    conn.execute(_sql("upsert", table, tuple(row)), tuple(row.values()))


def start_run(db: sqlite_utils.Database, kind: str, version: str) -> int:
    """A new ``runs`` row; a run of the same kind still marked running was killed: mark it so."""
    with transaction(db):
        db.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running' AND kind = ?", [kind])
        return int(db.table("runs").insert({"kind": kind, "started_at": now_iso(), "status": "running",
                                            "extractor_version": version}).last_pk or 0)


def finish_run(db: sqlite_utils.Database, run_id: int, counts: dict[str, int], status: str = "finished",
               note: str | None = None) -> None:
    with transaction(db):
        db.table("runs").update(run_id, {"ended_at": now_iso(), "status": status, "note": note,
                                         "counts": json.dumps(counts, sort_keys=True)})
