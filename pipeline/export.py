"""Exports for spreadsheets and notebooks: one flat row per count or per named model, any table,
or the result of an SQL query, as CSV, TSV, a JSON array or JSON Lines (optionally with a UTF-8
byte order mark, so Excel reads the Vietnamese right). An empty result still has its header."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterator
from typing import IO, Any

import sqlite_utils

from .errors import DvkError, UsageError

FLAT_COUNTS = """
SELECT c.document_id, d.title, d.url, d.published, d.source,
       c.value, c.bound, c.bound_vi, c.metric, c.metric_vi, c.field, c.field_vi, c.field_text,
       c.level, c.level_vi, c.holder, c.holder_vi,
       c.locality_kind, c.locality_name, c.locality_level, c.province,
       (SELECT l.code FROM localities l WHERE l.document_id = c.document_id
          AND l.name = c.locality_name AND l.level = c.locality_level LIMIT 1) AS locality_code,
       c.period_start, c.period_end, c.text AS evidence, c.span_start, c.span_end,
       c.sentence, c.sentence_start, c.sentence_end
FROM counts c JOIN documents d ON d.id = c.document_id
ORDER BY c.document_id, c.id
"""

# one row per named model: owners and units flattened to text ("; " between them); the province
# is the model's own units', else the article's primary unit's
FLAT_MODELS = """
SELECT m.document_id, d.title, d.url, d.published, d.source, m.name, m.field, m.field_vi,
       (SELECT group_concat(o.value, '; ') FROM json_each(m.owners) o) AS owners,
       (SELECT group_concat(ml.kind || ' ' || ml.name, '; ') FROM model_localities ml
          WHERE ml.model_id = m.id) AS localities,
       coalesce((SELECT ml.province FROM model_localities ml WHERE ml.model_id = m.id
                   AND ml.province IS NOT NULL ORDER BY ml.id LIMIT 1),
                (SELECT l.province FROM localities l WHERE l.document_id = m.document_id
                   AND l.is_primary = 1 LIMIT 1)) AS province,
       m.text AS evidence, m.span_start, m.span_end, m.sentence, m.sentence_start, m.sentence_end
FROM models m JOIN documents d ON d.id = m.document_id
ORDER BY m.document_id, m.id
"""

FLAT = {"counts": FLAT_COUNTS, "models": FLAT_MODELS}
FORMATS = ("csv", "tsv", "json", "jsonl")


def query(db: sqlite_utils.Database, table: str | None = None, *, sql: str | None = None,
          flat: str = "counts") -> tuple[list[str], Iterator[dict[str, Any]]]:
    """The column names and rows of a flat view (``counts``, ``models``), a table or a query."""
    if sql is not None:
        try:
            cur = db.execute(sql)
        except sqlite3.Error as exc:
            raise UsageError(f"the SQL query fails: {exc}", hint="check it, e.g. with sqlite3") from None
        if cur.description is None:
            raise UsageError("the SQL query returns no rows (not a SELECT)")
    elif table is None:
        cur = db.execute(FLAT[flat])
    else:
        if table not in db.table_names() + db.view_names():
            raise DvkError(f"no table {table!r}",
                           hint="choose one of " + ", ".join(db.table_names() + db.view_names()))
        cur = db.execute(f"SELECT * FROM [{table}]")
    cols = [c[0] for c in cur.description]
    return cols, (dict(zip(cols, r, strict=True)) for r in cur)


def rows(db: sqlite_utils.Database, table: str | None = None) -> Iterator[dict[str, Any]]:
    """The flat counts view, or every row of one table."""
    return query(db, table)[1]


def write(out: IO[str], records: Iterator[dict[str, Any]], fmt: str, *,
          columns: list[str] | None = None, bom: bool = False) -> int:
    """Write the records; ``columns`` gives CSV/TSV their header even when there is no row."""
    if fmt not in FORMATS:
        raise DvkError(f"unknown format {fmt!r}", hint="use " + ", ".join(FORMATS))
    if bom:
        out.write("\ufeff")
    n = 0
    if fmt == "jsonl":
        for r in records:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
            n += 1
        return n
    if fmt == "json":
        out.write("[")
        for r in records:
            out.write(("," if n else "") + "\n" + json.dumps(r, ensure_ascii=False))
            n += 1
        out.write("\n]\n" if n else "]\n")
        return n
    writer: csv.DictWriter[str] | None = None
    dialect = "excel-tab" if fmt == "tsv" else "excel"
    if columns is not None:
        writer = csv.DictWriter(out, fieldnames=columns, dialect=dialect)
        writer.writeheader()
    for r in records:
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(r), dialect=dialect)
            writer.writeheader()
        writer.writerow(r)
        n += 1
    return n
