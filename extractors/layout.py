"""The article's layout: where the body is, its paragraphs and sentences, with source offsets.

Page chrome that survived cleaning (menus, "Các tin khác", view counters, image file names,
datelines, the author line) is cut here by the ``[chrome]`` rules of ``data/lexicon.toml``, so no
extractor ever sees it.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import regex

from .lexicon import lexicon
from .text import fold


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Sentence(Span):
    para: int


def _index(spans: Sequence[Span], starts: list[int] | None, pos: int) -> int:
    """The index of the first span holding ``pos``, -1 when none does; by bisection when the spans
    are in order without overlap (``starts`` their starts), else by a scan."""
    if starts is not None:
        i = bisect.bisect_right(starts, pos) - 1
        return i if i >= 0 and pos < spans[i].end else -1
    return next((i for i, s in enumerate(spans) if s.start <= pos < s.end), -1)


def _ordered_starts(spans: Sequence[Span]) -> list[int] | None:
    """The starts of spans in text order without overlap (where bisection finds what a scan
    finds), None otherwise."""
    if any(a.end > b.start for a, b in zip(spans, spans[1:], strict=False)):
        return None
    return [s.start for s in spans]


@dataclass
class Layout:
    text: str
    folded: str
    paragraphs: list[Span] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    # starts for bisection, built on first use for the lists as they are then (count-checked)
    _starts: dict[str, tuple[int, list[int] | None]] = field(default_factory=dict, repr=False, compare=False)
    # what a rule works out once per article and looks up per count (by the rule's own key)
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def _starts_of(self, name: str, spans: Sequence[Span]) -> list[int] | None:
        cached = self._starts.get(name)
        if cached is None or cached[0] != len(spans):
            cached = (len(spans), _ordered_starts(spans))
            self._starts[name] = cached
        return cached[1]

    def sentence_starts(self) -> list[int]:
        """The sentences' starts, in their order (built once)."""
        cached = self._starts.get("all sentences")
        if cached is None or cached[0] != len(self.sentences):
            cached = (len(self.sentences), [s.start for s in self.sentences])
            self._starts["all sentences"] = cached
        return cached[1]  # type: ignore[return-value]

    def in_body(self, pos: int) -> bool:
        return any(p.start <= pos < p.end for p in self.paragraphs)

    def sentence_index(self, pos: int) -> int:
        """The index of the sentence holding ``pos``, -1 when none does."""
        return _index(self.sentences, self._starts_of("sentences", self.sentences), pos)

    def sentence_at(self, pos: int) -> Sentence | None:
        i = self.sentence_index(pos)
        return self.sentences[i] if i >= 0 else None

    def paragraph_of(self, pos: int) -> int | None:
        i = _index(self.paragraphs, self._starts_of("paragraphs", self.paragraphs), pos)
        return i if i >= 0 else None


@cache
def _chrome() -> tuple[regex.Pattern[str], set[str], list[regex.Pattern[str]]]:
    c = lexicon()["chrome"]
    tail = regex.compile(
        "^(?:" + "|".join(regex.escape(fold(m)) for m in c["tail_markers"]) + r")(?:\W|$)"
    )
    lines = {fold(x) for x in c["lines"]}
    pats = [regex.compile(p["re"]) for p in c["line_patterns"]]
    return tail, lines, pats


@cache
def _tail_lines() -> frozenset[str]:
    """Headings that end the body only as a whole line ("Tin mới", "Bài liên quan:")."""
    return frozenset(fold(x) for x in lexicon()["chrome"].get("tail_lines", []))


def is_chrome_line(folded_line: str) -> bool:
    _, lines, pats = _chrome()
    s = folded_line.strip()
    return s in lines or any(p.fullmatch(s) for p in pats)


def _is_author_line(line: str) -> bool:
    s = line.strip()
    if not s or s[-1] in ".!?:;…\"”" or any(ch.isdigit() for ch in s):
        return False
    head = s.split("(")[0].split()
    return 1 <= len(head) <= 5 and all(w[:1].isupper() for w in head)


def body_lines(text: str, folded: str) -> list[Span]:
    """The lines of the article body (non-empty, not chrome), cut at the first tail marker."""
    tail, _, _ = _chrome()
    spans: list[Span] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        start, end = pos, pos + len(raw.rstrip("\r\n"))
        pos += len(raw)
        line = folded[start:end].strip()
        if not line:
            continue
        if spans and (tail.match(line) or line.rstrip(" :") in _tail_lines()):
            break
        if is_chrome_line(line):
            continue
        lead = len(text[start:end]) - len(text[start:end].lstrip())
        trail = len(text[start:end].rstrip())
        spans.append(Span(start + lead, start + trail))
    # the author line(s) closing the article
    while len(spans) > 1 and _is_author_line(text[spans[-1].start : spans[-1].end]):
        spans.pop()
    return spans


_SENT_FALLBACK = regex.compile(r"(?<=[.!?…])\s+(?=[\"“”‘]?\p{Lu})")


