"""The gazetteer: every administrative unit of 2021–2025 (``data/admin_units.csv``).

The file is the project's copy of ``shared/data/admin_units_2021_2025.csv`` (GSO codes, MIT
licence in ``data/LICENSE-admin-units.txt``). It is a superset of vietnamadminunits'
``admin_units_legacy`` snapshot for the years the articles cover: it also lists the units merged
away between 2021 and 2025, which articles of those years still name.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .lexicon import lexicon
from .text import key, modern_tones, nfc


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: str
    level: str
    province: str
    province_code: str
    district: str | None
    district_code: str | None
    first_seen: str
    last_seen: str


def _strip_type(full: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh ", "Huyện ", "Quận ", "Thị xã "):
        if full.startswith(prefix):
            return full[len(prefix):]
    return full


@cache
def units() -> tuple[Unit, ...]:
    kinds = {k: (word, level) for k, word, level in lexicon()["units"]["kinds"]}
    raw = resources.files(__package__).joinpath("data").joinpath("admin_units.csv").read_text(
        encoding="utf-8"
    )
    out: list[Unit] = []
    seen: set[tuple[str, str, str]] = set()
    for row in csv.DictReader(io.StringIO(raw)):
        word, level = kinds[row["kind"]]
        name = modern_tones(nfc(row["name"]))
        ident = (level, row["code"], name)
        if ident in seen:
            continue
        seen.add(ident)
        district = row["district"] or None
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
            )
        )
    return tuple(out)


@cache
def by_name() -> dict[str, tuple[Unit, ...]]:
    """Units by the comparison key of their name (tone placement and case ignored)."""
    index: dict[str, list[Unit]] = {}
    for u in units():
        index.setdefault(key(u.name), []).append(u)
    return {k: tuple(v) for k, v in index.items()}


def lookup(name: str, kinds: tuple[str, ...] | None = None) -> tuple[Unit, ...]:
    found = by_name().get(key(name), ())
    if kinds is None:
        return found
    return tuple(u for u in found if u.kind in kinds)


@cache
def province_unit(province: str) -> Unit | None:
    for u in by_name().get(key(province), ()):
        if u.level == "province":
            return u
    return None


@cache
def max_name_words() -> int:
    return max(len(u.name.split()) for u in units())
