"""Counts (SPEC §1.3): numbers of DVK models with their metric, field, level, holder, bound,
locality and period.

A count is a number followed by a model noun ("215 mô hình", "1.240 lượt mô hình"), or a number of
holders ("41 tập thể", "17 cá nhân") inside the split of such a count. Extraction runs in stages:

1. **Candidates** (:func:`find_candidates`): every count, with its holder, and the *part-of* link
   of each part of a breakdown to its total: a split in parentheses, the items after "trong đó" /
   "gồm" in the same sentence, or a sentence that opens with "Trong đó" right after the total.
2. **Own slots**: what the count's own words say: the *zone* (its clause, between the previous and
   the next count) before the number, and the words after the noun up to the end of its clause.
3. **Statements stated twice** are merged (a headline and its body statement, a number repeated
   without its verb), a rounded restatement in a headline or caption is dropped.
4. **Inheritance**: a part takes its total's metric, level, period and locality, changing only what
   it states itself; a clause parallel to the previous one keeps its verb.
5. **Defaults**: ``built``, ``all``, the period of GUIDELINES §4.6, the article's primary unit.

Words come from ``data/lexicon.toml`` (``[[field]]``, ``[[metric]]``, ``[[level]]``,
``[[level_actor]]``, ``[bounds]``, ``[counts]``).
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass
from dataclasses import field as dc_field
from functools import cache

import regex

from .layout import Layout
from .lexicon import (
    PhraseRule,
    alternation,
    field_rules,
    find_all,
    first_hit,
    fold,
    hit_at,
    level_rules,
    lexicon,
    metric_rules,
    movement_phrases,
    phrase_regex,
    unit_type_before,
    words,
)
from .localities import Mention
from .numbers import DIGIT_THOUSANDS_BODY, WORDS_BODY, parse_number
from .periods import TimeExpr
from .records import Count, LocalityRef, PeriodRef
from .text import key

# digits and their spaces, or number words (which carry their spaces): no backtracking between them
_NUM = (r"(?:(?P<num>" + DIGIT_THOUSANDS_BODY + r")\s+"  # "hơn 2 nghìn mô hình", "1,5 nghìn"
        r"|(?P<num>\d{1,3}(?:\.\d{3})+|\d+)(?:/\d{1,3}(?:\.\d{3})*)?\s+"  # "7/12 mô hình": 7 of the 12
        r"|(?<!\w)(?P<num>" + WORDS_BODY + r")\s*)")

#: the largest number taken as a count of models (a longer digit string is an identifier or noise)
MAX_COUNT = 10_000_000


@cache
def _count_regex() -> regex.Pattern[str]:
    body = alternation(lexicon()["counts"]["heads"])  # every match holds one of _count_heads()
    return regex.compile(rf"(?<![\w.,/]){_NUM}(?:lượt\s+)?(?P<head>{body})(?![\w])")


@cache
def _count_heads() -> tuple[str, ...]:
    """The heads _count_regex matches, as text: a clause holding none of them holds no count
    (find_candidates skips it: a few plain substring searches against a scan of the pattern)."""
    return tuple(sorted({fold(h) for h in lexicon()["counts"]["heads"]}))


@cache
def _count_noun_before() -> regex.Pattern[str]:
    """A number and its noun, then at most three words, right before a position: the words there
    are that count's own ("6 mô hình về phát triển kinh tế"), not after "và" ("10 mô hình và xây dựng
    hệ thống chính trị 8 mô hình")."""
    body = alternation(lexicon()["counts"]["heads"])
    return regex.compile(rf"(?<![\w.,/]){_NUM}(?:lượt\s+)?(?:{body})"
                         r"(?:\s+(?!(?:và|hoặc|cùng|trong đó|gồm|bao gồm)(?![\w]))[^\W\d]+){0,3}\s+$")


@cache
def _joint_number() -> regex.Pattern[str]:
    """The first of two numbers sharing one noun: "36 và 14 mô hình" (not a year, date or ordinal)."""
    lex = lexicon()["counts"]
    return regex.compile(
        rf"(?<![\w.,/])(?<!(?<![\w])(?:{alternation(lex['joint_not_after'])})\s+)"
        rf"(?P<num>\d{{1,3}}(?:\.\d{{3}})+|\d+)\s+(?:{alternation(lex['joint_connectors'])})\s+$")


@cache
def _grouping_lead() -> regex.Pattern[str]:
    """A count's own words that open with a grouping of units ("khối chính quyền", not "khối 8")."""
    body = alternation(lexicon()["counts"]["grouping_words"])
    # "các khối trong phường đã xây dựng …" names no grouping: a word of place or a verb after it
    stop = alternation(lexicon()["counts"]["grouping_not_before"])
    openers = alternation(lexicon()["counts"]["grouping_lead_openers"])
    return regex.compile(rf"[\s,;:(\-–•*]*(?:(?:{openers})\s+)*(?P<group>(?:{body})\s+(?!\d)"
                         rf"(?!(?:{stop})(?![\w]))\w)", regex.IGNORECASE)


@cache
def _organisation_lead() -> regex.Pattern[str]:
    """A count's own words that open with a body ("Hội LHPN 15", "Ủy ban MTTQ phường 9 mô hình")."""
    body = alternation(lexicon()["counts"]["organisation_heads"])
    # ("Lực lượng Công an và Quân sự tỉnh xây dựng 97 mô hình": a force's body)
    openers = alternation(lexicon()["counts"]["organisation_lead_openers"])
    return regex.compile(rf"[\s,;:(\-–•*]*(?:(?:{openers})\s+)*(?P<group>(?:{body})(?![\w]))",
                         regex.IGNORECASE)


@cache
def _organisation_rules() -> list[PhraseRule]:
    """Bodies and communities that head the items of a list ("Hội Nông dân 120, Đoàn Thanh niên
    85", "Phật giáo 30 mô hình, Công giáo 17, Cao Đài 9")."""
    c = lexicon()["counts"]
    return [PhraseRule("counts-organisation-heads", "other", phrase_regex(c["organisation_heads"])),
            PhraseRule("counts-community-words", "other", phrase_regex(c["community_words"]))]


@cache
def _movement_regex() -> regex.Pattern[str]:
    return phrase_regex(movement_phrases())


@cache
def _ambiguous_words() -> frozenset[str]:
    return frozenset(fold(w) for w in lexicon()["counts"]["ambiguous_number_words"])


@cache
def _holder_words() -> dict[str, str]:
    c = lexicon()["counts"]
    return {**{fold(w): "collective" for w in c["collective"]}, **{fold(w): "individual" for w in c["individual"]}}


@cache
def _holder_count_regex() -> regex.Pattern[str]:
    """A number of holders: "41 tập thể", "17 cá nhân" (a count only inside a split)."""
    alts = alternation(_holder_words())
    return regex.compile(rf"(?<![\w.,/])(?P<num>\d{{1,3}}(?:\.\d{{3}})+|\d+)\s+(?P<head>{alts})(?![\w])")


@cache
def _holder_before_number() -> regex.Pattern[str]:
    body = alternation(_holder_words())
    return regex.compile(rf"(?<![\w])(?:(?:mô hình|điển hình)\s+)?(?P<holder>{body})\s*:?\s*"
                         r"(?P<num>\d{1,3}(?:\.\d{3})+|\d+)(?=\s*(?:mô hình\s*)?(?:[,;.)]|và(?![\w])|$))")


@cache
def _holder_before_regex() -> regex.Pattern[str]:
    alts = alternation(_holder_words())
    return regex.compile(rf"(?<![\w])(?P<h>{alts})\s*:?\s*$")


@cache
def _holder_after_regex() -> regex.Pattern[str]:
    alts = alternation(_holder_words())
    return regex.compile(rf"\s*(?:của\s+)?(?P<h>{alts})(?![\w])")  # "8 mô hình (của) tập thể"


@cache
def _bound_regexes() -> list[tuple[str, regex.Pattern[str]]]:
    b = lexicon()["bounds"]
    return [
        (code, regex.compile(r"(?<![\w])(?:" + "|".join(
            regex.escape(fold(w)) for w in sorted(b[code], key=len, reverse=True)) + r")\s*$"))
        for code in ("at_most", "about", "at_least")
    ]


@cache
def _part_cue() -> regex.Pattern[str]:
    """Words that open the parts of a total: "trong đó", "gồm", "bao gồm" (data: [counts] part_cues)."""
    return phrase_regex(lexicon()["counts"]["part_cues"])


@cache
def _inline_part_cue() -> regex.Pattern[str]:
    """"…, riêng xã A có 143 mô hình": a part only when smaller than the count before it."""
    return phrase_regex(lexicon()["counts"]["inline_part_cues"])


@cache
def _part_cue_opening() -> regex.Pattern[str]:
    alts = alternation(lexicon()["counts"]["part_cues"])
    # used with .match at a sentence's start; "Các mô hình gồm …", "Những mô hình này bao gồm …" too
    return regex.compile(rf"[\s\-–•*]*(?:(?:các|những)\s+mô hình(?:\s+(?:này|trên|đó))?\s+)?(?:{alts})(?![\w])")


@cache
def _caption_regex() -> regex.Pattern[str]:
    return regex.compile("|".join(f"(?:{p})" for p in lexicon()["counts"]["caption_patterns"]))


@cache
def _actor_regex() -> tuple[regex.Pattern[str], dict[str, str]]:
    """An acting body followed by its unit word: "Ban Chỉ đạo … huyện" → district."""
    heads: list[str] = []
    acting: list[str] = []  # bodies that may also own the models: they act only with a verb of acting
    units: dict[str, str] = {}
    for rule in lexicon()["level_actor"]:
        heads.extend(fold(h) for h in rule["heads"])
        acting.extend(fold(h) for h in rule.get("heads_acting", []))
        for u in rule["units"]:
            units[fold(u)] = rule["code"]
    h, a, u = alternation(heads), alternation(acting), alternation(units)
    verbs = alternation(lexicon()["counts"]["acting_verbs"])
    return regex.compile(
        rf"(?<![\w])(?:(?:{h})(?![\w])[^,;.:()]{{0,120}}?(?<![\w])(?P<unit>{u})(?![\w])"
        rf"|(?:{a})(?![\w])[^,;.:()]{{0,120}}?(?<![\w])(?P<unit>{u})(?![\w])"
        rf"(?=[^,;.:()\d]{{0,40}}?(?<![\w])(?:{verbs})(?![\w])))"), units


@dataclass(eq=False)  # identity: a candidate is one place in the text
class Candidate:
    start: int  # of the number
    end: int  # of the head noun
    value: int
    seg_start: int
    seg_end: int
    sentence_start: int
    para: int
    head: str = ""
    parent: int | None = None  # index of the total this count is a part of
    holder: str | None = None
    pair: int | None = None  # the other member of "N tập thể và M điển hình"
    count: Count | None = None
    # own slots (None: the count's own words do not say)
    metric: str | None = None
    field: str | None = None
    field_text: str | None = None
    level: str | None = None
    period: PeriodRef | None = None
    locality: LocalityRef | None = None
    after_end: int = 0
    merged: bool = False
    holder_head: bool = False  # "41 tập thể": a number of holders, a count only inside a split
    called_models: bool = False  # "8 cá nhân là điển hình …": holders the article calls models, a count
    by_sum: bool = False  # a part linked because the items add up to its total: not at the total's level
    bound: str = "exact"
    title: bool = False  # in the headline
    caption: bool = False  # in a photo caption
    restated: bool = False  # "nâng tổng số lên N", "Trong số N mô hình, …"
    lead: str = ""  # its own words before the number
    zone_start: int = 0
    prev_after: int = 0  # where the own words of the count before it in the clause end
    joint: bool = False  # the first of two numbers sharing the next one's noun: "36 và 14 mô hình"
    label: str = ""  # the label of its bullet line: "- Công tác xây dựng lực lượng: 9 mô hình"
    table_row: bool = False  # its label is a table row's: "Khối Đảng | 312"
    national: bool = False  # a count of the country, a ministry's force or a region: no unit
    opener_metric: str | None = None  # a part's list opener's own verb ("Các cấp ủy đã công nhận: …")
    dated: bool = False  # its own words give its period ("năm 2023 có …")
    respective: int | None = None  # its place in "lần lượt là 96 và 104": the unit named in that place
    context_dated: bool = False  # the sentences before it give its period (no stock at publication)
    item_at: int | None = None  # where the name of its list item starts ("A (62)"): the unit named there
    stock_of_new: bool = False  # its "xây dựng" restates its new total ("… 20 mô hình mới, trong đó … xây dựng 14")
    each_of: list[LocalityRef] = dc_field(default_factory=list)  # "xã A và xã B cùng có 8 mô hình": one count each
    each_at: int | None = None  # "xã A và xã B mỗi xã 8 mô hình": where "mỗi" stands (a count per unit, or none)
    each_units: int = 1  # how many units the list before "mỗi" names (what the number counts for, summed)
    each_bodies: list[str] = dc_field(default_factory=list)  # "Hội A, Hội B mỗi đơn vị 2 mô hình": the others


def _segments(lay: Layout) -> list[tuple[int, int, int, int]]:
    """(start, end, sentence start, paragraph) of each ";"-clause of every body sentence."""
    out = []
    for s in lay.sentences:
        pos, depth = s.start, 0
        for m in _SEGMENT_MARKS.finditer(lay.folded[s.start:s.end]):
            ch = m.group()
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth = max(0, depth - 1)
            elif depth == 0:  # "(cấp tỉnh 72; cấp huyện 604)" is one clause
                out.append((pos, s.start + m.start(), s.start, s.para))
                pos = s.start + m.end()
        out.append((pos, s.end, s.start, s.para))
    return out


def _is_instance_of_named_model(lay: Layout, head_end: int) -> bool:
    """"6 mô hình Làng bản văn hóa", "100 … mô hình “Chính quyền thân thiện”": not counts."""
    after = lay.text[head_end:head_end + 60].split("\n", 1)[0]  # a name never runs onto the next line
    folded_after = lay.folded[head_end:head_end + len(after)]
    movement = _movement_regex()
    m = _QUOTE_LEAD.match(after)
    rest = folded_after[m.end():] if m else folded_after
    if movement.match(rest):
        return False
    stripped = after.lstrip()
    if not stripped:
        return False
    pos = head_end + len(after) - len(stripped)
    at_pos = hit_at(field_rules(), lay.folded, pos, pos + 40)
    if at_pos is not None and at_pos.rule.code:
        return False
    if stripped[0] in "\"“”'‘’" or stripped[0].isdigit():
        return True  # "12 mô hình “Chính quyền thân thiện”", "25 mô hình 5 không 3 sạch"
    return stripped[0].isupper() and not stripped.startswith(("Dân vận", "DVK"))


# patterns of the hot paths compiled once (regex's own cache lookup costs more than the match)
_QUOTE_LEAD = regex.compile(r"\s*[\"“”']?\s*")
_SEGMENT_MARKS = regex.compile(r"[;()]")
_CLAUSE_SPLIT = regex.compile(r"[,;(]")
_PAIR_GAP = regex.compile(r"\s*(?:,|và|,\s*và)\s*")
_OWN_CUT = regex.compile(r",(?!\s*(?:phường|thị trấn|đặc khu)(?![\w]))|\(|\)|:|\btrong đó\b|\bgồm\b")
#: a closed parenthesis without numbers or clause breaks inside, with words before it: an aside;
#: one that places the words before it may list units ("Đồn Biên phòng A (xã B, huyện C cũ) có 14")
_ASIDE = regex.compile(r"(?<=\w\s*)\((?:[^()\d,;:]{1,60}|(?:xã|phường|thị trấn|huyện|quận|thị xã|thành phố"
                       r"|tp\.?|tx\.?|tỉnh)\s[^()\d;:]{1,80}"
                       # "lực lượng vũ trang (Quân sự, Công an) 120 mô hình": a few short names
                       r"|[^()\d,;:]{1,20}(?:,\s*[^()\d,;:]{1,20}){1,4})\)(?=\s*(?:\w|$))")
_RAISE = regex.compile(r"(?<![\w])nâng\s+tổng")
_RAISED_TO = regex.compile(r"(?<![\w])lên\s*$")


#: how far back (characters) the words before a count are read: a clause longer than this is run-on
#: text, and a bounded look keeps the cost of every count constant
LOOKBACK = 400


@cache
def _opener_at_start() -> regex.Pattern[str]:
    """A breakdown's opener that only opens a sentence: "Về cấp công nhận, …", "Theo địa bàn: …"."""
    return regex.compile(rf"\s*(?:{alternation(lexicon()['counts']['breakdown_openers_at_start'])})\s*(?=[,:])")


def _breakdown_opener(lay: Layout, sent_start: int, lo: int, hi: int) -> bool:
    """Words between ``lo`` and ``hi`` that open a breakdown ("cụ thể như sau:", "theo lĩnh vực"), or
    the sentence's opening ones ("Về cấp công nhận, …") when ``lo`` is its start."""
    return words("counts", "breakdown_openers").search(lay.folded, lo, hi) is not None or (
        lo <= sent_start and _opener_at_start().match(lay.folded, sent_start, hi) is not None)


def _back(lay: Layout, start: int, pos: int) -> str:
    """The folded text before ``pos`` back to ``start``, at most :data:`LOOKBACK` characters."""
    return lay.folded[max(start, pos - LOOKBACK, 0):pos]


def _value(token: str) -> int | None:
    if fold(token.strip()) in _ambiguous_words():
        return None  # "một mô hình hay" is an article, "năm mô hình" may be "the year, models"
    v = parse_number(token.strip())
    if v is None or v != int(v) or not 0 <= v <= MAX_COUNT:
        return None
    return int(v)


class _Spans:
    """The text the candidates found so far cover, looked up by bisection (a long clause of counts
    stays linear)."""

    def __init__(self, found: list[Candidate]) -> None:
        spans = sorted((c.start, c.end) for c in found)
        self.starts = [a for a, _ in spans]
        self.ends: list[int] = []
        reach = -1
        for _, b in spans:  # the furthest end among the spans starting at or before each start
            reach = max(reach, b)
            self.ends.append(reach)

    def holds(self, pos: int) -> bool:
        k = bisect.bisect_right(self.starts, pos)
        return k > 0 and self.ends[k - 1] > pos


@cache
def _document_named() -> tuple[frozenset[str], regex.Pattern[str]]:
    """A plan word that names the document being carried out, not a plan: "Thực hiện Kế hoạch số
    45 …", "Triển khai Kế hoạch 12-KH/HU …" (lexicon ``document_words``, then its number)."""
    return frozenset(fold(w) for w in lexicon()["counts"]["document_words"]), regex.compile(r"\s+(?:số\s+)?\d")


def _plan_words(not_results: regex.Pattern[str], back: str) -> bool:
    """Words of a plan or a target in ``back`` (the folded words before a number), other than the
    name of a document being carried out."""
    documents, number = _document_named()

    def carried_out(m: regex.Match[str]) -> bool:
        if m.group() not in documents:
            return False
        if number.match(back, m.end()):
            return True  # "Thực hiện Kế hoạch số 45 …"
        comma = back.find(",", m.end())  # "Thực hiện kế hoạch của …, … đã triển khai 742 mô hình"
        return comma >= 0 and _DONE.search(back, comma) is not None

    return any(not carried_out(m) for m in not_results.finditer(back))


#: a clause's words that make its count a result: done ("đã", "vừa"), a stock now ("đến nay",
#: "hiện có", "tính đến", "lũy kế")
_RESULT_WORDS = regex.compile(r"(?<![\w])(?:đã|vừa|đến nay|tới nay|hiện nay|hiện có|tính đến|lũy kế)(?![\w])")
_YEAR = regex.compile(r"(?<![\d/.])((?:19|20)\d\d)(?![\d/])")


def _target_goes_on(lay: Layout, not_results: regex.Pattern[str], sent_start: int, seg_start: int,
                    pos: int, year: int | None) -> bool:
    """A ";"-clause after a target in its sentence goes on with the target ("phấn đấu mỗi cơ quan
    xây dựng 1 mô hình mới; đến năm 2027 toàn tỉnh có trên 1.000 mô hình"), unless it reports a
    result of its own: done or a stock now ("…; đến nay đã xây dựng 30 mô hình", "…; hiện nay toàn
    huyện có 120 mô hình"), or a year not after publication ("…; năm 2023 toàn huyện có 120")."""
    if seg_start <= sent_start or _RESULT_WORDS.search(lay.folded, seg_start, pos):
        return False
    if year is not None and any(int(y) <= year for y in _YEAR.findall(lay.folded, seg_start, pos)):
        return False
    return _plan_words(not_results, lay.folded[max(sent_start, seg_start - LOOKBACK):seg_start])


def find_candidates(lay: Layout, year: int | None = None) -> list[Candidate]:
    """Every count of the article in text order, with holders, pairs and part-of links (``year``:
    of publication, where known)."""
    not_results = words("counts", "not_results")
    out: list[Candidate] = []
    heads = _count_heads()
    for seg_start, seg_end, sent_start, para in _segments(lay):
        found: list[Candidate] = []
        holds_head = any(lay.folded.find(h, seg_start, seg_end) >= 0 for h in heads)
        for m in _count_regex().finditer(lay.folded, seg_start, seg_end) if holds_head else ():
            value = _value(m.group("num"))
            if value is None or _is_instance_of_named_model(lay, m.end()):
                continue
            if _plan_words(not_results, _back(lay, seg_start, m.start())) \
                    or _target_goes_on(lay, not_results, sent_start, seg_start, m.start(), year) \
                    or _is_candidate(lay, m.start(), m.end(), seg_start, seg_end):
                continue
            found.append(Candidate(m.start(), m.end(), value, seg_start, seg_end, sent_start, para,
                                   head=m.group("head")))
            each = _distributive(lay, seg_start, m.start())
            if each is not None:  # "Giao Tân và Giao Yến, mỗi xã 8 mô hình": the number is each unit's
                found[-1].each_at, found[-1].each_units = each
            joint = _joint_number().search(lay.folded, max(seg_start, m.start() - 30), m.start())
            if joint and (v := _value(joint.group("num"))) is not None:  # "36 và 14 mô hình"
                found.append(Candidate(joint.start("num"), joint.end("num"), v, seg_start, seg_end,
                                       sent_start, para, head=m.group("head"), joint=True))
        covered = _Spans(found)
        for m in _holder_count_regex().finditer(lay.folded, seg_start, seg_end):
            value = _value(m.group("num"))
            if value is None or covered.holds(m.start()):
                continue
            c = Candidate(m.start(), m.end(), value, seg_start, seg_end, sent_start, para,
                          head=m.group("head"), holder=_holder_words()[m.group("head")])
            c.holder_head = True
            c.called_models = _CALLED_MODELS.match(lay.folded, m.end(), min(seg_end, m.end() + 60)) is not None \
                or _CALLED_DVK.match(lay.folded, m.end(), min(seg_end, m.end() + 60)) is not None
            found.append(c)
        covered = _Spans(found)
        if lay.folded.find("lượt", seg_start, seg_end) >= 0 \
                and lay.folded.find("lượt mô hình", lay.paragraphs[para].start, seg_start) >= 0:
            # "… 2.316 lượt mô hình … Các mô hình trải rộng trên các lĩnh vực, nhiều nhất là lĩnh vực kinh tế
            # với 1.034 lượt, văn hóa – xã hội 702 lượt": "lượt" alone after its paragraph's "lượt mô hình"
            for m in _BARE_TIMES.finditer(lay.folded, seg_start, seg_end):
                value = _value(m.group("num"))
                # (an item of a breakdown: field or level words in its own words, "văn hóa – xã hội 702
                # lượt"; not "kiểm tra 32 lượt", "khen thưởng 120 lượt", "được công nhận 3 lượt")
                item_start = max(seg_start, *(lay.folded.rfind(x, seg_start, m.start()) + 1 for x in ",;"))
                labelled = any(h.rule.code for h in find_all(field_rules() + level_rules(), lay.folded,
                                                             item_start, m.start()))
                if value is not None and labelled and not covered.holds(m.start("num")) \
                        and not _metric_hits(lay.folded, item_start, m.start()) \
                        and not _plan_words(not_results, _back(lay, seg_start, m.start())):
                    found.append(Candidate(m.start("num"), m.end(), value, seg_start, seg_end, sent_start, para,
                                           head="lượt mô hình"))
            found.sort(key=lambda x: x.start)
            covered = _Spans(found)
        for m in _NUMBER_AFTER_NOUN.finditer(lay.folded, seg_start, seg_end):
            value = _value(m.group("num"))
            if value is not None and not covered.holds(m.start("num")):
                found.append(Candidate(m.start("num"), m.end("num"), value, seg_start, seg_end, sent_start,
                                       para, head="mô hình"))
        found.extend(_unit_list_after_noun(lay, _Spans(found), seg_start, seg_end, sent_start, para))
        found.extend(_units_with_counts_in_parentheses(lay, _Spans(found), seg_start, seg_end, sent_start, para))
        found.extend(_respectively(lay, found, seg_start, seg_end, sent_start, para))
        # "230 mô hình; trong đó …", "… 1.046 lượt mô hình. Trong đó: cấp huyện 318 lượt, …"
        context = found or [c for c in out[-1:] if c.para == para or (
            _list_row(lay, sent_start) and para - c.para <= 12) or (
            # "Các mô hình được triển khai trên các lĩnh vực: kinh tế 9, …" opening the next paragraph
            para - c.para == 1 and seg_start == sent_start
            and _breakdown_opener(lay, sent_start, seg_start, min(seg_end, seg_start + 80)))]
        if context:  # "Trong đó, mô hình tập thể 4.003, cá nhân 1.123": the holder before the number
            covered = _Spans(found)
            for m in _holder_before_number().finditer(lay.folded, seg_start, seg_end):
                value = _value(m.group("num"))
                if value is not None and not covered.holds(m.start("num")):
                    found.append(Candidate(m.start("num"), m.end("num"), value, seg_start, seg_end, sent_start,
                                           para, head="mô hình", holder=_holder_words()[m.group("holder")]))
        found.extend(_bare_field_items(lay, context, seg_start, seg_end, sent_start, para, carried=not found))
        found.sort(key=lambda c: c.start)
        out.extend(found)
    _holders(lay, out)
    _link_parts(lay, out)
    _split_of_a_part(lay, out)
    _reparent_by_sum(lay, out)
    _regroup_by_sum(lay, out)
    _link_split_by_sum(lay, out)
    _link_items_by_sum(lay, out)
    _relink_families_by_sum(lay, out)
    _relink_rows_by_sum(lay, out)
    _link_row_blocks_by_sum(lay, out)
    _model_and_typical_split(lay, out)
    return _drop_unlinked_holders(out)


def _worth(c: Candidate) -> int:
    """What a count adds to a sum of items: its number, once for each unit it is stated for ("A và B
    mỗi xã 4 mô hình" adds 8)."""
    return c.value * c.each_units


def _reparent_by_sum(lay: Layout, cands: list[Candidate]) -> None:
    """Parts linked to an increment ("xây dựng mới 1.027 mô hình, nâng tổng số lên 6.418 mô hình.
    Trong đó, có 2.310 … kinh tế, …") whose values add up to more than it belong to the raised
    total beside it, when that total holds them."""
    children: dict[int, list[Candidate]] = {}
    for c in cands:
        if c.parent is not None:
            children.setdefault(c.parent, []).append(c)
    # the largest value of a count without a total from each candidate to the end of its sentence:
    # a part set that adds up to no more than its total, or a sentence with no larger total after
    # it, moves nothing, and its parts' fields are not read (a long breakdown stays linear)
    later_max = [0] * (len(cands) + 1)
    for j in range(len(cands) - 1, -1, -1):
        same = j + 1 < len(cands) and cands[j + 1].sentence_start == cands[j].sentence_start
        later_max[j] = max(cands[j].value if cands[j].parent is None else -1, later_max[j + 1] if same else -1)
    for p, parts in children.items():
        if len(parts) < 2:
            continue
        every = sum(_worth(x) for x in parts)
        if every != cands[p].value and _states_field(lay, cands[p]) and cands[p].parent is None:
            # "… lĩnh vực kinh tế với 498 mô hình; văn hóa - xã hội 187 mô hình; …" after "… đã công
            # nhận 842 mô hình": the first field item is a sibling; together they break down 842
            whole = _total_of_sum(lay, cands, p, every + cands[p].value)
            if whole is not None:
                for x in parts:
                    x.parent = whole
                cands[p].parent = whole
                continue
        if every != cands[p].value and cands[p].parent is None:
            # "có 44 mô hình …, trong đó kinh tế 10 mô hình, …, xây dựng hệ thống chính trị 7 mô hình;
            # tám mô hình còn lại …" after "kế thừa 52 mô hình": the first parts make 44, the rest
            # with 44 make 52
            run, cut = 0, None
            for k, x in enumerate(parts):
                run += x.value
                if run == cands[p].value:
                    cut = k + 1
                    break
            rest = parts[cut:] if cut is not None else []
            # (the first parts in the count's own sentence, the rest naming no field: a list that
            # goes on by field, "… 250 kinh tế; 170 văn hóa - xã hội; 100 …", breaks down its sum)
            if cut is not None and 2 <= cut < len(parts) \
                    and all(x.sentence_start == cands[p].sentence_start for x in parts[:cut]) \
                    and not any(_states_field(lay, x) for x in rest):
                whole = _total_of_sum(lay, cands, p, cands[p].value + sum(_worth(x) for x in rest))
                if whole is not None and whole != p:
                    for x in rest:
                        x.parent = whole
                    cands[p].parent = whole
                    continue
        if every != cands[p].value:
            exact = _total_of_sum(lay, cands, p, every)
            if exact is not None and sum(1 for x in parts if _states_field(lay, x) or _UNIT_ITEM_LEAD.search(
                    lay.text, max(x.seg_start, x.start - 50), x.start)) >= 2:
                # "… 726 mô hình … Trong đó, cấp xã công nhận 512 …" then fields making 726; "… 3.214
                # mô hình. Cấp huyện công nhận 1.138 … như sau: huyện A 512 mô hình, …" making 3.214
                for x in parts:
                    x.parent = exact
                continue
        nxt_same = p + 1 < len(cands) and cands[p + 1].sentence_start == cands[p].sentence_start
        if every <= cands[p].value or not nxt_same or later_max[p + 1] <= cands[p].value:
            continue
        raised = None  # "xây dựng mới 12 …, nâng tổng số … lên 47 mô hình. Trong đó, có 21 …, 14 … và 12 …"
        for j in range(p + 1, len(cands)):
            if cands[j].sentence_start != cands[p].sentence_start:
                break
            if cands[j].parent is None and cands[j].value == every and _raises_total(lay, cands[j]):
                raised = j
                break
        if raised is not None:  # the parts add up exactly to the raised total: they break it down
            for x in parts:
                x.parent = raised
            continue
        by_field = [x for x in parts if _states_field(lay, x)]  # a breakdown by field adds up
        total = sum(_worth(x) for x in by_field)
        if len(by_field) < 2 or total <= cands[p].value:
            continue
        for j in range(p + 1, len(cands)):
            q = cands[j]
            if q.sentence_start != cands[p].sentence_start:
                break
            if q.parent is None and q.value >= total and _raises_total(lay, q):
                for x in parts:
                    x.parent = j
                break


def _regroup_by_sum(lay: Layout, cands: list[Candidate]) -> None:
    """The parts one sentence lists under a total they add up to more than cannot break it down:
    when they add up exactly to a total of the sentences before (up to six back), they break that
    one down ("… toàn tỉnh có 2.640 mô hình … Kết quả, khu vực A có 1.700 mô hình, khu vực B có
    940 mô hình. Phân theo cấp, cấp tỉnh có 80 mô hình, cấp xã 2.560 mô hình": the levels are
    2.640's parts, not 940's)."""
    groups: dict[tuple[int, int], list[int]] = {}
    for k, c in enumerate(cands):
        if c.parent is not None and not c.by_sum and c.pair is None and not c.holder_head and c.holder is None:
            groups.setdefault((c.parent, c.sentence_start), []).append(k)
    for (p, _), kids in groups.items():
        every = sum(_worth(cands[k]) for k in kids)
        if len(kids) < 2 or every <= cands[p].value:
            continue
        total = _total_of_sum(lay, cands, kids[0], every, sentences=6)
        if total is not None and total != p and total < kids[0]:
            for k in kids:
                cands[k].parent = total


