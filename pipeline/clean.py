"""Cleaning: an HTML page (bytes or text) to the article's text and metadata.

A site's profile (``corpus/sources.toml``) gives CSS selectors for the body, title, date, author
and the chrome to drop; pages of unknown sites go through a generic fallback that removes page
furniture by tag and class names and keeps the densest block of paragraphs.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Container
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import UnreadableInput
from .sources import Profile

if TYPE_CHECKING:  # links (and w3lib, urllib.request, ssl) load with the first page parsed for links
    from .links import PageLinks

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)


def decode_html(data: bytes, header_charset: str | None = None, *, path: str | None = None) -> str:
    """Bytes to NFC text.

    A byte order mark wins; then bytes that are valid UTF-8 and not plain ASCII are read as UTF-8
    whatever the page declares (a legacy encoding almost never yields valid multi-byte UTF-8 by
    accident, while servers that send ``charset=iso-8859-1`` for UTF-8 pages are common); then the
    HTTP header charset, then ``<meta charset>``, then detection (charset-normalizer).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return unicodedata.normalize("NFC", data[3:].decode("utf-8", errors="replace"))
    if not data.isascii():
        try:
            return unicodedata.normalize("NFC", data.decode("utf-8"))
        except UnicodeDecodeError:
            pass
    tried: list[str] = []
    meta = _META_CHARSET.search(data[:4096])
    for cs in (header_charset, meta.group(1).decode("ascii", "ignore") if meta else None):
        if not cs or cs.lower() in tried:
            continue
        tried.append(cs.lower())
        try:
            return unicodedata.normalize("NFC", data.decode(cs))
        except (LookupError, UnicodeDecodeError):
            continue
    if data.isascii():
        return data.decode("ascii")
    # UTF-8 declared, or nearly all of it valid UTF-8 (a CMS cut a character in half): keep the
    # text and mark the broken bytes with U+FFFD rather than lose the article
    lenient = data.decode("utf-8", errors="replace")
    if "utf-8" in tried or "utf8" in tried or lenient.count("\ufffd") <= max(3, len(lenient) // 1000):
        return unicodedata.normalize("NFC", lenient)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnreadableInput("cannot decode the page: no charset declared and none detected",
                              path=path, hint="save it as UTF-8")
    return unicodedata.normalize("NFC", str(best))


# --- dates -------------------------------------------------------------------------------------
_DATE_PATTERNS = [
    re.compile(r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>(?:19|20)\d\d)"),
    re.compile(r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>(?:19|20)\d\d)", re.I),
    re.compile(r"(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2}),?\s+(?P<y>(?:19|20)\d\d)", re.I),
    re.compile(r"(?P<y>(?:19|20)\d\d)-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
]


def parse_vn_date(text: str) -> date | None:
    """The first date in a Vietnamese dateline: "14:15 04/01/2024", "Ngày đăng: 27.08.2020",
    "Thứ ba, 27/2/2024 | 2:14:39 PM", "2024-01-04T14:15:00+07:00", "Thứ Ba, ngày 5 tháng 10 năm 2021"."""
    for pat in _DATE_PATTERNS:
        m = pat.search(text)
        if m:
            try:
                return date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                continue
    return None


_DATELINE = re.compile(
    r"^\s*[-–•]?\s*\(?\s*(?:(?:ngày đăng|đăng ngày|đăng lúc|ngày xuất bản|xuất bản|cập nhật(?: ngày| lúc)?|ngày)"
    r"\s*:?\s*)?(?:thứ [^,]{1,8},\s*|chủ nhật,\s*)?"
    r"(?:\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AP]M)?\s*[|,-]?\s*)?"
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d\d|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+(?:19|20)\d\d"
    r"|\d{1,2}\s+tháng\s+\d{1,2},?\s+(?:19|20)\d\d)"
    r"(?:\s*(?:[|,-]|lúc)?\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AP]M)?)?(?:\s*(?:GMT|UTC)\s*[+-]\s*\d{1,2})?"
    # what may follow on its line: a category or a view counter ("- 16:42 Chính trị", "Lượt xem: 1.284")
    r"(?:\s+(?:lượt xem|số lượt xem|lượt đọc)\s*:?\s*[\d.,]+|\s+[^\W\d][^\d|·•]{0,30})?\s*\)?\s*$",
    re.I,
)  # "14:15 04/01/2024", "Ngày đăng: 27.08.2020", "(15:20 | 12/03/2019)", "Cập nhật: 12 tháng 9, 2025 lúc 15:20"


#: what may follow a dateline on its line: "Ngày đăng: 20/05/2023 | Người đăng: …", "… · Chuyên mục: …"
_DATELINE_TAIL = re.compile(r"\s+[|·•]\s+")


def find_dateline(text: str, max_lines: int = 12) -> date | None:
    """The publication date from a dateline among the first lines of a page's text (the line's
    first part before a "|" or "·" separator: "Đăng lúc 16:30, 05/09/2025 · Chuyên mục: …")."""
    for line in text.splitlines()[:max_lines]:
        for part in (line, _DATELINE_TAIL.split(line, maxsplit=1)[0]):  # "(15:20 | 12/03/2019)" whole
            if _DATELINE.match(part):
                return parse_vn_date(part)
    return None


#: a page's JSON-LD "datePublished", read from the raw page (the script goes with the junk)
_JSONLD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{8,40})"')


# --- HTML --------------------------------------------------------------------------------------
_BLOCKS = frozenset(("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "figcaption", "blockquote",
                     "section", "article", "td", "th", "br", "table", "ul", "ol", "dl", "dd", "dt", "figure",
                     "header", "footer", "main", "aside", "nav", "form", "center", "pre", "address"))
_JUNK_TAGS = ("script", "style", "noscript", "iframe", "svg", "button", "label", "input", "select",
              "textarea", "template", "link", "meta")
_CONTROLS = ("input", "select", "textarea", "button")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_TITLED = frozenset((*_HEADINGS, "div", "p", "td", "th", "strong", "b", "span", "li", "dt"))  # "Tin liên quan"
_UNITS = frozenset(("li", "article", "tr", "div", "section", "dd", "td"))  # what holds one teaser
_PRUNE = ("ul", "ol", "dl", "table", "div", "section", "li", "tr", "td", "aside", "nav", "form")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_IMAGE_NAME = re.compile(r"^\S[^/\\]*\.(?:jpe?g|png|gif|bmp|webp|tiff?)$", re.I)


@dataclass(frozen=True)
class ChromeRules:
    """What the generic cleaner takes for page furniture (``pipeline/data/chrome.toml``)."""

    names: re.Pattern[str]  # class or id words of furniture (menu, toolbar, related …)
    weak_names: re.Pattern[str]  # ... furniture only without running text ("print-header", not "print-body")
    weak_keep: re.Pattern[str]  # ... unless they say what they hold ("print-date", "print-title")
    author_names: re.Pattern[str]  # class or id words of the author line
    lines: re.Pattern[str]  # whole lines that are furniture ("Số lần đọc: 492", "In bài")
    related: re.Pattern[str]  # headings of related-news lists ("Tin liên quan")
    comments: re.Pattern[str]  # headings of comment sections ("Ý kiến bạn đọc")
    max_line: int  # only lines up to this many characters are matched against ``lines``


def _words(words: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?:^|[-_ ])(?:" + "|".join(words) + r")(?:[-_ ]|$)", re.I)


def _whole(patterns: list[str]) -> re.Pattern[str]:
    return re.compile(r"^\s*(?:" + "|".join(f"(?:{p})" for p in patterns) + r")\s*[:.]?\s*$", re.I)


@cache
def chrome_rules() -> ChromeRules:
    data = tomllib.loads((Path(__file__).parent / "data" / "chrome.toml").read_text(encoding="utf-8"))
    return ChromeRules(names=_words(data["names"]), weak_names=_words(data["weak_names"]),
                       weak_keep=_words(data["weak_keep"]),
                       author_names=_words(data["author_names"]),
                       lines=_whole(data["lines"]), related=_whole(data["related"]),
                       comments=_whole(data["comments"]), max_line=int(data["max_line"]))


@dataclass
class Cleaned:
    text: str
    title: str | None = None
    published: date | None = None
    author: str | None = None
    profile_matched: bool = False  # the site profile's body selector found the article
    article_marked: bool = False  # the page says it is an article (og:type, articleBody, one <article>)
    link_share: float = 0.0  # share of the body text that is link text (high on listing pages)
    long_paragraphs: int = 0  # paragraphs of running text (60+ characters, few links)
    running: int = 0  # characters of those paragraphs
    teasers: int = 0  # small blocks each around one headline link (a listing's items)
    teaser_share: float = 0.0  # share of the body text in such blocks
    links: PageLinks | None = None  # the page's links (when asked for: one parse for both)

    @property
    def kind(self) -> str:
        """``article`` or ``listing``, from the page's structure, never from its length alone: a
        listing is mostly links, or mostly teasers (a headline link and a line or two, repeated),
        or has no running text; an article is found by its profile, marked as one, or has a
        title and a date, or three paragraphs of running text."""
        if self.link_share >= 0.5 or self.running < 200:
            return "listing"
        if self.teasers >= 3 and self.teaser_share >= 0.5 and not self.profile_matched:
            return "listing"
        evidence = (self.profile_matched or self.article_marked
                    or (self.title is not None and self.published is not None) or self.long_paragraphs >= 3)
        return "article" if evidence else "listing"

    @property
    def is_article(self) -> bool:
        return self.kind == "article"


def _soup(html: str):  # type: ignore[no-untyped-def]
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "lxml")


