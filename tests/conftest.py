from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLD = ROOT / "gold"


@pytest.fixture(scope="session")
def corpus_txt() -> list[Path]:
    return sorted(CORPUS.glob("*.txt"))
