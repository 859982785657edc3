"""Localities: mentions of administrative units in the body, resolved against the gazetteer.

A mention is a type word ("huyện", "TP", "Thành ủy" …, rules ``[[unit_type]]`` of
``data/lexicon.toml``) followed by a capitalised name found in the gazetteer, or a bare name that
continues a list opened by a type word ("các phường: Dân Chủ, Quỳnh Lâm"). The same name exists in
many provinces, so mentions are resolved together: the article's province is the one that explains
most mentions (weighted by level, plus the site's province when known); each mention then takes
its unit in that province, preferring the districts the article names.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache

import regex

from .gazetteer import Unit, lookup, max_name_words, province_unit
from .layout import Layout
from .lexicon import lexicon
from .records import Locality
from .text import fold


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


@dataclass
class Resolved:
    province: str | None
    mentions: list[Mention] = field(default_factory=list)

    def units(self) -> list[Unit]:
        seen: dict[tuple[str, str], Unit] = {}
        for m in self.mentions:
            if m.unit is not None:
                seen.setdefault((m.unit.level, m.unit.code), m.unit)
        return list(seen.values())


@cache
def _type_regex() -> tuple[regex.Pattern[str], dict[str, tuple[str, tuple[str, ...]]]]:
    table: dict[str, tuple[str, tuple[str, ...]]] = {}
    for rule in lexicon()["unit_type"]:
        for w in rule["words"]:
            table[fold(w)] = (rule["id"], tuple(rule["kinds"]))
    alts = sorted(table, key=len, reverse=True)
    body = "|".join(regex.escape(a) for a in alts)
    pat = regex.compile(rf"(?<![\w.])(?:các\s+)?(?P<type>{body})(?:\s*:\s*|\s+)")
    return pat, table


_WORD = regex.compile(r"(?:\p{Lu}[\p{L}\p{M}]*|\d+)")


def _name_words(text: str, pos: int) -> list[tuple[int, int]]:
    """Capitalised words (or numbers, "Phường 1") starting at ``pos``, separated by single spaces."""
    out: list[tuple[int, int]] = []
    while len(out) < max_name_words():
        m = _WORD.match(text, pos)
        if not m:
            break
        out.append((m.start(), m.end()))
        if m.end() < len(text) and text[m.end()] == " ":
            pos = m.end() + 1
        else:
            break
    return out


def _longest_unit(text: str, pos: int, kinds: tuple[str, ...]) -> tuple[int, tuple[Unit, ...]] | None:
    words = _name_words(text, pos)
    for n in range(len(words), 0, -1):
        end = words[n - 1][1]
        found = lookup(text[pos:end], kinds)
        if found:
            return end, found
    return None


_LIST_SEP = regex.compile(r"(?:\s*,\s*|\s+và\s+)")


def find_mentions(lay: Layout) -> list[Mention]:
    pat, table = _type_regex()
    text = lay.text
    out: list[Mention] = []
    for para in lay.paragraphs:
        for m in pat.finditer(lay.folded, para.start, para.end):
            rule, kinds = table[m.group("type")]
            if m.end() >= len(text) or not (text[m.end()].isupper() or text[m.end()].isdigit()):
                continue
            hit = _longest_unit(text, m.end(), kinds)
            if hit is None:
                continue
            end, found = hit
            out.append(Mention(m.end(), end, text[m.end():end], kinds, found, rule))
            # a list continued by bare names of the same kind: "huyện Lạc Thủy, Lạc Sơn"
            while True:
                sep = _LIST_SEP.match(text, end)
                if not sep or sep.end() >= para.end:
                    break
                nxt = _longest_unit(text, sep.end(), kinds)
                if nxt is None:
                    break
                n_end, n_found = nxt
                out.append(
                    Mention(sep.end(), n_end, text[sep.end():n_end], kinds, n_found, rule, in_list=True)
                )
                end = n_end
    out.sort(key=lambda x: x.start)
    return out


def _valid_at(u: Unit, when: str | None) -> bool:
    return when is None or (u.first_seen[:7] <= when[:7] <= u.last_seen[:7]) or when < u.first_seen


def choose_province(mentions: list[Mention], source_province: str | None = None) -> str | None:
    """The province that explains most mentions, weighted by their level."""
    weights = lexicon()["units"]["weights"]
    score: Counter[str] = Counter()
    for m in mentions:
        provinces = {u.province for u in m.candidates}
        for p in provinces:
            best = max(weights[u.level] for u in m.candidates if u.province == p)
            score[p] += best / len(provinces) ** 0.5
    if source_province:
        score[source_province] += weights["source"]
    if not score:
        return None
    return score.most_common(1)[0][0]


def resolve(mentions: list[Mention], source_province: str | None = None,
            published: str | None = None) -> Resolved:
    province = choose_province(mentions, source_province)
    # districts first, so that communes can prefer the districts the article names
    districts: set[str] = set()
    for level in ("province", "district", "commune"):
        for m in mentions:
            cands = [u for u in m.candidates if u.level == level]
            if not cands:
                continue
            local = [u for u in cands if u.province == province]
            if level == "commune" and districts:
                near = [u for u in local if u.district_code in districts]
                local = near or local
            pool = local or (cands if level == "province" or len({u.province for u in cands}) == 1 else [])
            if not pool:
                continue
            dated = [u for u in pool if _valid_at(u, published)] or pool
            m.unit = dated[0]
            if level == "district":
                districts.add(m.unit.code)
    return Resolved(province, [m for m in mentions if m.unit is not None])


def to_locality(u: Unit, primary: bool = False, inferred: bool = False) -> Locality:
    return Locality(name=u.name, kind=u.kind, level=u.level,  # type: ignore[arg-type]
                    province=u.province, code=u.code, primary=primary, inferred=inferred)


def province_locality(province: str) -> Locality | None:
    u = province_unit(province)
    return to_locality(u, inferred=True) if u else None
