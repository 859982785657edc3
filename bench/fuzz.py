"""Fuzzing extraction, the HTML cleaner and the front-matter reader with generated input (issue 12).

Each input is generated from a seeded random stream (the same seed gives the same inputs):

- ``text``         DVK-like fragments (numbers of any size, number words, years, quotes, units,
                   breakdown cues) mixed with arbitrary Unicode (combining marks, ``İ``, RTL, zero
                   width, astral), NFC or NFD, up to about 8 KB, through ``extractors.extract``;
- ``mutated``      a corpus article cut, spliced, repeated or sprinkled with junk;
- ``repeated``     one adversarial unit repeated up to about 16 KB (bench/adversarial.py's shapes);
- ``html``         tag soup (nesting, unclosed tags, attributes, entities, comments, scripts) and
                   mutated corpus pages, through ``pipeline.clean.clean_html``, then extraction;
- ``front matter`` YAML headers (aliases, tags, flows, odd dates, huge keys) through
                   ``pipeline.documents.from_text``.

Reported, and all must be 0: **crashes** (an exception other than dvk's own one-line errors),
**hangs** (an input over ``--cap`` seconds of CPU time, which other processes on a busy machine
do not inflate; a SIGPROF at 5× the cap breaks a real hang) and
**span violations** (a record whose ``text`` is not ``text[start:end]``, or a count whose number
is not in its text). ``tests/test_fuzz.py`` runs a few hundred of them in the default test run.

    python -m bench.fuzz                 # 10,000 inputs
    python -m bench.fuzz --n 500 --seed 7
"""

from __future__ import annotations

import argparse
import random
import signal
import statistics
import sys
import time
import traceback
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from extractors import Count, Document, Meta, Model, extract
from extractors.numbers import DIGIT_THOUSANDS_RE, NUMBER_RE, WORDS_RE, parse_number
from extractors.text import fold, nfc

ROOT = Path(__file__).resolve().parent.parent

FRAGMENTS = [
    "Đến nay, toàn huyện ", "toàn tỉnh có ", "xã Hòa Lạc ", "huyện Thạch Hà ", "tỉnh Nghệ An ", "TP. Hà Tĩnh ",
    "thị xã ", "phường ", "đã xây dựng ", "được công nhận ", "mô hình ", "mô hình “Dân vận khéo” ",
    "“Dân vận khéo” ", "Dân vận khéo ", "DVK ", "cấp huyện ", "cấp tỉnh ", "cấp cơ sở ", "trong đó ", "gồm ",
    "Trong đó, ", "lĩnh vực kinh tế ", "văn hóa - xã hội ", "quốc phòng - an ninh ",
    "xây dựng hệ thống chính trị ", "tập thể ", "cá nhân ", "năm ", "năm 2023 ", "giai đoạn 2016-2020 ",
    "từ năm 2021 đến nay ", "tính đến ngày 30/11/2023 ", "6 tháng đầu năm ", "nâng tổng số ", "lên ", "tăng ",
    "so với ", "gần ", "hơn ", "trên ", "khoảng ", "hàng trăm ", "một ", "hai mươi ", "mười lăm ",
    "một trăm linh năm ", "nghìn ", "Hội Nông dân ", "Hội Phụ nữ ", "Đoàn Thanh niên ", "Mặt trận Tổ quốc ",
    "Ban Dân vận ", "chi hội ", "thôn ", "bản ", "xóm ", ". ", ", ", "; ", ": ", " - ", " – ", "(", ")", "“", "”",
    '"', "'", "…", "\n", "\n\n", "  ", "\t", "\xa0",
]
JUNK = ["İ", "ß", "ﬁ", "\u0958", "\u1100\u1161\u11a8", "a\u0323\u0302", "o\u0300", "\u0301", "\u0300\u0301\u0302",
        "\u200b", "\u200d", "\ufeff", "\u2028", "\u202e", "\u0627\u0644", "𝟙𝟚", "١٢", "Ⅻ", "🙂", "\x00", "\r",
        "\ud7ff", "\U0010fffd", "Ǆ", "ǅ", "ΐ", "\u0345", "ﬀ", "Å", "Ω", "K"]
