"""Fact-check findings on made-up articles carrying each kind of inconsistency, and the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.check import Finding, run_checks
from pipeline.run import run
from pipeline.store import open_db

ARTICLES = {
    "ok.txt": ('published: "2023-07-01"',
               "Đến hết tháng 6/2023, toàn huyện Can Lộc có 120 mô hình. Trong đó, lĩnh vực kinh tế "
               "50 mô hình; văn hóa - xã hội 40 mô hình; quốc phòng - an ninh 30 mô hình."),
    "bad_sum.txt": ('published: "2023-07-01"',
                    "Đến hết tháng 6/2023, toàn huyện Đức Thọ có 179 mô hình. Trong đó, lĩnh vực kinh "
                    "tế 50 mô hình; văn hóa - xã hội 60 mô hình; quốc phòng - an ninh 70 mô hình."),
    "bound.txt": ('published: "2023-07-01"',
                  "Đến nay, toàn huyện Hương Sơn đã xây dựng được gần 100 mô hình. Về lĩnh vực kinh tế: "
                  "60 mô hình. Về lĩnh vực văn hóa - xã hội: 50 mô hình."),
    "split.txt": ('published: "2023-07-01"',
                  "UBND huyện Nghi Xuân đã công nhận 40 mô hình cấp huyện (30 tập thể, 12 cá nhân) "
                  "giai đoạn 2019-2023."),
    "conflict_a.txt": ('published: "2023-07-05"',
                       "Đến hết tháng 6/2023, toàn huyện Can Lộc có 120 mô hình “Dân vận khéo”."),
    "province.txt": ('published: "2023-07-02"',
                     "Đến hết tháng 6/2023, toàn tỉnh Hà Tĩnh có 150 mô hình “Dân vận khéo”."),
    "later.txt": ('published: "2024-01-02"',
                  "Đến hết năm 2023, toàn huyện Đức Thọ có 100 mô hình “Dân vận khéo”."),
    "prov_2022.txt": ('published: "2023-01-03"',
                      "Đến hết năm 2022, toàn tỉnh Quảng Bình có 1.000 mô hình “Dân vận khéo”."),
    "prov_2023.txt": ('published: "2024-01-03"',
                      "Đến hết năm 2023, toàn tỉnh Quảng Bình có 1.150 mô hình “Dân vận khéo” "
                      "(tăng 120 mô hình so với năm 2022)."),
    # a former province and the province in force of the same name are two units (SPEC §1.1)
    "former_namesake.txt": ('published: "2025-10-01"',
                            "Trước sáp nhập, tỉnh Lâm Đồng (cũ) có 2.100 mô hình “Dân vận khéo”. Sau sáp "
                            "nhập, toàn tỉnh Lâm Đồng hiện có 5.300 mô hình “Dân vận khéo”."),
    # two "other" groups of one breakdown, each with its own words, are not one count twice
    "two_others.txt": ('published: "2023-07-01"',
                       "Đến nay, toàn huyện Quỳ Châu có 90 mô hình. Các mô hình tập trung ở các lĩnh vực: "
                       "kinh tế 40 mô hình, KT-XH 30 mô hình, dân tộc, tôn giáo 20 mô hình."),
    # a total broken down twice: by the SPEC's fields, then by bodies (``other``), each adding up
    "two_breakdowns.txt": ('published: "2024-01-10"',
                           "Năm 2023, toàn tỉnh Hậu Giang có 300 mô hình “Dân vận khéo”, trong đó lĩnh vực "
                           "kinh tế 120 mô hình, văn hóa - xã hội 100 mô hình, quốc phòng - an ninh 80 mô "
                           "hình. Công an tỉnh có 40 mô hình. Hội Nông dân tỉnh có 60 mô hình."),
    # ... and one where the fields themselves do not add up: still an error
    "two_breakdowns_bad.txt": ('published: "2024-01-10"',
                               "Năm 2023, toàn tỉnh Sóc Trăng có 300 mô hình “Dân vận khéo”, trong đó lĩnh "
                               "vực kinh tế 120 mô hình, văn hóa - xã hội 100 mô hình, quốc phòng - an ninh "
                               "90 mô hình. Công an tỉnh có 40 mô hình."),
}


def write_articles(folder: Path, names: list[str] | None = None) -> Path:
    """The made-up articles of ``ARTICLES`` (those of ``names``, else all) as ``.txt`` files in
    ``folder`` (made if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (meta, body) in ARTICLES.items():
        if names is None or name in names:
            folder.joinpath(name).write_text(f"---\n{meta}\n---\n{body}\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> list[Finding]:
    folder = write_articles(tmp_path_factory.mktemp("articles"))
    db_path = folder / "dvk.db"
    result = run([folder], db_path)
    assert not result.failed
    db = open_db(db_path)
    out = run_checks(db)
    assert db.table("findings").count == len(out)
    return out


def of(findings: list[Finding], kind: str, doc: str) -> list[Finding]:
    return [f for f in findings if f.kind == kind and doc in f.documents]


def test_consistent_breakdown_is_reported_as_checked(findings: list[Finding]) -> None:
    [f] = of(findings, "field_breakdown", "ok")
    assert f.severity == "ok" and f.arithmetic == "50 + 40 + 30 = 120; total = 120"
    assert [e["value"] for e in f.evidence] == [120, 50, 40, 30]


def test_breakdown_that_does_not_add_up(findings: list[Finding]) -> None:
    [f] = of(findings, "field_breakdown", "bad_sum")
    assert f.severity == "error" and "180" in f.arithmetic and "179" in f.arithmetic


def test_parts_above_an_at_most_total(findings: list[Finding]) -> None:
    [f] = of(findings, "field_breakdown", "bound")
    assert f.severity == "error" and "≤ 100" in f.arithmetic


def test_holder_split(findings: list[Finding]) -> None:
    [f] = of(findings, "holder_split", "split")
    assert f.severity == "error" and f.arithmetic == "30 + 12 = 42; total = 40"


def test_two_articles_disagree(findings: list[Finding]) -> None:
    agree = of(findings, "cross_article", "conflict_a")
    assert [f.severity for f in agree] == ["ok"] and set(agree[0].documents) == {"ok", "conflict_a"}


def test_district_above_province(findings: list[Finding]) -> None:
    bad = [f for f in of(findings, "district_vs_province", "province") if f.severity == "error"]
    assert {tuple(f.documents) for f in bad} == {("bad_sum", "province")}
    assert bad[0].arithmetic == "179 > 150"


def test_stock_going_backwards(findings: list[Finding]) -> None:
    [f] = of(findings, "stock_backwards", "later")
    assert f.arithmetic == "100 < 179" and f.documents == ["bad_sum", "later"]


def test_corpus_articles_are_consistent(tmp_path: Path) -> None:
    db_path = tmp_path / "dvk.db"
    run(None, db_path)
    found = run_checks(open_db(db_path))
    assert {f.severity for f in found} == {"ok"}
    kinds = sorted(f.kind for f in found)
    assert kinds == ["field_breakdown"] * 4 + ["holder_split"] * 2


def test_increase_against_the_earlier_count(findings: list[Finding]) -> None:
    [f] = of(findings, "increase", "prov_2023")
    assert f.severity == "warning" and f.arithmetic == "1150 - 1000 = 150; stated +120"
    assert f.documents == ["prov_2022", "prov_2023"]


def test_former_unit_and_its_namesake_are_not_one_count(findings: list[Finding]) -> None:
    assert of(findings, "stated_twice", "former_namesake") == []


def test_other_groups_with_their_own_words_are_not_one_count(findings: list[Finding]) -> None:
    assert of(findings, "stated_twice", "two_others") == []
    [f] = of(findings, "field_breakdown", "two_others")
    assert f.severity == "ok" and f.arithmetic == "40 + 30 + 20 = 90; total = 90"


def test_checks_read_in_chunks_find_what_all_the_counts_at_once_find(findings: list[Finding],
                                                                      tmp_path_factory: pytest.TempPathFactory,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The counts read a few at a time (each article's together) and only the stocks and
    increases for the checks across articles: the same findings, in the same order, as every
    check on every count at once; without evidence they are the same findings but for it."""
    from pipeline import check

    folder = write_articles(tmp_path_factory.mktemp("chunks"))
    run([folder], folder / "dvk.db")
    db = open_db(folder / "dvk.db")
    counts = check._counts(db)
    want = check.within_article(counts) + check.across_articles(counts) + check.increases(counts)
    monkeypatch.setattr(check, "_CHUNK", 2)
    assert len(list(check._count_chunks(db, size=2))) > 3
    got = run_checks(db)
    assert [f.row() for f in got] == [f.row() for f in want]
    assert {f.kind for f in got} >= {"field_breakdown", "cross_article", "increase"}
    light = run_checks(db, evidence=False)
    assert [(f.kind, f.message, f.evidence) for f in light] == [(f.kind, f.message, []) for f in want]
    assert db.table("finding_evidence").count == sum(len(f.evidence) for f in want)


def test_a_breakdown_by_bodies_beside_the_fields_is_not_added_to_them(findings: list[Finding]) -> None:
    [f] = of(findings, "field_breakdown", "two_breakdowns")
    assert f.severity == "ok" and f.arithmetic == "120 + 100 + 80 = 300; total = 300"
    [bad] = of(findings, "field_breakdown", "two_breakdowns_bad")
    assert bad.severity == "error" and bad.arithmetic == "120 + 100 + 90 = 310; total = 300"


def _tables(db_path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The findings (in the checks' order) and their evidence rows, without row ids."""
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        order = ("ORDER BY f.document_id IS NULL, CASE WHEN f.document_id IS NOT NULL THEN f.document_id END, f.id")
        findings = conn.execute("SELECT kind, kind_vi, severity, severity_vi, message, arithmetic, documents, "
                                f"evidence, document_id FROM findings f {order}").fetchall()
        evidence = conn.execute("SELECT e.kind, e.severity, e.role, e.role_vi, e.value, e.bound, e.metric, "
                                "e.field, e.holder, e.document_id, e.title, e.url, e.sentence, e.text, e.span_start, "
                                "e.span_end, "
                                f"e.sentence_start, e.sentence_end FROM finding_evidence e JOIN findings f "
                                f"ON f.id = e.finding_id {order}, e.id").fetchall()
        return findings, evidence
    finally:
        conn.close()


def test_each_article_is_checked_once_as_it_is_stored(tmp_path: Path) -> None:
    """An article's own findings are written with its records, whatever order the articles come
    in, and a check reads them instead of finding them again: the same findings and tables as
    every article checked again from its stored counts (``dvk check``); an article stored again
    replaces its findings (none twice), and a changed one has the findings of its new numbers."""
    from pipeline import check

    names = sorted(ARTICLES)
    folder = write_articles(tmp_path / "articles", names[1::2])
    late = write_articles(tmp_path / "late", names[0::2])
    db_path = tmp_path / "dvk.db"
    run([late], db_path)  # the second half of the ids first: the rows are not in id order
    run([folder], db_path)
    db = open_db(db_path)
    stored = run_checks(db)
    stored_tables = _tables(db_path)
    assert {f.kind for f in stored} >= {"field_breakdown", "holder_split", "cross_article"}
    again = run_checks(db, rewrite=True)
    assert [f.row() for f in stored] == [f.row() for f in again]
    assert _tables(db_path) == stored_tables
    # stored again: the same findings, none twice
    run([late, folder], db_path, force=True)
    assert [f.row() for f in run_checks(db)] == [f.row() for f in stored]
    # an article whose numbers change: its findings follow, no check of every article needed
    meta, body = ARTICLES["bad_sum.txt"]
    target = next(p for p in (folder / "bad_sum.txt", late / "bad_sum.txt") if p.exists())
    target.write_text(f"---\n{meta}\n---\n{body.replace('179 mô hình', '180 mô hình')}\n", encoding="utf-8")
    run([late, folder], db_path)
    (fixed,) = of(run_checks(db), "field_breakdown", "bad_sum")
    assert fixed.severity == "ok"
    assert [f.row() for f in run_checks(db)] == [f.row() for f in run_checks(db, rewrite=True)]
    assert db.execute("SELECT value FROM dvk_meta WHERE key = 'checks_version'").fetchone()[0] == check.checks_version()


def test_findings_of_an_earlier_version_of_the_checks_are_found_again(tmp_path: Path) -> None:
    """A database whose articles' findings another version of the checks wrote (``dvk_meta``)
    has them all found again by the next check, once."""
    from pipeline import check

    folder = write_articles(tmp_path / "articles")
    db_path = tmp_path / "dvk.db"
    run([folder], db_path)
    db = open_db(db_path)
    want = [f.row() for f in run_checks(db)]
    with db.conn:  # what an earlier version might have left: another version, one article's findings missing
        db.execute("UPDATE dvk_meta SET value = '0' WHERE key = 'checks_version'")
        db.execute("DELETE FROM finding_evidence WHERE document_id = 'bad_sum'")
        db.execute("DELETE FROM findings WHERE document_id = 'bad_sum'")
    assert [f.row() for f in run_checks(db)] == want
    assert db.execute("SELECT value FROM dvk_meta WHERE key = 'checks_version'").fetchone()[0] == check.checks_version()
    with db.conn:  # the version current: what is stored is what a check reads
        db.execute("DELETE FROM finding_evidence WHERE document_id = 'bad_sum'")
        db.execute("DELETE FROM findings WHERE document_id = 'bad_sum'")
    got = [f.row() for f in run_checks(db)]
    within = ("field_breakdown", "holder_split", "stated_twice")
    assert got == [r for r in want if not (r["documents"] == "bad_sum" and r["kind"] in within)]
    assert len(got) < len(want)


def test_the_checks_version_follows_the_labels_and_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stored findings carry labels and come from the checks' code: a change to either is another
    version of the checks (so every article's findings are found again), with no bump by hand."""
    from pipeline import check

    now = check.checks_version()
    assert now.startswith(f"{check.CHECKS_VERSION}:") and len(now) > len(check.CHECKS_VERSION) + 8
    check.checks_version.cache_clear()
    original = check._labels_text
    monkeypatch.setattr(check, "_labels_text", lambda: original() + "\n# another label")
    try:
        assert check.checks_version() != now
    finally:
        check.checks_version.cache_clear()
    monkeypatch.undo()
    assert check.checks_version() == now  # (the same labels and code: the same version)
    check.checks_version.cache_clear()
    monkeypatch.setattr(check, "ROLES", {**check.ROLES, "field_breakdown": ("tổng", "phần")})
    try:
        assert check.checks_version() != now
    finally:
        check.checks_version.cache_clear()
    monkeypatch.undo()

    def other_within(counts: object) -> list[Finding]:  # another check's code
        return []

    monkeypatch.setattr(check, "within_article", other_within)
    try:
        assert check.checks_version() != now
    finally:
        check.checks_version.cache_clear()


def test_a_schema_3_database_has_its_findings_found_again_when_brought_forward(tmp_path: Path) -> None:
    """Before schema 4 every finding was written by the last check, naming no article: a writer
    opening such a database finds them again at once, each article's with its ``document_id``, so
    no stale finding waits for a run that changes something (a nightly run with nothing new)."""
    import sqlite3

    from pipeline import check

    folder = write_articles(tmp_path / "articles")
    db_path = tmp_path / "dvk.db"
    run([folder], db_path)
    want = [f.row() for f in run_checks(open_db(db_path))]
    conn = sqlite3.connect(db_path)  # what schema 3 had: no document_id, no dvk_meta
    with conn:
        conn.execute("DROP INDEX idx_findings_document_id")
        conn.execute("ALTER TABLE findings DROP COLUMN document_id")
        conn.execute("DROP TABLE dvk_meta")
        conn.execute("PRAGMA user_version = 3")
    conn.close()
    db = open_db(db_path)
    within = db.execute("SELECT count(*) FROM findings WHERE document_id IS NOT NULL").fetchone()[0]
    assert within == sum(1 for r in want if r["kind"] in ("field_breakdown", "holder_split", "stated_twice")) > 0
    assert db.execute("SELECT value FROM dvk_meta WHERE key = 'checks_version'").fetchone()[0] == check.checks_version()
    assert [f.row() for f in run_checks(db)] == want
