"""Extraction stays linear on crafted text (issue 12), for every family of ``bench/adversarial.py``.

Two guards. The first counts operations, not time: the Python and C function calls that extracting
a text makes (``sys.setprofile``) and the Python lines it runs (``sys.settrace``: a loop that calls
nothing still runs its line at each turn), per KB, at 2 KB and at 32 KB. A loop that looks through every
count, model, sentence or mention for each one grows that number with the size (a scan of the
candidates per count, reintroduced, makes "sentences with parts" 1.31 times dearer per KB at 32
KB; today every family is 0.94–0.99, a fixed cost per text spread thinner); it is exact, so it
runs in every test run (a few seconds). It does not see a slice or a pattern scan whose length
grows inside one call; the second guard does, in CPU time: the cost per KB at 1 MB against 64 KB
(the cheapest of three), at most 1.5 times plus 1 ms. That catches the gross cases (the families
were 1.5–25 times dearer per KB at 1 MB before the fixes) but, on a loaded machine, not a mild one
(a copy of the rest of the text per comma, reintroduced, made part cues 1.25–1.66 times dearer,
while the fixed code measured 1.3–1.4 under the same load). Minutes of CPU: ``make
bench-adversarial`` runs it (``DVK_BENCH=1``)."""

from __future__ import annotations

import os
import sys
from types import FrameType

import pytest

from bench.adversarial import FAMILIES, crafted, ms_per_kb
from extractors import Meta, extract


def _calls_per_kb(text: str) -> float:
    """Function calls (Python and C) and Python lines run, per KB: a loop over every count runs its
    line once per count even when it calls nothing ("for d in cands: if d.parent == k")."""
    calls = 0

    def count(frame: FrameType, event: str, arg: object) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    def lines(frame: FrameType, event: str, arg: object) -> object:
        nonlocal calls
        calls += 1  # a call, then each line it runs (a loop's line again at each turn)
        return lines

    sys.setprofile(count)
    sys.settrace(lines)
    try:
        extract(text, Meta(doc="counted"))
    finally:
        sys.settrace(None)
        sys.setprofile(None)
    return calls / (len(text.encode("utf-8")) / 1024)


@pytest.mark.parametrize("family", list(FAMILIES))
def test_the_work_per_kb_does_not_grow_with_the_size(family: str) -> None:
    unit = FAMILIES[family]
    extract(crafted(unit, 2), Meta(doc="warm-up"))  # patterns compiled, caches filled: not counted
    small, large = _calls_per_kb(crafted(unit, 2)), _calls_per_kb(crafted(unit, 32))
    assert large <= 1.1 * small, f"{family}: {small:.0f} calls/KB at 2 KB, {large:.0f} at 32 KB"


@pytest.mark.skipif(not os.environ.get("DVK_BENCH"),
                    reason="a cost measurement (minutes of CPU): DVK_BENCH=1 or make bench-adversarial")
@pytest.mark.parametrize("family", list(FAMILIES))
def test_cost_per_kb_does_not_grow_with_the_size(family: str) -> None:
    unit = FAMILIES[family]
    ms_per_kb([crafted(unit, 1)])  # the patterns this family needs, compiled before any timing
    small = min(ms_per_kb([crafted(unit, 64)]) for _ in range(3))
    large = ms_per_kb([crafted(unit, 1024)])
    assert large <= 1.5 * small + 1.0, f"{family}: {small:.2f} ms/KB at 64 KB, {large:.2f} at 1024 KB"
