"""Extractor rules on sentences (made up in other provinces' styles), kept as data in tests/specs.

Each case names the rules it exercises; an expected record matches an extracted one when every
key it lists is equal (a subset match), and the lists must have the same length.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from extractors import Meta, extract
from extractors.text import key

SPECS = Path(__file__).parent / "specs"
CASES = [case for f in sorted(SPECS.glob("*.json")) for case in json.loads(f.read_text("utf-8"))]


def _same(expected: Any, got: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(got, dict) and all(_same(v, got.get(k)) for k, v in expected.items())
    if isinstance(expected, list) and isinstance(got, list):
        if expected and all(isinstance(x, str) for x in expected) and all(isinstance(x, dict) for x in got):
            return sorted(key(x) for x in expected) == sorted(key(g["name"]) for g in got)
        return len(expected) == len(got) and all(
            any(_same(e, g) for g in got) for e in expected)
    if isinstance(expected, str) and isinstance(got, str):
        return key(expected) == key(got)
    return bool(expected == got)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_spec(case: dict[str, Any]) -> None:
    pub = date.fromisoformat(case["published"]) if case.get("published") else None
    meta = Meta(doc=case["id"], published=pub, **{k: case.get(k) for k in ("url", "title", "source_province")})
    doc = extract(case["text"], meta).model_dump(mode="json")
    for kind in ("counts", "periods", "localities", "models"):
        if kind not in case:
            continue
        want, got = case[kind], doc[kind]
        assert len(want) == len(got), f"{case['rules']}: {kind}: want {len(want)}, got {got}"
        for w in want:
            assert any(_same(w, g) for g in got), f"{case['rules']}: {kind}: no match for {w} in {got}"
