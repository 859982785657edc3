"""One article in, one :class:`~extractors.records.Document` out: the extractors' entry point."""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import regex

from .counts import (
    LOOKBACK,
    PLACE_PHRASE_BEFORE,
    Candidate,
    actor_spans,
    extract_counts,
    find_candidates,
    launcher_spans,
    national_scope,
    own_before,
    province_actor,
    qualifies,
    subject_unit,
)
from .gazetteer import SYSTEM_2025, Unit, province_unit, site_of_url
from .layout import Layout, Span, layout
from .lexicon import alternation, lexicon, words
from .localities import (
    Mention,
    Resolved,
    _whole_words,
    add_bare_communes,
    find_mentions,
    resolve,
    site_unit,
    to_locality,
)
from .modelnames import extract_models
from .periods import find_time_exprs, reference_date, reporting_periods
from .records import Document, Locality, LocalityRef, Period, PeriodRef
from .records import Span as Evidence
from .text import fold, key, normalized


@dataclass(frozen=True)
class Meta:
    """What is known of the article besides its text."""

    doc: str
    url: str | None = None
    title: str | None = None
    published: date | None = None
    source_province: str | None = None


_TITLE_LEAD = regex.compile(r"\s*([^:\n]{2,40}?)\s*:\s")


#: the unit a 2025 article calls new: "xã A (mới)", "phường B mới được thành lập"
_NEW_UNIT_AFTER = regex.compile(r"\s*(?:\(\s*mới\s*\)|mới\s+(?:được\s+)?thành lập)(?![\w])")


