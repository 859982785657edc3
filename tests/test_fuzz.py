"""A short fuzz run in the default test run (``make bench-fuzz`` runs 10,000 inputs): generated
text, mutated articles, adversarial repetitions, tag soup and YAML headers through extraction,
the HTML cleaner and the front-matter reader, with no crash, no input over the time cap and no
span that is not the text it names."""

from __future__ import annotations

from bench.fuzz import run, span_violations
from extractors import Meta, extract


def test_a_few_hundred_generated_inputs_crash_nothing_hang_nothing_and_keep_their_spans() -> None:
    report = run(n=250, seed=1, cap=3.0)
    assert sum(report.inputs.values()) == 250 and len(report.inputs) == 5
    assert report.crashes == []
    assert report.hangs == []
    assert report.violations == []


def test_the_span_check_sees_a_wrong_span() -> None:
    text = "Xã Hòa Lạc có 30 mô hình “Dân vận khéo” được công nhận."
    doc = extract(text, Meta(doc="x"))
    assert doc.counts and span_violations(text, doc) == []
    shifted = doc.model_copy(update={"counts": [doc.counts[0].model_copy(update={"start": doc.counts[0].start + 1,
                                                                                   "end": doc.counts[0].end + 1})]})
    assert len(span_violations(text, shifted)) == 1
    other = doc.model_copy(update={"counts": [doc.counts[0].model_copy(update={"value": 31})]})
    assert any("not in its text" in v for v in span_violations(text, other))


def _cpu_ms_per_kb(text: str) -> float:
    import time

    t0 = time.process_time()
    extract(text, Meta(doc="x"))
    return 1000 * (time.process_time() - t0) / (len(text.encode("utf-8")) / 1024)


def test_runs_the_fuzzer_found_cost_the_same_per_kb_at_any_size() -> None:
    """"đến nay" × n was quadratic (each "now" looked through every time expression)."""
    extract("Xã có 3 mô hình.", Meta(doc="warm-up"))
    for unit in ("đến nay ", "trong năm ", "5 năm qua, "):
        small = min(_cpu_ms_per_kb(unit * (2048 // len(unit.encode("utf-8")))) for _ in range(3))
        large = _cpu_ms_per_kb(unit * (32768 // len(unit.encode("utf-8"))))
        assert large < 4 * small + 2, (unit, small, large)
