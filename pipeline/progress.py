"""How ``dvk run`` and ``dvk nightly`` report as they go: a progress bar on a terminal, one plain
log line per document otherwise (a file, a pipe, cron), nothing with ``--quiet``; ``--verbose``
gives the log lines on a terminal too. A failed document is not logged: the command prints its
one-line error."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console

from .run import Outcome


@contextmanager
def document_progress(command: str, total: int | None = None, *, quiet: bool = False,
                      verbose: bool = False) -> Iterator[Callable[[list[Outcome]], None]]:
    """A callback for each processed batch of documents."""
    err = Console(stderr=True)
    if quiet:
        yield lambda outcomes: None
        return
    if verbose or not err.is_terminal:
        def log(outcomes: list[Outcome]) -> None:
            for o in outcomes:  # a failure is said once, in the error line the command prints for it
                if o.status != "failed":
                    print(f"dvk {command}: {o.status:<9} {o.path} {o.doc or ''}".rstrip(), file=sys.stderr, flush=True)
        yield log
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn(f"[bold]{command}"), MofNCompleteColumn(), BarColumn(),
                  TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task("", total=total)

        def update(outcomes: list[Outcome]) -> None:
            last = outcomes[-1].path[-60:] if outcomes else ""
            bar.update(task, advance=len(outcomes), description=last)
        yield update
