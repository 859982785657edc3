"""Web archives in: WARC records read, prefiltered, cleaned and extracted like crawled pages."""

from __future__ import annotations

import gzip
import json
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from extractors import Meta, extract
from pipeline.documents import from_html
from pipeline.nightly import nightly
from pipeline.run import run
from pipeline.sources import load_registry
from pipeline.warc import might_be_on_topic, scan

from .conftest import CORPUS, ROOT
from .test_run_store import dump
from .warcdata import corpus_pages, make_warc, mixed, other_pages

REALWORLD = ROOT.parent / "shared" / "realworld"
TOPIC = tuple(load_registry().crawler.topic)


def dvk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, cwd=ROOT)


def test_run_reads_the_pages_of_a_warc_and_skips_the_rest(tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc.gz"
    offsets = make_warc(warc, seed=3)
    pages = mixed()
    result = run([warc], tmp_path / "dvk.db")
    corpus = corpus_pages()
    assert [o.status for o in result.outcomes] == ["new"] * len(corpus)
    assert result.skipped["prefilter: no topic phrase"] == len(pages) - len(corpus)
    assert result.skipped["request record"] == len(pages)
    assert result.skipped["warcinfo record"] == 1
    conn = sqlite3.connect(tmp_path / "dvk.db")
    rows = conn.execute("""SELECT d.url, d.path, w.warc_file, w.record_offset, w.target_uri, w.captured_at
                           FROM documents d JOIN warc_records w ON w.document_id = d.id ORDER BY w.record_offset""")
    want = [(uri, off) for (uri, _), off in zip(pages, offsets, strict=True) if (uri, _) in corpus]
    got = list(rows)
    assert [(r[4], r[3]) for r in got] == want
    assert all(r[0] == r[4] and r[1] == r[2] == warc.name for r in got)  # its name, not where it lives
    assert all(r[5].startswith("2024-03-01T") for r in got)
    runs = json.loads(conn.execute("SELECT counts FROM runs").fetchone()[0])
    assert runs["new"] == len(corpus) and runs["skipped"] == sum(result.skipped.values())


def test_warc_pages_are_extracted_like_the_same_pages_fetched(tmp_path: Path) -> None:
    """Each stored document's records are those of its page read with its URL, as the crawler
    reads it; ``published`` is the page's own date, else the capture's day."""
    warc = tmp_path / "a.warc.gz"
    make_warc(warc, corpus_pages())
    db = tmp_path / "dvk.db"
    run([warc], db)
    registry = load_registry()
    conn = sqlite3.connect(db)
    for uri, body in corpus_pages():
        src = from_html(body, "x", url=uri, registry=registry)
        site = registry.find(src.source, uri)
        doc = extract(src.text, Meta(doc="x", url=uri, title=src.title, published=src.published,
                                     source_province=site.province if site else None))
        doc_id, text, published = conn.execute("SELECT id, text, published FROM documents WHERE url = ?",
                                               [uri]).fetchone()
        assert text == src.text
        assert published == (src.published or date(2024, 3, 1)).isoformat()
        stored = sorted(conn.execute("SELECT value, metric, field FROM counts WHERE document_id = ?", [doc_id]))
        if src.published is not None:  # the counts' periods may lean on the date: compare when it is the page's
            assert stored == sorted((c.value, c.metric, c.field) for c in doc.counts)
        assert len(stored) == len(doc.counts)


def test_second_run_changes_nothing_and_plain_warc_and_folders_are_read(tmp_path: Path) -> None:
    folder = tmp_path / "archive" / "2024"
    folder.mkdir(parents=True)
    make_warc(folder / "a.warc", corpus_pages()[:2], gzip=False)
    make_warc(folder / "b.warc.gz", corpus_pages()[2:] + other_pages(3))
    (folder / "notes.md").write_text("not an input", encoding="utf-8")
    db = tmp_path / "dvk.db"
    first = run([tmp_path / "archive"], db)
    assert first.counts()["new"] == len(corpus_pages())
    before = dump(db)
    second = run([tmp_path / "archive"], db)
    assert second.counts()["unchanged"] == len(corpus_pages()) and second.counts()["new"] == 0
    assert dump(db) == before


def test_same_url_twice_is_read_once(tmp_path: Path) -> None:
    page = corpus_pages()[0]
    make_warc(tmp_path / "a.warc.gz", [page, page], extras=False)
    result = run([tmp_path / "a.warc.gz"], tmp_path / "dvk.db")
    assert result.counts()["new"] == 1 and result.skipped["same URL as an earlier record"] == 1


def test_a_file_that_is_no_warc_is_one_failed_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(gzip.compress(b"<html><body>Dan van kheo</body></html>"))
    make_warc(tmp_path / "good.warc.gz", corpus_pages()[:1])
    out = dvk("run", str(bad), str(tmp_path / "good.warc.gz"), "--db", str(tmp_path / "dvk.db"))
    assert out.returncode == 3, out.stderr
    errors = [line for line in out.stderr.splitlines() if line.startswith("dvk: error:")]
    assert len(errors) == 1 and "bad.warc.gz" in errors[0] and "not a WARC file" in errors[0]
    conn = sqlite3.connect(tmp_path / "dvk.db")
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 1


def test_url_option_is_refused_with_a_warc(tmp_path: Path) -> None:
    make_warc(tmp_path / "a.warc.gz", corpus_pages()[:1])
    out = dvk("run", str(tmp_path / "a.warc.gz"), "--url", "https://x.vn/a", "--db", str(tmp_path / "dvk.db"))
    assert out.returncode == 2 and "WARC" in out.stderr and out.stderr.count("\n") <= 2


def test_nightly_reads_warc_inputs(tmp_path: Path) -> None:
    make_warc(tmp_path / "a.warc.gz")
    inputs = [tmp_path / "a.warc.gz", sorted(CORPUS.glob("*.txt"))[0]]
    result = nightly(tmp_path / "dvk.db", load_registry(), inputs=inputs, crawl=False)
    assert Counter(o.status for o in result.files) == {"new": len(corpus_pages()) + 1}
    assert result.counts()["warc_skipped"] > 0


# --- the prefilter ----------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "Phong trào thi đua “Dân vận khéo”", "DÂN VẬN KHÉO", "dân vận khéo", "dan van kheo", "Dân  vận\nkhéo",
    "D&acirc;n v&#7853;n kh&eacute;o", "D&#xC2;N V&#x1EAC;N KH&#xC9;O", "Dân <strong>vận</strong> khéo",
    "/tin-tuc/dan-van-kheo-o-xa.html", "Dân&nbsp;vận khéo", "Dân vận khẻo", "Dân Vận Khéo",
])
def test_prefilter_finds_the_phrase_in_any_spelling(text: str) -> None:
    assert might_be_on_topic(f"<p>Tin {text} mới</p>", TOPIC)


