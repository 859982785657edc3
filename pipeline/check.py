"""Fact-check findings: do the numbers an article (or several) reports add up?

Within an article: field breakdowns and collective/individual splits against their total, with
the total's bound respected ("gần 100" holds parts summing to 95), and a count stated twice with
different values. Across articles: the same unit, metric, field and period with different values,
a stock that goes backwards over time, and a district's total above its province's.

Every check that applies yields a finding, "consistent" ones included, so a reader sees what was
verified and not only what failed. Findings are stored in the ``findings`` table.

The findings within an article are found when the article is stored (``write_article_findings``,
from the count rows the store writes, ``store.count_rows``) and kept with its records; a check
reads them back and finds those across articles again. ``checks_version`` (the code of these
checks, of the rows they read and write, and the labels they carry) tells when stored findings
were written by other checks: the next check finds them all again.

``record_findings`` runs the same within-article checks on records held in memory (extracted or
gold ``Document`` objects), for the scorer, on the same count rows (``store.count_rows``), so both
see identical rows and one implementation of every check.
"""

from __future__ import annotations

import contextlib
import json
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Any

import sqlite_utils

if TYPE_CHECKING:
    from extractors.records import Document


@dataclass
class Finding:
    kind: str
    severity: str  # ok, warning, error
    message: str
    arithmetic: str
    documents: list[str]
    evidence: list[dict[str, Any]] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        return {"kind": self.kind, "severity": self.severity, "message": self.message,
                "arithmetic": self.arithmetic, "documents": ",".join(self.documents),
                "evidence": json.dumps(self.evidence, ensure_ascii=False)}


_CHUNK = 2000  # counts read at once for the checks within an article (each article's together)

#: the columns of a count the checks across articles compare; what a finding's evidence quotes
#: besides (the text, sentence and URL) is read by id for the counts a finding names (``_Light``)
_ACROSS_COLUMNS = ", ".join(f"c.{col}" for col in (
    "id", "document_id", "value", "bound", "metric", "field", "field_text", "level", "holder",
    "locality_level", "locality_name", "province", "locality_system", "period_start", "period_end"))
_QUOTED_FROM = ("c.text, c.span_start, c.span_end, c.sentence, c.sentence_start, c.sentence_end, d.url "
                "FROM counts c JOIN documents d ON d.id = c.document_id")
_QUOTED = f"{_QUOTED_FROM} WHERE c.id = ?"


class _Light(dict):  # type: ignore[type-arg]
    """A count read without what only the evidence quotes (its text, sentence and URL: most of
    a row), as the checks across articles compare it; ``whole()`` reads the rest, for the counts
    a finding names."""

    __slots__ = ("_conn",)

    def __init__(self, row: dict[str, Any], conn: Any) -> None:
        super().__init__(row)
        self._conn = conn

    def whole(self) -> dict[str, Any]:
        text, start, end, sentence, s_start, s_end, url = self._conn.execute(f"SELECT {_QUOTED}",
                                                                              [self["id"]]).fetchone()
        return {**self, "text": text, "span_start": start, "span_end": end, "sentence": sentence,
                "sentence_start": s_start, "sentence_end": s_end, "url": url}


def _counts(db: sqlite_utils.Database, where: str = "1", columns: str = "c.*") -> list[dict[str, Any]]:
    return [row for rows in _count_chunks(db, where, columns) for row in rows]


def _count_chunks(db: sqlite_utils.Database, where: str = "1", columns: str = "c.*",
                  size: int = 2000) -> Iterator[list[dict[str, Any]]]:
    """The counts (``where`` true) in document order, a few thousand rows at a time, each
    document's rows in one chunk."""
    cur = db.conn.execute(f"SELECT {columns}, d.url AS url FROM counts c JOIN documents d ON d.id = c.document_id "
                          f"WHERE {where} ORDER BY c.document_id, c.id")
    cols = [c[0] for c in cur.description]
    chunk: list[dict[str, Any]] = []
    while rows := cur.fetchmany(size):
        for row in rows:
            c = dict(zip(cols, row, strict=True))
            if len(chunk) >= size and chunk[-1]["document_id"] != c["document_id"]:
                yield chunk
                chunk = []
            chunk.append(c)
    if chunk:
        yield chunk


