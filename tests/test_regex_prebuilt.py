"""The prebuilt table of compiled patterns (extractors/compiled.py) is what ``regex`` compiles,
a stale or broken one is ignored, and the rules' patterns do not change from process to process."""

from __future__ import annotations

import json
import marshal
import subprocess
import sys
from pathlib import Path

import regex

from extractors import compiled

ROOT = Path(__file__).resolve().parent.parent


def _texts() -> list[str]:
    from extractors.text import fold

    raw = [p.read_text(encoding="utf-8")[:4000] for p in sorted((ROOT / "corpus").glob("*.txt"))[:2]]
    return raw + [fold(t) for t in raw]


def test_every_entry_is_what_regex_compiles_now() -> None:
    """Every entry is what regex makes of its pattern today: the same groups, required string
    and flags, the same engine code up to the order of a set's members (regex writes them in
    the order of a set of its own, which is not the same from process to process), and the
    same matches on two corpus articles, raw and folded."""
    raw = compiled.prebuilt_bytes([(r"(?<![\w])(?P<n>\d+)\s+mô hình", 0), (r"[a-z]+", int(regex.I))])
    installed = ROOT / "extractors" / "data" / compiled.PREBUILT
    if installed.exists():  # make writes it before the tests run
        raw = installed.read_bytes()
    table = compiled.from_prebuilt(raw)
    assert table is not None and len(table) >= 2
    if installed.exists():
        assert len(table) > 100
    texts = _texts()
    make = regex._main._regex.compile
    for (pattern, flags), args in table.items():
        fresh = compiled.engine_args(pattern, flags)
        assert fresh is not None, pattern
        assert fresh[:2] == args[:2] and fresh[3:] == args[3:], pattern
        assert sorted(fresh[2]) == sorted(args[2]), pattern
        a, b = make(*args), make(*fresh)
        for text in texts:
            assert [m.span() for m in a.finditer(text)] == [m.span() for m in b.finditer(text)], pattern


def test_a_pattern_from_the_table_matches_as_a_compiled_one() -> None:
    pattern, flags = r"(?<![\w])(?P<n>\d+)\s+(?:mô hình|điển hình)(?![\w])", int(regex.I)
    (_, table) = marshal.loads(compiled.prebuilt_bytes([(pattern, flags)]))
    made = regex._main._regex.compile(*table[(pattern, flags)])
    fresh = regex._main._compile(pattern, flags, False, {}, False)
    text = "Có 12 mô hình, 3 ĐIỂN HÌNH và 40mô hình; 7 Mô Hình."
    assert [m.span() for m in made.finditer(text)] == [m.span() for m in fresh.finditer(text)] != []
    assert (made.pattern, made.flags, made.groupindex, made.groups) == \
        (fresh.pattern, fresh.flags, fresh.groupindex, fresh.groups)


def test_a_stale_or_broken_table_is_ignored(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    raw = compiled.prebuilt_bytes([("a+", 0)])
    assert compiled.from_prebuilt(raw) is not None
    assert compiled.from_prebuilt(b"not a table") is None
    assert compiled.from_prebuilt(marshal.dumps(("another stamp", {}))) is None
    monkeypatch.setattr(regex, "__version__", "0.0")
    assert compiled.from_prebuilt(raw) is None


def test_locale_patterns_are_left_out() -> None:
    assert compiled.engine_args(r"\w+", int(regex.LOCALE)) is None
    assert compiled.engine_args(r"(?L)\w+", 0) is None


PATTERNS = """
import json, sys
import regex._main
seen = set()
original = regex._main._compile
def spy(pattern, flags, ignore_unused, kwargs, cache_it):
    if type(pattern) is str and not kwargs:
        seen.add((pattern, int(flags)))
    return original(pattern, flags, ignore_unused, kwargs, cache_it)
regex._main._compile = spy
from extractors import Meta, extract
for text in json.loads(sys.stdin.read()):
    extract(text, Meta(doc="x"))
print(json.dumps(sorted(seen)))
"""


def test_the_rules_patterns_do_not_depend_on_the_hash_seed() -> None:
    """A set's order changes with the string hash seed: a pattern joined from one would miss
    the table in most processes."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))[:2]]
    runs = []
    for seed in ("1", "2"):
        env = {"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin", "DVK_REGEX_TABLE": "0"}
        proc = subprocess.run([sys.executable, "-c", PATTERNS], input=json.dumps(texts), capture_output=True,
                              text=True, cwd=ROOT, env=env, check=True, timeout=300)
        runs.append(json.loads(proc.stdout))
    assert len(runs[0]) > 100
    assert runs[0] == runs[1]


def test_the_parsed_rule_files_are_what_tomllib_reads(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import tomllib

    from extractors import lexicon

    data = ROOT / "extractors" / "data"
    names = sorted(p.name for p in data.glob("*.toml"))
    raw = lexicon.parsed_bytes(names)
    monkeypatch.setattr(lexicon, "_parsed", lambda: marshal.loads(raw)[1])
    for name in names:
        assert lexicon.load_toml(name) == tomllib.loads((data / name).read_text(encoding="utf-8")), name
    # a file changed since it was parsed is parsed again
    stamp, table = marshal.loads(raw)
    digest, parsed = table["lexicon.toml"]
    stale = {**table, "lexicon.toml": (digest, marshal.dumps({"not": "the lexicon"}))}
    monkeypatch.setattr(lexicon, "_parsed", lambda: stale)
    assert lexicon.load_toml("lexicon.toml") == {"not": "the lexicon"}  # the same file: the entry is used
    stale["lexicon.toml"] = ("0" * 64, marshal.dumps({"not": "the lexicon"}))
    assert lexicon.load_toml("lexicon.toml") == tomllib.loads((data / "lexicon.toml").read_text(encoding="utf-8"))
