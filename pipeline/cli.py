"""The ``dvk`` command. Heavy modules (underthesea, spaCy, BeautifulSoup) load inside commands,
so ``dvk --help`` answers at once."""

# no ``from __future__ import annotations`` here: typer reads the commands' annotations at every
# start, and strings it has to evaluate (some 290) cost 15 ms of it, evaluated ones 4 ms
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .errors import DvkError, UsageError

app = typer.Typer(
    name="dvk",
    help="Turn Vietnamese news articles about the 'Dân vận khéo' movement into a checkable dataset.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            v = version("dvk")
        except PackageNotFoundError:  # pragma: no cover - run from a checkout without installing
            v = "unknown"
        typer.echo(f"dvk {v}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.", callback=_version,
                                          is_eager=True)] = False,
) -> None:
    """Turn Vietnamese news articles about the 'Dân vận khéo' movement into a checkable dataset."""


QUIET_OPTION = typer.Option("--quiet", "-q", help="No progress, log lines or tables: only errors.")
VERBOSE_OPTION = typer.Option("--verbose", "-v", help="One log line per document, on a terminal too.")
JSON_OPTION = typer.Option("--json", help="Print the summary as one JSON object instead of tables.")

DB_OPTION = typer.Option("--db", help="SQLite database file.", show_default=True)
GOLD_DIR = Path(__file__).resolve().parent.parent / "gold"


def _fail(exc: DvkError) -> None:
    typer.echo(f"dvk: error: {exc}", err=True)
    raise typer.Exit(exc.exit_code)


URL_OPTION = typer.Option("--url", help="The article's URL (a single file saved by hand): its identity "
                                        "in the database, and the site's cleaning profile.")
PUBLISHED_OPTION = typer.Option("--published", help="Publication date YYYY-MM-DD (replaces the file's).")
SOURCE_OPTION = typer.Option("--source", help="The registry site id (or host) the file comes from.")


def _given(url: str | None, published: str | None, source: str | None):  # type: ignore[no-untyped-def]
    from datetime import date

    from .extracting import Given

    day = None
    if published is not None:
        try:
            day = date.fromisoformat(published)
        except ValueError:
            raise UsageError(f"--published {published!r} is not a date", hint="write YYYY-MM-DD") from None
    return Given(url=url, published=day, source=source)


