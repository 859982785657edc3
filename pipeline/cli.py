"""The ``dvk`` command. Heavy modules (underthesea, spaCy, BeautifulSoup) load inside commands,
so ``dvk --help`` answers at once."""

from __future__ import annotations

import json
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
)

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

    from .run import Given

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
        typer.Argument(help="Files or folders (.txt/.html, web archives .warc/.warc.gz); default: corpus/."),
    ] = None,
    db: Annotated[Path, DB_OPTION] = Path("data/dvk.db"),
    force: Annotated[bool, typer.Option(help="Re-extract documents even when unchanged.")] = False,
    workers: Annotated[int, typer.Option("--workers", "-w", help="Processes for cleaning and extraction.")] = 1,
    dask: Annotated[Optional[str], typer.Option("--dask", help="Clean and extract on Dask: a scheduler's address (tcp://host:8786), or local:N for a local cluster of N worker processes; the database is the same.")] = None,  # noqa: UP045,E501
    url: Annotated[Optional[str], URL_OPTION] = None,  # noqa: UP045
    published: Annotated[Optional[str], PUBLISHED_OPTION] = None,  # noqa: UP045
    source: Annotated[Optional[str], SOURCE_OPTION] = None,  # noqa: UP045
) -> None:
    """Clean, extract and store documents, then print a summary per document.

    Exit status (README, "Exit codes"): 3 when an input failed (the others are stored), 1 when a
    fact-check finding is an error, 6 when another run holds the database.

    Example: dvk run corpus/ --db data/dvk.db
    """
    from .check import run_checks
    from .errors import FINDING_ERROR, INPUT, worst
    from .run import run as run_job
    from .store import db_lock, open_db
    from .summary import print_findings, print_run_summary

    try:
        result = run_job(paths, db, force=force, workers=workers, given=_given(url, published, source), dask=dask)
        print_run_summary(result, db)
        for o in result.failed:  # one line each on standard error, as for extract
            typer.echo(f"dvk: error: {o.error}", err=True)
        with db_lock(db):
            database = open_db(db)
            findings = run_checks(database)
            database.close()
        print_findings(findings)
    except DvkError as exc:
        _fail(exc)
    code = worst([INPUT] * bool(result.failed) + [FINDING_ERROR] * any(f.severity == "error" for f in findings))
    if code:
        raise typer.Exit(code)


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Files (.txt/.html) or - for standard input "
                                                    "(HTML or text, told apart by the content).")],
    url: Annotated[Optional[str], URL_OPTION] = None,  # noqa: UP045
    published: Annotated[Optional[str], PUBLISHED_OPTION] = None,  # noqa: UP045
    source: Annotated[Optional[str], SOURCE_OPTION] = None,  # noqa: UP045
) -> None:
    """Print one JSON object per document (SPEC §2), JSON Lines on standard output.

    A PDF or other binary file is refused with one line on standard error; the other files are
    still printed, and the exit status is then 3.

    Example: dvk extract corpus/*.txt > predictions.jsonl
    """
    from .documents import expand, read_path
    from .run import check_given, extract_source
    from .sources import load_registry

    try:
        given = _given(url, published, source)
        check_given(paths, given)
    except DvkError as exc:
        _fail(exc)
    registry = load_registry()
    failed = 0
    for path in expand(paths):
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

    from .check import run_checks
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
        with db_lock(db):
            database = open_db(db)
            with crawl_progress() as on_page:
                result = crawl_job(database, registry, urls or [], settings=settings, max_pages=max_pages,
                                   on_page=on_page, sites=site or [])
            errors = 0
            if result.changed_documents:
                errors = sum(f.severity == "error" for f in run_checks(database))
            database.close()
        print_crawl_summary(result)
    except DvkError as exc:
        _fail(exc)
    from .errors import FINDING_ERROR, NETWORK, worst

    code = worst([NETWORK] * bool(result.pages and not result.fetched) + [FINDING_ERROR] * bool(errors))
    if code:
        raise typer.Exit(code)