def _split_of_a_part(lay: Layout, cands: list[Candidate]) -> None:
    """"Cụ thể, tỉnh A có 2.315 mô hình (1.406 tập thể, 909 cá nhân)": a split in the parenthesis
    right after a part breaks that part down, not the total both were linked to."""
    for i, q in enumerate(cands):
        if q.parent is None or q.holder_head:
            continue
        paren = _PAREN_AFTER.match(lay.folded, q.end, min(q.seg_end, q.end + 64))
        if paren is None:
            continue
        close = lay.folded.find(")", paren.end(), q.seg_end)
        for c in cands[i + 1:]:
            if c.start >= (close if close >= 0 else q.seg_end) or c.parent != q.parent:
                break
            if c.holder is not None:
                c.parent = i


_YEAR_WORD = regex.compile(r"(?<![\d])(?:19|20)\d\d(?![\d])")


def _link_split_by_sum(lay: Layout, cands: list[Candidate]) -> None:
    """"… biểu dương 35 mô hình … Các mô hình trải rộng trên 8 huyện, trong đó có 21 mô hình tập thể
    và 14 mô hình cá nhân": a split by holder after a part cue, with no total in its sentence, is
    the breakdown of the count of a sentence or two before that it adds up to exactly."""
    for i in range(len(cands) - 1):
        a, b = cands[i], cands[i + 1]
        if a.parent is not None or b.parent is not None or a.sentence_start != b.sentence_start \
                or {a.holder, b.holder} != {"collective", "individual"} \
                or any(cands[j].sentence_start == a.sentence_start for j in range(max(0, i - 3), i)) \
                or not _part_cue().search(lay.folded, a.sentence_start, a.start):
            continue
        if _YEAR_WORD.search(lay.folded, a.sentence_start, a.start):
            continue  # "Năm 2023, huyện tiếp tục biểu dương …, trong đó có 20 … tập thể và 10 … cá nhân": its own year
        # (a sentence or two before; three when the split points back: "Trong tổng số trên, …")
        back = 3 if _BACK_TO_TOTAL.search(lay.folded, a.sentence_start, a.start) else 1
        total = _total_of_sum(lay, cands, i, _worth(a) + _worth(b), sentences=back)
        if total is not None and cands[total].sentence_start != a.sentence_start:
            a.parent = b.parent = total


#: a split's words pointing back to a total stated before: "Trong tổng số trên", "Trong số đó", "Trong tổng số này"
_BACK_TO_TOTAL = regex.compile(r"(?<![\w])trong\s+(?:tổng\s+)?số\s+(?:mô hình\s+)?(?:trên|đó|này|nói trên)(?![\w])")

#: time words of a sentence of its own ("Năm 2023, …", "Đến nay, …"): its items are not an earlier total's parts
_OWN_TIME = regex.compile(r"(?<![\d])(?:19|20)\d\d(?!\d)|(?<![\w])(?:đến nay|hiện nay|hiện có|năm nay|tháng)(?![\w])")


_OPENER_AT_START = regex.compile(r"[\s\-–•*+]*")


def _link_items_by_sum(lay: Layout, cands: list[Candidate]) -> None:
    """Items of one sentence without a verb of their own and without a total there ("Gia Lai (cũ)
    có 1.392 mô hình, Bình Định (cũ) có 1.076 mô hình") that add up exactly to a count of the
    sentences just before ("… đã công nhận 2.468 mô hình"; up to six back: a paragraph of context
    may stand between, "… được công nhận. Đây là kết quả … / Sau khi hợp nhất, … Kết quả, khu vực
    tỉnh A (cũ) có …") break that count down."""
    i = 0
    while i < len(cands):
        j = i
        while j + 1 < len(cands) and cands[j + 1].sentence_start == cands[i].sentence_start:
            j += 1
        group = cands[i:j + 1]
        own_words = _own_words(lay, group)
        if len(group) >= 2 and all(c.parent is None and c.pair is None and not c.holder_head for c in group) \
                and not _metric_hits(own_words, 0, len(own_words)) and not _OWN_TIME.search(own_words) \
                and i > 0 and cands[i - 1].sentence_start != cands[i].sentence_start:
            total = _total_of_sum(lay, cands, i, sum(_worth(c) for c in group), sentences=6)
            if total is not None:
                for c in group:
                    c.parent, c.by_sum = total, True
        i = j + 1


def _joins_items(lay: Layout, a: Candidate, b: Candidate) -> bool:
    """The words between ``a``'s noun and ``b``'s number join two items of one list, each with its own
    subject and no verb but "có": "…, phường B có"."""
    gap_start = _past_movement_name(lay, a.end)
    gap = lay.folded[gap_start:b.start]
    return _ITEM_JOIN.fullmatch(lay.folded, gap_start, b.start) is not None and _weak_words(gap) \
        and bool(set(gap.replace(",", " ").split()) - _JOIN_WORDS)


def _weak_words(folded: str) -> bool:
    """No verb in these words but a closing "có" / "với" ("phường B có")."""
    hits = _metric_hits(folded, 0, len(folded))
    return not hits or (len(hits) == 1 and _WEAK_LEAD.search(folded) is not None)


def _own_words(lay: Layout, group: list[Candidate]) -> str:
    """The folded words of the sentences that hold ``group``, each without a breakdown's opener."""
    out = []
    for s in sorted({c.sentence_start for c in group}):
        sentence = lay.sentence_at(s)
        own = lay.folded[sentence.start:sentence.end] if sentence is not None else ""
        opener = _OPENER_AT_START.match(own)
        if opener is not None and (cue := words("counts", "breakdown_openers").match(own, opener.end())
                                   or _opener_at_start().match(own, opener.end())):
            own = own[cue.end():]  # "Về cấp công nhận, cấp tỉnh có 246 mô hình, …": no verb of its own
        out.append(own)
    return " ".join(out)


def _relink_families_by_sum(lay: Layout, cands: list[Candidate]) -> None:
    """Bare items read as parts of the first item of their list ("năm 2020 có 150 mô hình; năm
    2021: 180; …", then the rows "- TP A: 400 mô hình" / "- TX B: 300" of a list below) that do
    not add up to it, but do add up exactly, the first item with them, or a block of rows alone, to
    a count of the sentences just before ("toàn tỉnh có 1.000 mô hình … được công nhận"): they
    break that count down (by year, by unit) and take its slots."""
    children: dict[int, list[int]] = {}
    for k, c in enumerate(cands):
        if c.parent is not None and not c.by_sum and c.pair is None and not c.holder_head:
            children.setdefault(c.parent, []).append(k)
    for p, kids in children.items():
        root = cands[p]
        if root.parent is not None or root.pair is not None or root.holder_head \
                or sum(_worth(cands[k]) for k in kids) == root.value:
            continue
        blocks: list[list[int]] = []
        for k in [p, *kids]:
            c = cands[k]
            if blocks and (cands[blocks[-1][-1]].sentence_start == c.sentence_start
                           or (_row_of_list(lay, cands[blocks[-1][-1]]) and _row_of_list(lay, c)
                               and c.para == cands[blocks[-1][-1]].para + 1)):
                blocks[-1].append(k)
            else:
                blocks.append([k])
        for block in blocks:
            group = [cands[k] for k in block]
            own_words = _own_words(lay, group)
            times = [m.group() for m in _OWN_TIME.finditer(own_words)]
            by_year = len(times) == len(group) == len(set(times)) and all(
                _YEAR_ITEM.search(lay.folded, max(c.sentence_start, c.start - 24), c.start) for c in group)
            if len(group) < 2 or _metric_hits(own_words, 0, len(own_words)) or (times and not by_year):
                continue
            total = _total_of_sum(lay, cands, block[0], sum(_worth(c) for c in group))
            if total is not None and total not in block and cands[total].parent is None:
                for c in group:
                    c.parent, c.by_sum = total, True


def _relink_rows_by_sum(lay: Layout, cands: list[Candidate]) -> None:
    """Parts read as those of the count just before them that cannot be its parts, adding up to more
    than it ("Riêng năm 2023, có 380 mô hình được xây dựng mới. Kết quả theo khối: + Khối A: 520 mô
    hình (Hội B 200, Hội C 320); + Khối D: 310 …"), whose items outside parentheses add up exactly to
    a count of the sentences before ("… đã xây dựng 1.000 mô hình"): they break that count down; an
    item in parentheses is a part of the item it follows."""
    children: dict[int, list[int]] = {}
    for k, c in enumerate(cands):
        if c.parent is not None and not c.by_sum and c.pair is None and not c.holder_head and not c.merged:
            children.setdefault(c.parent, []).append(k)
    for p, kids in children.items():
        root = cands[p]
        inside = [k for k in kids if lay.folded.rfind("(", cands[k].sentence_start, cands[k].start)
                  > lay.folded.rfind(")", cands[k].sentence_start, cands[k].start)]
        top = [k for k in kids if k not in inside]
        worth = sum(_worth(cands[k]) for k in top)
        if root.parent is not None or len(top) < 2 or worth <= root.value:
            continue
        total = _total_of_sum(lay, cands, p, worth)
        if total is None or total == p or total in kids or cands[total].parent is not None:
            continue
        for k in top:
            cands[k].parent, cands[k].by_sum = total, True
        for k in inside:
            item = max((t for t in top if t < k), default=None)
            if item is not None and cands[item].sentence_start == cands[k].sentence_start:
                cands[k].parent, cands[k].by_sum = item, True


def _link_row_blocks_by_sum(lay: Layout, cands: list[Candidate]) -> None:
    """A list of label rows with no total of their own, each on a line of its own after an opener
    that ends in a colon ("Số mô hình phân theo đơn vị như sau:" then "- Đồn A (xã A): 9 mô hình;",
    "- Các đồn còn lại: 28 mô hình."), whose numbers add up exactly to a count a few sentences
    before (a paragraph between them): they break that count down."""
    def row(c: Candidate) -> bool:
        label = _BULLET_LABEL.match(lay.text, c.sentence_start)
        return c.parent is None and not c.merged and not c.holder_head and c.pair is None \
            and c.sentence_start == lay.paragraphs[c.para].start and label is not None and label.end() == c.start

    k = 0
    while k < len(cands):
        if not row(cands[k]):
            k += 1
            continue
        block = [k]
        while block[-1] + 1 < len(cands) and row(cands[block[-1] + 1]) \
                and cands[block[-1] + 1].para == cands[block[-1]].para + 1:
            block.append(block[-1] + 1)
        k = block[-1] + 1
        first = cands[block[0]]
        opener = lay.paragraphs[first.para - 1] if first.para else None
        if len(block) < 2 or opener is None or not lay.folded[opener.start:opener.end].rstrip().endswith(":") \
                or _metric_hits(lay.folded, opener.start, opener.end):
            continue  # (an opener with a verb of its own gives the rows their metric: "… xây dựng mới trong năm:")
        total = _total_of_sum(lay, cands, block[0], sum(_worth(cands[j]) for j in block), sentences=6)
        if total is not None and total not in block and cands[total].parent is None:
            for j in block:
                cands[j].parent, cands[j].by_sum = total, True


def _row_of_list(lay: Layout, c: Candidate) -> bool:
    """A count on a bullet line of its own naming a unit: "- TX B: 300"."""
    return c.sentence_start == lay.paragraphs[c.para].start \
        and _unit_row().match(lay.folded, c.sentence_start, c.start) is not None


def _total_of_sum(lay: Layout, cands: list[Candidate], p: int, total: int, sentences: int = 3) -> int | None:
    """Another count, a total of its own in the parent's sentence or up to three sentences before,
    whose value the breakdown's parts add up to exactly (the closest such count)."""
    first = cands[p].sentence_start
    starts = lay.sentence_starts()
    k = bisect.bisect_left(starts, first)
    earliest = starts[max(0, k - sentences)]
    sub_total = None  # else a part of a total that the parts break down in turn: "… toàn tỉnh có 640
    # mô hình, trong đó … các huyện, thị xã, thành phố có 575 mô hình" then the districts making 575
    for j in range(p - 1, max(-1, p - 60), -1):  # the counts before the parent (a bounded look back)
        q = cands[j]
        if q.holder_head:
            continue
        if q.sentence_start < earliest:
            break
        if q.value == total and not _states_field(lay, q):
            if q.parent is None:
                return j
            sub_total = j if sub_total is None else sub_total
    return sub_total


def _model_and_typical_split(lay: Layout, cands: list[Candidate]) -> None:
    """"930 mô hình, điển hình …, trong đó 610 mô hình và 320 điển hình": the movement's
    convention (SPEC §1.3) makes the mô hình collective and the điển hình individual."""
    groups: dict[tuple[int, int], list[Candidate]] = {}
    for c in cands:
        if c.parent is not None:
            groups.setdefault((c.parent, c.sentence_start), []).append(c)
    for (parent, _), parts in groups.items():
        heads = sorted(p.head for p in parts)
        if len(parts) == 2 and heads == ["mô hình", "điển hình"] and all(p.holder is None for p in parts) \
                and "điển hình" in cands[parent].head:
            for p in parts:
                p.holder = "collective" if p.head == "mô hình" else "individual"
    # "đã biểu dương 40 mô hình và 25 điển hình tiêu biểu", "khen thưởng 86 mô hình tập thể và 112
    # điển hình cá nhân": a split of its own, under one verb
    for i, (a, b) in enumerate(zip(cands, cands[1:], strict=False)):
        if a.parent is not None or b.parent is not None or a.seg_start != b.seg_start:
            continue
        gap = _holder_enum_gap().match(lay.folded, a.end, b.start)
        if gap is None or gap.end() != b.start:
            continue
        if {a.head, b.head} == {"mô hình", "điển hình"} and a.holder is None and b.holder is None \
                and not gap.group("holder"):
            for p in (a, b):
                p.holder = "collective" if p.head == "mô hình" else "individual"
        elif not (gap.group("holder") and {a.holder, b.holder} == {"collective", "individual"}):
            continue
        if a.pair is None and b.pair is None:
            a.pair, b.pair = i + 1, i  # one statement: they share verb, level, period and unit


@cache
def _holder_enum_gap() -> regex.Pattern[str]:
    """Between the two counts of a split: "và", maybe after the first one's holder word ("tập thể và")."""
    return regex.compile(rf"\s*(?P<holder>(?:{alternation(_holder_words())})(?![\w]))?\s*(?:,|và|,\s*và)\s*")


#: a number of times alone, the noun left out: "… văn hóa – xã hội 702 lượt, …"
_BARE_TIMES = regex.compile(r"(?<![\w.,/])(?P<num>\d{1,3}(?:\.\d{3})+|\d+)\s+lượt(?=\s*(?:[,;.)]|và(?![\w])|$))")
#: "Tổng số mô hình toàn tỉnh hiện là 5.830": the number after the noun
_NUMBER_AFTER_NOUN = regex.compile(
    r"(?<![\w])(?:tổng\s+)?số\s+(?:lượng\s+)?mô hình(?:\s+[^\d,.;:()]{0,40}?)?\s+(?:là|đạt|lên|lên tới|lên đến)\s+"
    r"(?P<num>\d{1,3}(?:\.\d{3})+|\d+)(?![\d.,]*\s*(?:%|phần trăm|hộ|người|tỷ|triệu|ha))(?!\s+mô hình)")
_BARE_ITEM = regex.compile(
    r"(?:\(\s*(?P<num>\d{1,3}(?:\.\d{3})+|\d+)\s*\)|(?<![\w.,/])(?P<num>\d{1,3}(?:\.\d{3})+|\d+)"
    # (a whole number only: not the "3" of "3.258 hộ", the "98" of "98,5%")
    r"(?![.,]\d)(?=\s*(?:lượt\s*)?(?:[,;.)]|và(?![\w])|$))"
    # "văn hóa - xã hội mười hai, quốc phòng - an ninh chín": number words (the field words before decide)
    r"|(?<![\w])(?P<num>" + WORDS_BODY + r")(?=\s*(?:[,;.)]|và(?![\w])|$)))")
_TRAILING_LINK = regex.compile(r"(?:\s+(?:đã|có|là|đạt|với|gồm|chiếm))+\s*$")
_PLACE_NUMBER = regex.compile(r"(?<![\w])(?:khu|thôn|ấp|tổ|bản|xóm|khối|số|đội|buôn|làng|khu phố)\s*$")  # "khu 3"
# "Ủy ban MTTQ phường 9"
_ORG_ITEM_GAP = regex.compile(r"(?:\s+[^\W\d]+){0,3}\s*(?:có|là|:|gồm|với|đạt)?\s*")


@cache
def _unit_row() -> regex.Pattern[str]:
    """A bullet row naming a unit before its count: "- Xã A: 12", "- TX A: 80", "- H. B:
    45", "- Phường 9: 14"."""
    return regex.compile(rf"\s*[-–•+*]\s*{unit_type_before()}[^\W\d_][^:;,\d()]{{0,40}}?\s*:\s*"
                         r"|\s*[-–•+*]\s*(?:phường|quận|p\.|q\.)\s*\d{1,2}\s*:\s*")


#: "khối doanh nghiệp, HTX trên địa bàn có": a grouping whose words go on past one comma, no verb between
_GROUPING_CUT = regex.compile(r"(?<![\w])(?:hiện\s+|riêng\s+)?(?=khối\s+[^\W\d][^,;.()\d]*,[^,;.()\d]*$)",
                              regex.IGNORECASE)
#: an item of a list by unit: "huyện U Minh 120", "thị xã Giá Rai có 378" (a unit word, then its name;
#: a former province's too: "tỉnh Vĩnh Long (cũ) có 4.512 …; tỉnh Bến Tre (cũ) có 5.230")
_UNIT_ITEM_LEAD = regex.compile(
    r"(?<![\w])(?i:xã|phường|thị trấn|đặc khu|huyện|quận|thị xã|thành phố|tỉnh|tp\.|tx\.|h\.|(?-i:TP|TX))\s*"
    r"\p{Lu}[^\d,;:()]{0,30}?(?:\s*\(\s*cũ\s*\)|\s+cũ)?"
    r"(?:\s*:\s*|\s+(?:(?:có|với|là)\s+)?)(?:(?:hơn|gần|trên|khoảng)\s+)?$")  # ("- TP. A: 86 mô hình")
#: a part by unit after a part cue: a unit word (a province's too), its name, "(cũ)" at most, the
#: number ("trong đó tỉnh A (cũ) 6.874, huyện B 412")
_PART_UNIT_LEAD = regex.compile(
    r"(?:^|(?<=[,;:]|\s(?:đó|gồm|và)))\s*"
    r"(?:(?i:tỉnh|xã|phường|thị trấn|đặc khu|huyện|quận|thị xã|thành phố|tp\.|tx\.)\s*"
    r"\p{Lu}[^\d,;:()]{0,30}?(?:\s*\(\s*(?i:cũ)\s*\)|\s+(?i:cũ))?"
    # ("trong đó A (cũ) 1.608 và B (cũ) 1.338": a unit called former needs no type word)
    r"|\p{Lu}[^\d,;:()]{0,30}?\s*\(\s*(?i:cũ)\s*\))\s*(?::\s*|\s+(?:(?:có|với|là)\s+)?)$")
#: a later item of a list by unit named bare: "huyện A 214 mô hình, B 198, C 176" (its unit is the
#: mention the list's name gives it)
_BARE_NAME_ITEM_LEAD = regex.compile(
    r"(?:[,;]\s*|\svà\s+)\p{Lu}[\w'’]*(?:\s+\p{Lu}[\w'’]*){0,3}\s+(?:(?:có|với|là)\s+)?$")
#: a year or a quarter that labels an item of a list by time: "năm 2017", "quý II"
_WHEN_LABEL = r"(?:năm\s+(?:19|20)\d\d|quý\s+(?:iv|i{1,3}|[1-4])(?![\w]))"
#: the own words of an item of a list by year, before its number: "năm 2017 là ", "và năm 2020 ",
#: "quý II có "
_YEAR_LEAD = regex.compile(rf"\s*(?:và\s+)?{_WHEN_LABEL}\s*(?:là|có|:|đạt|công nhận|được công nhận)?\s*$",
                           regex.IGNORECASE)
#: an item of a list by year: "năm 2022 là 75", "năm 2023: 81", "quý I có 712"
_YEAR_ITEM = regex.compile(rf"(?<![\w]){_WHEN_LABEL}\s*(?:là|có|:|đạt|được)?\s*$")
# "Kinh tế | 2.936": a table row; "cấp tỉnh Hội 96": an organisation's own level
_FIELD_ITEM_GAP = regex.compile(r"\s*(?:(?:hội|đoàn)\s+)?(?:có|là|:|\||gồm|chiếm|với|đạt)?\s*$")
_PAREN_AFTER = regex.compile(r"[^()\d,;.]{0,60}?\(")  # "công nhận 2.118 mô hình (cấp tỉnh 72; …)"
# ("Phân theo cấp: cấp tỉnh 44, cấp huyện 305, …", "Theo cấp công nhận, cấp tỉnh 29, …")
_FIELD_LIST_OPENER = regex.compile(r"lĩnh vực\s*:|\s-\s*(?=lĩnh vực)"
                                   r"|(?<![\w])theo\s+(?:cấp(?:\s+công nhận)?|lĩnh vực|khối)\s*[:,]")


#: the type words that open a unit's name in the lists below ("xã A 17", "TP. B (41)")
_UNIT_TYPES = r"xã|phường|thị trấn|đặc khu|huyện|quận|thị xã|thành phố|tp\.?"
#: the noun counted before a colon that opens a list of units with bare numbers: "Nhiều xã có số
#: mô hình khá cao: xã A 17, xã B 23" (a number of models, not of households or members)
_NOUN_BEFORE_UNIT_LIST = regex.compile(
    r"(?<![\w])(?:số|số lượng|nhiều)\s+mô hình(?:\s+[^\W\d][^\d:;.()]{0,40})?\s*:\s*")
_MEASURED_BEFORE = regex.compile(r"(?<![\w])(?:hộ|thành viên|người|tỷ lệ|kinh phí|điểm|lượt|thôn|ấp)(?![\w])")
#: an item: a unit's type word, its capitalised name, the number (no year, day or village number)
_UNIT_LIST_ITEM = regex.compile(
    rf"\s*(?:và\s+)?(?i:{_UNIT_TYPES})\s+"
    r"\p{Lu}[\w'’]*(?:(?:\s+|\s*-\s*)\p{Lu}[\w'’]*)*\s+(?:(?:có|với|là|đạt)\s+)?"
    r"(?P<num>\d{1,3}(?:\.\d{3})+|\d+)(?:\s+mô hình)?\s*(?=[,;.]|và(?![\w])|$)")
_ITEM_SEPARATOR = regex.compile(r"\s*[,;]")


def _unit_list_after_noun(lay: Layout, covered: _Spans, seg_start: int, seg_end: int, sent_start: int,
                          para: int) -> list[Candidate]:
    """"Nhiều xã có số mô hình khá cao: xã A 17, xã B 23, phường C 31": the noun counted stands
    before the colon, each item names a unit and its bare number (two items at least)."""
    opener = _NOUN_BEFORE_UNIT_LIST.search(lay.folded, seg_start, seg_end)
    if opener is None or _MEASURED_BEFORE.search(lay.folded, max(seg_start, opener.start() - 30), opener.start()):
        return []
    return _list_items(lay, _UNIT_LIST_ITEM, _ITEM_SEPARATOR, opener.end(), covered,
                       (seg_start, seg_end, sent_start, para), gap_needed=False)


def _list_items(lay: Layout, item: regex.Pattern[str], gap: regex.Pattern[str], pos: int, covered: _Spans,
                where: tuple[int, int, int, int], gap_needed: bool = True) -> list[Candidate]:
    """The counts of a list's items, one after the other from ``pos``: each ``item`` match gives its
    group "num" (and "name", where its unit is named: ``item_at``), ``gap`` parts two items (or may
    be missing, without ``gap_needed``); two items at least. ``where``: the segment's start and end,
    its sentence's start and its paragraph."""
    seg_start, seg_end, sent_start, para = where
    out: list[Candidate] = []
    while pos < seg_end:
        m = item.match(lay.text, pos, seg_end)
        if m is None:
            break
        value = _value(m.group("num"))
        if value is not None and not covered.holds(m.start("num")):
            c = Candidate(m.start("num"), m.end("num"), value, seg_start, seg_end, sent_start, para, head="mô hình")
            if "name" in item.groupindex:
                c.item_at = m.start("name")
            out.append(c)
        sep = gap.match(lay.text, m.end(), seg_end)
        if sep is None and gap_needed:
            break
        pos = sep.end() if sep else m.end()
    return out if len(out) >= 2 else []


#: "Các huyện có nhiều mô hình là A (62), B (41) và C (37)": kinds of unit, the noun, then a list
_UNITS_LIST_OPENER = regex.compile(
    r"(?<![\w])(?:các|những|một số|nhiều)\s+(?:xã|phường|thị trấn|huyện|quận|thị xã|thành phố|địa phương)"
    r"(?![\w])[^.;:()\d\n]{0,50}?(?<![\w])mô hình(?![\w])[^.;:()\d\n]{0,30}?(?:(?<![\w])(?:là|gồm|như)(?:\s*:)?|:)\s+")
#: an item: a capitalised name (its type word before it at most), its count in parentheses (no year),
#: or right after it, before the next item ("A 34 mô hình, B 31, C 27")
_NAME_COUNT_PAREN = regex.compile(
    rf"(?:(?i:{_UNIT_TYPES}|h\.|tx\.?)\s+)?(?P<name>\p{{Lu}}[^,;.()\d\n]{{1,40}}?)"
    r"(?:\s*\(\s*(?!(?:19|20)\d\d\s*\))(?P<num>\d{1,3}(?:\.\d{3})+|\d{1,4})(?:\s+(?:mô hình|mh))?\s*\)"
    r"|\s+(?:(?:có|với|là)\s+)?(?!(?:19|20)\d\d(?![\d.]))(?P<num>\d{1,3}(?:\.\d{3})+|\d{1,4})"
    r"(?:\s+(?:mô hình|mh))?(?=\s*(?:[,;.]|và(?![\w])|$)))")
_PAREN_ITEM_GAP = regex.compile(r"\s*(?:,\s*(?:và\s+)?|và\s+|;\s*)")


def _units_with_counts_in_parentheses(lay: Layout, covered: _Spans, seg_start: int, seg_end: int,
                                      sent_start: int, para: int) -> list[Candidate]:
    """"Các huyện có nhiều mô hình là A (62), B (41) và C (37)": each unit's count in parentheses
    after its name (two items at least, one after the other); the count's unit is the one named
    there (``item_at``: where its name starts)."""
    opener = _UNITS_LIST_OPENER.search(lay.folded, seg_start, seg_end)
    if opener is None or _MEASURED_BEFORE.search(lay.folded, opener.start(), opener.end()):
        return []
    return _list_items(lay, _NAME_COUNT_PAREN, _PAREN_ITEM_GAP, opener.end(), covered,
                       (seg_start, seg_end, sent_start, para))


#: "Huyện A và huyện B có số mô hình ít nhất, lần lượt là 96 và 104": the noun, then numbers in
#: the order of the units named before them
_RESPECTIVELY = regex.compile(r"(?:(?<![\w])mô hình(?![\w])[^.;:()\d\n]{0,40}?)?(?<![\w])lần lượt(?:\s+là)?\s+"
                              # "A, B, C là những địa phương có nhiều mô hình đăng ký mới với 9, 7 và 6 mô hình"
                              r"|(?<![\w])mô hình(?![\w])[^.;:()\d\n]{0,40}?(?<![\w])với\s+(?=\d[\d.]*\s*,)")
_NOUN_AFTER_NUMBERS = regex.compile(r"[\d.,\s]*(?:và\s+)?[\d.]+\s+mô hình(?![\w])")
_RESPECTIVE_NUMBER = regex.compile(
    r"(?P<num>\d{1,3}(?:\.\d{3})+|\d+)(?:\s+mô hình)?(?:\s*(?:,|và)\s*|(?=\s*[.;)]|\s*$))")


def _respectively(lay: Layout, found: list[Candidate], seg_start: int, seg_end: int, sent_start: int,
                  para: int) -> list[Candidate]:
    """"…, lần lượt là 96 và 104": each number a count of the unit named in its place (two at least);
    a number already read as a count ("… và 47 mô hình") takes its place too."""
    opener = _RESPECTIVELY.search(lay.folded, seg_start, seg_end)
    if opener is None or not (lay.folded.startswith("mô hình", opener.start())
                              or _NOUN_AFTER_NUMBERS.match(lay.folded, opener.end(), seg_end)):
        return []  # the noun before "lần lượt", or after its numbers ("lần lượt 58, 41 và 47 mô hình")
    at = {c.start: c for c in found}
    items: list[Candidate] = []
    pos = opener.end()
    while pos < seg_end:
        m = _RESPECTIVE_NUMBER.match(lay.folded, pos, seg_end)
        if m is None:
            break
        value = _value(m.group("num"))
        if value is None:
            return []
        c = at.get(m.start("num")) or Candidate(m.start("num"), m.end("num"), value, seg_start, seg_end,
                                                 sent_start, para, head="mô hình")
        items.append(c)
        pos = m.end()
    if len(items) < 2:
        return []
    for k, c in enumerate(items):
        c.respective = k
    return [c for c in items if c.start not in at]


