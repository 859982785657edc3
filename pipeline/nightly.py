"""The nightly job: crawl what is new, clean, extract, store and check, in one locked run.

1. Crawl the registry's sites that have ``start_urls`` (skipped with ``crawl=False`` or when no site
   has any); the crawler stores new and changed articles as it goes.
2. Process the local inputs (default: the bundled corpus): only new or changed files, or all of them
   when the extractor version changed.
3. Re-extract stored crawled pages extracted by an older extractor version, from their raw HTML.
4. Run the consistency checks when any document changed.

Every failure is a row in ``errors`` (run, source, stage, reason); the run itself is a row in
``runs``. A killed run leaves only whole documents; the next run finishes the work.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from extractors import extractor_version

from .crawl import Crawler, CrawlResult, PageReport
from .run import CORPUS, Outcome, RunResult, input_items, process, stale_page_items
from .sources import Registry
from .store import db_lock, finish_run, now_iso, open_db, start_run, transaction


@dataclass
class NightlyResult:
    run_id: int
    crawl: CrawlResult | None = None
    file_run: RunResult = field(default_factory=RunResult)  # the local inputs
    page_run: RunResult = field(default_factory=RunResult)  # stored pages re-extracted
    findings: int = 0
    finding_errors: int = 0  # findings of severity error (stored ones when the checks were not re-run)
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (stage, source, reason)
    warc_skipped: int = 0  # records of the web archives among the inputs that were not read

    @property
    def files(self) -> list[Outcome]:
        """The local inputs' outcomes (all, or the first ``keep`` of them)."""
        return self.file_run.outcomes

    @property
    def pages(self) -> list[Outcome]:
        return self.page_run.outcomes

    def counts(self) -> dict[str, int]:
        c = self.file_run.tally + self.page_run.tally
        out = {f"documents_{k}": c.get(k, 0) for k in ("new", "changed", "unchanged", "failed")}
        if self.crawl is not None:
            for k in ("new", "changed", "unchanged", "duplicate", "offtopic", "listing", "skipped", "failed"):
                out[f"crawl_{k}"] = self.crawl.count(k)
            out["crawl_requests"] = self.crawl.requests
        if self.warc_skipped:
            out["warc_skipped"] = self.warc_skipped
        out["errors"] = len(self.errors)
        out["findings"] = self.findings
        out["finding_errors"] = self.finding_errors
        return out

    def exit_code(self) -> int:
        """README "Exit codes": 3 when an input failed, 7 when no server answered the crawl (a dead
        link, 404 or 410, is an answer: recorded, not a failed night), 1 when a finding is an
        error, else 0."""
        from .errors import FINDING_ERROR, INPUT, NETWORK, worst

        codes = []
        if any(stage == "extract" for stage, _, _ in self.errors):
            codes.append(INPUT)
        if self.crawl is not None and self.crawl.pages and not self.crawl.answered:  # dead links are answers
            codes.append(NETWORK)
        if self.finding_errors:
            codes.append(FINDING_ERROR)
        return worst(codes)

    @property
    def changed(self) -> bool:
        crawled = self.crawl.changed_documents if self.crawl else 0
        return crawled > 0 or any(r.tally["new"] + r.tally["changed"] for r in (self.file_run, self.page_run))


def nightly(db_path: Path, registry: Registry, *, inputs: Iterable[Path] | None = None, workers: int = 1,
            crawl: bool = True, max_pages: int | None = None,
            on_page: Callable[[PageReport], None] | None = None,
            on_batch: Callable[[list[Outcome]], None] | None = None, keep: int | None = None) -> NightlyResult:
    """The nightly job (module docstring); the result keeps every document's outcome, or with
    ``keep`` the first ``keep`` of the files and of the pages (the counts and failures always)."""
    import asyncio

    from .check import run_checks_tally

    with db_lock(db_path):
        db = open_db(db_path)
        run_id = start_run(db, "nightly", extractor_version())
        result = NightlyResult(run_id=run_id)
        status = "interrupted"
        try:
            seeds = [u for s in registry.sites for u in s.start_urls]
            if crawl and seeds:
                crawler = Crawler(db, registry, max_pages=max_pages, on_page=on_page, workers=workers)
                result.crawl = asyncio.run(crawler.run(seeds))
                failed = [p for p in result.crawl.pages if p.outcome == "failed"]
                with transaction(db):
                    db.table("errors").insert_all({"run_id": run_id, "source": p.url, "stage": "fetch",
                                                   "reason": p.reason, "at": now_iso()} for p in failed)
                result.errors += [("fetch", p.url, p.reason or "") for p in failed]
            skipped: Counter[str] = Counter()
            items = input_items(db, list(inputs) if inputs else [CORPUS], registry=registry, skipped=skipped)
            result.file_run = process(db, items, registry=registry, workers=workers, run_id=run_id,
                                      on_batch=on_batch, skipped=skipped, keep=keep)
            result.warc_skipped = sum(result.file_run.skipped.values())
            result.page_run = process(db, stale_page_items(db, extractor_version()), registry=registry,
                                      workers=workers, run_id=run_id, on_batch=on_batch, keep=keep)
            result.errors += [("extract", o.path, o.error or "")
                              for o in [*result.file_run.failed, *result.page_run.failed]]
            if result.changed:
                found = run_checks_tally(db)
                result.findings = found.total
                result.finding_errors = found.severities.get("error", 0)
            elif "findings" in db.table_names():
                result.finding_errors = db.execute("SELECT count(*) FROM findings WHERE severity = 'error'"
                                                   ).fetchone()[0]
            status = "finished"
        finally:
            finish_run(db, run_id, result.counts(), status)
            db.close()
    return result
