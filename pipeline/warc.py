"""Web archives in: HTML response records of ``.warc`` / ``.warc.gz`` files as work items.

The process that writes the database reads each WARC file once, in order, headers only
(FastWARC: measured 3–5× faster than warcio on gzipped files and 10–20× on uncompressed ones on
this project's machine, ``make bench-warc``): every HTTP response of an HTML page with status
200 becomes a work item that carries where its record is (file and offset), not its bytes, so
tasks sent to other machines stay small. Every other record is skipped and counted by reason.

The worker that gets the item reads that one record (one gzip member), decodes it like a
crawled page and applies a cheap prefilter before any cleaning: the topic phrase in any of its
spellings (any case, with or without diacritics or with another tone, letters as HTML
entities, words split by spaces, a hyphen or a tag) somewhere in the decoded page. Only
candidates are cleaned and extracted; the others come back as skipped.

Provenance of every document made from a record: the ``warc_records`` table (document id, WARC
file, record offset, target URI, capture date and record id); the capture date gives
``published`` when the page shows none.
"""

from __future__ import annotations

import html.entities
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import UnreadableInput

WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


def warc_files(paths: Iterable[Path]) -> list[Path]:
    """The WARC files among the inputs; folders give theirs in name order (at any depth)."""
    out: list[Path] = []
    for p in paths:
        if str(p) != "-" and p.is_dir():
            # by name first: a ``Path`` is made only for a WARC file (``rglob("*")`` made one for
            # every file under the folder, ≈ 50 MB at the peak for 100,000 articles)
            out += sorted(q for folder, _, names in os.walk(p) for n in names
                          if n.lower().endswith(WARC_SUFFIXES) and (q := Path(folder) / n).is_file())
        elif is_warc(p):
            out.append(p)
    return out


@dataclass(frozen=True)
class Capture:
    """Where a document came from in a web archive."""

    warc: str  # the WARC file (resolved path)
    offset: int  # byte offset of its record in the file
    uri: str  # WARC-Target-URI
    captured: datetime  # WARC-Date
    record_id: str | None = None


@dataclass
class Record:
    """An HTML response read from a WARC file: its body and what the headers say."""

    capture: Capture
    body: bytes
    charset: str | None


# --- the prefilter ----------------------------------------------------------------------------------
#: what may stand between two words of a phrase: white space, a hyphen or underscore (URL slugs),
#: a no-break space, or a tag ("Dân vận <b>khéo</b>"); at most 8 of them, so a match is bounded
_SEP_MAX, _TAG_MAX = 8, 300
_SEPARATOR = rf"(?:[\s\-_+]|&nbsp;|&#160;|&#xa0;|%20|<[^<>]{{0,{_TAG_MAX}}}>){{1,{_SEP_MAX}}}"
#: the marks of Vietnamese letters: grave, acute, tilde, hook above, dot below, circumflex, breve, horn
_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")


@lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    """The letters of Vietnamese by base letter, lower case: a → a á à ả ã ạ ă ắ … â ấ … ậ."""
    out: dict[str, str] = {}
    for cp in (*range(0x61, 0x7B), *range(0xE0, 0x1B1), *range(0x1EA0, 0x1EFA)):
        parts = unicodedata.normalize("NFD", chr(cp))
        if parts[0].isascii() and parts[0].isalpha() and set(parts[1:]) <= _MARKS and chr(cp).islower():
            out[parts[0]] = out.get(parts[0], "") + chr(cp)
    return out


def _letter(ch: str) -> str:
    """One letter of a phrase: any of its Vietnamese diacritic forms, or none, written as a
    character or an HTML entity (the patterns ignore case)."""
    base = unicodedata.normalize("NFD", ch.lower())[0]
    forms = _variants().get(base, ch.lower())
    if len(forms) == 1:
        return re.escape(forms)
    entities = set()
    for f in forms:
        if not f.isascii():
            for g in {f, f.upper()}:
                entities |= {f"&#{ord(g)};", f"&#x{ord(g):x};"}
                if name := html.entities.codepoint2name.get(ord(g)):
                    entities.add(f"&{name};")
    return f"(?:[{forms}]" + "".join("|" + re.escape(e) for e in sorted(entities)) + ")"