def _text_of(node) -> str:  # type: ignore[no-untyped-def]
    """Block-aware text: one line per paragraph-like element, spaces collapsed (no recursion:
    any depth of nesting)."""
    from bs4 import NavigableString, Tag

    parts: list[str] = []
    stack: list[object] = list(reversed(node.contents))
    while stack:
        n = stack.pop()
        if n is None:
            parts.append("\n")
        elif isinstance(n, NavigableString):
            if type(n).__name__ not in ("Comment", "Doctype", "ProcessingInstruction", "Declaration"):
                parts.append(str(n))
        elif isinstance(n, Tag) and n.name not in _JUNK_TAGS:
            row = _table_row(n) if n.name == "tr" else None
            if row is not None:  # a row of a data table: one line, its cells apart ("Kinh tế | 2.108")
                parts.extend(("\n", row, "\n"))
                continue
            if n.name in _BLOCKS:
                parts.append("\n")
                stack.append(None)
            stack.extend(reversed(n.contents))
    raw = "".join(parts).replace("\u00a0", " ").replace("\u200b", "")
    lines = [re.sub(r"[ \t\r\f\v]+", " ", ln).strip() for ln in raw.split("\n")]
    return "\n\n".join(ln for ln in lines if ln)


#: elements inside a table cell that make it a layout cell, not a datum
_CELL_BLOCKS = frozenset(("table", "div", "p", "ul", "ol", "li", "section", "article", "h1", "h2", "h3", "h4",
                          "h5", "h6", "blockquote", "figure", "img", "br"))
