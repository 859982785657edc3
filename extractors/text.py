"""The text layer: NFC, canonical tone placement, quotes and case folding.

Every function that returns text for *matching* keeps the length of its input, so an offset found
in the folded text is an offset in the original (evidence spans always point at the source).

Any Unicode is taken: ``normalized`` composes a text one cluster (a character and the combining
marks after it) at a time and says, for every character of the result, which characters of the
input it came from, so ``extractors.extract`` reads composed text and still returns offsets into
the text it was given, decomposed (NFD) or not. ``fold`` keeps the length of any text
``normalized`` returns: ``İ`` (U+0130), the one character whose ``lower()`` is two, folds to
``i``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Old ("hoà", "thuỷ") to modern ("hòa", "thủy") tone placement on the open diphthongs oa, oe, uy.
# The tone moves from the second vowel to the first only when the syllable ends there
# ("hoàng" keeps its tone on a) and never after q ("quý" is right in both styles).
_TONES = {
    "à": "̀", "á": "́", "ả": "̉", "ã": "̃", "ạ": "̣",
    "è": "̀", "é": "́", "ẻ": "̉", "ẽ": "̃", "ẹ": "̣",
    "ỳ": "̀", "ý": "́", "ỷ": "̉", "ỹ": "̃", "ỵ": "̣",
}
_BASE = {"a": "oa", "e": "oe", "y": "uy"}
_OLD_TONE = re.compile(  # "not after q" is looked at once an o or u is found: 2.7x faster than before it
    r"([oOuU])(?<![qQ][oOuU])([àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ])(?![\w])"
)


def _move_tone(m: re.Match[str]) -> str:
    first, second = m.group(1), m.group(2)
    lower = second.lower()
    base = unicodedata.normalize("NFD", lower)[0]
    if (first.lower(), base) not in (("o", "a"), ("o", "e"), ("u", "y")):
        return m.group(0)
    tone = _TONES[lower]
    toned_first = unicodedata.normalize("NFC", first + tone)
    plain_second = base.upper() if second.isupper() else base
    return toned_first + plain_second


QUOTES = "\"“”„‟«»″〝〞＂"
SINGLE_QUOTES = "‘’‚‛`´"
_QUOTE_TABLE = str.maketrans({**{q: '"' for q in QUOTES}, **{q: "'" for q in SINGLE_QUOTES}})
_SPACE_TABLE = str.maketrans({"\u00a0": " ", "\u2007": " ", "\u202f": " ", "\t": " "})
_DOTTED_I = str.maketrans({"\u0130": "I"})  # "İ".lower() is "i" and a combining dot: two characters
_DASH_TABLE = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})
# the three tables as (character, replacement) pairs: no replacement is another pair's character, so
# replacing them one after the other is one translation, and ``str.replace`` of a character that is
# present (``in`` first) costs far less than ``str.translate`` on a non-ASCII text
_FOLD_PAIRS = tuple((chr(k), v) for table in (_QUOTE_TABLE, _SPACE_TABLE, _DASH_TABLE)
                    for k, v in table.items() if chr(k) != v)


def nfc(text: str) -> str:
    """Unicode NFC, one cluster at a time (decomposed input such as ``"Hoa\\u0300"`` becomes
    ``"Hoà"``); the same as ``unicodedata.normalize("NFC", text)`` except that nothing composes
    across two characters that both stand alone (Hangul jamo), so that ``normalized`` can map it."""
    if unicodedata.is_normalized("NFC", text):
        return text
    return normalized(text)[0]


def _clusters(text: str) -> list[tuple[int, int]]:
    """(start, end) of each character with the combining marks after it (a leading run of
    marks is a cluster of its own)."""
    out: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(text)):
        if not unicodedata.combining(text[i]):
            out.append((start, i))
            start = i
    if text:
        out.append((start, len(text)))
    return out


def normalized(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The text composed (see ``nfc``) and, for each of its characters, the (start, end) of the
    cluster of ``text`` it comes from. An NFC text comes back as itself with one-character
    clusters."""
    if unicodedata.is_normalized("NFC", text):
        return text, [(i, i + 1) for i in range(len(text))]
    pieces: list[str] = []
    where: list[tuple[int, int]] = []
    for start, end in _clusters(text):
        piece = unicodedata.normalize("NFC", text[start:end])
        pieces.append(piece)
        where.extend([(start, end)] * len(piece))
    return "".join(pieces), where


def modern_tones(text: str) -> str:
    """Move tone marks to the modern placement: ``Hoà`` → ``Hòa``, ``Thuỷ`` → ``Thủy``.

    Length-preserving on NFC input.
    """
    return _OLD_TONE.sub(_move_tone, text)


# one search says whether any of the pairs' characters is there (most short texts hold none: the
# two dozen ``in`` tests cost more than the rest of ``fold``)
_FOLD_ANY = re.compile("[" + "".join(re.escape(ch) for ch, _ in _FOLD_PAIRS) + "]")
# the folded form of short texts already seen: ``fold`` is called some 36 times per article, most
# of them on names and words that recur (a pure function; the memo is emptied when full)
_FOLDED: dict[str, str] = {}
_FOLDED_MAX_LEN = 256
_FOLDED_MAX = 1 << 16


def fold(text: str) -> str:
    """Matching form: NFC, modern tones, lower case, one quote and dash style, plain spaces.

    Same length as ``nfc(text)``; callers pass NFC text so offsets carry over unchanged.
    """
    if len(text) > _FOLDED_MAX_LEN:
        return _fold(text)
    out = _FOLDED.get(text)
    if out is None:
        if len(_FOLDED) >= _FOLDED_MAX:
            _FOLDED.clear()
        out = _FOLDED[text] = _fold(text)
    return out


def _fold(text: str) -> str:
    out = modern_tones(nfc(text))
    if "\u0130" in out:
        out = out.translate(_DOTTED_I)
    out = out.lower()
    if _FOLD_ANY.search(out):
        for ch, to in _FOLD_PAIRS:
            if ch in out:
                out = out.replace(ch, to)
    return out


@lru_cache(maxsize=65536)
def key(text: str) -> str:
    """Comparison key (SPEC §3): folded, quotes and trailing punctuation stripped, spaces collapsed."""
    out = fold(text).replace('"', " ").replace("'", " ")
    out = re.sub(r"\s+", " ", out).strip()
    return out.strip(" .,;:!?…-()[]")


_SPACES = re.compile(r"\s+")  # every character of _SPACE_TABLE is one of them
_NAME_STRIP = " .,;:…" + QUOTES + SINGLE_QUOTES


def clean_name(text: str) -> str:
    """A name for output: NFC, modern tones, single spaces, no surrounding quotes or punctuation."""
    out = _SPACES.sub(" ", modern_tones(nfc(text))).strip().strip(_NAME_STRIP)
    if len(out) > 2 and out[0] == out[-1] == "'":  # 'Thu gom vỏ thuốc': straight single quotes around it
        out = out[1:-1].strip(_NAME_STRIP)
    return out


def is_quote(ch: str) -> bool:
    return ch in QUOTES or ch in SINGLE_QUOTES
