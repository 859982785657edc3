"""Benchmark: the whole ``dvk run`` command as a user runs it, and the naive baseline beside it.

    make bench                                          # N = 1,000 and 10,000; workers 1 and 2; .txt and HTML
    .venv/bin/python -m bench.bench --sizes 1000 10000 100000   # 100,000 too (about 15 min more)
    .venv/bin/python -m bench.bench --sizes 1000 --workers 2 --naive-sample 10 --input txt

For each input kind and N, N synthetic articles are written once (bench/synthetic.py: the
corpus's paragraphs recombined, with other numbers and places; not timed): ``txt``, .txt files
of about 2 KB with YAML front matter (what the issue's timing corpus is), and ``html``, news
pages that are cleaned first. Then, for each ``--workers``
value, ``dvk run FOLDER --db NEW.db --workers W`` runs as its own process, its output going to a
file as a script's would, and is timed from the outside (wall clock; CPU of the command and its
workers from the operating system's accounting). The command also writes where its time and
memory went (``DVK_TIMINGS``, pipeline/cli.py): the job (read, clean, extract, store) and the
tail after it (the summary, the fact-checks, the findings), the peak resident memory of the main
process and of the largest worker.

The naive baseline (what a first attempt at "find the numbers and places" looks like: clean the
page, then underthesea ``word_tokenize`` + ``ner`` on every sentence) runs as its own process on
one fixed sample of ``--naive-sample`` (100) articles of each input kind, the same sample for
every N (bench/synthetic.py with its own seed, like the N sets); inside it each article is timed
after start-up, and the mean, median and spread of the per-article CPU time are printed. Its
cost for N articles is taken as its start-up plus N times that mean, and the ratio is that cost
over the CPU seconds of ``dvk run --workers 1`` on the N articles: both whole processes, one core
each. The steady-state ratio (per article, start-up left out on both sides, both on the sample)
is printed beside it. ``--naive-first K`` also times the naive baseline on the first K articles
of each N set (how it was measured before, with K = 20: a small sample that differed with N).

Goals (issue 15): ≥ 300 articles/s with --workers 2 at N = 10,000; the tail < 5 % of the command;
the second worker ≥ 1.8× the first; peak memory flat and < 200 MB; the naive ratio ≥ 45×.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _cpu_seconds(ru: resource.struct_rusage | None) -> float:
    return ru.ru_utime + ru.ru_stime if ru is not None else float("nan")


def run_command(folder: Path, db: Path, workers: int, scratch: Path) -> dict[str, float]:
    """``dvk run`` on ``folder`` in a process of its own: wall and CPU seconds, and its own timings."""
    timings = scratch / f"timings-{workers}.json"
    timings.unlink(missing_ok=True)
    env = {**os.environ, "DVK_TIMINGS": str(timings)}
    out = (scratch / f"stdout-{workers}.txt").open("wb")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "run", str(folder), "--db", str(db),
                             "--workers", str(workers)], cwd=ROOT, env=env, stdout=out,
                            stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.close()
    if proc.returncode not in (0, 1, 3):  # 1: a finding is an error, 3: an input failed (both reported)
        raise SystemExit(f"dvk run exited {proc.returncode}: {(scratch / f'stdout-{workers}.txt').read_text()}")
    inner = json.loads(timings.read_text())
    return {"workers": workers, "wall_s": wall, "cpu_s": _cpu_seconds(usage), "exit": proc.returncode,
            **inner, "db_mb": db.stat().st_size / 1e6}


NAIVE = """
import json, sys, time
from pathlib import Path
from pipeline.documents import read_path
from pipeline.sources import load_registry
from underthesea import ner, sent_tokenize, word_tokenize
paths = [Path(p) for p in sys.argv[1:]]
registry = load_registry()
word_tokenize("Dân vận khéo"); ner("Dân vận khéo")  # the models load here: start-up
each = []
for p in paths:
    t0 = time.process_time()
    src = read_path(p, registry)
    for sentence in sent_tokenize(src.text):
        word_tokenize(sentence)
        ner(sentence)
    each.append(time.process_time() - t0)
print(json.dumps({"per_article_s": sum(each) / len(each), "each_s": each}))
"""

OURS = r"""
import json, sys, time
from pathlib import Path
from pipeline.documents import read_path
from pipeline.extracting import extract_source
from pipeline.sources import load_registry
paths = [Path(p) for p in sys.argv[1:]]
registry = load_registry()
extract_source(read_path(paths[0], registry), registry)  # warm: rules compiled, gazetteer loaded
t0 = time.process_time()
for p in paths:
    extract_source(read_path(p, registry), registry)
per_article = (time.process_time() - t0) / len(paths)
# the floor: what any extraction of counts has to do, fold the text and run the counts' pattern over it
from extractors.counts import _count_regex
from extractors.text import fold
COUNT = _count_regex()
sources = [read_path(p, registry) for p in paths]
t0 = time.process_time()
for _ in range(5):
    for src in sources:
        extract_source(src, registry)
