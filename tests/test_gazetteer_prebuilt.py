"""The gazetteer's prebuilt form is the parsed CSVs exactly, and a stale or broken one is ignored."""

from __future__ import annotations

import marshal

from extractors import gazetteer


def test_the_prebuilt_form_is_the_parsed_gazetteer() -> None:
    loaded = gazetteer.from_prebuilt(gazetteer.prebuilt_bytes())
    assert loaded is not None
    parsed = gazetteer._parsed()
    assert loaded == parsed
    assert len(loaded[0]) > 10_000 and len(loaded[1]) > 3_000
    # index entries are the units themselves, not copies
    exact = loaded[2]
    some = loaded[0][123]
    assert any(u is some for u in exact[gazetteer.name_key(some.name)])


def test_a_stale_or_broken_prebuilt_form_is_ignored() -> None:
    digest, *rest = marshal.loads(gazetteer.prebuilt_bytes())
    assert gazetteer.from_prebuilt(marshal.dumps(("0" * 64, *rest))) is None
    assert gazetteer.from_prebuilt(b"not a gazetteer") is None
    assert gazetteer.from_prebuilt(marshal.dumps((digest,))) is None


def test_the_stamp_follows_the_sources(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    before = gazetteer._digest()
    import sys
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert gazetteer._digest() != before
