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
