"""``fold`` (with its memo and its one-search gate) and ``clean_name`` give what their plain forms
gave, on generated text: the speed-ups change no output."""

from __future__ import annotations

import random
import re

from extractors import text as T

PIECES = ["Hoà", "thuỷ", "Quý", "xã", "İ", "“", "”", "«", "»", "‘", "’", "`", "´", "\"", "'", "–", "—", "−",
          "\u00a0", "\u2007", "\u202f", "\t", "\n", " ", "  ", ".", ",", ";", ":", "…", "Dân vận khéo",
          "ĐẮK LẮK", "a", "e", "y", "o", "u", "Hoa\u0300", "x\u0301", "1.200", "(", ")", "oà", "uý", "OÀ"]


def plain_fold(text: str) -> str:
    out = T.modern_tones(T.nfc(text))
    if "\u0130" in out:
        out = out.translate(T._DOTTED_I)
    out = out.lower()
    for ch, to in T._FOLD_PAIRS:
        if ch in out:
            out = out.replace(ch, to)
    return out


def plain_clean_name(text: str) -> str:
    out = T.modern_tones(T.nfc(text)).translate(T._SPACE_TABLE)
    out = re.sub(r"\s+", " ", out).strip().strip(" .,;:…" + T.QUOTES + T.SINGLE_QUOTES)
    if len(out) > 2 and out[0] == out[-1] == "'":
        out = out[1:-1].strip(" .,;:…" + T.QUOTES + T.SINGLE_QUOTES)
    return out


def generated(seed: int, n: int = 4000) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        k = rng.choice([0, 1, 2, 5, 20, 80])  # short texts go through the memo, long ones past it
        out.append("".join(rng.choice(PIECES) for _ in range(k)))
    return out


def test_fold_agrees_with_its_plain_form() -> None:
    texts = generated(1)
    for t in texts + texts:  # twice: the second time from the memo
        assert T.fold(t) == plain_fold(t), repr(t)


def test_fold_memo_is_bounded() -> None:
    for i in range(T._FOLDED_MAX + 10):
        T.fold(f"x{i}")
    assert len(T._FOLDED) <= T._FOLDED_MAX
    assert T.fold("Hoà “A”") == plain_fold("Hoà “A”")


def test_clean_name_agrees_with_its_plain_form() -> None:
    for t in generated(2):
        assert T.clean_name(t) == plain_clean_name(t), repr(t)
