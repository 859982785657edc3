"""The scan for bare commune names finds exactly what the alternation it replaces found."""

from __future__ import annotations

import random
from collections.abc import Iterator

import regex

from extractors.localities import _bare_names

NAMES = ["an", "an bình", "an bình tây", "bình", "tân an", "hòa", "hòa an", "1", "đông", "đông hòa"]
PIECES = [*NAMES, " ", " ", ", ", "-", "x", "anh", "(", ")", "ê", "\n", "2"]


def by_alternation(text: str, start: int, end: int, names: list[str]) -> list[tuple[int, int]]:
    alts = "|".join(regex.escape(n) for n in sorted(names, key=len, reverse=True))
    return [m.span() for m in regex.compile(rf"(?<![\w])(?:{alts})(?![\w])").finditer(text, start, end)]


def firsts(names: list[str]) -> dict[str, tuple[int, ...]]:
    out: dict[str, set[int]] = {}
    for n in names:
        m = regex.match(r"\w+", n)
        out.setdefault(m.group() if m else "", set()).add(len(n))
    return {w: tuple(sorted(ls, reverse=True)) for w, ls in out.items()}


def generated(seed: int, most: int = len(NAMES)) -> Iterator[tuple[list[str], str, int, int]]:
    """3,000 random cases: some of the names, a text of pieces, and a slice of it."""
    rng = random.Random(seed)
    for _ in range(3000):
        names = rng.sample(NAMES, rng.randint(1, most))
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 25)))
        start = rng.randint(0, len(text))
        yield names, text, start, rng.randint(start, len(text))


def test_the_scan_agrees_with_the_alternation_on_generated_text() -> None:
    found = 0
    for names, text, start, end in generated(3):
        got = list(_bare_names(text, start, end, {n: [] for n in names}, firsts(names)))
        assert got == by_alternation(text, start, end, names), (text, start, end, names)
        found += len(got)
    assert found > 500  # the texts do hold names, at edges and inside words


def test_a_name_that_opens_with_another_character_falls_back_to_the_alternation() -> None:
    names = ["(an)", "an"]
    text = "x (an) an-an"
    got = list(_bare_names(text, 0, len(text), {n: [] for n in names}, firsts(names)))
    assert got == by_alternation(text, 0, len(text), names)


def test_the_few_names_search_agrees_with_the_alternation_on_generated_text() -> None:
    from extractors.localities import _whole_words

    found = 0
    for names, text, _, _ in generated(5, most=4):
        got = _whole_words(text, names)
        assert got == by_alternation(text, 0, len(text), names), (text, names)
        found += len(got)
    assert found > 300


def test_the_occurrences_pick_agrees_with_the_alternation_on_generated_text() -> None:
    from extractors.localities import _occurrences, _pick

    found = 0
    for names, text, start, end in generated(7):
        got = _pick(text, _occurrences(text, names), start, end)
        assert got == by_alternation(text, start, end, names), (text, start, end, names)
        found += len(got)
    assert found > 500


def test_the_province_names_scan_agrees_with_their_alternation() -> None:
    from extractors.gazetteer import provinces
    from extractors.lexicon import longest_first
    from extractors.localities import _pick, _province_occurrences
    from extractors.text import fold

    names = longest_first(fold(u.name) for u in provinces())
    pieces = [*names, *(n[:4] for n in names), " ", ", ", "-", "x", "\n", "ê", "("]
    rng = random.Random(11)
    for _ in range(1000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 20)))
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        assert _pick(text, _province_occurrences(text), start, end) == by_alternation(text, start, end, names)