extract_only = (time.process_time() - t0) / (5 * len(paths))
t0 = time.process_time()
for _ in range(5):
    for src in sources:
        sum(1 for _ in COUNT.finditer(fold(src.text)))
floor = (time.process_time() - t0) / (5 * len(paths))
print(json.dumps({"per_article_s": per_article, "extract_s": extract_only, "floor_s": floor}))
"""


def per_article(script: str, paths: list[Path]) -> dict[str, float]:
    """A script as its own process on these pages: the per-article time it measured itself."""
    proc = subprocess.run([sys.executable, "-c", script, *map(str, paths)], cwd=ROOT, capture_output=True,
                          check=False)
    if proc.returncode:
        raise SystemExit(proc.stderr.decode())
    return json.loads(proc.stdout.decode().strip().splitlines()[-1])  # type: ignore[no-any-return]


def naive_process(paths: list[Path]) -> dict[str, float]:
    """The naive baseline as a whole process: start-up CPU seconds and per-article CPU seconds."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", NAIVE, *map(str, paths)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(err.decode())
    inner = json.loads(out.decode().strip().splitlines()[-1])
    cpu = _cpu_seconds(usage)
    each = sorted(inner["each_s"])

    def at(q: float) -> float:
        return float(each[min(len(each) - 1, int(q * len(each)))])

    return {"naive_sample": len(paths), "naive_cpu_s": cpu, "naive_wall_s": time.perf_counter() - t0,
            "naive_per_article_s": inner["per_article_s"], "naive_median_s": statistics.median(each),
            "naive_p10_s": at(0.1), "naive_p90_s": at(0.9), "naive_min_s": each[0], "naive_max_s": each[-1],
            "naive_sd_s": statistics.stdev(each) if len(each) > 1 else 0.0,
            "naive_startup_s": max(0.0, cpu - sum(each))}


def ours_steady(paths: list[Path]) -> dict[str, float]:
    return per_article(OURS, paths)


#: the seed of the naive baseline's fixed sample (the N sets use seed N)
NAIVE_SEED = 7


def measure(n: int, workers: list[int], naive_first: int, kind: str = "html") -> dict[str, object]:
    from bench.synthetic import generate

    with tempfile.TemporaryDirectory(prefix="dvk-bench-") as tmp:
        scratch = Path(tmp)
        folder = scratch / "pages"
        paths = generate(n, folder, seed=n, kind=kind)
        runs = [run_command(folder, scratch / f"bench-{w}.db", w, scratch) for w in workers]
        row: dict[str, object] = {"n": n, "kind": kind, "input_mb": sum(p.stat().st_size for p in paths) / 1e6,
                                  "runs": runs}
        if naive_first:  # the earlier way: the first articles of this N's own set
            first = naive_process(paths[:naive_first])
            row["first"] = {k: first[k] for k in ("naive_sample", "naive_per_article_s", "naive_startup_s")}
        return row


def measure_naive(sample: int, kind: str) -> dict[str, object]:
    """The naive baseline and dvk's steady state on the fixed sample of this input kind."""
    from bench.synthetic import generate

    with tempfile.TemporaryDirectory(prefix="dvk-naive-") as tmp:
        paths = generate(sample, Path(tmp) / "sample", seed=NAIVE_SEED, kind=kind)
        row: dict[str, object] = dict(naive_process(paths))
        ours = ours_steady(paths)
        row["ours_per_article_s"] = ours["per_article_s"]
        row["extract_s"], row["floor_s"] = ours["extract_s"], ours["floor_s"]
        return row