@app.command()
def nightly(
    sources: Annotated[Optional[Path], typer.Option("--sources", help="Site registry (TOML); default: corpus/sources.toml.")] = None,  # noqa: UP045,E501
    db: Annotated[Path, DB_OPTION] = Path("data/dvk.db"),
    workers: Annotated[int, typer.Option("--workers", "-w", help="Processes for cleaning and extraction; the database is the same for any number.")] = 1,  # noqa: E501
    inputs: Annotated[Optional[list[Path]], typer.Option("--input", help="Local files or folders to process (repeatable); default: corpus/.")] = None,  # noqa: UP045,E501
    crawl: Annotated[bool, typer.Option("--crawl/--no-crawl", help="Crawl the registry's sites that have start_urls.")] = True,  # noqa: E501
    max_pages: Annotated[Optional[int], typer.Option("--max-pages", help="At most this many pages fetched; the rest waits for the next run.")] = None,  # noqa: UP045,E501
) -> None:
    """The scheduled job: crawl what is new, clean, extract, store and check, in one locked run.

    Only new or changed documents are processed (content hash and extractor version); a new
    extractor version re-extracts stored pages from their raw HTML without fetching. Failures are
    rows in the errors table, each run a row in runs. Exit status (README, "Exit codes"): 0 when
    nothing failed, 3 when an input failed, 7 when the crawl fetched nothing, 1 when a fact-check
    finding is an error (the summary says what), 6 when another run holds the database.

    Example: dvk nightly --db data/dvk.db --workers 2
    """
    from .nightly import nightly as nightly_job
    from .sources import load_registry
    from .summary import crawl_progress, print_nightly_summary

    try:
        registry = load_registry(sources)
        with crawl_progress() as on_page:
            result = nightly_job(db, registry, inputs=inputs, workers=workers, crawl=crawl,
                                 max_pages=max_pages, on_page=on_page)
    except DvkError as exc:
        _fail(exc)
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

    Example: dvk check --db data/dvk.db --problems
    """
    from .check import run_checks
    from .store import db_lock, open_db, require_db
    from .summary import print_findings

    try:
        require_db(db)
        with db_lock(db):  # findings are written: one writer at a time, like run and nightly
            database = open_db(db, create=False)
            findings = run_checks(database)
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
    fmt: Annotated[str, typer.Option("--format", help="csv, jsonl, or parquet (every record table into the folder -o DIR, partitioned by province).")] = "csv",  # noqa: E501
    table: Annotated[Optional[str], typer.Option("--table", help="Export this table instead of the flat counts.")] = None,  # noqa: UP045,E501
    db: Annotated[Path, DB_OPTION] = Path("data/dvk.db"),
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write; default stdout.")] = None,  # noqa: UP045,E501
) -> None:
    """Export one flat row per count (locality, province, period, source URL, evidence), or a table.

    Example: dvk export --format csv -o counts.csv
    """
    from .errors import InputError
    from .export import rows, write
    from .store import open_db

    try:
        database = open_db(db, create=False)
        if fmt == "parquet":
            _export_parquet(database, output, table)
        elif output is None:
            write(sys.stdout, rows(database, table), fmt)
        else:
            try:
                fh = output.open("w", encoding="utf-8", newline="")
            except OSError as exc:
                raise InputError(f"cannot write: {exc.strerror or exc}", path=str(output)) from exc
            with fh:
                write(fh, rows(database, table), fmt)
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
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1.")] = 8001,
) -> None:
    """Browse the database with Datasette on 127.0.0.1 (facets, full-text search, canned queries).

    Example: dvk serve --db data/dvk.db --port 8001
    """
    import os

    from .serve import command

    try:
        argv = command(db, port)
    except DvkError as exc:
        _fail(exc)
    typer.echo(f"dvk: serving {db} at http://127.0.0.1:{port}/", err=True)
    os.execv(argv[0], argv)


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
    app()


if __name__ == "__main__":
    main()
