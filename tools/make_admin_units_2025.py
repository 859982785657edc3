"""Regenerate ``extractors/data/admin_units_2025.csv`` from the PyPI package vietnamadminunits.

    .venv/bin/pip install 'vietnamadminunits==1.0.4'
    .venv/bin/python tools/make_admin_units_2025.py

Why a generated copy rather than a runtime dependency: the extractors are pure functions of the
text and their own data files (``extractors/__init__.py``), and their output must not change when
pip picks another release of a third-party package; the package also pulls in shapely, geopy and
tqdm, which the extractors have no use for, and its SQLite file and JSON mapping are internals
(``data/dataset.db``, ``data/converter_2025.json``) that a release may move. A CSV of 3,355 rows
read once is small, reviewable in a diff and versioned with the rules that use it. The package's
MIT licence is copied beside it (``extractors/data/LICENSE-vietnamadminunits.txt``).

Columns: ``level`` (province, commune: the 2025 system has no districts), ``code`` (GSO code in
the 2025 system), ``name`` (without its type word), ``full_name``, ``kind`` (Tỉnh, Thành phố trực
thuộc trung ương, Phường, Xã, Đặc khu), ``province_code``, ``province``, and for provinces
``predecessors``: the 2008-system province codes it took over, ";"-separated (from the package's
old→new province mapping), so that every 2008-system unit has a 2025 successor province.
"""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import sys
from pathlib import Path

import vietnamadminunits

PKG = Path(vietnamadminunits.__file__).parent
OUT = Path(__file__).resolve().parent.parent / "extractors" / "data"


def _strip(full: str, kinds: tuple[str, ...]) -> str:
    for k in kinds:
        if full.startswith(k + " "):
            return full[len(k) + 1:]
    return full


def main() -> int:
    db = sqlite3.connect(PKG / "data" / "dataset.db")
    converter = json.loads((PKG / "data" / "converter_2025.json").read_text("utf-8"))
    legacy_codes = dict(db.execute("SELECT DISTINCT provinceKey, provinceCode FROM admin_units_legacy"))
    rows: list[dict[str, str]] = []
    provinces = db.execute(
        "SELECT DISTINCT province, provinceCode, provinceKey FROM admin_units ORDER BY provinceCode").fetchall()
    for full, code, pkey in provinces:
        kind = "Thành phố trực thuộc trung ương" if full.startswith("Thành phố ") else "Tỉnh"
        olds = sorted(legacy_codes[k] for k in converter["DICT_PROVINCE"][pkey])
        rows.append({"level": "province", "code": code, "name": _strip(full, ("Thành phố", "Tỉnh")),
                     "full_name": full, "kind": kind, "province_code": code, "province": full,
                     "predecessors": ";".join(olds)})
    for full, ward, wtype, pcode, wcode in db.execute(
            "SELECT province, ward, wardType, provinceCode, wardCode FROM admin_units ORDER BY wardCode"):
        rows.append({"level": "commune", "code": wcode, "name": _strip(ward, (wtype,)), "full_name": ward,
                     "kind": wtype, "province_code": pcode, "province": full, "predecessors": ""})
    with (OUT / "admin_units_2025.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    lic = PKG.parent / f"vietnamadminunits-{vietnamadminunits_version()}.dist-info" / "licenses" / "LICENSE"
    if lic.exists():
        shutil.copyfile(lic, OUT / "LICENSE-vietnamadminunits.txt")
    print(f"{len(rows)} rows -> {OUT / 'admin_units_2025.csv'}", file=sys.stderr)
    return 0


def vietnamadminunits_version() -> str:
    from importlib.metadata import version
    return version("vietnamadminunits")


if __name__ == "__main__":
    raise SystemExit(main())
