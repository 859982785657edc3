"""Crawl benchmark (``make bench-crawl``): pages per second against the politeness bound.

    .venv/bin/python -m bench.crawl                      # 5, 20 and 100 hosts, delay 0.2 s
    .venv/bin/python -m bench.crawl --hosts 20 --pages 40 --workers 2

For each number of hosts H a separate server process (asyncio, HTTP/1.1 keep-alive) serves H
loopback hosts 127.0.1.1 … 127.0.1.H, each with a robots.txt, a home page listing its P article
pages and the pages themselves: the made-up articles of tests/pagestyles.py in the four page
styles, with realistic chrome around them (a side column of 150 links, 20 KB of script), about
35 KB each, one in four about the topic (cleaned and extracted), the others cleaned only. The
real ``dvk crawl`` code (``pipeline.crawl.crawl``) crawls them into a new SQLite file with
``--workers`` processes and ``--hosts H``, delay ``--delay``.

Printed per H: pages/s (pages fetched / time from the first request to the last), the politeness
bound H / delay (each host at most one request per delay), the CPU seconds per page measured in
the same run (the main process: fetching, scheduling, the store; the workers: cleaning, links,
extraction), the CPU limit (cores / their sum), the share of min(bound, CPU limit) reached, the
smallest gap between two requests to one host (from the fetch log; never under the delay), the
event loop's largest lag (a task that sleeps 50 ms and measures how late it wakes) and the load
average (the higher of its values before and after the run). The first line gives the CPU per
page of the workers' part alone, measured by cleaning and extracting the same pages in one
process beforehand. Target (issue 14): ≥ 90 % of the bound at 20 hosts, up to the CPU limit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOPIC_EVERY = 4  # one page in four is about the topic


def _ip(i: int) -> str:
    return f"127.0.1.{i + 1}"


def site_pages(host: int, pages: int) -> dict[str, bytes]:
    """The pages of one benchmark host: robots.txt, the home listing and ``pages`` articles."""
    from tests.pagestyles import ARTICLES, MENU, STYLES, article_page

    side = "".join(f'<li><a href="/muc/{i}.html">{MENU[i % len(MENU)]} {i}</a></li>' for i in range(150))
    script = "<script>var cfg = {" + ",".join(f'"k{i}": "{"x" * 40}"' for i in range(400)) + "};</script>"
    out: dict[str, bytes] = {"/robots.txt": b"User-agent: *\nAllow: /\n"}
    links = []
    for k in range(pages):
        a = ARTICLES[k % len(ARTICLES)]
        paras = tuple(p if k % TOPIC_EVERY == 0 else p.replace("“Dân vận khéo”", "dân vận") for p in a.paragraphs)
        title = a.title if k % TOPIC_EVERY == 0 else a.title.replace("“Dân vận khéo”", "dân vận")
        art = replace(a, title=f"{title} (trang {host}.{k})",
                      paragraphs=(*paras[:-1], paras[-1] + f" Bài số {k} của trang {host}."))
        page = article_page(STYLES[k % len(STYLES)], art)
        page = page.replace("</body>", f'<div class="side-links"><ul>{side}</ul></div>{script}</body>')
        out[f"/bai/{k}.html"] = page.encode("utf-8")
        links.append(f'<li><a href="/bai/{k}.html">Bài {k}</a></li>')
    out["/"] = f"<html><body><ul>{''.join(links)}</ul></body></html>".encode()
    return out


# --- the server process ----------------------------------------------------------------------------
async def _serve(hosts: int, pages: int) -> None:
    sites = [site_pages(h, pages) for h in range(hosts)]

    def handler(site: dict[str, bytes]):  # type: ignore[no-untyped-def]
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                while True:
                    head = await reader.readuntil(b"\r\n\r\n")
                    path = head.split(b" ", 2)[1].decode("ascii", "replace").split("?")[0]
                    body = site.get(path)
                    status = b"200 OK" if body is not None else b"404 Not Found"
                    body = body if body is not None else b"not found"
                    ctype = b"text/plain" if path == "/robots.txt" else b"text/html; charset=utf-8"
                    writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Type: " + ctype + b"\r\nContent-Length: "
                                 + str(len(body)).encode() + b"\r\n\r\n" + body)
                    await writer.drain()
            except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
                pass
            finally:
                writer.close()
        return handle

    servers = [await asyncio.start_server(handler(site), _ip(h), 0) for h, site in enumerate(sites)]
    ports = [s.sockets[0].getsockname()[1] for s in servers]
    print(json.dumps(ports), flush=True)
    await asyncio.Event().wait()


# --- the measuring side ----------------------------------------------------------------------------
def cpu_per_page(pages: int = 24) -> float:
    """CPU seconds to clean (and, one page in four, extract) one benchmark page, in this process."""
    from pipeline.crawl import process_page
    from pipeline.run import Item
    from pipeline.sources import load_registry

    registry = load_registry()
    site = site_pages(0, pages)
    items = [Item(key=f"http://{_ip(0)}/bai/{k}.html", doc=f"d{k}", url=f"http://{_ip(0)}/bai/{k}.html",
                  page=site[f"/bai/{k}.html"], page_url=f"http://{_ip(0)}/bai/{k}.html") for k in range(pages)]
    process_page(items[0], registry, "bench")  # warm-up: imports, caches
    t = time.process_time()
    for item in items:
        process_page(item, registry, "bench")
    return (time.process_time() - t) / len(items)


def _schedstat(pid: int) -> tuple[float, float, float]:
    """(now, seconds the process has run, seconds it has waited for a CPU) from /proc."""
    try:
        on_cpu, waited = open(f"/proc/{pid}/schedstat").read().split()[:2]  # noqa: SIM115
    except (OSError, ValueError):
        return time.monotonic(), 0.0, 0.0
    return time.monotonic(), int(on_cpu) / 1e9, int(waited) / 1e9


def _idle(sched: dict[int, list[tuple[float, float, float]]]) -> tuple[float, float]:
    """The workers' shares of the run spent without a page to work on, and waiting for a CPU."""
    span = idle = waited = 0.0
    for samples in sched.values():
        samples = [x for x in samples if x[1] > 0]
        if len(samples) < 2:
            continue
        (t0, c0, w0), (t1, c1, w1) = samples[0], samples[-1]
        span += t1 - t0
        waited += w1 - w0
        idle += max(0.0, (t1 - t0) - (c1 - c0) - (w1 - w0))
    return (idle / span, waited / span) if span else (0.0, 0.0)


