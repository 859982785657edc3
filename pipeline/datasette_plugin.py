"""dvk's Datasette plugin (registered by ``dvk serve``): the article view and the totals chart as
pages of their own, search that accepts any text, and cells that link each row to its article.

- ``/-/dvk/article/<document id>``: ``pipeline.show.render`` (displaCy highlighting).
- ``/-/dvk/chart``: the ``totals`` view as bar charts, one per unit, every figure of the whole
  query (not only a page of it), each bar linked to the article behind it.
- ``dvk_fts(text)``: an SQL function turning what a person types into an FTS5 query that cannot
  fail (every word quoted, punctuation-only words dropped, an unbalanced quote ignored, "d" and
  "đ" either way), for the ``search`` canned query; Datasette's own ``?_search=`` on a table
  gets the same query (the plugin's ``escape_fts`` replaces Datasette's).
- ``/-/databases(.json)``: Datasette's list of databases without the file's local path.
- facets: a coded column's values with their Vietnamese labels beside the codes (the filter
  ``dvk_facet_label`` in dvk's copy of Datasette's ``_facet_results.html``, ``data/templates``).
- cells: a ``document_id`` shows the article's title, a link to its row and one to its article
  view; in the documents table the title links to the article view, the text shows its start
  (not the whole article) and the path only the file's name; a search ``snippet`` shows its
  matches marked.
"""

from __future__ import annotations

import html
import re
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup

ARTICLE = "/-/dvk/article/"
_WORD = re.compile(r"[^\W_]", re.UNICODE)


_D = {"d": "dđ", "đ": "dđ", "D": "DĐ", "Đ": "DĐ"}
_MAX_VARIANTS = 16  # spellings of one phrase; beyond, its words are matched one by one
_TYPED = re.compile(r'"([^"]*)"|(\S+)')


def _spellings(words: list[str]) -> list[str]:
    """Every spelling of the words with each "d" or "đ" either way ("Dak" → Dak, Đak), in order."""
    from itertools import product

    text = " ".join(words)
    slots = [_D.get(ch, ch) for ch in text]
    n = 1
    for s in slots:
        n *= len(s)
    if n > _MAX_VARIANTS:
        return []
    return ["".join(p) for p in product(*slots)]


def _phrase(words: list[str]) -> str:
    """Words as one FTS5 phrase, with "d" and "đ" either way in each of them, which the index's
    ``remove_diacritics`` does not fold ("dang" finds "Đảng", "Đắk Lắk" finds "Dak Lak")."""
    spellings = _spellings(words)
    if not spellings and len(words) > 1:  # too many d's for one phrase: each word on its own
        return " AND ".join(_phrase([w]) for w in words)
    if not spellings:  # a word of many d's: as typed, all d, all đ
        plain = words[0].replace("đ", "d").replace("Đ", "D")
        spellings = sorted({words[0], plain, plain.replace("d", "đ").replace("D", "Đ")})
    if len(spellings) == 1:
        return f'"{spellings[0]}"'
    return "(" + " OR ".join(f'"{v}"' for v in spellings) + ")"


def fts_query(text: str | None) -> str:
    """Any typed text as an FTS5 query that cannot fail: each white-space separated word a quoted
    phrase, and words in double quotes one phrase (an unbalanced quote is ignored); "d" and "đ"
    either way; all of them required (an explicit AND: FTS5 takes no implicit one after a
    parenthesis); words without a letter or digit left out; nothing left matches nothing.
    Datasette's own table search (``?_search=``) uses it too (it replaces ``escape_fts``)."""
    phrases = []
    for m in _TYPED.finditer(text or ""):
        words = [w.replace('"', "") for w in (m.group(1) if m.group(1) is not None else m.group(2)).split()]
        words = [w for w in words if _WORD.search(w)]
        if words:
            phrases.append(_phrase(words))
    return " AND ".join(phrases) if phrases else '"\u2400"'  # a phrase no article holds


