"""Counts (SPEC §1.3): numbers of DVK models with their metric, field, level, holder, bound,
locality and period.

A count is a number followed by a model noun ("215 mô hình", "1.240 lượt mô hình"). Its slots are
read from its *zone*: the part of its clause (sentence cut at ";") between the previous count and
the next one, so that in "lĩnh vực kinh tế 51 mô hình; văn hóa - xã hội 70 mô hình" each number
gets its own field. Words come from ``data/lexicon.toml`` (``[[field]]``, ``[[metric]]``,
``[[level]]``, ``[bounds]``, ``[counts]``); the period follows GUIDELINES §4.6.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from .layout import Layout
from .lexicon import field_rules, find_all, fold, level_rules, lexicon, metric_rules, phrase_regex
from .localities import Mention
from .numbers import WORDS_RE, parse_number
from .periods import TimeExpr
from .records import Count, LocalityRef, PeriodRef

_NUM = r"(?P<num>\d{1,3}(?:\.\d{3})+|\d+|" + WORDS_RE.pattern.replace("(?P<words>", "(?:") + ")"


@cache
def _count_regex() -> regex.Pattern[str]:
    heads = sorted((fold(h) for h in lexicon()["counts"]["heads"]), key=len, reverse=True)
    body = "|".join(regex.escape(h) for h in heads)
    return regex.compile(rf"(?<![\w.,/]){_NUM}\s+(?:lượt\s+)?(?P<head>{body})(?![\w])")


@cache
def _split_regex() -> regex.Pattern[str]:
    c = lexicon()["counts"]
    coll = "|".join(regex.escape(fold(w)) for w in c["collective"])
    ind = "|".join(regex.escape(fold(w)) for w in c["individual"])
    item = rf"(?P<n{{i}}>\d+)\s+(?:mô hình\s+|điển hình\s+)?(?P<h{{i}}>{coll}|{ind})"
    return regex.compile(
        r"\(\s*" + item.format(i=1) + r"\s*(?:,|;|và)\s*" + item.format(i=2) + r"\s*\)"
    )


@cache
def _bound_regexes() -> list[tuple[str, regex.Pattern[str]]]:
    b = lexicon()["bounds"]
    return [
        (code, regex.compile(r"(?<![\w])(?:" + "|".join(
            regex.escape(fold(w)) for w in sorted(b[code], key=len, reverse=True)) + r")\s*$"))
        for code in ("at_most", "about", "at_least")
    ]


@dataclass
class Candidate:
    start: int  # of the number
    end: int  # of the head noun
    value: int
    seg_start: int
    seg_end: int
    sentence_start: int
    para: int
    parent: int | None = None  # index of the total a split belongs to
    holder: str | None = None
    count: Count | None = None


def _segments(lay: Layout) -> list[tuple[int, int, int, int]]:
    """(start, end, sentence start, paragraph) of each ";"-clause of every body sentence."""
    out = []
    for s in lay.sentences:
        pos = s.start
        for m in regex.finditer(r";", lay.folded[s.start:s.end]):
            out.append((pos, s.start + m.start(), s.start, s.para))
            pos = s.start + m.end()
        out.append((pos, s.end, s.start, s.para))
    return out


def _is_instance_of_named_model(lay: Layout, head_end: int) -> bool:
    """"6 mô hình Làng bản văn hóa", "100 … mô hình “Chính quyền thân thiện”": not counts."""
    after = lay.text[head_end:head_end + 60]
    folded_after = lay.folded[head_end:head_end + 60]
    movement = phrase_regex(lexicon()["counts"]["movement_names"])
    m = regex.match(r"\s*[\"“”']?\s*", after)
    rest = folded_after[m.end():] if m else folded_after
    if movement.match(rest):
        return False
    stripped = after.lstrip()
    if not stripped:
        return False
    pos = head_end + len(after) - len(stripped)
    if any(h.start == pos and h.rule.code for h in find_all(field_rules(), lay.folded, pos, pos + 40)):
        return False
    if stripped[0] in "\"“”'‘’":
        return True
    return stripped[0].isupper() and not stripped.startswith(("Dân vận", "DVK"))


def find_candidates(lay: Layout) -> list[Candidate]:
    not_results = phrase_regex(lexicon()["counts"]["not_results"])
    out: list[Candidate] = []
    for seg_start, seg_end, sent_start, para in _segments(lay):
        for m in _count_regex().finditer(lay.folded, seg_start, seg_end):
            value = parse_number(m.group("num").strip())
            if value is None or value != int(value):
                continue
            if _is_instance_of_named_model(lay, m.end()):
                continue
            if not_results.search(lay.folded[seg_start:m.start()]):
                continue
            idx = len(out)
            out.append(Candidate(m.start(), m.end(), int(value), seg_start, seg_end, sent_start, para))
            split = _split_regex().search(lay.folded, m.end(), seg_end)
            if split and _count_regex().search(lay.folded, m.end(), split.start()):
                split = None
            if split:
                coll = {fold(w) for w in lexicon()["counts"]["collective"]}
                for i in (1, 2):
                    n = int(split.group(f"n{i}"))
                    holder = "collective" if split.group(f"h{i}") in coll else "individual"
                    out.append(Candidate(split.start(f"n{i}"), split.end(f"h{i}"), n, seg_start,
                                         seg_end, sent_start, para, parent=idx, holder=holder))
    return out


def _zone(cands: list[Candidate], i: int) -> tuple[int, int]:
    """(start, end) of the text a candidate owns in its clause."""
    c = cands[i]
    mains = [x for x in cands if x.parent is None and x.seg_start == c.seg_start]
    prev_end = max((x.end for x in mains if x.end <= c.start), default=c.seg_start)
    next_start = min((x.start for x in mains if x.start >= c.end), default=c.seg_end)
    return prev_end, next_start


_LEAD_IN = regex.compile(
    r"^[\s:,(]*(?:(?:toàn\s+)?(?:thành phố|huyện|tỉnh|thị xã|quận)\s+)?"
    r"(?:(?:hiện\s+)?có\s+|tổng số\s+|có tổng số\s+|tổng số có\s+|đạt\s+)*$"
)


def _field(lay: Layout, zone: tuple[int, int], c: Candidate) -> str:
    after = regex.match(r"\s*(?:dân vận khéo\s*)?(?:thuộc\s+)?(?:lĩnh vực\s+|trên lĩnh vực\s+)?",
                        lay.folded[c.end:zone[1]])
    pos = c.end + (after.end() if after else 0)
    for h in find_all(field_rules(), lay.folded, pos, min(zone[1], pos + 60)):
        if h.start == pos:
            return h.rule.code or "all"
        break
    hits = find_all(field_rules(), lay.folded, zone[0], c.start)
    if hits:
        h = hits[-1]
        gap = lay.folded[h.end:c.start]
        head = lay.folded[max(zone[0], h.start - 14):h.start]
        if h.rule.code and (_LEAD_IN.match(gap) or "lĩnh vực" in head):
            return h.rule.code
    return "all"


_CLAUSE_END = regex.compile(r",|\(|;|\btrong đó\b|\bgồm\b")


def _after(lay: Layout, c: Candidate, zone: tuple[int, int]) -> int:
    """End of the words that follow a count in its own clause ("… mô hình được công nhận cấp xã")."""
    m = _CLAUSE_END.search(lay.folded, c.end, zone[1])
    return m.start() if m else zone[1]


def _metric(lay: Layout, zone: tuple[int, int], c: Candidate) -> str | None:
    """The metric the count's own words give, None when they give none (then: ``built``)."""
    before = lay.folded[zone[0]:c.start]
    for rule, before_re, after_re in metric_rules():
        if before_re is not None and before_re.search(before):
            return rule.code
        if after_re is not None and after_re.match(lay.folded, c.end):
            return rule.code
    # the clause's own words: the zone before the number and after it, up to a comma-clause end
    after_end = _after(lay, c, zone)
    window_before = before.rsplit(",", 1)[-1] if "," in before else before
    for rule, _, _ in metric_rules():
        if rule.pattern.search(lay.folded, c.end, after_end) or rule.pattern.search(window_before):
            return rule.code
    return None


