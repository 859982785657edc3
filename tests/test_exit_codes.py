"""Every command's exit codes against the one table (``pipeline.errors.EXIT_CODES``, README
"Exit codes"), as a user meets them: real files, real databases, real sockets, real processes."""

from __future__ import annotations

import json
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.errors import EXIT_CODES
from pipeline.store import db_lock

from .conftest import CORPUS, ROOT

DVK = [sys.executable, "-m", "pipeline.cli"]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def dvk(*args: str, stdin: bytes | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*DVK, *args], capture_output=True, input=stdin, cwd=cwd, timeout=300)


def one_error_line(out: subprocess.CompletedProcess[bytes]) -> str:
    err = out.stderr.decode()
    assert err.count("\n") == 1 and err.startswith("dvk: error: "), err
    return err


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("codes") / "dvk.db"
    assert dvk("run", str(CORPUS), "--db", str(path)).returncode == 0
    return path


def test_the_readme_table_is_the_code_table() -> None:
    rows = dict(re.findall(r"^\| (\d) \| (.+?) \|$", README, re.M))
    assert {int(k) for k in rows} == set(EXIT_CODES)


def test_run_on_a_missing_input_is_unreadable_input(tmp_path: Path) -> None:
    out = dvk("run", str(tmp_path / "nonexist"), "--db", str(tmp_path / "x.db"))
    assert out.returncode == 3
    err = one_error_line(out)
    assert "nonexist" in err and "cannot read" in err


