"""The indexed increase check gives exactly the findings of the obvious pairwise one.

The reference below is the check as it was first written (every increase compared with every
stock); the indexed version must agree with it, finding for finding and in the same order, on
generated counts that hit its edge cases: several stocks of one article and unit, equal dates,
the same article on both sides, increases with no earlier stock, bounds other than exact.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from pipeline.check import Finding, _ev, _loc, _period, across_articles, increases, within_article


def reference_increases(counts: list[dict[str, Any]]) -> list[Finding]:
    out: list[Finding] = []
    built = [c for c in counts if c["metric"] == "built" and c["holder"] is None
             and c["level"] is None and c["period_end"]]
    for inc in (c for c in counts if c["metric"] == "increase" and c["period_end"]):
        now = [c for c in built if c["document_id"] == inc["document_id"] and _loc(c) == _loc(inc)
               and c["field"] == inc["field"] and _period(c) == _period(inc)]
        year = inc["period_end"][:4]
        earlier = sorted((c for c in built if c["document_id"] != inc["document_id"]
                          and _loc(c) == _loc(inc) and c["field"] == inc["field"]
                          and c["period_end"][:4] < year), key=lambda c: c["period_end"])
        if not now or not earlier:
            continue
        cur, prev = now[0], earlier[-1]
        diff = cur["value"] - prev["value"]
        ok = diff == inc["value"] or (cur["bound"] != "exact" or prev["bound"] != "exact")
        out.append(Finding(
            "increase", "ok" if ok else "warning",
            "the increase matches the earlier count" if ok else
            f"the article says +{inc['value']}, the earlier count ({prev['period_end']}) gives +{diff}",
            f"{cur['value']} - {prev['value']} = {diff}; stated +{inc['value']}",
            sorted({inc["document_id"], prev["document_id"]}), [_ev(inc), _ev(cur), _ev(prev)]))
    return out


def generated_counts(seed: int, n: int) -> list[dict[str, Any]]:
    """``n`` counts in about ``n / 4`` articles; an article mostly keeps one unit and one date."""
    rng = random.Random(seed)
    units = [(rng.choice(["district", "province"]), f"U{i}", f"P{i % 3}", rng.choice([None, "former"]))
             for i in range(5)]
    ends = [None, "2021-06-30", "2021-12-31", "2022-06-30", "2022-12-31", "2023-12-31", "2024-12-31"]
    docs = [(f"d{i:04d}", rng.choice(units), rng.choice(ends)) for i in range(n // 4 + 1)]
    out = []
    for i in range(n):
        doc, unit, end = rng.choice(docs)
        level, name, province, system = unit if rng.random() < 0.8 else rng.choice(units)
        field = rng.choice(["all", "all", "all", "economy", "other"])
        out.append({
            "id": i + 1, "document_id": doc, "url": None, "text": f"t{i}",
            "span_start": i, "span_end": i + 1, "value": rng.randrange(1, 12) * 5,
            "bound": rng.choice(["exact", "exact", "exact", "about", "at_least"]),
            "metric": rng.choice(["built", "built", "increase", "registered"]),
            "field": field, "field_text": rng.choice(["x", "y"]) if field == "other" else None,
            "level": rng.choice([None, None, None, "district"]),
            "holder": rng.choice([None, None, None, "collective", "individual"]),
            "locality_level": level, "locality_name": name, "province": province, "locality_system": system,
            "period_start": None, "period_end": end if rng.random() < 0.85 else rng.choice(ends),
        })
    out.sort(key=lambda c: (c["document_id"], c["id"]))  # the order run_checks reads them in
    return out


@pytest.mark.parametrize("seed", range(40))
def test_indexed_increase_check_agrees_with_the_pairwise_one(seed: int) -> None:
    counts = generated_counts(seed, n=[20, 80, 300][seed % 3])
    expected = reference_increases(counts)
    got = increases(counts)
    assert [f.row() for f in got] == [f.row() for f in expected]


def test_generated_counts_exercise_the_increase_check() -> None:
    """The comparison above is not vacuous: the generated data gives both verdicts."""
    found = [f for seed in range(40) for f in increases(generated_counts(seed, n=[20, 80, 300][seed % 3]))]
    assert {f.severity for f in found} == {"ok", "warning"}
    assert len(found) > 50


def test_checks_stay_near_linear() -> None:
    """Ten times the counts cost far less than the hundred times a pairwise check would."""
    import time

    def cost(n: int) -> float:
        counts = generated_counts(1, n)
        t0 = time.process_time()  # CPU seconds: other processes on a busy machine do not count
        within_article(counts), across_articles(counts), increases(counts)
        return time.process_time() - t0

    small, large = min(cost(2_000) for _ in range(3)), min(cost(20_000) for _ in range(3))
    assert large < 30 * small