def _level(lay: Layout, zone: tuple[int, int], c: Candidate, city_is_province: bool) -> str | None:
    hits = find_all(level_rules(), lay.folded, c.end, _after(lay, c, zone))
    if not hits:
        hits = find_all(level_rules(), lay.folded, zone[0], c.start)[-1:]
    if not hits:
        hits = find_all(level_rules(), lay.folded, c.seg_start, c.start)[-1:]
    if not hits:
        return None
    code = hits[0].rule.code
    if code == "city":
        return "province" if city_is_province else "district"
    return code


def _bound(lay: Layout, c: Candidate) -> str:
    before = lay.folded[max(0, c.start - 20):c.start]
    for code, pat in _bound_regexes():
        if pat.search(before):
            return code
    return "exact"


def _holder(lay: Layout, c: Candidate, zone: tuple[int, int]) -> str | None:
    after = lay.folded[c.end:min(zone[1], c.end + 25)]
    coll = regex.match(r"\s*(?:tập thể)", after)
    if coll and "cá nhân" not in after[:25]:
        return "collective"
    if regex.match(r"\s*(?:cá nhân)", after) and "tập thể" not in after[:25]:
        return "individual"
    return None


def _period(lay: Layout, times: list[TimeExpr], zone: tuple[int, int], c: Candidate,
            first_in_sentence: int, published: PeriodRef) -> PeriodRef:
    usable = [t for t in times if t.reporting and t.period is not None]
    own = [t for t in usable if zone[0] <= t.start < c.start]
    if own:
        return own[-1].period  # type: ignore[return-value]
    own_after = [t for t in usable if c.end <= t.start < zone[1]]
    if own_after:
        return own_after[0].period  # type: ignore[return-value]
    opening = [t for t in usable if c.sentence_start <= t.start < first_in_sentence]
    if opening:
        return opening[0].period  # type: ignore[return-value]
    para = lay.paragraphs[c.para]
    earlier = [t for t in usable if para.start <= t.start < c.sentence_start]
    if earlier:
        return earlier[-1].period  # type: ignore[return-value]
    return published


