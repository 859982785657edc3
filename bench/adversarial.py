"""Cost of extraction on crafted text, against the cost of real articles (issue 12).

Every stage must be linear: for each family of adversarial inputs (a run of number words, of the
model noun, of years, of part cues, of quotes, one huge line) this prints milliseconds per KB at
sizes from 1 KB up (CPU time), beside the per-KB cost of the corpus articles, and the ratio: the
median of paired runs (the real articles, then the crafted text), each ratio taken within its pair.
A family whose ratio grows with the size is superlinear somewhere.

    python -m bench.adversarial                # 1, 4, 16, 64 KB, 3 pairs each
    python -m bench.adversarial --sizes 1 64 256 1024 --repeat 3
    python -m bench.adversarial --families "model noun" "part cues" --sizes 256
"""

from __future__ import annotations

import argparse
import math
import statistics
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
    # found while fixing the above: each list cue read its list to the end of the paragraph (and
    # every later list again), and each group of models looked through all the others (quadratic)
    "lists of models": "các mô hình: nuôi gà tại xã A; ",
    "sentences of lists": "Các mô hình: nuôi gà. ",
    # found by a review: each bare quarter looked through every time expression, and each part of a
    # grouping after the total through every count (loops without calls, so tracked by lines)
    "bare quarters": "Năm 2023, huyện A xây dựng 80 mô hình. Riêng quý II, huyện ra mắt 12 mô hình. ",
    "grouping parts": "Toàn huyện công nhận 900 mô hình. Khối MTTQ và các đoàn thể huyện xây dựng 90 mô hình, "
                      "trong đó Hội LHPN 40, Hội Nông dân 30. ",
}


def _time(fn: Callable[[], object]) -> float:
    """CPU seconds of this process (other processes on a busy machine do not inflate it)."""
    start = time.process_time()
    fn()
    return time.process_time() - start


#: each timing covers at least this much text (a 1 KB input is extracted 64 times), so that the
#: small sizes are not a single call of a few milliseconds
MIN_KB = 64


def crafted(unit: str, kb: int) -> str:
    """The unit repeated to about ``kb`` KB."""
    return unit * max(1, (kb * 1024) // len(unit.encode("utf-8")))


def ms_per_kb(texts: list[str]) -> float:
    """CPU milliseconds per KB of extracting ``texts``, repeated to cover :data:`MIN_KB` at least."""
    kb = sum(len(t.encode("utf-8")) for t in texts) / 1024
    loops = max(1, math.ceil(MIN_KB / kb))

    def run() -> None:
        for _ in range(loops):
            for t in texts:
                extract(t, Meta(doc="timed"))

    return 1000 * _time(run) / (kb * loops)


def real_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]


def real_ms_per_kb() -> float:
    """The per-KB cost of extracting the corpus articles (warm)."""
    texts = real_texts()
    extract(texts[0], Meta(doc="warm-up"))
    return ms_per_kb(texts)


def paired(unit: str, kb: int, repeat: int, real: list[str]) -> tuple[float, float, float]:
    """(median ms/KB of the crafted text, median ms/KB of the real articles, median ratio), from
    ``repeat`` pairs of runs (real, crafted, real, crafted …): a pair's ratio is taken within the
    pair, so a machine whose speed drifts does not move it."""
    text = crafted(unit, kb)
    pairs = [(ms_per_kb([text]), ms_per_kb(real)) for _ in range(repeat)]
    return (statistics.median(a for a, _ in pairs), statistics.median(b for _, b in pairs),
            statistics.median(a / b for a, b in pairs))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 4, 16, 64], help="sizes in KB")
    ap.add_argument("--repeat", type=int, default=3, help="pairs of runs per cell; the median is printed")
    ap.add_argument("--families", nargs="+", choices=list(FAMILIES), metavar="NAME", help="only these families")
    args = ap.parse_args(argv)
    real = real_texts()
    for t in real:
        extract(t, Meta(doc="warm-up"))
    families = {name: FAMILIES[name] for name in (args.families or FAMILIES)}
    for unit in families.values():  # the patterns a family needs are compiled before any timing
        extract(crafted(unit, 1), Meta(doc="warm-up"))
    print(f"real articles: {real_ms_per_kb():.2f} ms/KB (CPU time; medians of {args.repeat} paired runs below, "
          f"ratio = crafted / real within each pair)")
    print(f"{'family':<26}" + "".join(f"{str(s) + ' KB':>16}" for s in args.sizes))
    bases: list[float] = []
    for name, unit in families.items():
        cells = []
        for kb in args.sizes:
            per_kb, base, ratio = paired(unit, kb, args.repeat, real)
            bases.append(base)
            cells.append(f"{per_kb:8.2f} ({ratio:4.1f}×)")
        print(f"{name:<26}" + "".join(f"{c:>16}" for c in cells), flush=True)
    print(f"real articles over the run: median {statistics.median(bases):.2f} ms/KB, "
          f"{min(bases):.2f}–{max(bases):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
