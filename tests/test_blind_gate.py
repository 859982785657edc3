"""The blind-set gate: each gold/blind/NN set (made-up articles labelled by writers who had not
seen the rules; gold/blind/README.md) keeps its scores at or above the floors pinned in
gold/floors_blind.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from pipeline.score import load_gold, score

from .conftest import GOLD
from .test_realworld_gate import extract_all

BLIND = GOLD / "blind"
FLOORS: dict[str, dict[str, float]] = tomllib.loads((GOLD / "floors_blind.toml").read_text(encoding="utf-8"))
SETS = sorted(p.name for p in BLIND.iterdir() if p.is_dir())


def inputs(name: str) -> list[Path]:
    return sorted((BLIND / name / "input").glob("*.txt"))


@pytest.fixture(scope="module")
def figures() -> dict[str, dict[str, float]]:
    return {name: score(extract_all(inputs(name)), load_gold(BLIND / name / "gold")).figures() for name in SETS}


def test_every_set_has_floors_and_every_input_its_gold() -> None:
    assert SETS and set(SETS) == set(FLOORS)
    for name in SETS:
        assert {p.stem for p in inputs(name)} == set(load_gold(BLIND / name / "gold")), name


@pytest.mark.parametrize("name,metric", [(n, m) for n in sorted(FLOORS) for m in sorted(FLOORS[n])])
def test_blind_score_not_below_floor(figures: dict[str, dict[str, float]], name: str, metric: str) -> None:
    got = figures[name][metric]
    assert got >= FLOORS[name][metric] - 1e-9, f"set {name}: {metric} = {got:.4f} < floor {FLOORS[name][metric]}"