def _locality(lay: Layout, zone: tuple[int, int], c: Candidate, mentions: list[Mention],
              primary: LocalityRef | None, province: LocalityRef | None) -> LocalityRef | None:
    seg = lay.folded[c.seg_start:c.start]
    named = [m for m in mentions if zone[0] <= m.start < c.start and m.unit is not None]
    if named:
        u = named[-1].unit
        assert u is not None
        return LocalityRef(name=u.name, kind=u.kind, level=u.level, province=u.province)  # type: ignore[arg-type]
    if province is not None and phrase_regex(lexicon()["counts"]["province_scope"]).search(seg):
        return province
    return primary


STOCK_METRICS = ("built", "registered", "recognized")
WEAK_METRICS = ("built", "registered", "effective")


def extract_counts(lay: Layout, cands: list[Candidate], mentions: list[Mention], times: list[TimeExpr],
                   primary: LocalityRef | None, province: LocalityRef | None,
                   published: PeriodRef, city_is_province: bool = False) -> list[Count]:
    """Fill the slots of the candidates (from :func:`find_candidates`) and merge repeats."""
    first_in_sentence: dict[int, int] = {}
    for c in cands:
        first_in_sentence.setdefault(c.sentence_start, c.start)
    last_total: Count | None = None
    previous: Count | None = None
    for i, c in enumerate(cands):
        if c.parent is not None:
            parent = cands[c.parent].count
            assert parent is not None
            c.count = parent.model_copy(update={
                "value": c.value, "bound": "exact", "holder": c.holder,
                "text": lay.text[c.start:c.end], "start": c.start, "end": c.end})
            continue
        zone = _zone(cands, i)
        metric = _metric(lay, zone, c)
        if metric is None and previous is not None and previous.metric in ("recognized", "commended") \
                and c.sentence_start == cands[i - 1].sentence_start \
                and find_all(level_rules(), lay.folded, zone[0], zone[1]):
            # "…công nhận 543 mô hình; cấp xã 1.200 mô hình": a parallel clause keeps the verb
            metric = previous.metric
        count = Count(
            value=c.value,
            bound=_bound(lay, c),  # type: ignore[arg-type]
            metric=metric or "built",  # type: ignore[arg-type]
            field=_field(lay, zone, c),  # type: ignore[arg-type]
            holder=_holder(lay, c, zone),  # type: ignore[arg-type]
            locality=_locality(lay, zone, c, mentions, primary, province),
            period=_period(lay, times, zone, c, first_in_sentence[c.sentence_start], published),
            text=lay.text[c.start:c.end], start=c.start, end=c.end,
        )
        if count.metric in ("recognized", "commended"):
            count.level = _level(lay, zone, c, city_is_province)  # type: ignore[assignment]
        if count.field != "all" and last_total is not None and count.metric in WEAK_METRICS:
            # a part of a breakdown: the total's metric and period (GUIDELINES §4.2, §4.6)
            count.metric = last_total.metric
            count.period = last_total.period
            count.level = last_total.level
        if count.field == "all" and count.metric in STOCK_METRICS and count.holder is None \
                and count.level is None:
            last_total = count
        c.count = previous = count
    return _dedupe(cands)


def _key(c: Count) -> tuple[object, ...]:
    """What makes two counts the same statement (level aside: a headline often omits it)."""
    loc = (c.locality.level, c.locality.name, c.locality.province) if c.locality else None
    return (c.value, c.metric, c.field, c.holder, loc)


def _dedupe(cands: list[Candidate]) -> list[Count]:
    """A number stated twice is one record; the splits of a repeated total follow the first."""
    seen: dict[tuple[object, ...], Count] = {}
    first_of: dict[int, Count] = {}
    out: list[Count] = []
    for i, c in enumerate(cands):
        assert c.count is not None
        count = c.count
        if c.parent is not None and c.parent in first_of:
            count.period = first_of[c.parent].period
        k = _key(count)
        if k in seen and (seen[k].level is None or count.level is None or seen[k].level == count.level):
            kept = seen[k]
            kept.level = kept.level or count.level
            if kept.period.start is None and count.period.start is not None:
                kept.period = count.period
            first_of[i] = kept
            continue
        seen[k] = count
        first_of[i] = count
        out.append(count)
    return out
