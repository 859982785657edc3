"""The gazetteer: administrative units of both systems (SPEC §1.1), and the national site registry.

- **2008 system** (63 provinces, with districts, until 30 June 2025): ``data/admin_units.csv``, the
  project's copy of ``shared/data/admin_units_2021_2025.csv`` (GSO codes, MIT licence in
  ``data/LICENSE-admin-units.txt``). It is a superset of vietnamadminunits' ``admin_units_legacy``
  snapshot for the years the articles cover: it also lists the units merged away between 2021 and
  2025, which articles of those years still name.
- **2025 system** (34 provinces, communes directly under provinces): ``data/admin_units_2025.csv``,
  generated from the PyPI package vietnamadminunits 1.0.4 (``admin_units`` table and its old→new
  province mapping) by ``tools/make_admin_units_2025.py``, MIT licence in
  ``data/LICENSE-vietnamadminunits.txt``. A generated copy, not a runtime dependency: the
  extractors read only their own data files, so their output cannot change with a release of a
  third-party package, and they need none of its dependencies (shapely, geopy); the script says more.
- **Sites** (``data/sites.toml``): the domains of provincial newspapers, radio-TV stations and
  portals, and the host patterns of government portals (``<unit>.<province>.gov.vn``), mapped to
  provinces, so that an article's URL alone can place it (:func:`site_of_url`).

Names are matched space-, hyphen- and tone-placement-insensitively (SPEC §4: "Đăk Glong" is
"Đắk Glong", "Hoà" is "Hòa"); a name with no exact match falls back to a key without tone marks.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib import resources
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

import regex

from .lexicon import lexicon, load_toml
from .text import fold, key, modern_tones, nfc

SYSTEM_2008 = "2008"
SYSTEM_2025 = "2025"
REFORM_DATE = "2025-07-01"  # the 2025 system is in force from this date


class Unit(NamedTuple):
    """One administrative unit. A named tuple, not a dataclass: some 15,000 are made at the
    start of every process, and a tuple is made in one step (and is a third of the size)."""

    code: str | None
    name: str
    kind: str
    level: str
    province: str
    province_code: str | None
    district: str | None
    district_code: str | None
    first_seen: str
    last_seen: str
    system: str = SYSTEM_2008
    successor: str | None = None  # 2008 units: the 2025 province that covers them
    successor_code: str | None = None


def _strip_type(full: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh ", "Huyện ", "Quận ", "Thị xã "):
        if full.startswith(prefix):
            return full[len(prefix):]
    return full


def _read_csv(name: str) -> list[dict[str, str]]:
    raw = resources.files(__package__).joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(raw)))


def _kinds() -> dict[str, tuple[str, str]]:
    return {k: (word, level) for k, word, level in lexicon()["units"]["kinds"]}


@cache
def _successors() -> dict[str, tuple[str, str]]:
    """2008-system province code -> (2025 province name, code)."""
    out: dict[str, tuple[str, str]] = {}
    for row in _read_csv("admin_units_2025.csv"):
        if row["level"] == "province":
            for old in row["predecessors"].split(";"):
                out[old] = (modern_tones(nfc(row["name"])), row["code"])
    return out


def _parse_units() -> tuple[Unit, ...]:
    """The 2008-system units, read from their CSV."""
    kinds = _kinds()
    succ = _successors()
    out: list[Unit] = []
    seen: set[tuple[str, str, str]] = set()
    for row in _read_csv("admin_units.csv"):
        word, level = kinds[row["kind"]]
        name = " ".join(modern_tones(nfc(row["name"])).split())  # the list's " Đắk Lao", "Đại Ân  2"
        ident = (level, row["code"], name)
        if ident in seen:
            continue
        seen.add(ident)
        district = row["district"] or None
        s_name, s_code = succ.get(row["province_code"], (None, None))
        out.append(
            Unit(
                code=row["code"],
                name=name,
                kind=word,
                level=level,
                province=modern_tones(nfc(_strip_type(row["province"]))),
                province_code=row["province_code"],
                district=modern_tones(nfc(_strip_type(district))) if district else None,
                district_code=row["district_code"] or None,
                first_seen=row["first_seen"],
                last_seen=row["last_seen"],
                system=SYSTEM_2008,
                successor=s_name,
                successor_code=s_code,
            )
        )
    return tuple(out)


def _parse_units_2025() -> tuple[Unit, ...]:
    """The 2025-system units, read from their CSV."""
    kinds = _kinds()
    out: list[Unit] = []
    for row in _read_csv("admin_units_2025.csv"):
        word, level = kinds[row["kind"]]
        out.append(
            Unit(
                code=row["code"],
                name=modern_tones(nfc(row["name"])),
                kind=word,
                level=level,
                province=modern_tones(nfc(_strip_type(row["province"]))),
                province_code=row["province_code"],
                district=None,
                district_code=None,
                first_seen=REFORM_DATE,
                last_seen="9999-12-31",
                system=SYSTEM_2025,
            )
        )
    return tuple(out)


_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


_KEY_GAPS = regex.compile(r"[\s\-'’‘`]+")


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """A unit name's matching key: folded, without spaces, hyphens or apostrophes."""
    return _KEY_GAPS.sub("", key(name))