UNITS = ["một ", "mô hình ", "năm 2023 ", "trong đó 12 mô hình, ", "(12 tập thể, ", "Trong đó, 5 mô hình. ",
         "mô hình “Dân vận khéo ", "toàn huyện có 15 mô hình kinh tế; ", "“", "12 ", "1.", "cấp ", "xã A, ",
         "gồm 3 mô hình cấp tỉnh, ", "nâng tổng số ", "đến nay ", "lĩnh vực ", "- ", "( ", "hai mươi mốt "]
TAGS = ["div", "p", "span", "article", "section", "main", "table", "tr", "td", "ul", "li", "a", "b", "i", "h1",
        "h2", "br", "img", "figure", "figcaption", "script", "style", "noscript", "iframe", "form", "nav", "footer"]


def _number(r: random.Random) -> str:
    kind = r.random()
    if kind < 0.5:
        return str(r.randint(0, 999))
    if kind < 0.7:
        return f"{r.randint(1, 999)}.{r.randint(0, 999):03d}"
    if kind < 0.85:
        return str(r.randint(0, 10 ** r.randint(4, 30)))  # huge: never a count, never a crash
    return f"{r.randint(0, 99)},{r.randint(0, 99)}"


def _arbitrary(r: random.Random, n: int) -> str:
    out = []
    for _ in range(n):
        band = r.random()
        if band < 0.5:
            cp = r.randint(0x20, 0x2FF)
        elif band < 0.8:
            cp = r.randint(0x300, 0x1FFF)
        elif band < 0.95:
            cp = r.randint(0x2000, 0xFFFF)
        else:
            cp = r.randint(0x10000, 0x10FFFF)
        if 0xD800 <= cp <= 0xDFFF:
            cp = 0x20
        out.append(chr(cp))
    return "".join(out)


def dvk_text(r: random.Random, size: int) -> str:
    parts: list[str] = []
    length = 0
    while length < size:
        roll = r.random()
        if roll < 0.6:
            piece = r.choice(FRAGMENTS)
        elif roll < 0.8:
            piece = _number(r) + " "
        elif roll < 0.9:
            piece = r.choice(JUNK)
        else:
            piece = _arbitrary(r, r.randint(1, 12))
        parts.append(piece)
        length += len(piece)
    text = "".join(parts)
    return unicodedata.normalize(r.choice(["NFC", "NFC", "NFD", "NFKD"]), text) if r.random() < 0.5 else text


def mutated(r: random.Random, articles: list[str]) -> str:
    text = r.choice(articles)
    for _ in range(r.randint(1, 8)):
        op = r.random()
        i, j = sorted(r.randrange(len(text) + 1) for _ in range(2))
        if op < 0.25:
            text = text[:i] + text[j:]  # cut
        elif op < 0.5:
            text = text[:i] + text[i:j] * r.randint(2, 4) + text[j:]  # repeat
        elif op < 0.75:
            text = text[:i] + r.choice(JUNK + FRAGMENTS) + text[i:]  # insert
        else:
            other = r.choice(articles)
            k = r.randrange(len(other) + 1)
            text = text[:i] + other[k:k + (j - i)] + text[j:]  # splice
        text = text[:20_000]
    return unicodedata.normalize("NFD", text) if r.random() < 0.2 else text