@dataclass(frozen=True)
class _Phrase:
    anchor: re.Pattern[str]  # its last word: rare, and quick to look for (a literal start)
    full: re.Pattern[str]
    reach: int  # how far before the last word a match can start


@lru_cache(maxsize=8)
def _phrases(phrases: tuple[str, ...]) -> tuple[_Phrase, ...]:
    out = []
    for phrase in phrases:
        words = ["".join(_letter(c) for c in w) for w in phrase.split()]
        reach = (len(words) - 1) * _SEP_MAX * (_TAG_MAX + 2) + 16 * len(phrase)
        out.append(_Phrase(re.compile(words[-1], re.I), re.compile(_SEPARATOR.join(words), re.I), reach))
    return tuple(out)


def might_be_on_topic(page: str, phrases: tuple[str, ...]) -> bool:
    """Whether a decoded page can be about the topic: one of the phrases in any spelling (any
    case, with or without diacritics or with other tones, letters as HTML entities, words split
    by spaces, hyphens or a tag) anywhere in it, text, title or links. Its last word is looked
    for first, then the whole phrase just before it."""
    for p in _phrases(phrases):
        for m in p.anchor.finditer(page):
            if p.full.search(page, max(0, m.start() - p.reach), m.end()):
                return True
    return False


# --- reading ----------------------------------------------------------------------------------------
def _records(fh: Any) -> Any:
    from fastwarc.warc import ArchiveIterator

    return ArchiveIterator(fh, auto_decode="all")


def _skip_reason(rec: Any) -> str | None:
    """Why a record is not an HTML page to read (None when it is one)."""
    from fastwarc.warc import WarcRecordType

    if rec.record_type != WarcRecordType.response:
        return f"{rec.record_type} record"
    if not rec.is_http:
        return "response without HTTP headers"
    status = rec.http_headers.status_code
    if status != 200:
        return f"HTTP {status}"
    ctype = (rec.http_content_type or "").split(";")[0].strip().lower()
    if ctype not in HTML_TYPES:
        return "not HTML"
    if not rec.headers.get("WARC-Target-URI"):
        return "no target URI"
    return None


def _capture(path: str, rec: Any) -> Capture:
    return Capture(warc=path, offset=rec.stream_pos, uri=rec.headers.get("WARC-Target-URI").strip("<> "),
                   captured=rec.record_date, record_id=rec.record_id)


def prefilter(body: bytes, charset: str | None, phrases: tuple[str, ...], *, path: str) -> tuple[str | None, str]:
    """The decoded page when it can be about the topic, else None and why not."""
    from .clean import decode_html
    from .errors import DvkError

    try:
        page = decode_html(body, charset, path=path)
    except DvkError:
        return None, "cannot decode"
    if not might_be_on_topic(page, phrases):
        return None, "prefilter: no topic phrase"
    return page, ""


def scan(path: Path, skipped: Counter[str], phrases: tuple[str, ...] | None = None) -> Iterator[Capture]:
    """The HTML pages (HTTP 200 responses) of one WARC file, in file order, read from the
    headers only; with ``phrases``, only those that pass the prefilter (their bodies read and
    decoded here). ``skipped`` counts the other records by reason. A file that is not a WARC
    file is refused with ``UnreadableInput``, and so is a damaged record (after the records
    before it)."""
    resolved = str(path.resolve())
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise UnreadableInput(f"cannot read: {exc.strerror or exc}", path=str(path)) from exc
    seen, last = 0, 0
    with fh:
        records = iter(_records(fh))
        while True:
            try:
                rec = next(records)
            except StopIteration:
                break
            except OSError as exc:  # FastWARC: "Invalid WARC header" and the like
                if seen == 0:
                    raise UnreadableInput(f"not a WARC file ({exc})", path=str(path), hint=_WARC_HINT) from exc
                raise UnreadableInput(f"damaged WARC record after offset {last} ({exc}); the {seen} records "
                                      "before it were read", path=str(path)) from exc
            seen, last = seen + 1, rec.stream_pos
            reason = _skip_reason(rec)
            if reason is not None:
                skipped[reason] += 1
                continue
            if phrases is not None:
                page, why = prefilter(rec.reader.read(), rec.http_charset, phrases, path=str(path))
                if page is None:
                    skipped[why] += 1
                    continue
            yield _capture(resolved, rec)
    if seen == 0 and path.stat().st_size > 0:
        raise UnreadableInput("not a WARC file (no record could be read)", path=str(path), hint=_WARC_HINT)