def report(rows: list[dict[str, object]], workers: list[int], naive: dict[str, dict[str, object]]) -> None:
    load = os.getloadavg()
    print(f"dvk benchmark — {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    print("whole `dvk run FOLDER --db NEW.db --workers W` as its own process (synthetic articles, output to a file;")
    print("html: news pages, cleaning included; txt: .txt articles of about 2 KB with front matter)")
    print(f"{'input':>5} {'N':>7} {'W':>2} {'wall s':>7} {'articles/s':>10} {'job s':>7} {'tail s':>7} {'tail %':>6} "
          f"{'CPU s':>7} {'CPU ms/art':>10} {'main MB':>8} {'worker MB':>9} {'DB MB':>6}")
    for r in rows:
        for run in r["runs"]:  # type: ignore[attr-defined]
            print(f"{r['kind']:>5} {r['n']:>7,} {run['workers']:>2} {run['wall_s']:>7.1f} "
                  f"{r['n'] / run['wall_s']:>10.1f} "
                  f"{run['job_s']:>7.1f} {run['tail_s']:>7.2f} {100 * run['tail_s'] / run['wall_s']:>6.1f} "
                  f"{run['cpu_s']:>7.1f} {1000 * run['cpu_s'] / r['n']:>10.1f} "
                  f"{run['peak_main_mb']:>8.0f} {run['peak_worker_mb']:>9.0f} "
                  f"{run['db_mb']:>6.1f}")
    for r in rows:
        for run in r["runs"]:  # type: ignore[attr-defined]
            if run["workers"] > 1 and "cpu_main_s" in run:
                # on C cores, W workers and the main process cannot beat (all their CPU) / C
                floor = run["cpu_s"] / (os.cpu_count() or 1)
                print(f"CPU, {r['kind']}, N = {r['n']:,}, --workers {run['workers']}: main process "
                      f"{run['cpu_main_s']:.1f} s, workers {run['cpu_workers_s']:.1f} s; all of it spread over "
                      f"{os.cpu_count()} cores takes at least {floor:.1f} s (wall {run['wall_s']:.1f} s)")
    if 1 in workers and 2 in workers:
        for r in rows:
            by = {run["workers"]: run for run in r["runs"]}  # type: ignore[attr-defined]
            print(f"second worker's gain, {r['kind']}, N = {r['n']:,}: {by[1]['wall_s'] / by[2]['wall_s']:.2f}× "
                  f"(wall clock; the load decides it)")
    for kind, nv in naive.items():
        ms = {k: 1000 * float(v) for k, v in nv.items() if k.endswith("_s")}  # type: ignore[arg-type]
        se = ms["naive_sd_s"] / float(nv["naive_sample"]) ** 0.5  # type: ignore[arg-type]
        print(f"naive baseline (read + word_tokenize + ner on every sentence), {kind}, its own process, on a "
              f"fixed sample of {nv['naive_sample']} articles (the same for every N): start-up "
              f"{ms['naive_startup_s'] / 1000:.1f} s CPU; per article mean {ms['naive_per_article_s']:.0f} ms "
              f"(± {se:.0f} standard error), median {ms['naive_median_s']:.0f}, "
              f"10–90 % {ms['naive_p10_s']:.0f}–{ms['naive_p90_s']:.0f}, "
              f"min–max {ms['naive_min_s']:.0f}–{ms['naive_max_s']:.0f}")
        print(f"  steady state on that sample, per article: naive {ms['naive_per_article_s']:.0f} ms, ours "
              f"{ms['ours_per_article_s']:.1f} ms — ratio {ms['naive_per_article_s'] / ms['ours_per_article_s']:.0f}×")
        print(f"  extract (text already read) {ms['extract_s']:.2f} ms vs fold + the counts' pattern "
              f"{ms['floor_s']:.3f} ms: {ms['extract_s'] / ms['floor_s']:.0f}×")
        for r in rows:
            if r["kind"] != kind:
                continue
            n = int(r["n"])  # type: ignore[call-overload]
            by = {run["workers"]: run for run in r["runs"]}  # type: ignore[attr-defined]
            one = by.get(1) or by[min(by)]
            cores = 1 if 1 in by else one["workers"]
            total = float(nv["naive_startup_s"]) + n * float(nv["naive_per_article_s"])  # type: ignore[arg-type]
            print(f"  N = {n:,}, whole process, one core each: naive {total:.0f} s CPU (start-up + N × mean) vs "
                  f"dvk run --workers {one['workers']} {one['cpu_s']:.1f} s CPU"
                  f"{'' if cores == 1 else ' (all its processes)'} — ratio {total / one['cpu_s']:.1f}×")
            first = r.get("first")
            if isinstance(first, dict):
                t1 = float(first["naive_startup_s"]) + n * float(first["naive_per_article_s"])
                print(f"    the earlier way (the first {first['naive_sample']} of these N articles): "
                      f"{1000 * float(first['naive_per_article_s']):.0f} ms per article, "
                      f"ratio {t1 / one['cpu_s']:.1f}×")
    for kind in dict.fromkeys(str(r["kind"]) for r in rows):
        same = [r for r in rows if r["kind"] == kind]
        if len(same) < 2:
            continue
        for w in workers:
            a = next(run for run in same[0]["runs"] if run["workers"] == w)  # type: ignore[attr-defined]
            b = next(run for run in same[-1]["runs"] if run["workers"] == w)  # type: ignore[attr-defined]
            print(f"memory, {kind}, from N = {same[0]['n']:,} to N = {same[-1]['n']:,}, --workers {w}: main "
                  f"{a['peak_main_mb']:.0f} → {b['peak_main_mb']:.0f} MB, worker {a['peak_worker_mb']:.0f} → "
                  f"{b['peak_worker_mb']:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--naive-sample", type=int, default=100,
                    help="articles of the naive baseline's fixed sample, the same for every N (0: none)")
    ap.add_argument("--naive-first", type=int, default=0,
                    help="also time the naive baseline on the first K articles of each N set (the earlier way)")
    ap.add_argument("--input", nargs="+", choices=["txt", "html"], default=["txt", "html"],
                    help="synthetic .txt articles of about 2 KB, news pages, or both (the default)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON lines")
    args = ap.parse_args(argv)
    rows = [measure(n, args.workers, args.naive_first, kind) for kind in args.input for n in args.sizes]
    naive = {kind: measure_naive(args.naive_sample, kind) for kind in args.input} if args.naive_sample else {}
    if args.json:
        for r in rows:
            print(json.dumps(r))
        for kind, nv in naive.items():
            print(json.dumps({"naive": kind, **nv}))
    else:
        report(rows, args.workers, naive)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