_NUMBER_CELL = re.compile(r"[\d.,%\s]+")


def _table_row(tr) -> str | None:  # type: ignore[no-untyped-def]
    """The cells of a data table's row as one line joined by " | " (a count table's row reads like
    the text tables news writes: "TP. Đồng Xoài | 198"); None for a layout row (a cell holding
    paragraphs, lists or another table, or long text)."""
    from bs4 import Tag

    cells = [c for c in tr.children if isinstance(c, Tag) and c.name in ("td", "th")]
    if len(cells) < 2:
        return None
    texts = []
    for cell in cells:
        if cell.find(_CELL_BLOCKS) is not None:
            return None
        text = re.sub(r"\s+", " ", cell.get_text(" ")).replace("\u200b", "").strip()
        if len(text) > 120:
            return None
        texts.append(text)
    # a data row has a number among its cells ("TP. Đồng Xoài | 198"), a header row only <th> cells;
    # a row of menus and text is layout
    if not any(t and _NUMBER_CELL.fullmatch(t) for t in texts) and any(c.name != "th" for c in cells):
        return None
    return " | ".join(texts)


@dataclass
class _Stats:
    total: int = 0  # characters of text (white space stripped)
    link: int = 0  # of which inside <a>
    running: int = 0  # characters of running-text paragraphs inside
    paragraphs: int = 0
    blocks: int = 0  # block elements inside


