"""Loads the rule data files beside this module (``data/*.toml``) once, compiled for matching."""

from __future__ import annotations

import hashlib
import marshal
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import regex

from .text import fold

#: the rule files parsed once (``make``: ``tools/build_regex.py``; not in git): parsing the
#: lexicon is a few ms of every start; an entry whose file has changed since is not used
PARSED = "toml.marshal"


def _stamp() -> str:
    return f"python {sys.version}"


@cache
def _parsed() -> dict[str, tuple[str, bytes]]:
    try:
        stamp, table = marshal.loads(resources.files(__package__).joinpath("data").joinpath(PARSED).read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    return table if stamp == _stamp() and isinstance(table, dict) else {}


def load_toml(name: str) -> dict[str, Any]:
    data = resources.files(__package__).joinpath("data").joinpath(name).read_bytes()
    entry = _parsed().get(name)
    if entry is not None and entry[0] == hashlib.sha256(data).hexdigest():
        return marshal.loads(entry[1])  # type: ignore[no-any-return]
    return tomllib.loads(data.decode("utf-8"))


def parsed_bytes(names: Iterable[str]) -> bytes:
    """The parsed form of these rule files, each with the digest of the file it was parsed from
    (a file holding a date or time, which marshal does not write, is left out)."""
    table: dict[str, tuple[str, bytes]] = {}
    for name in names:
        data = resources.files(__package__).joinpath("data").joinpath(name).read_bytes()
        try:
            table[name] = (hashlib.sha256(data).hexdigest(), marshal.dumps(tomllib.loads(data.decode("utf-8"))))
        except ValueError:
            continue
    return marshal.dumps((_stamp(), table))


@cache
def lexicon() -> dict[str, Any]:
    return load_toml("lexicon.toml")


def alternation(words: Iterable[str]) -> str:
    """Folded words as one regex alternation, each once, longest first (so a longer phrase wins)."""
    return "|".join(regex.escape(w) for w in longest_first(fold(w) for w in words))


def longest_first(words: Iterable[str]) -> list[str]:
    """The distinct words, longest first, words of one length in code point order: the same
    pattern in every process (a set's order changes with the string hash seed), so that a
    pattern's compiled form can be looked up (``compiled.py``)."""
    return sorted(set(words), key=lambda w: (-len(w), w))


def phrase_regex(phrases: list[str]) -> regex.Pattern[str]:
    """One regex for a list of phrases: longest first, on word boundaries, folded."""
    alts = longest_first(fold(p) for p in phrases if p)
    # "văn hóa - xã hội" also matches "văn hóa-xã hội" and "văn hóa- xã hội"
    body = "|".join(regex.escape(a).replace(r"\ \-\ ", r"\s*-\s*") for a in alts) or r"(?!x)x"
    return regex.compile(rf"(?<![\w-])(?:{body})(?![\w-])")


@dataclass(frozen=True)
class PhraseRule:
    id: str
    code: str
    pattern: regex.Pattern[str]


@dataclass(frozen=True)
class Hit:
    rule: PhraseRule
    start: int
    end: int


def _rules(section: str, key: str = "phrases") -> list[PhraseRule]:
    """A section's rules; a rule's ``not_before`` words, when the next word is one, void a match
    ("tỉnh đoàn" is no body in "toàn tỉnh đoàn kết", "thành hội" none in "trở thành hội viên")."""
    out = []
    for r in lexicon()[section]:
        pattern = phrase_regex(r.get(key, []))
        if r.get("not_before"):
            pattern = regex.compile(pattern.pattern + rf"(?!\s+(?:{alternation(r['not_before'])})(?![\w]))")
        out.append(PhraseRule(r["id"], r.get("code", ""), pattern))
    return out


@cache
def field_rules() -> list[PhraseRule]:
    return _rules("field")


@cache
def topic_rules() -> list[PhraseRule]:
    """Topic words that tell a group's field ("sản xuất", "khuyến học"): ``[[model_topic]]``."""
    return _rules("model_topic")


@cache
def level_rules() -> list[PhraseRule]:
    return _rules("level")


@cache
def metric_rules() -> list[
        tuple[PhraseRule, regex.Pattern[str] | None, regex.Pattern[str] | None]]:
    out = []
    # a bound word may stand between the verb and its number: "tăng hơn 20 mô hình"
    bounds = "|".join(regex.escape(fold(w)) for w in sorted(
        {w for words in lexicon()["bounds"].values() for w in words}, key=lambda w: (-len(w), w)))
    for r in lexicon()["metric"]:
        near = phrase_regex(r.get("near", []))
        before = r.get("before")
        before_re = (
            regex.compile(
                "(?:" + "|".join(regex.escape(fold(b)) for b in before) + r")\s*(?:thêm\s*)?"
                + rf"(?:(?:{bounds})\s*)?$"
            )
            if before
            else None
        )
        after = r.get("after")
        after_re = (
            # the movement's name may stand between the noun and the word ("15 mô hình DVK mới",
            # "12 mô hình “Dân vận khéo” mới")
            regex.compile(r"(?:\s*[\"“”‘’']?\s*(?:dvk|dân vận khéo)\s*[\"“”‘’']?)?"
                          r"\s*(?:" + "|".join(regex.escape(fold(a)) for a in after) + r")(?![\w])"
                          r"(?!\s+(?:chỉ|đây|dừng)(?![\w])|\s+có\s+\d)")  # "mới chỉ tập trung ở …" is "only"
            if after
            else None
        )
        out.append((PhraseRule(r["id"], r["code"], near), before_re, after_re))
    return out


_UNIONS: dict[tuple[int, ...], tuple[tuple[PhraseRule, ...], regex.Pattern[str] | None]] = {}
_INLINE_FLAG = regex.compile(r"\(\?\^?[a-zA-Z]")


def _union(rules: list[PhraseRule]) -> regex.Pattern[str] | None:
    """One pattern that matches where any of the rules does (None when their patterns cannot be
    joined: other flags, inline flags), built once per list of rules."""
    key = tuple(map(id, rules))  # the entry holds the rules, so their ids are not reused while it lives
    entry = _UNIONS.get(key)
    if entry is None:
        flags = {r.pattern.flags for r in rules}
        pattern = None
        if len(flags) == 1 and not any(_INLINE_FLAG.search(r.pattern.pattern) for r in rules):
            try:
                pattern = regex.compile("|".join(f"(?:{r.pattern.pattern})" for r in rules), flags.pop())
            except regex.error:
                pattern = None
        entry = (tuple(rules), pattern)
        _UNIONS[key] = entry
    return entry[1]


def find_all(rules: list[PhraseRule], folded: str, start: int = 0, end: int | None = None) -> list[Hit]:
    """Non-overlapping hits of the rules in ``folded[start:end]``, longest phrase first."""
    end = len(folded) if end is None else end
    union = _union(rules) if len(rules) > 1 else None
    if union is not None and union.search(folded, start, end) is None:
        return []  # one scan for the rules together when none of them is there (most windows)
    hits: list[Hit] = []
    for rule in rules:
        for m in rule.pattern.finditer(folded, start, end, overlapped=False):
            hits.append(Hit(rule, m.start(), m.end()))
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    for h in hits:
        if kept and h.start < kept[-1].end:
            continue
        kept.append(h)
    return kept


def first_hit(rules: list[PhraseRule], folded: str, start: int = 0, end: int | None = None) -> Hit | None:
    """The first hit of :func:`find_all` (the earliest; there the longest, the first rule on a tie),
    without finding the others."""
    end = len(folded) if end is None else end
    best: Hit | None = None
    for rule in rules:
        m = rule.pattern.search(folded, start, end)
        if m is not None and (best is None or m.start() < best.start
                              or (m.start() == best.start and m.end() > best.end)):
            best = Hit(rule, m.start(), m.end())
    return best


def hit_at(rules: list[PhraseRule], folded: str, pos: int, end: int | None = None) -> Hit | None:
    """The hit of ``find_all(rules, folded, pos, end)`` that starts at ``pos``, None when none does:
    each rule matched at ``pos`` only (the longest wins, the first rule on a tie)."""
    end = len(folded) if end is None else end
    best: Hit | None = None
    for rule in rules:
        m = rule.pattern.match(folded, pos, end)
        if m is not None and (best is None or m.end() > best.end):
            best = Hit(rule, m.start(), m.end())
    return best


@cache
def unit_type_before(*more: str) -> str:
    """A pattern of a unit's type word before its name, its spaces included (lexicon ``[units]``:
    the ``kinds``' words of the units below a province, ``type_abbreviations``,
    ``type_abbreviations_dotted``; ``more`` adds spelled-out words, "tỉnh" say): "xã ", "thị xã ",
    "TX ", "TP. ", "H." ("h" alone is no type word)."""
    units = lexicon()["units"]
    below = dict.fromkeys(word for _, word, level in units["kinds"] if level != "province")
    full = "|".join([*below, *more])
    return (rf"(?:(?:{full})\s+|(?:{'|'.join(units['type_abbreviations'])})(?:\.\s*|\s+)"
            rf"|(?:{'|'.join(units['type_abbreviations_dotted'])})\.\s*)")


@cache
def movement_phrases() -> list[str]:
    """The movement's names: its own ("dân vận khéo", "DVK") and every group's version of it."""
    counts = lexicon()["counts"]
    return list(counts["movement_names"]) + [f"{g} dân vận khéo" for g in counts["movement_groups"]]


@cache
def words(section: str, key: str) -> regex.Pattern[str]:
    return phrase_regex(lexicon()[section][key])


# --- an alternation scanned as its alternatives ---------------------------------------------------
# ``regex`` finds a pattern quickly when the pattern holds a literal every match must contain: it
# looks for that first. A pattern that is an alternation at its top level (``A|B|C``) has none
# unless all its alternatives share one, so the engine tries every alternative at every position
# of the text: "period-last-years" cost 0.21 ms per article that way and its three alternatives,
# each with its own literal, 0.04 ms together.

#: what a pattern must not hold for its alternatives to be matched apart: references to groups
#: (their numbers change), branch resets, recursion, conditionals, \G, fuzzy constraints
_NOT_SPLIT = regex.compile(r"\\[1-9g]|\\G|\(\?(?:P[=>]|[&R|(0-9+-])|\)\{[eids]|^\(\?[a-zA-Z^]")
_NOT_SPLIT_FLAGS = regex.REVERSE | regex.BESTMATCH | regex.ENHANCEMATCH | regex.POSIX | regex.DEBUG


def top_alternatives(pattern: str) -> list[str] | None:
    """The alternatives of ``pattern`` when it is one alternation at its top level (``A|B`` or
    ``(?:A|B)``), else None."""

    def split(body: str) -> tuple[list[str], int]:
        """``body`` cut at its top-level bars, and the index where its first group closes at depth 0."""
        parts, depth, last, first_close, i, in_class = [], 0, 0, -1, 0, False
        while i < len(body):
            c = body[i]
            if c == "\\":
                i += 2
                continue
            if in_class:
                in_class = c != "]"
            elif c == "[":
                in_class = True
                i += 2 if body.startswith("[^", i) else 1
                if body.startswith("]", i):  # a ']' first in a set is one of its members
                    i += 1
                continue
            elif c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0 and first_close < 0:
                    first_close = i
            elif c == "|" and depth == 0:
                parts.append(body[last:i])
                last = i + 1
            i += 1
        parts.append(body[last:])
        return parts, first_close

    parts, first_close = split(pattern)
    if len(parts) == 1 and pattern.startswith("(?:") and first_close == len(pattern) - 1:
        parts, _ = split(pattern[3:-1])
    return parts if len(parts) > 1 else None


class Alternatives:
    """A compiled pattern whose top-level alternatives are matched apart: :meth:`finditer` gives
    what ``pattern.finditer`` gives (the same spans and groups, :meth:`groupdict`), from the
    alternatives' own matches. At each place the first alternative that matches there wins, as
    in the alternation. A pattern that cannot be split is matched as it is."""

    def __init__(self, pattern: regex.Pattern[str]) -> None:
        self.pattern = pattern
        parts = None
        if not pattern.flags & _NOT_SPLIT_FLAGS and not _NOT_SPLIT.search(pattern.pattern):
            parts = top_alternatives(pattern.pattern)
        try:
            self.parts = [regex.compile(p, pattern.flags) for p in parts] if parts else None
        except regex.error:
            self.parts = None
        self.names = tuple(pattern.groupindex)

    def finditer(self, text: str, pos: int, endpos: int) -> list[regex.Match[str]]:
        if self.parts is None:
            return list(self.pattern.finditer(text, pos, endpos))
        # every place each alternative matches (overlapped: one match per start), then the
        # alternation's scan: from ``at``, the leftmost start; there, the first alternative
        starts = [list(p.finditer(text, pos, endpos, overlapped=True)) for p in self.parts]
        if any(m.end() == m.start() for ms in starts for m in ms):  # an empty match: as it is
            return list(self.pattern.finditer(text, pos, endpos))
        out: list[regex.Match[str]] = []
        heads = [0] * len(starts)
        at = pos
        while True:
            best: regex.Match[str] | None = None
            for k, ms in enumerate(starts):
                i = heads[k]
                while i < len(ms) and ms[i].start() < at:
                    i += 1
                heads[k] = i
                if i < len(ms) and (best is None or ms[i].start() < best.start()):
                    best = ms[i]
            if best is None:
                return out
            out.append(best)
            at = best.end()

    def groupdict(self, m: regex.Match[str]) -> dict[str, str | None]:
        """``m.groupdict()`` as the whole pattern's match would give it (the other alternatives'
        groups None)."""
        if self.parts is None:
            return m.groupdict()  # type: ignore[no-any-return]
        return {**dict.fromkeys(self.names), **m.groupdict()}
