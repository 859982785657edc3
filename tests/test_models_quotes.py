"""Quote marks of model names (SPEC §1.4): mixed, unbalanced, doubled, a closing ” used to open.

Made-up sentences; each case gives the names between the marks that ``find_quotes`` pairs, and
``None`` for the end of a quote that never closes.
"""

from __future__ import annotations

import pytest

from extractors.layout import Span
from extractors.modelnames import find_quotes


def _names(text: str) -> list[tuple[str, bool]]:
    return [(text[q.start:q.end], q.close is not None) for q in find_quotes(text, Span(0, len(text)))]


@pytest.mark.parametrize(("text", "want"), [
    ("mô hình “Nuôi ong” và “Trồng chè”.", [("Nuôi ong", True), ("Trồng chè", True)]),
    ('mô hình "Bếp ăn tình thương” của Hội', [("Bếp ăn tình thương", True)]),
    ("mô hình ”Khéo vận động hội viên” của Hội", [("Khéo vận động hội viên", True)]),
    ("mô hình ‘Nuôi gà’ của anh Lâm", [("Nuôi gà", True)]),
    ("mô hình ‘‘Tổ vay vốn xoay vòng’’ của Chi hội", [("Tổ vay vốn xoay vòng", True)]),
    ("mô hình “Nhà nhân ái'' của Hội", [("Nhà nhân ái", True)]),
    ("các mô hình: “Chợ 0 đồng,” “Tủ bánh mì”", [("Chợ 0 đồng,", True), ("Tủ bánh mì", True)]),
    ("mô hình “Vườn hoa tại thôn 3, mô hình “Loa phường”", [("Vườn hoa tại thôn 3, mô hình ", False),
                                                         ("Loa phường", True)]),
    # an apostrophe between two letters is part of a word, not a closing mark
    ("mô hình “Bản Ê’đê đoàn kết” và ‘Nhà H’Mông’", [("Bản Ê’đê đoàn kết", True), ("Nhà H’Mông", True)]),
    ("mô hình “Phụ nữ K'Ho giữ rừng tại thôn 2", [("Phụ nữ K'Ho giữ rừng tại thôn 2", False)]),
])
def test_find_quotes_pairs_marks(text: str, want: list[tuple[str, bool]]) -> None:
    got = _names(text)
    assert len(got) == len(want)
    assert [(n if closed else n[: len(w)], closed)
            for (n, closed), (w, _) in zip(got, want, strict=True)] == want


def test_closing_mark_span_covers_a_doubled_mark() -> None:
    text = "mô hình ’’Sân chơi’’ của Đoàn"
    (q,) = find_quotes(text, Span(0, len(text)))
    assert text[q.close:q.close_end] == "’’"
