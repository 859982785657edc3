"""The quality gate: the gold scores never slide below the floors pinned in gold/floors.toml."""

from __future__ import annotations

import tomllib

import pytest

from pipeline.score import load_gold, score
from pipeline.summary import corpus_predictions

from .conftest import GOLD

FLOORS = tomllib.loads((GOLD / "floors.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def figures() -> dict[str, float]:
    return score(corpus_predictions(), load_gold(GOLD)).figures()


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_score_not_below_floor(figures: dict[str, float], name: str) -> None:
    assert figures[name] >= FLOORS[name] - 1e-9, f"{name} = {figures[name]:.4f} < floor {FLOORS[name]}"


def test_gold_covers_every_corpus_document() -> None:
    from .conftest import CORPUS

    assert {p.stem for p in CORPUS.glob("*.txt")} == set(load_gold(GOLD))
