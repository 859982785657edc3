"""The article view (``dvk show DOC``, and Datasette's ``/-/dvk/article/<id>``): the cleaned text
with every extracted count, named model, place and period highlighted and labelled, then the
records as tables, each with its sentence.

The highlighting is spaCy's displaCy span renderer over Docs built from the article, one per
paragraph, by a blank Vietnamese pipeline that splits on white space only (no model, no pyvi;
NOTES.md): a record's character span is widened to whole words with ``Doc.char_span``, and
overlapping records (a count inside a model's sentence, a place inside a model name) are drawn
as stacked underlines, which is what the span renderer is for.
"""

from __future__ import annotations

import html
import json
import sqlite3
from dataclasses import dataclass
from functools import cache
from typing import Any

from .errors import UsageError

KINDS = {  # label prefix, colour, legend
    "count": ("SỐ", "#ffd166", "số lượng mô hình / count"),
    "model": ("MÔ HÌNH", "#a0e7a0", "mô hình cụ thể / named model"),
    "place": ("ĐỊA DANH", "#9ad0ff", "đơn vị hành chính / place"),
    "period": ("THỜI GIAN", "#e3b5ff", "kỳ báo cáo / period"),
}


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    kind: str
    label: str


@cache
def _nlp():  # type: ignore[no-untyped-def]
    import spacy

    return spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})


def find_document(conn: sqlite3.Connection, doc: str) -> dict[str, Any]:
    """The document with this id, source key or URL (``UsageError``, exit 2, when none)."""
    cur = conn.execute("SELECT * FROM documents WHERE id = ? OR source_key = ? OR url = ? "
                       "ORDER BY id = ? DESC LIMIT 1", [doc, doc, doc, doc])
    row = cur.fetchone()
    if row is None:
        raise UsageError(f"no document {doc!r} in the database",
                         hint="give a document id, source key or URL: SELECT id, title FROM documents")
    return dict(zip([c[0] for c in cur.description], row, strict=True))


def _rows(conn: sqlite3.Connection, sql: str, args: list[Any]) -> list[dict[str, Any]]:
    cur = conn.execute(sql, args)
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _occurrences(text: str, phrase: str) -> list[tuple[int, int]]:
    """Where ``phrase`` stands in ``text`` (folded: case and tone placement do not matter)."""
    from extractors.text import fold

    if not phrase or not phrase.strip():
        return []
    hay, needle = fold(text), fold(phrase.strip())
    out, at = [], hay.find(needle)
    while at >= 0:
        out.append((at, at + len(needle)))
        at = hay.find(needle, at + len(needle))
    return out


def _bound(b: str | None) -> str:
    return {"about": "~", "at_least": "≥", "at_most": "≤"}.get(b or "", "")


def marks(conn: sqlite3.Connection, doc_id: str, text: str) -> list[Mark]:
    """Every record of the document as a labelled span of its text."""
    out: list[Mark] = []
    for c in _rows(conn, "SELECT * FROM counts WHERE document_id = ? ORDER BY span_start, id", [doc_id]):
        if c["span_start"] is None:
            continue
        parts = [f"{_bound(c['bound'])}{c['value']}", c.get("metric_vi") or c["metric"],
                 c.get("field_vi") or c["field"]]
        if c["level"]:
            parts.append(c.get("level_vi") or c["level"])
        if c["holder"]:
            parts.append(c.get("holder_vi") or c["holder"])
        out.append(Mark(c["span_start"], c["span_end"], "count", " · ".join(map(str, parts))))
    for m in _rows(conn, "SELECT * FROM models WHERE document_id = ? ORDER BY span_start, id", [doc_id]):
        if m["span_start"] is not None:
            out.append(Mark(m["span_start"], m["span_end"], "model", m.get("field_vi") or m["field"] or "mô hình"))
    seen: set[tuple[int, int]] = set()
    for loc in _rows(conn, "SELECT DISTINCT kind, name, level, province FROM localities WHERE document_id = ?",
                     [doc_id]):
        for a, b in _occurrences(text, loc["name"]):
            if (a, b) not in seen:
                seen.add((a, b))
                out.append(Mark(a, b, "place", f"{loc['kind']} {loc['name']}"
                                + (f" ({loc['province']})" if loc["province"] and loc["level"] != "province" else "")))
    for p in _rows(conn, "SELECT DISTINCT start, [end], text FROM periods WHERE document_id = ? AND text IS NOT NULL",
                   [doc_id]):
        for a, b in _occurrences(text, p["text"]):
            out.append(Mark(a, b, "period", f"{p['start'] or '…'} → {p['end'] or '…'}"))
    return sorted(out, key=lambda m: (m.start, -m.end, m.kind))