def _bare_field_items(lay: Layout, found: list[Candidate], seg_start: int, seg_end: int,
                      sent_start: int, para: int, carried: bool = False) -> list[Candidate]:
    """Items of a field list that give a bare number: "kinh tế (61 mô hình), văn hóa - xã hội
    (47), quốc phòng - an ninh (26)", "lĩnh vực kinh tế có 14 mô hình, văn hóa - xã hội 22", or
    "198 mô hình với 3 nhóm lĩnh vực: phát triển kinh tế (87), …". The list opens with an item
    "field N noun" or with "lĩnh vực:" after a count; each bare number follows its field words."""
    if not found:
        return []
    by_year = by_unit = False
    if carried:  # the count stands before: this clause opens with a part cue or "… lĩnh vực:"
        lead = _SPACES.match(lay.folded, seg_start, seg_end)
        at = lead.end() if lead else seg_start
        opener = _part_cue().match(lay.folded, at, min(seg_end, at + 40)) \
            or _FIELD_LIST_OPENER.search(lay.folded, seg_start, min(seg_end, seg_start + LOOKBACK)) \
            or (_list_row(lay, seg_start) if seg_start == sent_start else None)
        first = None
        if opener is None and found[-1].sentence_start == sent_start:
            # "…: kinh tế 58 mô hình; văn hóa - xã hội 41; …": the list goes on past a ";" of its
            # sentence (each number still needs its field, level or body words right before it)
            opener = lead
        if opener is None:
            return []
        # "năm 2016 có 1.820 mô hình; năm 2017: 2.145; …": a list by year goes on past its ";"
        by_year = found[-1].sentence_start == sent_start and _YEAR_ITEM.search(
            lay.folded, max(found[-1].seg_start, found[-1].start - 24), found[-1].start) is not None
        # "huyện A dẫn đầu với 700 mô hình; huyện B 600; huyện C 500; …": and so does a list by unit
        by_unit = found[-1].sentence_start == sent_start and _UNIT_ITEM_LEAD.search(
            lay.text, max(found[-1].seg_start, found[-1].start - 50), found[-1].start) is not None
    else:
        first = next((c for c in found  # "kinh tế 14 mô hình, …", "cấp tỉnh công nhận 45 mô hình, cấp huyện 210"
                      if any(h.rule.code for h in find_all(field_rules() + level_rules() + _organisation_rules(),
                                                           lay.folded,
                                                           max(seg_start, c.start - 40), c.start))), None)
        by_unit = (first is None or _UNIT_ITEM_LEAD.search(lay.text, max(seg_start, first.start - 50), first.start)
                   is not None) and any(_UNIT_ITEM_LEAD.search(lay.text, max(seg_start, c.start - 50), c.start)
                                        for c in found)
        # ("Hội Nông dân huyện A với 73 mô hình, tiếp đến là B 64 mô hình, C 38": a body's unit leads)
        if by_unit:  # "huyện A có 168 mô hình, huyện B 120, huyện C 98": items labelled by their units
            first = next(c for c in found if _UNIT_ITEM_LEAD.search(lay.text, max(seg_start, c.start - 50), c.start))
        year_led = [c for c in found if _YEAR_ITEM.search(lay.folded, max(seg_start, c.start - 24), c.start)]
        by_year = bool(year_led) and (first is None or ":" in lay.folded[found[0].end:year_led[0].start])
        if by_year:  # "… công nhận 624 mô hình: năm 2016 là 98 mô hình, năm 2017 là 112, …"
            first = None
        if by_year:  # "năm 2021 là 62 mô hình, năm 2022 là 75, …": items labelled by their years
            first = next(c for c in found if _YEAR_ITEM.search(lay.folded, max(seg_start, c.start - 24), c.start))
        opener = _FIELD_LIST_OPENER.search(lay.folded, found[0].end, seg_end) \
            or _part_cue().search(lay.folded, found[0].end, min(seg_end, found[0].end + 60)) \
            or _PAREN_AFTER.match(lay.folded, found[0].end, min(seg_end, found[0].end + 64)) \
            or (_SCOPE_OPENING.match(lay.folded, found[0].sentence_start, found[0].sentence_start + SCOPE_OPENING_REACH)
                and _SCOPE_END.search(
                lay.folded, found[0].end, min(seg_end, found[0].end + 20)))  # "Trong số 24 mô hình này, …"
    if first is None and opener is None:
        return []
    scan_from = first.end if first is not None else opener.end()  # type: ignore[union-attr]
    if first is not None and opener is not None and opener.start() < first.start:
        scan_from = opener.end()
    if by_year and not carried:
        scan_from = seg_start  # "năm 2019: 2.905 và 9 tháng đầu năm 2020 là 2.900 mô hình": items before it too
    if not carried and found[0].sentence_start == sent_start:
        # "Theo cấp công nhận, cấp tỉnh 29, cấp huyện 305, cấp xã 1.410 mô hình": the noun only at
        # the last item; the items from the list's opener on
        pre = _FIELD_LIST_OPENER.search(lay.folded, seg_start, found[0].start)
        if pre is not None and pre.end() < scan_from:
            scan_from = pre.end()
    head = (first or found[0]).head
    taken = {c.start for c in found}
    out: list[Candidate] = []
    # the parts after a part cue may name units ("trong đó tỉnh A (cũ) 6.874, tỉnh B (cũ) 4.386")
    parts_by_unit = opener is not None and _part_cue().match(lay.folded, opener.start(), opener.end()) is not None
    for m in _BARE_ITEM.finditer(lay.folded, scan_from, seg_end):
        if m.start("num") in taken:
            continue
        value = _value(m.group("num").rstrip())
        num_end = m.start("num") + len(m.group("num").rstrip())  # number words end before their space
        if value is not None and seg_start == sent_start and _unit_row().fullmatch(lay.folded, seg_start, m.start()):
            # "- Xã Ea Tam: 12.": a row of a list of units
            out.append(Candidate(m.start("num"), num_end, value, seg_start, seg_end, sent_start, para, head=head))
            continue
        if value is not None and seg_start == sent_start and _table_count_row(lay, sent_start, m.start()):
            # "Khối Đảng | 312" under "Tên đơn vị | Số mô hình": every row of a table of counts
            out.append(Candidate(m.start("num"), num_end, value, seg_start, seg_end, sent_start, para, head=head))
            continue
        before = lay.folded[max(scan_from, m.start() - 50):m.start()]
        if value is not None and by_unit \
                and (_UNIT_ITEM_LEAD.search(lay.text, max(scan_from, m.start() - 50), m.start())
                     or not carried and _BARE_NAME_ITEM_LEAD.search(lay.text, max(scan_from, m.start() - 40),
                                                                     m.start())):
            out.append(Candidate(m.start("num"), num_end, value, seg_start, seg_end, sent_start, para, head=head))
            continue
        if value is not None and parts_by_unit and _PART_UNIT_LEAD.search(lay.text, max(scan_from, m.start() - 60),
                                                                           m.start()):
            # "…, tổng cộng 11.260 mô hình, trong đó tỉnh A (cũ) 6.874, tỉnh B (cũ) 4.386": the parts by unit
            out.append(Candidate(m.start("num"), num_end, value, seg_start, seg_end, sent_start, para, head=head))
            continue
        if value is not None and by_year and _YEAR_ITEM.search(before):
            out.append(Candidate(m.start("num"), num_end, value, seg_start, seg_end, sent_start, para, head=head))
            continue
        hits = [h for h in find_all(field_rules() + level_rules() + _organisation_rules(), before) if h.rule.code]
        gap = before[hits[-1].end:] if hits else ""
        body_item = hits and hits[-1].rule.id in ("counts-organisation-heads", "counts-community-words")
        if value is None or not hits or not (
                _FIELD_ITEM_GAP.fullmatch(gap) or _verb_gap(gap) or (body_item
                                                   and _ORG_ITEM_GAP.fullmatch(gap)
                                                   and not _PLACE_NUMBER.search(gap))):
            continue
        c = Candidate(m.start("num"), num_end, value, seg_start, seg_end, sent_start, para, head=head)
        out.append(c)
    # "… có 498 thuộc lĩnh vực kinh tế, 527 văn hóa - xã hội, 131 quốc phòng - an ninh và 130 …":
    # bare numbers before their field words, two or more in the list
    taken |= {c.start for c in out}
    after: list[Candidate] = []
    for m in _NUMBER_BEFORE_FIELD.finditer(lay.folded, scan_from, seg_end):
        h = hit_at(field_rules(), lay.folded, m.end(), min(seg_end, m.end() + 60))
        value = _value(m.group("num"))
        if m.start("num") in taken or value is None or h is None or not h.rule.code \
                or not _ITEM_END.match(lay.folded, h.end, seg_end):
            continue
        after.append(Candidate(m.start("num"), m.end("num"), value, seg_start, seg_end, sent_start, para, head=head))
    if len(after) >= 2:
        out.extend(after)
    if first is not None and not by_year:
        out.extend(_items_before(lay, first, seg_start, seg_end, sent_start, para, taken | {c.start for c in out}))
    return out


#: a bare number of an item right before the next item's words: "cấp huyện 70, " (the item list goes on)
_ITEM_BEFORE = regex.compile(r"(?<![\w.,/])(?P<num>\d{1,3}(?:\.\d{3})+|\d+)\s*(?:,|;|và)\s*$")


#: the words of a body's unit between the body and a bare number ("Hội Nông dân Phường An Lạc 9")
_UNIT_WORDS = frozenset({"huyện", "xã", "phường", "tỉnh", "quận", "thị", "trấn", "thành", "phố", "đặc", "khu",
                         "có", "là", "gồm", "với", "đạt"})


def _item_lead(lay: Layout, lo: int, num_start: int, named_only: bool = False,
               prefer: int | None = None) -> tuple[int, int] | None:
    """(start, kind) of the field, level or body words that lead a list item's number, None when
    the words before the number are no item's ("cấp tỉnh công nhận 45": the level; kinds: 0 field,
    1 level, 2 body, 3 unit). With ``named_only``, the words between a body and its number are its
    unit's name or a model verb, not another act ("Hội Nông dân kết nạp mới 320": members). Words
    of two kinds at once ("Huyện đoàn": a level and a body) are of the kind ``prefer`` (the next
    item's)."""
    kinds = (field_rules(), level_rules(), _organisation_rules())
    before = lay.folded[lo:num_start]
    hits = [(h, k) for k, rules in enumerate(kinds) for h in find_all(rules, before) if h.rule.code]
    unit = _UNIT_ITEM_LEAD.search(lay.text, lo, num_start)
    if unit is not None and not any(h.end > unit.start() - lo for h, _ in hits):
        return unit.start(), 3  # "TP. A 156, TX. B 151 và huyện C 76 mô hình": a unit's item
    if not hits:
        return None
    h, kind = max(hits, key=lambda hk: (hk[0].end, hk[1] == prefer))
    gap = before[h.end:]
    if not (_FIELD_ITEM_GAP.fullmatch(gap) or _verb_gap(gap)
            or (kind == 2 and _ORG_ITEM_GAP.fullmatch(gap) and not _PLACE_NUMBER.search(gap)
                and not (named_only and not _named_gap(lay.text[lo + h.end:num_start])))):
        return None
    return lo + h.start, kind


def _named_gap(gap: str) -> bool:
    """Each word of a body's gap is a unit's type word or a capitalised name ("huyện Tuy An")."""
    return all(w[0].isupper() or fold(w) in _UNIT_WORDS for w in regex.findall(r"[^\W\d_]+", gap))


def _items_before(lay: Layout, first: Candidate, seg_start: int, seg_end: int, sent_start: int, para: int,
                  taken: set[int]) -> list[Candidate]:
    """Items with a bare number before the list's first item with a noun, of the same kind of
    words: "Cấp huyện công nhận 70, cấp xã công nhận 130 mô hình", "lĩnh vực kinh tế 70, văn hóa
    - xã hội 130 mô hình" (the noun only at the last item)."""
    lead = _item_lead(lay, max(seg_start, first.start - 50), first.start)
    out: list[Candidate] = []
    while lead is not None:
        m = _ITEM_BEFORE.search(lay.folded, max(seg_start, lead[0] - 24), lead[0])
        if m is None or m.start("num") in taken or (value := _value(m.group("num"))) is None:
            break
        prev = _item_lead(lay, max(seg_start, m.start("num") - 50), m.start("num"), named_only=True, prefer=lead[1])
        if prev is None or prev[1] != lead[1]:
            break
        out.append(Candidate(m.start("num"), m.end("num"), value, seg_start, seg_end, sent_start, para,
                             head=first.head))
        lead = prev
    return out


#: a bare number, then its field words: "498 thuộc lĩnh vực kinh tế", "527 văn hóa - xã hội"
_NUMBER_BEFORE_FIELD = regex.compile(r"(?<![\w.,/])(?P<num>\d{1,3}(?:\.\d{3})+|\d+)\s+"
                                     r"(?:thuộc\s+)?(?:(?:các\s+)?lĩnh vực\s+)?")
_ITEM_END = regex.compile(r"\s*(?:[,;.)]|và(?![\w])|$)")


def _verb_gap(gap: str) -> bool:
    """Only a verb between a list item's words and its number: "cấp tỉnh công nhận 186"."""
    verbs = find_all(_metric_phrase_rules(), gap)
    return bool(verbs) and not gap[:verbs[0].start].strip() and gap[verbs[-1].end:].strip() in ("", ":") \
        and all(not gap[a.end:b.start].strip() or gap[a.end:b.start].strip() == "và"
                for a, b in zip(verbs, verbs[1:], strict=False))


def _drop_unlinked_holders(cands: list[Candidate]) -> list[Candidate]:
    """"tặng Bằng khen 19 tập thể, 23 cá nhân": holders outside a split are awards, not counts."""
    keep = [not (c.holder_head and c.parent is None and c.pair is None and not c.called_models) for c in cands]
    for i, c in enumerate(cands):
        if c.parent is not None and not keep[c.parent]:
            keep[i] = False
    new_index: dict[int, int] = {}
    out: list[Candidate] = []
    for i, c in enumerate(cands):
        if keep[i]:
            new_index[i] = len(out)
            out.append(c)
    for c in out:
        c.parent = new_index.get(c.parent) if c.parent is not None else None
        c.pair = new_index.get(c.pair) if c.pair is not None else None
    return out


@cache
def _removed_before() -> regex.Pattern[str]:
    """"dừng 32 mô hình", "loại khỏi danh sách 17 mô hình": right before the number (not "(… trước
    hợp nhất) đã xây dựng 14.862 mô hình")."""
    return regex.compile(rf"(?<![\w])(?:{alternation(lexicon()['counts']['removed_before'])})\s+$")


@cache
def _reference_before() -> regex.Pattern[str]:
    """"Cả ba mô hình …": the words right before the number refer back to models named."""
    # not "có cả 12 mô hình", "tới cả 25" (even: new information)
    return regex.compile(rf"(?<!có\s)(?<!tới\s)(?<!đến\s)(?<!là\s)(?<![\w])"
                         rf"(?:{alternation(lexicon()['counts']['reference_before'])})\s+$")


@cache
def _minimum_before() -> regex.Pattern[str]:
    return regex.compile(rf"(?<![\w])(?:{alternation(lexicon()['counts']['per_unit_minimum'])})\s+$")


def _per_unit_minimum(lay: Layout, seg_start: int, start: int) -> bool:
    """"100% cơ sở hội có ít nhất 1 mô hình": a minimum each unit reaches, no count (a share word in
    the count's clause, the minimum right before the number)."""
    if not _minimum_before().search(lay.folded, max(seg_start, start - 16), start):
        return False
    clause = max(lay.folded.rfind(",", seg_start, start), seg_start, start - 80)
    return words("counts", "per_unit_share").search(lay.folded, clause, start) is not None


def _at_most(number: str, limit: int) -> bool:
    """The number opening ``number`` is at most ``limit``: a handful. "Cả ba mô hình" (≤ 10) refers
    to models just named; "có ít nhất 1 mô hình" (≤ 5) is what each unit reaches, while a collective
    "tất cả các chi bộ đã xây dựng ít nhất 120 mô hình" is a total, with its bound."""
    m = regex.match(r"\s*(\d+|\w+)", number)
    v = _value(m.group(1)) if m else None
    return v is not None and v <= limit


#: "mỗi xã", "mỗi nơi có", "mỗi phường đều có" right before the number
_EACH_KIND = regex.compile(r"(?<![\w])mỗi\s+(?:xã|phường|thị trấn|huyện|quận|thị xã|thành phố|tỉnh|nơi|địa phương"
                           r"|đơn vị)\s*(?:(?:đều\s+)?(?:có|đạt|xây dựng(?:\s+được)?)\s+)?"
                           r"(?:(?:khoảng|hơn|trên|gần)\s+)?$")
#: the names of two units or more listed right before "mỗi …" ("TP A và TX B", "các xã C, D và E,")
_UNITS_BEFORE_EACH = regex.compile(
    r"(?P<first>\p{Lu}[\w'’]*(?:\s+\p{Lu}[\w'’]*){0,3}|(?i:phường|quận)\s+\d{1,2})(?P<more>(?:\s*(?:,\s*(?:và\s+)?|và\s+)"
    r"(?:(?:(?i:xã|phường|thị trấn|huyện|quận|thị xã|thành phố|tp\.?|tx\.?|h\.)\s+)?"
    r"\p{Lu}[\w'’]*(?:\s+\p{Lu}[\w'’]*){0,3}"
    r"|(?i:phường|quận)\s+\d{1,2}))+)"  # ("Phường A và Phường 9 mỗi phường có 4 mô hình": a numbered ward)
    r"\s*,?\s*$")
_EACH_SEP = regex.compile(r"\s*(?:,\s*(?:và\s+)?|và\s+)")


def _distributive(lay: Layout, seg_start: int, start: int) -> tuple[int, int] | None:
    """Where "mỗi xã" stands before a number that named units each reach ("Phường A và Phường 9 mỗi
    phường có 4 mô hình"), and how many units the list names; None where no list of names comes
    right before it ("phấn đấu mỗi xã có 2 mô hình" is per unit, no count)."""
    each = _EACH_KIND.search(lay.folded, max(seg_start, start - 40), start)
    if each is None:
        return None
    names = _UNITS_BEFORE_EACH.search(lay.text, max(seg_start, each.start() - 120), each.start())
    if names is not None:
        return each.start(), 1 + len(_EACH_SEP.findall(names.group("more")))
    bodies = _bodies_before(lay, max(seg_start, each.start() - 120), each.start())
    return (each.start(), len(bodies)) if bodies else None


#: a list of names, each opening with a capital, right before "mỗi …" ("Hội Nông dân, Hội LHPN và
#: Huyện đoàn")
_NAMES_BEFORE_EACH = regex.compile(r"(?:^|(?<=[,;:]\s?|\s))(?P<list>\p{Lu}[^,;:.()\d]{0,40}?"
                                   r"(?:\s*(?:,\s*(?:và\s+)?|\s+và\s+)\p{Lu}[^,;:.()\d]{0,40}?)+)\s*,?\s*$")
_NAME_SEP = regex.compile(r"\s*,\s*(?:và\s+)?|\s+và\s+(?=\p{Lu})")


def _bodies_before(lay: Layout, start: int, end: int) -> list[str]:
    """The bodies listed right before "mỗi đơn vị" ("Hội Nông dân, Hội LHPN và Huyện đoàn mỗi đơn vị có
    2 mô hình"), two or more, each one a body of the lexicon; else none."""
    m = _NAMES_BEFORE_EACH.search(lay.text, start, end)
    if m is None:
        return []
    names = [n.strip() for n in _NAME_SEP.split(m.group("list")) if n.strip()]
    organisation = _organisation_lead()
    while names and not organisation.match(fold(names[0])):
        names.pop(0)  # ("Ở cấp huyện, Hội Nông dân, …": the list's opener is no body)
    if len(names) < 2 or not all(organisation.match(fold(n)) for n in names):
        return []
    return names


#: what may stand between a count's noun (and the movement's name) and its models' having stopped
_STOPPED = regex.compile(r"\s*(?:(?:đã|bị|đang)\s+)*(?:sau\s+(?:khi\s+)?(?:được\s+)?công nhận\s*,?\s*)?"
                         r"(?:(?:đã|bị|đang|lại)\s+)*")  # ("126 mô hình sau khi công nhận không duy trì được")


def _stopped(lay: Layout, end: int) -> bool:
    """The models counted right before ``end`` stopped: "50 mô hình “Dân vận khéo” đã ngưng hoạt động"."""
    at = _STOPPED.match(lay.folded, _past_movement_name(lay, end))
    return at is not None and words("counts", "stopped_after").match(lay.folded, at.end()) is not None


def _is_candidate(lay: Layout, start: int, end: int, seg_start: int, seg_end: int) -> bool:
    """Not a result: models under appraisal or proposed ("đi kiểm tra 4 mô hình do … đề cử",
    SPEC §4), people attending ("150 điển hình tiên tiến về dự hội nghị"), or a year or date
    followed by the noun ("năm 2023 mô hình … được triển khai")."""
    before = lay.folded[max(0, start - 40):start]
    after = lay.folded[end:min(seg_end, end + 80)]
    after = _CLAUSE_SPLIT.split(after, maxsplit=1)[0]
    own = before.rsplit(",", 1)[-1]
    done = bool(_DONE.search(own))  # "đã chọn 150 mô hình … để biểu dương": chosen, and so commended
    sentence = lay.folded[max(0, start - 150):start].rsplit(". ", 1)[-1]  # a plan's ";" goes on with it
    if not done and _CHOSEN.search(before) and not _plan_words(words("counts", "not_results"), sentence):
        done = True  # "Dịp này, Huyện ủy chọn 10 mô hình tiêu biểu để biểu dương": the choice is made
    if words("counts", "appraisal_before").search(own) \
            or (words("counts", "per_unit_before").search(lay.folded, max(seg_start, start - 60), start)
                and _distributive(lay, seg_start, start) is None) \
            or (_per_unit_minimum(lay, seg_start, start) and _at_most(lay.folded[start:end], 5)) \
            or (_reference_before().search(before) and _at_most(lay.folded[start:end], 10)) \
            or _removed_before().search(lay.folded, max(seg_start, start - 30), start) \
            or (words("counts", "appraisal_after").search(after) and not done) or _date_word_before(lay, start) \
            or _stopped(lay, end) \
            or _pending_after().search(after):
        return True
    clause = max(lay.folded.rfind(",", seg_start, start), seg_start, start - 80)
    if _metric_hits(lay.folded, clause, start):
        return False  # "đã lựa chọn 65 mô hình về dự Hội nghị": chosen, and so commended
    return bool(words("counts", "attendance_before").search(before)
                or words("counts", "attendance_after").search(after))


@cache
def _pending_after() -> regex.Pattern[str]:
    """Models waiting on a decision, after the noun ("… đang được Hội đồng thẩm định xem xét")."""
    return regex.compile("|".join(lexicon()["counts"]["pending_after"]))


_DONE = regex.compile(r"(?<![\w])(?:đã|vừa)(?![\w])")
_CHOSEN = regex.compile(r"(?<![\w])(?:lựa\s+)?chọn\s+$")
_DATE_WORD_BEFORE = regex.compile(r"(?<![\w])(?:năm|giai đoạn|ngày|tháng|quý|nhiệm kỳ|từ|(?<!(?:chưa|lên|gần)\s)đến)"
                                  r"\s*(?:\d+\s*[-/–]\s*)?$")
#: a capitalised word inside a name before it: "xã Đại Từ 74 mô hình" (no "từ 74")
_NAME_WORD_BEFORE = regex.compile(r"\p{Lu}[\w'’-]*[^\S\n]+$")  # (on its own line: a headline's last word is no name)


def _date_word_before(lay: Layout, start: int) -> bool:
    """A date word right before the number ("năm 2023 mô hình", "từ 5 mô hình"), not a syllable of a
    name written in capitals ("xã Đại Từ 74 mô hình", "thôn Tân Đến 12 mô hình")."""
    lo = max(0, start - 40)
    m = _DATE_WORD_BEFORE.search(lay.folded, lo, start)
    if m is None:
        return False
    return not (lay.text[m.start()].isupper() and _NAME_WORD_BEFORE.search(lay.text, lo, m.start()))


def _holders(lay: Layout, cands: list[Candidate]) -> None:
    """Holder words after the noun ("23 mô hình cá nhân") or before the number ("tập thể 221 mô
    hình"), and pairs "N tập thể và M điển hình" (the noun of the second counts for both)."""
    for c in cands:
        if c.holder is not None:
            continue
        after = lay.folded[c.end:min(c.seg_end, c.end + 25)]
        m = _holder_after_regex().match(after)
        if m:
            other = [w for w, h in _holder_words().items() if h != _holder_words()[m.group("h")]]
            if not any(w in after for w in other):
                c.holder = _holder_words()[m.group("h")]
                continue
        before = lay.folded[max(c.seg_start, c.start - 14):c.start]
        m = _holder_before_regex().search(before)
        if m:
            c.holder = _holder_words()[m.group("h")]
    for i, c in enumerate(cands[:-1]):
        nxt = cands[i + 1]
        if c.holder_head and nxt.holder_head and c.pair is None and nxt.sentence_start == c.sentence_start \
                and _ENUM_GAP.match(lay.folded[c.end:nxt.start]) \
                and (_CALLED_MODELS.match(lay.folded, nxt.end, min(nxt.seg_end, nxt.end + 60))
                     or _CALLED_DVK.match(lay.folded, nxt.end, min(nxt.seg_end, nxt.end + 60))):
            c.pair, nxt.pair = i + 1, i  # "tặng Bằng khen cho 86 tập thể và 54 cá nhân là điển hình …"
            continue
        if not c.holder_head or nxt.holder_head:
            continue
        if nxt.sentence_start == c.sentence_start and _PAIR_GAP.fullmatch(lay.folded[c.end:nxt.start]):
            c.pair, nxt.pair = i + 1, i
            if nxt.holder is None:
                nxt.holder = "individual" if c.holder == "collective" else "collective"


@cache
def _parallel_unit_lead() -> regex.Pattern[str]:
    """The own words of a clause that only names another unit before its number ("…, huyện B 12
    mô hình", "…; tỉnh C cũ có trên 2.100", "TX A 64", "H. B 52")."""
    return regex.compile(
        rf"[\s,]*(?i:(?:và\s+|còn\s+|riêng\s+)?{unit_type_before('tỉnh')})"
        r"\p{Lu}[^\d,;:()]{0,30}?(?:\s+\d{1,2}(?=\s+(?:là|có|với)\s))?(?:\s+\(?cũ\)?)?\s*(?:có\s+|với\s+|là\s+)?"
        r"(?:(?:hơn|gần|trên|khoảng)\s*)?")


#: a named unit acting on the models gives its level (GUIDELINES §4.4, the body that recognises)
_ACTING = r"(?:đã\s+)?(?:xét\s+(?:và\s+)?)?(?:công nhận|biểu dương|khen thưởng|tuyên dương)"


@cache
def _named_unit_acting() -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    """A named unit acting on the models, after the noun ("… được huyện A công nhận") and before
    the number ("huyện A đã công nhận 30", "TP. B công nhận 96"): the unit words of ``[[level_actor]]``,
    abbreviations too (lexicon), a dotted one with or without a space before the name."""
    unit = (r"(?P<unit>(?i:" + alternation(_actor_regex()[1]) + r"))(?:(?<=\.)\s*|\s+)")
    after = regex.compile(rf"[^,;.()\d]{{0,40}}?(?<![\w])được\s+{unit}"
                          rf"\p{{Lu}}[^,;.()\d]{{0,30}}?\s+{_ACTING}(?![\w])")
    before = regex.compile(
        # not after "các cấp (trong)": "các cấp trong huyện A đã công nhận" is every level
        rf"(?<!(?i:các cấp|các cấp trong|các cấp của|các cấp ở)\s)"
        # nor a province after a named unit and a comma: "Đảng ủy phường A, tỉnh B đã công nhận" (it
        # qualifies the unit, which acts: "huyện A, tỉnh B đã công nhận" is the district's)
        rf"(?<!(?i:xã|phường|thị trấn|đặc khu|huyện|quận|thị xã|thành phố)\s+\p{{Lu}}[^,;.()\d]{{0,30}},\s*)"
        rf"(?<![\w]){unit}"
        rf"\p{{Lu}}[^,;.()\d]{{0,30}}?(?:,\s*(?i:tỉnh|thành phố)\s+\p{{Lu}}[^,;.()\d]{{0,30}}?)?"
        # (not a unit whose models were recognised: "Hội LHPN tỉnh A đã được công nhận 86 mô hình")
        rf"(?<!(?i:được))\s+{_ACTING}(?:\s+(?:thêm|mới|được))?\s*$")
    return after, before

#: awards the article calls models (GUIDELINES §4.1): "… 54 cá nhân là điển hình “Dân vận khéo”"
_CALLED_MODELS = regex.compile(
    r"\s*(?:là|được công nhận là|đạt danh hiệu)\s+(?:các\s+|những\s+)?(?:mô hình|điển hình)(?![\w])")
#: "12 tập thể điển hình dân vận khéo": holders called models of the movement without "là" (not the
#: emulation awards' "cá nhân điển hình tiên tiến")
_CALLED_DVK = regex.compile(
    r"\s*(?:mô hình|điển hình)(?!\s+tiên tiến)(?:\s+tiêu biểu)?\s+(?:\p{P}\s*)?(?:[\w-]+\s+){0,3}"
    r"(?:dân vận khéo|dvk)(?![\w])"
    # "30 tập thể, 25 cá nhân điển hình trong phong trào …": called models of the movement
    # "2.930 tập thể, 4.415 cá nhân được biểu dương, khen thưởng điển hình “Dân vận khéo”"
    r"|\s*được\s+(?:biểu dương|khen thưởng|tuyên dương|công nhận)(?:\s*,\s*(?:biểu dương|khen thưởng|tuyên dương))?"
    r"\s+(?:là\s+)?điển hình\s+(?:\p{P}\s*)?(?:dân vận khéo|dvk)(?![\w])"
    r"|\s*điển hình(?!\s+tiên tiến)(?:\s+tiêu biểu)?\s+trong\s+(?:việc\s+|thực hiện\s+)?phong trào"
    r"(?:\s+thi đua)?\s+(?:\p{P}\s*)?(?:[\w-]+\s+){0,3}?(?:dân vận khéo|dvk)(?![\w])")


def own_before(lay: Layout, c: Candidate, prev_end: int) -> tuple[int, int]:
    """The words before a count that are its own: back to the previous count or a clause break."""
    start = max(prev_end, c.seg_start)
    text = lay.folded[start:c.start]
    cut = 0
    # a comma inside a coordinated level ("cấp xã, phường 229 mô hình") does not cut, nor does a
    # closed aside without numbers ("Đồn Biên phòng A (huyện B) có 6 mô hình": the body stays the
    # count's own words)
    asides = [(m.start(), m.end()) for m in _ASIDE.finditer(text)]
    verb_before, verb_after = _verb_list()
    for m in _OWN_CUT.finditer(text):
        if m.group() in ("(", ")", ",") and any(a <= m.start() < e for a, e in asides):
            continue
        if m.group() == "," and _BODY_LIST_BEFORE.search(text, 0, m.start()) and _BODY_LIST_AFTER.match(text, m.end()):
            continue  # "các cơ quan Đảng, chính quyền có 248 mô hình": one body's name
        if m.group() == "," and prev_end <= c.seg_start and verb_before.search(text, 0, m.start()) \
                and verb_after.match(text, m.end()):
            continue  # "Hội Nông dân tỉnh đã xây dựng, duy trì 64 mô hình": a list of verbs, one clause
            # (not after another count's words: "30 mô hình được công nhận, duy trì 20 mô hình …")
        cut = m.end()
    return start + cut, c.start


#: a sentence opened as a breakdown by level: "Xét theo cấp, …", "Phân theo cấp công nhận, …", "Về cấp, …"
_BY_LEVEL_OPENER = regex.compile(r"[\s\-–•*+]*(?:(?:xét|phân|chia)\s+)?theo\s+cấp(?:\s+công nhận)?\s*,"
                                 r"|[\s\-–•*+]*về\s+cấp(?:\s+công nhận)?\s*,")
#: a comma inside the name of a group of bodies: "các cơ quan Đảng, chính quyền", "khối Đảng, chính quyền"
_BODY_LIST_BEFORE = regex.compile(r"(?<![\w])(?:cơ quan|khối)(?:\s+[\w-]+){0,2}?\s+đảng\s*$")
_BODY_LIST_AFTER = regex.compile(r"\s*(?:chính quyền|nhà nước|mặt trận|mttq|đoàn thể)(?![\w])")
#: an organisation's own total over its levels: "các cấp Hội Nông dân tỉnh đã xây dựng 520 mô hình"
_ORGANISATION_LEVELS = regex.compile(r"(?<![\w])(?:các cấp|toàn)\s+(?:hội|đoàn|công đoàn|lực lượng)(?![\w])"
                                  # ("Mặt trận và các tổ chức chính trị – xã hội các cấp trong tỉnh đã đăng ký …")
                                  r"|(?<![\w])(?:mttq|mặt trận|đoàn thể|chính trị\s*[-–]\s*xã hội"
                                  r"|hội(?:\s+[^\W\d]+){1,4}?)\s+các cấp(?![\w])")
#: what may open a sentence before the community it is about: a discourse word, a source, a time,
#: then a place word ("Đáng chú ý, tại vùng …", "Theo Ban Dân vận Tỉnh ủy, hiện vùng …")
_COMMUNITY_OPENER = regex.compile(
    r"\s*(?:(?:đáng chú ý|nổi bật|bên cạnh đó|ngoài ra|đặc biệt|theo [^,.;]{1,60}|sau [^,.;\d]{1,60}"
    r"|(?:trong\s+)?năm\s+(?:19|20)\d\d|giai đoạn\s+(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d"
    r"|(?:trong\s+)?\d{1,2}\s+tháng(?:\s+qua|\s+đầu năm(?:\s+(?:19|20)\d\d)?)?"
    r"|từ\s+(?:đầu\s+)?(?:năm\s+(?:19|20)\d\d|năm)\s+(?:đến|tới)\s+nay|đến nay|thời gian qua|những năm qua"
    r"|năm qua)\s*,\s*)*"
    r"(?:hiện\s+(?:nay\s*,?\s*)?)?(?:(?:tổng\s+)?số\s+mô hình\s+(?=tại|ở|trong))?"  # "số mô hình trong vùng … là 1.000"
    r"(?:(?:tại|ở|trong|riêng|đối với)\s+)?(?P<place>)"
    r"(?:các\s+(?:xã|phường|thôn|bản|làng|ấp|buôn)\s+(?:(?=vùng)|có\s+(?:đông\s+)?))?"
    r"(?:(?:các\s+)?(?:vùng|khu vực|địa bàn|địa phương|cộng đồng)\s+(?:có\s+(?:đông\s+)?)?)?"
    r"(?:các\s+(?=giáo xứ|giáo họ|chùa|nhà thờ|xóm đạo|họ đạo))?")  # ("các giáo xứ trên địa bàn tỉnh đã …")
