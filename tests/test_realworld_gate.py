"""The real-world gate: the scores on ../shared/realworld (read in place) never slide below the
floors, nor the false alarms above the ceilings, pinned in gold/floors_realworld.toml."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from extractors.records import Document
from pipeline.documents import read_path
from pipeline.run import extract_source
from pipeline.score import METRICS, load_gold, score
from pipeline.sources import load_registry

from .conftest import GOLD, ROOT

REALWORLD = ROOT.parent / "shared" / "realworld"
LIMITS = tomllib.loads((GOLD / "floors_realworld.toml").read_text(encoding="utf-8"))
CEILINGS: dict[str, float] = LIMITS.pop("ceilings", {})
FLOORS: dict[str, float] = LIMITS

pytestmark = pytest.mark.skipif(not REALWORLD.is_dir(),
                                reason=f"no real-world set at {REALWORLD} (it sits beside the repo in CI)")


def realworld_inputs() -> list[Path]:
    return sorted((REALWORLD / "input").glob("*.txt"))


def extract_all(paths: list[Path]) -> dict[str, Document]:
    """What ``dvk extract`` prints for these files, as records."""
    registry = load_registry()
    out = {}
    for path in paths:
        document = extract_source(read_path(path, registry), registry)
        out[document.doc] = document
    return out


@pytest.fixture(scope="module")
def predictions() -> dict[str, Document]:
    return extract_all(realworld_inputs())


@pytest.fixture(scope="module")
def figures(predictions: dict[str, Document]) -> dict[str, float]:
    return score(predictions, load_gold(REALWORLD / "gold")).figures()


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_realworld_score_not_below_floor(figures: dict[str, float], name: str) -> None:
    assert figures[name] >= FLOORS[name] - 1e-9, f"{name} = {figures[name]:.4f} < floor {FLOORS[name]}"


@pytest.mark.parametrize("name", sorted(CEILINGS))
def test_realworld_count_not_above_ceiling(figures: dict[str, float], name: str) -> None:
    assert figures[name] <= CEILINGS[name] + 1e-9, f"{name} = {figures[name]:g} > ceiling {CEILINGS[name]}"


def test_gold_covers_every_realworld_input() -> None:
    inputs = realworld_inputs()
    assert inputs and {p.stem for p in inputs} == set(load_gold(REALWORLD / "gold"))


def test_dvk_score_reads_the_realworld_gold(predictions: dict[str, Document], figures: dict[str, float],
                                           tmp_path: Path) -> None:
    """``dvk score --gold ../shared/realworld/gold --pred rw.jsonl`` (gold with ``system`` fields)
    gives the gate's figures."""
    pred = tmp_path / "rw.jsonl"
    pred.write_text("".join(d.model_dump_json() + "\n" for d in predictions.values()), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "pipeline.cli", "score", "--gold", str(REALWORLD / "gold"),
                          "--pred", str(pred), "--json"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    micro = json.loads(out.stdout)["micro"]
    assert set(micro) == set(METRICS)
    for m in METRICS:
        assert micro[m]["f1"] == round(figures[f"{m}.f1"], 4), m
