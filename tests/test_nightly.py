"""The nightly job against real SQLite files and real processes (kill -9 included)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.synthetic import generate
from pipeline.errors import DatabaseBusy
from pipeline.nightly import nightly
from pipeline.run import run
from pipeline.sources import load_registry
from pipeline.store import db_lock

from .conftest import CORPUS

RECORD_TABLES = ("documents", "localities", "periods", "counts", "models", "model_localities")
DVK = [sys.executable, "-m", "pipeline.cli"]


def records(db: Path) -> dict[str, list[tuple]]:
    """Every record, without row ids and timestamps (which differ between equal runs)."""
    conn = sqlite3.connect(db)
    out = {}
    for t in RECORD_TABLES:
        cols = [r[1] for r in conn.execute(f"PRAGMA table_info([{t}])")
                if r[1] not in ("id", "model_id", "extracted_at")]
        rows = conn.execute(f"SELECT {', '.join(f'[{c}]' for c in cols)} FROM [{t}]").fetchall()
        out[t] = sorted(rows, key=repr)
    conn.close()
    return out


def model_links(db: Path) -> list[tuple]:
    """model_localities joined to their model, so that links are compared, not row ids."""
    conn = sqlite3.connect(db)
    rows = conn.execute("""SELECT m.document_id, m.name, m.span_start, ml.name, ml.kind FROM model_localities ml
                           JOIN models m ON m.id = ml.model_id""").fetchall()
    conn.close()
    return sorted(rows, key=repr)


# documents in the synthetic corpus: enough that a run killed after half of them is still running
# (the store commits in batches; a faster pipeline needs a larger corpus to be caught mid-run)
N_DOCS = 300

@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synth")
    generate(N_DOCS, folder, seed=7)
    (folder / "broken.html").write_bytes(b"")  # one bad document among the good ones
    return folder


def test_output_is_the_same_for_any_number_of_workers(synth: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    r1 = run([synth], one, workers=1)
    r2 = run([synth], two, workers=2)
    assert [(o.path, o.status) for o in r1.outcomes] == [(o.path, o.status) for o in r2.outcomes]
    assert records(one) == records(two)
    assert model_links(one) == model_links(two)
    assert len(records(one)["documents"]) == N_DOCS


def test_one_bad_document_is_an_error_row_and_the_run_goes_on(synth: Path, tmp_path: Path) -> None:
    db = tmp_path / "dvk.db"
    result = nightly(db, load_registry(), inputs=[synth], workers=2, crawl=False)
    assert result.counts()["documents_new"] == N_DOCS
    assert [e[1] for e in result.errors] == [str(synth / "broken.html")]
    conn = sqlite3.connect(db)
    errors = conn.execute("SELECT run_id, source, stage, reason FROM errors").fetchall()
    # the errors table names it under its folder, not where it lives (README "The database")
    assert errors == [(result.run_id, f"{synth.name}/broken.html", "extract", errors[0][3])]
    assert str(synth) not in errors[0][3]
    assert "empty" in errors[0][3]
    run_row = conn.execute("SELECT kind, status, ended_at, counts FROM runs WHERE id = ?", [result.run_id]).fetchone()
    assert run_row[:2] == ("nightly", "finished") and run_row[2]
    assert f'"documents_new": {N_DOCS}' in run_row[3]


def test_nightly_twice_on_the_corpus_is_a_no_op(tmp_path: Path) -> None:
    db = tmp_path / "dvk.db"
    first = nightly(db, load_registry(), crawl=False)
    assert [o.status for o in first.files] == ["new"] * 5
    before = records(db)
    second = nightly(db, load_registry(), crawl=False)
    assert [o.status for o in second.files] == ["unchanged"] * 5
    assert not second.changed and not second.errors
    assert records(db) == before


def test_a_second_writer_is_refused_while_readers_go_on(tmp_path: Path) -> None:
    db = tmp_path / "dvk.db"
    run([CORPUS], db)
    with db_lock(db), pytest.raises(DatabaseBusy, match="another dvk run"):
        run([CORPUS], db)
    # the command line says so in one line and exits 6
    with db_lock(db):
        proc = subprocess.run([*DVK, "run", str(CORPUS), "--db", str(db)], capture_output=True, text=True)
        reader = sqlite3.connect(db)
        assert reader.execute("SELECT count(*) FROM documents").fetchone()[0] == 5
        reader.close()
    assert proc.returncode == 6
    assert proc.stderr.startswith("dvk: error:") and "another dvk run" in proc.stderr


def test_killed_at_any_moment_the_next_run_finishes_the_work(synth: Path, tmp_path: Path) -> None:
    reference = tmp_path / "reference.db"
    run([synth], reference, workers=2)
    expected = records(reference)

    db = tmp_path / "killed.db"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    kills = 0
    for wanted in (N_DOCS // 5, N_DOCS // 2):  # kill twice, each time once some documents are stored
        proc = subprocess.Popen([*DVK, "nightly", "--no-crawl", "--input", str(synth), "--db", str(db),
                                 "--workers", "2"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if db.exists():
                try:
                    conn = sqlite3.connect(db, timeout=1)
                    stored = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
                    conn.close()
                except sqlite3.OperationalError:
                    stored = 0
                if stored >= wanted:
                    os.killpg(proc.pid, signal.SIGKILL)
                    kills += 1
                    break
            time.sleep(0.02)
        proc.wait()
    assert kills == 2, "the run finished before it could be killed; make the corpus larger"
    conn = sqlite3.connect(db)
    stored = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert N_DOCS // 2 <= stored < N_DOCS
    assert conn.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone()[0] == 1
    conn.close()

    result = nightly(db, load_registry(), inputs=[synth], workers=2, crawl=False)
    statuses = {o.status for o in result.files}
    assert statuses == {"new", "unchanged", "failed"}
    assert records(db) == expected
    assert model_links(db) == model_links(reference)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    # the killed runs are marked as such
    assert conn.execute("SELECT count(*) FROM runs WHERE status = 'interrupted'").fetchone()[0] == 2
    conn.close()