#: units given as examples of a grouping: "… như A, B, C"
_EXAMPLES_NAMED = regex.compile(r"(?<![\w])như\s+\p{Lu}")
#: what ends a clause after a count: a comma or a semicolon
_CLAUSE_BREAK = regex.compile(r"[,;]")
#: a unit's scope between a community and the count: the count is the unit's ("…, toàn tỉnh xây dựng …")
_UNIT_SCOPE = regex.compile(r"(?<![\w])toàn\s+(?:tỉnh|huyện|thành phố|thị xã|quận|xã|phường|thị trấn)(?![\w])")
def _words_end(lay: Layout, c: Candidate) -> int:
    """Where the words after a count's noun end for a community named in them: the clause's end,
    the next number or 120 characters on, whichever comes first."""
    end = min(c.seg_end, c.end + 120)
    digit = _NUMBER_OR_STOP.search(lay.folded, c.end, end)
    return digit.start() if digit else end


_NUMBER_OR_STOP = regex.compile(r"\d|[.;]")


#: the words after a count's noun that place it among a community: "… (được xây dựng) ở các xóm đạo"
_COMMUNITY_PLACE_AFTER = regex.compile(r"[^,;.()\d]{0,40}?(?<![\w])(?:ở|tại|trong)\s")
#: where a community's words end: a comma or a verb
_GROUPING_END = regex.compile(r",|(?<![\w])(?:có|đã|xây dựng|triển khai|duy trì)(?![\w])")
#: a recognition right before the number: "… đã công nhận 1.906 mô hình mới" (new models recognized)
_RECOGNIZED_RIGHT_BEFORE = regex.compile(r"(?<![\w])(?:được\s+)?(?:thẩm định,?\s+)?công nhận\s+(?:thêm\s+)?"
                                         r"(?:(?:hơn|gần|trên|khoảng)\s+)?$")
#: the stock's verb listed before a registration right before the number
_BUILT_THEN_REGISTERED = regex.compile(  # ("đã xây dựng, đăng ký thực hiện 1.250 mô hình" too)
    r"(?<![\w])(?:xây dựng|triển khai)\s*(?:,|và)\s*(?:đã\s+)?đăng k[ýí]"
    r"(?:\s+(?:mới|thực hiện(?:\s+mới)?|triển khai))?\s*$")
#: a recognition (or a registration) right after a count's noun, "mới" at most before it: "… mô hình mới
#: được công nhận", "… mô hình “Dân vận khéo” được Ban Chỉ đạo công nhận", "… mô hình mới được đăng ký"
#: (what "mới" or "có thêm" call new was recognized, or registered; so is "… mới đăng ký xây dựng"
#: with no "được")
_NEWLY_RECOGNIZED = regex.compile(  # (the movement's name unquoted before it; a body acting between,
    # not a negation or another verb: "… mới được triển khai nhưng chưa được công nhận" stays new)
    r"\s*(?:(?:dân vận khéo|dvk)\s+)?(?:mới\s+(?=(?:đăng k[ýí]|công nhận)(?![\w]))|(?:mới\s+)?(?:đã\s+)?được\s+)"
    r"(?:(?:(?!chưa|không|nhưng|từ|nhân rộng|triển khai|xây dựng|hình thành|đề nghị|đề xuất|được|đã|vừa)"
    r"[^\d,.;:()]){0,70}?\s)?(?:(?:thẩm định|bình xét),?\s+)?(?P<verb>công nhận|đăng k[ýí])(?![\w])")
#: a second verb right after a count's words: "… mô hình được đăng ký và triển khai / thực hiện"
_THEN_CARRIED_OUT = regex.compile(  # (not a verb with a number of its own: "…, đã triển khai 98 mô hình")
    r"\s*(?:,\s*|và\s+)(?:đã\s+|được\s+)?(?:triển khai|thực hiện|xây dựng|duy trì)(?![\w])(?![^.;,(]{0,25}\d)")
#: a registration, then its carrying out, right before the number: "đăng ký và thực hiện 45 mô hình"
_REGISTERED_THEN_DONE = regex.compile(r"(?<![\w])đăng k[ýí]\s*(?:,|và)\s*(?:đã\s+|được\s+)?thực hiện(?:\s+được)?\s*$")
#: what parts two verbs of one clause ("đăng ký, xây dựng", "đăng ký và triển khai")
_VERB_SEPARATOR = regex.compile(r",|(?<![\w])và(?![\w])")


@cache
def _verb_list() -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    """A metric verb right before a comma, and one right after it: the verbs of one clause."""
    verbs = alternation(fold(w) for r in lexicon()["metric"] for w in r.get("near", []) + r.get("before", []))
    return (regex.compile(rf"(?<![\w])(?<!được\s)(?!được\s)(?:{verbs})\s*$"),
            regex.compile(rf"\s*(?:và\s+)?(?:{verbs})(?![\w])"))


def _prose_distance(lay: Layout, first: int, last: int, limit: int = 4) -> int:
    """Sentences from ``first`` to ``last``, not counting bullet lines and table rows (a breakdown by
    level after a bullet list by field is still near its total), counted up to ``limit`` + 1: a
    prefix sum over the article's sentences, built once (a list of any length stays near)."""
    prose: list[int] | None = lay.memo.get("prose_prefix")
    if prose is None:
        prose = [0]
        for sentence in lay.sentences:
            is_prose = not _list_line(lay, sentence.start) \
                and not _TABLE_HEADER.fullmatch(lay.folded, sentence.start, sentence.end)  # "Lĩnh vực | Số mô hình"
            prose.append(prose[-1] + int(is_prose))
        lay.memo["prose_prefix"] = prose
    return min(limit + 1, prose[last + 1] - prose[first + 1])


def _link_parts(lay: Layout, cands: list[Candidate]) -> None:
    """Parts of a breakdown point at their total (``parent``).

    In its own sentence a part follows its total after a part cue or an opening parenthesis; a
    sentence that opens with a part cue ("Trong đó, …") breaks down the last total of the sentences
    just before that states no field of its own (a caption "… có 90 mô hình kinh tế" between the
    two is skipped). A part never has a verb of its own before its number."""
    total: int | None = None  # the last count that can be broken down in its sentence
    open_total: int | None = None  # the last count without a field: what "Trong đó, …" breaks down
    open_totals: list[int] = []  # every such count, in order
    scope = False  # a part cue or parenthesis has opened the parts of ``total``
    list_total: int | None = None  # a count whose sentence ends with ":": bullet lines break it down
    sentence_end = {x.start: x.end for x in lay.sentences}
    sentence_no = {x.start: k for k, x in enumerate(lay.sentences)}
    restating: set[int] = set()  # parts that restate their total's verb before their number
    for i, c in enumerate(cands):
        if c.parent is not None:
            continue
        if list_total is not None and not _list_line(lay, c.sentence_start) \
                and c.sentence_start != cands[list_total].sentence_start:
            list_total = None  # the bullet list has ended
        if list_total is None and total is not None and _list_line(lay, c.sentence_start) \
                and _opens_list_after(lay, sentence_no, cands[total], c):
            # "… 18 mô hình mới. Cụ thể, các mô hình chia theo nhóm:" then the lines; after a list by
            # year, the total the years broke down ("… 1.000 mô hình. … năm 2020 có 100; … Theo địa
            # phương, số mô hình cụ thể như sau:" then the units)
            list_total = open_total if _year_item(lay, cands[total]) and open_total is not None else total
        prev = cands[i - 1] if i else None
        if prev is not None:
            # (past the words after the previous count's noun: "trong đó 11 mô hình được Ban Thường vụ
            # Thành ủy công nhận cấp thành phố và 16 mô hình …": the 11's verb is not the 16's)
            prev_words = _after(lay, prev, c.start) if prev.end <= c.start else prev.end
            # (not words that run on into this count's own: "ngành Y tế có 64 mô hình, ngành Giáo dục có 112")
            own_start, _ = own_before(lay, c, prev_words if prev_words < c.start - 1 else prev.end)
            own_verb = bool(_metric_hits(lay.folded, own_start, c.start)) \
                and not (scope and prev.parent is not None and _verb_label(lay.folded[own_start:c.start]))
            between = lay.folded[prev.end:c.start]
            in_sentence = c.sentence_start == prev.sentence_start
            opens = bool(_part_cue().search(between)) or between.count("(") > between.count(")") \
                or (bool(_inline_part_cue().search(between)) and total is not None and c.value < cands[total].value) \
                or bool(_FIELD_LIST_OPENER.search(between)) \
                or _field_after_break(lay, between, own_start, c.start) \
                or (":" in between and _YEAR_ITEM.search(lay.folded, max(prev.end, c.start - 24), c.start) is not None)
            # "… đã công nhận 624 mô hình: năm 2016 là 98 mô hình, …": a list by year after a colon
            parent: int | None = None
            restated = None
            if own_verb and open_total is not None and not in_sentence \
                    and (_part_cue_opening().match(lay.folded, c.sentence_start, min(c.start, c.sentence_start + 80))
                         # "Theo cấp, cấp tỉnh xây dựng 200 mô hình; …" in the paragraph after the total (not a
                         # body's own level: "Xét theo cấp, hội nông dân tỉnh xây dựng 10 mô hình")
                         or (_breakdown_opener(lay, c.sentence_start, c.sentence_start,
                                               min(c.start, c.sentence_start + 80))
                             and not _organisation_lead().match(lay.folded, own_start, c.start))) \
                    and not _scope_opening(lay, c):
                # the last open total that restates the verb, near enough (a table or bullet list by
                # field may stand between); past the items of another breakdown read as totals ("…
                # xây dựng mới 3.000 mô hình. … Xét theo địa bàn, khu vực A (cũ) có 1.700 mô hình; khu
                # vực B (cũ) có 1.300 mô hình. Phân theo cấp, cấp tỉnh xây dựng 200 mô hình, …")
                restated = next((t for t in reversed(open_totals)
                                 if cands[t].value > c.value and _same_verb(lay, cands[t], own_start, c.start)
                                 and _prose_distance(lay, sentence_no[cands[t].sentence_start],
                                                     sentence_no[c.sentence_start], 2) <= 2 + (t != open_total)),
                                None)
            if restated is not None:
                parent = restated  # "… đăng ký 325 mô hình. Trong đó, đăng ký cấp thành phố 96 mô hình"
                restating.add(i)
                # (its "xây dựng" restates a new total's "xây dựng mới": new)
                c.stock_of_new = "new" in _verbs_before(lay, cands[restated])
            elif own_verb and scope and in_sentence and i - 1 in restating and total is not None \
                    and total == prev.parent and _same_verb(lay, cands[total], own_start, c.start):
                # "Trong tổng số trên, các xã thuộc A xây dựng 1.100 mô hình, các xã thuộc B xây dựng
                # 1.300 mô hình": the parts go on, each restating the total's verb
                parent = total
                restating.add(i)
            elif own_verb and in_sentence and opens and total is not None and c.value < cands[total].value \
                    and cands[total].sentence_start == c.sentence_start \
                    and _stock_verb_of_new(lay, cands[total], own_start, c.start):
                # "toàn quận có 64 mô hình mới, trong đó 13 phường xây dựng 51 mô hình": the stock's
                # verb for the new models the total counts
                parent = total
                c.stock_of_new = True
            elif own_verb:
                parent = None
            elif scope and in_sentence:
                parent = total  # the list of parts goes on
            elif total is not None and in_sentence and opens and cands[total].sentence_start == c.sentence_start:
                parent = total
            elif (open_total is not None and not in_sentence
                  and (_part_cue_opening().match(lay.folded, c.sentence_start, min(c.start, c.sentence_start + 80))
                       or (_breakdown_opener(lay, c.sentence_start, max(c.sentence_start, c.start - LOOKBACK), c.start)
                           # (a ranking is no breakdown: "Ban Thường vụ xếp loại như sau: xã A đứng đầu với 30 …")
                           and not words("counts", "ranking_words").search(lay.folded, c.sentence_start, c.start)))
                  and _prose_distance(lay, sentence_no[cands[open_total].sentence_start],
                                      sentence_no[c.sentence_start]) <= 4):
                parent = open_total
            elif (list_total is not None and not in_sentence and _list_line(lay, c.sentence_start)
                  and _prose_distance(lay, sentence_no[cands[list_total].sentence_start],
                                      sentence_no[c.sentence_start], 2) <= 2):
                parent = list_total  # "… xây dựng mới 812 mô hình, cụ thể:" then "- Kinh tế: 345 mô hình;"
            if parent is not None:
                c.parent, scope = parent, True
                total = parent
                continue
        if c.pair is not None and c.pair < i and cands[c.pair].parent is not None:
            c.parent = cands[c.pair].parent
            continue
        if c.holder_head:
            total, scope = None, False  # "khen thưởng 04 tập thể và 11 cá nhân": awards, no total
        elif _raises_total(lay, c):
            pass  # "xây dựng mới 35 mô hình, nâng tổng số lên 128 mô hình; cụ thể: …" breaks down the 35
        elif not _is_increase(lay, c):  # "…, tăng 45 mô hình so với năm 2022" breaks nothing down
            total, scope = i, False
            if not _states_field(lay, c) and not _year_item(lay, c):
                open_total = i  # (not an item of a list by year: "…: năm 2020 có 100 mô hình; năm 2021: 150")
                open_totals.append(i)
            if _scope_opening(lay, c):
                scope = True  # "Trong 12 mô hình, có 8 … tập thể, 4 … cá nhân": parts follow
            end = sentence_end.get(c.sentence_start)
            if end is not None and lay.folded[c.end:end].rstrip().endswith(":"):
                list_total = i


def _year_item(lay: Layout, c: Candidate) -> bool:
    """The count is an item of a list by year: its clause opens with the year ("…: năm 2020 có 100";
    not "Tính đến hết năm 2023 có 300 mô hình")."""
    m = _YEAR_ITEM.search(lay.folded, max(c.sentence_start, c.start - 24), c.start)
    if m is None:
        return False
    return not lay.folded[c.sentence_start:m.start()].strip() \
        or _ITEM_OPENING.search(lay.folded, c.sentence_start, m.start()) is not None


#: what may stand right before an item of a list by year past its sentence's start: a separator or "và"
_ITEM_OPENING = regex.compile(r"(?:[:;,\n]|(?<![\w])và)\s*$")


def _opens_list_after(lay: Layout, sentence_no: dict[int, int], total: Candidate, c: Candidate) -> bool:
    """The sentence before ``c``'s, one or two after the total's, ends with ":" and has no count;
    ``c`` opens the lines that follow it."""
    k = sentence_no[c.sentence_start]
    t = sentence_no[total.sentence_start]
    if not 2 <= k - t <= 4:  # "So với năm 2024, số mô hình tăng 15%." may stand between
        return False
    between = lay.sentences[k - 1]
    if _TABLE_HEADER.fullmatch(lay.folded, between.start, between.end) and k - t >= 3:
        between = lay.sentences[k - 2]  # "Lĩnh vực | Số mô hình": the header row of a table
    elif k - t > 3:
        return False
    return lay.folded[between.start:between.end].rstrip().endswith(":") and not _list_line(lay, between.start)


def _list_line(lay: Layout, pos: int) -> bool:
    """A line of a list: a bullet or a table row, or a line that opens with a field ("Lĩnh vực kinh
    tế: 64 mô hình")."""
    if _list_row(lay, pos):
        return True
    lead = _FIELD_LEAD.match(lay.folded, pos, pos + 40)
    at = lead.end() if lead else pos
    h = hit_at(field_rules(), lay.folded, at, at + 40)
    return h is not None and bool(h.rule.code) and lay.folded.find(":", h.end, h.end + 30) >= 0


def _stock_verb_of_new(lay: Layout, total: Candidate, start: int, end: int) -> bool:
    """A part's only verb is the stock's ("xây dựng") and its total counts new models ("64 mô hình
    mới", "xây dựng mới 64 mô hình")."""
    mine = {code for _, _, code in _metric_hits(lay.folded, start, end)}
    if mine != {"built"}:
        return False
    cut = _CLAUSE_SPLIT.search(lay.folded, total.end, start)
    after_end = cut.start() if cut is not None else start
    theirs = {code for _, _, code in _metric_hits(lay.folded, max(total.seg_start, total.start - 80), total.start)}
    theirs |= {code for _, _, code in _metric_hits(lay.folded, total.start, after_end)}
    return "new" in theirs or _NEW_AFTER_NOUN.match(lay.folded, total.end, after_end) is not None


#: "64 mô hình dân vận khéo mới": new models, the movement's name between
_NEW_AFTER_NOUN = regex.compile(r"\s*(?:[“\"']?\s*dân vận khéo\s*[”\"']?\s*)?mới(?![\w])")


def _verbs_before(lay: Layout, total: Candidate) -> set[str]:
    """The metric codes of the words right before a total's number."""
    return {code for _, _, code in _metric_hits(lay.folded, max(total.seg_start, total.start - 80), total.start)}


def _same_verb(lay: Layout, total: Candidate, start: int, end: int) -> bool:
    """The words before a part restate its total's verb (and no other)."""
    mine = {code for _, _, code in _metric_hits(lay.folded, start, end)}
    theirs = _verbs_before(lay, total)
    if mine == {"built"} and "new" in theirs \
            and lay.folded.find("xây dựng", max(total.seg_start, total.start - 80), total.start) >= 0:
        return True  # "toàn tỉnh xây dựng mới 3.000 mô hình … Phân theo cấp, cấp tỉnh xây dựng 200 mô hình, …"
    return bool(mine) and mine <= theirs


def _field_after_break(lay: Layout, between: str, own_start: int, start: int) -> bool:
    """"… có thêm 27 mô hình mới; lĩnh vực kinh tế 12 mô hình, văn hóa - xã hội 9, …": after a
    semicolon or colon, a count whose own words open with a field is a part of the total before."""
    if ";" not in between and ":" not in between:
        return False
    lead = _FIELD_LEAD.match(lay.folded, own_start, min(start, own_start + 40))
    at = lead.end() if lead else own_start
    h = hit_at(field_rules(), lay.folded, at, start)
    return h is not None and h.rule.code not in ("", "all")


_FIELD_LEAD = regex.compile(r"[\s\-–•*]*(?:(?:ở|trên|trong|về)\s+)?(?:các\s+)?(?:lĩnh vực\s+)?")


_BULLET = regex.compile(r"\s*[-–•+*]\s*")
#: the header row of a table written as text: "Lĩnh vực | Số mô hình"
_TABLE_HEADER = regex.compile(r"\s*[^\W\d][^|\d\n]{0,60}(?:\|[^|\d\n]{1,60})+\s*")
#: a row of a table written as text: "Kinh tế | 2.936"
_TABLE_ROW = regex.compile(r"\s*(?=[^\W\d][^|\n]{0,60}\|\s*(?:\d{1,3}(?:\.\d{3})+|\d+)\s*$)")


#: the label of a table row before its number: "Khối Đảng | " (layout's reading view)
_TABLE_LABEL = regex.compile(r"\s*(?P<label>[^\W\d][^|\n]{0,80}?)\s*\|\s*")


def _table_count_row(lay: Layout, row_start: int, num_start: int) -> bool:
    """The line at ``row_start`` is a row "label | N" (N at ``num_start``) of a table whose header
    row names the counted noun ("Tên đơn vị | Số mô hình")."""
    label = _TABLE_LABEL.fullmatch(lay.folded, row_start, num_start)
    if not label or label.group("label").strip() in _total_labels():
        return False  # "Tổng cộng | 7.412" restates the total
    memo: dict[int, bool] = lay.memo.setdefault("table rows", {})  # a table's verdict, row by row
    k = lay.sentence_index(row_start)
    seen: list[int] = []
    verdict = False
    while k > 0:
        seen.append(k)
        k -= 1
        if k in memo:
            verdict = memo[k]
            break
        prev = lay.sentences[k]
        if _TABLE_HEADER.fullmatch(lay.folded, prev.start, prev.end):
            verdict = _count_head_regex().search(lay.folded, prev.start, prev.end) is not None
            break
        if not _TABLE_ROW.match(lay.folded, prev.start, prev.end):
            # no header: the rows follow a list opener with a count ("… 147 mô hình, chia theo khối
            # như sau:" then "1 - Khối Đảng - 38"), and no other measure after it ("…, số hộ được
            # hỗ trợ như sau:" opens a table of households)
            text = lay.folded[prev.start:prev.end].rstrip()
            counts = list(_count_regex().finditer(lay.folded, prev.start, prev.end))
            verdict = text.endswith(":") and bool(counts) \
                and not words("counts", "measure_nouns").search(lay.folded, counts[-1].end(), prev.end)
            break
    for r in seen:
        memo[r] = verdict
    return verdict


@cache
def _total_labels() -> frozenset[str]:
    return frozenset(fold(w) for w in lexicon()["tables"]["total_labels"])


@cache
def _count_head_regex() -> regex.Pattern[str]:
    """A head noun of counts anywhere ("Số mô hình" in a table's header)."""
    return regex.compile(r"(?<![\w])(?:" + alternation(lexicon()["counts"]["heads"]) + r")(?![\w])")


def _list_row(lay: Layout, pos: int) -> regex.Match[str] | None:
    """A bullet line, a table row, or a labelled line of its own ("Phường A: 5 mô hình;"), at ``pos``
    (a sentence start)."""
    if (bullet := _BULLET.match(lay.folded, pos, pos + 8)) is not None:
        return bullet
    eol = lay.folded.find("\n", pos) % (len(lay.folded) + 1)
    return _TABLE_ROW.match(lay.folded, pos, eol) or _label_row(lay, pos, eol)


def _label_row(lay: Layout, pos: int, end: int) -> regex.Match[str] | None:
    """``_LABEL_ROW`` at ``pos``, unless its label sums the list up ("Tổng số mô hình lũy kế đến nay: 250")."""
    row = _LABEL_ROW.match(lay.folded, pos, end)
    if row is None:
        return None
    colon = lay.folded.find(":", pos, end)
    return None if words("counts", "summary_label_words").search(lay.folded, pos, colon) else row


#: a line that is a label, a colon and a count, with no bullet: "Phường Phố Hiến: 5 mô hình;"
_LABEL_ROW = regex.compile(r"\s*(?=[^\W\d][^:\d\n]{1,60}:\s*(?:có\s+)?(?:\d{1,3}(?:\.\d{3})+|\d+)\s*"
                           r"(?:mô hình|điển hình)?\s*[;.,]?\s*$)")
_SPACES = regex.compile(r"\s*")


def _scope_opening(lay: Layout, c: Candidate) -> bool:
    """"Trong (tổng) số N mô hình …": the count opens its sentence after a scope word. (Patterns are
    matched in bounded windows: the regex module scans a match's whole range for its literals.)"""
    return c.start - c.sentence_start <= SCOPE_OPENING_REACH \
        and bool(_SCOPE_OPENING.fullmatch(lay.folded, c.sentence_start, c.start))
_LINE_LABEL = r"(?P<label>[^\W\d][^:\d]{2,60}?)\s*:\s*"  # a line's label and its colon
_BULLET_LABEL = regex.compile(r"\s*[-–•+*]\s*" + _LINE_LABEL)
_PLAIN_LABEL = regex.compile(r"\s*" + _LINE_LABEL)  # on a ``_LABEL_ROW`` line
_SCOPE_END = regex.compile(r"[^,;.]*?(?:,|(?<![\w])này\s+(?:có|gồm)(?![\w]))")
#: how far into its sentence a restating "trong số N" may stand (after a source: "Theo …, trong số …")
SCOPE_OPENING_REACH = 100
# (after a source at most: "Theo Ban Dân vận Huyện ủy, trong số 300 mô hình có …")
_SCOPE_OPENING = regex.compile(r"[\s\-–•*]*(?:theo\s+[^,.;:\d]{1,60},\s*)?(?:trong|trong số|trong tổng số)\s+")


def _is_restated(lay: Layout, c: Candidate) -> bool:
    """"…, nâng tổng số lên 128 mô hình", "Trong số 12 mô hình được khen thưởng, có …": a number
    stated before, restated here."""
    return bool(_raises_total(lay, c) or _scope_opening(lay, c))


def _raises_total(lay: Layout, c: Candidate) -> bool:
    """"…, nâng tổng số (mô hình trên địa bàn) lên 128 mô hình": the new total, restated."""
    back = _back(lay, c.start - 70, c.start)
    return bool(words("counts", "restatement_before").search(back[-30:])
                or (_RAISE.search(back) and _RAISED_TO.search(back)))


def _is_increase(lay: Layout, c: Candidate) -> bool:
    before = lay.folded[max(c.seg_start, c.start - LOOKBACK):c.start]
    return any(b is not None and r.code == "increase" and b.search(before) for r, b, _ in metric_rules())


def _states_field(lay: Layout, c: Candidate) -> bool:
    """A count of one field ("90 mô hình kinh tế") is no total of a breakdown that follows."""
    code, _ = _field(lay, (max(c.seg_start, c.start - LOOKBACK), min(c.seg_end, c.end + LOOKBACK)), c,
                     _after(lay, c, min(c.seg_end, c.end + LOOKBACK)))
    return code not in (None, "all")


def _zones(cands: list[Candidate]) -> list[tuple[int, int]]:
    """(start, end) of the text each candidate owns in its clause: from the end of the count before
    it to the start of the count after it. A total's clause runs over its parts; a part's ends at
    its neighbours. One pass per clause (candidates are in text order)."""
    out: list[tuple[int, int]] = []
    by_seg: dict[int, list[int]] = {}
    for i, c in enumerate(cands):
        by_seg.setdefault(c.seg_start, []).append(i)
    zone: dict[int, tuple[int, int]] = {}
    for idx in by_seg.values():
        for pool_all in (True, False):  # parts see every count, totals only the other totals
            pool = [i for i in idx if pool_all or cands[i].parent is None]
            for k, i in enumerate(pool):
                c = cands[i]
                if (c.parent is not None) != pool_all:
                    continue
                before = (cands[pool[j]].end for j in range(k - 1, -1, -1) if cands[pool[j]].end <= c.start)
                after = (cands[pool[j]].start for j in range(k + 1, len(pool)) if cands[pool[j]].start >= c.end)
                zone[i] = (next(before, c.seg_start), next(after, c.seg_end))
    for i in range(len(cands)):
        out.append(zone[i])
    return out


@cache
def _lead_in() -> regex.Pattern[str]:
    """What may stand between a field and its number: "lĩnh vực kinh tế có 14", "+ Kinh tế: hơn 2.100"."""
    bounds = alternation(w for ws in lexicon()["bounds"].values() for w in ws)
    return regex.compile(
        r"^[\s:,(\-|]*(?:(?:toàn\s+)?(?:thành phố|huyện|tỉnh|thị xã|quận)\s+)?"
        r"(?:(?:hiện\s+)?có\s+|tổng số\s+|có tổng số\s+|tổng số có\s+|đạt\s+|với\s+|chiếm\s+)*"
        rf"(?:(?:{bounds})\s+)?$")
_AFTER_NOUN = regex.compile(
    r"\s*(?:[\"'“”]?\s*(?:dân vận khéo|dvk)\s*[\"'“”]?\s*)?(?:(?:thuộc|trong|trên|về|ở)\s+)?"
    r"(?P<all>các\s+)?(?:lĩnh vực\s+|mặt\s+)?"
)
_NAMED_FIELD_BEFORE = regex.compile(
    r"(?<![\w])lĩnh vực\s+(?P<x>[^\W\d][^,;:()\d]{2,50}?)\s*(?:(?:đã\s+)?(?:có|đạt|với|là|gồm|chiếm)\s*)?:?\s*$")
_UNIT_WORD_BEFORE = regex.compile(
    r"(?<![\w])(?:xã|phường|thôn|ấp|bản|khu phố|tổ dân phố|thị trấn|huyện|quận|tỉnh|thành phố|khối)\s+$")
_NOT_A_FIELD_NAME = regex.compile(r"(?:của|này|đó|trên|khác|nào|các|và|được|đã|như|sau|theo)(?![\w])")
_FIELD_AFTER_GAP = regex.compile(r"(?:[^\W\d]+\s+){1,3}")
_NOT_FIELD_GAP = regex.compile(
    r"(?<![\w])(?:của|tại|ở|do|thuộc|xã|phường|huyện|tỉnh|quận|thôn|ấp|bản|buôn|làng|thị trấn|thị xã|"
    r"thành phố|được|đã|đang|với|cho|và|là|có|trong|trên)(?![\w])")
_ENUM_GAP = regex.compile(r"^\s*(?:,|và|,\s*và)\s*$")


def _field(lay: Layout, zone: tuple[int, int], c: Candidate,
           after_end: int | None = None) -> tuple[str | None, str | None]:
    """(field code, None) from the count's own words; (None, words) when none is stated
    (``after_end``: where its words after the noun end, by default ``c.after_end``)."""
    after = _AFTER_NOUN.match(lay.folded, c.end, min(zone[1], c.end + 80))
    pos = after.end() if after else c.end
    if after and after.group("all") and lay.folded[after.start("all") - 10:after.end()].find("lĩnh vực") >= 0:
        return "all", None
    h = hit_at(field_rules(), lay.folded, pos, min(zone[1], pos + 60))
    if h is not None and not h.rule.code:  # "87 mô hình về KT-XH": no field of the SPEC's, its words
        return None, lay.text[c.end:c.after_end if after_end is None else after_end].strip(" ,.:;“”\"'") or None
    if h is not None:
        return h.rule.code, None
    # "9 mô hình hướng tới phát triển kinh tế", "25 mô hình bảo đảm an ninh trật tự": a field a few
    # words on in its own words after the noun (not a place or an owner: "… ở xã An Ninh")
    h = first_hit(field_rules(), lay.folded, pos, min(c.after_end, pos + 40))
    if h is not None:
        gap = lay.folded[pos:h.start]
        if h.rule.code and _FIELD_AFTER_GAP.fullmatch(gap) and not _NOT_FIELD_GAP.search(gap):
            return h.rule.code, None
    hits = [h for h in find_all(field_rules(), lay.folded, max(zone[0], c.start - LOOKBACK), c.start)
            if not _UNIT_WORD_BEFORE.search(lay.folded, max(0, h.start - 14), h.start)  # "Xã An Ninh có …"
            # "6 mô hình về phát triển kinh tế, 5 mô hình …": the field words of the count before
            and not _count_noun_before().search(lay.folded, max(c.seg_start, h.start - 60), h.start)]
    if hits:
        k = len(hits) - 1  # the first field of an enumeration "kinh tế, xây dựng nông thôn mới và …"
        while k > 0 and _ENUM_GAP.match(lay.folded[hits[k - 1].end:hits[k].start]):
            k -= 1
        h, last = hits[k], hits[-1]
        gap = lay.folded[last.end:c.start]
        head = lay.folded[max(zone[0], h.start - 14):h.start]
        if h.rule.code and (_lead_in().match(gap) or "lĩnh vực" in head):
            return h.rule.code, None
    label = _paren_label(lay, c)
    if label is not None:
        # "Các mô hình tập trung vào phát triển kinh tế, giảm nghèo (49 mô hình); văn hóa – xã hội, giáo
        # dục (41 mô hình) …": the words before a count in parentheses label it, their one field its field
        codes = {h.rule.code for h in find_all(field_rules(), lay.folded, label[0], label[1]) if h.rule.code}
        if len(codes) == 1:
            return codes.pop(), None
    words_after = lay.text[c.end:c.after_end if after_end is None else after_end].strip(" ,.:;“”\"'")
    # "lĩnh vực xây dựng tổ chức Hội có 5 mô hình", "12 mô hình thuộc lĩnh vực bảo vệ môi trường":
    # a field the article names as one, though no field of the SPEC's
    named = _NAMED_FIELD_BEFORE.search(fold(c.lead)) if c.lead else None
    if named is not None and not any(h.rule.code for h in find_all(field_rules(), fold(named.group("x")))) \
            and not _NOT_A_FIELD_NAME.match(fold(named.group("x"))):
        return "other", c.lead[named.start("x"):named.end("x")].strip()
    if after is not None and "lĩnh vực" in lay.folded[after.start():after.end()] and words_after:
        return "other", lay.text[pos:c.after_end if after_end is None else after_end].strip(" ,.:;“”\"'")
    return None, words_after or None