@app.command()
def run(
    paths: Annotated[
        Optional[list[Path]],  # noqa: UP045 - typer needs Optional
        typer.Argument(help="Files or folders (.txt/.html, web archives .warc/.warc.gz); default: corpus/.",
                       readable=False),  # an unreadable file: one line, exit 3
    ] = None,
    db: Annotated[Path, DB_OPTION] = Path("data/dvk.db"),
    force: Annotated[bool, typer.Option(help="Re-extract documents even when unchanged.")] = False,
    workers: Annotated[int, typer.Option("--workers", "-w", help="Processes for cleaning and extraction.")] = 1,
    dask: Annotated[Optional[str], typer.Option("--dask", help="Clean and extract on Dask: a scheduler's address (tcp://host:8786), or local:N for a local cluster of N worker processes; the database is the same.")] = None,  # noqa: UP045,E501
    url: Annotated[Optional[str], URL_OPTION] = None,  # noqa: UP045
    published: Annotated[Optional[str], PUBLISHED_OPTION] = None,  # noqa: UP045
    source: Annotated[Optional[str], SOURCE_OPTION] = None,  # noqa: UP045
    quiet: Annotated[bool, QUIET_OPTION] = False,
    verbose: Annotated[bool, VERBOSE_OPTION] = False,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Clean, extract and store documents, then print what was done and the fact-check findings.

    On a terminal, a run of at most 50 documents shows a table per document (unit, periods,
    counts, models) and one of the findings; otherwise their counts, and the first problems.

    Progress: a bar on a terminal, one log line per document on standard error otherwise.

    Exit status (README, "Exit codes"): 3 when an input failed (the others are stored), 1 when a
    fact-check finding is an error, 6 when another run holds the database.

    Example: dvk run corpus/ --db data/dvk.db
    """
    import time

    from .check import run_checks_tally
    from .errors import FINDING_ERROR, INPUT, worst
    from .extracting import count_documents
    from .progress import document_progress
    from .run import CORPUS
    from .run import run as run_job
    from .store import db_lock, open_db
    from .summary import SUMMARY_ROWS, print_run_findings, print_run_summary

    started = time.perf_counter()
    try:
        given = _given(url, published, source)
        total = None if any(str(p) == "-" for p in paths or []) else count_documents(paths or [CORPUS])
        with db_lock(db, share=True):  # one hold from the first document stored to the last finding
            with document_progress("run", total, quiet=quiet or as_json, verbose=verbose) as on_batch:
                result = run_job(paths, db, force=force, workers=workers, given=given, on_batch=on_batch,
                                 dask=dask, keep=None if as_json else SUMMARY_ROWS + 1)
            job_done = time.perf_counter()
            database = open_db(db)
            findings = run_checks_tally(database, keep=SUMMARY_ROWS)  # counts and the first few: what is printed
            database.close()
        code = worst([INPUT] * bool(result.failed) + [FINDING_ERROR] * bool(findings.severities.get("error")))
        if as_json:
            typer.echo(json.dumps(run_json(result, findings, db, code), ensure_ascii=False, indent=2))
        elif not quiet:
            print_run_summary(result, db)
        for o in result.failed:  # one line each on standard error, as for extract
            typer.echo(f"dvk: error: {o.error}", err=True)
        if not quiet and not as_json:
            print_run_findings(findings)
    except DvkError as exc:
        _fail(exc)
    _write_timings(job=job_done - started, tail=time.perf_counter() - job_done)
    if code:
        raise typer.Exit(code)


def run_json(result, findings, db: Path, code: int) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """``dvk run --json``: the run, each document's outcome, the findings by severity (in the order
    they first appear), the exit code. ``findings``: every finding, or their ``FindingTally``."""
    from collections import Counter

    from .check import FindingTally

    severities = findings.severities if isinstance(findings, FindingTally) else Counter(f.severity for f in findings)
    return {"db": str(db), "run_id": result.run_id, "counts": result.counts(),
            "documents": [{"path": o.path, "document": o.doc, "status": o.status, "error": o.error}
                          for o in result.outcomes],
            "findings": dict(severities), "exit_code": code}


def _write_timings(**seconds: float) -> None:
    """With ``DVK_TIMINGS=FILE`` (the benchmark sets it), where a run's time and memory went, as
    JSON: seconds of the job and of the tail after it, peak resident MB of this process and of
    its largest worker, and the CPU seconds of this process and of its workers (ended by now)."""
    target = os.environ.get("DVK_TIMINGS")
    if not target:
        return
    import resource

    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    mb = {"peak_main_mb": own.ru_maxrss / 1024, "peak_worker_mb": workers.ru_maxrss / 1024,
          "cpu_main_s": own.ru_utime + own.ru_stime, "cpu_workers_s": workers.ru_utime + workers.ru_stime}
    Path(target).write_text(json.dumps({f"{k}_s": v for k, v in seconds.items()} | mb), encoding="utf-8")


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Files (.txt/.html) or - for standard input "
                                                    "(HTML or text, told apart by the content).",
                                                readable=False)],  # an unreadable file: one line, exit 3
    url: Annotated[Optional[str], URL_OPTION] = None,  # noqa: UP045
    published: Annotated[Optional[str], PUBLISHED_OPTION] = None,  # noqa: UP045
    source: Annotated[Optional[str], SOURCE_OPTION] = None,  # noqa: UP045
) -> None:
    """Print one JSON object per document (SPEC §2), JSON Lines on standard output.

    A PDF or other binary file is refused with one line on standard error; the other files are
    still printed, and the exit status is then 3.

    Example: dvk extract corpus/*.txt > predictions.jsonl
    """
    from .documents import read_path
    from .extracting import check_given, documents_of, extract_source
    from .sources import load_registry

    try:
        given = _given(url, published, source)
        check_given(paths, given)
    except DvkError as exc:
        _fail(exc)
    registry = load_registry()
    failed = 0
    for path in documents_of(paths):  # a folder's article saved as .txt and .html: the .txt only
        try:
            src = read_path(path, registry, url=given.url, published=given.published, source=given.source)
            document = extract_source(src, registry)
        except DvkError as exc:
            typer.echo(f"dvk: error: {exc}", err=True)
            failed += 1
            continue
        except Exception as exc:  # noqa: BLE001 - one bad file never stops the others
            typer.echo(f"dvk: error: {path}: internal error: {exc!r}", err=True)
            failed += 1
            continue
        sys.stdout.write(document.model_dump_json(exclude_none=False) + "\n")
        sys.stdout.flush()
    if failed:
        raise typer.Exit(3)


@app.command()
def crawl(
    urls: Annotated[
        Optional[list[str]],  # noqa: UP045 - typer needs Optional
        typer.Argument(help="Start URLs (listing pages, RSS feeds, sitemaps or articles); default: the "
                            "start_urls of the registry's sites."),
    ] = None,
    sources: Annotated[Optional[Path], typer.Option("--sources", help="Site registry (TOML); default: corpus/sources.toml.")] = None,  # noqa: UP045,E501
    db: Annotated[Path, DB_OPTION] = Path("data/dvk.db"),
    site: Annotated[Optional[list[str]], typer.Option("--site", help="Only this registry site (repeatable).")] = None,  # noqa: UP045,E501
    max_pages: Annotated[Optional[int], typer.Option("--max-pages", help="Stop after fetching this many pages; the rest stays queued for the next run.")] = None,  # noqa: UP045,E501
    delay: Annotated[Optional[float], typer.Option("--delay", help="Seconds between requests to one host (robots.txt Crawl-delay wins when larger).")] = None,  # noqa: UP045,E501
    max_depth: Annotated[Optional[int], typer.Option("--max-depth", help="Links followed this many steps from a start URL.")] = None,  # noqa: UP045,E501
    revisit_after: Annotated[Optional[float], typer.Option("--revisit-after", help="Hours after which a stored article is fetched again (conditionally).")] = None,  # noqa: UP045,E501
    hosts: Annotated[Optional[int], typer.Option("--hosts", help="Hosts crawled in parallel, one request at a time each (default 256: [crawler] hosts_in_parallel).")] = None,  # noqa: UP045,E501
    workers: Annotated[int, typer.Option("--workers", "-w", help="Processes that clean pages and extract articles (the event loop only fetches); 1: in the crawling process.")] = 2,  # noqa: E501
) -> None:
    """Fetch news pages politely and incrementally; store the articles about the topic.

    Obeys robots.txt, waits between requests to a host, retries transient errors, sends conditional
    requests for pages it has seen, and resumes a run that was stopped. Raw HTML is kept (compressed)
    in the pages table; the fetch log is in fetch_log. Exits 7 when no page could be fetched at all
    (a dead link or two is normal on news sites and only shows in the summary), 1 when a
    fact-check finding is an error.

    Example: dvk crawl https://baohoabinh.com.vn/ --max-pages 200 --db data/dvk.db
    """
    from dataclasses import replace

    from .check import run_checks_tally
    from .crawl import crawl as crawl_job
    from .sources import load_registry
    from .store import db_lock, open_db
    from .summary import crawl_progress, print_crawl_summary

    try:
        registry = load_registry(sources)
        settings = registry.crawler
        if delay is not None:
            settings = replace(settings, delay=delay)
        if max_depth is not None:
            settings = replace(settings, max_depth=max_depth)
        if revisit_after is not None:
            settings = replace(settings, revisit_after_hours=revisit_after)
        if hosts is not None:
            if hosts < 1:
                raise UsageError("--hosts must be 1 or more")
            settings = replace(settings, hosts_in_parallel=hosts)
        if workers < 1:
            raise UsageError("--workers must be 1 or more")
        with db_lock(db):
            database = open_db(db)
            with crawl_progress() as on_page:
                result = crawl_job(database, registry, urls or [], settings=settings, max_pages=max_pages,
                                   on_page=on_page, sites=site or [], workers=workers)
            errors = 0
            if result.changed_documents:
                errors = run_checks_tally(database).severities.get("error", 0)
            database.close()
        print_crawl_summary(result)
    except DvkError as exc:
        _fail(exc)
    from .errors import FINDING_ERROR, NETWORK, worst

    code = worst([NETWORK] * bool(result.pages and not result.answered) + [FINDING_ERROR] * bool(errors))
    if code:
        raise typer.Exit(code)


@app.command()
def nightly(
    sources: Annotated[Optional[Path], typer.Option("--sources", help="Site registry (TOML); default: corpus/sources.toml.")] = None,  # noqa: UP045,E501
    db: Annotated[Path, DB_OPTION] = Path("data/dvk.db"),
    workers: Annotated[int, typer.Option("--workers", "-w", help="Processes for cleaning and extraction; the database is the same for any number.")] = 1,  # noqa: E501
    inputs: Annotated[Optional[list[Path]], typer.Option("--input", help="Local files or folders to process (repeatable); default: corpus/.", readable=False)] = None,  # noqa: UP045,E501
    crawl: Annotated[bool, typer.Option("--crawl/--no-crawl", help="Crawl the registry's sites that have start_urls.")] = True,  # noqa: E501
    max_pages: Annotated[Optional[int], typer.Option("--max-pages", help="At most this many pages fetched; the rest waits for the next run.")] = None,  # noqa: UP045,E501
    quiet: Annotated[bool, QUIET_OPTION] = False,
    verbose: Annotated[bool, VERBOSE_OPTION] = False,
    as_json: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """The scheduled job: crawl what is new, clean, extract, store and check, in one locked run.

    Only new or changed documents are processed (content hash and extractor version); a new
    extractor version re-extracts stored pages from their raw HTML without fetching. Failures are
    rows in the errors table, each run a row in runs. Exit status (README, "Exit codes"): 0 when
    nothing failed, 3 when an input failed, 7 when the crawl fetched nothing, 1 when a fact-check
    finding is an error (the summary says what), 6 when another run holds the database.

    Example: dvk nightly --db data/dvk.db --workers 2
    """
    from contextlib import nullcontext

    from .nightly import nightly as nightly_job
    from .progress import document_progress
    from .sources import load_registry
    from .summary import crawl_progress, print_nightly_summary

    try:
        registry = load_registry(sources)
        silent = quiet or as_json
        with (nullcontext(None) if silent else crawl_progress()) as on_page, \
                document_progress("nightly", quiet=silent, verbose=verbose) as on_batch:
            result = nightly_job(db, registry, inputs=inputs, workers=workers, crawl=crawl,
                                 max_pages=max_pages, on_page=on_page, on_batch=on_batch, keep=0)
    except DvkError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps({"db": str(db), "run_id": result.run_id, "counts": result.counts(),
                               "errors": [{"stage": a, "source": b, "reason": c} for a, b, c in result.errors],
                               "exit_code": result.exit_code()}, ensure_ascii=False, indent=2))
    elif not quiet:
        print_nightly_summary(result)
    if result.exit_code():
        raise typer.Exit(result.exit_code())


@app.command()
def check(
    db: Annotated[Path, DB_OPTION] = Path("data/dvk.db"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    only_problems: Annotated[bool, typer.Option("--problems", help="Hide consistent results.")] = False,
) -> None:
    """Check the stored counts add up (breakdowns, splits, across articles); store the findings.

    Every article is checked again here, from its stored counts (a run checks each article once,
    as it stores it, and then only the checks across articles).

    Example: dvk check --db data/dvk.db --problems
    """
    from .check import run_checks
    from .store import db_lock, open_db, require_db
    from .summary import print_findings

    try:
        require_db(db)
        with db_lock(db):  # findings are written: one writer at a time, like run and nightly
            database = open_db(db, create=False)
            findings = run_checks(database, rewrite=True)  # every article again: counts may come from elsewhere
            database.close()
    except DvkError as exc:
        _fail(exc)
    if only_problems:
        findings = [f for f in findings if f.severity != "ok"]
    if as_json:
        typer.echo(json.dumps([f.__dict__ for f in findings], ensure_ascii=False, indent=2))
    else:
        print_findings(findings)
    if any(f.severity == "error" for f in findings):
        raise typer.Exit(1)


@app.command()
def export(
    fmt: Annotated[Optional[str], typer.Option("--format", help="csv, tsv, json (one array), jsonl (JSON Lines), or parquet (every record table into the folder -o DIR, partitioned by province); default csv.")] = None,  # noqa: UP045,E501
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV (the default).")] = False,
    as_tsv: Annotated[bool, typer.Option("--tsv", help="Tab-separated values.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array.")] = False,
    as_nl: Annotated[bool, typer.Option("--nl", help="JSON Lines: one object per line.")] = False,
    table: Annotated[Optional[str], typer.Option("--table", help="Export this table (or view) instead of the flat counts.")] = None,  # noqa: UP045,E501
    models: Annotated[bool, typer.Option("--models", help="One flat row per named model (owners, units, province, URL).")] = False,  # noqa: E501
    sql: Annotated[Optional[str], typer.Option("--sql", help="Export the result of this SQL query.")] = None,  # noqa: UP045,E501
    bom: Annotated[bool, typer.Option("--bom", help="Start with a UTF-8 byte order mark (for Excel).")] = False,
    db: Annotated[Path, DB_OPTION] = Path("data/dvk.db"),
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write; default stdout.")] = None,  # noqa: UP045,E501
) -> None:
    """Export one flat row per count (title, URL, labels, locality, province, period, evidence
    and its sentence), one per named model (--models), a table, or an SQL query's result.

    Example: dvk export --csv --bom -o counts.csv
    """
    from .errors import InputError
    from .export import query, write
    from .store import open_db

    try:
        chosen = [f for f, on in (("csv", as_csv), ("tsv", as_tsv), ("json", as_json), ("jsonl", as_nl)) if on]
        if fmt is not None:
            chosen.append("jsonl" if fmt == "nl" else fmt)
        if len(set(chosen)) > 1:
            raise UsageError("choose one format: " + ", ".join(sorted(set(chosen))))
        if sum((table is not None, models, sql is not None)) > 1:
            raise UsageError("choose one of --table, --models and --sql")
        form = chosen[0] if chosen else "csv"
        database = open_db(db, readonly=True)  # never writes to the database, nor creates one
        if form == "parquet":
            if models or sql is not None:
                raise UsageError("--format parquet exports the record tables (or --table), not --models or --sql")
            _export_parquet(database, output, table)
            return
        columns, records = query(database, table, sql=sql, flat="models" if models else "counts")
        if output is None:
            write(sys.stdout, records, form, columns=columns, bom=bom)
        else:
            try:
                fh = output.open("w", encoding="utf-8", newline="")
            except OSError as exc:
                raise InputError(f"cannot write: {exc.strerror or exc}", path=str(output)) from exc
            with fh:
                write(fh, records, form, columns=columns, bom=bom)
    except DvkError as exc:
        _fail(exc)


@app.command()
def show(
    doc: Annotated[str, typer.Argument(help="Document id, source key or URL.")],
    db: Annotated[Path, DB_OPTION] = Path("data/dvk.db"),
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="HTML file to write; default stdout.")] = None,  # noqa: UP045,E501
) -> None:
    """Write the article view as HTML: the cleaned text with every count, model, place and
    period highlighted and labelled (spaCy displaCy), then the records with their sentences.

    Example: dvk show 001_ec07e521c6b1b548 -o article.html
    """
    from .errors import InputError
    from .show import render
    from .store import open_db

    try:
        database = open_db(db, readonly=True)  # never writes to the database, nor creates one
        page = render(database.conn, doc)
        if output is None:
            sys.stdout.write(page)
        else:
            try:
                output.write_text(page, encoding="utf-8")
            except OSError as exc:
                raise InputError(f"cannot write: {exc.strerror or exc}", path=str(output)) from exc
            typer.echo(f"dvk: wrote {output}", err=True)
    except DvkError as exc:
        _fail(exc)


def _export_parquet(database, output: Path | None, table: str | None) -> None:  # type: ignore[no-untyped-def]
    from .parquet import export_parquet

    if output is None:
        raise UsageError("--format parquet writes a folder of files", hint="pass -o DIR")
    written = export_parquet(database, output, (table,) if table else None)
    typer.echo(f"dvk: wrote {', '.join(f'{t} ({n} rows)' for t, n in written.items())} to {output}/", err=True)


@app.command()
def serve(
    db: Annotated[Path, DB_OPTION] = Path("data/dvk.db"),
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on.")] = 8001,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (0.0.0.0: every interface).")] = "127.0.0.1",
    open_browser: Annotated[bool, typer.Option("--open", help="Open the database in a web browser.")] = False,
    setting: Annotated[Optional[list[str]], typer.Option("--setting", help="A Datasette setting NAME=VALUE (repeatable), e.g. sql_time_limit_ms=5000.")] = None,  # noqa: UP045,E501
) -> None:
    """Browse the database with Datasette (facets, search, canned queries, article views, chart).

    Example: dvk serve --db data/dvk.db --port 8001 --open
    """
    from .serve import serve as serve_db
    from .serve import settings_for

    try:
        pairs = []
        for item in setting or []:
            name, eq, value = item.partition("=")
            if not eq:
                raise UsageError(f"--setting {item!r} is not NAME=VALUE")
            pairs.append((name.strip(), value.strip()))
        serve_db(db, host=host, port=port, settings=settings_for(pairs), open_browser=open_browser)
    except DvkError as exc:
        _fail(exc)


@app.command()
def score(
    gold: Annotated[Path, typer.Option("--gold", help="Folder of gold/<doc>.json files.")] = GOLD_DIR,
    pred: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional
        typer.Option("--pred", help="JSON Lines from dvk extract; default: extract the corpus."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    details: Annotated[bool, typer.Option("--details/--no-details", help="List misses and spurious records.")] = False,
) -> None:
    """Score extraction against the gold set (SPEC §3): P/R/F1 per record kind and document.

    Row 'findings': the alarms dvk check raises within each article, extracted against gold.

    Example: dvk score --gold ../shared/realworld/gold --pred predictions.jsonl --json
    """
    from .score import load_gold, load_predictions
    from .score import score as score_docs
    from .summary import corpus_predictions, print_score

    try:
        gold_docs = load_gold(gold)
        preds = load_predictions(pred) if pred else corpus_predictions()
        report = score_docs(preds, gold_docs)
    except DvkError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        print_score(report, details=details)


def main() -> None:
    # dvk uses no pydantic plugin: without this, the first record model looks through the entry
    # points of every installed distribution for one (about 10 ms of a short command). Set the
    # variable to an empty string to have pydantic look again.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    app()


if __name__ == "__main__":
    main()
