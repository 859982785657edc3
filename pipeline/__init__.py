"""dvk pipeline: I/O and orchestration (read, clean, store, run, score, check, export, serve).

The public surface is small and loaded lazily, so that ``dvk --help`` imports nothing heavy::

    from pipeline import run, crawl, nightly, open_db, run_checks, score, load_gold
"""

from __future__ import annotations

from importlib import import_module
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