#: a parenthesis that closes right after a count's noun (and the movement's name): "(49 mô hình)"
_CLOSES_AFTER_NOUN = regex.compile(r"(?:\s*[\"“”']?\s*(?:dân vận khéo|dvk)\s*[\"“”']?)?\s*\)")
_OPEN_BEFORE = regex.compile(r"\(\s*$")


def _paren_label(lay: Layout, c: Candidate) -> tuple[int, int] | None:
    """Where the label of a count in parentheses stands ("… giảm nghèo (49 mô hình)"): from its
    clause's start, or the previous parenthesis's close, to the parenthesis; None when the count is
    not alone in its parentheses."""
    opened = _OPEN_BEFORE.search(lay.folded, max(c.seg_start, c.start - 4), c.start)
    if opened is None or not _CLOSES_AFTER_NOUN.match(lay.folded, c.end, c.seg_end):
        return None
    start = max(c.seg_start, lay.folded.rfind(")", c.seg_start, opened.start()) + 1)
    if _UNIT_NAMED_LAST.search(lay.text, start, opened.start()) \
            or _BARE_NAME_LABEL.fullmatch(lay.text, start, opened.start()):
        return None  # "xã An Ninh Đông (14 mô hình)", "…, An Ninh Tây (11)": a unit's count, no label
    return start, opened.start()


#: a bare name as the label: "…, An Ninh Tây (11 mô hình)" in a list by unit
_BARE_NAME_LABEL = regex.compile(r"[\s,;]*(?:và\s+)?\p{Lu}[\w'’-]*(?:[ -]+\p{Lu}[\w'’-]*)*\s*")
#: a unit's type word and name ending a label: "… là xã An Ninh Đông", "TP. Vĩnh Yên"
_UNIT_NAMED_LAST = regex.compile(r"(?<![\w])(?i:xã|phường|thị trấn|huyện|quận|thị xã|thành phố|tỉnh|đặc khu"
                                 r"|tp\.?|tx\.?)\s*\p{Lu}[\w'’-]*(?:[ -]+\p{Lu}[\w'’-]*)*\s*$")


@cache
def _clause_end() -> regex.Pattern[str]:
    return regex.compile(r",|\(|;|:|\btrong đó\b|\bgồm\b|\bvà\b")


def _after(lay: Layout, c: Candidate, end: int) -> int:
    """End of the words that follow a count in its own clause ("… mô hình được công nhận cấp xã"):
    the first comma, parenthesis, "và" or part cue, except where it continues an enumeration of
    fields ("trên các lĩnh vực kinh tế, xã hội, quốc phòng … được triển khai hiệu quả")."""
    pos = c.end
    while True:
        m = _clause_end().search(lay.folded, pos, end)
        if m is None:
            return end
        if m.group() == "(":
            close = lay.folded.find(")", m.end(), end)
            if close > 0 and not _metric_hits(lay.folded, m.end(), close):
                pos = close + 1  # a split "(31 tập thể, 9 cá nhân)": the clause goes on after it
                continue
        if m.group() in (",", "và"):
            nxt = _SPACES.match(lay.folded, m.end()).end()  # type: ignore[union-attr]  # in place: no slice to the end
            if hit_at(field_rules(), lay.folded, nxt, min(end, nxt + 40)) is not None:
                pos = m.end()
                continue
            if _passive_goes_on_over_comma(lay.folded, c.end, m.start(), nxt, end):
                # "214 lượt mô hình được cấp ủy, chính quyền công nhận", "04 mô hình được Đảng ủy Khối Cơ
                # quan và Doanh nghiệp thành phố khen thưởng": one passive phrase
                pos = m.end()
                continue
            if m.group() == "," and _kinds_of_unit_around(lay.folded, m.start(), nxt):
                pos = m.end()  # "174 mô hình do Đảng ủy Công an các xã, phường công nhận": one phrase
                continue
            if m.group() == "," and (lay.folded.startswith("điển hình", nxt)
                                     or _PASSIVE_GOES_ON.match(lay.folded, nxt, min(len(lay.folded), nxt + 200))):
                pos = m.end()  # "188 mô hình hoạt động hiệu quả, được BCĐ huyện công nhận …"
                continue
            if m.group() in (",", "và") and _COMMUNITY_NAME.match(lay.text, nxt, min(end, nxt + 40)) \
                    and words("counts", "community_words").search(lay.folded, c.end, m.start()) \
                    and not _count_regex().match(lay.folded, nxt) and not _unit_kind_words()[1].match(lay.folded, nxt) \
                    and not _organisation_lead().match(lay.folded, nxt):
                pos = m.end()  # "… trong vùng đồng bào Ê Đê, M'nông": the names of the community go on
                continue
        return m.start()


#: a community's name in a list: at most three capitalised words, then "," / "và" / the clause end
_COMMUNITY_NAME = regex.compile(r"\p{Lu}[\w'’-]*(?:\s+\p{Lu}[\w'’-]*){0,2}"
                                r"(?=\s*(?:,|và(?![\w])|[.;:)]|$)|\s+(?:ở|tại|trên|thuộc)(?![\w]))")


@cache
def _metric_phrase_rules() -> list[PhraseRule]:
    return [r for r, _, _ in metric_rules()]


@cache
def _unit_kinds() -> str:
    """The bare unit words of ``primary_scope`` ("xã", "huyện" …, not "toàn huyện") as an alternation."""
    return alternation(w for w in lexicon()["counts"]["primary_scope"] if not w.startswith("toàn "))


@cache
def _unit_kind_words() -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    kinds = _unit_kinds()
    return regex.compile(rf"(?<![\w])(?:{kinds})\s*$"), regex.compile(rf"(?:{kinds})(?![\w])")


@cache
def _unit_label() -> regex.Pattern[str]:
    kinds = alternation(fold(k) for _, k, _ in lexicon()["units"]["kinds"])
    short = alternation(lexicon()["counts"]["unit_label_abbreviations"])  # "TP. Đồng Xoài", "TX. Bình Long"
    return regex.compile(rf"(?:{kinds})\s+\S|(?:{short})(?:\s+|(?<=\.))\p{{L}}")


@cache
def _national_regex() -> regex.Pattern[str]:
    counts = lexicon()["counts"]
    return regex.compile(rf"(?<![\w])(?:{alternation(counts['national_scope'])})(?![\w])"
                         rf"|(?<![\w])\d{{1,2}}\s+(?:{alternation(counts['national_scope_numbered'])})(?=\s+\w)")


@cache
def _national_not_after() -> regex.Pattern[str]:
    """Words before a national scope that make it no count's subject: a comparison ("đứng đầu cả
    nước"), an event ("Đại hội … toàn quốc") (lexicon ``national_not_after``)."""
    return regex.compile(rf"(?<![\w])(?:{alternation(lexicon()['counts']['national_not_after'])})\s*$")


def _national_scopes(lay: Layout, sentence_start: int, sentence_end: int) -> list[int]:
    """The ends of the national scopes of a sentence that can be a count's subject (worked out once
    per sentence)."""
    memo: dict[int, list[int]] = lay.memo.setdefault("national", {})
    found = memo.get(sentence_start)
    if found is None:
        found = [m.end() for m in _national_regex().finditer(lay.folded, sentence_start, sentence_end)
                 if not _national_not_after().search(lay.folded, max(sentence_start, m.start() - 24), m.start())
                 and not _in_attribution(lay, m.start())]
        memo[sentence_start] = found
    return found


def national_scope(lay: Layout, c: Candidate, mention_starts: list[int]) -> bool:
    """The count's own clause names the whole country, a ministry's force or several provinces as
    its subject ("năm 2018, toàn quốc có 51.230 mô hình", "lực lượng Công an nhân dân đã xây dựng
    …", "14 tỉnh miền núi phía Bắc được công nhận …"), with no unit named or scoped after those
    words ("trên cả nước, toàn huyện đã xây dựng 120 mô hình" is the district's)."""
    sentence = lay.sentence_at(c.start)
    if sentence is None:
        return False
    ends = _national_scopes(lay, sentence.start, sentence.end)
    k = bisect.bisect_right(ends, c.start) - 1
    while k >= 0 and _in_closed_aside(lay, sentence.start, ends[k], c.start):
        k -= 1  # "toàn tỉnh (gồm 3 tỉnh trước hợp nhất) đã xây dựng …": a scope inside an aside
    if k < 0:
        return False
    end = ends[k]
    clause = max(lay.folded.rfind(ch, max(sentence.start, c.start - LOOKBACK), c.start) for ch in ",;:(")
    spans = [(end, c.start)]
    close = lay.folded.rfind(")", end, c.start)
    opened = lay.folded.rfind("(", end, close) if close >= 0 else -1
    if opened >= 0:  # "cả nước (gồm 63 tỉnh, thành phố) có …": the aside's words are its own
        clause = max(lay.folded.rfind(ch, max(sentence.start, c.start - LOOKBACK), opened) for ch in ",;:(")
        spans = [(end, opened), (close + 1, c.start)]
    if end <= clause or any(_any_between(mention_starts, a, b) for a, b in spans):
        return False
    return not any(words("counts", "primary_scope").search(lay.folded, a, b)
                   or words("counts", "scope_words").search(lay.folded, a, b) for a, b in spans)


def _in_closed_aside(lay: Layout, lo: int, pos: int, end: int) -> bool:
    """``pos`` stands inside a parenthesis opened after ``lo`` and closed before ``end``."""
    opened = lay.folded.rfind("(", lo, pos)
    return opened >= 0 and lay.folded.rfind(")", opened, pos) < 0 and lay.folded.find(")", pos, end) >= 0


def _names_unit(label: str) -> bool:
    """A label that is a unit: "Xã Phước Hậu", "Phường 3" (the gazetteer's kinds of unit)."""
    return _unit_label().match(fold(label).strip()) is not None


def _passive_goes_on_over_comma(folded: str, noun_end: int, comma: int, nxt: int, end: int) -> bool:
    """A passive opened after the noun ("… mô hình được cấp ủy, …") whose verb comes after the comma,
    with no number between ("…, chính quyền công nhận")."""
    opened = folded.rfind("được", noun_end, comma)
    if opened < 0 or _metric_hits(folded, opened + len("được"), comma):
        return False
    stop = min(end, nxt + 40)
    digit = regex.search(r"\d|[,;.()]", folded[nxt:stop])
    if digit is not None:
        stop = nxt + digit.start()
    return bool(_metric_hits(folded, nxt, stop))


def _kinds_of_unit_around(folded: str, comma: int, nxt: int) -> bool:
    """A comma between two kinds of unit ("các xã, phường"): an enumeration, not a clause's end."""
    before, after = _unit_kind_words()
    if before.search(folded, max(0, comma - 12), comma) is not None and after.match(folded, nxt) is not None:
        return True
    before, after = _village_kind_words()  # "ở các khóm, ấp có đông đồng bào Khmer"
    return before.search(folded, max(0, comma - 14), comma) is not None and after.match(folded, nxt) is not None


@cache
def _village_kind_words() -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    kinds = alternation(lexicon()["models"]["villages"])
    return regex.compile(rf"(?<![\w])(?:{kinds})\s*$"), regex.compile(rf"(?:{kinds})(?![\w])")


#: after a comma, "được <body> công nhận" with no number of its own goes on with the count's words
_PASSIVE_GOES_ON = regex.compile(r"được(?![\w])(?:[^\d,;.()]|(?<!\d)(?:19|20)\d\d(?!\d))*[,;.()]")


def _metric_hits(folded: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """(rank, position, code) of every metric phrase in ``folded[start:end]``."""
    hits: list[tuple[int, int, str]] = []
    rules = _metric_phrase_rules()
    metric = find_all(rules, folded, start, end)
    if not metric:
        return hits  # no verb: the fields are not looked for
    fields = [f for f in find_all(field_rules(), folded, start, end) if f.rule.code]
    for h in metric:
        if any(f.start <= h.start < f.end for f in fields):
            continue  # "xây dựng" inside "xây dựng hệ thống chính trị" is a field, not a verb
        hits.append((rules.index(h.rule), h.start, h.rule.code))
    return hits


def _newly_acted(lay: Layout, c: Candidate) -> str | None:
    """The act named right after the noun of a count called new ("… mô hình mới được công nhận" →
    recognized, "… mới được đăng ký" → registered), None when there is none (_NEWLY_RECOGNIZED)."""
    act = _NEWLY_RECOGNIZED.match(lay.folded, _past_movement_name(lay, c.end), c.seg_end)
    if act is None:
        return None
    return "recognized" if act.group("verb") == "công nhận" else "registered"


def _metric(lay: Layout, zone: tuple[int, int], c: Candidate, own_start: int) -> str | None:
    """The metric the count's own words give, None when they give none.

    Anchored words win, those before the number first ("tăng 120", "đăng ký 41 mô hình mới",
    "9 mô hình mới"); else the strongest phrase of the count's own
    words by the order of ``[[metric]]`` ("xây dựng và phát huy hiệu quả 287 mô hình" is built).
    """
    before = _back(lay, zone[0], c.start)
    # words right before the number first ("đăng ký xây dựng 41 mô hình mới"); of two, the longer
    # ("đăng ký xây dựng thêm 2" is registered, not the "xây dựng thêm" of new), then the rules' order
    anchored = [(m.start(), k, rule.code) for k, (rule, before_re, _) in enumerate(metric_rules())
                if before_re is not None and (m := before_re.search(before)) is not None]
    if anchored:
        code = min(anchored)[2]
        if code == "registered" and _BUILT_THEN_REGISTERED.search(before):
            return "built"  # "đã xây dựng, đăng ký 940 mô hình": two acts, the stock
        # ("có thêm 34 mô hình được công nhận": the act is a recognition)
        return (_newly_acted(lay, c) or code) if code == "new" else code
    for rule, _, after_re in metric_rules():
        if after_re is not None and after_re.match(lay.folded, c.end, c.end + 40):
            # ("61 mô hình mới được công nhận": newly recognized; "đã công nhận 1.906 mô hình mới" too)
            if rule.code == "new" and _RECOGNIZED_RIGHT_BEFORE.search(before):
                return "recognized"
            return (_newly_acted(lay, c) or rule.code) if rule.code == "new" else rule.code
    hits = _metric_hits(lay.folded, own_start, c.start) + _metric_hits(lay.folded, c.end, c.after_end)
    if not hits and c.respective is not None:  # "… có nhiều mô hình mới, lần lượt là 38 và 27 mô hình"
        k = lay.folded.rfind("lần lượt", c.sentence_start, c.start)
        hits = _metric_hits(lay.folded, max(c.sentence_start, k - LOOKBACK), k) if k >= 0 else []
    if not hits:
        return None
    code = min(hits)[2]
    if code == "registered":  # "đăng ký, xây dựng 8.000 mô hình", "xây dựng, đăng ký …": two acts, the stock
        registered = [h[1] for h in hits if h[2] == "registered"]
        if any(h[2] == "built" and any(_VERB_SEPARATOR.search(lay.folded, min(r, h[1]), max(r, h[1]))
                                       for r in registered)
               for h in hits) or _THEN_CARRIED_OUT.match(lay.folded, c.after_end) \
                or _REGISTERED_THEN_DONE.search(lay.folded, max(own_start, c.start - 40), c.start):
            code = "built"  # ("3.600 mô hình được đăng ký và triển khai": registered, then carried out)
    maintained, effective = _maintained()
    if code == "built" and maintained.search(before) and effective.match(lay.folded, c.end, c.after_end):
        return "effective"  # "duy trì 212 mô hình hoạt động hiệu quả"
    return code


@cache
def _maintained() -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    lex = lexicon()["counts"]
    return (regex.compile(rf"(?<![\w])(?:{alternation(lex['maintained_before'])})\s*$"),
            regex.compile(rf"\s*(?:{alternation(lex['maintained_effective_after'])})(?![\w])"))


def _opener_metric(lay: Layout, c: Candidate) -> str | None:
    """The verb of a list's opener for an item that has none of its own: "Các mô hình được cấp ủy
    các cấp công nhận gồm: cấp tỉnh 412 mô hình, cấp huyện 2.760 mô hình" → recognized."""
    lo = max(c.sentence_start, c.start - LOOKBACK)
    colon = lay.folded.rfind(":", lo, c.start)
    while colon >= 0 and not _list_opener_end().search(lay.folded, max(0, colon - 24), colon + 1) \
            and _YEAR_ITEM.search(lay.folded, max(lo, colon - 12), colon + 1):
        colon = lay.folded.rfind(":", lo, colon)  # "…: năm 2016 có 1.820 mô hình; năm 2017: 2.145; …": an item's own
    verb_end = colon >= 0 and any(h.end >= colon - 1 for h in find_all(_metric_phrase_rules(), lay.folded,
                                                                        max(0, colon - 24), colon))
    if colon < 0 or not (verb_end or _list_opener_end().search(lay.folded, max(0, colon - 24), colon + 1)) \
            or _metric_hits(lay.folded, colon, c.start):
        # only a list's opener ("… gồm:", "… qua các năm:", a verb right before the colon: "Các cấp
        # ủy đã công nhận: cấp tỉnh 486 mô hình, …"), not any colon before a count
        return None
    clause = max(lay.folded.rfind(";", c.sentence_start, colon) + 1, c.sentence_start, colon - LOOKBACK)
    hits = _metric_hits(lay.folded, clause, colon)
    return min(hits)[2] if hits else None


@cache
def _list_opener_end() -> regex.Pattern[str]:
    """The end of a list's opener: a part cue or a breakdown opener before the colon."""
    lex = lexicon()["counts"]
    cues = alternation([*lex["part_cues"], *lex["list_opener_ends"]])
    return regex.compile(rf"(?<![\w])(?:{cues})\s*:$")


def _attribution_spans(lay: Layout) -> tuple[list[tuple[int, int]], list[int]]:
    """"Theo Ban Dân vận Huyện ủy X, …", "Báo cáo của Ban Dân vận Trung ương cho biết, …": the
    sources quoted in the article, not bodies that act (the words from the clause's start to the
    verb of saying), in order, with their starts; found once per article."""
    found: tuple[list[tuple[int, int]], list[int]] | None = lay.memo.get("attribution")
    if found is None:
        before, after = _attribution()
        spans = [(m.start(), m.end()) for m in before.finditer(lay.folded)]
        for m in after.finditer(lay.folded):
            back = max(0, m.start() - 200)
            k = max(lay.folded.rfind(ch, back, m.start()) for ch in ",;.\n")
            spans.append((max(back, k + 1), m.end()))
        spans.sort()
        found = spans, [a for a, _ in spans]
        lay.memo["attribution"] = found
    return found


def _in_attribution(lay: Layout, pos: int) -> bool:
    """``pos`` is inside a source quoted (by bisection over :func:`_attribution_spans`)."""
    spans, starts = _attribution_spans(lay)
    k = bisect.bisect_right(starts, pos) - 1
    while k >= 0 and spans[k][0] > pos - 400:  # a span is at most ~300 characters long
        if spans[k][1] > pos:
            return True
        k -= 1
    return False


@cache
def _attribution() -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    c = lexicon()["counts"]
    return (regex.compile(rf"(?<![\w])(?:{alternation(c['attribution_before'])})\s+[^,;.]{{0,100}},"),
            regex.compile(rf"(?<![\w])(?:{alternation(c['attribution_after'])})(?![\w])\s*,?"))


@cache
def _subject_regex() -> tuple[regex.Pattern[str], dict[str, str]]:
    table = {fold(w): code for w, code in lexicon()["counts"]["subject_units"]}
    # a body of the unit as the subject: "Công an tỉnh đã xây dựng 58 mô hình"
    bodies = alternation(h for r in lexicon()["level_actor"] for h in r.get("heads_acting", []))
    return regex.compile(r"\s*(?:(?:đến nay|hiện nay|năm nay|vừa qua|(?:trong\s+)?năm\s+(?:19|20)\d\d"
                         r"|(?:trong\s+)?\d{1,2}\s+tháng(?:\s+đầu)?\s+năm(?:\s+(?:19|20)\d\d)?)\s*,?\s*)?"
                         r"(?:(?:(?:toàn\s+)?lực lượng\s+)?(?:"
                         + bodies + r")\s+)?(?:(?P<unit>" + alternation(table)
                         # the communes counted acting: "94 xã, phường, đặc khu trên địa bàn tỉnh đã công nhận …"
                         + r")|(?P<communes>\d{1,4}\s+(?:xã|phường|thị trấn|đặc khu)"
                         r"(?:\s*(?:,|và)\s*(?:xã|phường|thị trấn|đặc khu))*))"
                         # (not a subject a body acts on: "các xã được Ban Chỉ đạo huyện công nhận 21 mô hình")
                         r"\s+(?:đã\s+|vừa\s+|cũng\s+)?(?=\p{Ll})"
                         r"(?!ủy|đoàn|đội|có\s|hiện\s|hiện có|được\s|đề nghị\s)"), table


def subject_unit(lay: Layout, start: int, end: int) -> tuple[str, str] | None:
    """A bare unit word that opens the count's own clause as its subject: (kind word, level code)."""
    m = _subject_regex()[0].match(lay.folded, start, min(end, start + 120))
    if m is None or not lay.text[m.end():m.end() + 1].islower():
        return None  # "thị xã Vĩnh Châu có …" names a unit, it is no bare subject
    if m.group("communes"):
        return "xã", "grassroots"
    return m.group("unit"), _subject_regex()[1][m.group("unit")]


_NAME_WORDS = regex.compile(r"(?:\s+[^\W\d_][\w'’-]*)*")


def actor_spans(lay: Layout, start: int, end: int) -> list[tuple[int, int]]:
    """Where acting bodies stand ("Ủy ban MTTQ Việt Nam tỉnh A đã tặng …", "Ban Chỉ đạo huyện B")
    between ``start`` and ``end``: a unit named there is the body's, not the one reported on."""
    actor_re, _ = _actor_regex()
    out = []
    for m in actor_re.finditer(lay.folded, start, end):
        name_end = _NAME_WORDS.match(lay.text, m.end(), min(end, m.end() + 40))
        out.append((m.start(), name_end.end() if name_end else m.end()))
    return out


def province_actor(lay: Layout, c: Candidate) -> bool:
    """"Ban Chỉ đạo tỉnh đã thẩm định và công nhận 517 mô hình": the body acting in the count's
    clause is the (unnamed) province's."""
    return unnamed_actor_level(lay, c) == "province"


def unnamed_actor_level(lay: Layout, c: Candidate) -> str | None:
    """The level of the body acting in the count's clause when it names no unit ("Ban Chỉ đạo
    huyện công nhận 318 mô hình" → district), else None."""
    actor_re, units = _actor_regex()
    hits = list(actor_re.finditer(lay.folded, c.seg_start, c.start))
    if hits:  # (not the body that launched the movement: "phong trào do Ban Dân vận Tỉnh ủy phát động")
        launched = launcher_spans(lay, c.seg_start, c.start)
        hits = [h for h in hits if not any(a <= h.start() < b for a, b in launched)]
    if not hits:
        return None
    last = hits[-1]
    return units[last.group("unit")] if lay.text[last.end():last.end() + 2].strip()[:1].islower() else None


#: a bare commune word as the subject of a count's clause: "Hiện xã có 21 mô hình", "Toàn phường đã xây dựng"
_BARE_COMMUNE_SUBJECT = regex.compile(
    r"[\s,]*(?:(?:hiện nay|hiện|đến nay|năm nay|năm (?:19|20)\d\d|trong năm(?: (?:19|20)\d\d)?)\s*,?\s*)?"
    r"(?:toàn\s+)?(?P<kind>xã|phường|thị trấn)\s+"
    r"(?:hiện\s+|đã\s+|đang\s+|vẫn\s+|sẽ\s+)*(?:có|duy trì|xây dựng(?:\s+được)?|triển khai|đăng ký(?:\s+thêm)?"
    r"|ra mắt|giữ lại)\s+"
    r"(?:(?:hơn|gần|trên|khoảng)\s+)?$")
#: "… đã được công nhận N": a passive verb between a body and the count
_PASSIVE_AFTER_SUBJECT = regex.compile(r"\s*(?:(?:đã|hiện|cũng|vừa)\s+)*(?:xây dựng\s*(?:,|và)\s*)?"
                                       r"được\s+(?:\w+\s+){0,2}?"
                                       r"(?:công nhận|khen thưởng|biểu dương|tuyên dương)\s*(?:thêm\s+)?")
#: the name after a body's unit word ("Hội LHPN tỉnh Nghệ An đã được công nhận …"), in the text's own case
_UNIT_NAME_AFTER = regex.compile(r"(?:\s+\p{Lu}[\w'’-]*)*")
#: a bare unit word acting in a passive after the noun: "2 mô hình được huyện công nhận"
_BARE_UNIT_AGENT = regex.compile(
    r"[^,;.()\d]{0,30}?(?<![\w])được\s+(?P<unit>tỉnh|thành phố|huyện|quận|thị xã|xã(?!\s+hội)|phường|thị trấn)"
    r"\s+(?:\w+\s+){0,2}?(?:công nhận|chọn|khen thưởng|biểu dương|tuyên dương)(?![\w])")
#: another count's number and noun between a count and a level word: the level is that count's
#: ("trong số 300 mô hình có 40 mô hình cấp huyện và 260 mô hình cấp xã": 300 has none)
_ANOTHER_COUNT = regex.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})*(?![\d.,]\d)\s+(?:mô hình|điển hình)(?![\w])")
#: a body named after the noun in a passive ("… mô hình được Bộ Tư lệnh Quân khu 4 công nhận")
_BODY_ACTING_AFTER = regex.compile(r"[^,;.()]{0,40}?(?<![\w])được\s+\p{Lu}")


def _level_of_topic(lay: Layout, start: int, level_start: int) -> bool:
    """A topic between the noun and the level word owns it (_topic_before_level), unless the topic is
    a field of the SPEC's ("12 mô hình về quốc phòng - an ninh cấp tỉnh": the count's level)."""
    topic = _topic_before_level().search(lay.folded, start, level_start)
    return topic is not None and not any(
        h.rule.code for h in find_all(field_rules(), lay.folded, topic.start(), level_start))


@cache
def _topic_before_level() -> regex.Pattern[str]:
    """A topic the models are about between the noun and a level word, with no act after it: the level
    word is the topic's ("1.027 mô hình gắn với nhiệm vụ chính trị của cấp xã mới", "mô hình về cải
    cách hành chính cấp xã"), not the count's ("… về kinh tế được công nhận cấp huyện" is)."""
    links = alternation(lexicon()["counts"]["topic_links"])
    return regex.compile(rf"(?<![\w])(?:{links})\s(?!.*(?<![\w])(?:được|công nhận|khen thưởng|biểu dương|tuyên dương)"
                         rf"(?![\w]))", regex.DOTALL)


#: a number inside a parenthesis before it closes: "(cấp huyện 10, cấp xã 20)" holds parts, "(BCĐ)" none
_DIGIT_BEFORE_CLOSE = regex.compile(r"[^()]*?\d")


#: a clause that opens with its act, a time or "riêng" at most before it: "; riêng quý II/2025, công nhận 9"
_BARE_ACT = regex.compile(r"\s*(?:riêng\s+)?(?:(?:quý|năm|tháng|giai đoạn|đợt|\d)[^,;:()]{0,28},\s*)?"
                          r"(?:đã\s+|cũng\s+|tiếp tục\s+)?(?:công nhận|khen thưởng|biểu dương|tuyên dương)(?![\w])")


def _level(lay: Layout, c: Candidate, own_start: int, metric: str | None,
           city_is_province: bool | None) -> str | None:
    """Level: an explicit "cấp …" in the count's own words (any metric that can have one), else for
    recognitions and commendations the body that acts (GUIDELINES §4.4). With ``city_is_province``
    None, a city's level stays "city" for the caller to resolve."""
    zone_start = c.zone_start
    # another count before it in the clause: its own "cấp …" after it is not this count's
    # ("1.280 mô hình được công nhận cấp tỉnh và 2.960 mô hình được khen thưởng các cấp")
    other_words_end = c.prev_after
    paren = lay.folded.find("(", c.end, c.after_end)  # "30 mô hình (cấp huyện 10, cấp xã 20)": the parts'
    while paren >= 0 and not _DIGIT_BEFORE_CLOSE.match(lay.folded, paren + 1, c.after_end):
        # an aside with no number and no level word, "(BCĐ)", "(cũ)": the words after it are the
        # count's own ("(gồm cấp tỉnh, cấp huyện và cấp xã)" still ends them)
        close = lay.folded.find(")", paren, c.after_end)
        if close < 0 or first_hit(level_rules(), lay.folded, paren, close) is not None:
            break
        paren = lay.folded.find("(", close, c.after_end)
    first = first_hit(level_rules(), lay.folded, c.end, c.after_end if paren < 0 else paren)
    hits = [first] if first is not None \
        and not _ALL_LEVELS_OF.search(lay.folded, max(0, first.start - 8), first.start) \
        and not _ANOTHER_COUNT.search(lay.folded, c.end, first.start) \
        and not _level_of_topic(lay, c.end, first.start) else []
    if not hits:
        hits = [h for h in find_all(level_rules(), lay.folded, max(own_start, other_words_end), c.start)
                if (lay.folded.startswith("cấp", h.start) or lay.folded.startswith("cơ sở hội", h.start))
                and not _ALL_LEVELS_OF.search(lay.folded, max(0, h.start - 8), h.start)][-1:]
    code: str | None = hits[0].rule.code if hits else None
    subject = subject_unit(lay, own_start, c.start)
    if subject is None and code is None and metric in ("recognized", "commended") and c.seg_start > c.sentence_start \
            and _BARE_ACT.match(lay.folded, c.seg_start, c.start):
        # "Năm 2024, các xã công nhận 17 mô hình; riêng quý II/2025, công nhận 9 mô hình": a clause
        # with no subject of its own goes on with the subject of the clause before it
        prev = max(lay.folded.rfind(";", c.sentence_start, c.seg_start - 1) + 1, c.sentence_start)
        subject = subject_unit(lay, prev, c.seg_start)
    if code is None and subject is not None and metric in ("recognized", "commended"):
        code = subject[1]  # "thành phố công nhận 21 mô hình": the unit that acts
    if code is None and metric in ("recognized", "commended"):
        def free(pos: int) -> bool:
            return not _in_attribution(lay, pos)

        actor_re, units = _actor_regex()
        hits, actors = [], []
        # the clause first; a clause with no body of its own takes the sentence's ("Ban Thường vụ
        # Tỉnh ủy tặng bằng khen cho 60 tập thể; biểu dương 50 mô hình")
        # with another count before it in the clause, first its own words, then what stands before
        # that count (the body acting for both), never the other count's own "cấp …" after it
        passes = [(c.seg_start, c.start), (max(c.sentence_start, c.start - LOOKBACK), c.start)]
        if zone_start > c.seg_start:
            before_other = lay.folded.rfind(" ", c.seg_start, zone_start)
            passes = [(max(other_words_end, c.seg_start), c.start),
                      (max(c.sentence_start, c.start - LOOKBACK), max(c.seg_start, before_other))]
        if _BODY_ACTING_AFTER.match(lay.text, c.end, c.after_end):
            passes = passes[:1]  # "38 mô hình được Bộ Tư lệnh Quân khu 4 công nhận": its own body, not the sentence's
        for start, end in passes:
            hits = [h for h in find_all(level_rules(), lay.folded, start, end) if free(h.start)][-1:]
            # a body before "được" is the subject, not the one that acts ("Hội LHPN tỉnh đã được
            # công nhận 1.215 mô hình" names no recognising body)
            actors = [m for m in actor_re.finditer(lay.folded, start, end) if free(m.start())
                      and not (c.start - m.end() <= 60
                               and _PASSIVE_AFTER_SUBJECT.fullmatch(
                                   lay.folded, _UNIT_NAME_AFTER.match(lay.text, m.end()).end(), c.start))]
            if hits or actors:
                break
        after = actor_re.search(lay.folded, c.end, c.after_end)  # "127 mô hình được BCĐ huyện công nhận"
        bare_agent = _BARE_UNIT_AGENT.match(lay.folded, c.end, c.after_end) if after is None else None
        acting_after, acting_before = _named_unit_acting()
        named_after = acting_after.match(lay.text, c.end, c.after_end)
        named_before = None if c.title else acting_before.search(  # a headline sums up its parts
            lay.text, max(c.seg_start, c.start - 60), c.start)
        if after is not None:
            code = units[after.group("unit")]
        elif bare_agent is not None:  # "2 mô hình được huyện công nhận": the unit itself acts
            code = units[bare_agent.group("unit")]
        elif named_after or named_before:  # "11 mô hình được huyện A công nhận", "đặc khu B đã công nhận thêm 4"
            code = units[fold((named_after or named_before).group("unit"))]  # type: ignore[union-attr]
        elif actors and (not hits or actors[-1].start() > hits[-1].start):
            code = units[actors[-1].group("unit")]
        elif hits:
            code = hits[-1].rule.code
        if code is None:
            code = _event_organiser_level(lay, c)
    return code if city_is_province is None else _city_level(code, city_is_province)