@hookimpl(trylast=True)  # after Datasette's own, so that its ``escape_fts`` is replaced
def prepare_connection(conn: Any) -> None:
    conn.create_function("dvk_fts", 1, fts_query, deterministic=True)
    # the documents table's search box (``?_search=``) passes what is typed through escape_fts:
    # the same query as the canned search, so d and đ find each other there too
    conn.create_function("escape_fts", 1, fts_query, deterministic=True)


def _db(datasette: Any) -> Any:
    return datasette.get_database()


def _base(datasette: Any) -> str:
    return datasette.urls.database(_db(datasette).name)


async def article(request: Any, datasette: Any) -> Response:
    from .errors import DvkError
    from .show import render

    doc = request.url_vars["doc"]
    base = _base(datasette)
    try:
        page = await _db(datasette).execute_fn(lambda conn: render(conn, doc, datasette=base))
    except DvkError as exc:
        return Response.html(f"<!DOCTYPE html><title>not found</title><p>{html.escape(str(exc))}</p>", status=404)
    return Response.html(page)


def chart_page(rows: list[dict[str, Any]], metric: str, base: str, article_path: str = ARTICLE) -> str:
    """An SVG bar chart per unit of the totals view: one bar per date, its value and article."""
    units: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for r in rows:
        units.setdefault((r["province"], r["locality_level"], r["locality_kind"], r["locality_name"],
                          r["level_vi"]), []).append(r)
    parts = []
    for (province, _level, kind, name, level_vi), series in units.items():
        series.sort(key=lambda r: r["period_end"])
        top = max(r["value"] for r in series) or 1
        bar_w, gap, h = 70, 20, 160
        width = len(series) * (bar_w + gap) + gap
        bars = []
        for i, r in enumerate(series):
            x = gap + i * (bar_w + gap)
            bh = max(2, round(h * r["value"] / top))
            mark = {"about": "~", "at_least": "≥", "at_most": "≤"}.get(r["bound"], "")
            tip = html.escape(f"{r['title'] or r['document_id']} — {r['sentence'] or ''}")
            bars.append(
                f'<a href="{article_path}{html.escape(r["document_id"])}"><title>{tip}</title>'
                f'<rect x="{x}" y="{20 + h - bh}" width="{bar_w}" height="{bh}" fill="#4c78a8"/>'
                f'<text x="{x + bar_w / 2}" y="{14 + h - bh}" text-anchor="middle">{mark}{r["value"]:,}</text>'
                f'<text x="{x + bar_w / 2}" y="{h + 36}" text-anchor="middle">'
                f'{html.escape(r["period_end"])}</text></a>')
        title = f"{kind} {name}" + (f", {province}" if province and province != name else "")
        title += f" — {level_vi}" if level_vi else ""
        parts.append(f'<figure><figcaption>{html.escape(title)}</figcaption>'
                     f'<svg role="img" width="{width}" height="{h + 44}" font-size="11">{"".join(bars)}</svg></figure>')
    options = "".join(f'<option value="{m}"{" selected" if m == metric else ""}>{m}</option>'
                      for m in ("built", "registered", "recognized", "new", "replicated", "effective",
                                "commended", "increase"))
    body = "".join(parts) or "<p>No figure for this metric / Chưa có số liệu.</p>"
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>Totals by unit and date / Tổng số mô hình theo đơn vị và thời điểm</title>
<style>body{{font-family:system-ui,sans-serif;margin:1rem}} figure{{display:inline-block;margin:0 1rem 1rem 0;
vertical-align:top}} figcaption{{font-weight:bold}}</style></head><body>
<h1>Totals by unit and date / Tổng số mô hình theo đơn vị và thời điểm</h1>
<form><label>metric <select name="metric" onchange="this.form.submit()">{options}</select></label>
<noscript><button>show</button></noscript></form>
<p>One figure per unit, recognising level and date (all fields, no holder split); a district's and its
province's figures are never added up. Each bar links to its article. Data: <a href="{base}/totals?metric={metric}">the
totals view</a>.</p>
{body}</body></html>"""


async def chart(request: Any, datasette: Any) -> Response:
    metric = request.args.get("metric") or "built"
    result = await _db(datasette).execute(
        "SELECT * FROM totals WHERE metric = ? ORDER BY province, locality_level, locality_name, period_end",
        [metric])
    rows = [dict(r) for r in result.rows]
    return Response.html(chart_page(rows, metric, _base(datasette), datasette.urls.path(ARTICLE)))


def _clean_search(query_string: bytes) -> bytes:
    """Drop a ``_search`` with no letter or digit (an empty box, a lone dash or quote), which
    Datasette would pass to FTS5 as an invalid query; any other text it escapes itself."""
    from urllib.parse import parse_qsl, urlencode

    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, encoding="latin-1")
    kept = [(k, v) for k, v in pairs
            if not (k.startswith("_search") and not _WORD.search(v.encode("latin-1").decode("utf-8", "replace")))]
    return query_string if len(kept) == len(pairs) else urlencode(kept, encoding="latin-1").encode("latin-1")


@hookimpl
def asgi_wrapper() -> Any:
    def wrap(app: Any) -> Any:
        async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope.get("type") == "http" and b"_search" in scope.get("query_string", b""):
                scope = {**scope, "query_string": _clean_search(scope["query_string"])}
            await app(scope, receive, send)
        return wrapped
    return wrap


def facet_label(value: Any, table: str | None, column: str) -> str:
    """What a facet shows for a value: "-" for none, a code of a coded column with its label
    beside it ("kinh tế (economy)"), anything else as it is."""
    from .labels import column_label

    if value is None or value == "":
        return "-"
    vi = column_label(table, column, value)
    return f"{vi} ({value})" if vi and vi != value else str(value)


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    env.filters["dvk_facet_label"] = facet_label


async def databases(request: Any, datasette: Any) -> Response:
    """Datasette's ``/-/databases`` without where the database file lives (its ``path``): a
    page of the served site names no local path (plugin routes come before Datasette's own)."""
    return Response.json([{k: v for k, v in d.items() if k != "path"} for d in datasette._connected_databases()])


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/-/dvk/article/(?P<doc>[^/]+)$", article), (r"^/-/dvk/chart$", chart),
            (r"^/-/databases(\.json)?$", databases)]


