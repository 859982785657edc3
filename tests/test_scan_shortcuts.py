"""Shortcuts of the extractors' scans find what the scans found: an alternation scanned as its
alternatives (lexicon.Alternatives: the same spans and groups), and the clauses the count
pattern is not run on (no head word in them: no match), on the corpus, synthetic articles and
crafted text."""

from __future__ import annotations

import random

import regex

from extractors import counts, periods
from extractors.layout import layout
from extractors.lexicon import Alternatives, top_alternatives
from extractors.text import fold

from .conftest import ROOT


def test_top_alternatives() -> None:
    assert top_alternatives("a|b") == ["a", "b"]
    assert top_alternatives("(?:a|b)") == ["a", "b"]
    assert top_alternatives("(?:a|b)c") is None
    assert top_alternatives("a(?:b|c)") is None
    assert top_alternatives("[|]|x") == ["[|]", "x"]
    assert top_alternatives("[]|]|y") == ["[]|]", "y"]
    assert top_alternatives("[^]|]z") is None
    assert top_alternatives(r"\||a") == [r"\|", "a"]
    assert top_alternatives("(?:a)|(?:b)") == ["(?:a)", "(?:b)"]


def test_what_is_not_split() -> None:
    for p in [r"(a)|\1", r"(?P<x>a)|(?P=x)", "(?i)a|b", "(?:ab){e<=1}|c", "(?|(a)|(b))"]:
        assert Alternatives(regex.compile(p)).parts is None, p
    assert Alternatives(regex.compile("ab|c")).parts is not None


def _texts() -> list[str]:
    from bench.synthetic import paragraphs

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]
    texts += paragraphs()
    words = ["3 năm qua", "trong 3 năm", "qua 5 năm", "nhiệm kỳ qua", "năm", "hai năm qua", "trong năm",
             "đến nay", "tới nay", "hiện nay", "xã hiện nay", "hiện có", "hiện đang có", "hiện toàn",
             "đến thời điểm này", "giai đoạn 2020-2025", "từ năm 2021 đến nay", "2019 - 2020", ",", ".", " "]
    rng = random.Random(5)
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 40))) for _ in range(400)]
    return [fold(t) for t in texts]


def _same(pattern: regex.Pattern[str], texts: list[str]) -> int:
    alt = Alternatives(pattern)
    n = 0
    for t in texts:
        for pos, endpos in ((0, len(t)), (len(t) // 3, len(t) - len(t) // 4)):
            want = [(m.span(), m.groupdict()) for m in pattern.finditer(t, pos, endpos)]
            got = [(m.span(), alt.groupdict(m)) for m in alt.finditer(t, pos, endpos)]
            assert got == want, (pattern.pattern, t[pos:endpos])
            n += len(want)
    return n


def test_the_period_patterns_find_what_they_found() -> None:
    texts = _texts()
    split = 0
    found = 0
    for _, _, alt in periods._data()[0]:
        split += alt.parts is not None
        found += _same(alt.pattern, texts)
    assert split >= 2 and found > 1000  # the test compared something


def test_crafted_alternations() -> None:
    texts = ["abcabc ab a bc", "xaby aab abab", "ab" * 50, "", "ba ab  b a"]
    for p in ["ab|a|b", "a|ab", "(?<![a-z])a|b(?![a-z])", "(?P<x>ab)|(?P<y>b)c?|a", "(?:b|ab)|abc"]:
        _same(regex.compile(p), texts)


def test_a_clause_without_a_head_word_holds_no_count() -> None:
    from bench.synthetic import paragraphs

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))] + paragraphs()
    texts.append("Có 12 mô hình; 3 điển hình và 40 lượt mô hình, 5 gương điển hình. Không có số nào ở đây.")
    pattern, heads = counts._count_regex(), counts._count_heads()
    assert heads and all(h == h.strip() for h in heads)
    skipped = matched = 0
    for text in texts:
        lay = layout(text)
        for start, end, _, _ in counts._segments(lay):
            hits = list(pattern.finditer(lay.folded, start, end))
            matched += len(hits)
            if not any(lay.folded.find(h, start, end) >= 0 for h in heads):
                skipped += 1
                assert not hits, lay.folded[start:end]
    assert skipped > 50 and matched > 50  # both kinds of clause were there