def _primary(lay: Layout, cands: list[Candidate], res: Resolved, province: Unit | None,
             title: tuple[int, int] = (0, 0), headline: str | None = None) -> Unit | None:
    """The unit the article reports on: the scope of its first count, else its most named unit.

    In the 2008 system the candidates are provinces and districts (communes only where a count's
    scope says "toàn xã"); in the 2025 system they are the units in force (provinces, communes,
    wards), never a former unit the article also names."""
    mentions = [m for m in res.mentions if m.unit is not None]
    if res.system == SYSTEM_2025:
        mentions = [m for m in mentions if m.unit is not None and m.unit.system == SYSTEM_2025]
    province_scope = words("counts", "province_scope")
    sector_scope = words("counts", "sector_scope")
    primary_scope = words("counts", "primary_scope")
    communes_count = res.system == SYSTEM_2025

    def allowed(u: Unit | None) -> bool:
        return u is not None and u.level != "province" and (communes_count or u.level != "commune")

    # a province counts too, except where it only qualifies the unit before it ("xã A, tỉnh B")
    qualifying = {id(b) for a, b in zip(mentions, mentions[1:], strict=False) if qualifies(lay, a, b)}

    def counted(m: Mention) -> bool:
        return allowed(m.unit) or (m.unit is not None and m.unit.level == "province" and id(m) not in qualifying)

    # the headline as given (the page's text may not repeat it), else the text's own headline line
    headline = headline or (lay.text[title[0]:title[1]] if title[1] > title[0] else "")
    title_body = province is not None and (bool(headline) and _province_body_title(headline, province)
                                           or _province_body_opening(lay, title, province))
    lead = _TITLE_LEAD.match(lay.text, title[0], title[1]) if title[1] > title[0] else None
    if lead is not None:  # "Quảng Nam: Công nhận 45 mô hình …": the headline names the reported unit
        known = [m.unit for m in mentions if m.unit is not None] + ([province] if province is not None else [])
        named_lead = [u for u in known if key(u.name) == key(lead.group(1))]
        if named_lead:
            return sorted(named_lead, key=lambda u: ["province", "district", "commune"].index(u.level))[0]
    if res.system == SYSTEM_2025:  # "Xã Ea Drăng (mới) được thành lập trên cơ sở …": the new unit reported on
        newly = [m for m in mentions if allowed(m.unit) and _NEW_UNIT_AFTER.match(lay.folded, m.end)]
        if newly:
            return newly[0].unit
    freq = Counter(m.unit for m in mentions if counted(m))
    freq.update(m.unit for m in mentions if counted(m) and title[0] <= m.start < title[1])  # the headline's unit
    every = Counter(m.unit for m in mentions if m.unit is not None and m.unit.level != "province")
    skipped = 0
    titled = any(title[0] <= m.start < title[1] and allowed(m.unit) for m in mentions)
    starts = sorted(m.start for m in res.mentions)
    mentions = sorted(mentions, key=lambda m: m.start)
    own_starts = [m.start for m in mentions]
    for c in cands:
        if c.parent is not None:
            continue
        if national_scope(lay, c, starts):
            return None  # "Giai đoạn 2016-2020, lực lượng Công an nhân dân đã xây dựng …": no one unit's article
        # the clause before the count, at most LOOKBACK characters (a long clause stays linear)
        seg = lay.folded[max(c.seg_start, c.start - LOOKBACK):c.start]
        inside = mentions[bisect_left(own_starts, c.seg_start):bisect_left(own_starts, c.start)]
        if inside:  # (not the body that launched the movement: "do Ban Dân vận Tỉnh ủy A phát động")
            launched = launcher_spans(lay, c.seg_start, c.start)
            inside = [m for m in inside if not any(a <= m.start < b for a, b in launched)]
        named = [m for m in inside if allowed(m.unit) or (m.unit is not None and m.unit.level == "province")]
        while len(named) > 1 and qualifies(lay, named[-2], named[-1]):
            named.pop()  # "xã A, tỉnh B công nhận …": the province only qualifies the unit
        if named and named[-1].unit is not None and named[-1].unit.level == "province" and any(
                s <= named[-1].start < e for s, e in actor_spans(lay, c.seg_start, c.start)):
            skipped += 1  # "Ủy ban MTTQ tỉnh A đã tặng bằng khen cho 2 mô hình": the body of a higher unit
            if skipped >= 3:
                break  # (a bounded look: the most named unit decides)
            continue
        if named:
            if len(inside) >= 2 and inside[-1] is named[-1] and inside[-2].unit is not None \
                    and inside[-2].unit.level == "commune" and qualifies(lay, inside[-2], inside[-1]) \
                    and not PLACE_PHRASE_BEFORE.search(lay.folded, max(0, inside[-2].start - 16), inside[-2].start):
                return inside[-2].unit  # "chính quyền xã A, huyện B triển khai 7 mô hình": the commune
            return named[-1].unit
        if province is not None and titled and not province_scope.search(seg) \
                and (province_actor(lay, c) or _province_subject(lay, c)):
            skipped += 1  # "Hội Nông dân tỉnh tặng Giấy khen cho 5 mô hình" in an article whose
            if skipped >= 3:  # headline names the lower unit it reports on: a higher body acting
                break
            continue
        if province is not None and (province_scope.search(seg) or _province_subject(lay, c)
                                     or province_actor(lay, c)):
            return province
        if sector_scope.search(seg):  # "Năm 2025, toàn ngành có 212 mô hình": the sector's unit
            in_title = [m.unit for m in mentions if title[0] <= m.start < title[1] and allowed(m.unit)]
            if in_title:
                return in_title[0]  # "Ngành Giáo dục huyện A: …"
            tied = _sector_unit(lay, mentions, headline, c.start, allowed)
            if tied is not None:
                return tied  # "ngành giáo dục huyện A …" earlier, or "Ngành giáo dục A …" as the headline
            if province is not None and not _LOWER_UNIT_NAMED.search(headline):
                return province  # a provincial sector's article
        scope = [m for m in primary_scope.finditer(seg)  # "các xã đăng ký …", "15 xã, phường" name no unit
                 if not _NOT_A_SCOPE.search(seg, max(0, m.start() - 24), m.start())
                 and not _kinds_listed().match(seg, m.end())  # "100% xã, thị trấn đã đăng ký": kinds of unit
                 and not seg.startswith(" hội", m.end())]  # "văn hóa - xã hội" is no commune
        if scope:
            word = scope[-1].group().replace("toàn ", "")
            kinds = [u for u in every if u is not None and u.kind == word]
            if not kinds and province is not None and province.kind == word:
                return province  # "toàn thành phố" in a centrally-run city's article naming no city under it
            if not kinds:  # "Xã biên giới Y Tý …" then "Năm 2015, xã xây dựng …": a commune named bare
                kinds = [m.unit for m in res.qualifiers if m.unit is not None and m.unit.kind == word
                         and (res.system != SYSTEM_2025 or m.unit.system == SYSTEM_2025)][:1]
            if kinds:
                return max(kinds, key=lambda u: every[u])
        if province is not None and _attributed_to_province(lay, c, province):
            return province  # "Theo Bộ Chỉ huy Quân sự tỉnh, từ năm 2020 đến nay, toàn lực lượng đã xây dựng 31 …"
        para = lay.paragraphs[c.para]  # "Công an thành phố A luôn … Từ năm 2020, đơn vị đã xây dựng 23 mô hình"
        earlier = [m for m in mentions if para.start <= m.start < c.seg_start and allowed(m.unit)]
        if earlier and words("counts", "back_reference").search(seg):
            return earlier[0].unit  # the paragraph's subject, not a body that watches ("được tỉnh B đánh giá")
        if province is not None and title_body and not titled and not earlier:
            # "Hội Nông dân tỉnh sơ kết …" over "các cấp Hội đã xây dựng 96 mô hình" (not when the
            # headline or the paragraph names the lower unit the body visits)
            return province
    if freq:
        return freq.most_common(1)[0][0]
    return province


