"""The rules' regular expressions, compiled once per installation instead of once per process.

``regex`` compiles a pattern in Python (parse, optimise, emit the engine's code) and hands the
code to its C engine; the extractors compile some 300 patterns, about a third of what a short
command such as ``dvk extract one.txt`` costs. ``make`` records what ``regex`` hands its engine
for every pattern the extractors compile on the bundled inputs (``tools/build_regex.py`` writes
``data/regex.marshal``, not in git), and :func:`install` (run when ``extractors`` is imported)
has ``regex`` build a pattern it finds there straight from those arguments.

The table is keyed by the pattern's text and flags and stamped with the versions of ``regex``
and Python: a pattern not in it (a new rule, a pattern made from an article) is compiled as
before, a table with another stamp is ignored, and patterns that depend on the locale or on
named lists are never in it. So the table can make a start faster but never change what a
pattern matches (``tests/test_regex_prebuilt.py`` recompiles every entry and compares).
For that the patterns must not depend on the process: alternations are written in a fixed
order (``lexicon.longest_first``), not in a set's, which changes with the string hash seed.
``DVK_REGEX_TABLE=0`` in the environment leaves the table out (the build records with it).
"""

from __future__ import annotations

import marshal
import os
import sys
from collections.abc import Callable, Iterable
from importlib import resources
from typing import Any

import regex
import regex._main as _main

PREBUILT = "regex.marshal"

EngineArgs = tuple[Any, ...]
Key = tuple[str, int]

_ORIGINAL: Callable[..., Any] = _main._compile  # regex's own compile, before install() wraps it
_installed: dict[str, Any] = {}


def stamp() -> str:
    """What the engine's arguments depend on besides the pattern and its flags."""
    engine = _main._regex
    return (f"regex {regex.__version__} magic {engine.MAGIC} code {engine.CODE_SIZE} "
            f"default {int(_main.DEFAULT_VERSION)} python {sys.version}")


def engine_args(pattern: str, flags: int) -> EngineArgs | None:
    """What ``regex`` hands its engine when it compiles ``pattern`` with ``flags`` (None for a
    pattern that depends on the locale: its code is not the pattern's alone)."""
    real = _main._regex
    seen: list[tuple[Any, ...]] = []

    class _Spy:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def compile(self, *args: Any) -> Any:
            seen.append(args)
            return real.compile(*args)

    _main._regex = _Spy()
    try:
        _ORIGINAL(pattern, flags, False, {}, False)
    finally:
        _main._regex = real
    if flags & regex.LOCALE or _main._locale_sensitive.get((str, pattern), True) or not seen:
        return None
    pat, fl, code, group_index, index_group, named, named_indexes, req_offset, req_chars, req_flags, groups = seen[-1]
    if named or named_indexes:
        return None
    return (pat, int(fl), [int(c) for c in code], dict(group_index), dict(index_group), {}, [],
            int(req_offset), req_chars if req_chars is None else tuple(int(c) for c in req_chars),
            int(req_flags), int(groups))


def prebuilt_bytes(patterns: Iterable[Key]) -> bytes:
    """The table of these patterns (``tools/build_regex.py`` writes it)."""
    table: dict[Key, EngineArgs] = {}
    for pattern, flags in sorted(set(patterns)):
        args = engine_args(pattern, flags)
        if args is not None:
            table[(pattern, flags)] = args
    return marshal.dumps((stamp(), table))


def from_prebuilt(raw: bytes) -> dict[Key, EngineArgs] | None:
    """The table in ``raw``, or None when it is broken or its stamp is not this installation's."""
    try:
        found, table = marshal.loads(raw)
    except (ValueError, EOFError, TypeError):
        return None
    if found != stamp() or not isinstance(table, dict):
        return None
    return table


_OTHERS = 512


def install(raw: bytes | None = None) -> bool:
    """Have ``regex`` take the patterns of the prebuilt table (``raw``, or the data file) from it;
    False when there is none or it is stale. Once per process; later calls do nothing.

    A pattern given as a string (``regex.search(r"…", text)``) is then found again by its text
    and flags in one dictionary lookup, about 1 µs (regex's own cache takes about 12 µs: it asks
    for the locale's encoding on every call); the others, up to 512, are kept the same way."""
    if _installed:
        return True
    if os.environ.get("DVK_REGEX_TABLE") == "0":
        return False
    if raw is None:
        try:
            raw = resources.files(__package__).joinpath("data").joinpath(PREBUILT).read_bytes()
        except OSError:
            return False
    table = from_prebuilt(raw)
    if not table:
        return False
    built: dict[Key, Any] = {}
    make = _main._regex.compile
    package = regex
    version = _main.DEFAULT_VERSION
    original = _ORIGINAL

    others: dict[Key, Any] = {}  # patterns not in the table, kept as regex's own cache keeps them

    def _compile(pattern: Any, flags: Any, ignore_unused: Any, kwargs: Any, cache_it: Any) -> Any:
        if type(pattern) is str and not kwargs and version == package.DEFAULT_VERSION:
            key = (pattern, flags)
            try:
                return built[key]
            except KeyError:
                pass
            args = table.get(key)
            if args is not None:
                compiled = built[key] = make(*args)
                return compiled
            try:
                return others[key]
            except KeyError:
                pass
            compiled = original(pattern, flags, ignore_unused, kwargs, cache_it)
            if cache_it and not flags & (regex.LOCALE | regex.DEBUG) \
                    and _main._locale_sensitive.get((str, pattern), True) is False:
                if len(others) >= _OTHERS:
                    others.clear()  # as regex does with its own: patterns made from articles come and go
                others[key] = compiled
            return compiled
        return original(pattern, flags, ignore_unused, kwargs, cache_it)

    _main._compile = _compile
    _installed.update(table=table, built=built)
    return True


def stats() -> dict[str, int]:
    """How many patterns the table holds and how many this process has taken from it."""
    return {"table": len(_installed.get("table", {})), "built": len(_installed.get("built", {}))}
