"""The dvk command as a user runs it (a real subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import CORPUS, ROOT

DVK = [sys.executable, "-m", "pipeline.cli"]


def dvk(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*DVK, *args], capture_output=True, text=True, input=stdin, cwd=ROOT,
                          timeout=300)


def test_extract_prints_one_spec_line_per_document() -> None:
    files = sorted(str(p) for p in CORPUS.glob("*.txt"))
    out = dvk("extract", *files)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 5
    for line in lines:
        obj = json.loads(line)
        assert list(obj) == ["doc", "url", "title", "published", "localities", "periods",
                             "counts", "models"]
    first = json.loads(lines[1])
    assert first["published"] == "2024-01-04"
    assert {"value", "bound", "metric", "field", "field_text", "level", "holder", "locality",
            "period", "text", "start", "end"} == set(first["counts"][0])


def test_extract_reports_unreadable_file_and_goes_on(tmp_path: Path) -> None:
    good = next(CORPUS.glob("002_*.txt"))
    missing = tmp_path / "missing.txt"
    out = dvk("extract", str(missing), str(good))
    assert out.returncode != 0
    assert len(out.stdout.splitlines()) == 1
    err = out.stderr.strip().splitlines()
    assert len(err) == 1 and "missing.txt" in err[0]


def test_extract_reads_standard_input() -> None:
    out = dvk("extract", "-", stdin="Đến nay, toàn huyện Thạch Hà có 12 mô hình “Dân vận khéo”.")
    assert out.returncode == 0, out.stderr
    obj = json.loads(out.stdout)
    assert obj["doc"] == "stdin"
    assert [c["value"] for c in obj["counts"]] == [12]


def test_help_does_not_import_heavy_libraries() -> None:
    code = ("import sys, pipeline.cli; "
            "heavy = [m for m in ('underthesea', 'spacy', 'bs4', 'sqlite_utils') if m in sys.modules]; "
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
    assert dvk("--help").returncode == 0


def test_bad_gold_dir_is_one_line_error(tmp_path: Path) -> None:
    out = dvk("score", "--gold", str(tmp_path))
    assert out.returncode == 5
    assert out.stderr.count("\n") == 1 and "no gold files" in out.stderr


def test_run_reports_its_timings_for_the_benchmark(tmp_path: Path) -> None:
    """``DVK_TIMINGS=FILE`` (bench/bench.py reads it): the job's and the tail's seconds, peak memory,
    and the CPU of the main process and of its workers apart (what limits the second worker)."""
    timings = tmp_path / "t.json"
    out = subprocess.run([*DVK, "run", str(CORPUS), "--db", str(tmp_path / "x.db"), "--workers", "2"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300,
                         env={**os.environ, "DVK_TIMINGS": str(timings)})
    assert out.returncode in (0, 1), out.stderr
    got = json.loads(timings.read_text())
    assert set(got) >= {"job_s", "tail_s", "peak_main_mb", "peak_worker_mb", "cpu_main_s", "cpu_workers_s"}
    assert got["cpu_main_s"] > 0 and got["cpu_workers_s"] > 0  # two workers did the extraction
    assert got["peak_worker_mb"] > 0
