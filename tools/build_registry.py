"""Write the default site registry's parsed form (``pipeline/data/registry.marshal``, see
``pipeline/sources.py``), stamped with the digest of ``corpus/sources.toml`` so that an edited
registry is parsed again. ``make`` runs it; it is not kept in git.

    .venv/bin/python tools/build_registry.py
"""

from __future__ import annotations

from pipeline.sources import DEFAULT_REGISTRY, PARSED, parsed_bytes


def main() -> int:
    tmp = PARSED.with_suffix(".tmp")
    tmp.write_bytes(parsed_bytes(DEFAULT_REGISTRY.read_bytes()))
    tmp.replace(PARSED)
    print(f"wrote {PARSED} ({PARSED.stat().st_size / 1e3:.0f} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
