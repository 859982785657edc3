"""Dask as the engine under the one processing path: the same database as a local run, also
when a worker process is killed in the middle of a task."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.synthetic import iter_pages
from bench.warcs import write_warc
from pipeline.cluster import DaskEngine
from pipeline.run import Outcome, input_items, process, run
from pipeline.sources import load_registry
from pipeline.store import open_db

from .conftest import CORPUS, ROOT
from .test_run_store import TABLES, dump
from .warcdata import make_warc

ALL = (*TABLES, "warc_records")


def full_dump(db: Path) -> dict[str, list[tuple]]:
    import sqlite3

    out = dump(db)
    conn = sqlite3.connect(db)
    out["warc_records"] = sorted(conn.execute("SELECT * FROM warc_records"), key=repr)
    out["errors"] = sorted(conn.execute("SELECT source, stage, reason FROM errors"), key=repr)
    conn.close()
    return out


def synthetic_warc(path: Path, n: int) -> Path:
    write_warc(path, [(f"https://tin{i % 7}.example.vn/bai/{i}.html", page.encode("utf-8"))
                      for i, page in enumerate(iter_pages(n, seed=16))], seed=16)
    return path


def test_dask_local_cluster_gives_the_database_of_a_local_run(tmp_path: Path) -> None:
    make_warc(tmp_path / "a.warc.gz")
    inputs = [CORPUS, tmp_path / "a.warc.gz"]
    run(inputs, tmp_path / "local.db", workers=2)
    result = run(inputs, tmp_path / "dask.db", dask="local:2")
    assert result.counts()["new"] == 10 and not result.failed
    assert full_dump(tmp_path / "dask.db") == full_dump(tmp_path / "local.db")


def test_a_killed_worker_loses_nothing_and_stores_nothing_twice(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker process of a LocalCluster is killed (SIGKILL) while it runs a task; Dask re-runs
    the task elsewhere and the database equals a clean local run's."""
    monkeypatch.setattr("pipeline.run.BATCH", 8)  # more, shorter tasks: the kill falls inside one
    warc = synthetic_warc(tmp_path / "synthetic.warc.gz", 56)
    registry = load_registry()
    run([warc], tmp_path / "clean.db")
    engine = DaskEngine("local:2", registry, in_flight_per_worker=2)
    killed: list[tuple[str, int]] = []

    def kill_a_busy_worker(outcomes: list[Outcome]) -> None:
        if killed:
            return
        busy = {w: keys for w, keys in engine.client.processing().items() if keys}
        if not busy:
            return  # every task of this moment already done: try at the next batch
        pids = engine.worker_pids()
        victim = sorted(busy)[0]
        os.kill(pids[victim], signal.SIGKILL)
        killed.append((victim, len(busy[victim])))

    db = open_db(tmp_path / "dask.db")
    try:
        result = process(db, input_items(db, [warc], registry=registry), registry=registry, engine=engine,
                         on_batch=kill_a_busy_worker)
    finally:
        engine.close()
        db.close()
    assert killed and killed[0][1] >= 1, "no worker was busy when one was killed"
    assert result.counts()["new"] == 56 and not result.failed
    assert full_dump(tmp_path / "dask.db") == full_dump(tmp_path / "clean.db")


def test_bad_dask_spec_is_a_usage_error(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(CORPUS), "--db", str(tmp_path / "x.db"),
                          "--dask", "local:zero"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 2 and "local:N" in out.stderr and out.stderr.count("\n") == 1
    out = subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(CORPUS), "--db", str(tmp_path / "x.db"),
                          "--dask", "local:2", "--workers", "2"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 2 and "choose one" in out.stderr and out.stderr.count("\n") == 1


def test_unreachable_scheduler_is_a_network_error(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:  # a port where nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(CORPUS), "--db", str(tmp_path / "x.db"),
                          "--dask", f"tcp://127.0.0.1:{port}"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 7, out.stderr
    assert "Dask scheduler" in out.stderr and out.stderr.count("\n") == 1
    assert time.monotonic() - t0 < 30


def test_a_worker_with_another_extractor_version_stores_nothing(tmp_path: Path) -> None:
    from pipeline.run import Item

    engine = DaskEngine("local:1", load_registry())
    try:
        page = sorted(CORPUS.glob("*.txt"))[0]
        done = engine.submit([Item(key=str(page), doc=page.stem)], "0.0.0+other").result()
    finally:
        engine.close()
    assert [d.outcome.status for d in done] == ["failed"] and done[0].document is None
    assert "extractor version" in (done[0].outcome.error or "")
