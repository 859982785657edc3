"""What ``dvk run`` prints: a table per document for a person (a terminal, a small run), counts
otherwise, and a run result that keeps nothing per document when asked not to."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pipeline.check import Finding
from pipeline.run import run
from pipeline.summary import SUMMARY_ROWS, console, print_run_findings, print_run_summary

from .conftest import CORPUS, ROOT

DVK = [sys.executable, "-m", "pipeline.cli"]


def on_terminal(*args: str) -> str:
    """Run dvk with its standard output on a pseudo-terminal; what it printed."""
    main, sub = os.openpty()
    env = {**os.environ, "COLUMNS": "140", "TERM": "xterm"}
    proc = subprocess.Popen([*DVK, *args], stdout=sub, stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
    os.close(sub)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the other side closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=300)
    os.close(main)
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_small_run_on_a_terminal_shows_each_document(tmp_path: Path) -> None:
    out = on_terminal("run", str(CORPUS), "--db", str(tmp_path / "t.db"))
    docs = [p.stem for p in sorted(CORPUS.glob("*.txt"))]
    assert "primary locality" in out and all(d in out for d in docs), out
    assert "fact-check findings" in out  # the findings' table too


def test_a_run_read_by_a_program_gets_counts_only(tmp_path: Path) -> None:
    out = subprocess.run([*DVK, "run", str(CORPUS), "--db", str(tmp_path / "t.db")], capture_output=True,
                         cwd=ROOT, timeout=300, text=True)
    assert out.returncode == 0
    assert "primary locality" not in out.stdout
    n = len(list(CORPUS.glob("*.txt")))
    assert f"new: {n}" in out.stdout
    assert "findings: " in out.stdout and "fact-check findings" not in out.stdout


def test_the_table_on_request_and_counts_beyond(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    result = run([CORPUS], db, keep=2)
    n = len(list(CORPUS.glob("*.txt")))
    assert len(result.outcomes) == 2 and result.total == n and result.counts()["new"] == n
    with console.capture() as cap:
        print_run_summary(result, db, table=True)
    text = cap.get()
    assert result.outcomes[0].doc in text and result.outcomes[1].doc in text
    with console.capture() as cap:
        print_run_summary(result, db)  # not a terminal: no table
    assert result.outcomes[0].doc not in cap.get() and f"new: {n}" in cap.get()


def test_many_findings_are_counted_and_the_problems_listed() -> None:
    findings = [Finding("field_breakdown", "ok", "fine", "1 = 1", [f"d{i}"]) for i in range(SUMMARY_ROWS)]
    findings += [Finding("stock_backwards", "warning", f"falls {i}", "1 < 2", [f"w{i}"]) for i in range(12)]
    with console.capture() as cap:
        print_run_findings(findings)
    text = cap.get()
    assert f"findings: {SUMMARY_ROWS + 12} (ok {SUMMARY_ROWS}, warning 12, error 0)" in text
    assert "stock_backwards warning: 12" in text
    assert "falls 9" in text and "falls 10" not in text and "… and 2 more" in text