#: a sentence that opens with one level as its scope: "Ở cấp huyện, TP A và TX B mỗi nơi có 4 mô hình"
_LEVEL_OPENER = regex.compile(r"[\s\-–•*+]*(?:ở|tại|đối với|riêng)\s+(?P<level>cấp\s+[^,;:.()\d]{2,24}?)\s*,")


def _opener_level(lay: Layout, c: Candidate) -> str | None:
    """The level a sentence opens with ("Ở cấp xã, xã A dẫn đầu với 6 mô hình, …"): the level of
    its counts that name none; two levels ("Ở cấp huyện và cấp xã, …") give none."""
    m = _LEVEL_OPENER.match(lay.folded, c.sentence_start, c.start)
    if m is None:
        return None
    hits = [h for h in find_all(level_rules(), lay.folded, m.start("level"), m.end("level")) if h.rule.code]
    return hits[0].rule.code if len(hits) == 1 and hits[0].start == m.start("level") else None


def _event_organiser_level(lay: Layout, c: Candidate) -> str | None:
    """"Tại hội nghị, 120 mô hình … được biểu dương": a commendation at the event, with no body of
    its own, takes the level of the body the article names organising that event in the nearest
    sentence before that organises one ("Ban Thường vụ Tỉnh ủy A tổ chức Hội nghị biểu dương …"),
    a few sentences back at most; the event nouns agree ("tại buổi lễ" ↔ "tổ chức lễ"), and a body
    acting in a sentence between the two is no organiser's ("Năm 2023, Huyện ủy biểu dương …")."""
    back_ref = words("counts", "event_back_reference").search(lay.folded, c.sentence_start, c.start)
    if back_ref is None or _REPORTED_AT.search(lay.folded, max(c.sentence_start, back_ref.start() - 20),
                                               back_ref.start()):
        return None  # ("Báo cáo tại hội nghị cho biết, toàn tỉnh có 2.946 mô hình được công nhận": a report)
    organised = words("counts", "event_organised")
    actor_re, units = _actor_regex()
    noun = words("counts", "event_nouns").search(back_ref.group())
    k = lay.sentence_index(c.sentence_start)
    for j in range(k - 1, max(-1, k - 7), -1):
        s = lay.sentences[j]
        m = organised.search(lay.folded, s.start, s.end)
        free = [h for h in find_all(level_rules(), lay.folded, s.start, m.start() if m else s.end)
                if not _in_attribution(lay, h.start)]
        actors = list(actor_re.finditer(lay.folded, s.start, m.end() if m else s.end))
        if m is None:
            if _ATTENDING.search(lay.folded, s.start, min(s.end, s.start + 40)):
                continue  # "Dự hội nghị có đại diện Ban Dân vận Tỉnh ủy …": bodies attending
            if actors or any(not lay.folded.startswith("cấp", h.start) for h in free):
                return None  # another body acts in between (a bare "cấp tỉnh" is no body)
            continue
        if noun is not None and noun.group() not in m.group():
            return None  # "tại buổi lễ" refers to no "hội nghị"
        if actors and (not free or actors[-1].start() > free[-1].start):
            return units[actors[-1].group("unit")]
        return free[-1].rule.code if free else None
    return None


#: what was said at an event, not done there: "Báo cáo tại hội nghị cho biết …"
_REPORTED_AT = regex.compile(r"(?<![\w])(?:báo cáo|phát biểu|tham luận|trình bày|thông tin)\s+$")
#: a sentence about who attended: "Dự hội nghị có …", "Tham dự có …"
_ATTENDING = regex.compile(r"(?<![\w])(?:dự|tham dự|về dự)\s+(?:hội nghị|buổi lễ|lễ|chương trình|có)(?![\w])")


#: "Ủy ban MTTQ các cấp tỉnh An Giang": the levels of a unit, no level ("các cấp" + the unit)
_ALL_LEVELS_OF = regex.compile(r"(?<![\w])các\s+$")


def _city_level(code: str | None, city_is_province: bool) -> str | None:
    """A level code with "cấp thành phố" resolved: a centrally-run city's is ``province``."""
    if code == "city":
        return "province" if city_is_province else "district"
    return code


def _bound(lay: Layout, c: Candidate) -> str:
    before = lay.folded[max(0, c.start - 20):c.start]
    for code, pat in _bound_regexes():
        if pat.search(before):
            return code
    return "exact"


class _Times:
    """The reporting time expressions of the article in text order, found by position (bisect)."""

    def __init__(self, times: list[TimeExpr]) -> None:
        self.items = sorted((t for t in times if t.reporting and t.period is not None), key=lambda t: t.start)
        self.starts = [t.start for t in self.items]

    def within(self, start: int, end: int) -> list[TimeExpr]:
        return self.items[bisect.bisect_left(self.starts, start):bisect.bisect_left(self.starts, max(start, end))]


def _own_period(lay: Layout, times: _Times, zone: tuple[int, int], c: Candidate,
                own_start: int) -> PeriodRef | None:
    """The time words of the count's own clause: right before it, right after its noun ("khen
    thưởng 21 mô hình giai đoạn 2019-2023"), then anywhere in its zone (GUIDELINES §4.6 rule 1),
    except inside a parenthesis after it, which belongs to its parts ("87 mô hình (năm 2010: …")."""
    own = times.within(own_start, c.start)
    if own:
        return _explicit_over_merger(own)
    def outside(t: TimeExpr) -> bool:
        between = lay.folded[c.end:t.start]
        return between.count("(") <= between.count(")")

    own = [t for t in times.within(c.end, c.after_end) if outside(t)]
    if own:
        return own[0].period
    own = times.within(zone[0], c.start)
    if own:
        return _explicit_over_merger(own)
    own = [t for t in times.within(c.end, zone[1]) if outside(t)]
    if own:
        return own[0].period
    # the clause runs from the last ";" or colon of the sentence (GUIDELINES §4.6 rule 1): "…; đến nay đã
    # triển khai 1.150 mô hình, qua đánh giá có 1.020 mô hình được công nhận" → 1.020 is now too
    clause = max(lay.folded.rfind(";", c.sentence_start, c.start), lay.folded.rfind(":", c.sentence_start, c.start),
                 c.sentence_start)
    own = times.within(clause, zone[0]) if clause > c.sentence_start or c.sentence_start < zone[0] else []
    return _explicit_over_merger(own) if own else None


def _explicit_over_merger(own: list[TimeExpr]) -> PeriodRef | None:
    """The last time expression before the count, except that "trước khi hợp nhất" right after an
    explicit period ending by then ("6 tháng đầu năm 2025, trước khi hợp nhất, tỉnh A xây dựng …")
    leaves that period."""
    last = own[-1]
    if last.kind == "before_merger" and len(own) > 1 and last.period is not None \
            and own[-2].period is not None and own[-2].period.end is not None \
            and last.period.end is not None and own[-2].period.end <= last.period.end:
        return own[-2].period
    return last.period


def _context_period(lay: Layout, times: _Times, c: Candidate, first_in_sentence: int,
                    published: PeriodRef) -> PeriodRef:
    opening = times.within(c.sentence_start, first_in_sentence)
    if opening:
        return opening[0].period  # type: ignore[return-value]
    para = lay.paragraphs[c.para]
    earlier = times.within(para.start, c.sentence_start)
    if earlier:
        return earlier[-1].period  # type: ignore[return-value]
    return published


#: the clause naming who launched the movement: "(phong trào …) do Ban Dân vận Tỉnh ủy A phát động"
_LAUNCHED_BY = regex.compile(r"(?<![\w])do\s+[^,.;:()\d]{1,80}?(?<![\w])(?:phát động|khởi xướng)(?![\w])")


def launcher_spans(lay: Layout, start: int, end: int) -> list[tuple[int, int]]:
    """Where a clause names who launched the movement ("phong trào … do Ban Dân vận Tỉnh ủy A phát
    động") between ``start`` and ``end``: a unit named there is the launcher's, not a count's."""
    return [(x.start(), x.end()) for x in _LAUNCHED_BY.finditer(lay.folded, start, end)]


#: units named after "như" that opens their list: examples ("các xã biên giới như A, B, C", "như xã A, xã B")
_EXAMPLES_BEFORE = regex.compile(r"(?<![\w])(?:các|những)\s+[^,;.()\d]{1,30}?\s+như\s+(?:(?:xã|phường|thị trấn|huyện|"
                                 r"quận|thị xã|thành phố|đặc khu)\s+)?$")


def _own_locality(lay: Layout, zone: tuple[int, int], c: Candidate, mentions: list[Mention],
                  province: LocalityRef | None, primary: LocalityRef | None = None,
                  primary_max: int | None = None) -> LocalityRef | None:
    """``primary_max``: the largest count of the primary unit before this one (None when none): a
    higher body's count larger than it is the higher unit's own total, not the primary's models."""
    of_primary = primary_max is None or c.value <= primary_max
    # not a unit in the own words of the count before it ("9 mô hình được UBND tỉnh A công nhận cấp
    # tỉnh, 96 mô hình cấp huyện": tỉnh A is the 9's acting body, not the 96's unit)
    lo = max(zone[0], c.prev_after) if c.prev_after > c.seg_start else zone[0]
    window = [m for m in mentions if lo <= m.start < c.start and m.unit is not None]  # one pass over mentions
    if window:  # "Hưởng ứng phong trào do Ban Dân vận Tỉnh ủy A phát động, xã đã xây dựng 9 mô hình": the
        # body that launched the movement names no unit of the count
        launched = launcher_spans(lay, lo, c.start)
        window = [m for m in window if not any(a <= m.start < b for a, b in launched)]
    became = [m for m in window if _closed_aside(lay, m.end, c.start)
              and _NOW_BECAME.search(lay.folded, max(lo, m.start - 24), m.start)]
    if became:
        close = lay.folded.find(")", became[-1].end, c.start)
        if close >= 0 and "," not in lay.folded[close:c.start] and not any(m.start > close for m in window):
            # "thị trấn A, xã B và xã C trước sắp xếp (nay là xã D) có tổng cộng 274 mô hình": the unit
            # they became (GUIDELINES §4.5), when the aside closes the count's subject
            return _ref(became[-1])
    named = [m for m in window if not _closed_aside(lay, m.end, c.start)]
    # "xã Ý Yên, tỉnh Ninh Bình đã công nhận …": the province qualifies the unit before it; but in
    # "tại xã A, huyện B tổ chức …" the commune is a place phrase and the district the subject
    while len(named) > 1 and qualifies(lay, named[-2], named[-1]) \
            and not PLACE_PHRASE_BEFORE.search(lay.folded, max(0, named[-2].start - 16), named[-2].start):
        named.pop()
    if named:
        first = len(named) - 1  # "Các xã biên giới như A, B, C đã xây dựng 450 mô hình": examples of a
        while first > 0 and named[first].in_list:  # grouping, the count is not the last example's
            first -= 1
        if _EXAMPLES_BEFORE.search(lay.folded, max(lo, named[first].start - 40), named[first].start):
            named = named[:first]
    scope = [m for m in words("counts", "primary_scope").finditer(lay.folded, zone[0], c.start)
             if m.group().startswith("toàn ")]
    if scope and (not named or named[-1].start < scope[-1].start()):
        # "sau hợp nhất thành phố A, tỉnh B và tỉnh C, toàn thành phố có …": the unit of that kind
        kind = scope[-1].group()[len("toàn "):]
        of_kind = [m for m in named if m.unit is not None and m.unit.kind == kind]
        if of_kind:
            named = of_kind
        elif primary is not None and primary.kind == kind:
            return primary
        else:
            # "… các phường của TP A cũng đẩy mạnh phong trào. … Toàn thành phố hiện có 126 mô hình" in
            # an article on one of its wards: the unit of that kind named last before it
            earlier = [m for m in mentions if m.start < zone[0] and m.unit is not None and m.unit.kind == kind
                       and m.unit.level != "province"]
            if earlier:
                return _ref(earlier[-1])
            named = []
    if named and province is not None and any(  # "… Hội LHPN tỉnh B (cũ), hiện các cấp Hội trong tỉnh duy trì N"
            m.start() >= named[-1].end for m in words("counts", "province_scope").finditer(
                lay.folded, max(named[-1].end, c.start - LOOKBACK), c.start)):
        return province
    last = named[-1].unit if named else None
    if last is not None and primary is not None and c.metric in ("commended", "recognized") \
            and _LEVEL_RANK[last.level] < _LEVEL_RANK[primary.level] and _is_acting_body(lay, named[-1]) \
            and of_primary:
        # "UBND thành phố Đà Nẵng tặng Bằng khen cho 2 mô hình" of the commune reported on ("… có 30 mô
        # hình. … Ban Chỉ đạo TP. A đã công nhận 196 mô hình cấp thành phố" is the city's)
        return primary
    if named and primary is not None and primary.system == "2025" and len(named) >= 2 \
            and _former_units_together(lay, named, primary):
        return primary  # "Trước khi sáp nhập, thị trấn A, xã B và xã C có tổng cộng 63 mô hình": the unit they made
    if named:
        return _ref(named[-1])
    if province is not None and words("counts", "province_scope").search(_back(lay, c.seg_start, c.start)):
        return province
    own_start, _ = own_before(lay, c, zone[0])
    subject = subject_unit(lay, own_start, c.start)
    if subject is not None and subject[1] == "province" and province is not None:
        if c.metric in ("commended", "recognized") and primary is not None and primary.level != "province" \
                and province_actor(lay, c) and of_primary:
            # "Hội Nông dân tỉnh tặng Giấy khen cho 12 mô hình" in the district's article: the
            # district's models, commended by a body of the province (GUIDELINES §4.5)
            return primary
        return province  # "Năm 2024, tỉnh công nhận 45 mô hình"
    bare = _BARE_COMMUNE_SUBJECT.match(lay.folded, own_start, c.start)
    if bare is not None and primary is not None and primary.level != "commune":
        # "Hiện xã có 21 mô hình" in an article whose primary unit is a district: the commune of
        # that kind the article named last before it, never the district
        named_kind = [m for m in mentions if m.start < c.start and m.unit is not None
                      and m.unit.level == "commune" and fold(m.unit.kind) == bare.group("kind")]
        if named_kind:
            return _ref(named_kind[-1])
    if primary is not None and primary.system == "2025" and primary.level == "commune" and (
            (subject is not None and subject[1] == "district") or unnamed_actor_level(lay, c) == "district"):
        # "Ban Chỉ đạo huyện công nhận 318 mô hình" in an article of the 2025 system, which has no
        # districts: the former district the article names
        former = [m for m in mentions if m.start < c.start and m.unit is not None
                  and m.unit.level == "district" and m.unit.system != "2025"]
        if former:
            return _ref(former[-1])
    return None


@cache
def _list_gap() -> regex.Pattern[str]:
    """Between two units of a list: ", xã ", " và thị trấn ", "(cũ), "."""
    kinds = _unit_kinds()
    # (a body of each unit may stand before its unit word: "LĐLĐ tỉnh A và LĐLĐ tỉnh B")
    return regex.compile(rf"\s*(?:\(\s*cũ\s*\)|cũ)?\s*(?:,|và|,\s*và)\s*(?:(?:[\w.&]+\s+){{0,3}}?(?:{kinds}|tỉnh)\s+)?")


#: "tại xã A, huyện B tổ chức …": the commune is a place phrase, the district the subject
PLACE_PHRASE_BEFORE = regex.compile(r"(?<![\w])(?:tại|ở)\s+(?:xã|phường|thị trấn)\s+$")
_BEFORE_MERGER = regex.compile(r"(?<![\w])trước\s+(?:khi\s+)?(?:sáp nhập|sắp xếp|hợp nhất)(?![\w])")
_MERGER_CUE = regex.compile(r"(?<![\w])(?:trước\s+(?:khi\s+)?(?:sáp nhập|sắp xếp|hợp nhất)|tổng cộng|cũ)(?![\w])")


def _former_units_together(lay: Layout, named: list[Mention], primary: LocalityRef) -> bool:
    """The last units named before a count are a list of two or more former units of one level under
    the primary unit's level ("thị trấn A, xã B và xã C"): the count is of them together."""
    items = [named[-1]]
    for m in reversed(named[:-1]):
        if not _list_gap().fullmatch(lay.folded, m.end, items[-1].start):
            break
        items.append(m)
    units = [m.unit for m in items if m.unit is not None]
    clause = lay.folded[max(0, items[-1].start - 60):named[-1].end + 80]
    if not _MERGER_CUE.search(clause) or "lần lượt" in clause:
        return False  # "… tại phường A và phường B, nơi có 40 mô hình": other units, not merged ones
    # (one of them may keep the name the new unit took: "LĐLĐ tỉnh Đồng Tháp và LĐLĐ tỉnh Tiền Giang";
    # after "Trước hợp nhất, …" every unit listed is a former one, whatever the gazetteer resolved)
    before_merger = _BEFORE_MERGER.search(clause) is not None
    return len(units) == len(items) >= 2 and all(
        (u.system != "2025" or before_merger or key(u.name) == key(primary.name))
        and u.level == units[0].level and u.level == primary.level for u in units)


def _unit_after(lay: Layout, c: Candidate, mentions: list[Mention], starts: list[int],
                gap: regex.Pattern[str] | None = None) -> LocalityRef | None:
    """The unit named right after a count's noun ("9 mô hình thuộc xã A", "4 mô hình ở thị trấn B");
    ``starts``: the mentions' start offsets, sorted like ``mentions``."""
    k = bisect.bisect_left(starts, c.end)
    for m in mentions[k:k + 3]:
        if m.start >= c.after_end + 40 or m.unit is None:
            break
        if m.start - c.end <= 80 and (gap or _UNIT_AFTER_GAP).fullmatch(lay.folded, c.end, m.start):
            return _ref(m)
    return None


#: "3 mô hình (tiêu biểu) của Hội Nông dân xã", "2 mô hình của Chi đoàn phường": an owner body of the unit
_OWNER_UNIT_GAP = regex.compile(
    r"\s*(?:[^\W\d]+\s+){0,2}?(?:[\"“”']?\s*(?:dân vận khéo|dvk)\s*[\"“”']?\s*)?của\s+"
    r"(?:(?:hội|chi hội|đoàn|chi đoàn|đoàn thanh niên|ủy ban mttq|mttq|hội nông dân|hội lhpn|hội phụ nữ|hội ccb|"
    r"hội cựu chiến binh|công an|chi bộ|đảng bộ|ban|ubnd)(?:\s+[^\W\d]+){0,3}?\s+)?"
    r"(?:xã|phường|thị trấn|đặc khu)\s+")
_UNIT_AFTER_GAP = regex.compile(
    r"\s*(?:[\"“”']?\s*(?:dân vận khéo|dvk)\s*[\"“”']?\s*)?(?:(?:được\s+xây dựng|đã\s+xây dựng)\s+)?"
    r"(?:thuộc|ở|tại|của)\s+(?:địa bàn\s+)?(?:(?:xã|phường|thị trấn|huyện|thị xã|thành phố|quận|đặc khu)\s+)?")


_BODY_TYPE_BEFORE = regex.compile(r"(?<![\w])(?:tỉnh ủy|thành ủy|huyện ủy|thị ủy|quận ủy"
                                  r"|(?:ubnd|ủy ban nhân dân|hđnd)\s+(?:tỉnh|thành phố|huyện|quận|thị xã))\s+$")


def _is_acting_body(lay: Layout, m: Mention) -> bool:
    """The unit names a body that acts ("UBND thành phố Đà Nẵng", "Ban Thường vụ Huyện ủy X")."""
    if _BODY_TYPE_BEFORE.search(lay.folded, max(0, m.start - 30), m.start):
        return True  # "Thành ủy Hải Phòng", "UBND tỉnh Nghệ An": the type word itself names a body
    actor_re, _ = _actor_regex()
    return any(a.end() <= m.start <= a.end() + 2 or a.start() <= m.start < a.end()
               for a in actor_re.finditer(lay.folded, max(0, m.start - 130), min(len(lay.folded), m.end + 60))
               if a.start() <= m.start)  # the verb of acting after an organisation may stand beyond the name


def _ref(m: Mention) -> LocalityRef:
    u = m.unit
    assert u is not None
    return LocalityRef(name=u.name, kind=u.kind, level=u.level, province=u.province,  # type: ignore[arg-type]
                       system=u.system)  # type: ignore[arg-type]


def _share_joint(cands: list[Candidate], zones: list[tuple[int, int]], mentions: list[Mention]) -> None:
    """"Xã A, xã B … với 24 và 21 mô hình": the first number takes the second's noun and words; two
    units named before them go to the numbers in turn ("respectively"), else both share one."""
    for i, c in enumerate(cands[:-1]):
        if not c.joint:
            continue
        d = cands[i + 1]
        units = [m for m in mentions if c.sentence_start <= m.start < c.start and m.unit is not None]
        own = [m for m in mentions if zones[i + 1][0] <= m.start < d.start and m.unit is not None]
        # the last two units of one level ("phường A và phường B dẫn đầu thành phố C với …")
        pairs = [same[-2:] for lvl in dict.fromkeys(m.unit.level for m in reversed(units) if m.unit)
                 if len(same := [m for m in units if m.unit and m.unit.level == lvl]) >= 2]
        if pairs and not own and pairs[0][0].unit != pairs[0][1].unit:
            c.locality, d.locality = _ref(pairs[0][0]), _ref(pairs[0][1])
        elif c.locality is not None and not own:
            d.locality = c.locality
        c.metric = c.metric or d.metric
        if c.field is None:
            c.field, c.field_text = d.field, d.field_text
        c.level = c.level or d.level
        c.period = c.period or d.period


#: the opening of an aside naming the unit that former units became: "(nay là xã D)"
_NOW_BECAME = regex.compile(r"\(\s*(?:nay|hiện nay|bây giờ)\s+là\s+"
                            r"(?:(?:xã|phường|thị trấn|đặc khu|huyện|quận|thị xã|thành phố|tỉnh)\s+)?$")


def _closed_aside(lay: Layout, pos: int, end: int) -> bool:
    """A mention inside a parenthesis closed before ``end`` ("(gồm tỉnh A và tỉnh B trước sáp
    nhập)") qualifies what stands before it; a count after it is not about it."""
    between = lay.folded[pos:end]
    return between.count(")") > between.count("(")


_LEVEL_RANK = {"province": 0, "district": 1, "commune": 2}


def qualifies(lay: Layout, unit: Mention, parent: Mention) -> bool:
    """``parent`` is named right after ``unit`` as the unit it belongs to ("phường X, tỉnh Y")."""
    u, p = unit.unit, parent.unit
    if u is None or p is None or _LEVEL_RANK[p.level] >= _LEVEL_RANK[u.level]:
        return False
    if p.level == "province" and u.province != p.name:
        return False
    gap = lay.folded[unit.end:parent.start]
    return bool(regex.fullmatch(  # "thành phố A (cũ), tỉnh B (cũ) có …"
        r"\s*(?:\(\s*cũ\s*\)|cũ)?\s*[,(–-]?\s*(?:(?:tỉnh|thành phố|tp\.?|huyện|quận|thị xã)\s*)?", gap))


#: a number right after an item's field words: "lĩnh vực kinh tế 200", "lĩnh vực kinh tế có 14"
_ITEM_NUMBER = regex.compile(r"\s*(?:có|là|:|với|gồm|chiếm|đạt)?\s*\d")


#: a number, its noun and the movement's name, then at most three words, right before a position:
#: "12 mô hình “Dân vận khéo” thuộc …" (the count's own words)
_COUNT_NOUN_NAMED_BEFORE = regex.compile(
    r"(?<![\w.,/])\d[\d.]*\s+(?:mô hình|điển hình)(?:,\s*điển hình)?\s*[\"“”']?\s*(?:dân vận khéo|dvk)\s*[\"“”']?"
    r"(?:\s+[^\W\d]+){0,3}\s+$")


def _paragraph_field(lay: Layout, c: Candidate) -> str | None:
    """A count without field words in a paragraph about one field ("Trong lĩnh vực phát triển
    kinh tế, … Đã xây dựng được 450 mô hình"): that field, when the paragraph names only it."""
    para = lay.paragraphs[c.para]
    codes = set()
    for m in regex.finditer(r"lĩnh vực\s+", lay.folded[para.start:c.sentence_start]):
        pos = para.start + m.end()
        hit = hit_at(field_rules(), lay.folded, pos, pos + 50)
        if hit is not None and hit.rule.code and not _ITEM_NUMBER.match(lay.folded, hit.end) \
                and not _count_noun_before().search(lay.folded, max(para.start, m.start() - 60), m.start()) \
                and not _COUNT_NOUN_NAMED_BEFORE.search(lay.folded, max(para.start, m.start() - 80), m.start()):
            # (not an item of a breakdown: "trong đó lĩnh vực kinh tế 200 mô hình, …", nor a count's
            # own field words: "trong đó 7 mô hình thuộc lĩnh vực kinh tế, 5 mô hình …")
            codes.add(hit.rule.code)
    if len(codes) != 1 or _organisation_lead().match(fold(c.lead)):
        return None  # ("Công an tỉnh có 40 mô hình": a body's models, not the field's)
    return codes.pop()


STOCK_METRICS = ("built", "registered", "recognized")
WEAK_METRICS = ("built", "registered", "effective")