@lru_cache(maxsize=65536)  # names of the text are looked up: bounded
def toneless(text: str) -> str:
    """``text`` without tone marks (vowel shapes ă â ê ô ơ ư and đ kept): "đắk" → "đăk"."""
    d = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in d if ch not in _TONE_MARKS))


@lru_cache(maxsize=65536)
def unmarked(text: str) -> str:
    """``text`` with no marks at all (the vowel shapes too; đ stays): "mùcăngchải" → "mucangchai"."""
    d = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in d if not unicodedata.combining(ch))


@cache
def _by_unmarked() -> dict[str, tuple[int, ...]]:
    """Unit numbers by the unmarked key of their name, made from the toneless index (no unit made)."""
    out: dict[str, list[int]] = {}
    for k, ids in _gazetteer().loose.numbers():
        out.setdefault(unmarked(k), []).extend(ids)
    return {k: tuple(sorted(set(v))) for k, v in out.items()}


#: an unmarked key is tried only for names of at least this many syllables (short ones collide)
UNMARKED_MIN_SYLLABLES = 3


def _index(us: tuple[Unit, ...], loose: bool) -> dict[str, tuple[Unit, ...]]:
    index: dict[str, list[Unit]] = {}
    for u in us:
        k = name_key(u.name)
        index.setdefault(toneless(k) if loose else k, []).append(u)
    return {k: tuple(v) for k, v in index.items()}


def _by_key(loose: bool) -> Mapping[str, tuple[Unit, ...]]:
    g = _gazetteer()
    return g.loose if loose else g.exact


# --- the prebuilt form ---------------------------------------------------------------------------
# Parsing the two CSVs and keying every name costs most of a short command's start-up, so
# ``make`` writes the parsed units and both name indexes to ``data/gazetteer.marshal`` (not in
# git; ``tools/build_gazetteer.py``), stamped with a digest of everything they are made from:
# the CSVs, the lexicon and the code of this module and of the text layer. A file whose stamp
# does not match (an edited CSV or rule, a new Python) is ignored and the CSVs are parsed as
# before, so the prebuilt form can make a start faster but never change a result.
PREBUILT = "gazetteer.marshal"

Gazetteer = tuple[tuple[Unit, ...], tuple[Unit, ...], dict[str, tuple[Unit, ...]], dict[str, tuple[Unit, ...]]]


