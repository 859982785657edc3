"""Browsing with Datasette: the database served read-only, in this process, with metadata (table
and column descriptions in Vietnamese and English, facets, full-text search, canned queries) and
dvk's plugin (``datasette_plugin``: the article view, the totals chart, search that accepts any
text). Nothing is written to disk: the metadata and the plugin are handed to Datasette directly."""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import NetworkError, UsageError

DEFAULT_SETTINGS: dict[str, Any] = {"default_page_size": 100}


def metadata_for(db_path: Path) -> dict:  # type: ignore[type-arg]
    """The metadata, keyed by the database name Datasette derives from the file name."""
    meta = json.loads(resources.files(__package__).joinpath("data").joinpath("datasette.json")
                      .read_text(encoding="utf-8"))
    meta["databases"] = {db_path.stem: meta["databases"]["dvk"]}
    return meta


def check_port(port: int, host: str = "127.0.0.1") -> None:
    """The port is free on the host (else ``NetworkError``, exit 7), so a busy port is one line
    and a documented exit code rather than uvicorn's traceback and its exit status 3."""
    import socket

    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except OSError as exc:
        raise UsageError(f"--host {host!r} is not an address of this machine: {exc}") from None
    with socket.socket(family, socket.SOCK_STREAM) as s:
        # as uvicorn will: connections closing (TIME_WAIT) do not hold the port, a listener does
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise NetworkError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                               hint="another server uses it; choose another with --port") from exc


def settings_for(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Datasette settings (``--setting NAME VALUE``, as ``datasette serve`` takes them), each
    value read as its default's type; an unknown name or a bad value is a usage error (exit 2)."""
    from datasette.app import SETTINGS

    known = {s.name: s.default for s in SETTINGS}
    out = dict(DEFAULT_SETTINGS)
    for name, value in pairs:
        if name not in known:
            raise UsageError(f"unknown Datasette setting {name!r}", hint="see `datasette --help-settings`")
        default = known[name]
        try:
            if isinstance(default, bool):
                if value.lower() not in ("1", "0", "on", "off", "true", "false"):
                    raise ValueError(value)
                out[name] = value.lower() in ("1", "on", "true")
            elif isinstance(default, int):
                out[name] = int(value)
            else:
                out[name] = value
        except ValueError:
            raise UsageError(f"Datasette setting {name} needs a {type(default).__name__}, not {value!r}") from None
    return out


def datasette_app(db_path: Path, settings: dict[str, Any] | None = None):  # type: ignore[no-untyped-def]
    """The Datasette instance for this database, dvk's plugin registered."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    from . import datasette_plugin

    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="dvk")
    import os

    # in a read-only folder SQLite cannot make the WAL index: the file is served as immutable
    # (no one can be writing it there); Datasette names the database by its stem either way
    writable = os.access(db_path.absolute().parent, os.W_OK)
    files, immutables = ([str(db_path)], []) if writable else ([], [str(db_path)])
    templates = resources.files(__package__).joinpath("data").joinpath("templates")
    return Datasette(files, immutables=immutables, metadata=metadata_for(db_path),
                     settings=settings or dict(DEFAULT_SETTINGS), template_dir=str(templates))


def serve(db_path: Path, *, host: str = "127.0.0.1", port: int = 8001, settings: dict[str, Any] | None = None,
          open_browser: bool = False) -> None:
    """Serve until interrupted (the database must exist; the port must be free)."""
    import threading
    import webbrowser

    import uvicorn

    from .store import open_db

    open_db(db_path, readonly=True).close()  # a dvk database of this schema, else one line (exit 4)
    check_port(port, host)
    ds = datasette_app(db_path, settings)
    url = f"http://{host}:{port}/{db_path.stem}"
    print(f"dvk: serving {db_path} at {url}", file=sys.stderr, flush=True)
    if open_browser:
        threading.Timer(1.0, webbrowser.open, [url]).start()
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning")


def command(db_path: Path, port: int, host: str = "127.0.0.1") -> list[str]:
    """The command line that serves this database (for tests and scripts), checked first: the
    database exists and the port is free."""
    from .store import open_db

    open_db(db_path, readonly=True).close()
    check_port(port, host)
    return [sys.executable, "-m", "pipeline.cli", "serve", "--db", str(db_path), "--port", str(port), "--host", host]
