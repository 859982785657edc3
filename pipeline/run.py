"""The main job: read → clean → extract → store, one document at a time, never stopping a batch
for one bad document."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from extractors import Document, Meta, extract, extractor_version

from .documents import SourceDoc, expand, read_path
from .errors import DvkError
from .sources import Registry, load_registry
from .store import open_db, save_document, stored_state

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def extract_source(src: SourceDoc, registry: Registry) -> Document:
    site = registry.find(src.source, src.url)
    meta = Meta(doc=src.doc, url=src.url, title=src.title, published=src.published,
                source_province=site.province if site else None)
    return extract(src.text, meta)


def documents_of(paths: Iterable[Path]) -> list[Path]:
    """Input files; when a folder holds an article as both .txt and .html, the .txt is taken."""
    files = list(expand(paths))
    stems_with_txt = {p.with_suffix("") for p in files if p.suffix.lower() == ".txt"}
    return [p for p in files
            if p.suffix.lower() == ".txt" or str(p) == "-" or p.with_suffix("") not in stems_with_txt]


@dataclass
class Outcome:
    path: str
    doc: str | None
    status: str  # new, changed, unchanged, failed
    error: str | None = None


@dataclass
class RunResult:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]


def run(paths: Iterable[Path] | None, db_path: Path, registry: Registry | None = None,
        force: bool = False) -> RunResult:
    registry = registry or load_registry()
    db = open_db(db_path)
    version = extractor_version()
    result = RunResult()
    for path in documents_of(paths or [CORPUS]):
        try:
            src = read_path(path, registry)
            state = stored_state(db, src.doc)
            if not force and state == (src.content_hash, version):
                result.outcomes.append(Outcome(str(path), src.doc, "unchanged"))
                continue
            document = extract_source(src, registry)
            save_document(db, document, text=src.text, content_hash=src.content_hash,
                          extractor_version=version, source=src.source, path=str(path))
            result.outcomes.append(Outcome(str(path), src.doc, "changed" if state else "new"))
        except DvkError as exc:
            result.outcomes.append(Outcome(str(path), None, "failed", error=str(exc)))
        except Exception as exc:  # an extractor bug on one article never stops the batch
            result.outcomes.append(Outcome(str(path), None, "failed",
                                           error=f"{path}: internal error: {exc!r}"))
    db.close()
    return result
