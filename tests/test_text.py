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
