"""The scorer itself, on small hand-made cases."""

from __future__ import annotations

from datetime import date

from extractors.records import Count, Document, LocalityRef, Model, PeriodRef
from pipeline.score import score, score_document, token_f1

TP_HOA_BINH = LocalityRef(name="Hòa Bình", kind="thành phố", level="district", province="Hòa Bình")


def count(value: int, **kw: object) -> Count:
    base = {"value": value, "locality": TP_HOA_BINH, "period": PeriodRef(end=date(2023, 6, 30))}
    base.update(kw)
    return Count(**base)  # type: ignore[arg-type]


def test_perfect_match() -> None:
    gold = Document(doc="d", counts=[count(179), count(51, field="economy")],
                    models=[Model(name="Trồng bí xanh", field="economy")])
    s = score_document(gold.model_copy(deep=True), gold)
    for name in ("counts_key", "counts_strict", "models_exact", "models_partial"):
        assert s.tallies[name].f1 == 1.0


def test_a_miss_and_a_spurious_count() -> None:
    gold = Document(doc="d", counts=[count(179), count(51, field="economy")])
    pred = Document(doc="d", counts=[count(179), count(70, field="economy")])
    t = score_document(pred, gold).tallies["counts_key"]
    assert (t.tp, t.pred, t.gold) == (1, 2, 2) and t.p == 0.5 and t.r == 0.5


def test_strict_needs_bound_and_period() -> None:
    gold = Document(doc="d", counts=[count(200, bound="at_most")])
    pred = Document(doc="d", counts=[count(200, bound="exact")])
    s = score_document(pred, gold)
    assert s.tallies["counts_key"].f1 == 1.0 and s.tallies["counts_strict"].f1 == 0.0


def test_tone_placement_and_quotes_match() -> None:
    gold = Document(doc="d", models=[Model(name="Khu dân cư kiểu mẫu thôn Nhân Hòa")],
                    counts=[count(5)])
    pred = Document(doc="d", models=[Model(name="“Khu dân cư kiểu mẫu thôn Nhân Hoà”.")],
                    counts=[count(5, locality=TP_HOA_BINH.model_copy(update={"name": "Hoà Bình"}))])
    s = score_document(pred, gold)
    assert s.tallies["models_exact"].f1 == 1.0 and s.tallies["counts_key"].f1 == 1.0


def test_partial_model_name_counts_half() -> None:
    gold = Document(doc="d", models=[Model(name="Trồng hoa lan trong nhà lưới")])
    pred = Document(doc="d", models=[Model(name="trồng hoa lan")])
    s = score_document(pred, gold)
    assert s.tallies["models_exact"].tp == 0
    assert s.tallies["models_partial"].tp == 0.5
    assert 0.5 <= token_f1("Trồng hoa lan trong nhà lưới", "trồng hoa lan") < 1


def test_one_to_one_matching() -> None:
    gold = Document(doc="d", counts=[count(12)], models=[Model(name="Nuôi dê")])
    pred = Document(doc="d", counts=[count(12), count(12)],
                    models=[Model(name="Nuôi dê"), Model(name="nuôi dê")])
    s = score_document(pred, gold)
    assert s.tallies["counts_key"].tp == 1 and s.tallies["counts_key"].pred == 2
    assert s.tallies["models_exact"].tp == 1 and s.spurious["models"] == ["nuôi dê"]


def test_slot_accuracy_on_matched_pairs() -> None:
    gold = Document(doc="d", models=[Model(name="A b", field="economy", owners=["Hội Nông dân"]),
                                     Model(name="C d", field=None)])
    pred = Document(doc="d", models=[Model(name="A b", field="economy", owners=["Hội Nông Dân"]),
                                     Model(name="C d", field="economy")])
    r = score({"d": pred}, {"d": gold})
    assert r.slot_accuracy() == {"field": 0.5, "owners": 1.0, "localities": 1.0}


def test_missing_document_counts_as_empty() -> None:
    gold = Document(doc="d", counts=[count(1)])
    r = score({}, {"d": gold})
    assert r.micro()["counts_key"].r == 0.0
