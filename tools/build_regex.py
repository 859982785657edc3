"""Write the prebuilt table of the rules' compiled patterns (``extractors/data/regex.marshal``, see
``extractors/compiled.py``): every pattern the extractors compile on the bundled inputs (the
corpus and the rule specs' texts), with what ``regex`` hands its engine for it; and the rule
files parsed (``extractors/data/toml.marshal``, ``lexicon.load_toml``). ``make`` runs it; neither
is kept in git.

    .venv/bin/python tools/build_regex.py
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

import regex._main

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "extractors" / "data" / "regex.marshal"

seen: set[tuple[str, int]] = set()
_compile = regex._main._compile


def _record(pattern: Any, flags: Any, ignore_unused: Any, kwargs: Any, cache_it: Any) -> Any:
    if type(pattern) is str and not kwargs:
        seen.add((pattern, int(flags)))
    return _compile(pattern, flags, ignore_unused, kwargs, cache_it)


def main() -> int:
    # the table in place would hand the patterns out without compiling them: none while recording
    os.environ["DVK_REGEX_TABLE"] = "0"
    regex._main._compile = _record  # before the extractors are imported: their modules compile on import
    sys.path.insert(0, str(ROOT))
    from extractors import Meta, compiled, extract
    from pipeline.documents import read_path
    from pipeline.extracting import documents_of, extract_source
    from pipeline.sources import load_registry

    registry = load_registry()
    failed = 0
    for path in documents_of([ROOT / "corpus"]):
        try:
            extract_source(read_path(path, registry), registry)
        except Exception:  # noqa: BLE001 - an extractor bug is the tests' to report, not the table's
            failed += 1
    for spec in sorted((ROOT / "tests" / "specs").glob("*.json")):
        for case in json.loads(spec.read_text(encoding="utf-8")):
            pub = date.fromisoformat(case["published"]) if case.get("published") else None
            try:
                extract(case["text"], Meta(doc=case["id"], published=pub,
                                           **{k: case.get(k) for k in ("url", "title", "source_province")}))
            except Exception:  # noqa: BLE001
                failed += 1
    regex._main._compile = _compile
    if failed:
        print(f"build_regex: {failed} inputs failed to extract; their other patterns compile as before")
    raw = compiled.prebuilt_bytes(seen)
    from extractors import lexicon

    parsed = ROOT / "extractors" / "data" / lexicon.PARSED
    names = sorted(p.name for p in parsed.parent.glob("*.toml"))
    parsed.with_suffix(".tmp").write_bytes(lexicon.parsed_bytes(names))
    parsed.with_suffix(".tmp").replace(parsed)
    print(f"wrote {parsed.relative_to(ROOT)} ({', '.join(names)})")
    tmp = TARGET.with_suffix(".tmp")
    tmp.write_bytes(raw)
    tmp.replace(TARGET)
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(compiled.from_prebuilt(raw) or {})} patterns, "
          f"{len(raw) / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
