"""Evidence spans hold for any Unicode: ``text[start:end] == record.text`` for every record with
a span, the number stands inside a count's text, and decomposed (NFD) input gives the records of
its NFC form (property tests with hypothesis over arbitrary Unicode mixed with DVK-like text)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.fuzz import span_violations
from extractors import Document, Meta, extract
from extractors.text import fold, nfc, normalized

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

FRAGMENTS = [
    "Đến nay, toàn huyện Thạch Hà có ", "12", " mô hình “Dân vận khéo”", ". ", "\n\n", "xã Hòa Lạc ",
    "tỉnh Nghệ An ", "năm 2023 ", "giai đoạn 2016-2020, ", "đã xây dựng ", "1.240", "hai mươi ",
    "mô hình ", "trong đó lĩnh vực kinh tế ", "98", ", văn hóa - xã hội 45", "; ", "được công nhận ",
    "“Dân vận khéo” cấp huyện", "Mô hình “", "Hoà thuận", "” của ", "Hội Phụ nữ ", "İstanbul ", "İ", "ß",
    "ﬁ", "\u0958", "\u1100\u1161", "a\u0323\u0302", "o\u0300", "\u0301", "\u200b", "\ufeff", "\u00a0",
    "𝟙𝟚 ", "١٢ ", "Ⅻ ", "\u2028", "DVK ", "TP. Hà Tĩnh ", "(", ")", ":", "…", "–",
]
texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=40).map("".join)


def spans_hold(text: str, doc: Document) -> None:
    # the same checks as the fuzz run's (bench/fuzz.py): spans, sentences, the number in its text
    violations = span_violations(text, doc)
    assert not violations, violations


def without_spans(doc: Document) -> dict[str, object]:
    """The records with their spans' text composed and their offsets left out."""
    out = doc.model_dump()
    for kind in ("counts", "models"):
        for r in out[kind]:
            r.pop("start"), r.pop("end")
            r["text"] = nfc(r["text"]) if r["text"] is not None else None
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_spans_point_at_the_text_given_in_any_form(text: str) -> None:
    for form in (text, unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text)):
        spans_hold(form, extract(form, Meta(doc="x")))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_decomposed_text_gives_the_records_of_its_composed_form(text: str) -> None:
    composed = nfc(text)
    expected = without_spans(extract(composed, Meta(doc="x")))
    assert without_spans(extract(unicodedata.normalize("NFD", text), Meta(doc="x"))) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_fold_keeps_the_length_of_composed_text_and_the_map_covers_the_input(text: str) -> None:
    composed, where = normalized(text)
    assert len(fold(composed)) == len(composed) == len(where)
    assert nfc(composed) == composed
    assert [s for s, _ in where] == sorted(s for s, _ in where)
    if text:
        assert where[0][0] == 0 and where[-1][1] == len(text)


def test_a_dotted_capital_i_does_not_shift_later_spans() -> None:
    body = "Xã Hòa Lạc có 30 mô hình “Dân vận khéo” được công nhận."
    plain = extract(body, Meta(doc="x"))
    dotted = extract("İİİİ " + body, Meta(doc="x"))
    assert [c.value for c in plain.counts] == [c.value for c in dotted.counts] == [30]
    assert dotted.counts[0].start == plain.counts[0].start + 5
    assert dotted.counts[0].text == plain.counts[0].text


def test_corpus_articles_decomposed_give_the_same_records() -> None:
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8").split("---", 2)[-1]
        nfc_doc = extract(nfc(text), Meta(doc=path.stem))
        nfd_text = unicodedata.normalize("NFD", text)
        nfd_doc = extract(nfd_text, Meta(doc=path.stem))
        assert nfc_doc.counts, path
        assert without_spans(nfd_doc) == without_spans(nfc_doc), path
        spans_hold(nfd_text, nfd_doc)