def extract_counts(lay: Layout, cands: list[Candidate], mentions: list[Mention], times: list[TimeExpr],
                   primary: LocalityRef | None, province: LocalityRef | None,
                   published: PeriodRef, city_is_province: bool = False,
                   title_span: tuple[int, int] = (0, 0)) -> list[Count]:
    """Fill the slots of the candidates (from :func:`find_candidates`) and merge repeats.

    ``title_span``: where the headline stands in the text ((0, 0) when the text has none).
    """
    first_in_sentence: dict[int, int] = {}
    for c in cands:
        first_in_sentence.setdefault(c.sentence_start, c.start)
    # 2. own slots
    reporting = _Times(times)
    zones = _zones(cands)
    mention_starts = [m.start for m in mentions]
    last_in_seg: dict[int, Candidate] = {}
    captions: dict[int, bool] = {}
    primary_max: int | None = None  # the largest built stock of the primary unit so far
    for i, c in enumerate(cands):
        zone = zones[i]
        c.after_end = _after(lay, c, zone[1])
        own_start, _ = own_before(lay, c, zone[0])
        c.lead = lay.text[own_start:c.start]
        line = (_BULLET_LABEL.fullmatch(lay.folded, c.sentence_start, c.start)  # numbered lines read as bullets
                or (_PLAIN_LABEL.fullmatch(lay.folded, c.sentence_start, c.start)
                    if _label_row(lay, c.sentence_start, c.seg_end) else None)
                if c.start - c.sentence_start <= 80 else None)
        c.label = lay.text[line.start("label"):line.end("label")].strip() \
            if line and c.sentence_start == c.seg_start else ""
        row = None if line else _TABLE_LABEL.fullmatch(lay.folded, c.sentence_start, c.start)
        if row is not None and c.sentence_start == c.seg_start:  # "Khối Đảng | 312": the row's label
            c.label, c.table_row = lay.text[row.start("label"):row.end("label")].strip(), True
        c.zone_start = zone[0]
        prev = last_in_seg.get(c.seg_start)
        c.prev_after = c.seg_start if prev is None or prev.end > c.start else (
            prev.after_end if prev.after_end <= c.start else prev.end)  # "… mô hình (cấp tỉnh 48; …)"
        last_in_seg[c.seg_start] = c
        c.title = title_span[0] <= c.start < title_span[1]
        c.metric = _metric(lay, zone, c, own_start)
        if c.metric is None and c.parent is None:
            c.metric = _opener_metric(lay, c)
        elif c.metric is None:  # "… 12.846 mô hình. Các cấp ủy đã công nhận: cấp tỉnh 486 mô hình, …"
            c.opener_metric = _opener_metric(lay, c)
        c.field, c.field_text = _field(lay, zone, c)
        level = _level(lay, c, own_start, c.metric, None)
        if level is None:
            level = _opener_level(lay, c)
        c.period = _own_period(lay, reporting, zone, c, own_start)
        c.dated = c.period is not None
        c.national = national_scope(lay, c, mention_starts)  # "toàn quốc có 51.230 mô hình": no unit's
        c.locality = None if c.national else _own_locality(lay, zone, c, mentions, province, primary,
                                                            primary_max)
        if c.item_at is not None:  # "… là A (62), B (41)": the unit its item names, else no count
            own = [m for m in mentions if m.start == c.item_at and m.unit is not None]
            if own:
                c.locality = _ref(own[0])
            else:
                c.merged = True
        if c.respective is not None:  # "Huyện A và huyện B …, lần lượt là 96 và 104"
            named = [m for m in mentions if c.seg_start <= m.start < c.start and m.unit is not None
                     and m.unit.level != "province"]
            if c.respective < len(named):
                c.locality = _ref(named[c.respective])
        # "Thành ủy Hà Nội biểu dương 150 mô hình cấp thành phố": the city of a count is a province
        # where the count is about a centrally-run city, whatever the article's province
        unit = c.locality or primary
        c.level = _city_level(level, city_is_province or (
            unit is not None and unit.level == "province" and unit.kind == "thành phố"))
        if c.parent is not None:  # "trong đó có 9 mô hình thuộc xã Mỹ Phước": a part's own unit after it
            after_unit = _unit_after(lay, c, mentions, mention_starts)
            if after_unit is not None:
                c.locality = after_unit
        elif c.metric in ("commended", "recognized"):
            # "Hội Nông dân tỉnh A tặng giấy khen cho 3 mô hình của Hội Nông dân xã B": whose models
            owner_unit = _unit_after(lay, c, mentions, mention_starts, _OWNER_UNIT_GAP)
            if owner_unit is not None and (c.locality is None or _LEVEL_RANK.get(owner_unit.level, 9)
                                           > _LEVEL_RANK.get(c.locality.level, 9)):
                c.locality = owner_unit
        if c.parent is None and not c.national and c.locality in (None, primary) and c.metric in (None, "built"):
            primary_max = max(primary_max or 0, c.value)
        c.bound = _bound(lay, c)
        c.restated = _is_restated(lay, c)
        if c.para not in captions:
            captions[c.para] = _is_caption(lay, c)
        c.caption = captions[c.para]
    _share_joint(cands, zones, mentions)
    _sum_after_parts(lay, cands)
    for i, c in enumerate(cands):
        if c.pair is not None and c.pair > i:
            _share(c, cands[c.pair])
            _share(cands[c.pair], c)
    _share_trailing_act(lay, cands)
    # 3. statements made twice
    # the lead: the first paragraph of the body after the headline, a sentence at least ("… hơn 1
    # nghìn mô hình" there restates the exact number the body gives later)
    lead_para = next((k for k, p in enumerate(lay.paragraphs)
                      if p.start >= title_span[1] and p.end - p.start >= 80
                      and lay.text[p.start:p.end].rstrip().endswith((".", "!", "…"))), None)  # (not a menu)
    _merge_restatements(lay, cands, lead_para)
    # 4. inheritance, in text order so that a part sees its total's final slots
    totals = {x.parent for x in cands if x.parent is not None}  # looked up, not scanned, per count
    sorted_starts = sorted(m.start for m in mentions)
    previous: Candidate | None = None
    last_total: Candidate | None = None
    for i, c in enumerate(cands):
        if c.merged:
            continue
        if c.parent is not None:
            _inherit(i, cands)
        elif c.pair is not None and c.pair < i:
            _share(c, cands[c.pair])  # the second of a pair takes the first's inherited verb
        else:
            if c.metric in (None, "built") and previous is not None and c.sentence_start == previous.sentence_start \
                    and previous.metric in ("recognized", "commended", "registered", "new") \
                    and _YEAR_LEAD.fullmatch(c.lead) and _YEAR_LEAD.search(previous.lead):
                # "năm 2016 công nhận 142 mô hình; năm 2017 là 176 mô hình; năm 2018 có 205": one verb
                c.metric = previous.metric
            if c.metric is None and previous is not None and c.sentence_start == previous.sentence_start \
                    and previous.metric in ("recognized", "commended", "registered", "new") \
                    and (c.level is not None and previous.metric != "new"
                         or regex.fullmatch(r"\s*(?:,|và)\s*", lay.folded[previous.end:c.start])
                         or (c.parent is None and previous.parent is None
                             and (_parallel_unit_lead().fullmatch(c.lead) is not None
                                  or _parallel_organisation(c, previous)
                                  or _verb_after_first_noun(lay, previous, c)))):
                # "huyện A có 14 mô hình mới, huyện B 12 mô hình": a parallel clause on another unit
                # "…công nhận 543 mô hình; cấp xã 1.200 mô hình": a parallel clause keeps the verb
                c.metric = previous.metric
                if c.level is None:
                    c.level = previous.level
            if c.field not in (None, "all") and last_total is not None and (c.metric or "built") in WEAK_METRICS \
                    and c.value <= last_total.value:
                # a part of a breakdown stated apart: the total's metric and period (GUIDELINES §4.2);
                # a part is no larger than its total ("… công nhận 80 mô hình. Ở lĩnh vực kinh tế,
                # huyện hiện có khoảng 90 mô hình" is a stock of its own)
                c.metric = last_total.metric
                c.period = last_total.period
                c.level = last_total.level
        if c.metric == "increase" and c.parent is None and previous is not None and previous.metric != "increase" \
                and previous.sentence_start == c.sentence_start and previous.value > c.value:
            # "công nhận 58 mô hình cấp huyện năm 2022 (tăng 9 mô hình so với năm 2021)": the total's
            # level and period (GUIDELINES §4.2)
            c.level = c.level or previous.level
            c.period = c.period or previous.period
            c.locality = c.locality or previous.locality  # "Ở tỉnh B, … đạt 312 mô hình mới, tăng 47 …"
            c.national = c.national or (c.locality is None and previous.national)
        if c.metric == "effective" and c.parent is None and c.field in (None, "all") \
                and not (last_total is not None and last_total.value > c.value and last_total.metric == "built"
                         and c.locality in (None, last_total.locality) and _ends_by(last_total.period, c.period)):
            # a stock described as working well (SPEC §4); after a larger total of the article, the
            # part of it singled out as effective ("… 2.587 mô hình. Hiện nay, 1.433 mô hình đang
            # duy trì hoạt động hiệu quả") stays `effective`, whatever period it is stated for
            c.metric = "built"
        if c.metric is None:
            c.metric = "built"
        if c.field is None and c.parent is None and c.pair is None and c.metric == "built" \
                and i not in totals \
                and not words("counts", "scope_words").search(_back(lay, c.sentence_start, c.start)) \
                and not _any_between(sorted_starts, c.sentence_start, c.start):
            c.field = _paragraph_field(lay, c)
        if c.period is None:
            c.period = _context_period(lay, reporting, c, first_in_sentence[c.sentence_start], published)
            c.context_dated = c.period != published  # "Năm 2023, … . Khối chính quyền có 80 mô hình"
        if c.locality is None and not c.national and c.parent is None and previous is not None \
                and previous.sentence_start == c.sentence_start and previous.locality is not None \
                and previous.locality != primary and not words("counts", "unit_total_words").search(fold(c.lead)):
            # "Ở tỉnh A, năm 2018 có 1.302 mô hình đăng ký, đến cuối năm có 1.190 mô hình được công
            # nhận": a count with no unit of its own is of the unit its sentence's count before it is
            c.locality = previous.locality
        if c.locality is None and not c.national:
            c.locality = primary
        if c.parent is None and c.pair is None and (c.field in (None, "all")) and c.metric in STOCK_METRICS \
                and c.holder is None and not (c.level is not None and last_total is not None
                                             and last_total.value > c.value and c.period == last_total.period):
            # (not one level's count smaller than the total of its span: "…, trong đó cấp xã công nhận 2.000
            # mô hình. Ở lĩnh vực QP-AN, Công an tỉnh có 286 mô hình" breaks down the unit's total, not the
            # communes' recognitions; a total of one level alone still is one)
            last_total = c
        previous = c
    _other_fields(lay, cands, city_is_province)
    _field_of_increases(lay, cands)
    _increases_against_a_phase(lay, cands)
    _complementary_holders(cands)
    _levels_of_parts(cands)
    _each_of_units(lay, cands, mentions)
    for c in cands:
        if c.merged:
            continue
        c.count = Count(
            value=c.value, bound=c.bound,  # type: ignore[arg-type]
            metric=c.metric,  # type: ignore[arg-type]
            field=c.field or "all",  # type: ignore[arg-type]
            field_text=_grouping_words(c.field_text) if c.field == "other" else None,
            level=c.level,  # type: ignore[arg-type]
            holder=c.holder,  # type: ignore[arg-type]
            locality=c.locality, period=c.period or PeriodRef(),
            text=lay.text[c.start:c.end], start=c.start, end=c.end,
        )
    return _dedupe(cands)


#: a number each of the units before it reaches: "D và E cùng có 24 mô hình" (a number "mỗi xã" is
#: per unit and no count, whatever precedes it: words counts.per_unit_before)
_EACH_BEFORE = regex.compile(r"(?<![\w])cùng\s+(?:có|đạt)\s+(?:(?:khoảng|hơn|trên|gần)\s+)?$")
#: between two units of one list: ", ", " và ", ", và ", with the next one's type word
@cache
def _each_gap() -> regex.Pattern[str]:
    """Between two units of one list: ", ", " và ", ", và ", with the next one's type word."""
    return regex.compile(rf"\s*(?:,\s*(?:và\s+)?|và\s+){unit_type_before()}?")


def _each_of_units(lay: Layout, cands: list[Candidate], mentions: list[Mention]) -> None:
    """"Xã D và xã E cùng có 24 mô hình", "phường F, G và H cùng đạt 9 mô hình": the number is each
    unit's, one count per unit of the list before it."""
    named = sorted((m for m in mentions if m.unit is not None), key=lambda m: m.start)
    ends = [m.end for m in named]
    for c in cands:
        if c.merged:
            continue
        mark = _EACH_BEFORE.search(lay.folded, max(c.sentence_start, c.start - 40), c.start)
        at = mark.start() if mark is not None else c.each_at
        if at is None:
            continue
        k = bisect.bisect_right(ends, at) - 1  # the last unit named before the marker
        units = [named[k]] if k >= 0 and named[k].start >= c.sentence_start \
            and lay.folded[named[k].end:at].strip(" ,") == "" else []
        while units and k > 0 and named[k - 1].start >= c.sentence_start:
            gap = _each_gap().fullmatch(lay.folded, named[k - 1].end, units[-1].start)
            if gap is None:
                break
            k -= 1
            units.append(named[k])
        if len(units) < 2:
            bodies = _bodies_before(lay, max(c.seg_start, c.each_at - 120), c.each_at) \
                if mark is None and c.each_at is not None else []
            if bodies:  # "Hội Nông dân, Hội LHPN và Huyện đoàn mỗi đơn vị có 2 mô hình": each body's
                c.field, c.field_text, c.each_bodies = "other", bodies[0], bodies[1:]
            elif mark is None:  # "mỗi xã 8 mô hình" after no list of units the gazetteer holds: per unit, no count
                c.merged = True
            continue
        refs = [_ref(m) for m in reversed(units)]
        c.locality, c.each_of = refs[0], refs[1:]


@cache
def _grouping_edges() -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    c = lexicon()["counts"]
    return (regex.compile(rf"\s+(?:{alternation(c['grouping_place_tail'])})(?![\w])", regex.IGNORECASE),
            regex.compile(rf"\s*(?:{alternation(c['grouping_drop_lead'])})\s+(?=\S)", regex.IGNORECASE))


def _grouping_words(text: str | None) -> str | None:
    """The words of an ``other`` grouping without a place phrase after them or an opening "về"."""
    if not text:
        return text
    tail, lead = _grouping_edges()
    m = lead.match(text)
    if m is not None:
        text = text[m.end():]
    m = tail.search(text)
    if m is not None and m.start() > 0:
        text = text[:m.start()]
    text = _TRAILING_ASIDE.sub("", text)  # "Hội Nông dân (xã A) có 20 mô hình": the body's words
    return text.strip(" ,;:-–") or None


#: an aside at the end of a grouping's words, closed or cut ("Hội Nông dân (xã A", "Đồn B (huyện C)")
_TRAILING_ASIDE = regex.compile(r"\s*\([^()]*\)?\s*$")




def _any_between(sorted_starts: list[int], start: int, end: int) -> bool:
    """Whether a mention starts in [start, end) (``sorted_starts``: their starts, sorted)."""
    k = bisect.bisect_left(sorted_starts, start)
    return k < len(sorted_starts) and sorted_starts[k] < end


def _inherit(i: int, cands: list[Candidate]) -> None:
    """A part takes its total's slots, changing only what it states itself."""
    c = cands[i]
    assert c.parent is not None
    t = cands[c.parent]
    if c.stock_of_new and c.metric == "built":
        c.metric = t.metric  # "… 20 mô hình mới, trong đó 12 tổ dân phố xây dựng 14 mô hình": new
    if c.field not in (None, "all") or c.holder is not None or c.metric is None:
        sibling = _previous_sibling(i, cands)
        if c.metric is None and sibling is not None and sibling.metric not in (None, t.metric) \
                and c.level is not None:
            c.metric = sibling.metric  # "trong đó 1.200 mô hình được công nhận cấp xã, 350 … cấp huyện"
        elif c.metric != "increase":
            c.metric = c.opener_metric or t.metric  # a list opener's own verb, else the total's
    if c.level is None and not c.by_sum and (c.metric == t.metric or c.metric == "increase"):
        # "(tăng 9 mô hình …)" of its total; items that only add up to it are a breakdown by unit
        c.level = t.level
    if c.field in (None, "all") and t.field not in (None, "all"):
        c.field = t.field  # "50 mô hình và 14 điển hình", "trong đó 48 … được công nhận" of a one-field total
    if c.period is None:  # a part dated on its own ("năm 2011: 31 mô hình") keeps its year
        c.period = t.period
    if c.locality is None:
        c.locality = t.locality
        c.national = c.national or t.national


def _previous_sibling(i: int, cands: list[Candidate]) -> Candidate | None:
    """The part of the same total just before part ``i``."""
    c = cands[i]
    for j in range(i - 1, -1, -1):
        if j == c.parent:
            return None
        if cands[j].parent == c.parent and not cands[j].merged:
            return cands[j]
    return None


#: the joiner before a list's last item
_JOINER = regex.compile(r"và\s+")
#: an item labelled by a task of taking part ("tham gia bảo đảm an sinh xã hội 60 mô hình"): a label
_TASK_LABEL = regex.compile(r"tham gia\s+(?!\d)\w+(?:\s+\w+)")


def _verb_label(folded: str) -> bool:
    """The words of a breakdown's item that open with a verb and name a task ("…, xây dựng tổ chức
    Hội vững mạnh 17 mô hình"): a label, not the item's own verb."""
    words = folded.strip(" ,;:-–()").split()
    text = " ".join(words)
    hits = _metric_hits(text, 0, len(text))
    if not hits or min(p for _, p, _ in hits) != 0 or any(w in _LABEL_NOT for w in words):
        return False
    verb = find_all(_metric_phrase_rules(), text, 0, 40)
    return bool(verb) and len(text[verb[0].end:].split()) >= 2


#: a domain after a part's noun: "trong cải cách hành chính" (not a time, a place or a share:
#: "trong năm", "trong đó", "trong tổng số", "trong vùng …", "trong các trường học")
_IN_DOMAIN = regex.compile(r"trong\s+(?!(?:đó|số|tổng|năm|giai đoạn|thời gian|thời kỳ|quý|tháng|tuần|dịp|đợt|nhiệm kỳ"
                           r"|vùng|khu|địa bàn|các|những|toàn|xã|phường|huyện|tỉnh|thôn|bản|ấp|lĩnh vực)(?![\w]))"
                           r"[^\W\d]+\s+[^\W\d]+")


#: words that make an item's opening verb a clause of its own ("xây dựng được thêm 17 mô hình")
_LABEL_NOT = frozenset({"được", "đã", "có", "là", "thêm", "mới", "và"})


def _ends_by(total: PeriodRef | None, part: PeriodRef | None) -> bool:
    """A total's period reaches the year of the part's ("Năm 2016 … 320 mô hình. Đến nay, … 250 mô
    hình hoạt động hiệu quả" is no part of the 2016 stock)."""
    if total is None or part is None or total.end is None or part.end is None:
        return True
    return total.end.year >= part.end.year


#: an increase right after a part's noun: "412 mô hình, tăng 37" (not "…; so với cùng kỳ, toàn huyện tăng 40")
_INCREASE_RIGHT_AFTER = regex.compile(r"[^;.]{0,30}?,\s*(?:đã\s+)?tăng\s+(?:thêm\s+)?")


#: what may follow a count's noun (and the movement's name) to its clause's end when it says nothing else
_BARE_AFTER_NOUN = regex.compile(r"\s*(?:[.;]|$)")


def _verb_after_first_noun(lay: Layout, prev: Candidate, c: Candidate) -> bool:
    """"Khu vực A cũ có 900 lượt mô hình được biểu dương, khen thưởng; các xã thuộc B cũ có 1.100 lượt
    mô hình.": a clause after ";" that only says "có N mô hình" takes the verb the clause before it
    put after its noun (as a body's clause takes its verb, GUIDELINES §4.2)."""
    semicolon = lay.folded.find(";", prev.end, c.start)
    if semicolon < 0 or lay.folded.find(";", semicolon + 1, c.start) >= 0:
        return False
    if not _metric_hits(lay.folded, prev.end, semicolon) or _metric_hits(lay.folded, semicolon + 1, c.start):
        return False  # (the verb stood after the first noun; the second clause has none of its own)
    # ("…; toàn xã hiện có 1.200 mô hình": a stock of its own)
    return _BARE_AFTER_NOUN.match(lay.folded, _past_movement_name(lay, c.end),
                                  min(len(lay.folded), c.after_end + 2)) is not None \
        and _OWN_TIME_OR_SCOPE.search(lay.folded, semicolon + 1, c.start) is None


#: a clause's own time or scope of the whole unit: "hiện", "đến nay", "toàn xã", "năm 2026"
_OWN_TIME_OR_SCOPE = regex.compile(r"(?<![\w])(?:hiện|đến nay|tới nay|tính đến|toàn|năm \d{4}|trên địa bàn)(?![\w])")


#: an increase measured against an earlier phase: "So với giai đoạn 2011–2015, tổng số mô hình tăng 1.500"
_AGAINST_A_PHASE = regex.compile(r"(?<![\w])so với\s+(?:cả\s+)?(?:giai đoạn|nhiệm kỳ|thời kỳ)(?![\w])")


def _increases_against_a_phase(lay: Layout, cands: list[Candidate]) -> None:
    """An increase with no time of its own measured against an earlier phase is the change over the
    phase of the total before it ("Giai đoạn 2016–2020, … 4.000 mô hình. … So với giai đoạn 2011–2015,
    tổng số mô hình tăng 1.500 mô hình" → 2016–2020), not a stock at publication."""
    last_phase: Candidate | None = None
    for c in cands:
        if c.metric == "increase" and not c.merged and not c.dated and last_phase is not None \
                and (c.period is None or c.period.start is None) \
                and _AGAINST_A_PHASE.search(lay.folded, c.sentence_start, c.start) is not None \
                and _OWN_TIME_OR_SCOPE.search(lay.folded, c.sentence_start, c.start) is None:
            c.period = last_phase.period  # (not "Đến nay, … ; so với giai đoạn trước, tăng 1.200": since)
        elif c.parent is None and not c.merged and c.metric != "increase" and c.field in (None, "all") \
                and c.period is not None and c.period.start is not None and c.period.end is not None \
                and c.period.end.year > c.period.start.year:
            last_phase = c  # the last total over a phase of several years


def _field_of_increases(lay: Layout, cands: list[Candidate]) -> None:
    """"… trong đó khối doanh nghiệp 412 mô hình, tăng 37 mô hình so với đầu năm": an increase right
    after a larger count of its sentence is that count's, field and all."""
    for i in range(1, len(cands)):
        c, before = cands[i], cands[i - 1]
        if c.metric == "increase" and c.field in (None, "all") and not c.merged and not before.merged \
                and before.sentence_start == c.sentence_start and before.value > c.value \
                and before.field not in (None, "all") and before.metric != "increase" \
                and _INCREASE_RIGHT_AFTER.fullmatch(lay.folded, before.end, c.start) is not None:
            c.field, c.field_text = before.field, before.field_text


@cache
def _system_before() -> regex.Pattern[str]:
    """The political system listed before a count's lead: "các cấp ủy, chính quyền, " (REVERSE: it
    ends where the lead opens)."""
    system = alternation(lexicon()["counts"]["system_subject_words"])
    return regex.compile(rf"(?r)(?<![\w])(?:{system})\s*,\s*$")


def _system_listed(lay: Layout, c: Candidate) -> bool:
    """Whether the count's lead, a body's ("MTTQ và các đoàn thể huyện xây dựng"), goes on a list of
    the whole political system ("các cấp ủy, chính quyền, MTTQ và các đoàn thể huyện …"): the
    unit's subject, not a body's."""
    lead_start = c.start - len(c.lead)
    m = _system_before().search(lay.folded, max(c.sentence_start, lead_start - 60), lead_start) \
        if lead_start > c.sentence_start else None
    # (not the system as the agent of a favour: "Được sự quan tâm của cấp ủy, chính quyền, Hội LHPN …")
    return m is not None and _agent_before().search(lay.folded, max(c.sentence_start, m.start() - 80),
                                                     m.start()) is None


@cache
def _agent_before() -> regex.Pattern[str]:
    """The political system listed after "của", "sự", "với" …: the agent of a favour, not a subject."""
    system = alternation(lexicon()["counts"]["system_subject_words"])
    return regex.compile(rf"(?<![\w])(?:của|sự|với|nhờ|từ)\s+(?:(?:{system})\s*,\s*)*$")


#: the metrics of a count that is no stock of its unit (SPEC §1.3): what an event picked out
_NOT_STOCK = ("commended",)


_AFTER_NOUN_TO_COMMA = regex.compile(r"[^\d,;.()]{0,40}?,")


def _carried_subject(lay: Layout, prev: Candidate, c: Candidate) -> bool:
    """Whether ``c``'s clause goes on ``prev``'s with no subject of its own: a comma after ``prev``'s
    words, then only a verb of the metrics and the words of ``carried_subject_words`` ("…, đến nay
    được công nhận 122 mô hình")."""
    comma = _AFTER_NOUN_TO_COMMA.match(lay.folded, prev.end, c.start)
    if comma is None:
        return False
    verbs = find_all(_metric_phrase_rules(), lay.folded, comma.end(), c.start)
    if not verbs:
        return False
    rest, at = [], comma.end()
    for h in verbs:
        rest.append(lay.folded[at:h.start])
        at = max(at, h.end)
    rest.append(lay.folded[at:c.start])
    left = words("counts", "carried_subject_words").sub(" ", " ".join(rest))
    return not left.strip(" ,")


def _parallel_organisation(c: Candidate, previous: Candidate) -> bool:
    """"Hội LHPN đã được công nhận 1.215 mô hình; Đoàn Thanh niên 864 mô hình": two bodies' clauses,
    the second without a verb of its own."""
    lead, before = fold(c.lead), fold(previous.lead)
    m = _organisation_lead().match(lead)
    return m is not None and len(lead) - m.end() <= 16 and not _metric_hits(lead, 0, len(lead)) \
        and _organisation_lead().match(before) is not None


def _share(a: Candidate, b: Candidate) -> None:
    """The members of a pair "120 tập thể và 45 điển hình" share their verb, level, period and unit."""
    for name in ("metric", "level", "period", "field", "locality"):
        va, vb = getattr(a, name), getattr(b, name)
        if va in (None, "all", "built") and vb not in (None, "all"):
            setattr(a, name, vb)


def _levels_of_parts(cands: list[Candidate]) -> None:
    """A total whose parts are at two or more levels ("công nhận 1.210 mô hình (cấp tỉnh 48; cấp
    huyện 352; …)") is at no one level, whoever acted."""
    levels: dict[int, set[str]] = {}
    for c in cands:
        if c.parent is not None and c.level is not None and not c.merged:
            levels.setdefault(c.parent, set()).add(c.level)
    for parent, found in levels.items():
        if len(found) >= 2:
            cands[parent].level = None


def _complementary_holders(cands: list[Candidate]) -> None:
    """Two parts that make up their total, one of them individual (or collective): the other is
    the other holder ("21 mô hình của các chi hội, đoàn thể và 13 mô hình của cá nhân")."""
    groups: dict[int, list[Candidate]] = {}
    for c in cands:
        if c.parent is not None and not c.merged:
            groups.setdefault(c.parent, []).append(c)
    other = {"collective": "individual", "individual": "collective"}
    for parent, parts in groups.items():
        if len(parts) != 2 or sum(p.value for p in parts) != cands[parent].value:
            continue
        known = [p for p in parts if p.holder is not None]
        if len(known) == 1:
            unknown = parts[1] if parts[0] is known[0] else parts[0]
            if unknown.field in (None, "all") and known[0].field in (None, "all"):
                unknown.holder = other[known[0].holder]  # type: ignore[index]


#: a sector is a part's grouping only as a locative phrase ("ở khu vực doanh nghiệp", "trong khối trường
#: học"), not after "do" nor inside a topic ("khuyến học tại các trường học")
_SECTOR_LEAD = regex.compile(r"^\s*(?:ở|trong|thuộc|tại)\s+")


#: the stages of a funnel, first to last: registered, carried out, recognized
_FUNNEL = ("registered", "built", "recognized")


