"""Numbers as Vietnamese news writes them: "2.870" (dot = thousands), "03", "1,5", "hai mươi"."""

from __future__ import annotations

import regex

# digits: 1.240 / 2.870 / 100.000 (thousands dots or spaces); 03; 1,5 (decimal comma)
NUMBER_RE = regex.compile(
    r"(?<![\w.,/])(?P<num>\d{1,3}(?:\.\d{3})+|\d+(?:,\d+)?)(?![\w/]|[.,]\d)"
)

_UNITS = {
    "không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
    "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9, "mười": 10,
}
_WORD = "|".join(sorted(_UNITS, key=len, reverse=True))
#: a number in words, each word with the spaces after it: at most 12 words (every number below a
#: million fits) and possessive, so a long run of number words costs linear time, not a backtrack
WORDS_BODY = rf"(?:(?:{_WORD}|mươi|trăm|nghìn|ngàn|linh|lẻ)(?:\s+|(?=\W)|$)){{1,12}}+"
WORDS_RE = regex.compile(rf"(?<!\w)(?P<words>{WORDS_BODY})", regex.IGNORECASE)

_THOUSANDS, _DIGITS, _DECIMAL = (regex.compile(p) for p in (r"\d{1,3}(?:\.\d{3})+", r"\d+", r"\d+,\d+"))
#: digits and a word of thousands: "2 nghìn" → 2000, "1,5 nghìn" → 1500
_THOUSAND_DIGITS, _THOUSAND_WORD = r"\d{1,3}(?:,\d{1,2})?", r"\s+(?:nghìn|ngàn)"
DIGIT_THOUSANDS_BODY = _THOUSAND_DIGITS + _THOUSAND_WORD  # the same, for patterns built elsewhere
DIGIT_THOUSANDS_RE = regex.compile(rf"(?<![\w.,/])(?P<n>{_THOUSAND_DIGITS}){_THOUSAND_WORD}(?![\w])", regex.IGNORECASE)


def parse_number(token: str) -> float | None:
    """``"2.870"`` → 2870, ``"03"`` → 3, ``"1,5"`` → 1.5, ``"2 nghìn"`` → 2000; None when it is not
    a number."""
    t = token.strip()
    if _THOUSANDS.fullmatch(t):
        return float(t.replace(".", ""))
    if _DIGITS.fullmatch(t):
        return float(t)
    if _DECIMAL.fullmatch(t):
        return float(t.replace(",", "."))
    m = DIGIT_THOUSANDS_RE.fullmatch(t)
    if m is not None:
        return round(float(m.group("n").replace(",", ".")) * 1000)
    return words_to_number(t)


def words_to_number(text: str) -> int | None:
    """Vietnamese number words below a million: "hai mươi" → 20, "một trăm linh năm" → 105."""
    toks = text.lower().split()
    if not toks or any(t not in _UNITS and t not in ("mươi", "trăm", "nghìn", "ngàn", "linh", "lẻ")
                       for t in toks):
        return None
    if toks[0] not in _UNITS:  # "hàng trăm", "mươi": a multiplier alone is no number
        return None
    total, current, last = 0, 0, 0
    seen_digit = False
    for t in toks:
        if t in ("nghìn", "ngàn"):
            total += max(current, 1) * 1000
            current, last = 0, 0
        elif t == "trăm":
            current = current - last + max(last, 1) * 100
            last = 0
        elif t == "mươi":
            current = current - last + max(last, 1) * 10
            last = 0
        elif t in ("linh", "lẻ"):
            continue
        elif t == "mười":
            current += 10
            last = 0
            seen_digit = True
        else:
            v = _UNITS[t]
            current += v
            last = v
            seen_digit = True
    if not seen_digit and current == 0 and total == 0:
        return None
    return total + current