def _ev(c: dict[str, Any]) -> dict[str, Any]:
    if isinstance(c, _Light):
        c = c.whole()
    return {"document": c["document_id"], "url": c["url"], "text": c["text"],
            "start": c["span_start"], "end": c["span_end"], "sentence": c.get("sentence"),
            "sentence_start": c.get("sentence_start"), "sentence_end": c.get("sentence_end"),
            "value": c["value"], "bound": c.get("bound"), "field": c["field"], "metric": c["metric"],
            "holder": c["holder"]}


def _evs(members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``[_ev(c) for c in members]`` with the quoted text of the light counts read a few hundred at a
    time (one query per count was a tenth of the checks across articles at 100,000 articles)."""
    lights = [c for c in members if isinstance(c, _Light)]
    quoted: dict[int, tuple[Any, ...]] = {}
    for k in range(0, len(lights), 500):
        ids = [c["id"] for c in lights[k:k + 500]]
        sql = f"SELECT c.id, {_QUOTED_FROM} WHERE c.id IN ({', '.join('?' * len(ids))})"
        for row in lights[0]._conn.execute(sql, ids):
            quoted[row[0]] = row[1:]
    out = []
    for c in members:
        if isinstance(c, _Light):
            text, start, end, sentence, s_start, s_end, url = quoted[c["id"]]
            c = {**c, "text": text, "span_start": start, "span_end": end, "sentence": sentence,
                 "sentence_start": s_start, "sentence_end": s_end, "url": url}
        out.append(_ev(c))
    return out


def _verdict(total: dict[str, Any], parts_sum: int) -> str:
    """ok, or how bad a mismatch is: parts above an exact or "gần" total cannot be right
    (error); a sum far from "khoảng N" or below "trên N" is suspicious (warning)."""
    v, bound = total["value"], total["bound"]
    if bound == "at_most":
        return "ok" if parts_sum <= v else "error"
    if bound == "at_least":
        return "ok" if parts_sum >= v else "warning"
    if bound == "about":
        return "ok" if abs(parts_sum - v) <= max(1, round(0.1 * v)) else "warning"
    return "ok" if parts_sum == v else "error"


def _loc(c: dict[str, Any]) -> tuple[Any, ...]:
    """A count's unit; a former unit and its namesake in force (SPEC §1.1) are two units."""
    return (c["locality_level"], c["locality_name"], c["province"], c.get("locality_system"))


def _field(c: dict[str, Any]) -> tuple[Any, ...]:
    """A count's field; two ``other`` groups with different words are two fields."""
    return (c["field"], c["field_text"] if c["field"] == "other" else None)


def _period(c: dict[str, Any]) -> tuple[Any, ...]:
    return (c["period_start"], c["period_end"])


def _sum_check(kind: str, what: str, total: dict[str, Any], parts: list[dict[str, Any]]) -> Finding:
    s = sum(p["value"] for p in parts)
    mark = {"at_most": "≤", "at_least": "≥", "about": "≈"}.get(total["bound"], "=")
    arithmetic = f"{' + '.join(str(p['value']) for p in parts)} = {s}; total {mark} {total['value']}"
    severity = _verdict(total, s)
    msg = (f"{what} add up to the total" if severity == "ok" else
           f"{what} sum to {s}, the article's total is {mark} {total['value']}")
    return Finding(kind, severity, msg, arithmetic, [total["document_id"]],
                   [_ev(total), *(_ev(p) for p in parts)])


def _breakdown(total: dict[str, Any], parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The parts that break a total down by field. A total is often broken down twice, by the
    SPEC's fields and by bodies or communities (``other`` groupings: "Công an tỉnh 38, Hội Nông
    dân 52"): every part where all of them add up, else the SPEC's fields alone where there are
    two or more, else all of them."""
    named = [p for p in parts if p["field"] != "other"]
    if len(named) < 2 or len(named) == len(parts) \
            or _verdict(total, sum(p["value"] for p in parts)) == "ok":
        return parts
    return named


def within_article(counts: Iterable[dict[str, Any]]) -> list[Finding]:
    out: list[Finding] = []
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in counts:
        by_doc[c["document_id"]].append(c)
    for rows in by_doc.values():
        # field breakdowns
        groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
        for c in rows:
            if c["holder"] is None:
                groups[(_loc(c), c["metric"], c["level"], _period(c))].append(c)
        for members in groups.values():
            totals = [c for c in members if c["field"] == "all"]
            parts = [c for c in members if c["field"] != "all"]
            if totals and len(parts) >= 2:
                out.append(_sum_check("field_breakdown", "the fields", totals[0], _breakdown(totals[0], parts)))
        # collective / individual splits
        splits: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
        for c in rows:
            splits[(_loc(c), c["metric"], _field(c), c["level"], _period(c))].append(c)
        for members in splits.values():
            totals = [c for c in members if c["holder"] is None]
            parts = [c for c in members if c["holder"] is not None]
            if len(parts) >= 2 and {p["holder"] for p in parts} == {"collective", "individual"}:
                for t in totals:
                    out.append(_sum_check("holder_split", "collective and individual models", t, parts))
        # the same count stated twice with different values
        same: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
        for c in rows:
            same[(_loc(c), c["metric"], _field(c), c["level"], c["holder"], _period(c))].append(c)
        for members in same.values():
            values = sorted({c["value"] for c in members})
            if len(values) > 1 and members[0]["metric"] in ("built", "registered"):
                out.append(Finding(
                    "stated_twice", "warning",
                    f"the same {members[0]['field']} {members[0]['metric']} count is given as "
                    f"{' and '.join(map(str, values))}", " ≠ ".join(map(str, values)),
                    [members[0]["document_id"]], [_ev(c) for c in members]))
    return out


def record_findings(documents: Iterable[Document]) -> list[Finding]:
    """The within-article findings ``dvk check`` derives from these records (no database needed):
    ``within_article`` of each document's count rows as the store writes them (``count_rows``),
    documents in id order, the last of one id standing (as the store would keep it)."""
    from .store import count_rows

    last = {d.doc: d for d in documents}
    return [f for doc in sorted(last) for f in within_article(count_rows(last[doc], doc))]


def across_articles(counts: list[dict[str, Any]]) -> list[Finding]:
    """The checks across articles on counts held in memory (in document order): what
    ``run_checks`` finds by grouping in SQL (``_across_sql``), finding for finding."""
    return list(_across_articles(counts))


def _cross_finding(members: list[dict[str, Any]]) -> Finding:
    """Two or more articles reporting one unit, field and period."""
    values = sorted({c["value"] for c in members})
    ok = len(values) == 1
    return Finding("cross_article", "ok" if ok else "warning",
                   "articles agree" if ok else "articles give different values for the "
                   "same unit, field and date", " / ".join(map(str, values)),
                   sorted({c["document_id"] for c in members}), _evs(members))


def _backwards(a: dict[str, Any], b: dict[str, Any]) -> Finding | None:
    """Two stocks of one series next to each other in date order: a finding if the later one,
    from another article, is lower."""
    if a["document_id"] != b["document_id"] and a["period_end"] < b["period_end"] and b["value"] < a["value"]:
        return Finding(
            "stock_backwards", "warning",
            f"the stock falls from {a['value']} ({a['period_end']}) to {b['value']} "
            f"({b['period_end']})", f"{b['value']} < {a['value']}",
            [a["document_id"], b["document_id"]], [_ev(a), _ev(b)])
    return None


def _district_finding(c: dict[str, Any], p: dict[str, Any]) -> Finding:
    """A district's stock against its province's for the same field and date."""
    ok = c["value"] <= p["value"]
    return Finding("district_vs_province", "ok" if ok else "error",
                   "district within its province" if ok else
                   "a district reports more models than its province",
                   f"{c['value']} {'≤' if ok else '>'} {p['value']}",
                   sorted({c["document_id"], p["document_id"]}), [_ev(c), _ev(p)])


def _increase_finding(inc: dict[str, Any], cur: dict[str, Any], prev: dict[str, Any]) -> Finding:
    """An increase against its article's stock minus the earlier stock."""
    diff = cur["value"] - prev["value"]
    ok = diff == inc["value"] or (cur["bound"] != "exact" or prev["bound"] != "exact")
    return Finding(
        "increase", "ok" if ok else "warning",
        "the increase matches the earlier count" if ok else
        f"the article says +{inc['value']}, the earlier count ({prev['period_end']}) gives +{diff}",
        f"{cur['value']} - {prev['value']} = {diff}; stated +{inc['value']}",
        sorted({inc["document_id"], prev["document_id"]}), [_ev(inc), _ev(cur), _ev(prev)])


def _across_articles(counts: list[dict[str, Any]]) -> Iterator[Finding]:
    stock = [c for c in counts if c["metric"] == "built" and c["holder"] is None and c["level"] is None]
    # the same unit, field and period reported differently by two articles
    same: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for c in stock:
        if c["period_end"]:
            same[(_loc(c), _field(c), _period(c))].append(c)
    for members in same.values():
        if len({c["document_id"] for c in members}) >= 2:
            yield _cross_finding(members)
    # a stock series that goes backwards
    series: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for c in stock:
        if c["period_end"] and c["bound"] == "exact":
            series[(_loc(c), _field(c))].append(c)
    for members in series.values():
        members.sort(key=lambda c: c["period_end"])
        for a, b in zip(members, members[1:], strict=False):
            if (f := _backwards(a, b)) is not None:
                yield f
    # a district above its province for the same field and date
    provinces = {(c["province"], c["field"], c["period_end"]): c for c in stock
                 if c["locality_level"] == "province" and c["period_end"]}
    for c in stock:
        p = provinces.get((c["province"], c["field"], c["period_end"]))
        if c["locality_level"] == "district" and p is not None:
            yield _district_finding(c, p)


def increases(counts: list[dict[str, Any]]) -> list[Finding]:
    """"tăng N mô hình so với năm trước": the article's stock minus the earlier stock the database
    holds for the same unit and field (from another article, an earlier year) should be N.

    The stocks are indexed once by (document, unit, field, period) and by (unit, field) in date
    order, so each increase finds its count and the nearest earlier one by lookup and bisection,
    not by a scan of every count (O(n log n) in all). ``run_checks`` finds the same in SQL
    (``_increases_sql``)."""
    return list(_increases(counts))


def _increases(counts: list[dict[str, Any]]) -> Iterator[Finding]:
    now_of: dict[tuple[Any, ...], dict[str, Any]] = {}
    series: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for c in counts:
        if c["metric"] == "built" and c["holder"] is None and c["level"] is None and c["period_end"]:
            now_of.setdefault((c["document_id"], _loc(c), c["field"], _period(c)), c)
            series[(_loc(c), c["field"])].append(c)
    ends: dict[tuple[Any, ...], list[str]] = {}
    for key, members in series.items():
        members.sort(key=lambda c: c["period_end"])  # stable: equal dates keep the counts' order
        ends[key] = [c["period_end"] for c in members]
    for inc in counts:
        if inc["metric"] != "increase" or not inc["period_end"]:
            continue
        cur = now_of.get((inc["document_id"], _loc(inc), inc["field"], _period(inc)))
        key = (_loc(inc), inc["field"])
        if cur is None or key not in series:
            continue
        # an ISO date is before the year's first day exactly when its year is an earlier one
        members, i = series[key], bisect_left(ends[key], inc["period_end"][:4])
        prev = next((members[j] for j in range(i - 1, -1, -1)
                     if members[j]["document_id"] != inc["document_id"]), None)
        if prev is not None:
            yield _increase_finding(inc, cur, prev)


# The checks across articles in SQL, for ``run_checks``: SQLite groups and orders the stocks and
# increases (its sorter spills to a temporary file), and Python holds one group, one pair or a
# few hundred increases at a time, so memory does not grow with the counts. Each query gives the
# findings of the functions above in their order: a key is compared as Python compares tuples
# (in PARTITION BY and ORDER BY, NULL is one value, like None == None), and "the counts' order"
# is (document_id, id), numbered by row_number() where a group is ordered by its first member.
_STOCK = "c.metric = 'built' AND c.holder IS NULL AND c.level IS NULL"
_DATED = "c.period_end <> ''"  # what ``if c["period_end"]`` keeps of a text column: not NULL, not ''
_LIGHT_NAMES = ("id", "document_id", "value", "bound", "metric", "field", "field_text", "level", "holder",
                "locality_level", "locality_name", "province", "locality_system", "period_start", "period_end")
_LIGHT = ", ".join(_LIGHT_NAMES)
_LOC_SQL = "locality_level, locality_name, province, locality_system"
_OTHER_TEXT = "CASE WHEN c.field = 'other' THEN c.field_text END AS other_text"  # _field's second part

_CROSS_SQL = f"""
WITH s AS (SELECT {_ACROSS_COLUMNS}, {_OTHER_TEXT}, row_number() OVER (ORDER BY c.document_id, c.id) AS rk
           FROM counts c WHERE {_STOCK} AND {_DATED}),
g AS (SELECT s.*, min(rk) OVER k AS first, min(document_id) OVER k AS d0, max(document_id) OVER k AS d1
      FROM s WINDOW k AS (PARTITION BY {_LOC_SQL}, field, other_text, period_start, period_end))
SELECT {_LIGHT}, first FROM g WHERE d0 <> d1 ORDER BY first, rk"""

_BACKWARDS_SQL = f"""
WITH s AS (SELECT {_ACROSS_COLUMNS}, {_OTHER_TEXT}, row_number() OVER (ORDER BY c.document_id, c.id) AS rk
           FROM counts c WHERE {_STOCK} AND {_DATED} AND c.bound = 'exact'),
g AS (SELECT s.*, min(rk) OVER (PARTITION BY {_LOC_SQL}, field, other_text) AS first FROM s)
SELECT {_LIGHT}, first FROM g ORDER BY first, period_end, rk"""

# each district's stock with the last province stock (in the counts' order) of its key
_DISTRICT_SQL = f"""
WITH s AS (SELECT {_ACROSS_COLUMNS} FROM counts c
           WHERE {_STOCK} AND {_DATED} AND c.locality_level IN ('district', 'province')),
g AS (SELECT s.*, first_value(CASE WHEN locality_level = 'province' THEN id END) OVER (
          PARTITION BY province, field, period_end
          ORDER BY locality_level = 'province' DESC, document_id DESC, id DESC) AS province_id FROM s)
SELECT {_LIGHT}, province_id FROM g WHERE locality_level = 'district' AND province_id IS NOT NULL
ORDER BY document_id, id"""

# the dated stocks and increases of each series (unit, field), in the order of ``_increases``'s
# bisection: a stock by its date, an increase by its year, before the stocks dated that very
# year string (bisect_left), ties in the counts' order; each increase with its article's first
# stock of its unit, field and period (``now_of``)
_SERIES_SQL = f"""
WITH s AS (SELECT c.id, c.document_id, c.metric = 'increase' AS is_increase,
                  c.locality_level, c.locality_name, c.province, c.locality_system, c.field,
                  c.period_start, c.period_end,
                  CASE WHEN c.metric = 'increase' THEN substr(c.period_end, 1, 4) ELSE c.period_end END AS at
           FROM counts c WHERE (({_STOCK}) OR c.metric = 'increase') AND {_DATED})
SELECT id, document_id, is_increase, {_LOC_SQL}, field,
       min(CASE WHEN NOT is_increase THEN id END) OVER (
           PARTITION BY document_id, {_LOC_SQL}, field, period_start, period_end) AS now_id
FROM s ORDER BY {_LOC_SQL}, field, at, is_increase DESC, document_id, id"""


def _light_rows(db: sqlite_utils.Database, sql: str) -> Iterator[tuple[_Light, Any]]:
    """Each row of ``sql``: the count (its ``_LIGHT`` columns) and the one column after them."""
    n = len(_LIGHT_NAMES)
    for row in db.conn.execute(sql):
        yield _Light(dict(zip(_LIGHT_NAMES, row[:n], strict=True)), db.conn), row[n]


def _light(db: sqlite_utils.Database, count_id: int) -> _Light:
    row = db.conn.execute(f"SELECT {_LIGHT} FROM counts WHERE id = ?", [count_id]).fetchone()
    return _Light(dict(zip(_LIGHT_NAMES, row, strict=True)), db.conn)


def _across_sql(db: sqlite_utils.Database) -> Iterator[Finding]:
    """``across_articles`` of the database's counts, grouped and ordered by SQLite: one group
    (cross_article), one pair (stock_backwards) or one district (district_vs_province) in memory."""
    members: list[dict[str, Any]] = []
    group = None
    for c, first in _light_rows(db, _CROSS_SQL):
        if members and first != group:
            yield _cross_finding(members)
            members = []
        members.append(c)
        group = first
    if members:
        yield _cross_finding(members)
    a, series = None, None
    for b, first in _light_rows(db, _BACKWARDS_SQL):
        if a is not None and first == series and (f := _backwards(a, b)) is not None:
            yield f
        a, series = b, first
    for c, province_id in _light_rows(db, _DISTRICT_SQL):
        yield _district_finding(c, _light(db, province_id))


def _increases_sql(db: sqlite_utils.Database) -> Iterator[Finding]:
    """``increases`` of the database's counts: the series streamed in date order (``_SERIES_SQL``)
    with the last stock and the last from another article than it (so the nearest earlier stock
    of another article than the increase's is one of the two), the increases with both a stock
    and an earlier one noted in a temporary table, then read in the counts' order."""
    conn = db.conn
    conn.execute("DROP TABLE IF EXISTS temp.dvk_increases")
    conn.execute("CREATE TEMP TABLE dvk_increases (document_id TEXT, id INTEGER, now_id INTEGER, prev_id INTEGER)")
    try:
        pending: list[tuple[Any, ...]] = []
        key: tuple[Any, ...] | None = None
        last: tuple[int, Any] | None = None  # (id, document) of the series' latest stock so far
        other: tuple[int, Any] | None = None  # the latest stock of another document than last's
        for cid, doc, is_increase, *series, now_id in conn.execute(_SERIES_SQL):
            if key != tuple(series):
                key, last, other = tuple(series), None, None
            if not is_increase:
                if last is not None and last[1] != doc:
                    other = last
                last = (cid, doc)
            elif now_id is not None and last is not None:
                prev = last if last[1] != doc else other
                if prev is not None:
                    pending.append((doc, cid, now_id, prev[0]))
                    if len(pending) >= 500:
                        conn.executemany("INSERT INTO temp.dvk_increases VALUES (?, ?, ?, ?)", pending)
                        pending = []
        conn.executemany("INSERT INTO temp.dvk_increases VALUES (?, ?, ?, ?)", pending)
        cur = conn.execute("SELECT id, now_id, prev_id FROM temp.dvk_increases ORDER BY document_id, id")
        while rows := cur.fetchmany(200):
            for inc, now, prev_id in rows:
                yield _increase_finding(_light(db, inc), _light(db, now), _light(db, prev_id))
    finally:
        conn.execute("DROP TABLE IF EXISTS temp.dvk_increases")


# what each number of a finding is, by its place in the finding's evidence (the last role repeats)
ROLES: dict[str, tuple[str, ...]] = {
    "field_breakdown": ("total", "part"), "holder_split": ("total", "part"), "stated_twice": ("statement",),
    "cross_article": ("report",), "stock_backwards": ("earlier", "later"),
    "district_vs_province": ("district", "province"), "increase": ("increase", "stock", "earlier stock"),
}


def role(kind: str, i: int) -> str:
    roles = ROLES.get(kind, ("statement",))
    return roles[min(i, len(roles) - 1)]


def evidence_rows(finding_id: int, f: Finding, titles: dict[str, str | None]) -> Iterable[dict[str, Any]]:
    """One row per number of a finding: its article (id, title, URL), role, value and sentence."""
    from .labels import label

    for i, ev in enumerate(f.evidence):
        r = role(f.kind, i)
        yield {"finding_id": finding_id, "kind": f.kind, "severity": f.severity, "role": r,
               "role_vi": label("role", r), "value": ev["value"], "bound": ev.get("bound"),
               "metric": ev["metric"], "field": ev["field"], "holder": ev["holder"],
               "document_id": ev["document"], "title": titles.get(ev["document"]), "url": ev["url"],
               "sentence": ev.get("sentence") or ev["text"], "text": ev["text"], "span_start": ev["start"],
               "span_end": ev["end"], "sentence_start": ev.get("sentence_start"),
               "sentence_end": ev.get("sentence_end")}


@dataclass
class FindingTally:
    """What a run says of its findings without keeping them all (``run_checks_tally``): how many
    by severity (in the order the severities first appear, like a ``Counter`` of them all) and by
    kind and severity, and the first ``keep`` findings and the first ``keep`` problems (not ok),
    without their evidence (it is in the tables)."""

    keep: int = 50
    total: int = 0
    severities: Counter[str] = field(default_factory=Counter)
    by: Counter[tuple[str, str]] = field(default_factory=Counter)
    first: list[Finding] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    n_problems: int = 0

    def add(self, f: Finding) -> None:
        self.total += 1
        self.severities[f.severity] += 1
        self.by[(f.kind, f.severity)] += 1
        light = None
        if len(self.first) < self.keep:
            light = replace(f, evidence=[])
            self.first.append(light)
        if f.severity != "ok":
            self.n_problems += 1
            if len(self.problems) < self.keep:
                self.problems.append(light or replace(f, evidence=[]))

    def __len__(self) -> int:
        return self.total

    @property
    def complete(self) -> bool:
        """Whether ``first`` holds every finding."""
        return len(self.first) == self.total

    @classmethod
    def of(cls, findings: Iterable[Finding], keep: int = 50) -> FindingTally:
        tally = cls(keep=keep)
        for f in findings:
            tally.add(f)
        return tally


def run_checks(db: sqlite_utils.Database, evidence: bool = True, rewrite: bool = False) -> list[Finding]:
    """Run every check, store the findings (``findings``, and ``finding_evidence``, one row per
    number of each finding), and return them (with ``evidence=False`` without their evidence,
    which is in the tables: what a large run keeps in memory).

    The findings within an article are written with its records (``write_article_findings``), so an
    article is checked once, when it is stored, and here they are read back (all of them found again
    from the stored counts, a few thousand at a time, when the database's were written by an earlier
    version of the checks, ``checks_version``, or with ``rewrite``: what ``dvk check`` does, for
    counts written by other means than dvk's store); for the checks across articles SQLite groups
    and orders the stocks and increases and Python holds one group, pair or district at a time
    (``_across_sql``, ``_increases_sql``; the text a finding quotes is read for it); the findings
    are written a few hundred at a time as they are found. The findings and their order are those of
    all the checks on all the counts. Peak RSS of the checks alone (``run_checks_tally``, synthetic
    ``.txt`` runs): 64.5 -> 65.3 MB at 10,000 articles, 163.4 -> 90.3 MB at 100,000; what still
    grows is a batch of 200 findings' evidence (cross_article groups get larger with N)."""
    findings: list[Finding] = []
    _check_all(db, lambda f: findings.append(f if evidence else replace(f, evidence=[])), evidence, rewrite)
    return findings


def run_checks_tally(db: sqlite_utils.Database, keep: int = 50, rewrite: bool = False) -> FindingTally:
    """``run_checks`` (the same tables, byte for byte), returning only the findings' counts and
    the first ``keep`` findings and problems: what a run prints, in memory that does not grow
    with the findings."""
    tally = FindingTally(keep=keep)
    _check_all(db, tally.add, evidence=False, rewrite=rewrite)
    return tally


#: the version of the checks within an article (``within_article``): each article's findings are
#: written with its records (``write_article_findings``), and a database whose findings other
#: checks wrote has them all rewritten by the next check. ``checks_version`` adds a digest of the
#: code and labels involved, so a change there needs no bump of this by hand.
CHECKS_VERSION = "1"


def _labels_text() -> str:
    from .labels import labels_text

    return labels_text()


@cache
def checks_version() -> str:
    """``CHECKS_VERSION`` and a digest of what an article's stored findings are made of: the code of
    the checks within an article and of their rows (``count_rows``, ``evidence_rows``, ``Finding``),
    and the labels they carry (``data/labels.toml``). Where the source is not at hand (a build
    without ``.py`` files), the labels alone."""
    import hashlib
    import inspect

    from . import store

    parts = [_labels_text(), repr(ROLES)]
    with contextlib.suppress(OSError, TypeError):
        parts += [inspect.getsource(obj) for obj in (
            Finding, _ev, _verdict, _loc, _field, _period, _sum_check, _breakdown, within_article, role,
            evidence_rows, write_article_findings, store.count_rows, store._sentence, store._d)]
    digest = hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:16]
    return f"{CHECKS_VERSION}:{digest}"


def write_article_findings(conn: Any, doc_id: str, title: str | None, rows: list[dict[str, Any]]) -> None:
    """The findings within one article (``within_article`` of its count rows, as stored), written
    with its records (``store.write_document``), so a check reads them instead of finding them again."""
    from .labels import label
    from .store import _insert_one

    for f in within_article(rows):
        row = {**f.row(), "kind_vi": label("kind", f.kind), "severity_vi": label("severity", f.severity),
               "document_id": doc_id}
        fid = _insert_one(conn, "findings", row)
        _insert_rows(conn, "finding_evidence", list(evidence_rows(fid, f, {doc_id: title})))


def _rewrite_article_findings(db: sqlite_utils.Database) -> None:
    """Every article's own findings again, from its stored counts (a database of an earlier dvk, or
    of other checks): the counts read a few thousand at a time, each article's at once."""
    conn = db.conn
    conn.execute("DELETE FROM finding_evidence")
    conn.execute("DELETE FROM findings")
    for chunk in _count_chunks(db, size=_CHUNK):
        by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for c in chunk:
            by_doc[c["document_id"]].append(c)
        docs = list(by_doc)
        titles = dict(conn.execute(f"SELECT id, title FROM documents WHERE id IN ({', '.join('?' * len(docs))})",
                                   docs).fetchall())
        for doc, rows in by_doc.items():
            write_article_findings(conn, doc, titles.get(doc), rows)


def _article_findings(db: sqlite_utils.Database, evidence: bool) -> Iterator[Finding]:
    """The stored findings within articles, in the checks' order (article by article, in id order)."""
    cur = db.conn.execute("SELECT kind, severity, message, arithmetic, document_id"
                          f"{', evidence' if evidence else ''} FROM findings WHERE document_id IS NOT NULL "
                          "ORDER BY document_id, id")
    while rows := cur.fetchmany(500):
        for r in rows:
            yield Finding(r[0], r[1], r[2], r[3], [r[4]], json.loads(r[5]) if evidence else [])


def _check_all(db: sqlite_utils.Database, found: Callable[[Finding], None], evidence: bool = True,
               rewrite: bool = False) -> None:
    """Every check, each finding handed to ``found`` in order once stored: the findings within each
    article as written with its records (all rewritten when an earlier version of the checks wrote
    them, or with ``rewrite``; read without their evidence unless ``evidence``), then the findings across articles,
    replaced."""
    from .labels import label

    conn = db.conn
    with conn:
        version = conn.execute("SELECT value FROM dvk_meta WHERE key = 'checks_version'").fetchone()
        if rewrite or version is None or version[0] != checks_version():
            _rewrite_article_findings(db)
            conn.execute("INSERT OR REPLACE INTO dvk_meta (key, value) VALUES ('checks_version', ?)",
                         [checks_version()])
        conn.execute("DELETE FROM finding_evidence WHERE finding_id IN "
                     "(SELECT id FROM findings WHERE document_id IS NULL)")
        conn.execute("DELETE FROM findings WHERE document_id IS NULL")
        for f in _article_findings(db, evidence):
            found(f)
        stored = conn.execute("SELECT coalesce(max(id), 0) FROM findings").fetchone()[0]

        def store(new: Iterable[Finding]) -> None:
            nonlocal stored
            for batch in _batches(new):  # a few hundred findings' rows in memory at once
                docs = sorted({ev["document"] for f in batch for ev in f.evidence})
                marks = ", ".join("?" * len(docs))
                titles = dict(conn.execute(f"SELECT id, title FROM documents WHERE id IN ({marks})",
                                           docs).fetchall()) if docs else {}
                rows: list[dict[str, Any]] = []
                ev_rows: list[dict[str, Any]] = []
                for f in batch:
                    stored += 1
                    rows.append({"id": stored, **f.row(), "kind_vi": label("kind", f.kind),
                                 "severity_vi": label("severity", f.severity)})
                    ev_rows += evidence_rows(stored, f, titles)
                _insert_rows(conn, "findings", rows)
                _insert_rows(conn, "finding_evidence", ev_rows)
                for f in batch:
                    found(f)

        store(_across_sql(db))
        store(_increases_sql(db))


def _batches(findings: Iterable[Finding], most: int = 200, evidence: int = 2000) -> Iterator[list[Finding]]:
    """Findings a batch at a time: at most ``most`` findings and about ``evidence`` numbers of
    evidence (a finding across articles may quote hundreds of reports: batches by findings alone
    grew with the database). Batches only decide when rows are written, not what is written."""
    batch: list[Finding] = []
    quoted = 0
    for f in findings:
        batch.append(f)
        quoted += len(f.evidence)
        if len(batch) >= most or quoted >= evidence:
            yield batch
            batch, quoted = [], 0
    if batch:
        yield batch


def _insert_rows(conn: Any, table: str, rows: list[dict[str, Any]]) -> None:
    """Rows of one shape into a table, one prepared statement (what sqlite-utils' insert did one
    row at a time)."""
    if rows:
        cols = list(rows[0])
        names = ", ".join(f"[{c}]" for c in cols)
        conn.executemany(f"INSERT INTO [{table}] ({names}) VALUES ({', '.join('?' * len(cols))})",
                            [tuple(r[c] for c in cols) for r in rows])
