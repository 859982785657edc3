from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from pipeline.errors import DvkError
from pipeline.export import rows, write
from pipeline.run import run
from pipeline.store import open_db


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = Path(tmp_path_factory.mktemp("exp")) / "dvk.db"
    run(None, path)
    return open_db(path)


def test_flat_counts_csv(db) -> None:  # type: ignore[no-untyped-def]
    buf = io.StringIO()
    n = write(buf, rows(db), "csv")
    table = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert n == len(table) == db.table("counts").count
    row = next(r for r in table if r["value"] == "4365")
    assert row["province"] == "Hòa Bình" and row["period_end"] == "2023-11-30"
    assert row["locality_code"] == "17" and row["evidence"].startswith("4.365")


def test_table_as_jsonl(db) -> None:  # type: ignore[no-untyped-def]
    buf = io.StringIO()
    write(buf, rows(db, "localities"), "jsonl")
    lines = [json.loads(x) for x in buf.getvalue().splitlines()]
    assert len(lines) == db.table("localities").count and "code" in lines[0]


def test_unknown_table_and_format(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DvkError, match="no table"):
        list(rows(db, "nope"))
    with pytest.raises(DvkError, match="unknown format"):
        write(io.StringIO(), rows(db), "xml")
