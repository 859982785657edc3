"""Write the gazetteer's prebuilt form (``extractors/data/gazetteer.marshal``, see
``extractors/gazetteer.py``): the parsed units and name indexes, stamped with a digest of their
sources so that a stale file is ignored. ``make`` runs it; it is not kept in git.

    .venv/bin/python tools/build_gazetteer.py
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from extractors import gazetteer


def main() -> int:
    target = Path(str(resources.files("extractors").joinpath("data").joinpath(gazetteer.PREBUILT)))
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(gazetteer.prebuilt_bytes())
    tmp.replace(target)
    print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
