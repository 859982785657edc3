"""Cleaning: an HTML page (bytes or text) to the article's text and metadata.

A site's profile (``corpus/sources.toml``) gives CSS selectors for the body, title, date, author
and the chrome to drop; pages of unknown sites go through a generic fallback that removes page
furniture by tag and class names and keeps the densest block of paragraphs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from .errors import UnreadableInput
from .sources import Profile

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
    re.compile(r"(?P<y>(?:19|20)\d\d)-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
]


def parse_vn_date(text: str) -> date | None:
    """The first date in a Vietnamese dateline: "14:15 04/01/2024", "Ngày đăng: 27.08.2020",
    "Thứ ba, 27/2/2024 | 2:14:39 PM", "2024-01-04T14:15:00+07:00"."""
    for pat in _DATE_PATTERNS:
        m = pat.search(text)
        if m:
            try:
                return date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                continue
    return None


_DATELINE = re.compile(
    r"^\s*\(?\s*(?:ngày đăng:?\s*|cập nhật:?\s*|thứ [^,]{1,8},\s*|chủ nhật,\s*)?"
    r"(?:\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AP]M)?\s*[|,-]?\s*)?\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d\d"
    r"(?:\s*[|,-]?\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AP]M)?)?\s*\)?\s*$",
    re.I,
)  # "14:15 04/01/2024", "Ngày đăng: 27.08.2020", a portal's "(15:20 | 12/03/2019)"


def find_dateline(text: str, max_lines: int = 12) -> date | None:
    """The publication date from a dateline among the first lines of a page's text."""
    for line in text.splitlines()[:max_lines]:
        if _DATELINE.match(line):
            return parse_vn_date(line)
    return None


# --- HTML --------------------------------------------------------------------------------------
_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "figcaption", "blockquote",
           "section", "article", "td", "br", "table", "ul", "ol", "figure", "header", "footer")
_JUNK_TAGS = ("script", "style", "noscript", "iframe", "svg", "button", "label", "input", "select",
              "textarea", "template", "link", "meta")
_CHROME_NAMES = re.compile(
    r"(^|[-_ ])(menu|nav|navbar|footer|header|breadcrumbs?|related|relate|other-?news|tin-?khac|"
    r"comments?|binh-?luan|share|social|sidebar|side-?bar|banner|ads?|advert|tags?|toolbar|"
    r"ribbon|login|search|weather|hotline|copyright|print|rate|vote|counter|view-?count|"
    r"attach(ment)?s?|dinh-?kem|widget|popup|modal|cookie)([-_ ]|$)",
    re.I,
)


@dataclass
class Cleaned:
    text: str
    title: str | None = None
    published: date | None = None
    author: str | None = None
    profile_matched: bool = False  # the site profile's body selector found the article
    article_marked: bool = False  # the page says it is an article (og:type, <article>, articleBody)
    link_share: float = 0.0  # share of the body text that is link text (high on listing pages)
    long_paragraphs: int = 0  # paragraphs of running text (80+ characters, not a link)

    @property
    def is_article(self) -> bool:
        """An article page, not a listing: found by its profile, marked as one or made of running
        text; few links; some text."""
        shaped = self.profile_matched or self.article_marked or self.long_paragraphs >= 3
        return shaped and self.link_share < 0.5 and len(self.text) >= 200


def _soup(html: str):  # type: ignore[no-untyped-def]
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "lxml")


def _text_of(node) -> str:  # type: ignore[no-untyped-def]
    """Block-aware text: one line per paragraph-like element, spaces collapsed."""
    from bs4 import NavigableString, Tag

    parts: list[str] = []

    def walk(n) -> None:  # type: ignore[no-untyped-def]
        for child in n.children:
            if isinstance(child, NavigableString):
                if type(child).__name__ in ("Comment", "Doctype", "ProcessingInstruction"):
                    continue
                parts.append(str(child))
            elif isinstance(child, Tag):
                if child.name in _JUNK_TAGS:
                    continue
                block = child.name in _BLOCKS
                if block:
                    parts.append("\n")
                walk(child)
                if block:
                    parts.append("\n")

    walk(node)
    raw = "".join(parts).replace("\u00a0", " ").replace("\u200b", "")
    lines = [re.sub(r"[ \t\r\f\v]+", " ", ln).strip() for ln in raw.split("\n")]
    return "\n\n".join(ln for ln in lines if ln)


