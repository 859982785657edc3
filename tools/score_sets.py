"""Score every gold set at once, one line each: the seed gold, the real-world set (read in place
beside the repository, when it is there) and each blind set of gold/blind. For comparing two
states of the rules: run it before and after a change.

    .venv/bin/python tools/score_sets.py            # the figures
    .venv/bin/python tools/score_sets.py --save D   # also write each set's extraction to D/<set>.jsonl
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.score import load_gold, score  # noqa: E402
from tests.test_realworld_gate import extract_all  # noqa: E402

ROWS = ("localities.f1", "periods.f1", "counts_key.f1", "counts_strict.f1", "models_exact.f1", "findings.p")


def sets() -> list[tuple[str, list[Path], Path]]:
    out = [("seed", sorted((ROOT / "corpus").glob("*.txt")), ROOT / "gold")]
    realworld = ROOT.parent / "shared" / "realworld"
    if realworld.is_dir():
        out.append(("realworld", sorted((realworld / "input").glob("*.txt")), realworld / "gold"))
    for d in sorted(p for p in (ROOT / "gold" / "blind").iterdir() if p.is_dir()):
        out.append((f"blind{d.name}", sorted((d / "input").glob("*.txt")), d / "gold"))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", type=Path, help="write each set's extraction as JSON Lines here")
    args = parser.parse_args()
    print(f"{'set':10} " + " ".join(f"{r.split('.')[0][:13]:>13}" for r in ROWS))
    for name, inputs, gold in sets():
        predictions = extract_all(inputs)
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / f"{name}.jsonl").write_text(
                "".join(d.model_dump_json() + "\n" for d in predictions.values()), encoding="utf-8")
        figures = score(predictions, load_gold(gold)).figures()
        print(f"{name:10} " + " ".join(f"{figures[r]:13.3f}" for r in ROWS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
