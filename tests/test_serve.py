"""A real Datasette on loopback, queried through its JSON API."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pipeline.check import run_checks
from pipeline.run import run
from pipeline.serve import command
from pipeline.store import open_db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = Path(tmp_path_factory.mktemp("serve")) / "dvk.db"
    run(None, db)
    run_checks(open_db(db))
    port = free_port()
    proc = subprocess.Popen(command(db, port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(base + "/-/versions.json", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base + "/dvk"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_counts_with_facets(server: str) -> None:
    r = httpx.get(server + "/counts.json", params={"_facet": "province", "_shape": "objects"})
    data = r.json()
    assert r.status_code == 200 and len(data["rows"]) == 36
    provinces = {f["value"] for f in data["facet_results"]["province"]["results"]}
    assert {"Hòa Bình", "Hà Tĩnh", "Kiên Giang", "Hà Nam"} <= provinces


def test_full_text_search_without_accents(server: str) -> None:
    r = httpx.get(server + "/documents.json", params={"_search": "Thach Ha", "_shape": "objects"})
    assert [row["id"] for row in r.json()["rows"]] == ["002_f50d93ef42a2abc5"]


def test_canned_query_breakdown(server: str) -> None:
    r = httpx.get(server + "/breakdown_of_one_article.json",
                  params={"document": "000_5a2ac0b887a9d7ed", "_shape": "objects"})
    rows = r.json()["rows"]
    assert sum(row["value"] for row in rows) == 179 and {row["total"] for row in rows} == {179}


def test_read_only(server: str) -> None:
    r = httpx.get(server + ".json", params={"sql": "DELETE FROM counts"})
    assert r.status_code == 400
    assert httpx.get(server + "/counts.json", params={"_shape": "objects"}).json()["rows"]
