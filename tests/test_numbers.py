import pytest

from extractors.numbers import parse_number


@pytest.mark.parametrize(("text", "value"), [
    ("4.365", 4365), ("1.952", 1952), ("03", 3), ("1,5", 1.5), ("100.000", 100000),
    ("hai mươi", 20), ("một trăm", 100), ("một trăm linh năm", 105), ("hai mươi lăm", 25),
    ("mười hai", 12), ("ba nghìn hai trăm", 3200), ("2 nghìn", 2000), ("1,5 nghìn", 1500), ("12 ngàn", 12000),
])
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == value


def test_not_a_number() -> None:
    assert parse_number("mô hình") is None


def test_a_multiplier_alone_is_no_number() -> None:
    from extractors.numbers import words_to_number

    assert words_to_number("trăm") is None
    assert words_to_number("nghìn") is None
    assert words_to_number("một trăm linh năm") == 105
