"""The main process of ``dvk run`` keeps nothing per document (issue 15, "peak RSS flat"): the
input list and the run's source keys and ids are on disk (``pipeline.scratch``), in the order and
with the answers the lists and dicts gave, and the findings are counted, not kept
(``run_checks_tally``), the tables and what is printed the same."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tracemalloc
from pathlib import Path

import pytest

from bench.synthetic import generate
from pipeline.check import FindingTally, run_checks, run_checks_tally
from pipeline.cli import run_json
from pipeline.documents import expand
from pipeline.extracting import count_documents, documents_of, iter_rooted_documents, rooted_documents
from pipeline.run import file_items, run
from pipeline.scratch import Scratch, ScratchMap
from pipeline.store import open_db
from pipeline.summary import SUMMARY_ROWS, console, print_run_findings


def reference_rooted_documents(paths: list[Path]) -> list[tuple[Path, str]]:
    """What ``rooted_documents`` gave before it kept its list on disk (its code of main, 2e56f23)."""
    files: list[tuple[Path, str]] = []
    for p in paths:
        if str(p) != "-" and p.is_dir():
            root = Path(os.path.abspath(p)).name
            files += [(q, f"{root}/{q.relative_to(p).as_posix()}") for q in expand([p])]
        elif str(p) == "-":
            files.append((p, "-"))
        else:
            files.append((p, f"{Path(os.path.abspath(p)).parent.name}/{p.name}".lstrip("/")))
    stems_with_txt = {p.with_suffix("") for p, _ in files if p.suffix.lower() == ".txt"}
    return [(p, rel) for p, rel in files
            if p.suffix.lower() == ".txt" or str(p) == "-" or p.with_suffix("") not in stems_with_txt]


def _touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x", encoding="utf-8")


def test_the_input_list_on_disk_is_the_list_in_memory(tmp_path: Path) -> None:
    top = tmp_path / "in"
    # names whose order part by part differs from the order of the whole path's text ("a/…" after
    # "a-c/…" as text, before it as parts), an .html beside its .txt (left out) and without one,
    # upper case, Vietnamese in NFC and NFD, a dotted name, and a name that is not UTF-8
    for rel in ("a/b.txt", "a-c/x.txt", "ab.txt", "a/z/y.html", "a/z/y.txt", "a/z/w.html", "B.txt",
                "Đà Nẵng.txt", "Ðà.txt", "e\u0301.htm", "é.txt", "..txt", "k.HTML", "k.Txt",
                "deep/er/and/deeper/n.html", "a\x01b.txt", "a/\x01.txt", "skip.md"):
        _touch(top / rel)
    _touch(Path(os.fsdecode(bytes(top) + b"/caf\xe9.txt")))
    other = tmp_path / "more"
    _touch(other / "q.html")
    _touch(other / "q.txt")
    single = tmp_path / "single.html"
    _touch(single)
    twin = top / "ab.html"  # a file argument whose .txt is in a folder argument
    _touch(twin)
    for args in ([top], [top, other], [single, top, Path("-"), twin, other], [twin, single], [other, other]):
        want = reference_rooted_documents(args)
        got = list(iter_rooted_documents(args))
        assert [(str(p), r) for p, r in got] == [(str(p), r) for p, r in want]
        assert got == want and rooted_documents(args) == want
        assert documents_of(args) == [p for p, _ in want] and count_documents(args) == len(want)
    assert any("caf" in r for _, r in rooted_documents([top]))  # the name that is not UTF-8, kept


def test_a_scratch_map_answers_as_a_dict(tmp_path: Path) -> None:
    scratch = Scratch()
    try:
        m, d = ScratchMap(scratch), {}
        other = ScratchMap(scratch)
        for k, v in [("file:a", "/x/a"), ("file:b", "-"), ("file:a", "/y/a"), ("caf\udce9", "v\udce9"),
                     ("", ""), ("https://tin.vn/a", "/x")]:
            m[k], d[k] = v, v
        for k in [*d, "missing", "file:"]:
            assert (k in m) == (k in d) and m.get(k) == d.get(k) and k not in other
        assert len(m) == len(d) and m["file:a"] == "/y/a"
        with pytest.raises(KeyError):
            m["missing"]
    finally:
        scratch.close()


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database of 200 synthetic articles (more findings than a table shows, and problems)."""
    tmp = tmp_path_factory.mktemp("tally")
    generate(200, tmp / "txt", seed=200, kind="txt")
    db = tmp / "run.db"
    run([tmp / "txt"], db)
    return db