def _stat(stats: dict[int, _Stats], tag) -> _Stats:  # type: ignore[no-untyped-def]
    """A tag's statistics; a tag the pass did not reach (inside a junk element) has none."""
    return stats.get(id(tag)) or _Stats()


def _stats(root) -> dict[int, _Stats]:  # type: ignore[no-untyped-def]
    """Text statistics of every element under ``root``, in one bottom-up pass (linear time)."""
    from bs4 import NavigableString, Tag

    out: dict[int, _Stats] = {}
    stack: list[tuple[Tag, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if not done:
            stack.append((node, True))
            stack.extend((c, False) for c in node.contents if isinstance(c, Tag) and c.name not in _JUNK_TAGS)
            continue
        s = _Stats()
        for c in node.contents:
            if isinstance(c, Tag):
                cs = out.get(id(c))
                if cs is not None:
                    s.total += cs.total
                    s.link += cs.link
                    s.running += cs.running
                    s.paragraphs += cs.paragraphs
                    s.blocks += cs.blocks + (c.name in _BLOCKS)
            elif isinstance(c, NavigableString) and type(c).__name__ == "NavigableString":
                s.total += len(c.strip())
        if node.name == "a":
            s.link = s.total
        if s.blocks == 0 and node.name in _BLOCKS and s.total - s.link >= 60 and s.link < 0.3 * s.total:
            s.running, s.paragraphs = s.total - s.link, 1
        out[id(node)] = s
    return out


def tags_in(root, names: Container[str] | None = None) -> list[Any]:  # type: ignore[no-untyped-def]
    """The tags under ``root`` named one of ``names`` (every tag: None), in document order: what
    ``root.find_all(list(names))`` gives, by a plain walk. bs4's general matching costs several
    times more per element, and a page is searched a dozen times: it was half of cleaning."""
    from bs4 import Tag

    if names is None:
        return [t for t in root.descendants if isinstance(t, Tag)]
    return [t for t in root.descendants if isinstance(t, Tag) and t.name in names]


def _attr_is(tag, attr: str, value: str | bool) -> bool:  # type: ignore[no-untyped-def]
    """bs4's test of one attribute: present (``True``), or equal to ``value`` (a multi-valued
    attribute: one of its values, or all of them joined by spaces)."""
    got = tag.get(attr)
    if value is True:
        return got is not None
    if isinstance(got, list):
        return value in got or " ".join(got) == value
    return bool(got == value)


def first_tag(root, name: str | None, attr: str | None = None,  # type: ignore[no-untyped-def]
              value: str | bool = True):
    """The first tag under ``root`` named ``name`` (any: None) with ``attr`` present or equal to
    ``value``: ``root.find(name, attrs={attr: value})`` by a plain walk (see ``tags_in``)."""
    from bs4 import Tag

    for t in root.descendants:
        if isinstance(t, Tag) and (name is None or t.name == name) and (attr is None or _attr_is(t, attr, value)):
            return t
    return None


def _first(soup, selectors: list[str]):  # type: ignore[no-untyped-def]
    for sel in selectors:
        found = soup.select_one(sel)
        if found is not None:
            return found
    return None


def _names(tag) -> str:  # type: ignore[no-untyped-def]
    return " ".join([*(tag.get("class") or []), tag.get("id") or ""]).strip()


def _plain(text: str) -> str:
    """Lower case without tone or vowel marks, đ as d: what the chrome patterns are written in."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _gone(tag) -> bool:  # type: ignore[no-untyped-def]
    """Whether a tag was decomposed (``Tag.decomposed`` itself searches the subtree for a tag
    named ``_decomposed`` when it was not: quadratic over a page)."""
    return bool(tag.__dict__.get("_decomposed", False))


def _up(tag, names: frozenset[str] | tuple[str, ...], limit: int = 40):  # type: ignore[no-untyped-def]
    """The nearest ancestor named one of ``names``, looking at most ``limit`` levels up."""
    node = tag.parent
    for _ in range(limit):
        if node is None or node.name in names:
            return node
        node = node.parent
    return None


def _drop_furniture(soup, rules: ChromeRules) -> str | None:  # type: ignore[no-untyped-def]
    """Remove what every site's pages carry around an article: hidden elements, navigation,
    furniture named by class or id, form rows and comment forms, image file names, related-news
    and comment sections. Returns the author line when one is marked as such. Linear in the
    page: text sizes come from one ``_stats`` pass, never from a subtree walk per element."""
    for tag in tags_in(soup, ("nav", "header", "footer", "aside")):
        if not _gone(tag):
            tag.decompose()
    stats = _stats(soup)
    author: str | None = None
    for tag in tags_in(soup):
        if _gone(tag) or tag.name in ("body", "html"):
            continue
        style, names = tag.get("style") or "", _names(tag)
        if tag.has_attr("hidden") or (style and _HIDDEN.search(style)):
            tag.decompose()
        elif names and rules.author_names.search(names) and tag.name != "article":
            if _stat(stats, tag).total <= 120:
                author = author or tag.get_text(" ", strip=True) or None
                tag.decompose()
        elif names and tag.name != "article" and (rules.names.search(names) or (
                rules.weak_names.search(names) and not rules.weak_keep.search(names)
                and _stat(stats, tag).running < 200)):
            tag.decompose()
    for control in tags_in(soup, _CONTROLS):
        if _gone(control):
            continue
        form = _up(control, ("form",))
        if control.name == "textarea" and form is not None and _stat(stats, form).total < 1500:
            form.decompose()  # a comment form (an ASP.NET page is one big form: that one stays)
            continue
        row = _up(control, _BLOCKS)
        if row is not None and row.name not in ("form", "body") and _stat(stats, row).total < 100:
            row.decompose()  # "Tin trong: ( ) Chuyên mục này ( ) Mọi chuyên mục", a search box
    for a in tags_in(soup, ("a",)):
        if not _gone(a) and _stat(stats, a).total <= 200 and _IMAGE_NAME.match(a.get_text(strip=True)):
            a.decompose()
    for tag in tags_in(soup, _TITLED):
        if _gone(tag):
            continue
        st = _stat(stats, tag)
        if not st.total or st.total > 40 or st.blocks > 3:
            continue
        plain = _plain(tag.get_text(" ", strip=True))
        comments = rules.comments.match(plain) is not None
        if not comments and rules.related.match(plain) is None:
            continue
        head = tag  # the heading's own block when it is an inline run ("<b>Tin liên quan</b>")
        while head.name in ("strong", "b", "span") and head.parent is not None and \
                _stat(stats, head.parent).total == st.total:
            head = head.parent
        for sib in list(head.find_next_siblings(True)):
            ss = stats.get(id(sib))
            if comments or ss is None or ss.link >= 0.5 * ss.total:
                sib.decompose()
            else:
                break
        head.decompose()
    return author


def _generic_body(soup):  # type: ignore[no-untyped-def]
    """The element around the article: the one <article> (or the one with most running text),
    else the block with the most running text less twice its link text."""
    stats = _stats(soup)
    articles = [a for a in tags_in(soup, ("article",)) if id(a) in stats]  # (not inside a removed one)
    if articles:
        best_article = max(articles, key=lambda a: _stat(stats, a).running)
        if _stat(stats, best_article).running >= 200:
            return best_article, stats
    best, best_score = soup.body or soup, 0.0
    for tag in tags_in(soup, ("div", "td", "section", "main", "article")):
        s = stats.get(id(tag))
        if s is None:
            continue
        score = s.running - 2 * s.link
        if score > best_score:
            best, best_score = tag, score
    return best, stats


def _teasers(body, stats: dict[int, _Stats]) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Blocks of a listing's items under ``body``: the nearest item-like element around each
    headline link (four words or more) when it is small (600 characters or less)."""
    units: dict[int, int] = {}
    for a in tags_in(body, ("a",)):
        s = stats.get(id(a))
        if s is None or s.total > 400 or len(a.get_text(" ", strip=True).split()) < 4:
            continue
        unit = _up(a, _UNITS, limit=20)
        if unit is None or unit is body:
            continue
        u = stats.get(id(unit))
        if u is not None and u.total <= 600:
            units[id(unit)] = u.total
    return len(units), sum(units.values())


def _prune(body, stats: dict[int, _Stats]) -> None:  # type: ignore[no-untyped-def]
    """Inside the chosen body: blocks that are mostly links (lists of other articles, menus)."""
    for tag in tags_in(body, _PRUNE):
        if _gone(tag):
            continue
        s = stats.get(id(tag))
        if s is not None and s.total and s.link >= 0.6 * s.total:
            tag.decompose()


_RIGHT = re.compile(r"text-align\s*:\s*right", re.I)


def _trailing_author(body, stats: dict[int, _Stats]) -> str | None:  # type: ignore[no-untyped-def]
    """The author line at the end of the body, taken out: a short last paragraph (a name, no
    sentence) set apart by its look (bold, italic or right-aligned)."""
    from bs4 import Tag

    last = None
    for tag in tags_in(body, _BLOCKS):
        s = stats.get(id(tag))
        if not _gone(tag) and s is not None and s.total and s.blocks == 0:
            last = tag
    if last is None or last is body:
        return None
    text = last.get_text(" ", strip=True)
    if len(text) > 60 or len(text.split()) > 8 or text[-1] in ".!?:;,…":
        return None
    kids = [c for c in last.contents if isinstance(c, Tag)]
    styled = (str(last.get("align", "")).lower() == "right" or bool(_RIGHT.search(str(last.get("style", ""))))
              or (len(kids) == 1 and kids[0].name in ("b", "strong", "em", "i")
                  and kids[0].get_text(" ", strip=True) == text))
    if not styled:
        return None
    last.decompose()
    return text


def _dateline_before(body, strings: int = 40) -> date | None:  # type: ignore[no-untyped-def]
    """A dateline among the last text nodes before the body (between the title and the text)."""
    for i, node in enumerate(body.find_all_previous(string=True)):
        if i >= strings:
            break
        line = str(node).strip()
        for part in (line, _DATELINE_TAIL.split(line, maxsplit=1)[0]):
            if part and len(part) <= 80 and _DATELINE.match(part):
                return parse_vn_date(part)
    return None


def _drop_lines(text: str, rules: ChromeRules) -> str:
    """Whole lines of furniture and datelines (the generic cleaner only)."""
    def furniture(part: str) -> bool:
        part = part.strip()
        return not part or bool(rules.lines.match(_plain(part)) or _DATELINE.match(part) or _IMAGE_NAME.match(part))

    keep = []
    for line in text.split("\n\n"):  # "In bài | Gửi email", "12/05/2024 | Lượt xem: 1.284"
        if len(line) <= rules.max_line and all(furniture(part) for part in line.split("|")):
            continue
        keep.append(line)
    return "\n\n".join(keep)


def clean_html(html: str, profile: Profile | None = None) -> Cleaned:
    """The article text (paragraphs separated by blank lines) and its metadata."""
    return parse_page(html, profile)


def parse_page(html: str, profile: Profile | None = None, base_url: str | None = None,
               max_links: int | None = None) -> Cleaned:
    """``clean_html`` and, given the page's URL, its links (``Cleaned.links``) from the same parse."""
    from .links import links_in

    soup = _soup(html)
    links = links_in(soup, base_url, max_links=max_links) if base_url is not None else None
    # the page's own metadata, read before <meta> and <link> go with the junk (they were dropped
    # first, so og:type and the published-time metas were never seen)
    og_type = first_tag(soup, "meta", "property", "og:type")
    og_title = first_tag(soup, "meta", "property", "og:title")
    og_title_text = str(og_title.get("content", "")) if og_title is not None else None
    meta_published = first_tag(soup, "meta", "property", "article:published_time") or first_tag(
        soup, "meta", "itemprop", "datePublished") or first_tag(soup, "meta", "name", "pubdate") or first_tag(
        soup, "meta", "name", "article:published_time")
    meta_published_text = str(meta_published.get("content", "")) if meta_published is not None else ""
    if not meta_published_text:
        ld = _JSONLD_DATE.search(html)
        meta_published_text = ld.group(1) if ld else ""
    og_type_text = str(og_type.get("content", "")).lower() if og_type is not None else ""
    for tag in tags_in(soup, _JUNK_TAGS):
        if tag.name not in _CONTROLS:
            tag.decompose()
    profile = profile or Profile()
    article_marked = bool(
        og_type_text == "article"
        or len(tags_in(soup, ("article",))) == 1 or first_tag(soup, None, "itemprop", "articleBody") is not None)
    title_node = _first(soup, profile.title) if profile.title else None
    date_node = _first(soup, profile.date) if profile.date else None
    author_node = _first(soup, profile.author) if profile.author else None
    title = title_node.get_text(" ", strip=True) if title_node is not None else None
    if title is None and not profile.body:
        h1 = first_tag(soup, "h1")
        title = (h1.get_text(" ", strip=True) if h1 else None) or og_title_text
        if not title and soup.title is not None:  # "Article title - Site name": the longest part
            parts = re.split(r"\s+[-|–—]\s+", soup.title.get_text(" ", strip=True))
            title = max(parts, key=len) if parts else None
    published = parse_vn_date(date_node.get_text(" ", strip=True)) if date_node is not None else None
    if published is None:
        time_tag = first_tag(soup, "time", "datetime") if not meta_published_text else None
        if meta_published_text:
            published = parse_vn_date(meta_published_text)
        elif time_tag is not None:
            published = parse_vn_date(str(time_tag["datetime"]))
    author = author_node.get_text(" ", strip=True) if author_node is not None else None

    body = _first(soup, profile.body) if profile.body else None
    profile_matched = body is not None
    rules = chrome_rules()
    if body is not None:
        for tag in tags_in(soup, _CONTROLS):
            tag.decompose()
        for sel in profile.drop:
            for tag in body.select(sel):
                tag.decompose()
        stats = _stats(body)
    else:
        marked_author = _drop_furniture(soup, rules)
        author = author or marked_author
        for tag in tags_in(soup, _CONTROLS):
            tag.decompose()
        body, stats = _generic_body(soup)
    if author_node is not None and not _gone(author_node):
        author_node.decompose()
    s = stats.get(id(body)) or _Stats()
    teasers, teaser_text = _teasers(body, stats)
    if not profile_matched:
        _prune(body, stats)
        author = _trailing_author(body, stats) or author
    text = unicodedata.normalize("NFC", _text_of(body))
    if published is None:
        published = find_dateline(text)
    if published is None and not profile_matched:
        published = _dateline_before(body)
    if not profile_matched:
        text = _drop_lines(text, rules)
    total = s.total or 1
    return Cleaned(text=text, title=unicodedata.normalize("NFC", title) if title else None,
                   published=published,
                   author=unicodedata.normalize("NFC", author) if author else None,
                   profile_matched=profile_matched, article_marked=article_marked,
                   link_share=s.link / total, long_paragraphs=s.paragraphs, running=s.running,
                   teasers=teasers, teaser_share=min(1.0, teaser_text / total), links=links)


def _to_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        m = re.match(r"\s*((?:19|20)\d\d)-(\d{1,2})-(\d{1,2})", value)
        if m:
            return date(int(m[1]), int(m[2]), int(m[3]))
        return parse_vn_date(value)
    return None
