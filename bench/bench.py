"""Benchmark: clean + extract + store throughput and peak memory, and the naive baseline.

    .venv/bin/python -m bench.bench                    # N = 1,000 and 10,000, --workers 2
    .venv/bin/python -m bench.bench --sizes 1000 --workers 1 --baseline-sample 20

For each N a fresh process builds N synthetic article pages (bench/synthetic.py: the corpus's
paragraphs recombined, with other numbers and places), then runs the real job (``pipeline.run``:
read, clean, extract, store in a new SQLite file) with ``--workers`` processes, and reports
articles per second and peak memory (resident set: the main process and the largest worker).
Generating the pages is not timed.

The naive baseline runs in the process of the first N, on the first ``--baseline-sample`` of the
same articles: clean the page, then underthesea ``word_tokenize`` and ``ner`` over every sentence
(what a first attempt at "find the numbers and places" looks like). It is compared with our
extractor on the same articles in the same process (one core each), and printed as a ratio.

Targets (issue 7): ≥ 50 articles/s with --workers 2, ≥ 5× the baseline, peak memory < 500 MB and
flat from N = 1,000 to N = 10,000.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kilobytes on Linux


def one(n: int, workers: int, baseline_sample: int) -> dict[str, float]:
    """Measure one corpus size in this process (called in a fresh process per size)."""
    from bench.synthetic import generate
    from pipeline.run import run

    with tempfile.TemporaryDirectory(prefix="dvk-bench-") as tmp:
        folder = Path(tmp) / "pages"
        paths = generate(n, folder, seed=n)
        chars = sum(p.stat().st_size for p in paths)
        db = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        result = run([folder], db, workers=workers)
        elapsed = time.perf_counter() - t0
        failed = len(result.failed)
        out: dict[str, float] = {
            "n": n, "workers": workers, "seconds": elapsed, "articles_per_s": n / elapsed,
            "failed": failed, "html_mb": chars / 1e6,
            "peak_main_mb": _peak_mb(resource.RUSAGE_SELF),
            "peak_worker_mb": _peak_mb(resource.RUSAGE_CHILDREN),
            "db_mb": db.stat().st_size / 1e6,
        }
        if baseline_sample:
            out.update(compare_with_baseline(paths[:baseline_sample]))
    return out


def compare_with_baseline(paths: list[Path]) -> dict[str, float]:
    """Ours and the naive baseline on the same articles, one core each, same process."""
    from extractors import Meta, extract
    from pipeline.documents import read_path
    from pipeline.sources import load_registry

    registry = load_registry()
    from underthesea import ner, sent_tokenize, word_tokenize

    # warm both up so model loading is not counted
    warm = read_path(paths[0], registry)
    extract(warm.text, Meta(doc=warm.doc))
    word_tokenize("Dân vận khéo")
    ner("Dân vận khéo")

    t0 = time.perf_counter()
    for p in paths:
        src = read_path(p, registry)
        extract(src.text, Meta(doc=src.doc, title=src.title, published=src.published))
    ours = time.perf_counter() - t0

    t0 = time.perf_counter()
    for p in paths:
        src = read_path(p, registry)
        for sentence in sent_tokenize(src.text):
            word_tokenize(sentence)
            ner(sentence)
    naive = time.perf_counter() - t0
    k = len(paths)
    return {"sample": k, "ours_per_s_1core": k / ours, "naive_per_s_1core": k / naive, "ratio": naive / ours}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--baseline-sample", type=int, default=50)
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON lines")
    args = ap.parse_args(argv)
    if args.one is not None:
        print(json.dumps(one(args.one, args.workers, args.baseline_sample)))
        return 0
    rows = []
    for i, n in enumerate(args.sizes):
        cmd = [sys.executable, "-m", "bench.bench", "--one", str(n), "--workers", str(args.workers),
               "--baseline-sample", str(args.baseline_sample if i == 0 else 0)]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return proc.returncode
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    if args.json:
        for r in rows:
            print(json.dumps(r))
        return 0
    import os
    import platform
    print(f"dvk benchmark — {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, --workers {args.workers}")
    print(f"{'N':>7} {'seconds':>8} {'articles/s':>11} {'failed':>7} {'peak main MB':>13} "
          f"{'peak worker MB':>15} {'DB MB':>7}")
    for r in rows:
        print(f"{r['n']:>7,} {r['seconds']:>8.1f} {r['articles_per_s']:>11.1f} {r['failed']:>7} "
              f"{r['peak_main_mb']:>13.0f} {r['peak_worker_mb']:>15.0f} {r['db_mb']:>7.1f}")
    base = rows[0]
    if "ratio" in base:
        print(f"baseline on {base['sample']} of the same articles, one core each: ours "
              f"{base['ours_per_s_1core']:.1f} articles/s, naive word_tokenize + ner "
              f"{base['naive_per_s_1core']:.2f} articles/s — ratio {base['ratio']:.1f}×")
    if len(rows) > 1:
        growth = rows[-1]["peak_main_mb"] / rows[0]["peak_main_mb"]
        wgrowth = rows[-1]["peak_worker_mb"] / rows[0]["peak_worker_mb"]
        print(f"memory growth from N={rows[0]['n']:,} to N={rows[-1]['n']:,}: main ×{growth:.2f}, "
              f"worker ×{wgrowth:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
