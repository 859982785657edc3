"""The errors a user of dvk can meet, as one small tree, and the exit code of every outcome::

    DvkError                      every error dvk raises on purpose                 (exit 2)
    ├── UsageError                an option or argument that cannot be used         (exit 2)
    ├── RegistryError             the site registry (sources.toml) is invalid       (exit 2)
    ├── InputError                an input file or stream cannot be used            (exit 3)
    │   ├── UnreadableInput       missing, unreadable, not UTF-8 text, empty
    │   ├── BinaryInput           a PDF or other binary file, not an article
    │   └── BadFrontMatter        the YAML front matter of a .txt file is invalid
    ├── StoreError                the SQLite database cannot be opened or written   (exit 4)
    │   ├── DatabaseMissing       no database at the path a reading command was given (exit 4)
    │   ├── NotDvkDatabase        another application's SQLite file: never written  (exit 4)
    │   └── DatabaseBusy          another dvk run holds the database's write lock   (exit 6)
    ├── GoldError                 a gold or predictions file is missing or invalid  (exit 5)
    └── NetworkError              nothing could be fetched, or serve's port is taken (exit 7)

``EXIT_CODES`` is the one table of exit codes, the same for every command (the README prints
it). A command that processes several inputs goes on after a bad one and exits at the end with
the code of the most serious outcome, in the order of ``EXIT_PRECEDENCE``.

Every error carries its context (the path, the document) and says what to do; the CLI prints it
on one line and exits with ``exit_code``.
"""

from __future__ import annotations

OK = 0
FINDING_ERROR = 1
USAGE = 2
INPUT = 3
DATABASE = 4
GOLD = 5
BUSY = 6
NETWORK = 7

EXIT_CODES: dict[int, str] = {
    OK: "success (for check, run, crawl and nightly: no fact-check finding is an error)",
    FINDING_ERROR: "the data was stored, but a fact-check finding is an `error` (check, run, crawl, nightly)",
    USAGE: "usage or configuration: an unknown option or value, an unknown table or format, an invalid "
           "site registry",
    INPUT: "an input could not be used (missing, unreadable, empty, not UTF-8, a PDF or other binary "
           "file, invalid front matter, not a WARC file or a damaged WARC record, an extraction failure) or "
           "the output file cannot be written; "
           "the other inputs were processed",
    DATABASE: "database: missing (check, export, serve), not a dvk database, made by an older dvk (export, "
              "serve: `dvk check` brings it forward) or a newer one, or it cannot be opened or written "
              "(a read-only file or folder)",
    GOLD: "a gold or predictions file is missing or invalid (score)",
    BUSY: "another dvk run holds the database's write lock (run, nightly, crawl, check)",
    NETWORK: "network: no server answered at all (crawl, nightly; a 404 or 410 is an answer), serve's port is "
             "in use, or the Dask scheduler cannot be reached or was lost (run --dask)",
}

# several outcomes in one run: the first of these that applies is the exit code
EXIT_PRECEDENCE = (INPUT, NETWORK, FINDING_ERROR)


def worst(codes: list[int]) -> int:
    """The exit code of a run with these outcomes (0 when there are none)."""
    for code in EXIT_PRECEDENCE:
        if code in codes:
            return code
    return max(codes, default=OK)


class DvkError(Exception):
    exit_code = USAGE

    def __init__(self, message: str, *, path: str | None = None, hint: str | None = None):
        self.path = path
        self.hint = hint
        super().__init__(message)

    def __str__(self) -> str:
        msg = super().__str__()
        if self.path:
            msg = f"{self.path}: {msg}"
        if self.hint:
            msg = f"{msg} ({self.hint})"
        return msg


class UsageError(DvkError):
    exit_code = USAGE


class InputError(DvkError):
    exit_code = INPUT


class UnreadableInput(InputError):
    pass


class BinaryInput(InputError):
    pass


class BadFrontMatter(InputError):
    pass


class RegistryError(DvkError):
    exit_code = USAGE


class StoreError(DvkError):
    exit_code = DATABASE


class DatabaseMissing(StoreError):
    pass


class NotDvkDatabase(StoreError):
    pass


class DatabaseBusy(StoreError):
    exit_code = BUSY


class GoldError(DvkError):
    exit_code = GOLD


class NetworkError(DvkError):
    exit_code = NETWORK
