"""Browsing with Datasette: the database served read-only on loopback, with metadata (table and
column descriptions in Vietnamese and English, facets, full-text search, canned queries)."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from importlib import resources
from pathlib import Path

from .errors import DvkError


def metadata_for(db_path: Path) -> dict:  # type: ignore[type-arg]
    """The metadata file, keyed by the database name Datasette derives from the file name."""
    meta = json.loads(resources.files(__package__).joinpath("data").joinpath("datasette.json")
                      .read_text(encoding="utf-8"))
    meta["databases"] = {db_path.stem: meta["databases"]["dvk"]}
    return meta


def command(db_path: Path, port: int) -> list[str]:
    """The datasette command line; the metadata is written next to nothing the user owns."""
    if not db_path.exists():
        raise DvkError("no database to serve", path=str(db_path), hint="run `dvk run` first")
    meta_file = Path(tempfile.mkdtemp(prefix="dvk-datasette-")) / "metadata.json"
    meta_file.write_text(json.dumps(metadata_for(db_path), ensure_ascii=False), encoding="utf-8")
    exe = shutil.which("datasette") or str(Path(sys.executable).with_name("datasette"))
    return [exe, "serve", str(db_path), "-h", "127.0.0.1", "-p", str(port),
            "--metadata", str(meta_file), "--setting", "default_page_size", "100"]
