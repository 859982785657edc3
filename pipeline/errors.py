"""The errors a user of dvk can meet, as one small tree::

    DvkError                      every error dvk raises on purpose (exit code 2 unless stated)
    ├── InputError                an input file or stream cannot be used
    │   ├── UnreadableInput       missing, unreadable, not UTF-8 text, empty       (exit 3)
    │   └── BadFrontMatter        the YAML front matter of a .txt file is invalid  (exit 3)
    ├── RegistryError             the site registry (sources.toml) is invalid
    ├── StoreError                the SQLite database cannot be opened or written   (exit 4)
    │   └── DatabaseBusy          another dvk run holds the database's write lock   (exit 6)
    └── GoldError                 a gold file is missing or does not validate       (exit 5)

Every error carries its context (the path, the document) and says what to do; the CLI prints it
on one line and exits with ``exit_code``.
"""

from __future__ import annotations


class DvkError(Exception):
    exit_code = 2

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


class InputError(DvkError):
    exit_code = 3


class UnreadableInput(InputError):
    pass


class BadFrontMatter(InputError):
    pass


class RegistryError(DvkError):
    pass


class StoreError(DvkError):
    exit_code = 4


class DatabaseBusy(StoreError):
    exit_code = 6


class GoldError(DvkError):
    exit_code = 5
