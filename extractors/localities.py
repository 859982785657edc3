"""Localities: mentions of administrative units in the body, resolved against the gazetteer.

A mention is a type word ("huyện", "TP", "Thành ủy", "Huyện đoàn" …, rules ``[[unit_type]]`` of
``data/lexicon.toml``; "P.Thu Thủy", "TP.HCM" may touch their name) followed by a capitalised name
found in the gazetteer (space-, hyphen- and tone-insensitively; a unit whose type changed is found by
its full name), a bare name that continues a list opened by a type word ("các phường: Dân Chủ,
Quỳnh Lâm"), a bare parent in parentheses ("xã Minh Long (Hạ Lang)"), a fixed form ("TPHCM",
``[units] standalone``), or the bare name that leads the title ("Cao Bằng: …"; it is the unit the
body names with its type word under that name, and in a 2025-system article never a former unit
the body does not name, :func:`_title_to_body`). A type word followed by a name the gazetteer does
not hold (units dissolved in 2019–2020) is still a unit, with a null code, in the article's
province, but only in articles published before ``[units] unknown_before`` or undated, and never
when the name opens with capitalised ordinary words (``[units] unknown_not_names``: "xã Đạt
Chuẩn …"). Side units, localities of the article that no count
is about, are kept apart (``Resolved.qualifiers``): parents in parentheses, bare names in
parentheses inside the article's own area, and bare names of communes of a district the article
names (:func:`add_bare_communes`). Province names without a type word only place an article that
nothing else places.

Each unit is resolved in the administrative system in force at publication (SPEC §1.1): the
2025 system from 2025-07-01, except a unit called former ("huyện X cũ", "Trước sáp nhập, xã A")
and any district, which are 2008-system units; a "cũ" after the last item of a list or after the
parent the list belongs to makes every item former ("thị trấn A, xã B và xã C của huyện D cũ",
:func:`_mark_former`), and a name that is no unit in force in the article's province but was one
of it before the reform is that former unit; without a date, the system the named units fit.
The same name exists in many provinces, so mentions are resolved together: the article's province
is the one that explains most mentions (weighted by level, plus the site's province from the
pipeline and from the URL, :func:`~extractors.gazetteer.site_of_url`); each mention then takes its
unit in that province, preferring the districts the article names. The unit a URL names is inferred
where the body names its unit only by the type word (:func:`site_unit`). Every choice is made on
sorted keys, so the result never depends on hash order.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

import regex

from .gazetteer import (
    REFORM_DATE,
    SYSTEM_2008,
    SYSTEM_2025,
    Site,
    Unit,
    communes_of,
    lookup,
    max_name_words,
    name_key,
    province_unit,
    provinces,
)
from .layout import Layout
from .lexicon import alternation, lexicon, longest_first
from .records import Locality, Successor
from .text import clean_name, fold

_LEVELS = ("province", "district", "commune")


@dataclass
class Mention:
    start: int
    end: int
    name: str
    kinds: tuple[str, ...]
    candidates: tuple[Unit, ...]
    rule: str
    unit: Unit | None = None
    in_list: bool = False
    former: bool = False
    unknown: bool = False  # a type word and a name the gazetteer does not hold
    in_title: bool = False  # found in a title that is not part of the text (offsets -1)
    # the found name is a prefix of a longer run of capitalised words that could itself be a unit
    # the gazetteer lacks ("xã Trung Hòa Nam" where only a "Trung Hòa" exists): that run's end
    alt_end: int | None = None
    alt_name: str | None = None


@dataclass
class Resolved:
    province: str | None
    mentions: list[Mention] = field(default_factory=list)
    system: str = SYSTEM_2008
    # side units (a parent in parentheses "xã Minh Long (Hạ Lang)", bare names in parentheses or of
    # a named district's communes): localities of the article, but not what a following count or
    # model is about, so kept out of ``mentions``
    qualifiers: list[Mention] = field(default_factory=list)

    def units(self) -> list[Unit]:
        # (the system too: a former province called "(cũ)" beside the merged one of its name and
        # code is a unit of its own, SPEC §1.1)
        seen: dict[tuple[str, str, str | None, str, str], Unit] = {}
        for m in sorted(self.mentions + self.qualifiers, key=lambda x: (x.start, x.end)):
            if m.unit is not None and m.rule != "unit-url":
                u = m.unit
                seen.setdefault((u.level, u.name, u.code, u.province, u.system), u)
        return list(seen.values())


@cache
def _type_regex() -> tuple[regex.Pattern[str], dict[str, tuple[str, tuple[str, ...]]]]:
    table: dict[str, tuple[str, tuple[str, ...]]] = {}
    for rule in lexicon()["unit_type"]:
        for w in rule["words"]:
            table[fold(w)] = (rule["id"], tuple(rule["kinds"]))
    alts = sorted(table, key=len, reverse=True)
    body = "|".join(regex.escape(a) for a in alts)
    # an abbreviation with a dot may touch its name: "P.Thu Thủy", "TP.HCM"
    # a word of the unit's kind may stand between ("huyện miền núi A Lưới", "xã biên giới Y Tý"), or
    # several joined ("những huyện vùng cao, biên giới như A …")
    qual = alternation(lexicon()["units"]["type_qualifiers"])
    # "Các huyện có nhiều mô hình là (:) A (58), B (41) và C (47)", "Các huyện ven biển có nhiều mô
    # hình nhất: A 64, B 58": kinds of unit (a qualifier at most), a short predicate, then their
    # names (only after "các", "những", "một số", "nhiều")
    # (the predicate opens with a verb of having or leading: "các xã Tà Xùa, Háng Đồng, …, là nơi …"
    # lists communes)
    pred = r"(?:có|dẫn đầu|đứng đầu|nổi bật|đạt|xây dựng|triển khai)(?:(?!\s(?:là|gồm|như)\s)[^.;:()\d\n]){0,50}?"
    kinds = r"(?:\s*,\s*(?:huyện|thị xã|thành phố|quận|xã|phường|thị trấn|đặc khu))*"
    pat = regex.compile(rf"(?<![\w.])(?P<plural>(?:các|những|một số|nhiều)\s+)?(?P<type>{body})"
                        rf"(?:\s*:\s*|(?(plural){kinds}(?:\s+(?:{qual}))?\s+(?P<pred>{pred})"
                        rf"(?:\s+(?:là|gồm|như)(?:\s*:)?|\s*:)\s+|(?!))"
                        rf"|\s+(?P<qual>(?:{qual})(?:\s*(?:,|và)\s*(?:{qual}))*\s+)?(?:(?<=(?:{qual})\s+)như\s+)?|(?<=\.))")
    return pat, table


@cache
def _abbreviations() -> frozenset[str]:
    return frozenset(fold(a) for a in lexicon()["abbreviations"])


@cache
def _type_rules() -> frozenset[str]:
    return frozenset(r["id"] for r in lexicon()["unit_type"])


@cache
def _standalone() -> list[tuple[regex.Pattern[str], str, str, str]]:
    out = []
    for s in lexicon()["units"].get("standalone", []):
        alts = alternation(s["forms"])
        out.append((regex.compile(rf"(?<![\w.])(?:{alts})(?![\w])"), s["id"], s["kind"], s["name"]))
    return out


@cache
def _former() -> regex.Pattern[str]:
    # (not "xã A trước đây là vùng khó khăn", the unit's own past; "trước đây" as a time adverb after a
    # comma or a line break, "Tại xã A, trước đây người dân …", is none: only right after the unit,
    # before punctuation or "có")
    units = lexicon()["units"]
    alts, adverbs = alternation(units["former"]), alternation(units["former_adverbs"])
    return regex.compile(rf"(?:\s*,?\s*(?:{alts})(?![\w])"
                         rf"|[^\S\n]+\(?(?:{adverbs})\)?(?![\w])(?=[^\S\n]*(?:[,;.)]|có\s)))"
                         rf"(?!\s+(?:là|từng|vốn)(?![\w]))")


@cache
def _former_before() -> regex.Pattern[str]:
    """A phrase of ``[units] former_before`` right before a unit ("Trước sáp nhập, xã A …")."""
    alts = alternation(lexicon()["units"]["former_before"])
    return regex.compile(rf"(?<![\w])(?:{alts})\s*,?\s*(?:(?:của|tại|ở|thuộc)\s+)?(?:các\s+)?$")


@cache
def _kind_levels() -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for _, word, level in lexicon()["units"]["kinds"]:
        out[word].add(level)
    return dict(out)


@cache
def _org_heads() -> regex.Pattern[str]:
    heads = longest_first(fold(h) for h in lexicon()["owners"]["heads"])
    return regex.compile(r"^(?:" + "|".join(regex.escape(h) for h in heads) + r")(?![\w])")


_WORD = regex.compile(r"(?:\p{Lu}[\p{L}\p{M}]*(?:['’‘]\p{L}[\p{L}\p{M}]*)?|\d+)")
_SEP = regex.compile(r"(?: *[-–—] *| +)")  # ("Bà Rịa – Vũng Tàu": any dash)


def _name_words(text: str, pos: int, limit: int | None = None) -> list[tuple[int, int]]:
    """Capitalised words (or numbers, "Phường 1") from ``pos``, separated by a space or hyphen."""
    out: list[tuple[int, int]] = []
    while len(out) < (limit or max_name_words() + 1):
        m = _WORD.match(text, pos)
        if not m:
            break
        out.append((m.start(), m.end()))
        sep = _SEP.match(text, m.end())
        if sep is None:
            break
        pos = sep.end()
    return out


@cache
def _same_level(kinds: tuple[str, ...]) -> tuple[str, ...]:
    """Kinds of the levels ``kinds`` denote: a unit whose type changed ("xã" that became a
    "phường", "thị xã" that became a "thành phố") is still found by its full name."""
    levels = {lvl for k in kinds for lvl in _kind_levels().get(k, set())}
    return tuple(sorted(k for k, lv in _kind_levels().items() if lv & levels))


def _longest_unit(text: str, pos: int, kinds: tuple[str, ...]) -> tuple[int, tuple[Unit, ...]] | None:
    words = _name_words(text, pos)
    for n in range(len(words), 0, -1):
        end = words[n - 1][1]
        found = lookup(text[pos:end], kinds)
        if not found and n > 1:
            levels = {lvl for k in kinds for lvl in _kind_levels().get(k, set())}
            found = tuple(u for u in lookup(text[pos:end], _same_level(kinds)) if u.level in levels)
        if found:
            return end, found
    return None


def _unknown_name(text: str, pos: int, kinds: tuple[str, ...]) -> int | None:
    """The end of a name the gazetteer does not hold: 2–3 capitalised syllables, not an organisation."""
    if not all(k in _UNKNOWN_KINDS for k in kinds):
        return None
    words = _name_words(text, pos, limit=4)
    if not (lexicon()["units"]["unknown_min_words"] <= len(words) <= 3):
        return None
    for s, e in words:
        w = text[s:e]
        if not w[0].isupper() or any(ch.isupper() for ch in w[1:]) or len(w) > 7 or w.isdigit():
            return None
    end = words[-1][1]
    if _org_heads().match(fold(text[pos:end])):
        return None
    # ordinary words of a phrase, capitalised ("xã Đạt Chuẩn Nông thôn mới"): checked from each word
    for s, _ in words:
        if _not_names().match(" ".join(fold(text[s:s + 40]).replace("-", " ").split())):
            return None
    return end


@cache
def _institution_before() -> regex.Pattern[str]:
    """An institution's head right before a type word, its name's capitalised words between at most
    (lexicon ``[units] institution_heads``)."""
    # (matched on the text, on one line: not "bảo vệ môi trường" ending a subheading before "Xã A có …";
    # the words between are the name's, capitalised or an abbreviation; "trường THCS Thị trấn A" in
    # running text too)
    heads = alternation(lexicon()["units"]["institution_heads"])
    return regex.compile(rf"(?<![\w])(?i:{heads})[^\S\n]+(?:\p{{Lu}}[\w&]*[^\S\n]+){{0,3}}?$")


@cache
def _not_names() -> regex.Pattern[str]:
    phrases = longest_first(fold(p) for p in lexicon()["units"]["unknown_not_names"])
    return regex.compile(r"(?:" + "|".join(regex.escape(p) for p in phrases) + r")(?![\w])")


def _unknown_allowed(published: str | None) -> bool:
    """Units the gazetteer lacks (dissolved 2019–2020) are named only in texts of those years."""
    return published is None or published[:7] < lexicon()["units"]["unknown_before"]


_ITEM_END = regex.compile(r"\s*(?:[,;.)…]|và\s|$)")


@cache
def _not_first() -> frozenset[str]:
    return frozenset(fold(w) for w in lexicon()["units"]["unknown_not_first"])


_UNKNOWN_KINDS = {"huyện", "quận", "thị xã", "xã", "phường", "thị trấn"}
_LIST_SEP = regex.compile(r"(?:\s*,\s*|\s+và\s+)")
#: after an item's count, the words of a ranking that lead the next item: "H. A với 193 mô hình,
#: tiếp đến B 171 mô hình, C 158"
_RANK_SEP = regex.compile(r"\s*,?\s*(?:tiếp (?:đến|theo|sau)|kế (?:đến|tiếp|sau)|sau đó|rồi đến|đứng thứ hai)"
                          r"(?:\s+(?:là|có))?\s+|(?:\s*,\s*|\s+và\s+)", regex.IGNORECASE)
#: an item's count right after its name: "huyện A 214 mô hình, B 198"
_ITEM_COUNT_BARE = regex.compile(r"\s+(?:có\s+|với\s+)?\d{1,3}(?:\.\d{3})*(?:\s+mô hình)?"
                                 r"(?=\s*,|\s+và\s|\s+(?:tiếp|kế|sau|rồi|đứng)\s)")
#: an item's count in parentheses after its name: "Nghi Lộc (63)", "Yên Thành (72 mô hình)"
_ITEM_COUNT_PAREN = regex.compile(r"\s*\(\s*\d{1,3}(?:\.\d{3})*(?:\s+(?:mô hình|mh))?\s*\)")
_PAREN = regex.compile(r"\s*\(\s*")
_PAREN_END = regex.compile(r"\s*\)")


def _parent(text: str, end: int, m: Mention) -> Mention | None:
    """A bare parent in parentheses right after a unit: "xã Minh Long (Hạ Lang)"."""
    op = _PAREN.match(text, end)
    if not op or not m.candidates:
        return None
    hit = _longest_unit(text, op.end(), ("huyện", "quận", "thị xã", "thành phố", "tỉnh"))
    if hit is None or not _PAREN_END.match(text, hit[0]):
        return None
    p_end, found = hit
    districts = {(c.system, c.district_code) for c in m.candidates if c.district_code}
    provinces = {(c.system, c.province) for c in m.candidates}
    parents = tuple(u for u in found
                    if (u.level == "district" and (u.system, u.code) in districts)
                    or (u.level == "province" and (u.system, u.name) in provinces))
    if not parents:
        return None
    return Mention(op.end(), p_end, text[op.end():p_end], tuple(sorted({u.kind for u in parents})),
                   parents, "unit-parent")


def _scan(text: str, folded: str, start: int, end: int) -> list[Mention]:
    pat, table = _type_regex()
    out: list[Mention] = []
    for pattern, rule_id, kind, name in _standalone():
        for m in pattern.finditer(folded, start, end):
            found = lookup(name, (kind,))
            if found:
                out.append(Mention(m.start(), m.end(), text[m.start():m.end()], (kind,), found, rule_id))
    taken = [(x.start, x.end) for x in out]
    groups: list[_Group] = []
    for m in pat.finditer(folded, start, end):
        if any(s <= m.start() < e for s, e in taken):
            continue
        rule, kinds = table[m.group("type")]
        if rule == "unit-dia-phuong" and m.group("pred") is None:
            continue  # "địa phương" names units only in a ranking's opener
        if m.end() >= len(text) or not (text[m.end()].isupper() or text[m.end()].isdigit()):
            continue
        if _INITIAL_TYPE.fullmatch(m.group("type")) and _NAME_BEFORE.search(text, max(0, m.start() - 24), m.start()):
            continue  # "anh Lê Văn H. Cam Lộ": a person's initial, no "H." for huyện
        if text[m.start()].isupper() and "." not in m.group("type") and m.group("type") not in _abbreviations() \
                and _institution_before().search(text, max(0, m.start() - 40), m.start()):
            continue  # "Trường THCS Thị trấn Nghèn": a capitalised type word inside an institution's name
        hit = _longest_unit(text, m.end(), kinds)
        noun = _count_noun_after().match(folded, hit[0]) if hit is not None and text[m.end():hit[0]].isdigit() else None
        if noun is not None and not _NAME_AFTER_NOUN.match(text, noun.end()):
            continue  # "Ủy ban MTTQ phường 11 mô hình": the number is a count, no "Phường 11"
        if m.group("qual") and (hit is None or _names_higher_unit(text[m.end():hit[0]], hit[1])):
            continue  # "các xã miền núi Thanh Hóa": the province's communes, no "xã Thanh Hóa"
        group: list[Mention] = []
        full_word = "." not in m.group("type") and m.group("type") not in _abbreviations()  # not "tp", "p."
        if hit is None:
            u_end = _unknown_name(text, m.end(), kinds) if full_word else None
            if u_end is None:
                continue
            group.append(Mention(m.end(), u_end, text[m.end():u_end], kinds, (), rule, unknown=True))
            n_end = u_end
        else:
            n_end, found = hit
            u_end = _unknown_name(text, m.end(), kinds) if full_word else None
            alt = u_end if u_end is not None and u_end > n_end else None
            group.append(Mention(m.end(), n_end, text[m.end():n_end], kinds, found, rule, alt_end=alt,
                                 alt_name=text[m.end():alt] if alt is not None else None))
            if alt is not None and not _LIST_SEP.match(text, n_end) and _LIST_SEP.match(text, alt):
                n_end = alt
        # a list continued by bare names of the same kind: "huyện Lạc Thủy, Lạc Sơn"
        while True:
            parent = _parent(text, n_end, group[-1])
            if parent is not None:
                group.append(parent)
                n_end = _PAREN_END.match(text, parent.end).end()  # type: ignore[union-attr]
            elif m.group("pred") is not None:  # "… là A (58), B (41 mô hình) và C (47)": an item's count
                count = _ITEM_COUNT_PAREN.match(text, n_end)
                n_end = count.end() if count else n_end
            counted = _ITEM_COUNT_BARE.match(text, n_end)  # "huyện A 214 mô hình, B 198, …": each item's count
            sep = _RANK_SEP.match(text, counted.end()) if counted else _LIST_SEP.match(text, n_end)
            if not sep or sep.end() >= end:
                break
            nxt = _longest_unit(text, sep.end(), kinds)
            if counted is not None and nxt is None:
                break  # (after a count, only a unit the gazetteer holds goes on with the list)
            if nxt is None:
                # a unit the gazetteer lacks, as a list item: "xã Tuấn Đạo, Vĩnh Khương;"
                u_end = _unknown_name(text, sep.end(), kinds) if full_word else None
                if (u_end is None or not _ITEM_END.match(text, u_end)
                        or fold(text[sep.end():u_end]).split()[0] in _not_first()):
                    break
                group.append(Mention(sep.end(), u_end, text[sep.end():u_end], kinds, (), rule,
                                     in_list=True, unknown=True))
                n_end = u_end
                continue
            l_end, l_found = nxt
            u_end = _unknown_name(text, sep.end(), kinds) if full_word else None
            alt = u_end if u_end is not None and u_end > l_end and _ITEM_END.match(text, u_end) else None
            group.append(Mention(sep.end(), l_end, text[sep.end():l_end], kinds, l_found, rule, in_list=True,
                                 alt_end=alt, alt_name=text[sep.end():alt] if alt is not None else None))
            n_end = alt if alt is not None and not _LIST_SEP.match(text, l_end) else l_end
        for g in group:  # "xã A cũ, B": an item called former on its own
            if _former().match(folded, g.end):
                g.former = True
        groups.append(_Group(m.start(), n_end, group))
        out.extend(group)
    _mark_former(folded, groups)
    return out


@dataclass
class _Group:
    """The mentions one type word introduces (a unit and the bare list items after it)."""
    start: int  # the type word's start
    end: int  # the last item's end
    mentions: list[Mention]

    def levels(self) -> set[int]:
        return {_LEVELS.index(lvl) for k in self.mentions[0].kinds for lvl in _kind_levels().get(k, set())}


_CHAIN_GAP = regex.compile(r"\s*[,;]\s*(?:và\s+)?|\s+và\s+")
_PARENT_GAP = regex.compile(r"\s*,?\s*(?:(?:của|thuộc)\s+(?:các\s+)?)?")


def _link(folded: str, a: _Group, b: _Group) -> str | None:
    """How group ``b`` follows group ``a``: "item" (the next item of one list, "thị trấn A, xã B và
    xã C"), "parent" (the unit the list belongs to, "… của huyện D", "…, huyện D") or None."""
    if b.start < a.end:
        return None
    gap = folded[a.end:b.start]
    above = bool(a.levels()) and bool(b.levels()) and max(b.levels()) < min(a.levels())
    if _CHAIN_GAP.fullmatch(gap) and not above:
        return "item"
    if _PARENT_GAP.fullmatch(gap) and above:
        return "parent"
    return None


def _mark_former(folded: str, groups: list[_Group]) -> None:
    """Former units (SPEC §1.1): a "cũ" / "trước sáp nhập" after the last item of a list, or after
    the parent the list belongs to ("thị trấn A, xã B và xã C của huyện D cũ"), makes every unit of
    the list former; so does a "Trước sáp nhập," before its first item."""
    n = len(groups)
    links = [_link(folded, groups[i], groups[i + 1]) for i in range(n - 1)]
    back = [False] * n  # called former after it, or after a later item or parent of its list
    for i in range(n - 1, -1, -1):
        back[i] = bool(_former().match(folded, groups[i].end)) or (
            i + 1 < n and links[i] is not None and back[i + 1])
    fwd = [False] * n  # called former before it, or before an earlier item of its list
    for i in range(n):
        g = groups[i]
        fwd[i] = bool(_former_before().search(folded, max(0, g.start - 40), g.start)) or (
            i > 0 and links[i - 1] == "item" and fwd[i - 1])
    for i, g in enumerate(groups):
        if back[i] or fwd[i]:
            for x in g.mentions:
                x.former = True


def _title_lead(title: str, offset: int, text: str, colon_only: bool = False) -> Mention | None:
    """The bare unit name that leads a title ("Cao Bằng: …", "Hội An có …"): a province or district.

    ``colon_only``: only the "Name: …" form (a first line taken for the headline)."""
    lead = len(title) - len(title.lstrip(" \"“'‘"))
    words = _name_words(title, lead)
    if words and title[words[0][0]:words[0][1]].isdigit():
        return None  # "6 tháng đầu năm …", "5 năm lan tỏa …": a numbered unit needs its type word ("Quận 6")
    follow = r"\s*:\s" if colon_only else r"\s*(?:[:–—-]\s|\s+\p{Ll})"
    for n in range(len(words), 0, -1):
        end = words[n - 1][1]
        rest = title[end:]
        if not regex.match(follow, rest):
            continue
        # a province or district; in the 2025 system, communes stand directly under provinces
        found = tuple(u for u in lookup(title[lead:end])
                      if u.level in ("province", "district") or u.system == SYSTEM_2025)
        if found:
            start = offset + lead if offset >= 0 else -1
            stop = offset + end if offset >= 0 else -1
            return Mention(start, stop, title[lead:end], tuple(sorted({u.kind for u in found})), found,
                           "unit-title-lead", in_title=offset < 0)
        break
    return None


_BARE_PAREN = regex.compile(r"\(\s*(?P<name>\p{Lu}[\p{L}\p{M}]*(?:[ -]\p{Lu}[\p{L}\p{M}]*){0,3})\s*\)")


def _bare_in_parens(text: str, start: int, end: int, taken: list[Mention]) -> list[Mention]:
    """Bare names in parentheses ("hoa đào (Thanh Đình)"): kept by :func:`resolve` only when they
    fall inside the article's own area (a district of its province, a commune of a named district)."""
    out: list[Mention] = []
    for m in _BARE_PAREN.finditer(text, start, end):
        s, e = m.span("name")
        if any(t.start <= s < t.end for t in taken):
            continue
        found = lookup(text[s:e])
        if found:
            out.append(Mention(s, e, text[s:e], tuple(sorted({u.kind for u in found})), found, "unit-paren-bare"))
    return out


@cache
def _province_names() -> tuple[str, ...]:
    return tuple(longest_first(fold(u.name) for u in provinces()))


@lru_cache(maxsize=4)  # the paragraphs of one article ask in turn
def _province_occurrences(folded: str) -> list[tuple[int, int]]:
    return _occurrences(folded, _province_names())


#: "Ở Ninh Bình, …", "Tại Hà Nội, …": a province named bare at the head of its sentence, before a comma
_LOCATIVE_OPENER = regex.compile(r"(?:^|[.;:!?\n]\s*)(?:ở|tại|riêng)\s+$")
#: "Tại Hà Nội, Ban Dân vận Trung ương tổ chức hội nghị …": the place of an event, not a unit reported on
_EVENT_AFTER = regex.compile(r"(?<![\w])(?:tổ chức|hội nghị|tham quan|học tập|đoàn công tác|diễn ra)(?![\w])")
_SENTENCE_HEAD = regex.compile(r"(?:^|[.;!?\n]\s*)$")
#: the verb of a province as a subject: "Đắk Nông có …", "Lâm Đồng đã xây dựng …", "Gia Lai hiện có …"
#: "(cũ)" / "cũ" after a unit's name: it calls the unit former
_CALLED_FORMER = r"(?:\s*\(\s*cũ\s*\)|\s+cũ)"
_SUBJECT_VERB = regex.compile(_CALLED_FORMER + r"?\s+(?:hiện\s+)?(?:có|đã|xây dựng|công nhận|ghi nhận|duy trì"
                           r"|triển khai)(?![\w])")
#: "Cụ thể, Bến Tre có 2.140 mô hình, Trà Vinh có 1.655 mô hình": provinces as the subjects of the
#: items of a list of counts (after a comma, a semicolon or a colon, each item "có" and a number)
_ITEM_HEAD = regex.compile(r"(?:[,;:]\s*(?:(?:cụ thể|trong đó|riêng|còn)\s*,?\s*)?"
                           r"|(?:^|[.!?\n]\s*)(?:cụ thể|trong đó|riêng|còn)\s*,\s*)$")
# (a province called former may give its number bare: "trong đó A (cũ) 1.608 và B (cũ) 1.338")
_ITEM_COUNT = regex.compile(r"(?:" + _CALLED_FORMER + r"(?:\s+(?:hiện\s+)?(?:có|đạt|xây dựng|xây dựng được))?"
                            r"|\s+(?:hiện\s+)?(?:có|đạt|xây dựng|xây dựng được))\s+"
                            r"(?:khoảng\s+|hơn\s+|trên\s+|gần\s+)?\d")
_PREV_WORD = regex.compile(r"([\p{L}\p{M}]+)[ ]*$")
_NEXT_WORD = regex.compile(r"[ ]*-?[ ]*(\p{L})")


def _named_before(folded: str, s: int, e: int, named: list[Mention]) -> bool:
    """A list item's bare province ("Cụ thể, Trà Vinh có 1.655 mô hình") is one only when its
    paragraph named that province before ("3 tỉnh Bến Tre, Trà Vinh và Vĩnh Long …"): else
    "Hòa Bình có 120 mô hình" after "toàn tỉnh Bạc Liêu" is Bạc Liêu's district."""
    name = folded[s:e]
    return any(m.start < s and folded[m.start:m.end].endswith(name) for m in named)


@cache
def _province_agency() -> regex.Pattern[str]:
    """"Đảng ủy Sở Y tế Hà Nội": a province's agency, then the bare province (lexicon
    ``province_agencies``)."""
    heads = alternation(lexicon()["units"]["province_agencies"])
    # (capitalised: "cơ sở Hà Nội" is no department); the agency's name, up to nine words, none of
    # them a verb or a place word ("Sở Nội vụ đến học tập tại Nghệ An" names no Nghệ An department)
    stops = alternation(lexicon()["units"]["province_agency_not_between"])
    return regex.compile(rf"(?<![\w])(?=\p{{Lu}})(?i:{heads})(?:\s+(?!(?i:{stops})(?![\w]))(?:[\w&]+|-)){{0,9}}?\s+$")


def _after_province_item(folded: str, s: int, out: list[Mention]) -> bool:
    """The item after a province that heads its sentence as a list's first item ("Gia Lai (cũ) có
    1.392 mô hình, Bình Định (cũ) có 1.076 mô hình")."""
    if not out or out[-1].rule != "unit-province-opener" or s - out[-1].end > 60:
        return False
    return _ITEM_COUNT.match(folded, out[-1].end) is not None and _LIST_BREAK.search(folded, out[-1].end, s) is None


def _sibling_item(folded: str, s: int, items: list[tuple[int, int]]) -> bool:
    """A list item next to another item that is a bare province too ("Cụ thể, Lâm Đồng có 6.120 mô
    hình, Đắk Nông có 3.350 mô hình, Bình Thuận có …"): provinces side by side (a lone item is
    one only when its paragraph named it before). Not in a list of communes or wards ("Các
    phường dẫn đầu: Nam Định có 45 mô hình, Hà Nam có 30": the wards of those names)."""
    k = next(i for i, x in enumerate(items) if x[0] == s)
    head = folded.rfind(". ", max(0, items[0][0] - 200), items[0][0])
    if _COMMUNE_LIST_HEAD.search(folded, head + 1 if head >= 0 else max(0, items[0][0] - 200), items[0][0]):
        return False  # "Các phường dẫn đầu phong trào: Nam Định có 45 mô hình, Hà Nam có 30": wards
    near = [items[j] for j in (k - 1, k + 1) if 0 <= j < len(items)]
    return any(_LIST_BREAK.search(folded, min(a[1], s), max(a[0], s)) is None and abs(a[0] - s) <= 80
               for a in near)


#: inside a parenthesis that lists the provinces a new one merged ("(hợp nhất Cần Thơ, Sóc Trăng, Hậu Giang)")
_MERGER_PAREN = regex.compile(r"\(\s*(?:được\s+)?(?:hợp nhất|sáp nhập|gồm|trên cơ sở(?:\s+(?:hợp nhất|sáp nhập))?)"
                              r"(?:\s+(?:từ|các|ba|hai|3|2|tỉnh|tỉnh,\s*thành))*\s+(?:[^()]{0,80}?(?:,|và)\s+)?$")
def _names_higher_unit(name: str, found: tuple[Unit, ...]) -> bool:
    """The name is also a unit above the kind found, in the system of one found ("các xã vùng cao
    Mường Tè": a district of 2008; "các xã biên giới như Bát Xát, Y Tý" names communes of 2025, the
    district Bát Xát of 2008 being no unit beside them)."""
    rank = {"province": 0, "district": 1, "commune": 2}
    lowest: dict[str, int] = {}
    for u in found:
        lowest[u.system] = min(lowest.get(u.system, 3), rank[u.level])
    return any(u.system in lowest and rank[u.level] < lowest[u.system] for u in lookup(name))


#: a model's name after the noun ("Phường 12 mô hình “Hẻm xanh”"): the number names the ward
_NAME_AFTER_NOUN = regex.compile(r"\s*(?:[\"“‘']|\p{Lu})")


@cache
def _count_noun_after() -> regex.Pattern[str]:
    """The noun of a count right after a number ("11 mô hình", "9 điển hình")."""
    return regex.compile(rf"\s+(?:lượt\s+)?(?:{alternation(lexicon()['counts']['heads'])})(?![\w])")


#: the opener of a list of communes or wards
_COMMUNE_LIST_HEAD = regex.compile(r"(?<![\w])(?:các|những|một số|nhiều)\s+(?:xã|phường|thị trấn|đặc khu)(?![\w])")
#: a sentence's end between two list items
_LIST_BREAK = regex.compile(r"[.!?\n]\s")


def _bare_provinces(text: str, folded: str, start: int, end: int, taken: list[Mention]) -> list[Mention]:
    """Province names without a type word ("tại Hà Giang"): only a fallback signal of the
    article's province (SPEC §1.1 inferred), used when no unit and no site places it."""
    out: list[Mention] = []
    # the province names' alternation as whole words, from one substring search per name and text
    spans = [(s, e) for s, e in _pick(folded, _province_occurrences(folded), start, end)
             if text[s].isupper() and not any(t.start <= s < t.end for t in taken)]
    items = [(s, e) for s, e in spans if _ITEM_HEAD.search(folded, max(0, s - 16), s) is not None
             and _ITEM_COUNT.match(folded, e) is not None]
    for s, e in spans:
        prev = _PREV_WORD.search(text, max(0, s - 30), s)
        nxt = _NEXT_WORD.match(text, e)
        opener = (_LOCATIVE_OPENER.search(folded, max(0, s - 12), s) is not None and text.startswith(",", e)
                  # "Đắk Nông có 1.980 mô hình": a province as the subject at the head of its sentence
                  or _SENTENCE_HEAD.search(folded, max(0, s - 4), s) is not None
                  and _SUBJECT_VERB.match(folded, e) is not None
                  or (s, e) in items
                  and (_named_before(folded, s, e, [*taken, *out]) or _sibling_item(folded, s, items)
                       or _after_province_item(folded, s, out))) \
            and not _EVENT_AFTER.search(folded, e, min(end, e + 60)) \
            or _province_agency().search(text, max(0, s - 60), s) is not None \
            or _MERGER_PAREN.search(folded, max(0, s - 100), s) is not None
        # ("Đảng ủy Sở Y tế Hà Nội tổ chức …"; "thành phố Cần Thơ (hợp nhất Cần Thơ, Sóc Trăng, Hậu Giang)")
        if not opener and ((prev and prev.group(1)[0].isupper()) or (nxt and nxt.group(1).isupper())):
            continue  # part of a longer name ("Trường THPT Hà Giang", "Bắc Giang Xanh", "Báo Bình Phước (cũ)")
        # "khu vực Long An (cũ) có 900 mô hình": a bare province called former, after an area word,
        # is the former province ("Trường Chính trị Long An cũ" is a school's name)
        # and so is one called former with its count right after it ("…, trước hợp nhất, Long An
        # (cũ) có 900 mô hình và Tây Ninh (cũ) có 800 mô hình")
        opener = opener or (_former().match(folded, e) is not None
                            and (_FORMER_AREA_BEFORE.search(folded, max(0, s - 16), s) is not None
                                 or _ITEM_COUNT.match(folded, e) is not None
                                 and _CLAUSE_HEAD_BEFORE.search(folded, max(0, s - 6), s) is not None))
        found = tuple(u for u in lookup(text[s:e]) if u.level == "province")
        if found:
            # "Ở Ninh Bình, 6 tháng đầu năm …": a clause about that province, a unit like one named
            out.append(Mention(s, e, text[s:e], tuple(sorted({u.kind for u in found})), found,
                               "unit-province-opener" if opener else "unit-bare-province",
                               former=_former().match(folded, e) is not None))
    return out


#: a type word that is one letter and a dot ("h.", "p.", "q."): also a person's initial
_INITIAL_TYPE = regex.compile(r"\w\.")
#: a capitalised word of a name right before it ("Lê Văn H.", "chị Thị P.")
_NAME_BEFORE = regex.compile(r"(?<![\w])\p{Lu}[\p{Ll}\p{M}]+[ ]+$")
#: where a clause's subject starts: after a comma, "và", a sentence's end (not inside a longer name:
#: "Trường Chính trị Long An cũ có 3 mô hình")
_CLAUSE_HEAD_BEFORE = regex.compile(r"(?:^|[,;:]\s*|(?<![\w])và\s+|[.!?]\s+)$")
#: the words before a bare province called former that make it the unit: "khu vực", "địa bàn", "vùng"
_FORMER_AREA_BEFORE = regex.compile(r"(?<![\w])(?:khu vực|địa bàn|vùng|thuộc)\s+$")
#: a further item of a breakdown by former unit: ", Hưng Yên Bắc cũ 12 mô hình" (a name, "cũ", a number)
_FORMER_ITEM = regex.compile(r"[,;]\s*(?:và\s+)?(?P<name>\p{Lu}[\w'’-]*(?:\s+\p{Lu}[\w'’-]*){0,3})"
                             + _CALLED_FORMER + r"(?=\s+(?:có\s+|với\s+|là\s+)?(?:(?:hơn|gần|trên)\s+)?\d)")
_ITEM_LIMIT = 300


def _former_items(text: str, end: int, found: list[Mention]) -> list[Mention]:
    """"khu vực xã Hưng Yên cũ có 15 mô hình, Hưng Yên Bắc cũ 12 mô hình, Hưng Trung cũ 11": after a
    former unit named with its type word, the further items of its breakdown name former units of
    the same kind bare (each with "cũ" and a number), in the same province."""
    out: list[Mention] = []
    taken = {m.start for m in found}
    for m in found:
        if not m.candidates or not _FORMER_ITEM_HEAD.match(text, m.end):
            continue
        provinces = {u.province for u in m.candidates}
        for item in _FORMER_ITEM.finditer(text, m.end, min(end, m.end + _ITEM_LIMIT)):
            if _LIST_BREAK.search(text, m.end, item.start()):
                break
            s, e = item.span("name")
            if s in taken:
                continue
            cands = tuple(u for u in lookup(text[s:e], m.kinds) if u.province in provinces)
            if cands:
                out.append(Mention(s, e, text[s:e], m.kinds, cands, "unit-former-item", former=True))
                taken.add(s)
    return out


#: a typed unit called former and counted: "xã Hưng Yên cũ có 15 …", "phường A (cũ) 12 …"
_FORMER_ITEM_HEAD = regex.compile(_CALLED_FORMER + r"\s+(?:có\s+|với\s+|là\s+)?(?:(?:hơn|gần|trên)\s+)?\d")


def _bare_subjects(text: str, folded: str, found: list[Mention]) -> list[Mention]:
    """A district the article names with its type word ("huyện Mường Lát"), named again bare as
    the subject at the head of a sentence ("Năm qua, Mường Lát có 142 mô hình …", "Mường Lát đã
    xây dựng …"): the same unit (its candidates; the type word's mention decides as usual)."""
    typed: dict[str, tuple[Unit, ...]] = {}
    rules = _type_rules()
    for m in found:
        if m.rule in rules and m.candidates and all(u.level == "district" for u in m.candidates):
            typed.setdefault(fold(m.name), m.candidates)
    if not typed:
        return []
    taken = sorted((m.start, m.end) for m in found)
    starts = [a for a, _ in taken]
    out: list[Mention] = []
    # the alternation of the names as whole words, found without compiling one per article
    for s, e in _whole_words(folded, typed):
        k = bisect.bisect_right(starts, s) - 1
        if k >= 0 and taken[k][1] > s or not text[s].isupper():
            continue  # part of a mention already found ("huyện Mường Lát" itself)
        head = _SENTENCE_HEAD.search(folded, max(0, s - 4), s) is not None \
            or _CLAUSE_HEAD.search(folded, max(0, s - 30), s) is not None \
            or _KIND_OPENER.search(folded, max(0, s - 130), s) is not None
        if head and _SUBJECT_VERB.match(folded, e):
            cands = typed[folded[s:e]]
            out.append(Mention(s, e, text[s:e], tuple(sorted({u.kind for u in cands})), cands, "unit-bare-subject"))
    return out


#: "Năm qua, Mường Lát có …", "Trong năm 2024, Mường Lát đã …": a time phrase, then the subject
_CLAUSE_HEAD = regex.compile(r"(?:^|[.;!?\n]\s*)(?:năm qua|năm nay|năm \d{4}|trong năm(?: \d{4})?|đến nay|hiện nay)"
                             r"\s*,\s*$")


#: "Là huyện biên giới có đông đồng bào dân tộc, A hiện có 30 mô hình": an opening that says what kind
#: of unit the bare name after it is
_KIND_OPENER = regex.compile(r"(?:^|[.;!?\n]\s*)là\s+(?:một\s+)?(?:huyện|thị xã|quận)(?![\w])[^.;!?\n]{0,100},\s*$")


#: "A là xã ven sông của huyện B", "A là một phường …": a capitalised name at the head of a sentence
#: that the sentence defines as a unit of a kind
_DEFINED = regex.compile(r"(?:^|(?<=[.!?\n])\s*)(?P<name>\p{Lu}[\w'’]*(?:\s+\p{Lu}[\w'’]*){0,3})"
                         r"\s+là\s+(?:một\s+)?(?P<kind>xã|phường|thị trấn|huyện|thị xã|quận)(?![\w])")


def _defined_names(text: str, found: list[Mention]) -> list[Mention]:
    """A bare name the article defines as a unit of a kind at the head of a sentence ("Phụng Công là
    xã ven sông của huyện Văn Giang"): a mention of that kind (the gazetteer's units of the name)."""
    out: list[Mention] = []
    for m in _DEFINED.finditer(text):
        s, e = m.span("name")
        if any(x.start < e and s < x.end for x in found):
            continue
        hit = _longest_unit(text, s, (m.group("kind"),))
        if hit is not None and hit[0] == e:
            out.append(Mention(s, e, text[s:e], (m.group("kind"),), hit[1], "unit-defined"))
    return out


_TABLE_SEP = " | "


def _table_units(lay: Layout, found: list[Mention]) -> list[Mention]:
    """The rows of a table written as text whose header's first cell is a kind of unit ("Phường | Số
    mô hình", then "Hoàng Liệt | 96"): each row's first cell a unit of that kind, where the gazetteer
    holds the name (bare names, no type word)."""
    _, table = _type_regex()
    out: list[Mention] = []
    taken = {m.start for m in found}
    districts = {u.code for m in found for u in m.candidates if u.level == "district"}
    kinds: tuple[str, ...] | None = None
    for para in lay.paragraphs:
        line = lay.text[para.start:para.end]
        if _TABLE_SEP not in line:
            kinds = None
            continue
        first = line.split(_TABLE_SEP, 1)[0]
        head = fold(first).strip()
        if kinds is None:
            entry = table.get(head)
            if entry is not None and not any(ch.isdigit() for ch in line) and entry[0] != "unit-dia-phuong":
                kinds = entry[1]
            continue
        start = para.start + len(first) - len(first.lstrip())
        end = para.start + len(first.rstrip())
        if start in taken or start >= end or not lay.text[start].isupper():
            continue
        hit = _longest_unit(lay.text, start, kinds)
        units = tuple(u for u in hit[1] if u.kind in kinds) if hit is not None and hit[0] == end else ()
        if districts:  # (in the district named before: "quận A … Phường | Số mô hình", not a namesake elsewhere)
            units = tuple(u for u in units if u.level != "commune" or u.district_code in districts)
        if units:
            out.append(Mention(start, end, lay.text[start:end], kinds, units, "unit-table-row"))
    return out


def find_mentions(lay: Layout, title: str | None = None) -> list[Mention]:
    text = lay.text
    out: list[Mention] = []
    for para in lay.paragraphs:
        found = _scan(text, lay.folded, para.start, para.end)
        out.extend(found)
        out.extend(_bare_in_parens(text, para.start, para.end, found))
        out.extend(_bare_provinces(text, lay.folded, para.start, para.end, found))
        out.extend(_former_items(text, para.end, found))
    out.extend(_bare_subjects(text, lay.folded, out))
    out.extend(_table_units(lay, out))
    out.extend(_defined_names(text, out))
    if not (title and title.strip()) and len(lay.paragraphs) > 1:
        first = lay.paragraphs[0]
        line = text[first.start:first.end]
        if len(line) <= 200 and not line.rstrip().endswith("."):
            lead = _title_lead(line, first.start, text, colon_only=True)
            if lead is not None and not any(m.start <= lead.start < m.end for m in out):
                out.append(lead)
    if title and title.strip():
        title = title.strip()
        at = text.find(title)
        if at >= 0 and lay.in_body(at):
            lead = _title_lead(title, at, text)
            if lead is not None and not any(m.start <= lead.start < m.end for m in out):
                out.append(lead)
        else:
            extra = _scan(title, fold(title), 0, len(title))
            lead = _title_lead(title, -1, text)
            if lead is not None and not any(m.start <= lead.start < m.end for m in extra):
                extra.append(lead)
            for m in extra:
                m.start = m.end = -1
                m.in_title = True
            out.extend(extra)
    out.sort(key=lambda x: (x.start, x.end))
    return out


# --- resolution -------------------------------------------------------------------------------------

def _valid_at(u: Unit, when: str | None) -> bool:
    return when is None or (u.first_seen[:7] <= when[:7] <= u.last_seen[:7]) or when < u.first_seen


def article_system(mentions: list[Mention], published: str | None) -> str:
    """The system in force at publication; undated, the one that more named units fit (2008 on a tie)."""
    if published:
        return SYSTEM_2025 if published >= REFORM_DATE else SYSTEM_2008
    fit = {SYSTEM_2008: 0, SYSTEM_2025: 0}
    for m in mentions:
        for s in fit:
            if any(u.system == s for u in m.candidates):
                fit[s] += 1
    return SYSTEM_2025 if fit[SYSTEM_2025] > fit[SYSTEM_2008] else SYSTEM_2008


def _pool(m: Mention, system: str, published: str | None) -> list[Unit]:
    """The mention's candidates in the system it is resolved in (SPEC §1.1)."""
    want = SYSTEM_2008 if (system == SYSTEM_2008 or m.former) else SYSTEM_2025
    pool = [u for u in m.candidates if u.system == want]
    if not pool and (want == SYSTEM_2025 or published is None):
        # a 2025-system article naming an old unit without "cũ" (always so for districts);
        # an undated article naming a unit of the other system
        pool = [u for u in m.candidates if u.system != want]
    return sorted(pool, key=lambda u: (_LEVELS.index(u.level), u.province, u.code or "", u.name))


def province_in(u: Unit, system: str) -> str | None:
    """The province of ``u`` in ``system`` terms (a 2008 unit's 2025 province is its successor)."""
    if u.system == system:
        return u.province
    if system == SYSTEM_2025:
        return u.successor
    return None


def map_province(name: str | None, system: str) -> str | None:
    """A 2008-system province name (sites, sources.toml) in ``system`` terms."""
    if not name:
        return None
    if system == SYSTEM_2008:
        u = province_unit(name, SYSTEM_2008)
        return u.name if u else name
    if province_unit(name, SYSTEM_2025):
        return province_unit(name, SYSTEM_2025).name  # type: ignore[union-attr]
    u = province_unit(name, SYSTEM_2008)
    return u.successor if u and u.successor else None


def choose_province(mentions: list[Mention], source_province: str | None = None,
                    system: str = SYSTEM_2008, published: str | None = None,
                    signals: tuple[str, ...] = ()) -> str | None:
    """The province that explains most mentions, weighted by their level.

    ``source_province`` and ``signals`` (site provinces) add the ``source`` weight. A tie goes to a
    province that some mention or signal names unambiguously, then to the one explaining the
    earliest mention, then to the name: never to hash order.
    """
    named = [m for m in mentions if m.rule != "unit-bare-province"]
    chosen = _choose(named, source_province, system, published, signals)
    if chosen is None:  # nothing else places the article: province names without a type word
        chosen = _choose([m for m in mentions if m.rule == "unit-bare-province"], None, system, published, ())
    return chosen


def _choose(mentions: list[Mention], source_province: str | None, system: str, published: str | None,
            signals: tuple[str, ...]) -> str | None:
    weights = lexicon()["units"]["weights"]
    score: dict[str, float] = defaultdict(float)
    first: dict[str, int] = {}
    sure: set[str] = set()
    for i, m in enumerate(mentions):
        if m.rule == "unit-paren-bare":
            continue
        pool = _pool(m, system, published)
        by_p: dict[str, float] = {}
        for u in pool:
            p = province_in(u, system)
            if p:
                by_p[p] = max(by_p.get(p, 0.0), float(weights[u.level]))
        for p in sorted(by_p):
            score[p] += by_p[p] / len(by_p) ** 0.5
            first.setdefault(p, i)
        if len(by_p) == 1:
            sure.update(by_p)
    seen: set[str] = set()  # the pipeline's site and the URL naming one province count once
    for i, p in enumerate(x for x in (source_province, *signals) if x):
        mapped = map_province(p, system)
        if mapped and mapped not in seen:
            seen.add(mapped)
            score[mapped] += weights["source"]
            first.setdefault(mapped, len(mentions) + i)
            sure.add(mapped)
    if not score:
        return None
    top = max(round(v, 9) for v in score.values())
    tied = sorted(p for p in score if round(score[p], 9) == top)
    tied = [p for p in tied if p in sure] or tied
    return min(tied, key=lambda p: (first[p], p))


def _synthetic(m: Mention, province: str, system: str) -> Unit | None:
    """A unit the gazetteer does not hold (dissolved before 2021), placed in the article's province."""
    kind = m.kinds[0]
    levels = _kind_levels().get(kind, set())
    level = "commune" if "commune" in levels else "district" if "district" in levels else None
    if level is None:
        return None
    pu = province_unit(province, system)
    return Unit(code=None, name=clean_name(m.name), kind=kind, level=level, province=province,
                province_code=pu.code if pu else None, district=None, district_code=None,
                first_seen="", last_seen="", system=system,
                successor=pu.successor if pu else None, successor_code=pu.successor_code if pu else None)


def resolve(mentions: list[Mention], source_province: str | None = None,
            published: str | None = None, site: Site | None = None) -> Resolved:
    every = mentions
    mentions = [m for m in every if m.rule != "unit-bare-province"]
    system = article_system(mentions, published)
    signals = (site.province,) if site else ()
    province = choose_province(every, source_province, system, published, signals)
    named_provinces: set[str] = set()
    districts: set[tuple[str, str | None]] = set()
    if site and site.unit is not None and site.unit.level == "district":
        districts.add((site.unit.system, site.unit.code))
    pools: dict[int, list[Unit]] = {}
    for m in mentions:  # each mention's level: the highest with a unit in the article's province
        pool = _pool(m, system, published)
        pool = [u for u in pool if _valid_at(u, published)] or pool
        if not pool:
            # a name found only among the other system's units (a 2025 commune's name in a 2019
            # article): a unit the 2008 list lacks, placed like any other unknown one
            if m.candidates and not m.in_list and m.rule in _type_rules() and all(
                    k in _UNKNOWN_KINDS for k in m.kinds):
                m.unknown = True
            continue
        local_levels = [u.level for u in pool if province_in(u, system) == province]
        level = min(local_levels or [u.level for u in pool], key=_LEVELS.index)
        pools[id(m)] = [u for u in pool if u.level == level]
    # provinces first, then districts, so that lower units can prefer the ones the article names
    for level in _LEVELS:
        for m in mentions:
            cands = pools.get(id(m), [])
            if m.unknown or not cands or cands[0].level != level:
                continue
            local = [u for u in cands if province_in(u, system) == province]
            if level == "commune":
                near = [u for u in local if (u.system, u.district_code) in districts]
                local = near or local
            pool = local
            if not pool and m.rule == "unit-paren-bare":
                continue
            if not pool and level != "province" and province:
                # the type changed ("xã" that is now a "phường"): the same name, level and system
                pool = [u for u in lookup(m.name, _same_level(m.kinds))
                        if u.level == level and u.system == cands[0].system
                        and province_in(u, system) == province]
            if not pool and system == SYSTEM_2025 and level != "province" and province:
                # no unit in force of that name in the province, but one before the reform: the
                # former unit ("thị trấn A, xã B" of a merger), never a unit in force with no code
                pool = [u for u in m.candidates if u.system == SYSTEM_2008 and u.level == level
                        and province_in(u, system) == province]
            if not pool:
                elsewhere = {u.province for u in cands}
                known_parent = len(elsewhere) == 1 and (
                    level == "district" or elsewhere & named_provinces
                    or any((u.system, u.district_code) in districts for u in cands))
                if level == "province" or known_parent:
                    pool = cands
                elif (level == "commune" and province and (not m.in_list or m.alt_end is not None)
                      and _unknown_allowed(published)):
                    if m.alt_end is not None and m.alt_name:  # the longer run is the unit's name
                        m.end, m.name = m.alt_end, m.alt_name
                    m.unit = _synthetic(replace(m, kinds=tuple(sorted({u.kind for u in cands}))),
                                        province, SYSTEM_2008 if m.former else system)
                    continue
            if not pool:
                continue
            pool.sort(key=lambda u: (u.code or "", u.first_seen, u.name))
            m.unit = pool[0]
            if level == "province":
                named_provinces.add(m.unit.name)
            if level == "district" and m.rule != "unit-paren-bare":
                districts.add((m.unit.system, m.unit.code))
    for m in mentions:  # a bare name in parentheses counts only inside the article's own area
        if m.rule == "unit-paren-bare" and m.unit is not None:
            u = m.unit
            inside = (province_in(u, system) == province and (
                u.level != "commune" or (u.system, u.district_code) in districts or u.system == SYSTEM_2025))
            if not inside:
                m.unit = None
    for m in mentions:
        if m.unknown and m.unit is None and province and _unknown_allowed(published):
            m.unit = _synthetic(m, province, SYSTEM_2008 if m.former else system)
    _title_to_body(mentions, system)
    kept = [m for m in mentions if m.unit is not None]
    side = ("unit-parent", "unit-paren-bare")
    return Resolved(province, [m for m in kept if m.rule not in side], system,
                    [m for m in kept if m.rule in side])


def _title_to_body(mentions: list[Mention], system: str) -> None:
    """A bare name leading the title is the unit the body names with its type word under that name
    ("Tân Lập: …" over a body's "thị trấn Tân Lập" is the town, not the district). A unit in force
    comes first: the body's, else the title's own; then a former unit the body names. In a
    2025-system article a title name is never a former unit the body does not name (a district)."""
    in_force: dict[str, Unit] = {}
    former: dict[str, Unit] = {}
    for m in sorted(mentions, key=lambda x: (x.start, x.end)):
        if m.rule in _type_rules() and not m.in_title and m.unit is not None:
            old = m.former or m.unit.system != system
            (former if old else in_force).setdefault(name_key(m.unit.name), m.unit)
    for m in mentions:
        if m.rule != "unit-title-lead" or m.unit is None:
            continue
        k = name_key(m.unit.name)
        if k in in_force:
            m.unit = in_force[k]
        elif m.unit.system == system:
            continue
        elif k in former:
            m.unit = former[k]
        elif system == SYSTEM_2025:
            m.unit = None


def to_locality(u: Unit, primary: bool = False, inferred: bool = False) -> Locality:
    successor = (Successor(name=u.successor, code=u.successor_code)
                 if u.system == SYSTEM_2008 and u.successor else None)
    return Locality(name=u.name, kind=u.kind, level=u.level,  # type: ignore[arg-type]
                    province=u.province, system=u.system,  # type: ignore[arg-type]
                    code=u.code, primary=primary, inferred=inferred, successor=successor)


def province_locality(province: str, system: str = SYSTEM_2008) -> Locality | None:
    u = province_unit(province, system)
    return to_locality(u, inferred=True) if u else None


# --- units the body names only by their type ---------------------------------------------------

@cache
def _type_only() -> regex.Pattern[str]:
    heads = longest_first(fold(h) for h in lexicon()["units"]["type_only_heads"])
    kinds = longest_first(fold(k) for _, k, lvl in lexicon()["units"]["kinds"] if lvl != "province")
    return regex.compile(r"(?<![\w])(?:" + "|".join(regex.escape(h) for h in heads) + r")\s+(?P<kind>"
                         + "|".join(regex.escape(k) for k in kinds) + r")(?![\w])(?!\s+(?:hội|\p{Lu}|\d))")


def site_unit(lay: Layout, res: Resolved, site: Site | None) -> Unit | None:
    """The unit a URL names, when the body refers to a unit of its kind only by the type word
    ("Đảng bộ xã", "toàn huyện") and names none of its level (SPEC §4: inferred units)."""
    if site is None:
        return None
    u = site.unit_2025 if res.system == SYSTEM_2025 else site.unit
    if u is None or (res.province and province_in(u, res.system) != res.province):
        return None
    if any(x.level == u.level for x in res.units()):
        return None
    pat = _type_only()
    for para in lay.paragraphs:
        for m in pat.finditer(lay.folded, para.start, para.end):
            if m.group("kind") == fold(u.kind):
                # what "toàn huyện" and a count's bare type word refer to: a mention without a
                # place in the text (offsets -1), so the primary unit can be this one
                res.mentions.append(Mention(-1, -1, u.name, (u.kind,), (u,), "unit-url", unit=u))
                return u
    return None


# --- bare names of communes ----------------------------------------------------------------------

_WORD_RUN = regex.compile(r"(?<![\w])\w+")
_WORD_CHAR = regex.compile(r"\w")


@cache  # one entry per district code: as large as the gazetteer at most
def _district_communes(district: str | None) -> tuple[tuple[int, str, Unit], ...]:
    """A district's communes with their place in the gazetteer and their folded name."""
    return tuple((i, fold(u.name), u) for i, u in communes_of(district))


@lru_cache(maxsize=256)  # a set of districts is rarely seen again: a small cache, bounded memory
def _bare_communes(districts: tuple[str | None, ...]) -> tuple[dict[str, list[Unit]], dict[str, tuple[int, ...]]]:
    """The communes of these districts by folded name (candidates in the gazetteer's order), and
    the lengths of the names, longest first, by the word they open with."""
    found = sorted((iu for d in districts for iu in _district_communes(d)), key=lambda iu: iu[0])
    by_name: dict[str, list[Unit]] = defaultdict(list)
    for _, name, u in found:
        by_name[name].append(u)
    return by_name, _name_firsts(by_name)


def _occurrences(folded: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Every place a name occurs in ``folded`` with no word character before it, as (start,
    -length), sorted: at each start the longest first."""
    out: list[tuple[int, int]] = []
    for name in names:
        n = len(name)
        i = folded.find(name)
        while i >= 0:
            if i == 0 or not _WORD_CHAR.match(folded, i - 1):
                out.append((i, -n))
            i = folded.find(name, i + 1)
    out.sort()
    return out


def _pick(folded: str, occ: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """What ``finditer(folded, start, end)`` of ``(?<![\\w])(?:longest|…|shortest)(?![\\w])`` finds,
    from the names' :func:`_occurrences`: left to right and not overlapping, at each place the
    longest name with no word character after it (or the end) in ``[start, end)``."""
    out: list[tuple[int, int]] = []
    after = start
    for k in range(bisect.bisect_left(occ, (start, -len(folded) - 1)), len(occ)):
        s, neg = occ[k]
        if s >= end:
            break
        e = s - neg
        if s < after or e > end or (e < end and _WORD_CHAR.match(folded, e)):
            continue
        out.append((s, e))
        after = e
    return out


def _whole_words(folded: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Where a few names occur in ``folded`` as whole words, left to right and not overlapping,
    the longest at each place: what ``finditer`` of ``(?<![\\w])(?:longest|…|shortest)(?![\\w])``
    over the whole string finds, by a substring search per name (for many names,
    :func:`_bare_names`)."""
    names = list(names)
    if "" in names:
        return list(_bare_names(folded, 0, len(folded), {n: [] for n in names}, _name_firsts(names)))
    return _pick(folded, _occurrences(folded, names), 0, len(folded))


def _name_firsts(names: Iterable[str]) -> dict[str, tuple[int, ...]]:
    """The lengths of the names, longest first, by the word they open with (``""``: a name not
    opening with a letter or digit), as :func:`_bare_names` reads them."""
    firsts: dict[str, set[int]] = defaultdict(set)
    for n in names:
        first = _WORD_RUN.match(n)
        firsts[first.group() if first else ""].add(len(n))
    return {w: tuple(sorted(ls, reverse=True)) for w, ls in firsts.items()}


def _bare_names(folded: str, start: int, end: int, names: dict[str, list[Unit]],
                firsts: dict[str, tuple[int, ...]]) -> Iterator[tuple[int, int]]:
    """Where the names occur in ``folded[start:end]`` as whole words, left to right and not
    overlapping, the longest at each place: what ``finditer`` of the alternation
    ``(?<![\\w])(?:longest|…|shortest)(?![\\w])`` finds, without compiling one per article. A
    name that matches at a word's start opens with that word, so only the names opening with it
    are tried there; the places where such a word is a whole word are found by a substring
    search per word."""
    if "" in firsts:  # a name not opening with a letter or digit: the alternation itself
        alts = "|".join(regex.escape(n) for n in sorted(names, key=len, reverse=True))
        yield from (m.span() for m in regex.compile(rf"(?<![\w])(?:{alts})(?![\w])").finditer(folded, start, end))
        return
    # the word runs ``(?<![\w])\w+`` of ``folded[start:end]`` that are a name's first word
    words: list[tuple[int, tuple[int, ...]]] = []
    for w, lengths in firsts.items():
        i = folded.find(w, start, end)
        while i >= 0:
            j = i + len(w)
            if (i == 0 or not _WORD_CHAR.match(folded, i - 1)) and (j == end or not _WORD_CHAR.match(folded, j)):
                words.append((i, lengths))
            i = folded.find(w, i + 1, end)
    words.sort(key=lambda x: x[0])
    after = start
    for s, lengths in words:
        if s < after:
            continue
        for n in lengths:
            e = s + n
            if e <= end and folded[s:e] in names and (e == end or not _WORD_CHAR.match(folded, e)):
                yield s, e
                after = e
                break


@cache
def _before_bare() -> regex.Pattern[str]:
    """Words right before a name that make it a village's or another unit's name, not a commune's."""
    words = (set(lexicon()["models"]["villages"]) | set(lexicon()["units"]["bare_not_after"])
             | {w for r in lexicon()["unit_type"] for w in r["words"]})
    alts = longest_first(fold(w) for w in words)
    return regex.compile(r"(?<![\w])(?:" + "|".join(regex.escape(a) for a in alts) + r")\s*$")


def add_bare_communes(lay: Layout, res: Resolved, published: str | None = None) -> None:
    """Communes named without their type word ("mỳ, miến Hùng Lô"), when they belong to a district
    the article names with its type word: added to ``res.qualifiers`` (localities of the article,
    not what a count is about). Not inside quotes (a bare name in a model's name is not a unit),
    not after a village or type word, not part of a longer capitalised name, not the name of a
    province or district the article names (2008 system only:
    the 2025 system has no districts)."""
    if res.system != SYSTEM_2008:
        return
    districts = {m.unit.code for m in res.mentions
                 if m.unit is not None and m.unit.level == "district" and m.rule in _type_rules()}
    if not districts:
        return
    by_name, firsts = _bare_communes(tuple(sorted(districts, key=str)))
    if not by_name:
        return
    have = {(u.level, u.name, u.province) for u in res.units()}
    # a bare name the article gives a province or district with its type word is that unit's
    # ("Tân An có …" beside "tỉnh Tân An", "TP Tân An"), not a commune's of the same name
    higher = {name_key(u.name) for u in res.units() if u.level != "commune"}
    taken = [(m.start, m.end) for m in res.mentions + res.qualifiers]
    text, folded = lay.text, lay.folded
    for para in lay.paragraphs:
        for s, e in _bare_names(folded, para.start, para.end, by_name, firsts):
            if any(a <= s < b for a, b in taken) or not all(w[:1].isupper() for w in text[s:e].split()):
                continue
            prev = _PREV_WORD.search(text, max(0, s - 30), s)
            nxt = _NEXT_WORD.match(text, e)
            if (prev and prev.group(1)[0].isupper()) or (nxt and nxt.group(1).isupper()):
                continue
            if folded.count('"', para.start, s) % 2 or _before_bare().search(folded, max(para.start, s - 25), s):
                continue
            cands = sorted(by_name[folded[s:e]], key=lambda u: (not _valid_at(u, published), u.code or ""))
            if len({u.code for u in cands if _valid_at(u, published)} or {cands[0].code}) != 1:
                continue
            u = cands[0]
            if (u.level, u.name, u.province) in have or name_key(u.name) in higher:
                continue
            have.add((u.level, u.name, u.province))
            res.qualifiers.append(Mention(s, e, text[s:e], (u.kind,), (u,), "unit-bare-commune", unit=u))