def test_run_with_a_bad_file_among_good_ones_stores_the_good_and_exits_3(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(next(CORPUS.glob("000_*.txt")), folder)
    (folder / "report.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    out = dvk("run", str(folder), "--db", str(tmp_path / "x.db"))
    assert out.returncode == 3
    conn = sqlite3.connect(tmp_path / "x.db")
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    assert "PDF" in conn.execute("SELECT reason FROM errors").fetchone()[0]


def test_extract_refuses_a_pdf_in_one_line_and_goes_on(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\nendobj\n\x00\x01")
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"GIF89a\x00\x00\x01\x02 13 m\xc3\xb4 h\xc3\xacnh")
    good = next(CORPUS.glob("002_*.txt"))
    out = dvk("extract", str(pdf), str(good), str(binary))
    assert out.returncode == 3
    assert len(out.stdout.splitlines()) == 1
    err = out.stderr.decode().splitlines()
    assert len(err) == 2
    assert "report.pdf" in err[0] and "PDF" in err[0] and "not an article" in err[0]
    assert "scan.txt" in err[1] and "binary" in err[1]
    piped = dvk("extract", "-", stdin=pdf.read_bytes())
    assert piped.returncode == 3 and "standard input is a PDF" in one_error_line(piped)


def test_html_on_standard_input_is_cleaned_as_html() -> None:
    page = next(CORPUS.glob("000_*.html")).read_bytes()
    piped = dvk("extract", "-", stdin=page)
    assert piped.returncode == 0, piped.stderr
    saved = dvk("extract", str(next(CORPUS.glob("000_*.html"))))
    a, b = json.loads(piped.stdout), json.loads(saved.stdout)
    assert a["doc"] == "stdin"
    assert a["counts"] and a["counts"] == b["counts"] and a["localities"] == b["localities"]
    assert "<" not in "".join(c["text"] for c in a["counts"])
    # a fragment without a doctype, as copied from a page
    fragment = ("<div class='content'><h1>Thạch Hà</h1><p>Đến nay, toàn huyện Thạch Hà có 12 mô hình "
                "“Dân vận khéo”.</p><ul class='related'><li><a href='/x'>Có 99 mô hình mới</a></li></ul>"
                "</div>").encode()
    out = dvk("extract", "-", stdin=fragment)
    assert out.returncode == 0, out.stderr
    obj = json.loads(out.stdout)
    assert [c["value"] for c in obj["counts"]] == [12]  # the related-news link is chrome, not a count
    assert obj["title"] == "Thạch Hà"
    # plain text stays plain text
    text = dvk("extract", "-", stdin="Toàn huyện có 12 mô hình <b>DVK</b> (a < b).".encode())
    assert [c["value"] for c in json.loads(text.stdout)["counts"]] == [12]


@pytest.mark.parametrize("command", [["check"], ["check", "--problems"], ["export"],
                                     ["export", "--table", "findings"], ["serve"]])
def test_a_missing_database_is_exit_4_and_none_is_created(command: list[str], tmp_path: Path) -> None:
    missing = tmp_path / "data" / "dvk-typo.db"
    out = dvk(*command, "--db", str(missing))
    assert out.returncode == 4
    err = one_error_line(out)
    assert str(missing) in err and "dvk run" in err
    assert not missing.exists() and not missing.parent.exists()


def test_a_file_that_is_no_dvk_database_is_exit_4(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    out = dvk("check", "--db", str(other))
    assert out.returncode == 4 and "not a dvk database" in one_error_line(out)
    notes = tmp_path / "notes.db"
    notes.write_text("not sqlite at all, just some notes " * 20)
    out = dvk("export", "--db", str(notes))
    assert out.returncode == 4
    one_error_line(out)


def test_commands_that_create_a_database_still_do(tmp_path: Path) -> None:
    new = tmp_path / "fresh" / "dvk.db"
    assert dvk("run", str(next(CORPUS.glob("000_*.txt"))), "--db", str(new)).returncode == 0
    assert new.exists()
    nightly = tmp_path / "n" / "dvk.db"
    assert dvk("nightly", "--no-crawl", "--input", str(next(CORPUS.glob("000_*.txt"))), "--db",
               str(nightly)).returncode == 0
    assert nightly.exists()


def test_check_takes_the_write_lock(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM findings")
    conn.commit()
    with db_lock(db):
        out = dvk("check", "--db", str(db))
        assert out.returncode == 6 and "another dvk run" in one_error_line(out)
        # nothing was written while the lock was held
        assert conn.execute("SELECT count(*) FROM findings").fetchone()[0] == 0
    assert dvk("check", "--db", str(db)).returncode == 0
    assert conn.execute("SELECT count(*) FROM findings").fetchone()[0] > 0
    conn.close()


def test_run_checks_under_the_lock_too(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "dvk.db"
    shutil.copy(db, copy)
    with db_lock(copy):
        assert dvk("run", str(CORPUS), "--db", str(copy)).returncode == 6


def test_a_finding_that_is_an_error_is_exit_1_for_check_and_run(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad.txt").write_text("Đến nay, huyện Thạch Hà có 100 mô hình “Dân vận khéo”, trong đó "
                                    "lĩnh vực kinh tế 70 mô hình, lĩnh vực văn hóa - xã hội 50 mô hình.",
                                    encoding="utf-8")
    db = tmp_path / "x.db"
    out = dvk("run", str(folder), "--db", str(db))
    assert out.returncode == 1, out.stdout.decode()
    assert dvk("check", "--db", str(db)).returncode == 1
    nightly = dvk("nightly", "--no-crawl", "--input", str(folder), "--db", str(db))
    assert nightly.returncode == 1 and b"findings that are errors: 1" in nightly.stdout
    # an unreadable input wins over a finding error
    (folder / "empty.txt").write_text("", encoding="utf-8")
    assert dvk("run", str(folder), "--db", str(db)).returncode == 3
    assert dvk("nightly", "--no-crawl", "--input", str(folder), "--db", str(db)).returncode == 3


def test_usage_errors_are_exit_2(db: Path) -> None:
    assert dvk("export", "--db", str(db), "--format", "xml").returncode == 2
    assert dvk("export", "--db", str(db), "--table", "nope").returncode == 2
    assert dvk("run", "--no-such-option").returncode == 2
    assert dvk("extract", "-", "--url", "https://a.vn/x", str(CORPUS)).returncode == 2


def test_export_to_an_unwritable_file_is_exit_3(db: Path, tmp_path: Path) -> None:
    out = dvk("export", "--db", str(db), "-o", str(tmp_path / "no" / "such" / "dir" / "x.csv"))
    assert out.returncode == 3 and "cannot write" in one_error_line(out)


def test_score_with_bad_predictions_is_exit_5(tmp_path: Path) -> None:
    pred = tmp_path / "pred.jsonl"
    pred.write_text("{not json\n", encoding="utf-8")
    out = dvk("score", "--pred", str(pred))
    assert out.returncode == 5
    one_error_line(out)


def test_serve_on_a_busy_port_is_exit_7(db: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        out = dvk("serve", "--db", str(db), "--port", str(port))
    assert out.returncode == 7
    assert f"127.0.0.1:{port}" in one_error_line(out)


def test_crawl_that_fetches_nothing_is_exit_7(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on: every request is refused
        s.bind(("127.0.0.9", 0))
        port = s.getsockname()[1]
    sources = tmp_path / "sources.toml"
    sources.write_text("[crawler]\ndelay = 0\nretries = 0\ntimeout = 0.5\ncontact = \"test@example.org\"\n",
                       encoding="utf-8")
    out = dvk("crawl", f"http://127.0.0.9:{port}/", "--sources", str(sources), "--db", str(tmp_path / "c.db"))
    assert out.returncode == 7, out.stdout.decode() + out.stderr.decode()


def test_run_holds_the_lock_from_storing_to_the_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No other writer between ``dvk run``'s documents and its findings: a writer started while
    the run checks (its documents stored) is refused, so the lock is not released in between."""
    from typer.testing import CliRunner

    from pipeline import check, store
    from pipeline.cli import app

    db = tmp_path / "dvk.db"
    seen: list[int] = []
    real = check.run_checks_tally

    def probing(database, **options):  # type: ignore[no-untyped-def]
        seen.append(dvk("check", "--db", str(db)).returncode)  # another process, meanwhile
        return real(database, **options)

    monkeypatch.setattr(check, "run_checks_tally", probing)
    result = CliRunner().invoke(app, ["run", str(CORPUS), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert seen == [6]
    assert not store._HELD  # the shared hold ends with the run
    assert dvk("check", "--db", str(db)).returncode == 0
