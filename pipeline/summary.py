"""Human-readable tables for the CLI (rich)."""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from extractors import Document

from .run import CORPUS, Outcome, RunResult, documents_of, extract_source
from .store import open_db

if TYPE_CHECKING:  # the crawler (httpx), the nightly job and the scorer load with their own tables
    from .check import FindingTally
    from .crawl import CrawlResult, PageReport
    from .nightly import NightlyResult
    from .score import Report

console = Console(width=140)


SUMMARY_ROWS = 50  # the most documents (or findings) a table shows after a run; counts beyond


def wants_tables(rows: int) -> bool:
    """A per-document table is for a person: on a terminal, for a run small enough to read."""
    return console.is_terminal and rows <= SUMMARY_ROWS


def print_run_summary(result: RunResult, db_path: Path, *, table: bool | None = None) -> None:
    """The documents' statuses counted; on a terminal and a small run (or with ``table=True``),
    first a table of each document's unit, periods, counts and models."""
    if table is None:
        table = wants_tables(result.total)
    if table:
        print_document_table(result.outcomes, db_path)
    console.print(", ".join(f"{k}: {v}" for k, v in sorted(result.tally.items())))
    if result.skipped:
        console.print("not read from the web archives: " + ", ".join(
            f"{k}: {v}" for k, v in sorted(result.skipped.items(), key=lambda kv: (-kv[1], kv[0]))))


def print_document_table(outcomes: list[Outcome], db_path: Path) -> None:
    db = open_db(db_path)
    table = Table(title=f"dvk run → {db_path}")
    for col in ("document", "status", "primary locality", "period", "counts by field", "models"):
        table.add_column(col)
    for o in outcomes:
        if o.status == "failed" or o.doc is None:
            table.add_row(o.path, "[red]failed[/red]", o.error or "", "", "", "")
            continue
        prim = db.execute("SELECT kind, name, province FROM localities WHERE document_id = ? "
                          "AND is_primary = 1", [o.doc]).fetchone()
        loc = f"{prim[0]} {prim[1]} ({prim[2]})" if prim else "—"
        periods = sorted({f"{s or '…'} → {e or '?'}" for s, e in db.execute(
            "SELECT period_start, period_end FROM counts WHERE document_id = ?", [o.doc])})
        by_field: dict[str, list[str]] = defaultdict(list)
        for field, metric, value, bound in db.execute(
                "SELECT field, metric, value, bound FROM counts WHERE document_id = ? ORDER BY id",
                [o.doc]):
            mark = {"at_most": "≤", "at_least": "≥", "about": "~"}.get(bound, "")
            by_field[field].append(f"{mark}{value} {metric}")
        counts = "; ".join(f"{f}: {', '.join(v)}" for f, v in by_field.items()) or "—"
        n_models = db.execute("SELECT count(*) FROM models WHERE document_id = ?", [o.doc]).fetchone()[0]
        table.add_row(o.doc, o.status, loc, "\n".join(periods) or "—", counts, str(n_models))
    console.print(table)
    db.close()


def corpus_predictions() -> dict[str, Document]:
    from .documents import read_path
    from .sources import load_registry

    registry = load_registry()
    out = {}
    for path in documents_of([CORPUS]):
        src = read_path(path, registry)
        out[src.doc] = extract_source(src, registry)
    return out


def print_score(report: Report, details: bool = False) -> None:
    from .score import METRICS

    table = Table(title="dvk score (micro-averaged over documents)")
    table.add_column("records")
    for col in ("P", "R", "F1", "matched", "pred", "gold"):
        table.add_column(col, justify="right")
    for m, t in report.micro().items():
        table.add_row(m, f"{t.p:.3f}", f"{t.r:.3f}", f"{t.f1:.3f}", f"{t.tp:g}", str(t.pred),
                      str(t.gold))
    console.print(table)
    slots = report.slot_accuracy()
    console.print("model slot accuracy: " + ", ".join(
        f"{k} {v:.3f}" if v is not None else f"{k} —" for k, v in slots.items()))
    per = Table(title="F1 per document")
    per.add_column("document")
    for m in METRICS:
        per.add_column(m, justify="right")
    for d in report.docs:
        per.add_row(d.doc, *(f"{d.tallies[m].f1:.2f}" for m in METRICS))
    console.print(per)
    if details:
        for d in report.docs:
            for kind, items in d.misses.items():
                for it in items:
                    console.print(f"[yellow]miss[/yellow] {d.doc} {kind}: {it}")
            for kind, items in d.spurious.items():
                for it in items:
                    console.print(f"[red]spurious[/red] {d.doc} {kind}: {it}")


