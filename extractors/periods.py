"""Periods (SPEC §1.2): time expressions of the body turned into (start, end) intervals.

Patterns live in ``data/periods.toml`` (each with an id and a kind); this module only knows how
each kind becomes an interval, and which expressions are not reporting periods (documents, plans,
terms of office, comparison baselines: the ``[exclude]`` table).
"""

from __future__ import annotations

import bisect
import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import regex

from .layout import Layout
from .lexicon import Alternatives, alternation, lexicon, load_toml, phrase_regex
from .numbers import WORDS_BODY, words_to_number
from .records import Period, PeriodRef
from .text import fold


@dataclass
class TimeExpr:
    start: int
    end: int
    kind: str
    rule: str
    text: str
    period: PeriodRef | None  # None when it cannot be resolved (relative, no publication date)
    reporting: bool = True


@cache
def _data() -> tuple[list[tuple[str, str, Alternatives]], regex.Pattern[str], int]:
    data = load_toml("periods.toml")
    year = data["Y"]
    pats = [  # an alternation's alternatives scanned apart (lexicon.Alternatives: same matches, faster)
        (p["id"], p["kind"], Alternatives(regex.compile(p["re"].replace("{Y}", year))))
        for p in data["pattern"]
    ]
    return pats, phrase_regex(data["exclude"]["before"]), int(data["exclude"]["window"])


@cache
def _term() -> tuple[str, regex.Pattern[str], regex.Pattern[str]]:
    """The term-of-office word, the look-back words that make a term a reporting period, and the
    reporting sources after which a term opening its clause is one."""
    ex = load_toml("periods.toml")["exclude"]
    reported = phrase_regex(ex["term_reported_after"]).pattern
    return fold(ex["term"]), regex.compile(ex["term_lookback"]), regex.compile(rf"(?:{reported})\s*[,:]\s*$")


_TERM_PAST = regex.compile(r"\s+(?:vừa\s+)?qua(?![\w])")


def _is_congress_term(lay: Layout, start: int, end: int, para_start: int, window: int) -> bool:
    """"khóa XVII, nhiệm kỳ 2020 - 2025": a term of office naming a congress, not a period; a term
    looked back over ("Trong nhiệm kỳ 2020 - 2025, …"), opening its sentence, or reported by a
    source ("… cho biết, nhiệm kỳ 2019 - 2024, …") is one."""
    word, lookback, reported = _term()
    if not lay.folded.startswith(word, start) or _TERM_PAST.match(lay.folded, start + len(word), end + 1):
        return False  # ("nhiệm kỳ (vừa) qua" is the term just past, never a congress's name)
    before = lay.folded[max(para_start, start - window):start]
    sentence = regex.split(r"[.!?:]\s|\n", before)[-1]
    if not sentence.strip(" \t-–•*+"):
        return False
    clause = regex.split(r"[;,(]", sentence)[-1]
    if reported.search(sentence) and not clause.strip() and regex.match(r"\s*[,:]", lay.folded[end:end + 3]):
        return False
    return lookback.search(clause) is None


@cache
def _plan_after() -> tuple[regex.Pattern[str], regex.Pattern[str], int]:
    """Plan words that follow a time expression closely, and what may not stand between."""
    ex = load_toml("periods.toml")["exclude"]
    return phrase_regex(ex["after"]), regex.compile("|".join(ex["after_not_across"])), int(ex["after_window"])


@cache
def _pending() -> tuple[regex.Pattern[str], regex.Pattern[str], regex.Pattern[str]]:
    """A number of models, and the words that make it models waiting on a decision ([counts]
    pending_after after the noun, [periods] pending_before before the number)."""
    c = lexicon()["counts"]
    number = regex.compile(rf"(?:(?<![\w.,/])\d+(?:\.\d{{3}})*\s+|(?<![\w]){WORDS_BODY})"
                           rf"(?:{alternation(c['heads'])})(?![\w])")
    after = regex.compile("|".join(c["pending_after"]))
    before = regex.compile(rf"(?:{phrase_regex(load_toml('periods.toml')['exclude']['pending_before']).pattern})\s*$")
    return number, after, before


def _frames_only_pending(lay: Layout, start: int) -> bool:
    """The sentence of a time counts models, all of them waiting on a decision ("Hiện nay, Ban Chỉ
    đạo đang thẩm định 14 mô hình …", "Hiện có 3 mô hình đang được xem xét đề nghị tỉnh công nhận"):
    no result is dated, so no reporting period."""
    sent = lay.sentence_at(start)
    if sent is None:
        return False
    memo: dict[int, bool] = lay.memo.setdefault("pending_only", {})  # once per sentence
    if sent.start not in memo:
        memo[sent.start] = _counts_only_pending(lay, sent.start, sent.end)
    return memo[sent.start]