def _cpu(r: resource.struct_rusage) -> float:
    return r.ru_utime + r.ru_stime


def one(hosts: int, pages: int, delay: float, workers: int) -> dict[str, float]:
    from pipeline.sources import load_registry
    from pipeline.store import open_db

    server = subprocess.Popen([sys.executable, "-m", "bench.crawl", "--serve", str(hosts), "--pages", str(pages)],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        ports = json.loads(server.stdout.readline())
        with tempfile.TemporaryDirectory() as tmp:
            reg = Path(tmp) / "sources.toml"
            reg.write_text("[crawler]\n" f"delay = {delay}\ntimeout = 10.0\nretries = 1\nmax_depth = 1\n"
                           f"hosts_in_parallel = {hosts}\nfollow_article_links = false\n"
                           'contact = "bench@example.org"\n', encoding="utf-8")
            registry = load_registry(reg)
            seeds = [f"http://{_ip(h)}:{port}/" for h, port in enumerate(ports)]
            db = open_db(Path(tmp) / "bench.db")
            lag = [0.0]
            sched: dict[int, list[tuple[float, float, float]]] = {}  # worker pid: (time, on a CPU, waiting for one)

            from pipeline.crawl import _warm_up

            _warm_up(registry)  # once, before the lag is watched (the crawler's own warm-up is then a no-op)
            self_before = resource.getrusage(resource.RUSAGE_SELF)
            children_before = resource.getrusage(resource.RUSAGE_CHILDREN)

            async def main() -> None:
                from pipeline.crawl import Crawler

                crawler = Crawler(db, registry, workers=workers)
                done = asyncio.Event()

                async def watch() -> None:
                    loop = asyncio.get_running_loop()
                    while not done.is_set():
                        t = loop.time()
                        await asyncio.sleep(0.05)
                        lag[0] = max(lag[0], loop.time() - t - 0.05)
                        pool = crawler._pool
                        for pid in (pool.pool._processes or {}) if pool is not None else ():
                            sched.setdefault(pid, []).append(_schedstat(pid))
                watcher = asyncio.create_task(watch())
                await crawler.run(seeds)
                done.set()
                await watcher
            asyncio.run(main())
            # the pool's processes are joined by now; the server, still running, is not counted
            main_cpu = _cpu(resource.getrusage(resource.RUSAGE_SELF)) - _cpu(self_before)
            workers_cpu = _cpu(resource.getrusage(resource.RUSAGE_CHILDREN)) - _cpu(children_before)
            rows = sqlite3.connect(Path(tmp) / "bench.db").execute(
                "SELECT url, started_at, elapsed_ms FROM fetch_log ORDER BY started_at").fetchall()
            outcomes = dict(sqlite3.connect(Path(tmp) / "bench.db").execute(
                "SELECT outcome, count(*) FROM pages GROUP BY outcome").fetchall())
            db.close()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
    starts = [datetime.fromisoformat(r[1]).timestamp() for r in rows]
    if os.environ.get("BENCH_CRAWL_TRACE"):
        for (url, _, e), st in zip(rows, starts, strict=True):
            print(f"{st - starts[0]:8.3f} {e:6d} ms {url}")
    pages_fetched = sum(1 for r in rows if "/bai/" in r[0])
    wall = max(s + e / 1000 for s, (_, _, e) in zip(starts, rows, strict=True)) - min(starts)
    by_host: dict[str, list[float]] = {}
    for (url, _, _), s in zip(rows, starts, strict=True):
        by_host.setdefault(re.sub(r"^https?://([^/]+).*$", r"\1", url), []).append(s)
    gaps = [b - a for ts in by_host.values() for a, b in zip(sorted(ts), sorted(ts)[1:], strict=False)]
    return {"hosts": hosts, "pages": pages_fetched, "requests": len(rows), "wall_s": wall,
            "pages_per_s": len(rows) / wall, "bound": hosts / delay, "min_gap_s": min(gaps) if gaps else 0.0,
            "loop_lag_s": lag[0], "stored": outcomes.get("new", 0), "listings": outcomes.get("listing", 0),
            "offtopic": outcomes.get("offtopic", 0),
            "main_cpu_ms": 1000 * main_cpu / len(rows), "workers_cpu_ms": 1000 * workers_cpu / len(rows),
            "workers_idle": _idle(sched)[0], "workers_waited": _idle(sched)[1]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hosts", type=int, nargs="*", default=[5, 20, 100])
    ap.add_argument("--pages", type=int, default=0, help="article pages per host (default: about 6 s at the bound)")
    ap.add_argument("--delay", type=float, default=0.2)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--repeat", type=int, default=1, help="runs of each number of hosts")
    ap.add_argument("--serve", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        asyncio.run(_serve(args.serve, args.pages))
        return
    cost = cpu_per_page()
    cores = os.cpu_count() or 1
    print(f"one process, clean + links (extraction on one page in {TOPIC_EVERY}): {cost * 1000:.1f} ms CPU per page "
          f"({cores / cost:.0f} pages/s on {cores} cores if nothing else ran); load average "
          f"{os.getloadavg()[0]:.1f}; workers {args.workers}")
    print("CPU ms/page: measured in the run, the main process (fetching, scheduling, the store) and the workers; "
          "limit: cores / their sum; reached: pages/s / min(bound, limit); idle, wait: the workers' shares of "
          "the run without a page to work on and waiting for a CPU (/proc/PID/schedstat)")
    print(f"{'hosts':>5} {'requests':>8} {'wall s':>7} {'pages/s':>8} {'bound':>6} {'main ms':>8} {'workers ms':>10} "
          f"{'limit':>6} {'reached':>8} {'min gap s':>9} {'loop lag s':>10} {'load':>5} {'idle':>5} {'wait':>5}")
    for hosts in args.hosts:
        pages = args.pages or max(10, min(int(6 / args.delay), 1000 // hosts))  # about 6 s at the bound
        for _ in range(args.repeat):
            load = os.getloadavg()[0]
            r = one(hosts, pages, args.delay, args.workers)
            limit = cores / ((r["main_cpu_ms"] + r["workers_cpu_ms"]) / 1000)
            print(f"{hosts:>5} {r['requests']:>8} {r['wall_s']:>7.1f} {r['pages_per_s']:>8.1f} {r['bound']:>6.0f} "
                  f"{r['main_cpu_ms']:>8.1f} {r['workers_cpu_ms']:>10.1f} {limit:>6.0f} "
                  f"{r['pages_per_s'] / min(r['bound'], limit):>7.0%} {r['min_gap_s']:>9.3f} {r['loop_lag_s']:>10.3f} "
                  f"{max(load, os.getloadavg()[0]):>5.1f} {r['workers_idle']:>5.0%} {r['workers_waited']:>5.0%}",
                  flush=True)
            assert r["min_gap_s"] >= args.delay * 0.99, "a host was asked twice within the delay"


if __name__ == "__main__":
    main()