def _sector_unit(lay: Layout, mentions: list[Mention], headline: str, before: int,
                 allowed: Any) -> Unit | None:
    """The lower unit a sector belongs to: named bare in the headline ("Ngành giáo dục A lan tỏa …")
    or right after a sector's noun earlier in the body ("ngành giáo dục huyện A tích cực …")."""
    folded = fold(headline)
    for m in mentions:
        if m.start >= before:
            break
        if not allowed(m.unit) or m.unit is None:
            continue
        if _whole_words(folded, [fold(m.unit.name)]):
            return m.unit
        if _sector_noun_before().search(lay.folded, max(0, m.start - 40), m.start):
            return m.unit
    return None


@cache
def _sector_noun_before() -> regex.Pattern[str]:
    """A sector's noun and up to three words of its name, ending where a unit's name starts."""
    nouns = alternation(fold(w) for w in lexicon()["counts"]["sector_nouns"])
    return regex.compile(rf"(?<![\w])(?:{nouns})(?:\s+\w+){{0,3}}\s+$")


#: a lower unit named in a headline with its type word ("Ngành Giáo dục huyện A: …")
_LOWER_UNIT_NAMED = regex.compile(r"(?<![\w])(?:huyện|quận|thị xã|thành phố|xã|phường|thị trấn|đặc khu|h\.|tp\.?)"
                                  r"\s*\p{Lu}", regex.IGNORECASE)


@cache
def _kinds_listed() -> regex.Pattern[str]:
    """A unit word followed by another ("xã, thị trấn", "xã và phường"): kinds of unit, no scope."""
    return regex.compile(rf"\s*(?:,|và)\s*(?:{alternation(lexicon()['counts']['primary_scope'])})(?![\w])")


#: words before a unit word that make it no scope: "các xã", "15 xã, phường", "mỗi xã", "100% xã"
_NOT_A_SCOPE = regex.compile(r"(?:(?<![\w])(?:các|những|nhiều|mỗi)|(?<![\w./])(?<!năm\s)\d{1,3}(?:\.\d{3})*%?"
                              r"|(?<![\w])(?:xã|phường|thị trấn)\s*(?:,|và))\s*$")


