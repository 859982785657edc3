"""The model names' shortcuts find what the plain forms found, on generated text."""

from __future__ import annotations

import random

import regex

from extractors import modelnames as M


def test_blockers_searched_from_the_end_are_found_as_from_the_start() -> None:
    backward = M._blocker_end()
    assert backward.pattern.startswith("(?r)")
    forward = regex.compile(backward.pattern[len("(?r)"):])
    rng = random.Random(5)
    words = [*M._m()["blockers"], *M._m()["list_words"], "thi đua", ":", " ", "  ", "\n", "x", "mô hình",  # type: ignore[misc]
             "các", "“", "xã", "1", "-"]
    found = 0
    for _ in range(6000):
        text = "".join(rng.choice(words) + rng.choice(["", " ", " "]) for _ in range(rng.randint(0, 8)))
        a, b = bool(forward.search(text)), bool(backward.search(text))
        assert a == b, repr(text)
        found += a
    assert found > 500  # the cases hold blockers at the end, not only text without one
