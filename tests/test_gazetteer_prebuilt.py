"""The gazetteer's prebuilt form is the parsed CSVs exactly, and a stale or broken one is ignored."""

from __future__ import annotations

import marshal

from extractors import gazetteer


def test_the_prebuilt_form_is_the_parsed_gazetteer() -> None:
    loaded = gazetteer.from_prebuilt(gazetteer.prebuilt_bytes())
    assert loaded is not None
    parsed = gazetteer._parsed()
    assert loaded.as_tuple() == parsed
    assert len(loaded.old) > 10_000 and len(loaded.new) > 3_000
    # index entries are the units themselves, not copies, whichever is asked for first
    fresh = gazetteer.from_prebuilt(gazetteer.prebuilt_bytes())
    assert fresh is not None
    first = fresh.exact[gazetteer.name_key(parsed[0][123].name)]
    assert any(u is fresh.old[123] for u in first)
    some = loaded.old[123]
    assert any(u is some for u in loaded.exact[gazetteer.name_key(some.name)])


def test_what_is_worked_out_beforehand_is_what_the_units_give() -> None:
    for table in (gazetteer.from_prebuilt(gazetteer.prebuilt_bytes()), gazetteer.Table.of(gazetteer._parsed())):
        assert table is not None
        every = table.old + table.new
        assert table.max_words == max(len(u.name.split()) for u in every)
        assert table.provinces() == tuple(u for u in every if u.level == "province")
        expected: dict[str | None, list[tuple[int, gazetteer.Unit]]] = {}
        for i, u in enumerate(table.old):
            if u.level == "commune":
                expected.setdefault(u.district_code, []).append((i, u))
        assert len(expected) > 500
        assert all(table.communes_of(d) == tuple(v) for d, v in expected.items())
        assert table.communes_of("no such district") == ()
        key = gazetteer.name_key(table.old[5].name)
        assert key in table.exact and table.exact.get(key) == table.exact[key]
        assert table.exact.get("no such name") is None and "no such name" not in table.exact


def test_the_slug_tables_are_what_going_through_the_units_gives() -> None:
    """The tables that place a URL (worked out by ``make``) equal the plain walk through every unit
    they replace, in the gazetteer's order; a table nobody built is empty."""
    slug = gazetteer.slug
    for table in (gazetteer.from_prebuilt(gazetteer.prebuilt_bytes()), gazetteer.Table.of(gazetteer._parsed())):
        assert table is not None
        old_provinces = [u.name for u in table.provinces() if u.system == gazetteer.SYSTEM_2008]
        new_provinces = [u.name for u in table.provinces() if u.system != gazetteer.SYSTEM_2008]
        assert len(old_provinces) >= 63 and len(new_provinces) == 34  # Huế a city from 2025 too
        for province in old_provinces:
            walk: dict[str, list[gazetteer.Unit]] = {}
            for u in table.old:
                if u.province == province and u.level != "province":
                    walk.setdefault(slug(u.name), []).append(u)
                    walk.setdefault(slug(u.kind + u.name), []).append(u)
            assert table.by_slug(f"2008:{province}") == {k: tuple(v) for k, v in walk.items()}
        for province in new_provinces:
            walk = {}
            for u in table.new:
                if u.province == province and u.level == "commune":
                    walk.setdefault(slug(u.name), []).append(u)
                    walk.setdefault(slug(u.kind + u.name), []).append(u)
            assert walk and table.by_slug(f"2025:{province}") == {k: tuple(v) for k, v in walk.items()}
        seen: dict[str, list[gazetteer.Unit]] = {}
        for u in table.old:
            if u.level == "district":
                seen.setdefault(slug(u.name), []).append(u)
        unique = {s: (us[0],) for s, us in seen.items() if len({(u.province, u.name) for u in us}) == 1}
        assert 500 < len(unique) < len(seen) and table.by_slug("districts") == unique
        assert table.by_slug("2008:no such province") == {}


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


def test_the_units_made_share_their_strings() -> None:
    table = gazetteer.from_prebuilt(gazetteer.prebuilt_bytes())
    assert table is not None
    same_province = [u for u in table.old[:2000] if u.province == table.old[0].province]
    assert len(same_province) > 10
    assert all(u.province is same_province[0].province for u in same_province)  # one string, not one a unit


def test_unit_names_have_single_spaces() -> None:
    """The GSO list writes a few names with stray spaces (" Đắk Lao", "Đại Ân  2"): output names
    are single-spaced, and each such unit is one unit, not two."""
    for u in (*gazetteer.units(), *gazetteer.units_2025()):
        assert u.name == " ".join(u.name.split()), repr(u.name)
    assert sum(1 for u in gazetteer.units() if u.name == "Đắk Lao" and u.level == "commune") == 1