@cache
def _body_head() -> regex.Pattern[str]:
    """A body at the head of a headline or a source ("Hội LHPN tỉnh", "BĐBP Kon Tum", "Theo Bộ Chỉ
    huy Quân sự tỉnh,"): the bodies that act or own models, then what follows them."""
    bodies = alternation(
        [*(h for r in lexicon()["level_actor"] for h in r.get("heads_acting", [])),
         *lexicon()["counts"]["organisation_heads"], "đảng bộ", "bộ chỉ huy", "ban chỉ huy"])
    return regex.compile(rf"(?:(?:{bodies})\s+(?:\(\w+\)\s+)?)+")


def _province_body_title(headline: str, province: Unit) -> bool:
    """The headline opens with a body of the province: its bare unit word ("Hội LHPN tỉnh sơ kết …",
    "Hội Nông dân tỉnh: …") or the province's name ("Công an Lào Cai: …", "BĐBP Kon Tum lan tỏa …")."""
    folded = fold(headline)
    m = _body_head().match(folded)
    if m is None:
        return False
    rest = folded[m.end():]
    name = fold(province.name)
    unit_word = _province_words(province.kind == "thành phố")[0].match(rest)
    if unit_word is not None:
        after = headline[m.end() + unit_word.end():]
        if not after[:1].isupper():
            return True  # "Hội LHPN tỉnh sơ kết …"
        rest = rest[unit_word.end():]
    return rest.startswith(name) and not rest[len(name):len(name) + 1].isalnum()


def _province_body_opening(lay: Layout, title: tuple[int, int], province: Unit) -> bool:
    """The body's first sentence has a body of the province as its subject, after an opening
    phrase at most: "Sau hợp nhất, Hội LHPN tỉnh có 64 cơ sở hội …" (as a headline would)."""
    first = next((s for s in lay.sentences if s.start >= title[1]), None)
    if first is None:
        return False
    sentence = lay.text[first.start:first.end].strip()
    comma = sentence.find(",", 0, 40)
    after_comma = sentence[comma + 1:].lstrip() if comma > 0 else None
    return _province_body_title(sentence, province) or _party_body_of(sentence, province) or (
        after_comma is not None and (_province_body_title(after_comma, province)
                                     or _party_body_of(after_comma, province)))


@cache
def _party_bodies() -> str:
    return alternation(lexicon()["counts"]["province_party_bodies"])


def _party_body_of(original: str, province: Unit) -> bool:
    """The text opens with the province's Party committee or one of its boards ("Ban Dân vận Tỉnh ủy
    Sơn La tổ chức hội nghị …", "Tỉnh ủy tổ chức …"; "Thành ủy" for a centrally-run city)."""
    folded = fold(original)
    committee = "(?:tỉnh|thành) ủy" if province.kind == "thành phố" else "tỉnh ủy"
    name = regex.escape(fold(province.name))
    m = regex.match(rf"(?:(?:{_party_bodies()})\s+)?{committee}(?P<name>\s+{name})?(?![\w])", folded)
    # (another province's committee, "Ban Dân vận Tỉnh ủy Hà Nam đến thăm …", is no report of this one)
    return m is not None and (m.group("name") is not None or _NAMED_AFTER.match(original, m.end()) is None)


#: a proper name right after a committee: another unit's ("Tỉnh ủy Hà Nam")
_NAMED_AFTER = regex.compile(r"\s+\p{Lu}")


#: "Theo <body> tỉnh, …" at the head of the count's sentence: the province's body is the source
_ATTRIBUTION = regex.compile(r"\s*theo\s+")


def _attributed_to_province(lay: Layout, c: Candidate, province: Unit) -> bool:
    """The count's sentence opens "Theo <a body of the province>, …" and its clause names no unit."""
    s = c.sentence_start
    m = _ATTRIBUTION.match(lay.folded, s, c.start)
    if m is None:
        return False
    body = _body_head().match(lay.folded, m.end(), c.start)
    if body is None:
        return False
    return _province_words(province.kind == "thành phố")[1].match(lay.folded, body.end(), body.end() + 20) is not None