def repeated(r: random.Random) -> str:
    unit = r.choice(UNITS)
    return unit * r.randint(1, 16_000 // len(unit.encode("utf-8")))


def tag_soup(r: random.Random, pages: list[str]) -> str:
    if pages and r.random() < 0.4:
        page = r.choice(pages)
        for _ in range(r.randint(1, 6)):
            i, j = sorted(r.randrange(len(page) + 1) for _ in range(2))
            page = page[:i] + r.choice(["", "<div>", "</div>", "<p>", "<!--", "&#x110000;", "&amp", "<![CDATA[",
                                        "<script>", page[i:j]]) + page[j:]
        return page[:300_000]
    out = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>", dvk_text(r, 40), "</title></head><body>"]
    depth = 0
    for _ in range(r.randint(1, 400)):
        roll = r.random()
        if roll < 0.3 and depth < 60:
            tag = r.choice(TAGS)
            attrs = r.choice(["", " class='content'", " id='main'", f" title='{dvk_text(r, 20)}'", " style='x'",
                              " href='javascript:x'", " class=" + "a" * r.randint(1, 3000)])
            out.append(f"<{tag}{attrs}>")
            depth += 1
        elif roll < 0.5 and depth:
            out.append(f"</{r.choice(TAGS)}>")
            depth -= 1
        elif roll < 0.6:
            out.append(r.choice(["&nbsp;", "&#7871;", "&#x1EC7;", "&bogus;", "&#0;", "<!-- x -->", "<br/>", "<", ">",
                                 "&", "<p", "</", "<!", "<?xml?>"]))
        else:
            out.append(dvk_text(r, r.randint(5, 300)))
    return "".join(out)


def front_matter(r: random.Random) -> str:
    lines = []
    for _ in range(r.randint(0, 8)):
        roll = r.random()
        if roll < 0.2:
            lines.append(f"url: https://example.vn/{r.randint(0, 999)}")
        elif roll < 0.35:
            day = r.choice(["2024-02-30", "2023-13-01", "0000-00-00", "2024-01-05", "99999-1-1", ""])
            lines.append(f"published: {day}")
        elif roll < 0.45:
            lines.append(f"title: {dvk_text(r, 40)}")
        elif roll < 0.55:
            lines.append("a: &x [" + ",".join(["*x"] * r.randint(1, 9)) + "]")
        elif roll < 0.65:
            lines.append(r.choice(["x: !!python/object:os.system 'ls'", "y: !!binary aGVsbG8=", "z: !!set {a, b}",
                                   "- list", "? complex", "{a: [b, {c: d}]}", "k: |", "  block", "t: 1e999",
                                   "d: 2024-02-30T25:61:61", "published: [2024, 1, 1]", "url: {a: 1}"]))
        elif roll < 0.75:
            lines.append("k" * r.randint(1, 2000) + ": v")
        else:
            lines.append(_arbitrary(r, r.randint(1, 30)))
    close = "---" if r.random() < 0.9 else ""
    return "---\n" + "\n".join(lines) + f"\n{close}\n" + dvk_text(r, r.randint(0, 400))


# --- checks --------------------------------------------------------------------------------------
def span_violations(text: str, doc: Document) -> list[str]:
    out = []
    records: list[Count | Model] = [*doc.counts, *doc.models]
    for r in records:
        if r.start is None:
            continue
        if r.end is None or not 0 <= r.start <= r.end <= len(text) or text[r.start:r.end] != r.text:
            out.append(f"span {r.start}:{r.end} is {text[r.start:r.end]!r}, record says {r.text!r}")
        s = r.sentence  # the sentence that holds the evidence
        if s is not None and s.start is not None and s.end is not None and r.end is not None and (
                not s.start <= r.start <= r.end <= s.end or text[s.start:s.end] != s.text):
            out.append(f"sentence {s.start}:{s.end} of span {r.start}:{r.end} is not the text's")
    for c in doc.counts:
        if c.text is None:
            continue
        composed = nfc(c.text)
        numbers = [parse_number(m.group()) for m in NUMBER_RE.finditer(composed)]
        numbers += [parse_number(m.group("words")) for m in WORDS_RE.finditer(fold(composed))]
        numbers += [parse_number(m.group()) for m in DIGIT_THOUSANDS_RE.finditer(composed)]  # "2 nghìn"
        if c.value not in numbers:
            out.append(f"count {c.value} is not in its text {c.text!r}")
    return out


class _Hang(Exception):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _Hang


@dataclass
class Report:
    inputs: Counter[str] = field(default_factory=Counter)
    crashes: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    ms_per_kb: list[float] = field(default_factory=list)
    kb: float = 0.0

    @property
    def clean(self) -> bool:
        return not (self.crashes or self.hangs or self.violations)


def _inputs(n: int, seed: int) -> Iterator[tuple[str, str]]:
    r = random.Random(seed)
    articles = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]
    pages = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.html"))]
    kinds: list[tuple[str, Callable[[], str]]] = [
        ("text", lambda: dvk_text(r, int(r.expovariate(1 / 1500)) % 8000)),
        ("mutated", lambda: mutated(r, articles)),
        ("repeated", lambda: repeated(r)),
        ("html", lambda: tag_soup(r, pages)),
        ("front matter", lambda: front_matter(r)),
    ]
    weights = [40, 20, 10, 20, 10]
    for _ in range(n):
        kind, make = r.choices(kinds, weights)[0]
        yield kind, make()