_SENT_TOKENIZE: Callable[[str], list[str]] | None = None


def _underthesea_sent_tokenize() -> Callable[[str], list[str]]:
    """underthesea's ``sent_tokenize``, loaded from its own module file: that module is plain
    Python with its parameters beside it, while ``import underthesea`` first loads the whole
    toolkit (numpy, requests, its models' code: most of a second). The same code runs either way."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("underthesea")  # finds the package without importing it
    if spec is not None and spec.submodule_search_locations:
        for root in spec.submodule_search_locations:
            path = Path(root) / "pipeline" / "sent_tokenize" / "__init__.py"
            own = importlib.util.spec_from_file_location("_dvk_underthesea_sent_tokenize", path)
            if path.is_file() and own is not None and own.loader is not None:
                module = importlib.util.module_from_spec(own)
                own.loader.exec_module(module)
                return module.sent_tokenize  # type: ignore[no-any-return]
    from underthesea import sent_tokenize  # its layout changed: the whole package then

    return sent_tokenize  # type: ignore[no-any-return]


def _sent_tokenize(paragraph: str) -> list[str]:
    global _SENT_TOKENIZE
    if _SENT_TOKENIZE is None:
        try:
            _SENT_TOKENIZE = _underthesea_sent_tokenize()
        except ImportError:  # pragma: no cover - underthesea is a dependency
            return _SENT_FALLBACK.split(paragraph)
    return list(_SENT_TOKENIZE(paragraph))


def split_sentences(text: str, span: Span, para: int) -> list[Sentence]:
    """Sentences of one paragraph (underthesea), re-found in the source for exact offsets."""
    chunk = text[span.start : span.end]
    out: list[Sentence] = []
    cursor = 0
    for sent in _sent_tokenize(chunk):
        piece = sent.strip()
        if not piece:
            continue
        at = chunk.find(piece, cursor)
        if at < 0:  # tokenizer changed the text: fall back to a regex split of the rest
            for rest in _SENT_FALLBACK.split(chunk[cursor:]):
                r_at = chunk.find(rest.strip(), cursor)
                if rest.strip() and r_at >= 0:
                    out.append(Sentence(span.start + r_at, span.start + r_at + len(rest.strip()), para))
                    cursor = r_at + len(rest.strip())
            return out
        if out and out[-1].para == para and (_LIST_MARK_ONLY.fullmatch(text, out[-1].start, out[-1].end)
                                             or _no_split_after().search(text, out[-1].start, out[-1].end)):
            # "1." split off "1. Khối Đảng: 312 mô hình": the mark opens its line's sentence; "TX." cut
            # off "TX.Tân An 64": the abbreviation goes on into its name
            out[-1] = Sentence(out[-1].start, span.start + at + len(piece), para)
        else:
            out.append(Sentence(span.start + at, span.start + at + len(piece), para))
        cursor = at + len(piece)
    return out


@cache
def _no_split_after() -> regex.Pattern[str]:
    """A piece that ends with an abbreviation the splitter took for a full stop ("… TX.")."""
    words = sorted(lexicon()["sentences"]["no_split_after"], key=len, reverse=True)
    return regex.compile(r"(?<![\w.])(?:" + "|".join(regex.escape(w) for w in words) + r")$")


_LIST_MARK_ONLY = regex.compile(r"(?:\d{1,3}|[a-zđ]|[ivx]{1,4})[.)]")


@cache
def _table_rules() -> tuple[tuple[str, ...], frozenset[str], int]:
    t = lexicon()["tables"]
    seps = tuple(sorted(t["separators"], key=len, reverse=True))
    return seps, frozenset(fold(h) for h in t["serial_headers"]), int(t["min_rows"])


_TABLE_NUMBER = regex.compile(r"\s*(?:\d{1,3}(?:\.\d{3})+|\d+)\s*")
#: a header cell naming the column of models ("Số mô hình", "Mô hình DVK")
_MODEL_COLUMN = regex.compile(r"(?<![\w])(?:mô hình|điển hình)(?![\w])")
#: a cell after the models' column that is no number: a share or a figure with its unit ("18,8%", "100 %")
_OTHER_CELL = regex.compile(r"\s*\d{1,3}(?:[.,]\d+)?\s*%\s*|\s*[-–—]?\s*")
_SERIAL = regex.compile(r"\s*(\d{1,3})\s*[.)]?\s*")


def _cells(line: str, sep: str) -> list[tuple[int, int]]:
    """The cells of a line cut at ``sep``, as offsets into the line."""
    out, pos = [], 0
    while True:
        k = line.find(sep, pos)
        if k < 0:
            out.append((pos, len(line)))
            return out
        out.append((pos, k))
        pos = k + len(sep)


def _read_tables(text: str, folded: str, lines: list[Span]) -> str:
    """``folded`` with every table written as text read the one way (``[tables]`` of the lexicon):
    a header row of two or more cells without digits, then at least ``min_rows`` rows of as many
    cells, the last a number. Each separator becomes "|" (padded with spaces to its length) and a
    first column of row numbers is blanked, so "STT - Tên đơn vị - Số mô hình" / "1 - Khối Đảng - 312"
    reads as "Tên đơn vị | Số mô hình" / "Khối Đảng | 312". The length is kept (offsets hold)."""
    seps, serial_heads, min_rows = _table_rules()
    edits: list[tuple[int, int, str]] = []
    i = 0
    while i < len(lines):
        head = text[lines[i].start:lines[i].end]
        sep = next((s for s in seps if s in head), None)
        if sep is None:
            i += 1
            continue
        headed = not any(ch.isdigit() for ch in head)
        cells = _cells(head, sep)
        width = len(cells)
        # the column of models, where the header names one and other columns stand beside it ("Lĩnh
        # vực | Số mô hình | Tỷ lệ", "Phường | Số tòa chung cư | Số mô hình"), else the last
        col = next((k for k, (a, b) in enumerate(cells) if k and _MODEL_COLUMN.search(fold(head[a:b]))), None) \
            if headed and width >= 3 else None
        count_col = width - 1 if col is None else col
        rows: list[int] = []
        j = i + 1 if headed else i  # no header: rows numbered 1, 2, 3 … ("1 - Khối Đảng - 38")
        while j < len(lines):
            row = text[lines[j].start:lines[j].end]
            rc = _cells(row, sep)
            if len(rc) != width or not _TABLE_NUMBER.fullmatch(row, rc[count_col][0], rc[count_col][1]) \
                    or (col is not None and any(_TABLE_NUMBER.fullmatch(row, a, b) is None
                                                and not _OTHER_CELL.fullmatch(row, a, b)
                                                for a, b in rc[col + 1:])):
                break
            rows.append(j)
            j += 1
        if width < 2 or len(rows) < min_rows or any(b - a > 80 for a, b in cells):
            i += 1
            continue
        first = fold(head[cells[0][0]:cells[0][1]]).strip()
        numbers = []
        for r in rows:
            row = text[lines[r].start:lines[r].end]
            a, b = _cells(row, sep)[0]
            m = _SERIAL.fullmatch(row, a, b)
            numbers.append(int(m.group(1)) if m else -1)
        serial = width >= 3 and (first in serial_heads or numbers == list(range(1, len(rows) + 1)))
        if not headed and not serial:
            # no table here: the next can only start at a row numbered 1 further down (linear)
            i = next((r for r, n in zip(rows[1:], numbers[1:], strict=False) if n == 1), j) if width >= 3 else j
            continue
        for r in [i, *rows] if headed else rows:
            start = lines[r].start
            rc = _cells(text[start:lines[r].end], sep)
            if serial:
                edits.append((start + rc[0][0], start + rc[1][0], " " * (rc[1][0] - rc[0][0])))
            for k, (a, b) in enumerate(rc[1 + serial:], start=1 + serial):
                if col is not None and k != col:
                    # a column beside the models' (a share, another measure): blanked with its separator,
                    # so the row reads "label | number of models"
                    edits.append((start + a - len(sep), start + b, " " * (b - a + len(sep))))
                else:
                    edits.append((start + a - len(sep), start + a, "|".center(len(sep))))
        i = j
    edits.extend(_numbered_lines(text, lines))
    if not edits:
        return folded
    edits.sort()
    out, pos = [], 0
    for a, b, repl in edits:
        out.append(folded[pos:a])
        out.append(repl)
        pos = b
    out.append(folded[pos:])
    return "".join(out)


_NUMBER_MARK = regex.compile(r"[ \t]*(\d{1,2})[.)][ \t]+(?=\S)")


def _numbered_lines(text: str, lines: list[Span]) -> list[tuple[int, int, str]]:
    """Lines numbered 1, 2, 3 … ("1. Khối Đảng: 312 mô hình") read as bullet lines: each mark
    becomes "-" padded with spaces (two lines at least, numbered from 1 without a gap)."""
    edits: list[tuple[int, int, str]] = []
    run: list[regex.Match[str]] = []

    def close() -> None:
        if len(run) >= 2:
            edits.extend((m.start(), m.end(), "-".ljust(m.end() - m.start())) for m in run)
        run.clear()

    for span in lines:
        m = _NUMBER_MARK.match(text, span.start, span.end)
        if m is not None and int(m.group(1)) == len(run) + 1:
            run.append(m)
        else:
            close()
            if m is not None and m.group(1) == "1":
                run.append(m)
    close()
    return edits


def layout(text: str) -> Layout:
    folded = fold(text)
    lines = body_lines(text, folded)
    folded = _read_tables(text, folded, lines)
    lay = Layout(text=text, folded=folded, paragraphs=lines)
    for i, p in enumerate(lay.paragraphs):
        lay.sentences.extend(split_sentences(text, p, i))
    return lay