@cache
def _province_words(city: bool) -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    """The bare unit words that name the province ("tỉnh", and "thành phố" for a centrally-run
    city): as a headline's words after a body, and before the comma of a source."""
    words = r"(?:tỉnh|thành phố|tp\.?)(?![\w])" if city else r"tỉnh(?![\w])"
    return regex.compile(words + r"\s*"), regex.compile(words + r"\s*,")


def _province_subject(lay: Layout, c: Candidate) -> bool:
    """"Công an tỉnh đã xây dựng 58 mô hình": the province (or its body) is the count's subject."""
    own_start, _ = own_before(lay, c, c.seg_start)
    subject = subject_unit(lay, own_start, c.start)
    return subject is not None and subject[1] == "province"


def _title_span(lay: Layout, title: str | None) -> tuple[int, int]:
    """Where the headline stands in the text: the title given, found in the text, or a short first
    line without a full stop followed by the body; (0, 0) when the text has none."""
    if title:
        wanted = " ".join(fold(title).split())
        at = lay.folded.find(wanted) if wanted else -1
        if at >= 0:
            return at, at + len(wanted)
    if len(lay.paragraphs) > 1:
        first = lay.paragraphs[0]
        line = lay.text[first.start:first.end]
        if len(line) <= 200 and not line.rstrip().endswith((".", "!", "?", ":", ";")):
            return first.start, first.end
    return 0, 0


def sentence_of(lay: Layout, start: int | None, end: int | None) -> Evidence | None:
    """The sentence(s) of the layout that hold the span ``start:end``; a span outside every
    sentence (a headline, a line the layout left out) gets its line."""
    if start is None or end is None:
        return None
    starts = lay.sentence_starts()
    i = bisect_right(starts, start) - 1
    if i >= 0 and lay.sentences[i].end > start:
        j = i
        while j + 1 < len(lay.sentences) and lay.sentences[j].end < end and lay.sentences[j + 1].start < end:
            j += 1
        span = Span(lay.sentences[i].start, max(lay.sentences[j].end, end))
    else:
        text = lay.text
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        span = Span(line_start, len(text) if line_end < 0 else line_end)
    return Evidence(text=lay.text[span.start:span.end], start=span.start, end=span.end)


def sentences_of(text: str, spans: list[tuple[int, int]]) -> list[Evidence | None]:
    """The sentence that holds each span (``start``, ``end``: offsets into ``text`` as given), as
    ``extract`` gives a count's or a model's ``sentence``: for records stored without one."""
    if unicodedata.is_normalized("NFC", text):  # the usual case: no offsets to map
        lay = layout(text)
        return [sentence_of(lay, s, e) for s, e in spans]
    composed, where = normalized(text)
    lay = layout(composed)
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    for i, (s, e) in enumerate(where):  # a record's span is whole clusters of the text
        starts.setdefault(s, i)
        ends[e] = i + 1
    out: list[Evidence | None] = []
    for s, e in spans:
        sent = sentence_of(lay, starts.get(s, 0), ends.get(e, len(composed)))
        if sent is not None and sent.start is not None and sent.end is not None:
            a = where[sent.start][0] if sent.start < len(where) else len(text)
            b = where[sent.end - 1][1] if sent.end > sent.start else a
            sent = Evidence(text=text[a:b], start=a, end=b)
        out.append(sent)
    return out


def extract(text: str, meta: Meta) -> Document:
    """Extract the SPEC records of one article (``text`` is the cleaned text, chrome allowed).

    Any Unicode is taken, composed or not: the rules read the text composed (``text.normalized``,
    NFC one cluster at a time), and every span (a count's or a model's ``start``/``end``) is an
    offset into ``text`` as given, with the record's ``text`` equal to ``text[start:end]``. The
    records of a decomposed (NFD) text are those of its NFC form, spans mapped back."""
    if unicodedata.is_normalized("NFC", text):  # the usual case: no offsets to map
        return _extract(text, meta)
    composed, where = normalized(text)
    document = _extract(composed, meta)
    if composed is text:
        return document
    return _map_spans(document, text, where)