def _other_fields(lay: Layout, cands: list[Candidate], city_is_province: bool = False) -> None:
    """In a breakdown by field, a part whose words name no field is ``other`` with those words."""
    groups: dict[tuple[int, int], list[Candidate]] = {}
    for c in cands:  # the parts one sentence lists, or the bullet lines of one total
        if c.parent is not None and not c.merged:
            bullet = _BULLET.match(lay.folded, c.sentence_start, c.sentence_start + 8)
            groups.setdefault((c.parent, -1 if bullet else c.sentence_start), []).append(c)
    stop = words("counts", "not_field_words")
    rules = [r for r, _, _ in metric_rules()] + level_rules()
    grouping = _grouping_lead()
    grouped: list[Candidate] = []
    community, sector = words("counts", "community_words"), words("counts", "sector_words")
    organisation = _organisation_lead()
    # the unit's own total, stated before by no body ("toàn tỉnh có 1.245 mô hình"): a body's or a
    # community's count after it, smaller, is a part of it ("Công an tỉnh có 38 mô hình", "tại vùng
    # đồng bào Chăm, các địa phương đã xây dựng 27 mô hình"), a total of its own or not (GUIDELINES 4.3)
    cands_by_end = sorted(cands, key=lambda d: d.end)
    ends = [d.end for d in cands_by_end]

    def community_subject(c: Candidate) -> tuple[regex.Match[str], regex.Match[str]] | None:
        """The opener and the community that opens the count's sentence as its place or subject
        ("Tại vùng đồng bào Chăm, các địa phương đã xây dựng 90 mô hình", "Theo Ban Dân vận, từ năm
        2021 đến nay, các xã có đông đồng bào có đạo đã xây dựng 40 mô hình"), or its clause after
        another count ("Vùng đồng bào A có 30 mô hình, vùng đồng bào B có 40 mô hình"), with no scope
        of a unit between it and the number ("…, toàn tỉnh xây dựng …")."""
        start = c.sentence_start
        k = bisect.bisect_right(ends, c.start) - 1  # the last count of the sentence ending before it
        while k >= 0 and cands_by_end[k] is c:
            k -= 1
        if k >= 0 and ends[k] >= c.sentence_start:
            # after another count of the sentence: its clause opens after the comma that ends it
            comma = _CLAUSE_BREAK.search(lay.folded, ends[k], c.start)
            if comma is None:
                return None  # (another count's subject: "…, chiếm 41% tổng số 836 mô hình toàn tỉnh")
            start = comma.end()
        opener = _COMMUNITY_OPENER.match(lay.folded, start, c.start)
        m = community.match(lay.folded, opener.end(), c.start) if opener else None
        if opener is None or m is None or _UNIT_SCOPE.search(lay.folded, m.end(), c.start):
            return None
        return opener, m

    def total_like(c: Candidate) -> bool:
        return c.parent is None and not c.merged and c.field in (None, "all") and c.metric != "increase" \
            and (not organisation.match(fold(c.lead)) or _system_listed(lay, c)) \
            and not _ORGANISATION_LEVELS.search(fold(c.lead)) and community_subject(c) is None

    # (a commendation at an event, "biểu dương 12 mô hình tiêu biểu", is no stock of the unit: the
    # first total of another verb is the one later counts divide, when there is one)
    # an organisation's own total at all its levels ("các cấp công đoàn trong tỉnh đã triển khai 280
    # mô hình"), when the article gives no unit's: what its bodies' counts after it divide, those of
    # its time ("Riêng năm 2024, Hội Nông dân tỉnh đã xây dựng 95 mô hình" is the body's own year)
    unit_total = next((c for c in cands if total_like(c) and c.metric not in _NOT_STOCK), None)
    # (or a force's or sector's whole: "lực lượng vũ trang tỉnh đã xây dựng 312 mô hình", lexicon sector_scope)
    scope = words("counts", "sector_scope")
    own_total = next(
        (c for c in cands if c.parent is None and not c.merged and c.field in (None, "all")
         and c.metric not in ("increase", *_NOT_STOCK)
         and (_ORGANISATION_LEVELS.search(fold(c.lead)) or scope.search(fold(c.lead)))), None)
    if unit_total is not None and (own_total is None or own_total.start > unit_total.start
                                   or own_total.value <= unit_total.value):
        own_total = None  # (an organisation's whole before a smaller count that looks like a total: that
        # count is of the organisation's, "… các tổ chức chính trị – xã hội các cấp đã đăng ký 217 mô
        # hình … Đáng chú ý, có 96 mô hình gắn với công tác bầu cử")
    unit_total = own_total or unit_total or next((c for c in cands if total_like(c)), None)
    if unit_total is not None and unit_total.metric in _FUNNEL:
        # "đăng ký 1.420 mô hình; đã triển khai 1.365 mô hình, … 1.240 mô hình được công nhận": of a
        # funnel in one sentence, the last stage is the unit's total that later breakdowns divide
        funnel = [c for c in cands if c.sentence_start == unit_total.sentence_start and total_like(c)
                  and c.metric in _FUNNEL and c.locality == unit_total.locality and c.value <= unit_total.value
                  and (c is unit_total or c.level is None)  # ("trong đó cấp xã công nhận 772": a part by level)
                  and (c.period == unit_total.period or c.period is None or c.period.start is None)]
        # (no stage of a span of its own: "năm 2023 có 150 … được công nhận"; "đến nay đã công nhận" goes on)
        if any(c.metric == "registered" for c in funnel) and len({c.metric for c in funnel}) > 1:
            # a funnel opens with its registrations; a stock and a recognition alone are two counts
            unit_total = max(funnel, key=lambda c: (_FUNNEL.index(c.metric or ""), -c.value))

    def under_total(c: Candidate) -> bool:
        if own_total is not None and c.period is not None and c.period != own_total.period \
                and (c.period.start is not None or own_total.metric == "new"):
            # (a stock to publication, no span of its own, is under a stock's span; not under the
            # models added in one year: "Năm 2023, các cấp Hội đã xây dựng mới 95 mô hình. … Hội Nông dân
            # huyện A đã xây dựng tổng cộng 40 mô hình" is the body's own stock)
            return False
        return unit_total is not None and c.start > unit_total.start and c.value < unit_total.value \
            and c.metric in ("built", unit_total.metric) and (c.locality == unit_total.locality or (
                # a body of a unit under it: "Năm 2023, Tỉnh đoàn có 200 mô hình. … Huyện đoàn A có 14
                # mô hình", "Công an huyện B xây dựng 38 mô hình" (the body's models, not the unit's)
                c.locality is not None and unit_total.locality is not None
                and unit_total.locality.level in ("province", "district")
                and c.locality.level in (("district", "commune") if unit_total.locality.level == "province"
                                         else ("commune",))
                and c.locality.province == unit_total.locality.province
                and organisation.match(fold(c.lead)) is not None))

    parts_apart: list[Candidate] = []  # made parts of the unit's total here: they take its slots

    for c in cands:  # "trong đó có 78 mô hình trong vùng đồng bào dân tộc Khmer": a community's part
        if c.parent is not None and not c.merged and c.field in (None, "all") and c.metric != "increase" \
                and c.field_text and (community.search(fold(c.field_text))
                                      or sector.match(_SECTOR_LEAD.sub("", fold(c.field_text))) is not None):
            c.field = "other"
        elif c.parent is None and not c.merged and c.field in (None, "all") and under_total(c) \
                and (place := _COMMUNITY_PLACE_AFTER.match(lay.folded, c.end, c.after_end)) is not None \
                and community.search(lay.folded, place.end(), words_end := _words_end(lay, c)) is not None:
            # "Trong năm, có 120 mô hình được triển khai ở các xã, phường có đông đồng bào Chăm": a
            # community's part of the unit's total, stated apart (its place after the noun)
            c.field = "other"
            c.field_text = lay.text[place.end():words_end].strip(" ,;:-–()")
            parts_apart.append(c)
        elif (c.parent is not None or _inline_part_cue().match(fold(c.lead).lstrip())) and not c.merged \
                and c.field in (None, "all") and c.metric != "increase":
            # (a part, or a count set apart: "Riêng vùng đồng bào Khmer … có 286 mô hình")
            cue = _part_cue_lead().match(fold(c.lead))
            lead = c.lead[cue.end():] if cue else c.lead
            m = community.search(fold(lead), 0, 24)
            if m is not None and not _metric_hits(fold(lead), 0, m.start()):
                # "Riêng vùng đồng bào Khmer trên địa bàn huyện A có 286 mô hình": a community's part
                # named before its number
                c.field, c.field_text = "other", _TRAILING_LINK.sub("", lead).strip(" ,;:-–()")
        elif c.parent is None and not c.merged and c.field in (None, "all") and c.metric != "increase" \
                and (found := community_subject(c)) is not None:
            # the community opens the sentence as its place or subject ("Tại vùng đồng bào Chăm, các
            # địa phương đã xây dựng 90 mô hình", "Vùng đồng bào Chăm có 40 mô hình"), after an
            # opener at most: a grouping counted on its own, after the unit's total or not; a part
            # of that total when it comes after it
            opener, m = found
            c.field = "other"
            words_end = _GROUPING_END.search(lay.folded, m.end(), c.start)
            c.field_text = lay.text[opener.start("place"):words_end.start() if words_end else c.start
                                    ].strip(" ,;:-–()")
            if unit_total is not None and c.start > unit_total.start and c.value < unit_total.value \
                    and _EXAMPLES_NAMED.search(lay.text, m.end(), c.start):
                # "các xã có đông đồng bào Khmer như A, B, C có 214 mô hình": the units after "như" are
                # examples; the grouping's count is the unit's whose total it divides
                c.locality = unit_total.locality
            if under_total(c):
                parts_apart.append(c)
    for c in cands:  # "Khối Mặt trận và các đoàn thể xây dựng 76 mô hình; khối chính quyền 41 mô hình"
        if c.merged or c.field not in (None, "all") or c.metric == "increase":
            continue
        lead = c.lead
        m = grouping.match(lead)
        if m is None:  # "hiện khối doanh nghiệp, HTX trên địa bàn có 9 mô hình": a grouping cut by a comma
            lead = lay.text[max(c.zone_start, c.start - 70):c.start]
            m = _GROUPING_CUT.search(lead)
            comma = lead.find(",", m.end()) if m else -1
            if m and _metric_hits(fold(lead), m.end(), comma):
                m = None  # "khối chính quyền tích cực vào cuộc, nhân dân … xây dựng 9 mô hình": a clause of its own
            m = grouping.match(lead, m.end()) if m else None
        if m:
            verb = find_all(rules, fold(lead), m.start("group"))
            c.field = "other"
            c.field_text = _TRAILING_LINK.sub("", lead[m.start("group"):verb[0].start if verb else len(lead)]
                                              ).strip(" ,;:-–()")
            grouped.append(c)
            if c.parent is None and under_total(c):  # "Phân theo khối: khối chính quyền 610 mô hình; …"
                parts_apart.append(c)
    labelled = [c for c in cands if c.parent is not None and c.label and not c.merged
                and c.field in (None, "all") and c.metric != "increase"]
    for c in labelled:  # "- Thanh niên tham gia phát triển kinh tế, khởi nghiệp: 5 mô hình": its one field
        label = fold(c.label)
        levels = [h for h in find_all(level_rules(), label) if h.start == 0 and h.rule.code]
        if levels:  # "+ Cấp huyện: 563 mô hình": a part by level
            c.level = _city_level(levels[0].rule.code, city_is_province)
            continue
        codes = {h.rule.code for h in find_all(field_rules(), label) if h.rule.code}
        if len(codes) == 1:
            c.field, c.field_text = codes.pop(), None
    with_fields = {d.parent for d in cands if d.parent is not None and d.field not in (None, "all")}
    for c in labelled:  # a part on a bullet line of its own: "- Công tác xây dựng lực lượng: 9 mô hình"
        if c.field in (None, "all") \
                and not (c.table_row and c.locality is not None and key(c.locality.name) == key(c.label)) \
                and ((not _names_unit(c.label)
                      and (c.parent in with_fields or c.table_row or grouping.match(c.label) is not None
                           or words("counts", "remainder_words").search(fold(c.label)) is not None))
                     # "• Hội Nông dân: 487 mô hình", "- Đồn BP A (xã A): 9 mô hình": a body's row, as
                     # "Hội Nông dân 487 mô hình" inline, its place named or not
                     or organisation.match(fold(c.label)) is not None) \
                and not any(h.start == 0 and h.rule.code for h in find_all(level_rules(), fold(c.label))):
            c.field, c.field_text = "other", c.label
    led = [c for c in cands if organisation.match(fold(c.lead)) and not c.merged and c.field in (None, "all")
           and c.metric != "increase"]
    totals = {x.parent for x in cands if x.parent is not None}
    position = {id(c): i for i, c in enumerate(cands)}
    under = {id(c) for c in led if under_total(c)}
    led = [c for c in led if position[id(c)] not in totals or id(c) in under]
    per_sentence = Counter(c.sentence_start for c in led + grouped)
    for c in led:  # the parts of a breakdown by organisation, or two such counts side by side
        if c.parent is None and _BY_LEVEL_OPENER.match(lay.folded, c.sentence_start, c.start):
            continue  # "Xét theo cấp, hội nông dân tỉnh xây dựng 10 mô hình, …": the province's level item
        if c.parent is not None or per_sentence[c.sentence_start] >= 2 or id(c) in under:
            m = organisation.match(fold(c.lead))
            assert m is not None
            # (a verb after the body's head: a level word in it is the body's, "Thành đoàn A có 26 mô hình")
            verb = find_all(rules, fold(c.lead), m.end("group"))
            c.field = "other"
            c.field_text = _TRAILING_LINK.sub("", c.lead[m.start("group"):verb[0].start if verb else len(c.lead)]
                                              ).strip(" ,;:-–()")
            if id(c) in under and c.parent is None:
                parts_apart.append(c)
    for i in range(1, len(cands)):  # "Khối MTTQ và các đoàn thể đăng ký 150 mô hình, đến nay được công
        # nhận 122 mô hình": the next stage of a grouping's count, its clause with no subject of its own
        c, prev = cands[i], cands[i - 1]
        if c.parent is None and not c.merged and c.field in (None, "all") and c.metric != "increase" \
                and prev.parent is None and not prev.merged and prev.field == "other" and prev.field_text \
                and prev.sentence_start == c.sentence_start and c.value <= prev.value \
                and _carried_subject(lay, prev, c):
            c.field, c.field_text = "other", prev.field_text
    for c in cands:  # "…, với 173 mô hình của Công an tỉnh và 96 mô hình của Bộ CHQS tỉnh" after the unit's
        # total: a body's part of it stated apart, named after the noun (as "Công an tỉnh có 173 mô hình")
        if c.parent is None and not c.merged and c.field in (None, "all") and c.metric != "increase" \
                and under_total(c) and (link := _owned_after().match(lay.folded, c.end + 1)) is not None \
                and lay.folded[c.end:c.end + 1].isspace() \
                and (body := organisation.match(lay.folded, link.end())) is not None \
                and not _unit_label().match(lay.folded, link.end()):
            end = _words_end(lay, c)
            cut = _CLAUSE_BREAK.search(lay.folded, body.end(), end)
            c.field = "other"
            c.field_text = lay.text[link.end():cut.start() if cut else end].strip(" ,;:-–()")
            parts_apart.append(c)
    topic = _topic_link()
    for c in cands:  # "Toàn huyện có 214 mô hình. … Có 27 mô hình gắn với ngư dân vùng biển": after the unit's
        # total, a smaller count tied to a topic that names no field is a grouping of its own (the
        # movement's name between them: "38 mô hình “Dân vận khéo” gắn với …")
        if c.parent is None and not c.merged and c.field in (None, "all") and c.metric != "increase" \
                and under_total(c) and lay.folded[c.end:c.end + 1].isspace() \
                and (link := topic.match(lay.folded, named := _past_movement_name(lay, c.end) + 1)) is not None:
            end = _words_end(lay, c)
            cut = _CLAUSE_BREAK.search(lay.folded, link.end(), end)
            words_end = cut.start() if cut else end
            if not any(h.rule.code for h in find_all(field_rules(), lay.folded, named, words_end)):
                c.field = "other"  # (a topic naming a field decides nothing here: "Lực lượng Công an xây
                c.field_text = lay.text[named:words_end].strip(" ,;:-–()")  # dựng 97 mô hình gắn với …")
                parts_apart.append(c)
    below_commune = words("counts", "below_commune_levels")
    for c in cands:  # "… trong đó cấp phường 30 mô hình, cấp tổ dân phố 170 mô hình": a level below the
        # commune is no level of the SPEC; its part is a grouping of its own
        if c.parent is not None and not c.merged and c.field in (None, "all") and c.level is None \
                and c.metric != "increase" and (m := below_commune.search(fold(c.lead))) is not None \
                and fold(c.lead)[m.end():].strip(" ,;:-–()") in ("", "có", "với", "là", "đạt"):
            c.field, c.field_text = "other", c.lead[m.start():m.end()].strip()
    remainder = words("counts", "remainder_words")
    for c in cands:  # "… Khối lực lượng vũ trang có 100 mô hình. 300 mô hình còn lại thuộc khối chính quyền":
        # after the unit's total, the rest of a breakdown by body or grouping is a grouping of its own
        if c.parent is None and not c.merged and c.field in (None, "all") and c.metric != "increase" \
                and under_total(c) and lay.folded[c.end:c.end + 1].isspace() \
                and (rest := remainder.match(lay.folded, named := _past_movement_name(lay, c.end) + 1)) is not None \
                and rest.start() == named \
                and any(d.field == "other" and d.start < c.start for d in cands):  # (the rest of a breakdown)
            end = _words_end(lay, c)
            cut = _CLAUSE_BREAK.search(lay.folded, rest.end(), end)
            c.field = "other"
            c.field_text = lay.text[named:cut.start() if cut else end].strip(" ,;:-–()")
            parts_apart.append(c)
    for c in cands:  # "trong đó 7 mô hình gắn với cải cách thủ tục hành chính": a topic of its own
        if c.parent is not None and not c.merged and c.field in (None, "all") and c.metric != "increase" \
                and c.field_text and topic.match(fold(c.field_text)):
            codes = {h.rule.code for h in find_all(field_rules(), fold(c.field_text)) if h.rule.code}
            if not codes:
                c.field = "other"
            elif len(codes) == 1:  # "84 mô hình gắn với xây dựng nông thôn mới": that field's part
                c.field, c.field_text = codes.pop(), None
    by_parent: dict[int, list[Candidate]] = {}
    for c in cands:
        if c.parent is not None and not c.merged and c.field in (None, "all") and c.metric != "increase" \
                and _owned_after().match(fold(c.field_text or "")):
            by_parent.setdefault(c.parent, []).append(c)
    for owned in by_parent.values():  # "trong đó 22 mô hình của các chi bộ khu dân cư, 31 mô hình của
        # Ủy ban MTTQ và các đoàn thể, 26 mô hình của các trường học": a breakdown by whose models
        owners = [fold(c.field_text or "")[_owned_after().match(fold(c.field_text or "")).end():]  # type: ignore[union-attr]
                  for c in owned]
        # bodies, not units ("140 mô hình do 14 phường thực hiện, 75 mô hình của các cơ quan" is no
        # breakdown by organisation)
        # ("trong đó 38 mô hình do các đồn biên phòng chủ trì": one such part alone names bodies too)
        if sum(1 for o in owners if organisation.match(o)) >= min(2, len(owned)) \
                and not any(o[:1].isdigit() or _unit_label().match(o) for o in owners):
            # a list by level whose items name the level's body ("38 mô hình cấp tỉnh, 214 mô hình do Công an
            # cấp huyện xây dựng và 794 mô hình của Công an cấp xã"): its items stay level parts
            by_level = any(d.parent == owned[0].parent and d not in owned and d.level is not None and not d.merged
                           for d in cands)
            parent = owned[0].parent
            own_body = organisation.match(fold(cands[parent].lead)) if parent is not None else None
            for c, o in zip(owned, owners, strict=True):
                body = organisation.match(o)
                # (the total's own body at that level: "Công an tỉnh xây dựng 1.046 …, 214 mô hình do Công an
                # cấp huyện …"; another body's part stays its own, "45 mô hình do Hội Nông dân cấp huyện")
                same_body = own_body is not None and body is not None and own_body.group("group") == body.group("group")
                if by_level and same_body and c.level is not None \
                        and any(h.rule.code for h in find_all(level_rules(), o)):
                    continue
                c.field = "other"
    for parts in groups.values():  # the parts one sentence lists
        if len(parts) < 2 or not any(p.field not in (None, "all") for p in parts):
            continue
        for p in parts:
            if _UNIT_ITEM_LEAD.search(lay.text, max(p.seg_start, p.start - 50), p.start):
                continue  # "TX A 517, huyện B 342 …; khối cơ quan cấp tỉnh có 133": a unit's own count
            text = (p.field_text or "").strip()
            folded = fold(text)
            if p.field in (None, "all") and p.metric != "increase" and text and text[:1].islower() \
                    and (not stop.match(folded) and not find_all(rules, folded)
                         # "…; 271 mô hình xây dựng phong trào Toàn dân bảo vệ ANTQ; 118 mô hình trong cải
                         # cách hành chính": a task or a domain after the noun labels the part too
                         or _verb_label(folded) or _IN_DOMAIN.match(folded) is not None):
                p.field = "other"
                continue
            lead = p.lead.strip(" ,;:-–()")
            if p.field in (None, "all") and p.metric != "increase" and lead \
                    and not find_all(_metric_phrase_rules(), fold(lead), 1, len(lead)):
                codes = {h.rule.code for h in find_all(field_rules(), fold(lead)) if h.rule.code}
                if len(codes) == 1:  # "…, xây dựng đời sống văn hóa ở khu dân cư 39 mô hình": its field
                    p.field, p.field_text = codes.pop(), None
                    continue
            joined = _JOINER.match(lead)  # "… và tham gia bảo đảm an sinh xã hội 60 mô hình": the last item's "và"
            label = lead[joined.end():] if joined and p is not parts[0] else lead
            if p.field in (None, "all") and p.metric != "increase" and label \
                    and (not (find_all(rules, fold(label)) or stop.match(fold(label))) or _verb_label(fold(label))
                         or _TASK_LABEL.match(fold(label))):
                # "…, KT-XH 35 mô hình, …": a part of a field breakdown led by words of its own
                p.field, p.field_text = "other", label
    index = {id(c): i for i, c in enumerate(cands)}
    children: dict[int, list[Candidate]] = {}  # each count's parts, in order (built once: no scan per part)
    for d in cands:
        if d.parent is not None:
            children.setdefault(d.parent, []).append(d)
    for c in parts_apart:  # a part stated apart takes its total's metric and period (GUIDELINES §4.2)
        if unit_total is not None and c.locality != unit_total.locality:
            if not c.dated and not c.context_dated:  # a lower unit's body keeps its verb, takes the time
                c.period = unit_total.period
            continue
        if unit_total is not None and not c.dated and c.metric in WEAK_METRICS:
            metric, period = c.metric, c.period
            c.metric = unit_total.metric
            if not c.context_dated:  # (a year the sentences before it give is its own: "Năm 2023, …")
                c.period = unit_total.period
            # and so do its own parts that took its slots ("Khối MTTQ … xây dựng 105 mô hình, trong
            # đó Hội LHPN 38, …" after a recognized total)
            below = [index[id(c)]] if (c.metric, c.period) != (metric, period) else []
            while below:
                k = below.pop()
                for d in children.get(k, ()):
                    if not d.dated and d.metric == metric:
                        d.metric = c.metric
                        if d.period == period:
                            d.period = c.period
                        below.append(index[id(d)])
    for d in cands:  # "Hội Nông dân tỉnh có 50 mô hình, trong đó cấp tỉnh 10 …, cấp xã 25": the
        # body's parts by level are the body's models (its `other` and words), at their levels
        if d.parent is not None and not d.merged and d.level is not None and d.field in (None, "all") \
                and cands[d.parent].field == "other" and cands[d.parent].field_text:
            d.field, d.field_text = "other", cands[d.parent].field_text


@cache
def _part_cue_lead() -> regex.Pattern[str]:
    """A part cue opening a part's own words ("Riêng ", "Trong đó, ")."""
    cues = lexicon()["counts"]
    return regex.compile(rf"[\s,;:(\-–•*]*(?:{alternation([*cues['part_cues'], *cues['inline_part_cues']])})"
                         rf"(?![\w])[\s,:]*")


@cache
def _topic_link() -> regex.Pattern[str]:
    return regex.compile(rf"(?:{alternation(lexicon()['counts']['topic_links'])})\s+\S")


@cache
def _movement_after() -> regex.Pattern[str]:
    """The movement's name right after a count's noun, quoted or not: ' "dân vận khéo"' (folded text)."""
    return regex.compile(rf"\s+([\"'“”‘’«»]?)\s*(?:{alternation(movement_phrases())})(?![\w])\s*\1")


#: the words between two items of one list: a comma or "và", then the next item's subject (no number,
#: no clause break): "…, phường B có 19 mô hình"
_ITEM_JOIN = regex.compile(r"\s*(?:,\s*(?:và\s+)?|và\s+)[^\d.;:()]{0,60}?")
#: a passive act right after the last item's noun: "… 14 mô hình được Quận ủy quận 1 công nhận"
_TRAILING_ACT = regex.compile(r"\s*được\s+[^,;.()]{0,50}?(?<![\w])(?:công nhận|khen thưởng|biểu dương|tuyên dương)"
                           r"(?![\w])")
_WEAK_LEAD = regex.compile(r"(?:^|\s)(?:có|với)\s*$")
_JOIN_WORDS = frozenset({"và", "có", "với", "là", "còn", "riêng", "trong", "đó", "gồm", "bao"})


def _share_trailing_act(lay: Layout, cands: list[Candidate]) -> None:
    """"phường A có 23 mô hình, phường B có 19 mô hình và phường C có 14 mô hình được Quận ủy quận 1
    công nhận": the act after the last item's noun is every item's (its metric and level), when each
    earlier item says only "có N mô hình" and the items are joined by commas or "và"."""
    i = 0
    while i < len(cands):
        j = i
        while j + 1 < len(cands) and cands[j + 1].seg_start == cands[i].seg_start \
                and cands[j].parent is None and cands[j + 1].parent is None \
                and _joins_items(lay, cands[j], cands[j + 1]):
            j += 1
        last = cands[j]
        if j > i and last.metric in ("recognized", "commended") \
                and _TRAILING_ACT.match(lay.folded, _past_movement_name(lay, last.end), last.seg_end):
            for c in cands[i:j]:
                lead = fold(c.lead)
                if c.parent is None and c.pair is None and c.metric in (None, "built") and c.holder == last.holder \
                        and _weak_words(lead):
                    c.metric = last.metric
                    c.level = c.level or last.level
        i = j + 1


def _past_movement_name(lay: Layout, end: int) -> int:
    """Where the words after a count's noun go on past the movement's name ("38 mô hình “Dân vận khéo”
    gắn với …" → after the closing quote), or ``end``: the position of the space before them."""
    m = _movement_after().match(lay.folded, end)
    return m.end() if m is not None and lay.folded[m.end():m.end() + 1].isspace() else end


@cache
def _owned_after() -> regex.Pattern[str]:
    """A part's words after its noun that name whose models they are: "của các chi bộ …", "do Hội
    LHPN …" (lexicon ``owner_links``)."""
    return regex.compile(rf"(?:{alternation(lexicon()['counts']['owner_links'])})\s+(?:các\s+)?")


def _is_caption(lay: Layout, c: Candidate) -> bool:
    """A photo caption, or a subheading: a short line of its own with no end punctuation and no
    bullet ("Gần 6.000 mô hình trên các lĩnh vực"); a rounded number there restates one."""
    para = lay.paragraphs[c.para]
    line = lay.folded[para.start:para.end].strip()
    if 0 < c.para < len(lay.paragraphs) - 1 and len(line) <= 120 and "\n" not in line \
            and not line.endswith((".", "!", "?", ":", ";", ",")) and not _BULLET.match(line):
        return True
    return bool(_caption_regex().search(lay.folded[para.start:para.end]))


#: a sum closing its parts: "…, tổng cộng 1.197 mô hình", "…; tổng số 300 mô hình"
_SUM_WORDS = regex.compile(r"(?<![\w])(?:tổng cộng|tổng số|tổng|cộng)(?:\s+(?:là|có|đạt))?\s*(?:là\s+)?$")


def _sum_after_parts(lay: Layout, cands: list[Candidate]) -> None:
    """"cấp tỉnh đăng ký 135 mô hình, cấp xã đăng ký 1.062 mô hình, tổng cộng 1.197 mô hình": the
    sum after its parts in one sentence, with no verb of its own, takes the verb they share."""
    for i, c in enumerate(cands):
        if c.metric is not None or c.parent is not None or not _SUM_WORDS.search(
                lay.folded, max(c.sentence_start, c.start - 24), c.start):
            continue
        before = [d for d in cands[max(0, i - 12):i] if d.sentence_start == c.sentence_start and not d.merged]
        metrics = {d.metric for d in before}
        if len(before) >= 2 and sum(d.value for d in before) == c.value and len(metrics) == 1 \
                and None not in metrics:
            c.metric = before[0].metric


def _merge_restatements(lay: Layout, cands: list[Candidate], lead_para: int | None = None) -> None:
    """One statement, two mentions: fold the weaker mention into the stronger.

    - the same number twice with one mention giving no verb (a headline, a repeat): one record, its
      slots completed from both;
    - a rounded number in a headline or caption ("hơn 300") next to the exact one (312): dropped;
      so is one in the lead paragraph (``lead_para``) next to the exact one the body gives later, of
      a compatible unit and the same verb.
    """
    every: dict[int, list[int]] = {}  # by value: the mentions that can take a restatement
    strong: dict[int, list[int]] = {}  # … and those with a verb or in the headline
    paired: dict[int, list[int]] = {}  # the second of a pair ("1.406 mô hình và 318 điển hình"), restated apart
    for j, d in enumerate(cands):
        if d.parent is None and d.pair is None:
            every.setdefault(d.value, []).append(j)
            if d.metric is not None or d.title:
                strong.setdefault(d.value, []).append(j)
        elif d.parent is None and d.metric is not None:
            paired.setdefault(d.value, []).append(j)
    for i, c in enumerate(cands):
        if c.parent is not None or c.pair is not None or c.merged:
            continue
        if not (c.metric is None or c.title or c.restated):
            continue
        pool = every if c.title else strong  # a repeat without a verb needs one with it
        # "Trong 318 điển hình có 129 tập thể và 189 cá nhân" after "… 1.406 mô hình và 318 điển hình"
        restates_pair = c.restated and not c.title and c.holder is None
        for j in pool.get(c.value, []) + (paired.get(c.value, []) if restates_pair else []):
            d = cands[j]
            if j == i or d.merged:
                continue
            if d.value != c.value or (d.holder != c.holder and not (restates_pair and d.pair is not None)) \
                    or not _compatible(c.locality, d.locality) \
                    or "increase" in (c.metric, d.metric):
                continue  # an increase restates no stock
            weak_c = c.metric is None or c.title or c.restated
            if not weak_c or (d.metric is None and not c.title) or (c.title and d.title):
                continue
            if c.metric is not None and d.metric is not None and c.metric != d.metric and not c.restated \
                    and not (c.title and not d.title):
                continue  # a restatement ("Trong tổng số 210 mô hình nêu trên") takes the first's verb, and
                # a headline the body's ("Tỉnh A xây dựng 58 mô hình" over "… đăng ký xây dựng 58 mô hình")
            if any(getattr(c, n) not in (None, "all") and getattr(d, n) not in (None, "all", getattr(c, n))
                   for n in ("field", "level")):
                continue  # "20 mô hình kinh tế … công nhận 20 mô hình văn hóa": two statements
            org_c, org_d = (_organisation_lead().match(fold(x.lead)) is not None for x in (c, d))
            if not c.title and org_c != org_d \
                    and ((d if org_c else c).locality is not None or (d if org_c else c).metric is not None):
                continue  # "Ủy ban MTTQ các cấp xây dựng 412 mô hình" … "thị xã A 412 mô hình": a body's, a unit's
            for name in ("field", "level", "period", "locality", "metric"):
                if getattr(d, name) in (None, "all"):
                    setattr(d, name, getattr(c, name))
            c.merged = True
            _repoint(cands, i, j)
            break
    holders: dict[int, set[str | None]] = {}
    for x in cands:
        if x.parent is not None and not x.merged:
            holders.setdefault(x.parent, set()).add(x.holder)
    for j, d in enumerate(cands):  # "… 318 điển hình. Trong 318 điển hình có 129 tập thể và 189 cá nhân":
        if d.holder is not None and {"collective", "individual"} <= holders.get(j, set()):
            d.holder = None  # split into both, the count holds both (the mô hình/điển hình convention yields)
    for i, c in enumerate(cands):
        nxt = cands[i + 1] if i + 1 < len(cands) else None
        if c.bound != "exact" and not c.merged and nxt is not None and nxt.bound == "exact" and nxt.para == c.para \
                and _RESTATING_CUE.search(lay.folded, c.end, nxt.start) is not None and nxt.holder == c.holder \
                and (c.metric is None or nxt.metric is None or c.metric == nxt.metric) \
                and _within_rounding(c, nxt.value):  # "… gần 400 mô hình. Cụ thể, toàn tỉnh có 386 mô hình, …"
            nxt.parent = c.parent if nxt.parent == i else nxt.parent
            nxt.metric = nxt.metric or c.metric
            nxt.period = nxt.period or c.period
            c.merged = True
            _repoint(cands, i, i + 1)
            continue
        in_lead = lead_para is not None and c.para == lead_para and not c.title and c.parent is None
        # a speaker's rounded figure in a quotation ("… nhấn mạnh: “Chúng ta có hơn hai nghìn mô hình, …”")
        in_speech = not (c.title or c.caption or in_lead) and c.parent is None and c.bound != "exact" \
            and _in_speech(lay, c)
        if c.merged or c.bound == "exact" or not (c.title or c.caption or in_lead or in_speech):
            continue
        for j, d in enumerate(cands):
            if d is c or d.merged or d.bound != "exact" or d.title or d.caption:
                continue
            if in_lead and not (c.caption or d.para > c.para and d.parent is None and d.metric == c.metric
                                and _compatible(c.locality, d.locality) and _restates(c, d)):
                continue
            if in_speech and not (d.para != c.para and d.parent is None and not _in_speech(lay, d)
                                  and c.metric in (None, d.metric) and _compatible(c.locality, d.locality)
                                  and _restates(c, d)):
                continue  # (the same verb, span, field, level and body as the report's, as a lead's)
            if _within_rounding(c, d.value) and d.holder == c.holder:
                if in_lead and c.period is not None and c.period.start is not None and d.period is not None \
                        and d.period.start is None and d.period.end == c.period.end:
                    d.period = c.period  # "9 tháng đầu năm 2025, … hơn 1 nghìn …" then "tính đến hết tháng 9/2025,
                    # … 1.025": one total, the first mention's span (GUIDELINES §6, repeated totals)
                c.merged = True
                _repoint(cands, i, j)
                break


#: words that give the exact number of a rounded one just stated: "… gần 400 mô hình. Cụ thể, toàn tỉnh có 386"
#: (opening the next clause, before the unit's scope and a weak verb at most: not "… với những việc làm cụ
#: thể, …", nor a breakdown's first item "Cụ thể, cấp xã công nhận 450 mô hình")
_RESTATING_CUE = regex.compile(r"[.;:]\s*cụ thể\s*[,:]\s*(?:(?:đến nay|hiện nay)\s*,?\s*)?(?:(?:toàn|cả)\s+)?"
                               r"(?:(?:tỉnh|huyện|thành phố|thị xã|quận|xã|phường|thị trấn|đặc khu|đơn vị|ngành"
                               r"|lực lượng)\s+)?(?:hiện\s+|đến nay\s*,?\s*)?(?:đã\s+)?"
                               r"(?:có tổng cộng|tổng cộng|có|đạt|là|xây dựng(?:\s+được)?)?\s*(?:(?:tổng\s+)?số\s+)?$")


#: a quotation opened after a colon: "… nhấn mạnh: “…"
_SPEECH_OPEN = regex.compile(r":\s*[\"“]")
_SPEECH_CLOSE = regex.compile(r"[\"”]")


def _in_speech(lay: Layout, c: Candidate) -> bool:
    """The count stands inside a quotation opened after a colon in its paragraph, not closed before it."""
    para = lay.paragraphs[c.para]
    opened = None
    for m in _SPEECH_OPEN.finditer(lay.folded, max(para.start, c.start - 400), c.start):
        opened = m
    return opened is not None and _SPEECH_CLOSE.search(lay.folded, opened.end(), c.start) is None


def _within_rounding(c: Candidate, value: int) -> bool:
    """Whether ``value`` is what the rounded count ``c`` ("hơn 300", "khoảng 300", "gần 300") may stand for."""
    lo, hi = {"at_least": (c.value, c.value * 1.25), "about": (c.value * 0.8, c.value * 1.2),
              "at_most": (c.value * 0.8, c.value)}[c.bound]
    return lo <= value <= hi


def _restates(c: Candidate, d: Candidate) -> bool:
    """Whether a rounded count ``c`` (a lead's, a speaker's) can be the exact ``d`` stated again: the same
    span (or ``d`` a stock to the day ``c``'s span ends), no field, level or body of its own that
    ``d`` does not share ("Năm 2024, … hơn 100 mô hình" is no restatement of "Năm 2025, … 112")."""
    if c.period is not None and d.period is not None and c.period != d.period \
            and not (d.period.start is None and c.period.end == d.period.end):
        return False
    if any(getattr(c, n) not in (None, "all") and getattr(c, n) != getattr(d, n) for n in ("field", "level")) \
            or any(getattr(d, n) not in (None, "all") and getattr(c, n) not in (None, "all", getattr(d, n))
                   for n in ("field", "level")):
        return False
    body = _organisation_lead()
    lead_c, lead_d = body.match(fold(c.lead)), body.match(fold(d.lead))
    return (lead_c is None) == (lead_d is None) and (lead_c is None or lead_c.group("group") == lead_d.group("group"))


def _repoint(cands: list[Candidate], old: int, new: int) -> None:
    for x in cands:
        if x.parent == old:
            x.parent = new


def _compatible(a: LocalityRef | None, b: LocalityRef | None) -> bool:
    return a is None or b is None or a == b


def _key(c: Count) -> tuple[object, ...]:
    """What makes two counts the same statement (level aside: a headline often omits it)."""
    loc = (c.locality.level, c.locality.name, c.locality.province) if c.locality else None
    other = key(c.field_text or "") if c.field == "other" else None  # "Hội LHPN 9", "khối chính quyền 9"
    return (c.value, c.metric, c.field, other, c.holder, loc)


def _dedupe(cands: list[Candidate]) -> list[Count]:
    """A number stated twice is one record; the splits of a repeated total follow the first."""
    seen: dict[tuple[object, ...], Count] = {}
    kept_of: dict[int, Count] = {}
    out: list[Count] = []
    for i, c in enumerate(cands):
        if c.merged:
            continue
        assert c.count is not None
        count = c.count
        if c.parent is not None and c.parent in kept_of and kept_of[c.parent] is not cands[c.parent].count:
            total = kept_of[c.parent]  # its total restates an earlier one: follow that record
            if count.period == cands[c.parent].count.period:  # type: ignore[union-attr]
                count.period = total.period
            if count.level is None and count.metric == total.metric:
                count.level = total.level
        k = _key(count)
        if k in seen and (seen[k].level is None or count.level is None or seen[k].level == count.level):
            kept = seen[k]
            kept.level = kept.level or count.level
            if kept.period.start is None and count.period.start is not None:
                kept.period = count.period
            kept_of[i] = kept
            continue
        seen[k] = count
        kept_of[i] = count
        out.append(count)
        for ref in c.each_of:  # "xã A và xã B cùng có 8 mô hình": the same number, each unit's
            other = count.model_copy(update={"locality": ref})
            if _key(other) not in seen:
                seen[_key(other)] = other
                out.append(other)
        for body in c.each_bodies:  # "Hội A, Hội B và Hội C mỗi đơn vị có 2 mô hình": each body's
            other = count.model_copy(update={"field_text": _grouping_words(body)})
            if _key(other) not in seen:
                seen[_key(other)] = other
                out.append(other)
    return out


__all__ = ["Candidate", "extract_counts", "find_candidates", "qualifies"]