_WARC_HINT = "give .warc or .warc.gz files as Common Crawl or wget --warc-file write them"


def read_record(capture: Capture) -> Record:
    """The record at ``capture.offset`` of its WARC file, read again (by a worker)."""
    try:
        with open(capture.warc, "rb") as fh:
            fh.seek(capture.offset)
            rec = next(iter(_records(fh)), None)
            if rec is None or rec.stream_pos != capture.offset:
                raise UnreadableInput(f"no WARC record at offset {capture.offset}", path=capture.warc)
            return Record(capture, rec.reader.read(), rec.http_charset)
    except OSError as exc:
        raise UnreadableInput(f"cannot read: {exc.strerror or exc}", path=capture.warc) from exc


# --- provenance -------------------------------------------------------------------------------------
def ensure_schema(db: Any) -> None:
    if "warc_records" not in db.table_names():
        db.table("warc_records").create({
            "document_id": str, "warc_file": str, "record_offset": int, "target_uri": str,
            "captured_at": str, "record_id": str,
        }, pk="document_id", foreign_keys=[("document_id", "documents", "id")])


def write_capture(db: Any, doc_id: str, capture: Capture) -> None:
    """The document's provenance, inside the caller's transaction (replacing an earlier one): the
    WARC file's name (not where it lives here), the record's offset, URI, date and id."""
    from .store import public_source

    db.table("warc_records").upsert({
        "document_id": doc_id, "warc_file": public_source(capture.warc), "record_offset": capture.offset,
        "target_uri": capture.uri, "captured_at": capture.captured.isoformat(),
        "record_id": capture.record_id}, pk="document_id")


def capture_day(capture: Capture) -> date:
    return capture.captured.date()


# --- work items -------------------------------------------------------------------------------------
def warc_items(db: Any, paths: Iterable[Path], registry: Any, skipped: Counter[str], *,
               force: bool = False) -> Iterator[Any]:
    """One work item (``pipeline.run.Item``) per candidate page of the WARC files among the
    inputs, in input order. Its identity is the crawler's: the canonical target URI is the
    source key and, for a new document, the site (or host) and a hash of the URL its id; a URL
    already seen in this run is skipped (its first capture is read)."""
    from .scratch import Scratch, ScratchMap

    tracking = registry.crawler.tracking_params
    ensure_schema(db)
    scratch = Scratch()  # on disk, not in memory: they hold every record of the run
    try:
        yield from _warc_items(db, paths, registry, skipped, force, tracking, ScratchMap(scratch),
                               ScratchMap(scratch))
    finally:
        scratch.close()


def _warc_items(db: Any, paths: Iterable[Path], registry: Any, skipped: Counter[str], force: bool,
                tracking: tuple[str, ...], taken: Any, keys: Any) -> Iterator[Any]:
    """``warc_items`` with ``taken`` (id -> source key, assigned in this run) and ``keys`` (the
    source keys seen) given."""
    from .crawl import doc_id_for
    from .run import Item, _free_id
    from .store import stored_by_key
    from .urls import canonical

    for path in warc_files(paths):
        captures = scan(path, skipped)
        while True:
            try:
                capture = next(captures)
            except StopIteration:
                break
            except UnreadableInput as exc:
                yield Item(key=str(path), doc=path.name, error=str(exc))
                break
            try:
                key = canonical(capture.uri, tracking)
            except ValueError:
                skipped["target URI not a web address"] += 1
                continue
            if key in keys:
                skipped["same URL as an earlier record"] += 1
                continue
            keys[key] = ""
            row = stored_by_key(db, key)
            doc_id = row[0] if row else _free_id(db, doc_id_for(key, registry.for_url(key)), key, taken)
            taken[doc_id] = key
            yield Item(key=f"{path}@{capture.offset}", doc=doc_id, state=(row[1], row[2]) if row else None,
                       force=force, url=key, source_key=key, capture=capture)
