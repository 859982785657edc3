"""dvk extractors: pure functions from an article's text (and what is known of it) to the SPEC
records. No I/O beyond reading the package's own data files; nothing here imports ``pipeline``.

    >>> from extractors import extract, Meta
    >>> doc = extract("Toàn huyện có 12 mô hình.", Meta(doc="x"))
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources

from . import compiled

compiled.install()  # the rules' patterns from their prebuilt table (data/regex.marshal), when there is one

from .document import Meta, extract  # noqa: E402 - after install(): the modules compile their rules on import
from .records import Count, Document, Locality, LocalityRef, Model, Period, PeriodRef  # noqa: E402

__all__ = [
    "Count", "Document", "Locality", "LocalityRef", "Meta", "Model", "Period", "PeriodRef",
    "extract", "extractor_version",
]

__version__ = "0.1.0"


@cache
def extractor_version() -> str:
    """The code version plus a digest of the rule data and gazetteers, so that a lexicon or
    gazetteer change re-extracts."""
    h = hashlib.sha256()
    data = resources.files(__package__).joinpath("data")
    for name in sorted(p.name for p in data.iterdir() if p.name.endswith((".toml", ".csv"))):
        h.update(name.encode())
        h.update(data.joinpath(name).read_bytes())
    return f"{__version__}+{h.hexdigest()[:10]}"
