"""``dvk extract`` prints exactly what the code before a speed change printed (bench/expect.py).

Runs only when ``DVK_EXTRACT_EXPECT`` names a folder written by ``python -m bench.expect write``
(outside the repository: the real-world set's output must not be copied into it)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from bench.expect import extract_output, input_sets

EXPECT = os.environ.get("DVK_EXTRACT_EXPECT")

pytestmark = pytest.mark.skipif(not EXPECT, reason="DVK_EXTRACT_EXPECT names no expectation folder")


def test_extract_output_is_byte_identical() -> None:
    folder = Path(EXPECT or "")
    with tempfile.TemporaryDirectory() as tmp:
        sets = input_sets(Path(tmp))
        for name, paths in sets.items():
            expected = (folder / f"{name}.jsonl").read_bytes()
            got = extract_output(paths)
            assert got.count(b"\n") == len(paths) + 1, name  # one line per document, and the exit status
            assert got == expected, f"{name}: dvk extract output differs from the expectation"
