"""Exports for spreadsheets and notebooks: one flat row per count (or any table) as CSV or JSONL."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import IO, Any

import sqlite_utils

from .errors import DvkError

FLAT_COUNTS = """
SELECT c.document_id, d.url, d.title, d.published, d.source,
       c.value, c.bound, c.metric, c.field, c.field_text, c.level, c.holder,
       c.locality_kind, c.locality_name, c.locality_level, c.province,
       (SELECT l.code FROM localities l WHERE l.document_id = c.document_id
          AND l.name = c.locality_name AND l.level = c.locality_level LIMIT 1) AS locality_code,
       c.period_start, c.period_end, c.text AS evidence, c.span_start, c.span_end
FROM counts c JOIN documents d ON d.id = c.document_id
ORDER BY c.document_id, c.id
"""


def rows(db: sqlite_utils.Database, table: str | None = None) -> Iterator[dict[str, Any]]:
    """The flat counts view, or every row of one table."""
    if table is None:
        cur = db.execute(FLAT_COUNTS)
    else:
        if table not in db.table_names():
            raise DvkError(f"no table {table!r}", hint="choose one of " + ", ".join(db.table_names()))
        cur = db.execute(f"SELECT * FROM [{table}]")
    cols = [c[0] for c in cur.description]
    for r in cur:
        yield dict(zip(cols, r, strict=True))


def write(out: IO[str], records: Iterator[dict[str, Any]], fmt: str) -> int:
    n = 0
    if fmt == "jsonl":
        for r in records:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
            n += 1
        return n
    if fmt != "csv":
        raise DvkError(f"unknown format {fmt!r}", hint="use csv or jsonl")
    writer: csv.DictWriter[str] | None = None
    for r in records:
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(r))
            writer.writeheader()
        writer.writerow(r)
        n += 1
    return n
