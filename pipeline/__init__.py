"""dvk pipeline: I/O and orchestration (read, clean, store, run, score, check, export, serve).

The public surface is small and loaded lazily, so that ``dvk --help`` imports nothing heavy::

    from pipeline import run, crawl, nightly, open_db, run_checks, score, load_gold
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from importlib import import_module
from types import ModuleType
from typing import Any

from .errors import (
    BadFrontMatter,
    BinaryInput,
    DatabaseBusy,
    DatabaseMissing,
    DvkError,
    GoldError,
    InputError,
    NetworkError,
    RegistryError,
    StoreError,
    UnreadableInput,
    UsageError,
)

_LAZY = {
    "run": "pipeline.run",
    "read_path": "pipeline.documents",
    "SourceDoc": "pipeline.documents",
    "clean_html": "pipeline.clean",
    "open_db": "pipeline.store",
    "save_document": "pipeline.store",
    "run_checks": "pipeline.check",
    "score": "pipeline.score",
    "load_gold": "pipeline.score",
    "load_registry": "pipeline.sources",
    "CrawlSettings": "pipeline.sources",
    "crawl": "pipeline.crawl",
    "nightly": "pipeline.nightly",
}

__all__ = [
    "BadFrontMatter", "BinaryInput", "DatabaseBusy", "DatabaseMissing", "DvkError", "GoldError", "InputError",
    "NetworkError", "RegistryError", "StoreError", "UnreadableInput", "UsageError", *sorted(_LAZY),
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")


# sqlite-utils imports numpy when it is installed (≈ 0.1 s of every command that opens a database)
# only to map numpy's scalar types to column types; dvk stores plain Python values. While
# ``sqlite_utils.db`` runs, numpy reads as absent; after it, numpy imports as usual.
class _SqliteUtilsWithoutNumpy(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if name != "sqlite_utils.db":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None or "numpy" in sys.modules:
            return spec
        self._loader = spec.loader
        spec.loader = self
        return spec

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        blocked = "numpy" not in sys.modules
        if blocked:
            sys.modules["numpy"] = None  # type: ignore[assignment]  # import_module("numpy") raises ImportError
        try:
            self._loader.exec_module(module)
        finally:
            if blocked and sys.modules.get("numpy", ...) is None:
                del sys.modules["numpy"]
            module.__loader__ = self._loader  # the module as the usual loader leaves it
            if module.__spec__ is not None:
                module.__spec__.loader = self._loader


if "sqlite_utils.db" not in sys.modules:
    sys.meta_path.insert(0, _SqliteUtilsWithoutNumpy())
