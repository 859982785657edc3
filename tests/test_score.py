"""The scorer itself, on small hand-made cases."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from extractors.records import Count, Document, LocalityRef, Model, PeriodRef
from pipeline.check import Finding, record_findings, run_checks
from pipeline.documents import read_path
from pipeline.run import extract_source, run
from pipeline.score import score, score_document, token_f1
from pipeline.sources import load_registry
from pipeline.store import open_db

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


# findings: the non-ok within-article findings of dvk check, extracted records against gold

def breakdown(total: int, *parts: int, bound: str = "exact") -> list[Count]:
    fields = ("economy", "culture_society", "defense_security", "party_building")
    return [count(total, bound=bound), *(count(v, field=f) for v, f in zip(parts, fields, strict=False))]


def test_an_alarm_the_gold_raises_too_is_a_true_alarm() -> None:
    gold = Document(doc="d", counts=breakdown(179, 50, 60, 70))
    s = score_document(gold.model_copy(deep=True), gold)
    t = s.tallies["findings"]
    assert (t.tp, t.pred, t.gold) == (1, 1, 1) and t.p == 1.0


def test_a_misread_part_is_a_false_alarm() -> None:
    gold = Document(doc="d", counts=breakdown(120, 50, 40, 30))
    pred = Document(doc="d", counts=breakdown(120, 50, 45, 30))
    s = score_document(pred, gold)
    t = s.tallies["findings"]
    assert (t.tp, t.pred, t.gold) == (0, 1, 0) and t.p == 0.0
    assert s.spurious["findings"] == ["field_breakdown error: 50 + 45 + 30 = 125; total = 120"]
    assert s.misses["findings"] == []


def test_consistent_findings_are_not_alarms() -> None:
    gold = Document(doc="d", counts=breakdown(120, 50, 40, 30))
    t = score_document(gold.model_copy(deep=True), gold).tallies["findings"]
    assert (t.tp, t.pred, t.gold) == (0, 0, 0) and t.f1 == 1.0


def test_a_missed_alarm_costs_recall_not_precision() -> None:
    gold = Document(doc="d", counts=breakdown(179, 50, 60, 70))
    pred = Document(doc="d", counts=breakdown(179, 50, 60))  # one part missed: 110 ≠ 179 still
    s = score_document(pred, gold)
    t = s.tallies["findings"]
    assert (t.tp, t.pred, t.gold) == (0, 1, 1)
    assert s.misses["findings"] == ["field_breakdown error: 50 + 60 + 70 = 180; total = 179"]


def test_severity_is_not_part_of_the_key() -> None:
    gold = Document(doc="d", counts=breakdown(100, 60, 30))  # exact total: error
    pred = Document(doc="d", counts=breakdown(100, 60, 30, bound="at_least"))  # "trên": warning
    s = score_document(pred, gold)
    assert s.tallies["findings"].tp == 1 and s.tallies["findings"].p == 1.0


def test_stated_twice_matches_on_the_distinct_values() -> None:
    gold = Document(doc="d", counts=[count(12), count(15)])
    pred = Document(doc="d", counts=[count(12), count(15), count(12)])
    t = score_document(pred, gold).tallies["findings"]
    assert (t.tp, t.pred, t.gold) == (1, 1, 1)
    other = Document(doc="d", counts=[count(12), count(16)])
    assert score_document(other, gold).tallies["findings"].tp == 0


def test_findings_figures_for_the_gate() -> None:
    gold = {"a": Document(doc="a", counts=breakdown(179, 50, 60, 70)),
            "b": Document(doc="b", counts=breakdown(120, 50, 40, 30))}
    pred = {"a": gold["a"], "b": Document(doc="b", counts=breakdown(120, 50, 45, 30))}
    fig = score(pred, gold).figures()
    assert fig["findings.p"] == 0.5 and fig["findings.r"] == 1.0
    assert fig["findings.false_alarms"] == 1.0 and fig["findings.missed"] == 0.0
    assert score(pred, gold).as_dict()["micro"]["findings"]["pred"] == 2


ARTICLES = {
    "sum": "Đến hết tháng 6/2023, toàn huyện Đức Thọ có 179 mô hình. Trong đó, lĩnh vực kinh tế 50 "
           "mô hình; văn hóa - xã hội 60 mô hình; quốc phòng - an ninh 70 mô hình.",
    "fine": "Đến hết tháng 6/2023, toàn huyện Can Lộc có 120 mô hình. Trong đó, lĩnh vực kinh tế 50 "
            "mô hình; văn hóa - xã hội 40 mô hình; quốc phòng - an ninh 30 mô hình.",
    "split": "UBND huyện Nghi Xuân đã công nhận 40 mô hình cấp huyện (30 tập thể, 12 cá nhân) "
             "giai đoạn 2019-2023.",
}


def test_record_findings_are_dvk_check_findings(tmp_path: Path) -> None:
    """The scorer's findings on records are exactly the within-article findings dvk check stores
    for the same articles in a real database file."""
    for name, body in ARTICLES.items():
        (tmp_path / f"{name}.txt").write_text(f'---\npublished: "2023-07-01"\n---\n{body}\n',
                                             encoding="utf-8")
    db_path = tmp_path / "dvk.db"
    assert not run([tmp_path], db_path).failed
    within = {"field_breakdown", "holder_split", "stated_twice"}
    stored = [f for f in run_checks(open_db(db_path)) if f.kind in within]
    registry = load_registry()
    docs = [extract_source(read_path(p, registry), registry) for p in sorted(tmp_path.glob("*.txt"))]
    mine = record_findings(docs)
    assert {f.kind for f in mine} == {"field_breakdown", "holder_split"}
    assert sorted(map(_plain, mine)) == sorted(map(_plain, stored))


def _plain(f: Finding) -> tuple[str, str, str, str, str]:
    return (f.kind, f.severity, f.message, f.arithmetic, json.dumps(f.evidence, sort_keys=True))