def _first(soup, selectors: list[str]):  # type: ignore[no-untyped-def]
    for sel in selectors:
        found = soup.select_one(sel)
        if found is not None:
            return found
    return None


def _generic_body(soup):  # type: ignore[no-untyped-def]
    for tag in soup.find_all(["nav", "header", "footer", "aside"]):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        names = " ".join([*(tag.get("class") or []), tag.get("id") or ""])
        if names and _CHROME_NAMES.search(names) and tag.name not in ("body", "html", "article"):
            tag.decompose()
    article = soup.find("article")
    if article is not None and len(article.get_text(strip=True)) > 200:
        return article
    best, best_score = soup.body or soup, 0.0
    for tag in soup.find_all(["div", "td", "section", "main"]):
        paras = tag.find_all("p", recursive=False) or tag.find_all("p")
        text_len = sum(len(p.get_text(strip=True)) for p in paras)
        links = sum(len(a.get_text(strip=True)) for a in tag.find_all("a"))
        score = text_len - 2 * links
        if score > best_score:
            best, best_score = tag, score
    return best


def clean_html(html: str, profile: Profile | None = None) -> Cleaned:
    """The article text (paragraphs separated by blank lines) and its metadata."""
    soup = _soup(html)
    for tag in soup.find_all(_JUNK_TAGS):
        tag.decompose()
    profile = profile or Profile()
    og_type = soup.find("meta", attrs={"property": "og:type"})
    article_marked = bool(
        (og_type is not None and str(og_type.get("content", "")).lower() == "article")
        or soup.find("article") is not None or soup.find(attrs={"itemprop": "articleBody"}) is not None)
    title_node = _first(soup, profile.title) if profile.title else None
    date_node = _first(soup, profile.date) if profile.date else None
    author_node = _first(soup, profile.author) if profile.author else None
    title = title_node.get_text(" ", strip=True) if title_node is not None else None
    if title is None and not profile.body:
        h1 = soup.find("h1")
        og = soup.find("meta", attrs={"property": "og:title"})
        title = (h1.get_text(" ", strip=True) if h1 else None) or (og.get("content") if og else None)
        if not title and soup.title is not None:  # "Article title - Site name": the longest part
            parts = re.split(r"\s+[-|–—]\s+", soup.title.get_text(" ", strip=True))
            title = max(parts, key=len) if parts else None
    published = parse_vn_date(date_node.get_text(" ", strip=True)) if date_node is not None else None
    if published is None:
        meta = soup.find("meta", attrs={"property": "article:published_time"}) or soup.find(
            "meta", attrs={"itemprop": "datePublished"})
        if meta and meta.get("content"):
            published = parse_vn_date(str(meta["content"]))
        elif soup.find("time", attrs={"datetime": True}):
            published = parse_vn_date(str(soup.find("time", attrs={"datetime": True})["datetime"]))
    author = author_node.get_text(" ", strip=True) if author_node is not None else None

    body = _first(soup, profile.body) if profile.body else None
    profile_matched = body is not None
    if body is not None:
        for sel in profile.drop:
            for tag in body.select(sel):
                tag.decompose()
    else:
        body = _generic_body(soup)
    if author_node is not None and not author_node.decomposed:
        author_node.decompose()
    text = unicodedata.normalize("NFC", _text_of(body))
    if published is None:
        published = find_dateline(text)
    total = len(body.get_text(strip=True)) or 1
    links = sum(len(a.get_text(strip=True)) for a in body.find_all("a"))
    long_paragraphs = sum(1 for p in body.find_all(["p", "div"])
                          if p.find(["p", "div"]) is None and len(p.get_text(strip=True)) >= 80
                          and len("".join(a.get_text(strip=True) for a in p.find_all("a"))) < 20)
    return Cleaned(text=text, title=unicodedata.normalize("NFC", title) if title else None,
                   published=published,
                   author=unicodedata.normalize("NFC", author) if author else None,
                   profile_matched=profile_matched, article_marked=article_marked,
                   link_share=links / total, long_paragraphs=long_paragraphs)


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
