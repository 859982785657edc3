"""Cost of extraction on crafted text, against the cost of real articles (issue 12).

Every stage must be linear: for each family of adversarial inputs (a run of number words, of the
model noun, of years, of part cues, of quotes, one huge line) this prints milliseconds per KB at
sizes from 1 KB up (CPU time), beside the per-KB cost of the corpus articles, and the ratio. A family whose
ratio grows with the size is superlinear somewhere.

    python -m bench.adversarial                # 1, 4, 16, 64 KB
    python -m bench.adversarial --sizes 1 16 256
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from extractors import Meta, extract

ROOT = Path(__file__).resolve().parent.parent

#: name -> one repeating unit of made-up text
FAMILIES: dict[str, str] = {
    "number words": "một ",
    "model noun": "mô hình ",
    "years": "năm 2023 ",
    "part cues": "trong đó 12 mô hình, ",
    "holder splits": "(12 tập thể, ",
    "sentences with parts": "Trong đó, 5 mô hình. ",
    "quotes": "mô hình “Dân vận khéo ",
    "one long line of counts": "toàn huyện có 15 mô hình kinh tế; ",
    "until now": "đến nay ",  # found by bench/fuzz.py: was quadratic (16× a real article at 64 KB)
    "the year": "trong năm ",
}


def _time(fn: Callable[[], object]) -> float:
    """CPU seconds of this process (other processes on a busy machine do not inflate it)."""
    start = time.process_time()
    fn()
    return time.process_time() - start


def real_ms_per_kb() -> float:
    """The per-KB cost of extracting the corpus articles (warm)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]
    extract(texts[0], Meta(doc="warm-up"))
    seconds = sum(_time(lambda t=t: extract(t, Meta(doc="real"))) for t in texts)  # type: ignore[misc]
    kb = sum(len(t.encode("utf-8")) for t in texts) / 1024
    return 1000 * seconds / kb


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 4, 16, 64], help="sizes in KB")
    args = ap.parse_args(argv)
    base = real_ms_per_kb()
    print(f"real articles: {base:.2f} ms/KB")
    print(f"{'family':<26}" + "".join(f"{str(s) + ' KB':>16}" for s in args.sizes))
    for name, unit in FAMILIES.items():
        cells = []
        for kb in args.sizes:
            text = unit * max(1, (kb * 1024) // len(unit.encode("utf-8")))
            ms = 1000 * _time(lambda text=text: extract(text, Meta(doc="crafted")))  # type: ignore[misc]
            per_kb = ms / (len(text.encode("utf-8")) / 1024)
            cells.append(f"{per_kb:8.2f} ({per_kb / base:4.1f}×)")
        print(f"{name:<26}" + "".join(f"{c:>16}" for c in cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