def print_run_findings(findings: list | FindingTally) -> None:  # type: ignore[type-arg]
    """After a run: the findings' table on a terminal when there are few, else their counts by
    kind and severity and the first problems, one line each (``dvk check`` shows them all).
    ``findings`` is every finding or their tally (``check.run_checks_tally``, keeping at least
    ``SUMMARY_ROWS``)."""
    from .check import FindingTally

    tally = findings if isinstance(findings, FindingTally) else FindingTally.of(findings, keep=SUMMARY_ROWS)
    if wants_tables(tally.total):
        if not tally.complete:
            raise ValueError(f"a tally keeping {tally.keep} findings cannot show a table of {tally.total}")
        print_findings(tally.first)
        return
    console.print(f"findings: {tally.total} (" + ", ".join(
        f"{k} {tally.severities.get(k, 0)}" for k in ("ok", "warning", "error")) + ")", highlight=False)
    for (kind, severity), n in sorted(tally.by.items()):
        console.print(f"  {kind} {severity}: {n}", highlight=False)
    for f in tally.problems[:10]:
        console.print(f"{f.severity} {f.kind} {','.join(f.documents)}: {f.message} ({f.arithmetic})",
                      highlight=False, markup=False)
    if tally.n_problems > 10:
        console.print(f"… and {tally.n_problems - 10} more: dvk check --problems", highlight=False)


def print_findings(findings: list) -> None:  # type: ignore[type-arg]
    table = Table(title="dvk check: fact-check findings")
    for col in ("severity", "kind", "documents", "arithmetic", "finding"):
        table.add_column(col)
    colour = {"ok": "green", "warning": "yellow", "error": "red"}
    for f in findings:
        table.add_row(f"[{colour[f.severity]}]{f.severity}[/]", f.kind, "\n".join(f.documents),
                      f.arithmetic, f.message)
    console.print(table)
    if not findings:
        console.print("no check applied: no breakdown, split or shared unit to verify")


@contextmanager
def crawl_progress() -> Iterator[Callable[[PageReport], None]]:
    """A progress bar on a terminal; plain log lines (one per page) otherwise."""
    err = Console(stderr=True)
    if not err.is_terminal:
        def log(report: PageReport) -> None:
            reason = f" ({report.reason})" if report.reason else ""
            print(f"dvk crawl: {report.outcome:<9} {report.url}{reason}", file=sys.stderr, flush=True)
        yield log
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("[bold]crawl"), MofNCompleteColumn(), BarColumn(),
                  TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task("", total=None)

        def update(report: PageReport) -> None:
            bar.update(task, advance=1, description=f"{report.outcome} {report.url[-60:]}")
        yield update


def print_crawl_summary(result: CrawlResult) -> None:
    from .crawl import OUTCOMES

    table = Table(title=f"dvk crawl, run {result.run_id}: {result.fetched} pages fetched, "
                        f"{result.requests} requests, {result.left} left queued")
    table.add_column("host")
    for o in OUTCOMES:
        table.add_column(o, justify="right")
    by_host = result.by_host()
    total: Counter[str] = Counter()
    for host in sorted(by_host):
        total.update(by_host[host])
        table.add_row(host, *(str(by_host[host].get(o, 0)) for o in OUTCOMES))
    table.add_row("[bold]all", *(f"[bold]{total.get(o, 0)}" for o in OUTCOMES))
    console.print(table)
    why = result.failures()
    if why:
        console.print("failed pages by reason: " + ", ".join(f"{k}: {n}" for k, n in why.most_common())
                      + (" (dead links are recorded in frontier, not a failed run)" if result.dead_links else ""),
                      highlight=False)
    failed = [p for p in result.pages if p.outcome == "failed"]
    for p in failed[:10]:
        console.print(f"[red]failed[/red] {p.url}: {p.reason}", highlight=False)
    if len(failed) > 10:
        console.print(f"… and {len(failed) - 10} more failed pages: "
                      "SELECT url, reason FROM frontier WHERE status = 'failed'", highlight=False)


def print_nightly_summary(result: NightlyResult) -> None:
    if result.crawl is not None:
        print_crawl_summary(result.crawl)
    counts = result.counts()
    table = Table(title=f"dvk nightly, run {result.run_id}")
    table.add_column("what")
    table.add_column("new", justify="right")
    table.add_column("changed", justify="right")
    table.add_column("unchanged", justify="right")
    table.add_column("failed", justify="right")
    for label, run in (("local files", result.file_run), ("stored pages re-extracted", result.page_run)):
        c = run.tally
        table.add_row(label, *(str(c.get(k, 0)) for k in ("new", "changed", "unchanged", "failed")))
    console.print(table)
    checks = f"findings: {counts['findings']}" if result.changed else "nothing changed, checks not re-run"
    console.print(f"{checks}; findings that are errors: {counts['finding_errors']}; "
                  f"failed inputs and fetches: {counts['errors']}", highlight=False)
    for stage, source, reason in result.errors[:10]:
        console.print(f"[red]{stage} failed[/red] {source}: {reason}", highlight=False)
    if len(result.errors) > 10:
        console.print(f"… and {len(result.errors) - 10} more: SELECT * FROM errors WHERE run_id = {result.run_id}",
                      highlight=False)