def _map_spans(document: Document, text: str, where: list[tuple[int, int]]) -> Document:
    """The spans of records found in the composed text, as offsets into the original ``text``."""
    def span(start: int | None, end: int | None) -> dict[str, object]:
        if start is None or end is None:
            return {}
        s = where[start][0] if start < len(where) else len(text)
        e = where[end - 1][1] if end > start else s
        return {"start": s, "end": e, "text": text[s:e]}

    def mapped(rec: Any) -> Any:
        update = span(rec.start, rec.end)
        sent = getattr(rec, "sentence", None)
        if sent is not None:  # the sentence that holds the evidence, mapped the same way
            update["sentence"] = sent.model_copy(update=span(sent.start, sent.end))
        return rec.model_copy(update=update)

    counts = [mapped(c) for c in document.counts]
    models = [mapped(m) for m in document.models]
    return document.model_copy(update={"counts": counts, "models": models})


def _extract(text: str, meta: Meta) -> Document:
    lay = layout(text)
    published = meta.published
    site = site_of_url(meta.url)
    mentions = find_mentions(lay, meta.title)
    res = resolve(mentions, meta.source_province, published.isoformat() if published else None, site)
    province = province_unit(res.province, res.system) if res.province else None
    url_unit = site_unit(lay, res, site)
    add_bare_communes(lay, res, published.isoformat() if published else None)
    cands = find_candidates(lay, published.year if published else None)
    title = _title_span(lay, meta.title)
    primary = _primary(lay, cands, res, province, title,
                       unicodedata.normalize("NFC", meta.title) if meta.title else None)

    localities: list[Locality] = []
    named = res.units()
    named_province = province in named
    for u in named:
        localities.append(to_locality(u, primary=(primary == u)))
    if url_unit is not None:
        localities.append(to_locality(url_unit, primary=(primary == url_unit), inferred=True))
    if province is not None and not named_province:
        localities.append(to_locality(province, primary=(primary == province), inferred=True))
    localities.sort(key=lambda loc: (not loc.primary, ["province", "district", "commune"].index(loc.level)))

    def ref(u: Unit | None) -> LocalityRef | None:  # ``to_locality(u).ref()`` without the Locality
        return LocalityRef(name=u.name, kind=u.kind, level=u.level,  # type: ignore[arg-type]
                           province=u.province, system=u.system) if u else None  # type: ignore[arg-type]

    reference = reference_date(text, meta.url, published)
    times = find_time_exprs(lay, reference)
    counts = extract_counts(
        lay, cands, res.mentions, times, ref(primary), ref(province),
        PeriodRef(start=None, end=reference),
        city_is_province=bool(province and province.kind == "thành phố"),
        title_span=title,
    )
    models = extract_models(lay, res.mentions)
    for c in counts:
        c.sentence = sentence_of(lay, c.start, c.end)
    for m in models:
        m.sentence = sentence_of(lay, m.start, m.end)
    # "Trước khi sắp xếp, địa bàn này thuộc huyện A" describes places: listed only when it dates a count
    dated = {(c.period.start, c.period.end) for c in counts}
    periods = reporting_periods([t for t in times if t.kind != "before_merger"
                                 or (t.period is not None and (t.period.start, t.period.end) in dated)])
    known = {(p.start, p.end) for p in periods}
    for c in counts:  # stock counts at publication are results too, (null, null) included (SPEC §4)
        k = (c.period.start, c.period.end)
        if k not in known:
            known.add(k)
            periods.append(Period(start=c.period.start, end=c.period.end, text=None))
    return Document(doc=meta.doc, url=meta.url, title=meta.title, published=published,
                    localities=localities, periods=periods, counts=counts, models=models)