def run(n: int = 10_000, seed: int = 12, cap: float = 2.0, progress: bool = False) -> Report:
    """Generate and process ``n`` inputs; see the module docstring for what is counted."""
    from pipeline.clean import clean_html
    from pipeline.documents import from_text
    from pipeline.errors import DvkError

    report = Report()
    clean_html("<html><body><p>x</p></body></html>")  # warm-up: models, gazetteers and rules load once
    extract((ROOT / "corpus").glob("*.txt").__next__().read_text(encoding="utf-8"), Meta(doc="warm-up"))
    old = signal.signal(signal.SIGPROF, _alarm)
    try:
        for i, (kind, data) in enumerate(_inputs(n, seed)):
            report.inputs[kind] += 1
            t0, c0 = time.perf_counter(), time.process_time()
            signal.setitimer(signal.ITIMER_PROF, cap * 5)  # CPU seconds of this process
            label = f"#{i} {kind} ({len(data)} chars, seed {seed})"
            try:
                text = data
                if kind == "html":
                    try:
                        text = clean_html(data).text
                    except DvkError:
                        text = ""
                elif kind == "front matter":
                    try:
                        text = from_text(data, "fuzz").text
                    except DvkError:
                        text = ""
                doc = extract(text, Meta(doc="fuzz"))
                report.violations += [f"{label}: {v}" for v in span_violations(text, doc)]
            except _Hang:
                report.hangs.append(f"{label}: still running after {cap * 5:g} s of CPU time")
            except Exception as exc:  # noqa: BLE001 - what the fuzz run is looking for
                report.crashes.append(f"{label}: {exc!r}\n{traceback.format_exc(limit=3)}")
            finally:
                signal.setitimer(signal.ITIMER_PROF, 0)
            took, wall = time.process_time() - c0, time.perf_counter() - t0
            if took > cap and not (report.hangs and report.hangs[-1].startswith(label)):
                report.hangs.append(f"{label}: {took:.2f} s of CPU ({wall:.2f} s wall) > cap {cap:g} s")
            kb = len(data.encode("utf-8", "surrogatepass")) / 1024
            report.seconds.append(took)
            report.kb += kb
            if kb >= 1:
                report.ms_per_kb.append(1000 * took / kb)
            if progress and (i + 1) % 1000 == 0:
                print(f"  {i + 1:,} inputs …", file=sys.stderr, flush=True)
    finally:
        signal.signal(signal.SIGPROF, old)
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10_000, help="number of inputs")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--cap", type=float, default=2.0, help="CPU seconds one input may take")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    rep = run(args.n, args.seed, args.cap, progress=True)
    total = time.perf_counter() - t0
    n = sum(rep.inputs.values())
    print(f"fuzz: {n:,} inputs (seed {args.seed}) in {total:.0f} s: "
          + ", ".join(f"{k} {v:,}" for k, v in sorted(rep.inputs.items())))
    print(f"  {rep.kb / 1024:.1f} MB in all; CPU per input: median {1000 * statistics.median(rep.seconds):.1f} ms, "
          f"max {max(rep.seconds):.2f} s; inputs of 1 KB or more: median "
          f"{statistics.median(rep.ms_per_kb):.2f} ms/KB, max {max(rep.ms_per_kb):.2f} ms/KB"
          if rep.seconds and rep.ms_per_kb else "")
    print(f"  crashes {len(rep.crashes)}, hangs (over {args.cap:g} s) {len(rep.hangs)}, "
          f"span violations {len(rep.violations)}")
    for line in (rep.crashes + rep.hangs + rep.violations)[:20]:
        print("  " + line.replace("\n", "\n    "))
    return 0 if rep.clean else 1


if __name__ == "__main__":
    raise SystemExit(main())
