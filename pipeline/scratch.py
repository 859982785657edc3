"""What a run must remember of every input, kept on disk instead of in memory.

A run of 100,000 files needs their names in order and, to find a source given twice, every source
key and document id it has assigned; held in Python that is about 1 KB per document in the main
process (the file list's ``Path`` objects, three dicts), so its memory grew with the run. These
live in a private temporary SQLite database instead (``sqlite3.connect("")``: a file SQLite
deletes when the connection closes, written only when its page cache of about 2 MB is full), so
the main process stays flat however many files there are, at a few microseconds per lookup.

Strings go in as UTF-8 with ``surrogatepass``: a file name that is not UTF-8 (Python gives its
bytes as surrogates) is kept as it is, and the byte order of that encoding is the code points'
order, which is Python's order of strings.
"""

from __future__ import annotations

import sqlite3


def encode(s: str) -> bytes:
    return s.encode("utf-8", "surrogatepass")


def decode(b: bytes) -> str:
    return b.decode("utf-8", "surrogatepass")


class Scratch:
    """A private temporary SQLite database, one transaction never committed (nothing in it
    outlives the connection)."""

    def __init__(self) -> None:
        self.conn = sqlite3.connect("", isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode = OFF")
        self.conn.execute("BEGIN")
        self._tables = 0

    def table(self, columns: str) -> str:
        """A new table of these columns; its name."""
        self._tables += 1
        name = f"t{self._tables}"
        self.conn.execute(f"CREATE TABLE {name} ({columns})")
        return name

    def close(self) -> None:
        self.conn.close()


class ScratchMap:
    """A map of strings to strings in a ``Scratch`` database: what ``file_items`` used a dict for
    (``in``, ``get``, ``[]`` and ``[] =``, the last value set winning)."""

    def __init__(self, scratch: Scratch) -> None:
        self.conn = scratch.conn
        self.name = scratch.table("k BLOB PRIMARY KEY, v BLOB")

    def get(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute(f"SELECT v FROM {self.name} WHERE k = ?", [encode(key)]).fetchone()
        return decode(row[0]) if row else default

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.conn.execute(
            f"SELECT 1 FROM {self.name} WHERE k = ?", [encode(key)]).fetchone() is not None

    def __getitem__(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __setitem__(self, key: str, value: str) -> None:
        self.conn.execute(f"INSERT OR REPLACE INTO {self.name} (k, v) VALUES (?, ?)", [encode(key), encode(value)])

    def __len__(self) -> int:
        return int(self.conn.execute(f"SELECT count(*) FROM {self.name}").fetchone()[0])
