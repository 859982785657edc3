"""The indexed increase check gives exactly the findings of the obvious pairwise one.

The reference below is the check as it was first written (every increase compared with every
stock); the indexed version must agree with it, finding for finding and in the same order, on
generated counts that hit its edge cases: several stocks of one article and unit, equal dates,
the same article on both sides, increases with no earlier stock, bounds other than exact.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest

from pipeline.check import Finding, _ev, _loc, _period, across_articles, increases, within_article


def reference_increases(counts: list[dict[str, Any]]) -> list[Finding]:
    out: list[Finding] = []
    built = [c for c in counts if c["metric"] == "built" and c["holder"] is None
             and c["level"] is None and c["period_end"]]
    for inc in (c for c in counts if c["metric"] == "increase" and c["period_end"]):
        now = [c for c in built if c["document_id"] == inc["document_id"] and _loc(c) == _loc(inc)
               and c["field"] == inc["field"] and _period(c) == _period(inc)]
        year = inc["period_end"][:4]
        earlier = sorted((c for c in built if c["document_id"] != inc["document_id"]
                          and _loc(c) == _loc(inc) and c["field"] == inc["field"]
                          and c["period_end"][:4] < year), key=lambda c: c["period_end"])
        if not now or not earlier:
            continue
        cur, prev = now[0], earlier[-1]
        diff = cur["value"] - prev["value"]
        ok = diff == inc["value"] or (cur["bound"] != "exact" or prev["bound"] != "exact")
        out.append(Finding(
            "increase", "ok" if ok else "warning",
            "the increase matches the earlier count" if ok else
            f"the article says +{inc['value']}, the earlier count ({prev['period_end']}) gives +{diff}",
            f"{cur['value']} - {prev['value']} = {diff}; stated +{inc['value']}",
            sorted({inc["document_id"], prev["document_id"]}), [_ev(inc), _ev(cur), _ev(prev)]))
    return out


def generated_counts(seed: int, n: int) -> list[dict[str, Any]]:
    """``n`` counts in about ``n / 4`` articles; an article mostly keeps one unit and one date."""
    rng = random.Random(seed)
    units = [(rng.choice(["district", "province"]), f"U{i}", f"P{i % 3}", rng.choice([None, "former"]))
             for i in range(5)]
    ends = [None, "2021-06-30", "2021-12-31", "2022-06-30", "2022-12-31", "2023-12-31", "2024-12-31"]
    docs = [(f"d{i:04d}", rng.choice(units), rng.choice(ends)) for i in range(n // 4 + 1)]
    out = []
    for i in range(n):
        doc, unit, end = rng.choice(docs)
        level, name, province, system = unit if rng.random() < 0.8 else rng.choice(units)
        field = rng.choice(["all", "all", "all", "economy", "other"])
        out.append({
            "id": i + 1, "document_id": doc, "url": None, "text": f"t{i}",
            "span_start": i, "span_end": i + 1, "value": rng.randrange(1, 12) * 5,
            "bound": rng.choice(["exact", "exact", "exact", "about", "at_least"]),
            "metric": rng.choice(["built", "built", "increase", "registered"]),
            "field": field, "field_text": rng.choice(["x", "y"]) if field == "other" else None,
            "level": rng.choice([None, None, None, "district"]),
            "holder": rng.choice([None, None, None, "collective", "individual"]),
            "locality_level": level, "locality_name": name, "province": province, "locality_system": system,
            "period_start": None, "period_end": end if rng.random() < 0.85 else rng.choice(ends),
        })
    out.sort(key=lambda c: (c["document_id"], c["id"]))  # the order run_checks reads them in
    return out


@pytest.mark.parametrize("seed", range(40))
def test_indexed_increase_check_agrees_with_the_pairwise_one(seed: int) -> None:
    counts = generated_counts(seed, n=[20, 80, 300][seed % 3])
    expected = reference_increases(counts)
    got = increases(counts)
    assert [f.row() for f in got] == [f.row() for f in expected]


def test_generated_counts_exercise_the_increase_check() -> None:
    """The comparison above is not vacuous: the generated data gives both verdicts."""
    found = [f for seed in range(40) for f in increases(generated_counts(seed, n=[20, 80, 300][seed % 3]))]
    assert {f.severity for f in found} == {"ok", "warning"}
    assert len(found) > 50


def test_checks_stay_near_linear() -> None:
    """Ten times the counts cost far less than the hundred times a pairwise check would."""
    import time

    def cost(n: int) -> float:
        counts = generated_counts(1, n)
        t0 = time.process_time()  # CPU seconds: other processes on a busy machine do not count
        within_article(counts), across_articles(counts), increases(counts)
        return time.process_time() - t0

    small, large = min(cost(2_000) for _ in range(3)), min(cost(20_000) for _ in range(3))
    assert large < 30 * small


def edge_counts(seed: int, n: int) -> list[dict[str, Any]]:
    """``generated_counts`` with what the SQL grouping must treat as Python does: NULL in every
    key (a unit without a level, a province or a name; no field; an ``other`` group without its
    words), words beside a field that is not ``other`` (not part of the key), a ``present`` unit
    beside a ``former`` one and one with no system, a period's start, a bare year as a date (equal
    to an increase's year), an empty date, no bound; and a stock of the year before some increases
    in their own article."""
    rng = random.Random(seed + 10_000)
    counts = generated_counts(seed, n)
    for c in counts:
        doc = int(c["document_id"][1:])
        if c["locality_name"] == "U0" and doc % 3 == 1:
            c["locality_level"] = None
        elif c["locality_name"] in ("U1", "U4") and doc % 3 == 2:
            c["province"] = None
        elif c["locality_name"] == "U2" and doc % 2:
            c["locality_name"] = None
        if doc % 7 == 0:
            c["locality_system"] = "present"
        if doc % 5 == 0:
            c["period_start"] = "2021-01-01"
        if doc % 11 == 0 and c["period_end"]:
            c["period_end"] = c["period_end"][:4]
        if doc % 13 == 0 and c["period_end"] is None:
            c["period_end"] = ""
        r = rng.random()
        if doc % 4 == 3 and r < 0.4:
            c["field"], c["field_text"] = None, None
        elif r < 0.10 and c["field"] != "other":
            c["field_text"] = "z"
        elif doc % 4 == 1 and c["field"] == "other":
            c["field_text"] = None
        if rng.random() < 0.03:
            c["bound"] = None
    # a stock the year before some increases in their own article: passed over for another's
    extra = [c for c in counts if c["metric"] == "increase" and c["period_end"] and c["id"] % 3 == 0]
    for i, inc in enumerate(extra, start=len(counts) + 1):
        counts.append({**inc, "id": i, "text": f"t{i - 1}", "metric": "built", "holder": None, "level": None,
                       "period_start": None, "period_end": f"{int(inc['period_end'][:4]) - 1}-12-31"})
    counts.sort(key=lambda c: (c["document_id"], c["id"]))
    return counts


def counts_db(path: Any, counts: list[dict[str, Any]]) -> Any:
    """A real dvk database holding ``counts`` (and an article for each of their documents)."""
    from pipeline.store import open_db

    db = open_db(path)
    docs = sorted({c["document_id"] for c in counts})
    with db.conn:
        db.conn.executemany("INSERT INTO documents (id, source_key, url, title, text) VALUES (?, ?, ?, ?, '')",
                            [(d, f"id:{d}", f"https://tin.example.vn/{d}", f"Bài {d}") for d in docs])
        cols = [k for k in counts[0] if k != "url"]
        db.conn.executemany(f"INSERT INTO counts ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                            [tuple(c[k] for k in cols) for c in counts])
    return db


@pytest.mark.parametrize("seed", range(30))
def test_checks_grouped_in_sql_give_the_in_memory_findings(seed: int, tmp_path: Any) -> None:
    """``run_checks`` groups and orders the stocks and increases in SQL, holding one group at a
    time: the findings of ``across_articles`` and ``increases`` on all the counts at once, finding
    for finding, evidence and order included, on counts written to a real SQLite file."""
    from pipeline import check

    db = counts_db(tmp_path / "dvk.db", edge_counts(seed, n=[40, 150, 600][seed % 3]))
    counts = check._counts(db)
    want = check.across_articles(counts) + check.increases(counts)
    got = list(check._across_sql(db)) + list(check._increases_sql(db))
    assert [f.row() for f in got] == [f.row() for f in want]
    if seed % 10 == 0:  # the tables too, with the checks within an article before
        found = check.run_checks(db, rewrite=True)  # counts written here, not by the store: checked again
        assert [f.row() for f in found] == [f.row() for f in check.within_article(counts) + want]


def test_the_sql_comparison_is_not_vacuous(tmp_path: Any) -> None:
    """The generated databases give every kind of finding across articles with both verdicts,
    and every edge case of ``edge_counts`` in the counts of each kind; some increases pass over a
    nearer stock of their own article to take another article's."""
    from pipeline import check

    found: list[tuple[Finding, list[dict[str, Any]]]] = []  # each finding with its counts
    passed_over = 0
    for seed in range(30):
        counts = edge_counts(seed, n=[40, 150, 600][seed % 3])
        by_text = {c["text"]: c for c in counts}
        db = counts_db(tmp_path / f"{seed}.db", counts)
        new = [(f, [by_text[ev["text"]] for ev in f.evidence])
               for f in check.across_articles(check._counts(db)) + check.increases(check._counts(db))]
        db.close()
        found += new
        stocks = [c for c in counts if c["metric"] == "built" and c["holder"] is None and c["level"] is None]
        passed_over += sum(any(c["document_id"] == inc["document_id"] and c["period_end"]
                               and prev["period_end"] < c["period_end"] < inc["period_end"][:4]
                               and _loc(c) == _loc(inc) and c["field"] == inc["field"] for c in stocks)
                           for f, (inc, _, prev) in ((f, m) for f, m in new if f.kind == "increase"))
    assert {(f.kind, f.severity) for f, _ in found} >= {
        ("cross_article", "ok"), ("cross_article", "warning"), ("stock_backwards", "warning"),
        ("district_vs_province", "ok"), ("district_vs_province", "error"), ("increase", "ok"),
        ("increase", "warning")}
    edges: dict[str, Callable[[dict[str, Any]], bool]] = {
        "no level": lambda c: c["locality_level"] is None, "no province": lambda c: c["province"] is None,
        "no name": lambda c: c["locality_name"] is None, "no field": lambda c: c["field"] is None,
        "other without words": lambda c: c["field"] == "other" and c["field_text"] is None,
        "words beside a field": lambda c: c["field"] != "other" and c["field_text"] is not None,
        "present": lambda c: c["locality_system"] == "present", "former": lambda c: c["locality_system"] == "former",
        "start": lambda c: c["period_start"] is not None, "bare year": lambda c: len(c["period_end"] or "") == 4}
    for kind in ("cross_article", "stock_backwards", "district_vs_province", "increase"):
        of_kind = [members for f, members in found if f.kind == kind]
        for edge, test in edges.items():
            if kind == "district_vs_province" and edge in ("no level", "no name"):
                continue  # not in its key (a district and a province have a level)
            assert any(test(c) for members in of_kind for c in members), (kind, edge)
    assert passed_over > 0


def test_findings_are_written_in_batches_bounded_by_their_evidence() -> None:
    """A batch holds at most 200 findings and about 2,000 numbers of evidence: a cross-article
    finding quoting hundreds of reports does not make the batch grow with the database."""
    from pipeline.check import _batches

    big = [Finding("cross_article", "ok", "", "", ["a"], [{"value": i} for i in range(450)]) for _ in range(10)]
    small = [Finding("stated_twice", "warning", "", "", ["b"], [{"value": 1}]) for _ in range(450)]
    sizes = [len(b) for b in _batches(big)]
    assert sizes == [5, 5] and sum(len(b) for b in _batches(small)) == 450
    assert [len(b) for b in _batches(small)] == [200, 200, 50]
    assert [f for b in _batches(big + small) for f in b] == big + small  # the order kept