#: a result reported in the clause after a time ("…, xã đã công nhận 15 mô hình")
_RESULT_AFTER = regex.compile(r"(?![^.;]*?(?<![\w])(?:mục tiêu|đề ra|phấn đấu|chỉ tiêu)(?![\w]))"
                             r"[^.;]*?(?<![\w])(?:đã|được)\s+(?:\w+\s+){0,3}?"
                             r"(?:công nhận|xây dựng|có|triển khai|ra mắt|khen thưởng|biểu dương|duy trì)(?![\w])")
_CLAUSE_OF_NUMBER = regex.compile(r"[;:,]|\d|(?<![\w])và(?![\w])")
#: "(nay là xã D)" right after "trước sắp xếp", and a unit's name right before it
_NAMES_BECAME = regex.compile(r"\s*\(\s*(?:nay|hiện nay)\s+là(?![\w])")
_UNIT_NAME_BEFORE = regex.compile(r"\p{Lu}[\w'’-]*(?:\s+\p{Lu}[\w'’-]*)*\s+(?:cũ\s+)?$")


def _counts_only_pending(lay: Layout, start: int, end: int) -> bool:
    number, after, before = _pending()
    found = False
    for m in number.finditer(lay.folded, start, end):
        # its own clause: to the next comma, semicolon, colon or number ("… 120 mô hình được công
        # nhận, 5 mô hình đang được thẩm định": the 120 is a result)
        clause = _CLAUSE_OF_NUMBER.split(lay.folded[m.end():min(end, m.end() + 120)], maxsplit=1)[0]
        if not (after.search(clause) or before.search(lay.folded, max(start, m.start() - 30), m.start())):
            return False
        found = True
    return found


def _counts_after(lay: Layout, sent: object, pos: int) -> bool:
    """A count of models (not one per unit, not a target) after ``pos`` in its sentence; the counts
    of a sentence are found once ("Trong điều kiện hiện nay, toàn huyện có 186 mô hình")."""
    if sent is None:
        return False
    start, end = sent.start, sent.end  # type: ignore[attr-defined]
    memo: dict[int, list[int]] = lay.memo.setdefault("period_counts", {})
    if start not in memo:
        memo[start] = [m.start() for m in _pending()[0].finditer(lay.folded, start, end)
                       if not _NOT_A_RESULT_BEFORE.search(lay.folded, max(start, m.start() - 30), m.start())]
    return any(p >= pos for p in memo[start])


#: words right before a number that make it no result ("mỗi xã cần xây dựng ít nhất 5 mô hình")
_NOT_A_RESULT_BEFORE = regex.compile(r"(?<![\w])(?:mỗi|bình quân|cần|phải|phấn đấu|ít nhất|tối thiểu|sẽ)"
                                     r"(?:\s+\w+){0,3}\s+$")


@cache
def _other_results() -> regex.Pattern[str]:
    return phrase_regex(load_toml("periods.toml")["exclude"]["other_results"])


def _other_programme(lay: Layout, sent: object, para_end: int) -> bool:
    """The sentence reports another programme's result, names nothing of the movement, and no later
    sentence of its paragraph counts models (once per sentence: "Năm 2023, thu ngân sách đạt 300
    tỷ đồng. Trong năm, toàn huyện công nhận 25 mô hình" keeps its year as the frame)."""
    if sent is None:
        return False
    start, end = sent.start, sent.end  # type: ignore[attr-defined]
    memo: dict[int, bool] = lay.memo.setdefault("other_programme", {})
    if start not in memo:
        memo[start] = _other_results().search(lay.folded, start, end) is not None \
            and _MOVEMENT_WORDS.search(lay.folded, start, para_end) is None
    return memo[start]


#: the movement's words: its models, its name, what people give to it ("hiến đất", "ngày công")
_MOVEMENT_WORDS = regex.compile(r"(?<![\w])(?:mô hình|điển hình|dân vận khéo|dvk|phong trào|hiến|đóng góp|ngày công)"
                                r"(?![\w])")


@cache
def _start_before() -> regex.Pattern[str]:
    return phrase_regex(load_toml("periods.toml")["exclude"]["start_before"])


def _after_a_start(before: str, kind: str) -> bool:
    """"mô hình ra đời từ năm 2022": a start verb in the clause before the time, no number between,
    its subject a model or an idea (not the movement: "Phong trào … bắt đầu triển khai từ năm 2016
    đến nay" dates its results), and no "từ … đến nay" range."""
    if kind == "since":
        return False
    last = None
    for m in _start_before().finditer(before):
        last = m
    return last is not None and _DIGIT.search(before, last.end()) is None \
        and _START_SUBJECT.search(before, 0, last.start()) is not None \
        and _MOVEMENT_SUBJECT.search(before, 0, last.start()) is None


