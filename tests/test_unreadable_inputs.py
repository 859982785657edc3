"""An unreadable file or subfolder is one bad input among good ones: one line on standard error,
exit 3, the other inputs processed (and, for run and nightly, a row in the errors table)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from .unprivileged import ROOT, dvk, permissions_bite

pytestmark = pytest.mark.skipif(not permissions_bite(), reason="file permissions cannot be enforced here")

CORPUS = ROOT / "corpus"


@pytest.fixture
def inputs(tmp_path: Path) -> Iterator[Path]:
    """in/ with a good article, a locked article and a locked subfolder holding a third article;
    beside it locked.txt, a locked file to name on the command line."""
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(next(CORPUS.glob("000_*.txt")), folder / "good.txt")
    shutil.copy(next(CORPUS.glob("001_*.txt")), folder / "locked-inside.txt")
    shutil.copy(next(CORPUS.glob("002_*.txt")), folder / "sub" / "hidden.txt")
    shutil.copy(next(CORPUS.glob("003_*.txt")), tmp_path / "locked.txt")
    for p in (folder / "locked-inside.txt", tmp_path / "locked.txt", folder / "sub"):
        p.chmod(0)
    try:
        yield folder
    finally:
        for p in (folder / "locked-inside.txt", tmp_path / "locked.txt", folder / "sub"):
            p.chmod(0o755)


def errors(out: object) -> list[str]:
    """The error lines on standard error (run and nightly also log progress there)."""
    stderr = out.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in stderr and "╭" not in stderr, stderr
    return [line for line in stderr.splitlines() if line.startswith("dvk: error: ")]


def test_extract_reports_an_unreadable_file_and_prints_the_others(inputs: Path) -> None:
    out = dvk("extract", str(inputs.parent / "locked.txt"), str(inputs / "good.txt"))
    assert out.returncode == 3
    (err,) = errors(out)
    assert "locked.txt" in err and "Permission denied" in err
    assert [json.loads(line)["doc"] for line in out.stdout.splitlines()] == ["good"]


def test_extract_reports_an_unreadable_subfolder(inputs: Path) -> None:
    out = dvk("extract", str(inputs))
    assert out.returncode == 3
    err = errors(out)
    assert len(err) == 2
    assert any("locked-inside.txt" in e for e in err)
    assert any(e.startswith(f"dvk: error: {inputs / 'sub'}: cannot read the folder") for e in err)
    assert [json.loads(line)["doc"] for line in out.stdout.splitlines()] == ["good"]


def test_run_stores_the_readable_and_records_the_rest(inputs: Path) -> None:
    db = inputs.parent / "dvk.db"
    out = dvk("run", str(inputs.parent / "locked.txt"), str(inputs), "--db", str(db))
    assert out.returncode == 3, out.stderr
    assert "Traceback" not in out.stderr and "╭" not in out.stderr
    err = errors(out)
    assert len(err) == 3
    conn = sqlite3.connect(db)
    assert [r[0] for r in conn.execute("SELECT path FROM documents")] == ["in/good.txt"]
    reasons = sorted(r[0] for r in conn.execute("SELECT reason FROM errors"))
    conn.close()
    assert len(reasons) == 3
    assert sum("cannot read the folder" in r for r in reasons) == 1
    assert sum("cannot read: Permission denied" in r for r in reasons) == 2


def test_nightly_goes_on_past_an_unreadable_input(inputs: Path) -> None:
    db = inputs.parent / "dvk.db"
    out = dvk("nightly", "--no-crawl", "--input", str(inputs.parent / "locked.txt"), "--input", str(inputs),
              "--db", str(db))
    assert out.returncode == 3, out.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM errors").fetchone()[0] == 3
    conn.close()
