"""Front matter of saved ``.txt`` articles: YAML, or the plain ``key: value`` lines people write."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.documents import read_path
from pipeline.errors import BadFrontMatter


def _write(tmp_path: Path, head: str, body: str = "Toàn huyện có 12 mô hình.") -> Path:
    p = tmp_path / "a.txt"
    p.write_text(f"---\n{head}\n---\n{body}\n", encoding="utf-8")
    return p


def test_yaml_front_matter(tmp_path: Path) -> None:
    doc = read_path(_write(tmp_path, 'url: https://example.vn/x\ntitle: "Tân Kỳ: 12 mô hình"\npublished: 2024-01-05'))
    assert (doc.url, doc.title, doc.published) == ("https://example.vn/x", "Tân Kỳ: 12 mô hình", date(2024, 1, 5))


def test_a_title_with_a_colon_is_read_as_written(tmp_path: Path) -> None:
    # not valid YAML ("mapping values are not allowed here"), but unambiguous key: value lines
    doc = read_path(_write(tmp_path, "url: https://example.vn/y\ntitle: Tân Kỳ: Công nhận 12 mô hình\n"
                                     "published: 2024-02-29"))
    assert doc.title == "Tân Kỳ: Công nhận 12 mô hình"
    assert doc.published == date(2024, 2, 29)
    assert doc.url == "https://example.vn/y"


def test_front_matter_that_is_neither_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BadFrontMatter, match="invalid YAML front matter"):
        read_path(_write(tmp_path, "title: [unclosed\nsomething else"))


def test_a_repeated_key_is_not_guessed(tmp_path: Path) -> None:
    with pytest.raises(BadFrontMatter):
        read_path(_write(tmp_path, "title: A: b\ntitle: C: d"))


@pytest.mark.parametrize("line, want", [
    ("(15:20 | 12/03/2019)", date(2019, 3, 12)),
    ("14:15 04/01/2024", date(2024, 1, 4)),
    ("Ngày đăng: 05.06.2022", date(2022, 6, 5)),
])
def test_the_dateline_gives_the_publication_date(tmp_path: Path, line: str, want: date) -> None:
    p = tmp_path / "b.txt"
    p.write_text(f"Cổng thông tin điện tử huyện\n\nTổng kết phong trào\n\n{line}\n\nToàn huyện có 12 mô hình.\n",
                 encoding="utf-8")
    assert read_path(p).published == want


def test_an_impossible_date_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(BadFrontMatter, match="2024-02-30 is not a date"):
        read_path(_write(tmp_path, "published: 2024-02-30"))


def test_yaml_aliases_are_refused(tmp_path: Path) -> None:
    # an alias bomb of a few KB would expand to gigabytes: aliases are not front matter
    head = 'a: &a ["x", "x", "x"]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]'
    with pytest.raises(BadFrontMatter, match="aliases"):
        read_path(_write(tmp_path, head))


def test_an_oversized_front_matter_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BadFrontMatter, match="longer than"):
        read_path(_write(tmp_path, "title: " + "x" * 70_000))


_VALUES = ['"Tân Kỳ: 12 mô hình “Dân vận khéo”"', "'Hòa Bình'", '"a \\" b"', "'it''s'", '"tab\there  "',
           "https://example.vn/a?b=1&c=%20#frag", "https://example.vn/a:", "http://x.vn/a b", "2024-01-05",
           "2024-1-5", "2024-02-30", "baohoabinh.com.vn", "yes", "No", "null", "NULL", "Null", "y", "n", "~", "on",
           "OFF", "True",
           "12", "0x1f", "1.5", ".inf", "Tân Kỳ", "a # comment", '"x" # comment', '"line\u2028break"',
           '"nel\x85x"', '"bell\x07"', "'unclosed", '"unclosed', "[a, b]", "{a: 1}", "&anchor x", "*alias",
           "!!str x", "e1", "_x", "A-b.c_d", '""', "''", "", '"Hoà\u00a0Thuỷ"']
_KEYS = ["url", "title", "published", "source", "author", " title", "Title"]


def test_the_fast_reading_of_usual_front_matter_is_what_yaml_reads() -> None:
    """Blocks of known and odd lines: wherever the fast path answers, the YAML loader gives the
    same mapping; the usual lines (quoted title, URL, date, plain host) take the fast path."""
    import random

    import yaml

    from pipeline.documents import _NOT_SIMPLE, _front_matter_loader, _simple_front_matter

    _FrontMatterLoader = _front_matter_loader()
    # the characters the fast path leaves to the reader include all that PyYAML refuses
    assert _NOT_SIMPLE.pattern.endswith("|" + yaml.reader.Reader.NON_PRINTABLE.pattern)

    rng = random.Random(15)
    fast = 0
    for _ in range(3000):
        block = [f"{rng.choice(_KEYS[:4] if rng.random() < 0.8 else _KEYS)}:{rng.choice([' ', '  ', ''])}"
                 f"{rng.choice(_VALUES)}{rng.choice(['', ' '])}" for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.2:
            block.insert(rng.randint(0, len(block)), rng.choice(["", "   ", "# note"]))
        got = _simple_front_matter(block)
        if got is None:
            continue
        fast += 1
        assert got == (yaml.load("\n".join(block), Loader=_FrontMatterLoader) or {}), block
    assert fast > 100
    for source in ('source: "baohoabinh.com.vn"', "source: baohoabinh.com.vn"):
        usual = ["url: https://baohoabinh.com.vn/12/190000/x.htm", 'title: "Tân Kỳ: 12 mô hình"',
                 "published: 2024-01-05", source]
        assert _simple_front_matter(usual) == yaml.load("\n".join(usual), Loader=_FrontMatterLoader)


@pytest.mark.parametrize("content", [
    b"---\r\nurl: https://x.vn/a\r\n---\r\nbody", b"---\rurl: https://x.vn/b\r---\rbody",
    "\ufeff---\nurl: 'https://x.vn/c'\n---\n".encode() + b"x" * 9000, b"---\nurl: https://x.vn/e\n---\n\xff",
    b"---\nurl: https://x.vn/f\n---\n" + "é".encode() * 5000, b"---\nurl: [a\n---\n",
])
def test_the_url_of_the_front_matter_read_from_the_head_is_the_whole_files(tmp_path: Path, content: bytes) -> None:
    """A small file is read once for its identity: the URL found is the one a full read gives."""
    from pipeline.documents import front_matter_url, split_front_matter

    p = tmp_path / "a.txt"
    p.write_bytes(content)
    try:
        meta, _ = split_front_matter(p.read_text(encoding="utf-8").lstrip("\ufeff"))
        want = str(meta["url"]).strip() if meta.get("url") else None
    except (UnicodeDecodeError, BadFrontMatter):
        want = None
    assert front_matter_url(p) == want
