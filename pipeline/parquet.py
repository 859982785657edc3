"""``dvk export --format parquet``: the dataset as Parquet for DuckDB, Spark or pandas.

One folder per record table (``documents``, ``localities``, ``periods``, ``counts``, ``models``,
``model_localities`` and, when web archives were read, ``warc_records``), each partitioned
Hive-style by the province of the row's document (``doc_province=H%C3%B2a%20B%C3%ACnh/part-00000-0.parquet``:
the value URI-encoded, as pyarrow writes and reads it; ``__HIVE_DEFAULT_PARTITION__`` when the
document has no primary locality), so all records of one
document sit in one partition and a query on one province reads only its files. Column types
follow the SQLite schema; rows are written in primary-key order, in batches (memory stays flat).

pyarrow is imported here only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlite_utils

from .errors import InputError, UsageError

TABLES = ("documents", "localities", "periods", "counts", "models", "model_localities", "warc_records")
PARTITION = "doc_province"
BATCH_ROWS = 10_000

_DOC_PROVINCE = """(SELECT l.province FROM localities l WHERE l.document_id = {doc} AND l.is_primary = 1
                    ORDER BY l.id LIMIT 1)"""


def _arrow_type(declared: str) -> Any:
    import pyarrow as pa

    t = declared.upper()
    if "INT" in t:
        return pa.int64()
    if any(k in t for k in ("REAL", "FLOA", "DOUB")):
        return pa.float64()
    if "BLOB" in t:
        return pa.binary()
    return pa.string()


def _query(db: sqlite_utils.Database, table: str) -> tuple[str, list[tuple[str, str]]]:
    cols = [(r[1], r[2]) for r in db.execute(f"PRAGMA table_info([{table}])")]
    names = [c for c, _ in cols]
    doc = "t.id" if table == "documents" else "t.document_id"
    order = "t.id" if "id" in names else "t.document_id"
    select = ", ".join(f"t.[{c}]" for c in names)
    return (f"SELECT {select}, {_DOC_PROVINCE.format(doc=doc)} AS {PARTITION} FROM [{table}] t ORDER BY {order}",
            cols)


def _batches(db: sqlite_utils.Database, sql: str, schema: Any) -> Iterator[Any]:
    import pyarrow as pa

    cur = db.execute(sql)
    while rows := cur.fetchmany(BATCH_ROWS):
        columns = list(zip(*rows, strict=True))
        yield pa.RecordBatch.from_arrays([pa.array(col, type=f.type) for col, f in zip(columns, schema, strict=True)],
                                         schema=schema)


def export_parquet(db: sqlite_utils.Database, out: Path, tables: tuple[str, ...] | None = None) -> dict[str, int]:
    """Write the tables under ``out`` (a new or empty folder); returns the rows written per table."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(f"{out} is not an empty folder", hint="Parquet goes into a new folder: pass -o DIR")
    present = [t for t in (tables or TABLES) if t in db.table_names()]
    if tables and len(present) != len(tables):
        missing = sorted(set(tables) - set(present))
        raise UsageError(f"no table {', '.join(missing)}", hint="choose among " + ", ".join(TABLES))
    written: dict[str, int] = {}
    try:
        out.mkdir(parents=True, exist_ok=True)
        for table in present:
            sql, cols = _query(db, table)
            schema = pa.schema([(c, _arrow_type(t)) for c, t in cols] + [(PARTITION, pa.string())])
            partitioning = ds.HivePartitioning(pa.schema([(PARTITION, pa.string())]))
            n = 0
            for k, batch in enumerate(_batches(db, sql, schema)):  # pyarrow reads an iterator in
                n += batch.num_rows                                 # another thread: one call each
                ds.write_dataset(batch, out / table, schema=schema, format="parquet", partitioning=partitioning,
                                 basename_template=f"part-{k:05d}-{{i}}.parquet", use_threads=False,
                                 existing_data_behavior="overwrite_or_ignore")
            if n == 0:  # an empty table still has its schema on disk
                import pyarrow.parquet as pq

                (out / table).mkdir(exist_ok=True)
                pq.write_table(schema.empty_table(), out / table / "part-00000-0.parquet")
            written[table] = n
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", path=str(out)) from exc
    return written


def read_table(folder: Path) -> Any:
    """One exported table back as a pyarrow Table (the partition column included)."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    partitioning = ds.HivePartitioning(pa.schema([(PARTITION, pa.string())]))
    return ds.dataset(folder, format="parquet", partitioning=partitioning).to_table()
