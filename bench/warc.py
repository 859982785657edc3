"""Benchmark of the web-archive path and of the engines.

    .venv/bin/python -m bench.warc                       # 3,000 records, 300 articles end to end
    .venv/bin/python -m bench.warc --records 1000 --articles 100

1. WARC readers: HTTP response bodies read per second by FastWARC and by warcio from the same
   file, gzipped per record (as Common Crawl) and uncompressed.
2. Read and prefilter on one core (``pipeline.warc.scan`` with the phrases: read, decode, look
   for the topic phrase, what a worker does before cleaning): records per second and MB of HTML
   per second, on a file where one page in 20 is about the movement (the others are the same
   synthetic pages with the phrase removed); and the lister: the one process that writes the
   database reads the headers only and gives each HTML response its identity (canonical URL,
   stored state, document id) and an item for the workers.
3. End to end: ``dvk run`` on a WARC of N synthetic articles (all about the movement), each in a
   fresh process and a new database, with ``--workers 1``, ``--workers 2``, ``--dask local:1``
   and ``--dask local:2``: articles per second (the whole command, Dask's start-up included) and
   the ratio Dask/local at 2 workers; then a projection for N workers from the 1- and 2-worker
   figures, the one-core prefilter rate of part 2 (per worker) and the headers-only rate (one
   process however many workers there are).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.synthetic import iter_pages
from bench.warcs import write_warc

ROOT = Path(__file__).resolve().parent.parent
_PHRASE = re.compile(r"d[âa]n\s+v[ậa]n\s+kh[ée]o", re.I)


def _pages(n: int, on_topic_every: int, seed: int) -> list[tuple[str, bytes]]:
    out = []
    for i, page in enumerate(iter_pages(n, seed=seed)):
        if on_topic_every and i % on_topic_every:
            page = _PHRASE.sub("phong trào thi đua", page)
        out.append((f"https://tin{i % 13}.example.vn/bai/{i}.html", page.encode("utf-8")))
    return out


def read_fastwarc(path: Path) -> int:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    n = 0
    with path.open("rb") as fh:
        for rec in ArchiveIterator(fh, record_types=WarcRecordType.response, auto_decode="all"):
            rec.reader.read()
            n += 1
    return n


def read_warcio(path: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    n = 0
    with path.open("rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type == "response":
                rec.content_stream().read()
                n += 1
    return n


def _best(f, *args, repeat: int = 3) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = f(*args)
        best = min(best, time.perf_counter() - t0)
    return best, out


def readers(tmp: Path, records: int) -> dict[str, float]:
    pages = _pages(records, 20, seed=7)
    html_mb = sum(len(b) for _, b in pages) / 1e6
    figures: dict[str, float] = {"records": records, "html_mb": html_mb}
    for gz in (True, False):
        path = tmp / ("r.warc.gz" if gz else "r.warc")
        write_warc(path, pages, gzip=gz, extras=False)
        kind = "gz" if gz else "plain"
        for name, f in (("fastwarc", read_fastwarc), ("warcio", read_warcio)):
            t, n = _best(f, path)
            assert n == records
            figures[f"{name}_{kind}_records_per_s"] = records / t
        figures[f"ratio_{kind}"] = figures[f"fastwarc_{kind}_records_per_s"] / figures[f"warcio_{kind}_records_per_s"]
    from pipeline.sources import load_registry
    from pipeline.warc import scan

    topic = tuple(load_registry().crawler.topic)
    path = tmp / "r.warc.gz"
    skipped: Counter[str] = Counter()
    t, kept = _best(lambda: list(scan(path, skipped, topic)))
    all_records = 1 + 2 * records  # warcinfo, and a request before each response
    figures["scan_records_per_s"] = all_records / t
    figures["scan_pages_per_s"] = records / t
    figures["scan_html_mb_per_s"] = html_mb / t
    figures["scan_kept"] = len(kept)  # type: ignore[arg-type]
    from pipeline.store import open_db
    from pipeline.warc import warc_items

    registry = load_registry()
    db = open_db(tmp / "lister.db")  # the headers only, and each page's identity: what the writing process does
    t, _ = _best(lambda: list(warc_items(db, [path], registry, Counter())))
    db.close()
    figures["headers_records_per_s"] = all_records / t
    figures["headers_pages_per_s"] = records / t
    return figures


def end_to_end(tmp: Path, articles: int) -> dict[str, float]:
    warc = tmp / "articles.warc.gz"
    write_warc(warc, _pages(articles, 0, seed=11), extras=False)
    figures: dict[str, float] = {"articles": articles}
    dvk = [sys.executable, "-m", "pipeline.cli", "run", str(warc)]
    for name, opts in (("workers1", ["--workers", "1"]), ("workers2", ["--workers", "2"]),
                       ("dask1", ["--dask", "local:1"]), ("dask2", ["--dask", "local:2"])):
        db = tmp / f"{name}.db"
        t0 = time.perf_counter()
        out = subprocess.run([*dvk, "--db", str(db), *opts], cwd=ROOT, capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
        if out.returncode not in (0, 1):
            raise SystemExit(f"{name}: exit {out.returncode}: {out.stderr[-400:]}")
        figures[f"{name}_seconds"] = elapsed
        figures[f"{name}_articles_per_s"] = articles / elapsed
    figures["dask_over_local_2"] = figures["dask2_articles_per_s"] / figures["workers2_articles_per_s"]
    figures["dask_scaling_1_to_2"] = figures["dask2_articles_per_s"] / figures["dask1_articles_per_s"]
    return figures


def projection(r: dict[str, float], e: dict[str, float], share: float) -> list[str]:
    """Pages of a crawl per second for N workers. A worker spends 1/prefilter-rate on every page
    and 1/article-rate more on a candidate (``share`` of the pages); the 1-worker article rate is
    scaled by the measured 1 → 2 efficiency. The one writing process lists pages at its
    headers-only rate whatever N is: the cap."""
    per_worker_articles = e["dask1_articles_per_s"]
    efficiency = e["dask_scaling_1_to_2"] / 2
    cost = 1 / r["scan_pages_per_s"] + share / per_worker_articles  # seconds per page on one worker
    lines = []
    for n in (1, 2, 8, 32, 128):
        workers = n * (efficiency if n > 1 else 1) / cost
        cap = r["headers_pages_per_s"]
        lines.append(f"  N = {n:>3}: {min(workers, cap):8.0f} pages/s ({'lister-bound' if cap < workers else 'workers'}"
                     f"; workers {workers:.0f}, lister {cap:.0f}), {min(workers, cap) * share:7.2f} articles/s "
                     f"at {share:.2%} candidates")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=3000)
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--share", type=float, default=0.001, help="candidate pages per page read (projection)")
    ap.add_argument("--no-end-to-end", action="store_true", help="parts 1 and 2 only")
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="dvk-bench-warc-") as tmp:
        r = readers(Path(tmp), args.records)
        print(f"1. readers, {args.records} HTML responses ({r['html_mb']:.1f} MB of HTML):")
        for kind in ("gz", "plain"):
            print(f"   {kind:>5}: FastWARC {r[f'fastwarc_{kind}_records_per_s']:8.0f} records/s, warcio "
                  f"{r[f'warcio_{kind}_records_per_s']:7.0f} records/s, ratio {r[f'ratio_{kind}']:.1f}×")
        print(f"2. read + prefilter on one core: {r['scan_records_per_s']:.0f} records/s "
              f"({r['scan_pages_per_s']:.0f} HTML pages/s, {r['scan_html_mb_per_s']:.1f} MB/s of HTML), "
              f"{r['scan_kept']:.0f} of {args.records} kept; the lister (headers and identities): "
              f"{r['headers_records_per_s']:.0f} records/s ({r['headers_pages_per_s']:.0f} HTML pages/s)")
        if args.no_end_to_end:
            return
        e = end_to_end(Path(tmp), args.articles)
        print(f"3. end to end, {args.articles} articles in one WARC (whole command, start-up included):")
        for name in ("workers1", "workers2", "dask1", "dask2"):
            print(f"   {name:>8}: {e[f'{name}_seconds']:6.1f} s, {e[f'{name}_articles_per_s']:6.1f} articles/s")
        print(f"   Dask/local at 2 workers: {e['dask_over_local_2']:.2f}; Dask 1 → 2 workers: "
              f"{e['dask_scaling_1_to_2']:.2f}×")
        print("   projection:")
        print("\n".join(projection(r, e, args.share)))
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