class Table:
    """The gazetteer as the extractors use it: the units of both systems (2008 first), each made
    from its prebuilt row the first time it is asked for (one article needs a few hundred of the
    15,000: decoding and making them all was most of a short command's gazetteer cost), the two
    name indexes as unit numbers, and what the extractors ask of every unit (the longest name,
    the provinces, the communes of each district) worked out beforehand. A unit asked for twice
    is the same object, and the units made share their strings (as the prebuilt form does: all
    units made, 8.5 MB against 10.5 before, 21 without sharing)."""

    def __init__(self, rows: tuple[bytes, ...], n_old: int, exact: dict[str, tuple[int, ...]],
                 loose: dict[str, tuple[int, ...]], derived: Derived, made: list[Unit | None] | None = None) -> None:
        self.n, self.n_old = len(rows), n_old
        self._rows: list[bytes | None] = list(rows)  # each row: the marshal of a unit's fields, until made
        self._made: list[Unit | None] = made if made is not None else [None] * len(rows)
        self._strings: dict[str, str] = {}  # each distinct string of the units made kept once
        self.exact, self.loose = _Index(exact, self), _Index(loose, self)
        self.max_words, self._provinces, self._communes, self._slugs = derived

    def unit(self, i: int) -> Unit:
        u = self._made[i]
        if u is None:
            import marshal

            share = self._strings.setdefault
            fields = marshal.loads(self._rows[i])  # type: ignore[arg-type]
            u = self._made[i] = Unit._make([share(v, v) if type(v) is str else v for v in fields])
            self._rows[i] = None
        return u

    @cached_property
    def old(self) -> tuple[Unit, ...]:
        return tuple(map(self.unit, range(self.n_old)))

    @cached_property
    def new(self) -> tuple[Unit, ...]:
        return tuple(map(self.unit, range(self.n_old, self.n)))

    def provinces(self) -> tuple[Unit, ...]:
        return tuple(map(self.unit, self._provinces))

    def communes_of(self, district_code: str | None) -> tuple[tuple[int, Unit], ...]:
        return tuple((i, self.unit(i)) for i in self._communes.get(district_code, ()))

    def by_slug(self, table: str) -> dict[str, tuple[Unit, ...]]:
        """One of the slug tables of :func:`_slug_tables`, decoded and its units made."""
        import marshal

        raw = self._slugs.get(table)
        ids: dict[str, tuple[int, ...]] = marshal.loads(raw) if raw is not None else {}
        return {k: tuple(map(self.unit, v)) for k, v in ids.items()}

    def as_tuple(self) -> Gazetteer:
        return self.old, self.new, dict(self.exact.items()), dict(self.loose.items())

    @classmethod
    def of(cls, parsed: Gazetteer) -> Table:
        """The table of the parsed CSVs (no prebuilt form): every unit made already."""
        import marshal

        old, new, exact, loose = parsed
        every = old + new
        ids = _ids(every)
        return cls(tuple(marshal.dumps(tuple(u)) for u in every), len(old), ids(exact), ids(loose),
                   _derived(old, every), list(every))


#: the longest name in words; the provinces' unit numbers; each district code's communes' numbers;
#: the slug tables that place a URL (:func:`_slug_tables`), each a marshal of its own
SlugTables = dict[str, bytes]
Derived = tuple[int, tuple[int, ...], dict[str | None, tuple[int, ...]], SlugTables]


def _derived(old: tuple[Unit, ...], every: tuple[Unit, ...]) -> Derived:
    communes: dict[str | None, list[int]] = {}
    for i, u in enumerate(old):
        if u.level == "commune":
            communes.setdefault(u.district_code, []).append(i)
    return (max(len(u.name.split()) for u in every), tuple(i for i, u in enumerate(every) if u.level == "province"),
            {k: tuple(v) for k, v in communes.items()}, _slug_tables(old, every))


def _slug_tables(old: tuple[Unit, ...], every: tuple[Unit, ...]) -> SlugTables:
    """What a URL's host and path are looked up in, as unit numbers in the gazetteer's order:
    ``"2008:<province>"`` its districts and communes, ``"2025:<province>"`` the communes of a
    2025-system province, each by slug with and without the type word; ``"districts"`` the
    district slugs that name one district in the country. Worked out once (``make``) rather than
    by going through all 15,000 units in the first article with a URL of every process; each
    table kept as a marshal of its own, so that a process decodes only the ones its URLs need."""
    import marshal

    tables: dict[str, dict[str, list[int]]] = {}
    districts: dict[str, list[int]] = {}
    for i, u in enumerate(every):
        if i < len(old) and u.level == "district":
            districts.setdefault(slug(u.name), []).append(i)
        if i < len(old) and u.level != "province":
            t = tables.setdefault(f"2008:{u.province}", {})
        elif i >= len(old) and u.level == "commune":
            t = tables.setdefault(f"2025:{u.province}", {})
        else:
            continue
        t.setdefault(slug(u.name), []).append(i)
        t.setdefault(slug(u.kind + u.name), []).append(i)
    out = {name: marshal.dumps({k: tuple(v) for k, v in t.items()}) for name, t in tables.items()}
    out["districts"] = marshal.dumps({s: (ids[0],) for s, ids in districts.items()
                                      if len({(every[i].province, every[i].name) for i in ids}) == 1})
    return out