@pytest.mark.parametrize("text", ["Dân vận chính quyền", "khéo léo", "vận động khéo", "Dân vận khoé",
                                  "Dân vận " + "<i>" * 9 + "khéo"])
def test_prefilter_drops_pages_without_it(text: str) -> None:
    assert not might_be_on_topic(f"<p>{text}</p>", TOPIC)


def _wrapped(text: str) -> bytes:
    import html

    paras = "".join(f"<p>{html.escape(p)}</p>\n" for p in text.split("\n") if p.strip())
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{paras}</body></html>".encode()


def test_prefilter_keeps_every_corpus_and_real_world_page(tmp_path: Path) -> None:
    """Recall 1 on the corpus pages, the corpus texts and the real-world articles wrapped in WARC records."""
    pages = corpus_pages()
    pages += [(f"https://t.example.vn/{p.stem}.html", _wrapped(p.read_text(encoding="utf-8")))
              for p in sorted(CORPUS.glob("*.txt"))]
    real = sorted((REALWORLD / "input").glob("*.txt")) if REALWORLD.is_dir() else []
    pages += [(f"https://r.example.vn/{p.stem}.html", _wrapped(p.read_text(encoding="utf-8"))) for p in real]
    make_warc(tmp_path / "all.warc.gz", pages + other_pages(5))
    skipped: Counter[str] = Counter()
    kept = [c.uri for c in scan(tmp_path / "all.warc.gz", skipped, TOPIC)]
    assert kept == [uri for uri, _ in pages]
    assert skipped["prefilter: no topic phrase"] == 5
    if not real:
        pytest.skip(f"corpus only: no real-world set at {REALWORLD}")


def test_heavy_engines_are_not_imported_by_the_cli_or_the_run() -> None:
    code = ("import sys, pipeline.cli, pipeline.run, pipeline.warc, pipeline.export; "
            "print([m for m in ('dask', 'distributed', 'pyarrow', 'fastwarc', 'warcio') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stderr


def test_a_damaged_record_fails_the_file_after_the_records_before_it(tmp_path: Path) -> None:
    warc = tmp_path / "cut.warc.gz"
    offsets = make_warc(warc, corpus_pages()[:3], extras=False)
    data = warc.read_bytes()
    warc.write_bytes(data[:offsets[2] + 40] + b"garbage, not gzip" + data[offsets[2] + 40:])  # the third record
    result = run([warc], tmp_path / "dvk.db")
    assert result.counts()["new"] == 2
    assert len(result.failed) == 1 and "damaged WARC record" in (result.failed[0].error or "")