def _rows(db: Path, table: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT * FROM [{table}] ORDER BY id").fetchall()
    finally:
        conn.close()


def test_the_tally_writes_the_same_tables_and_prints_the_same(checked: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    shutil.copy(checked, a)
    shutil.copy(checked, b)
    database = open_db(a)
    findings = run_checks(database, evidence=False)
    database.close()
    database = open_db(b)
    tally = run_checks_tally(database, keep=SUMMARY_ROWS)
    database.close()
    assert len(findings) > SUMMARY_ROWS and sum(f.severity != "ok" for f in findings) > 10
    for table in ("findings", "finding_evidence"):
        assert _rows(a, table) == _rows(b, table) and _rows(a, table)
    assert tally == FindingTally.of(findings, keep=SUMMARY_ROWS)
    assert tally.total == len(findings) and not tally.complete
    assert tally.first == findings[:SUMMARY_ROWS]
    assert tally.problems == [f for f in findings if f.severity != "ok"][:SUMMARY_ROWS]
    assert all(f.evidence == [] for f in tally.first)
    outputs = []
    for given in (findings, tally):
        with console.capture() as cap:
            print_run_findings(given)
        outputs.append(cap.get())
    assert outputs[0] == outputs[1] and "… and " in outputs[0]
    result = run([checked.parent / "txt"], tmp_path / "c.db")
    assert json.dumps(run_json(result, findings, a, 1)) == json.dumps(run_json(result, tally, a, 1))


def test_a_tally_of_few_findings_holds_them_all(checked: Path, tmp_path: Path) -> None:
    shutil.copy(checked, tmp_path / "a.db")
    database = open_db(tmp_path / "a.db")
    findings = run_checks(database, evidence=False)
    database.close()
    few = FindingTally.of(findings[:SUMMARY_ROWS], keep=SUMMARY_ROWS)
    assert few.complete and few.first == findings[:SUMMARY_ROWS]
    assert not FindingTally.of(findings[:SUMMARY_ROWS + 1], keep=SUMMARY_ROWS).complete


def _live_bytes_at_items(folder: Path, db: Path, at: tuple[int, ...]) -> list[int]:
    """The Python memory in use when ``file_items`` hands over each of the items ``at``
    (tracemalloc; the items themselves let go, as the run lets go of each stored batch)."""
    database = open_db(db)
    seen = []
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        for i, _item in enumerate(file_items(database, [folder]), 1):
            if i in at:
                seen.append(tracemalloc.get_traced_memory()[0] - base)
    finally:
        tracemalloc.stop()
        database.close()
    return seen


def test_the_items_of_a_run_hold_nothing_per_document(tmp_path: Path) -> None:
    """Every input's source key, id and name is remembered (a source given twice is found), yet
    the Python memory of the items' generator does not grow with the files: about 1 KB per file
    before (the list of ``Path`` objects, three dicts, the URL memo), a few bytes now."""
    folder = tmp_path / "many"
    folder.mkdir()
    n = 4000
    for i in range(n):
        (folder / f"article-{i:05d}.txt").write_text(
            f"---\nurl: https://tin.example.vn/dan-van/bai-{i}.html?utm_source=x\n---\nXã {i} có 3 mô hình.\n",
            encoding="utf-8")
    _live_bytes_at_items(folder, tmp_path / "warm.db", (1,))  # first-use imports and caches, not per file
    early, late = _live_bytes_at_items(folder, tmp_path / "m.db", (500, n))
    assert late - early < 100 * (n - 500), (early, late)  # the dicts alone grew ≈ 400 bytes a file
    assert late < 200 * n, late  # the list of Paths alone was ≈ 580 bytes a file


def test_finding_the_web_archives_of_a_folder_holds_no_path_per_file(tmp_path: Path) -> None:
    """``warc_files`` looks at names before it makes a ``Path``: ``rglob("*")`` made one for every
    file and kept them all in a set until it was done (≈ 540 bytes a file, 50 MB at the peak of a
    run of 100,000 articles), the walk holds each folder's names only (≈ 75 bytes a file)."""
    from pipeline.warc import warc_files

    folder = tmp_path / "many"
    (folder / "sub" / "deeper").mkdir(parents=True)
    n = 4000
    for i in range(n):
        (folder / f"article-{i:05d}.txt").write_text("x", encoding="utf-8")
    for rel in ("sub/deeper/b.warc.gz", "A.WARC", "sub/c.warc", "sub/not.warc.txt"):
        (folder / rel).write_text("x", encoding="utf-8")
    (folder / "sub" / "dir.warc").mkdir()  # a folder named like one is not a file
    want = sorted(q for q in folder.rglob("*") if q.name.lower().endswith((".warc", ".warc.gz")) and q.is_file())
    warc_files([folder])  # first-use imports
    tracemalloc.start()
    try:
        got = warc_files([folder])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert got == want and [p.name for p in got] == ["A.WARC", "c.warc", "b.warc.gz"]
    assert peak < 200 * n, peak