#: who starts: a model, an idea, an initiative ("Mô hình được … khởi xướng", "Ý tưởng bắt đầu từ …")
_START_SUBJECT = regex.compile(r"(?<![\w])(?:mô hình|ý tưởng|sáng kiến|cách làm)(?![\w])")
_MOVEMENT_SUBJECT = regex.compile(r"(?<![\w])(?:phong trào|cuộc vận động)(?![\w])")


@cache
def _sentence_before() -> regex.Pattern[str]:
    return regex.compile("|".join(f"(?:{p})" for p in load_toml("periods.toml")["exclude"]["sentence_before"]))


@cache
def _now_not_after() -> regex.Pattern[str]:
    words = load_toml("periods.toml")["exclude"]["now_not_after"]
    return regex.compile(rf"(?<![\w])(?:{alternation(fold(w) for w in words)})\s+$")


@cache
def _quote_counts() -> regex.Pattern[str]:
    return phrase_regex(load_toml("periods.toml")["exclude"]["quote_counts"])


_OPEN_QUOTE = regex.compile(r":\s*[\"“‘']")
_CLOSE_QUOTE = regex.compile(r"[\"”’']")


def _in_story_quote(lay: Layout, start: int, para_start: int, para_end: int) -> bool:
    """A time inside a quotation opened after a colon in its paragraph, which counts no models and
    tells the speaker's own story (first-person words)."""
    opened = None
    for m in _OPEN_QUOTE.finditer(lay.folded, max(para_start, start - 300), start):
        opened = m
    if opened is None or _CLOSE_QUOTE.search(lay.folded, opened.end(), start) is not None:
        return False
    close = _CLOSE_QUOTE.search(lay.folded, start, para_end)
    end = close.start() if close is not None else para_end
    return _quote_counts().search(lay.folded, opened.end(), end) is None \
        and _quote_story_words().search(lay.folded, opened.end(), end) is not None


@cache
def _quote_story_words() -> regex.Pattern[str]:
    return phrase_regex(load_toml("periods.toml")["exclude"]["quote_story_words"])


@cache
def _document_after() -> regex.Pattern[str]:
    return phrase_regex(load_toml("periods.toml")["exclude"]["document_after"])


_DIGIT = regex.compile(r"\d")
#: what stands between "sau N năm" and the phase it is a span of: "Sau 2 năm thực hiện giai đoạn …"
_SPAN_OF = regex.compile(r"\s+(?:(?:triển khai\s+)?thực hiện|triển khai)(?:\s+(?:phong trào|phong trào thi đua)"
                         r"(?:\s*[\"“”']?\s*(?:dân vận khéo|dvk)\s*[\"“”']?)?)?\s+")
#: the N of "N năm qua", "sau N năm"
_N_YEARS = regex.compile(r"\d+|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười")


def _calendar_years(p: PeriodRef | None) -> int:
    """How many calendar years a span touches (0 for one without both ends)."""
    return p.end.year - p.start.year + 1 if p is not None and p.start is not None and p.end is not None else 0


def _spans_years(phase: TimeExpr, n_years: int) -> bool:
    """Whether a phase covers N calendar years, or N + 1 (a term "2020-2025" is five years)."""
    return _calendar_years(phase.period) in (n_years, n_years + 1)


