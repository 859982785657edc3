"""The national site registry (corpus/sources.toml) and the extractors' site table
(extractors/data/sites.toml) agree; every province has its sites; the registry says it is
unverified; `dvk crawl` without arguments has start URLs."""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict

from extractors.gazetteer import SYSTEM_2008, province_unit, site_of_url, units
from pipeline.sources import load_registry

from .conftest import ROOT

REGISTRY = load_registry()
PROVINCES = [u.name for u in units() if u.level == "province" and u.name != "Huế"]


def test_every_site_is_placed_in_its_province_by_the_extractors_table() -> None:
    for site in REGISTRY.sites:
        assert site.province in PROVINCES, site.id
        for host in site.hosts:
            found = site_of_url(f"https://{host}/")
            assert found is not None and found.province == site.province, (site.id, host, found)


def test_successors_are_the_gazetteers() -> None:
    for site in REGISTRY.sites:
        unit = province_unit(site.province or "", SYSTEM_2008)
        assert unit is not None and site.province_2025 == unit.successor, site.id


def test_every_province_has_a_newspaper_and_a_portal_with_start_urls() -> None:
    assert len(PROVINCES) == 63
    kinds: dict[str, set[str]] = defaultdict(set)
    for site in REGISTRY.sites:
        if site.start_urls:
            kinds[site.province or ""].add(site.kind or ("portal" if ".gov.vn" in site.hosts[0] else "newspaper"))
    for province in PROVINCES:
        assert {"newspaper", "portal"} <= kinds[province], province
    hosts = [h for s in REGISTRY.sites for h in s.hosts]
    assert len(hosts) == len(set(hosts))  # one site per host


def test_the_registry_says_it_is_unverified_and_is_what_the_tool_writes() -> None:
    text = (ROOT / "corpus" / "sources.toml").read_text(encoding="utf-8")
    assert "UNVERIFIED" in text and "UNVERIFIED" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert sum(not s.verified for s in REGISTRY.sites) >= 120
    out = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, 'tools'); import make_registry as m, "
                          "re, tomllib; t = m.REGISTRY.read_text(encoding='utf-8'); "
                          "hand = re.sub(re.escape(m.BEGIN) + r'.*?' + re.escape(m.END) + r'\\n?', '', t, flags=re.S)"
                          ".rstrip() + '\\n'; hosts = {h for s in tomllib.loads(hand)['site'].values() for h in "
                          "s.get('hosts', [])}; print(hand + '\\n' + m.national(hosts) == t)"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True", out.stderr


def test_the_parsed_registry_is_the_files_parse_and_an_edited_file_is_parsed_again(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import tomllib

    from pipeline import sources

    raw = sources.DEFAULT_REGISTRY.read_bytes()
    prebuilt = tmp_path / "registry.marshal"
    prebuilt.write_bytes(sources.parsed_bytes(raw))
    monkeypatch.setattr(sources, "PARSED", prebuilt)
    assert sources._parse(raw) == tomllib.loads(raw.decode())
    edited = raw + b'\n[site.an_edited_registry]\nname = "edited"\n'
    assert sources._parse(edited) == tomllib.loads(edited.decode()) != tomllib.loads(raw.decode())
    prebuilt.write_bytes(b"not a parse")  # a broken file is ignored
    assert sources._parse(raw) == tomllib.loads(raw.decode())
