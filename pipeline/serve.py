"""Browsing with Datasette: the database served read-only on loopback, with metadata (table and
column descriptions in Vietnamese and English, facets, full-text search, canned queries)."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from importlib import resources
from pathlib import Path

from .errors import NetworkError


def metadata_for(db_path: Path) -> dict:  # type: ignore[type-arg]
    """The metadata file, keyed by the database name Datasette derives from the file name."""
    meta = json.loads(resources.files(__package__).joinpath("data").joinpath("datasette.json")
                      .read_text(encoding="utf-8"))
    meta["databases"] = {db_path.stem: meta["databases"]["dvk"]}
    return meta


def check_port(port: int, host: str = "127.0.0.1") -> None:
    """The port is free on the host (else ``NetworkError``, exit 7), so a busy port is one line
    and a documented exit code rather than uvicorn's traceback and its exit status 3."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError as exc:
            raise NetworkError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                               hint="another server uses it; choose another with --port") from exc


def command(db_path: Path, port: int) -> list[str]:
    """The datasette command line; the metadata is written next to nothing the user owns."""
    from .store import require_db

    require_db(db_path)
    check_port(port)
    meta_file = Path(tempfile.mkdtemp(prefix="dvk-datasette-")) / "metadata.json"
    meta_file.write_text(json.dumps(metadata_for(db_path), ensure_ascii=False), encoding="utf-8")
    exe = shutil.which("datasette") or str(Path(sys.executable).with_name("datasette"))
    return [exe, "serve", str(db_path), "-h", "127.0.0.1", "-p", str(port),
            "--metadata", str(meta_file), "--setting", "default_page_size", "100"]