def _is_plan_after(lay: Layout, end: int, limit: int, looking_back: bool = False) -> bool:
    """Plan words right after the time ("Năm 2026, xã phấn đấu …"), or a plan issued with no result
    in its sentence ("Tháng 3/2024, … ban hành kế hoạch …"); a look back ("Năm qua, … ban hành kế
    hoạch …, hướng dẫn …") is a year's work, not a document's date."""
    plan, across, window = _plan_after()
    text = lay.folded[end:min(limit, end + window)]
    text = regex.split(r"[;.]", text)[0]
    m = plan.search(text)
    if m is not None and not across.search(text, 0, m.start()):
        return True
    if looking_back:
        return False
    text = regex.split(r"[;.]", lay.folded[end:min(limit, end + 2 * window)])[0]
    doc = _document_after().search(text)  # "Tháng 3/2024, … ban hành kế hoạch …" with no result counted
    if doc is None or _DIGIT.search(text, 0, doc.start()):
        return False
    rest = regex.split(r"[;.]\s|\n", lay.folded[end + doc.start():limit], maxsplit=1)[0]
    aim = plan.search(rest)  # "…, phấn đấu đến năm 2030 toàn tỉnh có trên 5.000 mô hình": a target's numbers
    return _DIGIT.search(rest, 0, aim.start() if aim is not None else len(rest)) is None


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _last_day(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _safe(fn):  # type: ignore[no-untyped-def]
    try:
        return fn()
    except ValueError:
        return None


#: the last day of the three-level system (SPEC §1.1)
LAST_DAY_2008 = date(2025, 6, 30)


def _reform_span_end(g: dict[str, str | None]) -> date | None:
    """The end a span since the 2025 reform states: a quarter (eq, eqy), a month (em, ey) or a day."""
    if g.get("eqy"):
        q = _quarter({"q": g.get("eq")})
        return _last_day(int(g["eqy"] or 0), 3 * q) if 1 <= q <= 4 else None
    if g.get("ey") and g.get("em"):
        return _safe(lambda: _last_day(int(g["ey"] or 0), int(g["em"] or 0)))
    if g.get("edy"):
        return _safe(lambda: date(int(g["edy"] or 0), int(g["edm"] or 0), int(g["ed"] or 0)))
    return None


def _quarter(g: dict[str, str | None]) -> int:
    """A quarter's number, in digits or Roman numerals ("quý III" → 3); 0 when none."""
    raw = (g["q"] or "").lower()
    return _ROMAN.get(raw) or (int(raw) if raw.isdigit() else 0)


def _count(raw: str | None) -> int:
    """A number of months, in digits or words ("9", "chín")."""
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() else (words_to_number(raw) or 0)


def interval(kind: str, g: dict[str, str | None], published: date | None) -> PeriodRef | None:
    """The interval of one matched expression, or None when it cannot be resolved."""
    def year(name: str = "y") -> int | None:
        v = g.get(name)
        if v == "nay":
            return published.year if published else None
        return int(v) if v else None

    if kind == "range":
        y1, y2 = year("y1"), year("y2")
        if y1 is None or y2 is None or not y1 <= y2 <= y1 + 30:
            return None
        return PeriodRef(start=date(y1, 1, 1), end=date(y2, 12, 31))
    if kind == "year":
        y = year()
        return PeriodRef(start=date(y, 1, 1), end=date(y, 12, 31)) if y else None
    if kind == "past_year":  # "Năm qua, …": the year ending at publication
        if published is None:
            return None
        y = published.year - 1 if published.month <= 2 else published.year
        return PeriodRef(start=date(y, 1, 1), end=date(y, 12, 31))
    if kind == "this_year":
        return (PeriodRef(start=date(published.year, 1, 1), end=date(published.year, 12, 31))
                if published else None)
    if kind == "months":
        y, n = year() or (published.year if published and "y" not in g else None), _count(g["n"])
        if y is None or not 1 <= n <= 12:
            return None
        return PeriodRef(start=date(y, 1, 1), end=_last_day(y, n))
    if kind == "last_months":  # "6 tháng cuối năm 2025"
        y, n = year(), _count(g["n"])
        if y is None or not 1 <= n <= 11:
            return None
        return PeriodRef(start=date(y, 13 - n, 1), end=date(y, 12, 31))
    if kind == "quarter":
        y, q = year(), _quarter(g)
        if y is None or not 1 <= q <= 4:
            return None
        q0 = _quarter({"q": g.get("q0")}) or q  # "quý I và quý II năm 2024": from the first listed
        return PeriodRef(start=date(y, 3 * min(q0, q) - 2, 1), end=_last_day(y, 3 * q))
    if kind == "month":
        y, m = year(), int(g["m"] or 0)
        if y is None or not 1 <= m <= 12:
            return None
        return PeriodRef(start=date(y, m, 1), end=_last_day(y, m))
    if kind == "until_day":
        y, m, d = year(), int(g["m"] or 0), int(g["d"] or 0)
        end = _safe(lambda: date(y, m, d)) if y else None
        return PeriodRef(start=None, end=end) if end else None
    if kind == "until_month":
        y, m = year(), int(g["m"] or 0)
        return PeriodRef(start=None, end=_last_day(y, m)) if y and 1 <= m <= 12 else None
    if kind == "until_quarter":  # "đến hết quý I/2025"
        q, y = _quarter(g), year()
        return PeriodRef(start=None, end=_last_day(y, 3 * q)) if y and 1 <= q <= 4 else None
    if kind == "until_year":
        y = year()
        return PeriodRef(start=None, end=date(y, 12, 31)) if y else None
    if kind in ("now", "since_term"):  # (a term's start comes from the term named before: _resolve_relative)
        return PeriodRef(start=None, end=published)
    if kind == "before_merger":  # "trước khi sắp xếp" in an article of the 2025 reform: the old units' last day
        return PeriodRef(start=None, end=LAST_DAY_2008) if published and published >= date(2025, 6, 1) else None
    if kind == "since_reform":  # "từ khi vận hành chính quyền hai cấp đến nay": the new system's first day
        first = LAST_DAY_2008 + timedelta(days=1)
        stated = g.get("eqy") or g.get("ey") or g.get("edy")
        end = _reform_span_end(g) if stated else published  # "… đến hết quý I/2026", "… đến hết tháng 6/2026"
        if end is not None and end < first:  # an earlier merger: its end is all it says
            return PeriodRef(start=None, end=end)
        return PeriodRef(start=first, end=end) if end else None
    if kind == "since":
        y = year() or year("y2") or year("y3") or year("y4") or year("y6") or (
            # "từ đầu năm đến nay": the publication year; "… đến ngày 30/9/2025": the end's
            (int(g.get("edy") or g.get("ey") or 0) or (published.year if published else None))
            if g.get("ny") else None)
        m, d = int(g.get("m") or g.get("m2") or 1), int(g.get("d") or 1)
        if y is None and (g.get("m") or g.get("m2")) and (g.get("ey") or g.get("edy")):
            # "từ tháng 3 đến tháng 9/2024": the start in the end's year (the year before, past December)
            ey, em = int(g.get("ey") or g.get("edy") or 0), int(g.get("em") or g.get("edm") or 12)
            y = ey if m <= em else ey - 1
        elif y is None and (g.get("m") or g.get("m2")) and published is not None:  # "từ ngày 1/7 đến nay"
            y = published.year if (m, d) <= (published.month, published.day) else published.year - 1
        start = _safe(lambda: date(y, m, d)) if y else None
        if g.get("ye") and start is not None:  # "… đến cuối năm (2025)": that year's last day
            end = date(int(g.get("eyy") or start.year), 12, 31)
        elif g.get("ey"):
            end = _safe(lambda: _last_day(int(g["ey"] or 0), int(g["em"] or 0)))
        elif g.get("edy"):
            end = _safe(lambda: date(int(g["edy"] or 0), int(g["edm"] or 0), int(g["ed"] or 0)))
        elif (g.get("em") or g.get("edm")) and start is not None:  # "… đến 30/6", "… đến tháng 9": the start's year
            em, ed = int(g.get("em") or g.get("edm") or 0), g.get("ed")
            end = _safe(lambda: date(start.year, em, int(ed)) if ed else _last_day(start.year, em))
            if end is not None and end < start:
                end = _safe(lambda: date(start.year + 1, em, int(ed)) if ed else _last_day(start.year + 1, em))
            if end is not None and published is not None and end > published and not year() and not year("y2") \
                    and not year("y3") and not year("y4") and not year("y6"):
                # "từ ngày 1-7 đến 30-9" with no year at all: the last such span over by publication
                before_year = end.year - 1
                start = _safe(lambda: date(start.year - 1, m, d))
                end = _safe(lambda: date(before_year, em, int(ed)) if ed else _last_day(before_year, em))
        else:
            end = published
        if start is None or (end is not None and start > end):
            return None
        return PeriodRef(start=start, end=end)
    return None  # last_years: resolved against the article's phases in find_time_exprs


@cache
def _publication_patterns() -> tuple[list[regex.Pattern[str]], list[regex.Pattern[str]]]:
    pub = load_toml("periods.toml")["publication"]
    return [regex.compile(p) for p in pub["text"]], [regex.compile(p) for p in pub["url"]]


def reference_date(text: str, url: str | None, published: date | None) -> date | None:
    """The date "đến nay" refers to: the publication date, else the last day of the month of
    publication when only that is known (a "date 2022-10" line, a /202112/ folder in the URL)."""
    if published is not None:
        return published
    text_pats, url_pats = _publication_patterns()
    found = [m for p in text_pats if (m := p.search(text[:2000]))]
    if not found and url:
        found = [m for p in url_pats if (m := p.search(url))]
    if not found:
        return None
    y, m = int(found[0].group("y")), int(found[0].group("m"))
    return _last_day(y, m)


def find_time_exprs(lay: Layout, published: date | None) -> list[TimeExpr]:
    pats, exclude, window = _data()
    found: list[TimeExpr] = []
    starts: list[int] = []  # the spans taken, sorted and disjoint: an overlap is a neighbour's
    ends: list[int] = []
    for para in lay.paragraphs:
        for rule, kind, pat in pats:
            for m in pat.finditer(lay.folded, para.start, para.end):
                k = bisect.bisect_left(starts, m.start())
                if (k < len(starts) and starts[k] < m.end()) or (k > 0 and ends[k - 1] > m.start()):
                    continue  # an earlier pattern took these words
                starts.insert(k, m.start())
                ends.insert(k, m.end())
                g = pat.groupdict(m)
                expr = TimeExpr(m.start(), m.end(), kind, rule, lay.text[m.start():m.end()],
                                interval(kind, g, published))
                before = lay.folded[max(para.start, m.start() - window):m.start()]
                sent = lay.sentence_at(m.start())  # its sentence, at most 300 characters back (linear)
                sentence = lay.folded[max(para.start, sent.start if sent else 0, m.start() - 300):m.start()]
                before = regex.split(r"[;,]|\.\s", before)[-1]  # its own clause and sentence only
                congress = _is_congress_term(lay, m.start(), m.end(), para.start, window)
                framing = not congress and lay.folded.startswith(_term()[0], m.start())  # a term looked back over
                if (exclude.search(before) and not framing) or congress \
                        or _is_plan_after(lay, m.end(), para.end, looking_back=kind in ("past_year", "last_years")):
                    expr.reporting = False
                elif _after_a_start(before, kind):
                    expr.reporting = False  # "mô hình được khởi xướng từ năm 2018"
                elif _sentence_before().search(sentence):
                    expr.reporting = False  # "… yêu cầu trong 3 tháng cuối năm, …, hoàn thành … năm 2026"
                elif kind == "now" and _now_not_after().search(lay.folded, max(para.start, m.start() - 16),
                                                               m.start()) \
                        and not _counts_after(lay, sent, m.end()):
                    # "khó khăn hiện nay là …": the noun's present, no time ("Trong điều kiện hiện nay,
                    # toàn huyện có 186 mô hình" is now)
                    expr.reporting = False
                elif kind == "before_merger" and _NAMES_BECAME.match(lay.folded, m.end()) \
                        and _UNIT_NAME_BEFORE.search(lay.text, max(para.start, m.start() - 40), m.start()):
                    expr.reporting = False  # "xã B và xã C trước sắp xếp (nay là xã D) có …": it names the units
                elif _in_story_quote(lay, m.start(), para.start, para.end):
                    expr.reporting = False  # chia sẻ: "Năm nay nhà tôi thu hơn 4 tấn cà phê"
                elif kind not in ("range", "since", "last_years") and _other_programme(lay, sent, para.end):
                    # (a phase or a term opening such a sentence still frames the report's results)
                    expr.reporting = False  # "Đến cuối năm, huyện có 33/38 xã đạt chuẩn nông thôn mới"
                elif _frames_only_pending(lay, m.start()):
                    expr.reporting = False  # "Hiện có 3 mô hình đang được xem xét đề nghị tỉnh công nhận"
                if published is not None and expr.period is not None and expr.period.end is not None \
                        and expr.period.start is not None and (
                            expr.period.start.year > published.year
                            or _term()[0] in lay.folded[m.start():m.end()]
                            and expr.period.start.year >= published.year):
                    # (a term of office that starts this year: "Nhiệm kỳ 2025 - 2030, mỗi chi bộ …")
                    expr.reporting = False  # "giai đoạn 2026-2030, phấn đấu …": a plan, not a result
                if published is not None and expr.kind == "range" and expr.period is not None \
                        and expr.period.start is not None and expr.period.end is not None \
                        and expr.period.start.year >= published.year and expr.period.end.year > published.year \
                        and not _RESULT_AFTER.match(lay.folded, m.end(), min(para.end, m.end() + 80)) \
                        and not lay.folded.endswith("năm học ", 0, m.start()):
                    # "… giai đoạn 2025 - 2030" in 2025: a phase ahead, a plan ("Giai đoạn 2025 - 2026,
                    # xã đã công nhận 15 mô hình" and "năm học 2025 - 2026" report results)
                    expr.reporting = False
                if published is not None and kind == "last_months" and expr.period is not None \
                        and expr.period.end is not None and expr.period.end > published:
                    expr.reporting = False  # "6 tháng cuối năm 2025" in September 2025: months ahead
                if published is not None and expr.period is not None and expr.period.start is None \
                        and expr.period.end is not None and expr.period.end.year > published.year:
                    expr.reporting = False  # "đến năm 2030 có trên 150 mô hình": a deadline ahead, a target
                found.append(expr)
    found.sort(key=lambda e: e.start)
    _resolve_relative(found, published, lay)
    _drop_now_beside_dates(found, lay)
    return found


def _resolve_relative(found: list[TimeExpr], published: date | None, lay: Layout) -> None:
    """"N năm qua" / "nhiệm kỳ qua": the phase the article names, else N years to publication;
    a bare "trong năm": the year named last before it, else the year of publication."""
    phases = [e for e in found if e.kind == "range" and e.reporting and e.period]
    years = [e for e in found if e.kind == "year" and e.reporting and e.period]
    phase_starts, year_starts = [p.start for p in phases], [y.start for y in years]  # sorted: found is
    named = [x for x in found if x.reporting and x.period is not None and x.period.end is not None
             and x.kind in ("year", "months", "quarter")]  # what a bare quarter's year comes from
    named_starts = [x.start for x in named]
    named_any = [x for x in found if x.reporting and x.period is not None and x.kind != "the_time"]
    named_any_starts = [x.start for x in named_any]
    for e in found:
        if e.kind == "since_term":  # "Từ đầu nhiệm kỳ đến nay": the term (phase) running at publication named
            # last before it (not a finished one: "So với nhiệm kỳ 2015 - 2020, …")
            word = "nhiệm kỳ" if "nhiệm kỳ" in e.text.lower() else "giai đoạn"
            term = next((x for x in reversed(found) if x.start < e.start and x.kind == "range"
                         and x.text.lower().startswith(word) and x.period is not None
                         and x.period.start is not None and x.period.end is not None and published is not None
                         and x.period.start <= published <= x.period.end), None)  # the term running then
            if term is not None and term.period is not None:
                e.period = PeriodRef(start=term.period.start, end=published)
            continue
        if e.kind == "the_time":  # "trong thời gian này": the span the article named last before it
            k = bisect.bisect_left(named_any_starts, e.start)
            e.period = named_any[k - 1].period if k else None
            continue
        if e.kind == "the_year":
            k = bisect.bisect_left(year_starts, e.start)  # the years before it, found by bisection
            if k:
                e.period = years[k - 1].period
            elif published is not None:
                e.period = PeriodRef(start=date(published.year, 1, 1), end=date(published.year, 12, 31))
            continue
        if e.rule == "period-first-months-bare" and e.period is not None and e.period.end is not None:
            # "Cả năm 2025, … Trong đó, 6 tháng đầu năm, …": the first months of the year named last
            # before it, else of publication's (as a bare quarter; "sơ kết 9 tháng" is often published
            # before September ends)
            k = bisect.bisect_left(named_starts, e.start)
            before = named[k - 1].period if k else None
            # (only when the publication year's months are not over: "Năm 2025, … 6 tháng đầu năm, …" in
            # July 2026 is 2026's)
            if before is not None and before.end is not None and (published is None or e.period.end > published):
                y0, last_month = before.end.year, e.period.end.month
                e.period = PeriodRef(start=date(y0, 1, 1), end=_last_day(y0, last_month))
            continue
        if e.kind == "the_quarter":  # "Riêng quý II, …": that quarter of the year named last, else publication's
            k = bisect.bisect_left(named_starts, e.start)  # the year named last before it, by bisection
            qy: int | None = named[k - 1].period.end.year if k else (  # type: ignore[union-attr]
                published.year if published is not None else None)
            relative = regex.search(r"năm\s+(nay|trước|ngoái)\s*$", e.text.lower())
            if relative is not None:  # "quý I năm nay", "quý IV năm trước": of publication's year or the one before
                qy = None if published is None else published.year - (relative.group(1) != "nay")
            number = regex.search(r"quý\s+(iv|iii|ii|i|[1-4])", e.text.lower())
            q = _quarter({"q": number.group(1) if number else None})
            if qy is not None and 1 <= q <= 4:
                e.period = PeriodRef(start=date(qy, 3 * q - 2, 1), end=_last_day(qy, 3 * q))
                if published is not None and e.period.end is not None and e.period.end > published:
                    e.reporting = False  # a quarter not over ("Quý IV, Ban … đề ra chỉ tiêu …"): a plan
            continue
        if e.kind == "the_month_end":  # "Đến cuối tháng 5, …": that month of its sentence's year, else the latest
            k = bisect.bisect_left(year_starts, e.start)
            prev = years[k - 1] if k else None
            month = int(regex.search(r"\d{1,2}", e.text.split("tháng")[-1]).group())  # type: ignore[union-attr]
            if not 1 <= month <= 12:
                continue
            same = lay.sentence_at(e.start)
            if prev is not None and prev.period is not None and prev.period.end and same is not None \
                    and same.start <= prev.start < same.end:
                y: int | None = prev.period.end.year  # "Năm 2026, đến cuối tháng 5, …"
            elif published is not None:  # the latest such month-end not after publication
                y = published.year if _last_day(published.year, month) <= published else published.year - 1
            else:
                y = None
            if y is not None:
                e.period = PeriodRef(start=None, end=_last_day(y, month))
            continue
        if e.kind == "the_year_end":  # "Đến cuối năm, …": the year its paragraph named last, else publication's
            k = bisect.bisect_left(year_starts, e.start)
            prev = years[k - 1] if k else None
            y = prev.period.end.year if prev is not None and prev.period is not None and prev.period.end \
                and lay.paragraph_of(prev.start) == lay.paragraph_of(e.start) else (
                    published.year if published is not None else None)
            if y is not None:
                e.period = PeriodRef(start=None, end=date(y, 12, 31))
                if published is not None and e.period.end is not None and e.period.end > published:
                    e.reporting = False  # "Đến cuối năm, toàn huyện có 300 mô hình" in June: a target
            continue
        if e.kind == "past_year" and published is not None:
            # "PV: Kết quả của phong trào năm 2025 là gì? – Năm qua, phường đã có 18 mô hình": the
            # year the article names for it (SPEC §4), in its paragraph or the one before, in a
            # sentence that reports nothing of its own, when it is a year "năm qua" can mean
            k = bisect.bisect_left(year_starts, e.start)
            prev = years[k - 1] if k else None
            if prev is not None and prev.period is not None and prev.period.end is not None \
                    and prev.period.end.year in (published.year, published.year - 1) and prev.period.end <= published \
                    and _frames_the_year(lay, prev, e):
                e.period = prev.period
            continue
        if e.kind != "last_years":
            continue
        k = bisect.bisect_left(phase_starts, e.start)
        after = bisect.bisect_right(phase_starts, e.start)
        terms = [p for p in phases[:k] if p.text.lower().startswith(_term()[0])] \
            if _term()[0] in e.text.lower() else []  # ("nhiệm kỳ qua", "Cả nhiệm kỳ,")
        n = _N_YEARS.search(e.text.lower())
        n_years = (int(n.group()) if n.group().isdigit() else words_to_number(n.group())) if n else None
        if terms:  # "nhiệm kỳ qua": the term the article names, not a phase named since
            e.period = terms[-1].period
        elif k or after < len(phases):
            # the phase named last before it, else the first after; of those before, the last one as
            # long as its N years ("sơ kết 3 năm (2021-2023) … giai đoạn 2021-2025. Sau 3 năm, …" is
            # 2021–2023; a term "2020-2025" counts as five years or six)
            phase = next((p for p in reversed(phases[:k]) if n_years and _spans_years(p, n_years)),
                         phases[k - 1] if k else phases[after])
            e.period = phase.period
            start, end = (phase.period.start, phase.period.end) if phase.period is not None else (None, None)
            span_of = not k and _SPAN_OF.fullmatch(lay.folded, e.end, phase.start) is not None
            if n_years and start is not None and end is not None and published is not None \
                    and _calendar_years(phase.period) >= n_years + (1 if span_of else 2) \
                    and (end.year > published.year or (span_of and end > published)) \
                    and start.year + n_years - 1 <= published.year:
                # "Sau 2 năm thực hiện giai đoạn 2021 - 2025" in 2022: the phase's first N years,
                # the phase still running
                e.period = PeriodRef(start=start, end=date(start.year + n_years - 1, 12, 31))
                if span_of:
                    phase.reporting = False  # (the phase it is a span of reports nothing of its own)
        elif n_years and published:
            y0 = published.year - n_years + 1
            e.period = PeriodRef(start=date(y0, 1, 1), end=date(published.year, 12, 31))


_DIGIT = regex.compile(r"\d")


def _frames_the_year(lay: Layout, year: TimeExpr, e: TimeExpr) -> bool:
    """Whether ``year`` names the year a later "năm qua" is about: in its paragraph or the one
    before, in a sentence with no number but the year's ("Năm 2025, phong trào … có nhiều chuyển
    biến", a question "… năm 2025 là gì?"), not a year of results of its own."""
    p_year, p_e = lay.paragraph_of(year.start), lay.paragraph_of(e.start)
    sentence = lay.sentence_at(year.start)
    if p_year is None or p_e is None or not p_e - 1 <= p_year <= p_e or sentence is None:
        return False
    return _DIGIT.search(lay.folded, sentence.start, year.start) is None \
        and _DIGIT.search(lay.folded, year.end, sentence.end) is None


def _drop_now_beside_dates(found: list[TimeExpr], lay: Layout) -> None:
    """"Tính đến ngày 30/11/2023, toàn tỉnh hiện có …": the explicit date wins over "hiện có".

    The "until" expressions and the sentences are looked up by bisection (both are sorted), so a
    long run of "đến nay" stays linear."""
    untils = [o.start for o in found if o.kind.startswith("until")]  # sorted: found is
    sent_starts = [x.start for x in lay.sentences]
    for e in found:
        if e.kind != "now" or not untils:
            continue
        i = bisect.bisect_right(sent_starts, e.start) - 1
        if i < 0 or not lay.sentences[i].start <= e.start < lay.sentences[i].end:
            continue
        sent = lay.sentences[i]
        clause_start = max(sent.start, lay.folded.rfind(";", sent.start, e.start) + 1)
        k = bisect.bisect_left(untils, clause_start)
        if k < len(untils) and untils[k] < e.start:
            e.reporting = False


def reporting_periods(exprs: list[TimeExpr]) -> list[Period]:
    """The distinct reporting periods of the article (both bounds unknown: not listed)."""
    out: dict[tuple[date | None, date | None], Period] = {}
    for e in exprs:
        if not e.reporting or e.period is None:
            continue
        if e.period.start is None and e.period.end is None:
            continue
        k = (e.period.start, e.period.end)
        out.setdefault(k, Period(start=e.period.start, end=e.period.end, text=e.text))
    return sorted(out.values(), key=lambda p: (p.end or date.max, p.start or date.min))