def highlight(text: str, found: list[Mark]) -> str:
    """The text as HTML, a paragraph per line, each record a labelled span (displaCy)."""
    from spacy import displacy

    nlp = _nlp()
    colours = {}
    paras: list[str] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        start, body = pos, line.rstrip("\r\n")
        pos += len(line)
        if not body.strip():
            continue
        lead = len(body) - len(body.lstrip())
        doc = nlp(body.strip())
        offset = start + lead
        spans = []
        for m in found:
            if m.end <= offset or m.start >= offset + len(doc.text):
                continue
            span = doc.char_span(max(m.start - offset, 0), min(m.end - offset, len(doc.text)),
                                 label=f"{KINDS[m.kind][0]}: {html.escape(m.label)}", alignment_mode="expand")
            if span is not None:
                spans.append(span)
                colours[span.label_] = KINDS[m.kind][1]
        if not spans:
            paras.append(f"<p>{html.escape(doc.text)}</p>")
            continue
        doc.spans["dvk"] = spans
        paras.append(displacy.render(doc, style="span", page=False,
                                     options={"spans_key": "dvk", "colors": colours}))
    return "\n".join(paras)


def _table(rows: list[dict[str, Any]], cols: list[tuple[str, str]]) -> str:
    head = "".join(f"<th>{html.escape(t)}</th>" for _, t in cols)
    body = "".join("<tr>" + "".join(f"<td>{html.escape('' if r.get(k) is None else str(r.get(k)))}</td>"
                                    for k, _ in cols) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render(conn: sqlite3.Connection, doc: str, *, datasette: str | None = None) -> str:
    """The whole HTML page of one document; ``datasette`` is the database's URL path when the
    page is served by Datasette (links back to its rows)."""
    d = find_document(conn, doc)
    text = d["text"] or ""
    found = marks(conn, d["id"], text)
    counts = _rows(conn, "SELECT * FROM counts WHERE document_id = ? ORDER BY id", [d["id"]])
    models = _rows(conn, "SELECT * FROM models WHERE document_id = ? ORDER BY id", [d["id"]])
    for m in models:
        m["owners"] = "; ".join(json.loads(m["owners"] or "[]"))
    legend = " ".join(f'<span class="key" style="background:{c}">{p}</span> {html.escape(t)}'
                      for p, c, t in KINDS.values())
    title = html.escape(d["title"] or d["id"])
    url = (f'<a href="{html.escape(d["url"])}">{html.escape(d["url"])}</a>' if d["url"]
           else "<em>no URL known / không rõ địa chỉ</em>")
    back = (f' · <a href="{datasette}/documents/{html.escape(d["id"])}">Datasette</a>'
            f' · <a href="{datasette}/counts?document_id={html.escape(d["id"])}">counts</a>') if datasette else ""
    n = {k: sum(m.kind == k for m in found) for k in KINDS}
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem}}
table{{border-collapse:collapse;font-size:.9em;margin:.5rem 0 1.5rem}}
td,th{{border:1px solid #ccc;padding:.2rem .4rem;vertical-align:top}}
.key{{padding:0 .3rem;border-radius:3px;font-weight:bold}} .meta{{color:#444}} .spans{{line-height:3!important}}
.spans span[style*="z-index: 10"]{{white-space:nowrap;font-size:10px!important}}</style></head>
<body><h1>{title}</h1>
<p class="meta">{url} · {html.escape(d["published"] or "no date")} · {html.escape(d["source"] or "")} ·
document <code>{html.escape(d["id"])}</code>{back}</p>
<p class="legend">{legend}</p>
<p class="meta" id="tally">{n["count"]} counts, {n["model"]} models, {n["place"]} places,
{n["period"]} periods highlighted</p>
<article>{highlight(text, found)}</article>
<h2>Số lượng mô hình / Counts</h2>
{_table(counts, [("value", "số"), ("bound_vi", "mức"), ("metric_vi", "chỉ tiêu"), ("field_vi", "lĩnh vực"),
                 ("level_vi", "cấp"), ("holder_vi", "chủ thể"), ("locality_name", "đơn vị"), ("province", "tỉnh"),
                 ("period_start", "từ"), ("period_end", "đến"), ("sentence", "câu trích dẫn")])}
<h2>Mô hình / Named models</h2>
{_table(models, [("name", "tên"), ("field_vi", "lĩnh vực"), ("owners", "chủ thể"), ("sentence", "câu trích dẫn")])}
</body></html>
"""
