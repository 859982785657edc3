import unicodedata

import pytest

from extractors.text import clean_name, fold, key, modern_tones


@pytest.mark.parametrize(("old", "new"), [
    ("Hoà Bình", "Hòa Bình"), ("Thuỷ", "Thủy"), ("Khoẻ", "Khỏe"), ("uỷ ban", "ủy ban"),
    ("HOÀ", "HÒA"), ("quý", "quý"), ("hoàng", "hoàng"), ("Quỳnh", "Quỳnh"),
])
def test_modern_tones(old: str, new: str) -> None:
    assert modern_tones(old) == new


def test_fold_keeps_length_for_offsets() -> None:
    s = "“Trồng bí xanh” ở xã Xuân Thuỷ – TP Hoà Bình\u00a0"
    assert len(fold(s)) == len(s)
    assert fold(s) == '"trồng bí xanh" ở xã xuân thủy - tp hòa bình '


def test_decomposed_input_matches_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Hòa Bình")
    assert key(decomposed) == key("Hoà Bình") == "hòa bình"


def test_key_strips_quotes_and_trailing_punctuation() -> None:
    assert key(" “Nuôi dê”… ") == key('"nuôi dê"') == "nuôi dê"


def test_clean_name_unbalanced_quotes() -> None:
    assert clean_name("” Khéo vận động ") == "Khéo vận động"


def test_clean_name_straight_single_quotes_around_it() -> None:
    assert clean_name("'Thu gom vỏ thuốc bảo vệ thực vật'") == "Thu gom vỏ thuốc bảo vệ thực vật"
    assert clean_name("Bản H'Mông xanh") == "Bản H'Mông xanh"  # an apostrophe inside a name stays


def _fold_before(text: str) -> str:
    """``fold`` as it was first written (one lookbehind before the vowel, three translations):
    the reference the faster one must equal."""
    import re

    from extractors import text as t

    old_tone = re.compile(r"(?<![qQ])([oOuU])([àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ])(?![\w])")
    out = old_tone.sub(t._move_tone, t.nfc(text)).translate(t._DOTTED_I).lower()
    return out.translate(t._QUOTE_TABLE).translate(t._SPACE_TABLE).translate(t._DASH_TABLE)


def test_fold_is_what_it_was_on_random_text() -> None:
    import random

    from extractors.text import QUOTES, SINGLE_QUOTES, fold

    alphabet = ("qQoOuUaAyYeE àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ hòa thuỷ Hoà QUÝ İ\u0300\u0301ĐđÆ1-"
                + QUOTES + SINGLE_QUOTES + "\u00a0\u2007\u202f\t–—‐‑−\n.,'\"")
    rng = random.Random(15)
    changed = 0
    for _ in range(5000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert fold(s) == _fold_before(s), repr(s)
        changed += fold(s) != s.lower()
    assert changed > 1000
