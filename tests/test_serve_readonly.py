"""``dvk serve`` on a database in a read-only folder: Datasette gets the file as immutable (SQLite
cannot make the WAL index there) and answers; an older or foreign database is refused first."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from .unprivileged import ROOT, dvk, permissions_bite, preexec


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.skipif(not permissions_bite(), reason="file permissions cannot be enforced here")
def test_serve_reads_a_database_in_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    db = folder / "dvk.db"
    assert dvk("run", str(next((ROOT / "corpus").glob("000_*.txt"))), "--db", str(db)).returncode in (0, 1)
    for extra in folder.glob("dvk.db?*"):
        extra.unlink()
    folder.chmod(0o555)
    port = free_port()
    exe = shutil.which("dvk") or str(Path(__import__("sys").executable).with_name("dvk"))
    proc = subprocess.Popen([exe, "serve", "--db", str(db), "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=preexec())
    try:
        rows = None
        for _ in range(150):
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/dvk/counts.json", params={"_shape": "objects"}, timeout=2)
                rows = r.json()["rows"]
                break
            except (httpx.TransportError, ValueError, KeyError):
                if proc.poll() is not None:
                    break
                time.sleep(0.1)
        assert rows, proc.stderr.read().decode() if proc.poll() is not None else "no answer"
        assert {row["value"] for row in rows}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        folder.chmod(0o755)
    assert sorted(p.name for p in folder.iterdir()) == ["dvk.db"]
