"""The same inputs give byte-identical ``dvk extract`` output whatever the hash seed: each run is
a fresh process with its own PYTHONHASHSEED, so set and dict-of-set iteration order cannot leak
into a record (an ambiguous name resolved one way in one run, the other way in the next)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CORPUS, ROOT

REALWORLD = ROOT.parent / "shared" / "realworld"
SEEDS = ("0", "1", "12345")


def extract_with_seeds(paths: list[Path]) -> dict[str, bytes]:
    """stdout of ``dvk extract PATHS`` under each seed (the processes run side by side)."""
    assert paths, "no input files"
    procs = {}
    for seed in SEEDS:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        procs[seed] = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "extract", *map(str, paths)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = {}
    for seed, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, f"seed {seed}: exit {proc.returncode}: {stderr.decode()[-500:]}"
        out[seed] = stdout
    return out


def differing_documents(a: bytes, b: bytes) -> list[str]:
    la, lb = a.decode().splitlines(), b.decode().splitlines()
    if len(la) != len(lb):
        return [f"{len(la)} lines against {len(lb)}"]
    return [json.loads(x)["doc"] for x, y in zip(la, lb, strict=True) if x != y]


def assert_identical(outputs: dict[str, bytes], n_docs: int) -> None:
    first = outputs[SEEDS[0]]
    assert len(first.splitlines()) == n_docs
    for seed in SEEDS[1:]:
        assert outputs[seed] == first, (
            f"PYTHONHASHSEED={seed} differs from {SEEDS[0]} on: "
            f"{', '.join(differing_documents(first, outputs[seed]))}")


def test_corpus_extraction_is_deterministic() -> None:
    paths = sorted(CORPUS.glob("*.txt"))
    assert_identical(extract_with_seeds(paths), len(paths))


@pytest.mark.skipif(not REALWORLD.is_dir(),
                    reason=f"no real-world set at {REALWORLD} (it sits beside the repo in CI)")
def test_realworld_extraction_is_deterministic() -> None:
    paths = sorted((REALWORLD / "input").glob("*.txt"))
    assert_identical(extract_with_seeds(paths), len(paths))