def _ids(every: tuple[Unit, ...]) -> Callable[[dict[str, tuple[Unit, ...]]], dict[str, tuple[int, ...]]]:
    at = {id(u): i for i, u in enumerate(every)}
    return lambda index: {k: tuple(at[id(u)] for u in us) for k, us in index.items()}


class _Index(Mapping[str, tuple[Unit, ...]]):
    """Units by name key, made from the table's numbers when first looked up."""

    def __init__(self, ids: dict[str, tuple[int, ...]], table: Table) -> None:
        self._ids, self._table = ids, table
        self._done: dict[str, tuple[Unit, ...]] = {}

    def __getitem__(self, k: str) -> tuple[Unit, ...]:
        found = self._done.get(k)
        if found is None:
            found = self._done[k] = tuple(map(self._table.unit, self._ids[k]))
        return found

    def get(self, k: str, default: Any = None) -> Any:
        found = self._done.get(k)
        if found is None:
            if k not in self._ids:
                return default
            found = self._done[k] = tuple(map(self._table.unit, self._ids[k]))
        return found

    def __contains__(self, k: object) -> bool:
        return k in self._ids

    def numbers(self) -> Iterator[tuple[str, tuple[int, ...]]]:
        """Each key with its units' numbers in the table (no unit made)."""
        return iter(self._ids.items())

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def _digest() -> str:
    import hashlib
    import sys

    from . import text

    h = hashlib.sha256(sys.version.encode())
    data = resources.files(__package__).joinpath("data")
    for name in ("admin_units.csv", "admin_units_2025.csv", "lexicon.toml"):
        h.update(data.joinpath(name).read_bytes())
    for module in (text.__file__, __file__):
        with open(module, "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()


def _parsed() -> Gazetteer:
    old, new = _parse_units(), _parse_units_2025()
    return old, new, _index(old + new, False), _index(old + new, True)


def prebuilt_bytes() -> bytes:
    """The prebuilt form of the parsed gazetteer (``tools/build_gazetteer.py`` writes it): each
    unit's fields as a marshal of their own (decoded when the unit is first asked for), the name
    indexes as unit numbers, and the derived tables (:class:`Table`)."""
    import marshal

    old, new, exact, loose = _parsed()
    every = old + new
    ids = _ids(every)
    rows = tuple(marshal.dumps(tuple(u)) for u in every)
    return marshal.dumps((_digest(), len(old), rows, ids(exact), ids(loose), _derived(old, every)))


def _load_prebuilt() -> Table | None:
    try:
        raw = resources.files(__package__).joinpath("data").joinpath(PREBUILT).read_bytes()
    except OSError:
        return None
    return from_prebuilt(raw)


def from_prebuilt(raw: bytes) -> Table | None:
    """The gazetteer in ``raw`` (``prebuilt_bytes``), or None when its stamp is not the sources'."""
    import marshal

    try:
        digest, n_old, rows, exact, loose, derived = marshal.loads(raw)
    except (ValueError, EOFError, TypeError):
        return None
    if digest != _digest():
        return None
    return Table(rows, n_old, exact, loose, derived)


@cache
def _gazetteer() -> Table:
    return _load_prebuilt() or Table.of(_parsed())


def units() -> tuple[Unit, ...]:
    """The 2008-system units (2021–2025 list)."""
    return _gazetteer().old


def units_2025() -> tuple[Unit, ...]:
    """The 2025-system units: 34 provinces and their communes, wards and special zones."""
    return _gazetteer().new


def by_name() -> Mapping[str, tuple[Unit, ...]]:
    """Units of both systems by the matching key of their name."""
    return _by_key(False)


@cache
def _aliases() -> dict[str, str]:
    return {name_key(a): n for a, n in lexicon()["units"].get("aliases", {}).items()}


@cache
def _shape_variant_syllables() -> frozenset[str]:
    return frozenset(unmarked(key(w)) for w in lexicon()["units"].get("shape_variant_syllables", []))


def _shape_varies(name: str) -> bool:
    """A short name holds a syllable whose vowel's shape the press writes in more than one way ("Đak
    Đoa", "Đăk Đoa", "Đắk Đoa"): the mark-less match is tried for it too (lexicon
    ``units.shape_variant_syllables``)."""
    variants = _shape_variant_syllables()
    return any(unmarked(key(w)) in variants for w in name.split())


def lookup(name: str, kinds: tuple[str, ...] | None = None, system: str | None = None) -> tuple[Unit, ...]:
    """Units named ``name`` (of these kinds, in this system); exact key first, then toneless."""
    def keep(us: tuple[Unit, ...]) -> tuple[Unit, ...]:
        return tuple(u for u in us if (kinds is None or u.kind in kinds) and (system is None or u.system == system))

    k = name_key(name)
    k = name_key(_aliases().get(k, name))
    found = keep(_by_key(False).get(k, ()))
    if found:
        systems = {u.system for u in found}
        if len(systems) > 1:
            return found
        codes = {u.code for u in found}  # (the same unit: "Tấn Mỹ" is no "Tân Mỹ" of the other system)
        # the other system may spell the name otherwise ("Đăk Ơ" of 2025, "Đak Ơ" of 2008): its units
        # of the looser forms come after the exact ones
        other = tuple(u for u in keep(_by_key(True).get(toneless(k), ()))
                      if u.system not in systems and u.code in codes)
        if not other and _shape_varies(name):
            other = tuple(u for u in keep(tuple(map(_gazetteer().unit, _by_unmarked().get(unmarked(k), ()))))
                          if u.system not in systems and u.code in codes)
        return found + other if other else found
    loose = keep(_by_key(True).get(toneless(k), ()))
    if loose or (len(name.split()) < UNMARKED_MIN_SYLLABLES and not _shape_varies(name)):
        return loose
    # the press writes a vowel's shape otherwise than the statistics office ("Mù Cang Chải" for
    # "Mù Căng Chải"): the same letters without any marks, where nothing closer is found
    return keep(tuple(map(_gazetteer().unit, _by_unmarked().get(unmarked(k), ()))))


@cache
def province_unit(province: str, system: str = SYSTEM_2008) -> Unit | None:
    for u in by_name().get(name_key(province), ()):
        if u.level == "province" and u.system == system:
            return u
    return None


def max_name_words() -> int:
    return _gazetteer().max_words


def provinces() -> tuple[Unit, ...]:
    """The provinces of both systems (2008 first, in the gazetteer's order)."""
    return _gazetteer().provinces()


def communes_of(district_code: str | None) -> tuple[tuple[int, Unit], ...]:
    """The 2008-system communes of a district (by its code), each with its place in ``units()``."""
    return _gazetteer().communes_of(district_code)


# --- the site registry ---------------------------------------------------------------------------

@lru_cache(maxsize=4096)  # a site's host labels and folders come again with each of its pages
def slug(text: str) -> str:
    """A name as hosts and URL paths write it: no diacritics, no spaces, lower case ("backan")."""
    d = unicodedata.normalize("NFD", fold(text).replace("đ", "d"))
    return regex.sub(r"[^a-z0-9]", "", "".join(ch for ch in d if not unicodedata.combining(ch)))


@dataclass(frozen=True)
class Site:
    """Where a URL places an article: its province (2008 system) and, when known, a deeper unit."""

    province: str
    unit: Unit | None = None
    unit_2025: Unit | None = None  # the 2025-system commune the host or path names, if any


@cache
def _registry() -> dict[str, Any]:
    return load_toml("sites.toml")


@cache
def _province_slugs() -> dict[str, str]:
    """Province slug (and each alias of ``sites.toml``) -> 2008-system province name."""
    out = {slug(u.name): u.name for u in provinces() if u.system == SYSTEM_2008}
    for s, name in _registry()["province_slugs"].items():
        out[s] = name
    return out


@cache
def _domains() -> dict[str, str]:
    out: dict[str, str] = {}
    for province, hosts in _registry()["domains"].items():
        for h in hosts:
            out[h.lower()] = province
    return out


@cache
def _units_by_slug(province: str) -> dict[str, tuple[Unit, ...]]:
    """The districts and communes of a 2008-system province, by slug (with and without type)."""
    return _gazetteer().by_slug(f"2008:{province}")


@cache
def _communes_2025_by_slug(province_2008: str) -> dict[str, tuple[Unit, ...]]:
    """2025 communes of the 2025 province covering ``province_2008``, by slug (with and without type)."""
    p = province_unit(province_2008, SYSTEM_2008)
    return _gazetteer().by_slug(f"2025:{p.successor}") if p is not None else {}


@cache
def _unique_district_slugs() -> dict[str, Unit]:
    return {s: us[0] for s, us in _gazetteer().by_slug("districts").items()}


def _host_province(labels: list[str]) -> tuple[str, int] | None:
    """The province a host names, and the index of the label that names it."""
    reg = _registry()
    slugs = _province_slugs()
    for i, label in enumerate(labels):
        if slug(label) in slugs and ".".join(labels[i + 1:]) in reg["gov_suffixes"]:
            return slugs[slug(label)], i
    first = slug(labels[0])
    for pattern in reg["label_patterns"]:
        pre, _, post = pattern.partition("{province}")
        if first.startswith(pre) and first.endswith(post) and len(first) > len(pre) + len(post):
            core = first[len(pre):len(first) - len(post)]
            if core in slugs:
                return slugs[core], 0
    return None


def site_of_url(url: str | None) -> Site | None:
    """The province (and the district or commune, where the host or path names one) of a URL.

    A pure function of the registry and the URL: a listed domain; a government or party host
    ``[<unit>.]<province>.gov.vn`` / ``.dcs.vn``; a label ``bao<province>``, ``<province>tv`` …
    (``label_patterns``); a host named after a district that exists once in the country. A path
    segment ``Xa-Phuoc-An`` names a commune of the host's district or province.
    """
    if not url:
        return None
    parts = urlsplit(url if "//" in url else "//" + url)
    host = (parts.hostname or "").lower().rstrip(".")
    labels = [x for x in host.split(".") if x]
    while labels and labels[0] in ("www", "m", "amp", "mobile"):
        labels = labels[1:]
    if not labels:
        return None
    domains = _domains()
    province: str | None = None
    unit: Unit | None = None
    for i in range(len(labels) - 1):
        cand = ".".join(labels[i:])
        if cand in domains:
            province = domains[cand]
            break
    hit = _host_province(labels)
    if province is None and hit is not None:
        province = hit[0]
    if hit is not None and hit[1] > 0 and province == hit[0]:
        # the labels before the province: a district's portal ("sondong.bacgiang.gov.vn")
        # ... and before the district, a commune's ("xaphuocan.honquan.binhphuoc.gov.vn")
        for label in reversed(labels[:hit[1]]):
            found = [u for u in _units_by_slug(province).get(slug(label), ())
                     if (u.level == "district" and unit is None)
                     or (u.level == "commune" and unit is not None and u.district_code == unit.code)]
            if len({u.code for u in found}) == 1:
                unit = found[0]
    if province is None and len(labels) >= 2:
        d = _unique_district_slugs().get(slug(labels[0]))
        if d is not None and ".".join(labels[1:]) in _registry()["plain_suffixes"]:
            province, unit = d.province, d
        elif len(labels) >= 3 and ".".join(labels[2:]) in _registry()["plain_suffixes"] \
                and (d := _unique_district_slugs().get(slug(labels[1]))) is not None:
            # a commune's portal under a district's host that names no province ("hoangloc.hoanghoa.gov.vn"):
            # the district unique in the country, then the commune of that name in it
            province, unit = d.province, d
            found = [u for u in _units_by_slug(province).get(slug(labels[0]), ())
                     if u.level == "commune" and u.district_code == d.code]
            if len({u.code for u in found}) == 1:
                unit = found[0]
    if province is None:
        return None
    new_unit: Unit | None = None
    if hit is not None and hit[1] > 0 and province == hit[0]:
        for label in labels[:hit[1]]:  # a 2025 commune's portal ("eakar.daklak.gov.vn")
            found25 = _communes_2025_by_slug(province).get(slug(label), ())
            if len({u.code for u in found25}) == 1:
                new_unit = found25[0]
    # a path segment naming a unit with its type word: "/Xa-Phuoc-An/"
    for seg in unquote(parts.path).split("/"):
        s = slug(seg)
        if not s or not regex.match(r"^(xa|phuong|thitran|huyen|quan|thixa|thanhpho|dackhu)", s):
            continue
        found = [u for u in _units_by_slug(province).get(s, ())
                 if unit is None or u.district_code == unit.code or u == unit]
        if len({u.code for u in found}) == 1:
            unit = found[0]
        found25 = _communes_2025_by_slug(province).get(s, ())
        if len({u.code for u in found25}) == 1:
            new_unit = found25[0]
    return Site(province, unit, new_unit)