def _snippet(value: str) -> Markup:
    escaped = html.escape(value).replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>")
    return Markup(escaped)


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    if column == "snippet" and isinstance(value, str):
        return _snippet(value)
    if table == "documents" and column == "text" and isinstance(value, str):
        short = value if len(value) <= 240 else value[:240].rsplit(" ", 1)[0] + " …"
        return short
    if table == "documents" and column == "path" and isinstance(value, str):
        return value.replace("\\", "/").rsplit("/", 1)[-1]  # the file's name, not where it lives here
    if table == "documents" and column == "title" and isinstance(value, str) and row is not None:
        # the id is Datasette's link to the row; the title is the link to the article view
        view = datasette.urls.path(ARTICLE + str(row["id"]))
        return Markup(f'<a href="{html.escape(view)}">{html.escape(value)}</a>')
    if table == "findings" and column == "documents" and isinstance(value, str) and value:
        # each article of the finding, linked to its article view; its numbers: finding_evidence
        return Markup(", ".join(f'<a href="{html.escape(datasette.urls.path(ARTICLE + d))}">{html.escape(d)}</a>'
                                for d in value.split(",")))
    is_doc = (column == "document_id") or (table == "documents" and column == "id")
    known = None
    if isinstance(value, dict) and "value" in value:  # a foreign key Datasette expanded: id and title
        value, known = value["value"], value.get("label")
    if not is_doc or not isinstance(value, str):
        return None

    async def link() -> Markup:
        base = datasette.urls.database(database)
        title = known
        if title is None:
            res = await datasette.get_database(database).execute("SELECT title FROM documents WHERE id = ?", [value])
            title = res.first()[0] if res.first() else None
        ident = html.escape(value)
        shown = html.escape(title or value)
        row_link = "" if table == "documents" else f'<a href="{base}/documents/{ident}">{shown}</a> · '
        view = datasette.urls.path(ARTICLE + ident)
        return Markup(f'{row_link}<a href="{view}" title="{ident}">bài báo / article ↗</a>')

    return link()
