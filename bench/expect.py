"""Expected ``dvk extract`` output, to show that a speed change leaves every output byte alone.

    .venv/bin/python -m bench.expect write DIR     # with the code before the change
    DVK_EXTRACT_EXPECT=DIR .venv/bin/pytest tests/test_extract_identical.py

``write`` runs ``dvk extract`` (a real process, as a user runs it) on each input set and saves
what it printed as ``DIR/<set>.jsonl``; the test runs it again with the code of the worktree
and compares byte for byte. The sets: the bundled corpus (text and HTML), the real-world
development set (``../shared/realworld/input``, when present; its output names its text, so
DIR must be outside the repository) and 300 synthetic pages (bench/synthetic.py, seed 7).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REALWORLD = ROOT.parent / "shared" / "realworld" / "input"
SYNTHETIC = 300


def input_sets(scratch: Path) -> dict[str, list[Path]]:
    from bench.synthetic import generate

    sets = {"corpus_txt": sorted((ROOT / "corpus").glob("*.txt")),
            "corpus_html": sorted((ROOT / "corpus").glob("*.html"))}
    if REALWORLD.is_dir():
        sets["realworld"] = sorted(p for p in REALWORLD.iterdir() if p.is_file())
    sets["synthetic"] = generate(SYNTHETIC, scratch / "synthetic", seed=7)
    return sets


def extract_output(paths: list[Path]) -> bytes:
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", *map(str, paths)], cwd=ROOT,
                          capture_output=True, check=False, timeout=1800)
    return proc.stdout + f"exit {proc.returncode}\n".encode()


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 2 or args[0] != "write":
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(args[1])
    if out.resolve().is_relative_to(ROOT):
        print("bench.expect: write the expectation outside the repository", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, paths in input_sets(Path(tmp)).items():
            (out / f"{name}.jsonl").write_bytes(extract_output(paths))
            print(f"{name}: {len(paths)} documents")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
